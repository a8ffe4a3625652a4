"""Reminders and notifications in the app (issue 11): the "Needs your attention" panel (dashboard
and My actions) built from sefton.reminders, "mark as seen", e-mail preferences on the account
page, and the one-click link in every e-mail that changes one setting without signing in."""
from flask import Blueprint

from .. import access, web

bp = Blueprint("notifications", __name__)
# Last in the header (added when the blueprint is registered, after the other areas).
bp.record_once(lambda state: web.add_nav("notifications.preferences", "E-mail settings", access.EVERYONE))

from . import panel, views  # noqa: E402,F401  (routes and template globals register on bp)
