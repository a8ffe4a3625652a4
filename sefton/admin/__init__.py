"""Administration: what only the Task and Finish group's office does. The index of the office's
pages, reviews (the inspections whose recommendations a plan answers), organisations, the e-mail
outbox and the audit log; one module per concern.

The office's screens for the plan, its import and people belong to those capabilities (sefton.plan,
sefton.accounts), each with its own blueprint under /admin; this package links to them by endpoint
and imports none of them. Uses what is shared (access rules in sefton.access, the forms' helpers in
sefton.forms) and notifications' outbox. Nothing else uses it.
"""
from flask import current_app, render_template

from .. import access, web
from . import audit_log, organisations, outbox, reviews  # noqa: F401  (routes register on bp)
from .blueprint import ADMIN_PAGES, bp

__all__ = ["bp"]


@bp.get("/")
@access.signed_in(*ADMIN_PAGES)
def index():
    review = web.current_review()
    # Areas link only once they exist (each is built in its own module, some in other capabilities).
    return render_template("admin/index.html", review=review, admin_endpoints=set(current_app.view_functions))
