"""The organisation workspace: "My actions", sub-actions updated in place (notes, evidence, withdrawal,
due-date requests), evidence downloads and each sub-action's history."""
from flask import Blueprint

from .. import web

bp = Blueprint("workspace", __name__)

from . import actions, row_forms, views  # noqa: E402,F401  (the routes register themselves on bp)

web.add_nav("workspace.my_actions", "My actions", ("org", "reviewer"),
            when=lambda user: user.organisation_id is not None)
