"""Awaiting review: the queue, one submission with its decision panel, and the decisions."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access, dates, htmx, web, workflow
from ..extensions import db
from ..figures import history
from ..models import EvidenceSubmission
from . import queries
from .blueprint import REVIEW_ROLES, bp

DECISION_OOB = ("review/_submission_status.html", "review/_history.html", "review/_figures.html",
                "review/_count.html", "_flash.html")
DATE_OOB = ("review/_date_count.html", "review/_yours.html", "review/_figures.html", "review/_count.html",
            "_flash.html")


@bp.get("/review")
@access.signed_in(*REVIEW_ROLES)
def queue():
    return _queue_page(**queue_filter())


def queue_filter():
    """The queue's filters ({"org": code, "section": number}, those set), from the query string or,
    for a decision, the form: the decision page and "Next in the queue" keep them."""
    org = (request.values.get("org") or "").strip()[:40] or None
    section = web.int_arg(request.values.get("section"))
    return {key: value for key, value in (("org", org), ("section", section)) if value is not None}


@bp.get("/review/submissions/<int:submission_id>")
@access.signed_in(*REVIEW_ROLES)
def submission(submission_id):
    sub = access.get_submission(current_user, submission_id)
    return render_template("review/submission.html", **_submission_context(sub))


@bp.post("/review/submissions/<int:submission_id>/accept")
@access.signed_in(access.REVIEWER)
def accept(submission_id):
    return _decide(submission_id, "accept")


@bp.post("/review/submissions/<int:submission_id>/return")
@access.signed_in(access.REVIEWER)
def return_(submission_id):
    return _decide(submission_id, "return")


@bp.post("/review/date-requests/<int:request_id>/accept")
@access.signed_in(access.REVIEWER)
def accept_date(request_id):
    return _decide_date(request_id, True)


@bp.post("/review/date-requests/<int:request_id>/decline")
@access.signed_in(access.REVIEWER)
def decline_date(request_id):
    return _decide_date(request_id, False)


# --- helpers ----------------------------------------------------------------------------------

def _counts():
    """What review pages show above their lists and swap out of band; worked out after any change
    the request made, and kept for the header's count of the same page (g.review_counts)."""
    g.review_counts = queries.review_counts(current_user)
    pending, dates_pending = queries.queue_counts(current_user, g.review_counts)
    return {"pending_count": pending, "date_count": dates_pending,
            "review_counts": g.review_counts, "plan_due_on": queries.plan_due_on(),
            "totals": queries.totals(current_user), "as_at": dates.today()}


def _submission_context(sub, errors=None, values=None):
    sa = sub.sub_action
    can_decide = access.can_decide(current_user, sub)
    offers_forms = can_decide and sub.status == EvidenceSubmission.PENDING
    filters = queue_filter()
    return {"sub": sub, "sa": sa, "row": queries.colour_of(current_user, sa),
            "background": queries.background(sub),
            "entries": history.entries(sa, show_evidence=access.can_see_evidence(current_user, sa)),
            "can_decide": can_decide, "errors": errors or {},
            "values": values or {}, "fingerprint_now": workflow.fingerprint(sub.files),
            # Once the panel offers no decision here (made, or not this reviewer's), where to go on.
            "next_sub": None if offers_forms else queries.next_to_decide(
                current_user, after=sub, org_code=filters.get("org"), section_number=filters.get("section")),
            "queue_filter": filters, **_counts()}


def _version():
    version = web.int_arg(request.form.get("version"))
    if version is None:
        abort(400)
    return version


def _refuse(message):
    """403 with a reason: the control is not offered, so only a hand-made request gets here."""
    return web.error_response(403, "You cannot do that", message)


