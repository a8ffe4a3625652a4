"""Administration (the Task and Finish group's office): reviews, organisations, the plan itself,
spreadsheet imports, people and the audit log. One module per concern; access rules live in
sefton.access only."""
from flask import Blueprint, render_template

from .. import access, web

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN_PAGES = (access.ADMIN,)

web.add_nav("admin.index", "Administration", ADMIN_PAGES)


@bp.get("/")
@access.signed_in(*ADMIN_PAGES)
def index():
    return render_template("admin/index.html")


from . import audit_log, imports, organisations, outbox, people, plan, reviews  # noqa: E402,F401  (routes register on bp)
