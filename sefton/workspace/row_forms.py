"""A row's forms, fetched when opened (issue 12): "My actions" sends each row with links only; htmx
GETs the form into the row (and the row back on Cancel). Without JavaScript the same links lead to
the sub-action's own page, where every form is a plain form, and withdrawing asks on a page of its
own. Each route: load through sefton.access (for change), then answer."""
from urllib.parse import urlsplit

from flask import abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access, htmx, workflow
from ..web import safe_path
from . import rows
from .blueprint import bp
from .views import workspace_return_to

MEMBERS = (access.ORG, access.REVIEWER)
FORMS = ("note", "evidence", "date", "withdraw")


@bp.app_template_global()
def workspace_next():
    """The page a form returns to after a plain post: a `next` given in the query, the page showing
    the row for a fragment fetched by htmx (HX-Current-URL), else as workspace_return_to."""
    if g.get("workspace_next"):
        return g.workspace_next
    if request.method == "GET":
        sent = safe_path(request.args.get("next"))
        if sent:
            return sent
        if htmx.is_htmx():
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            return (safe_path(current.path + (f"?{current.query}" if current.query else ""))
                    or url_for("workspace.my_actions"))
    return workspace_return_to()


def refusal(sa, row, kind):
    """Why the form `kind` is not offered for the sub-action as it is now (None: it is)."""
    if kind == "withdraw" and not workflow.allowed("withdraw", sa.state):
        return workflow.REFUSALS["withdraw"]
    if kind == "evidence" and not workflow.allowed("submit", sa.state):
        return workflow.REFUSALS["submit"]
    if kind == "date":
        if not workflow.allowed("request_date", sa.state):
            return workflow.REFUSALS["request_date"]
        if sa.current_due_on is None:
            return workflow.DUE_TO_BE_CONFIRMED
        if row.pending_request is not None:
            return "A new due date has already been requested and is awaiting a decision."
    return None


@bp.get("/sub-actions/<int:sub_action_id>/forms/<kind>")
@access.signed_in(*MEMBERS)
def row_form(sub_action_id, kind):
    """The row with the form `kind` open (htmx); a plain request goes to the form on the sub-action's page."""
    if kind not in FORMS:
        abort(404)
    sa = access.get_sub_action(current_user, sub_action_id, for_change=True)
    if not htmx.is_htmx():
        if kind == "withdraw":
            return redirect(url_for("workspace.confirm_withdraw", sub_action_id=sa.id))
        return redirect(url_for("plan.sub_action", sub_action_id=sa.id, form=kind) + f"#{kind}")
    row = rows.one(current_user, sa.id)
    refused = refusal(sa, row, kind)
    if refused:  # the row changed since the page was shown: it comes back as it is now
        return htmx.fragment("workspace/_row.html", 409, row=row, summary_title="This sub-action has changed",
                             notice=f"{refused} It is shown as it is now.")
    return htmx.fragment("workspace/_row.html", row=row, open_form=kind)


@bp.get("/sub-actions/<int:sub_action_id>/row")
@access.signed_in(*MEMBERS)
def row(sub_action_id):
    """The row as it is now, its form closed (Cancel)."""
    sa = access.get_sub_action(current_user, sub_action_id, for_change=True)
    if not htmx.is_htmx():
        return redirect(url_for("plan.sub_action", sub_action_id=sa.id) + f"#subaction-{sa.id}")
    return htmx.fragment("workspace/_row.html", row=rows.one(current_user, sa.id))


@bp.get("/sub-actions/<int:sub_action_id>/withdraw")
@access.signed_in(*MEMBERS)
def confirm_withdraw(sub_action_id):
    """Withdrawing asks first (the page for JavaScript off; htmx asks in the row)."""
    sa = access.get_sub_action(current_user, sub_action_id, for_change=True)
    row = rows.one(current_user, sa.id)
    back = safe_path(request.args.get("next")) or safe_path(_referrer()) or url_for(
        "plan.sub_action", sub_action_id=sa.id)
    g.workspace_next = back  # the confirm form returns there
    return render_template("workspace/withdraw.html", sa=sa, row=row, back=back,
                           refused=refusal(sa, row, "withdraw"))


def _referrer():
    parts = urlsplit(request.referrer or "")
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
