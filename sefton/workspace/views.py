"""Pages of the workspace: "My actions", a sub-action's history, evidence downloads."""
import io
from urllib.parse import urlsplit

from flask import abort, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from .. import access, audit, dates, htmx, web, workflow
from ..extensions import db
from ..figures import history as history_words
from ..notifications import items_for
from ..web import current_review, safe_path
from . import rows
from .blueprint import bp

# --- shared by the pages and the partials ---------------------------------------------------------

@bp.app_template_global()
def workspace_return_to():
    """The page a row's forms return to: the page showing the row, passed on through each post."""
    if request.method != "POST":
        return request.full_path.rstrip("?")
    sent = None if g.get("upload_too_large") else request.form.get("next")  # an oversized body is unread
    referrer = urlsplit(request.referrer or "")
    return (safe_path(sent) or safe_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
            or url_for("workspace.my_actions"))


@bp.app_template_global()
def workspace_htmx_rows():
    """Rows update in place on "My actions"; on the sub-action page the forms post and reload,
    since the rest of that page (status, evidence, notes) changes with them."""
    return request.endpoint != "plan.sub_action"


@bp.app_template_global()
def workspace_row(row):
    """A plan row with what the workspace shows of it (for the sub-action page)."""
    return row if getattr(row, "extras", False) else rows.attach([row])[0]


bp.add_app_template_global(workflow.allowed, "workflow_allowed")
bp.add_app_template_global(workflow.DUE_SET_BY_OFFICE, "DUE_SET_BY_OFFICE")
bp.add_app_template_global(workflow.pending_date_request, "pending_date_request")


# --- pages ------------------------------------------------------------------------------------------

def _workspace():
    """The signed-in person's organisation and the current review, or 404 (a reviewer without one)."""
    org, review = current_user.organisation, current_review()
    if org is None or review is None:
        abort(404)
    return org, review


@bp.get("/my-actions")
@access.signed_in(access.ORG, access.REVIEWER)
def my_actions():
    """What needs doing, by the rules of the "Needs your attention" panel and the reminder e-mails."""
    if any(request.args.get(name) for name in ("status", "due", "page")):
        # Links of before the full list moved (e-mails already sent, bookmarks) keep their filters.
        return redirect(url_for("workspace.all_sub_actions", **request.args), 302)
    org, review = _workspace()
    today = dates.today()
    found = items_for(current_user, review, today)
    return render_template("workspace/my_actions.html", org=org,
                           groups=rows.needs_doing(current_user, found, today), **rows.summary(review, org, today))


@bp.get("/my-actions/all")
@access.signed_in(access.ORG, access.REVIEWER)
def all_sub_actions():
    """Every sub-action of the recommendations assigned to the organisation, filtered, a page at a time."""
    org, review = _workspace()
    today = dates.today()
    status = request.args.get("status", "")
    status = status if status in rows.STATUS_FILTERS else ""
    due = request.args.get("due", "")
    due = due if due in rows.DUE_FILTERS else ""
    page = _page_number()
    found = rows.full_list(current_user, org.id, status, due, today, page)
    if found is None:
        abort(404)
    return render_template("workspace/all_sub_actions.html", org=org, sections=found.sections, status=status,
                           due=due, status_filters=rows.STATUS_FILTERS, due_filters=rows.DUE_FILTERS,
                           page=page, pages=found.pages, total=found.total, continued=found.continued,
                           page_size=rows.PAGE_SIZE, pager=web.Page(page, found.total, rows.PAGE_SIZE),
                           **rows.summary(review, org, today))


def _page_number():
    """?page=N: 1 when absent; 400 when not a number; a number too large for any page reads as past
    the last page (404), never as an integer the database cannot hold."""
    raw = request.args.get("page", "")
    if not raw:
        return 1
    if not raw.isascii() or not raw.isdigit():
        abort(400)
    return int(raw) if len(raw) <= 9 else 0


@bp.app_template_filter()
def short_theme(title):
    return rows.short_theme(title)


@bp.get("/sub-actions/<int:sub_action_id>/history")
@access.signed_in()
def history(sub_action_id):
    sa = access.get_sub_action(current_user, sub_action_id)
    entries = history_words.entries(sa, show_evidence=access.can_see_evidence(current_user, sa))
    template = "workspace/_history.html" if htmx.is_htmx() else "workspace/history.html"
    return render_template(template, sa=sa, entries=entries)


@bp.get("/evidence/<int:file_id>")
@access.signed_in()
def download_evidence(file_id):
    stored = access.get_evidence_file(current_user, file_id)
    # Evidence can be sensitive: every download is on record (the information governance teams ask).
    audit.record_download("evidence.downloaded", stored, {
        "file_id": stored.id, "name": stored.original_name, "sha256": stored.sha256,
        "submission_id": stored.submission_id}, sub_action=stored.submission.sub_action)
    db.session.commit()
    response = send_file(io.BytesIO(stored.data), mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.original_name, max_age=0, etag=False, conditional=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
