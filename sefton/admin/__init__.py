"""Administration (the Task and Finish group's office): reviews, organisations, the plan itself,
spreadsheet imports, people and the audit log. One module per concern; access rules live in
sefton.access only."""
from flask import Blueprint, current_app, render_template

from .. import access, web

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN_PAGES = access.ADMINISTRATORS

web.add_nav("admin.index", "Administration", ADMIN_PAGES)


@bp.get("/")
@access.signed_in(*ADMIN_PAGES)
def index():
    review = web.current_review()
    # Areas link only once they exist (each is built in its own module).
    endpoints = {name for name in current_app.view_functions if name.startswith("admin.")}
    return render_template("admin/index.html", review=review, admin_endpoints=endpoints)


from . import audit_log, imports, organisations, outbox, people, plan, reviews  # noqa: E402,F401  (routes register on bp)
