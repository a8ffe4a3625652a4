"""The notifications blueprint: "mark as seen", e-mail settings and the one-click link in e-mails."""
from flask import Blueprint

from .. import access, web

bp = Blueprint("notifications", __name__)
# Last in the header (added when the blueprint is registered, after the other areas).
bp.record_once(lambda state: web.add_nav("notifications.preferences", "E-mail settings", access.EVERYONE))
