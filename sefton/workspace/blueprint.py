"""The organisation workspace's blueprint and its header link."""
from flask import Blueprint

from .. import web

bp = Blueprint("workspace", __name__)

web.add_nav("workspace.my_actions", "My actions", ("org", "reviewer"),
            when=lambda user: user.organisation_id is not None)
