"""The office's blueprint (/admin/…): its index, reviews, organisations, the outbox and the audit log.
The plan's and the people's office pages are the plan's and accounts' own blueprints."""
from flask import Blueprint

from .. import access, web

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN_PAGES = access.ADMINISTRATORS

web.add_nav("admin.index", "Administration", ADMIN_PAGES)