def _decide(submission_id, action):
    sub = access.get_submission(current_user, submission_id)
    if not access.can_decide(current_user, sub):
        return _refuse(access.why_not_decide_on(current_user, sub))
    field = "comment" if action == "accept" else "reason"
    text = request.form.get(field, "")
    version = _version()
    try:
        if action == "accept":
            workflow.accept_submission(current_user, sub, text, version=version)
        else:
            workflow.return_submission(current_user, sub, text, version=version)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        conflict = isinstance(exc, workflow.StaleError) or sub.status != EvidenceSubmission.PENDING
        if conflict:
            flash(str(exc), "error")
            return _submission_response(sub, 409)
        return _submission_response(sub, 422, errors={field: str(exc)}, values={field: text})
    db.session.commit()
    if action == "accept":
        flash(f"Evidence for {sub.sub_action.ref} accepted: the sub-action is Green from "
              f"{dates.format_date(sub.decided_on)}.", "success")
    else:
        flash(f"Evidence for {sub.sub_action.ref} returned to {sub.sub_action.owner.name} with your reason.",
              "success")
    if htmx.is_htmx():
        return _submission_response(sub, 200)
    # Back at the decision panel: the page opens there, and the next Tab reaches "Next in the queue"
    # (without JavaScript nothing else moves the keyboard's place).
    return redirect(url_for("review.submission", submission_id=sub.id, **queue_filter()) + "#decision-title")


def _submission_response(sub, status, errors=None, values=None):
    context = _submission_context(sub, errors, values)
    if htmx.is_htmx():
        return htmx.fragment("review/_decision_panel.html", status, oob=DECISION_OOB, **context)
    return render_template("review/submission.html", **context), status


def _decide_date(request_id, accept):
    req = queries.get_date_request(current_user, request_id)
    if not access.can_decide_date(current_user, req):
        return _refuse(access.why_not_decide_on(current_user, req))
    comment = request.form.get("comment", "")
    version = _version()
    try:
        workflow.decide_due_date(current_user, req, accept, comment, version=version)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        if isinstance(exc, workflow.StaleError) or req.status != req.PENDING:
            flash(str(exc), "error")
            return _date_response(req, 409)
        return _date_response(req, 422, errors={"comment": str(exc)}, values={"comment": comment})
    db.session.commit()
    sa = req.sub_action
    if accept:
        flash(f"New due date for {sa.ref} accepted: now {dates.format_date(sa.current_due_on)} "
              f"(originally {dates.format_date(sa.original_due_on) if sa.original_due_on else 'to be confirmed'}).", "success")
    else:
        flash(f"New due date for {sa.ref} declined; {sa.owner.name} will see your reason.", "success")
    if htmx.is_htmx():
        return _date_response(req, 200)
    return redirect(url_for("review.queue") + "#date-requests")


def _date_response(req, status, errors=None, values=None):
    if htmx.is_htmx():
        return htmx.fragment("review/_date_request_row.html", status, oob=DATE_OOB, req=req,
                             errors=errors or {}, values=values or {}, **_counts())
    return _queue_page(status, row_errors={req.id: errors or {}}, row_values={req.id: values or {}})


def _queue_page(status=200, org=None, section=None, row_errors=None, row_values=None):
    orgs, sections = queries.filter_choices()
    counts = _counts()
    # Each list a page at a time (web.PAGE_SIZE rows): ?page= for the evidence, ?dates_page= for
    # the date requests, so that either can be paged through while the other stays where it is.
    total = queries.pending_total(current_user, org, section) if org or section is not None else counts["pending_count"]
    evidence_page = web.page_of(total)
    dates_page = web.page_of(counts["date_count"], "dates_page")
    submissions = queries.pending_submissions(current_user, org, section, limit=evidence_page.size,
                                              offset=evidence_page.offset)
    requests = queries.pending_date_requests(current_user, limit=dates_page.size, offset=dates_page.offset)
    return render_template(
        "review/queue.html", submissions=submissions, requests=requests, org=org, section=section, orgs=orgs,
        sections=sections, row_errors=row_errors or {}, row_values=row_values or {},
        evidence_page=evidence_page, dates_page=dates_page, **counts), status
