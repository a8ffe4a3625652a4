"""The changes to a sub-action, its evidence, its due date and a recommendation's Public Health flag:
each checks who may (sefton.access) and what the state allows (rules), applies the change to the
session together with its audit event, and tells who needs telling (signals.decided); the caller
commits (one transaction) or rolls back. A change carries the version of the row the user saw; a
different current version means the page was stale and nothing is changed (optimistic locking, see
SubAction.version).
"""
from sqlalchemy.orm.exc import StaleDataError

from .. import access, audit, dates
from ..extensions import db
from ..models import ACCEPTED, DueDateRequest, EvidenceFile, EvidenceSubmission, PhcResponse, ProgressNote, utcnow
from . import signals
from .rules import (
    DUE_TO_BE_CONFIRMED,
    DUE_TOO_FAR,
    MAX_DUE_YEARS,
    REQUEST_GONE,
    STALE_MESSAGE,
    FieldError,
    StaleError,
    WorkflowError,
    bounded,
    fingerprint,
    next_state,
    years_after,
)


def pending_submission(sub_action):
    return next((s for s in reversed(sub_action.submissions) if s.status == EvidenceSubmission.PENDING), None)


def last_decided_submission(sub_action):
    return next((s for s in reversed(sub_action.submissions)
                 if s.status in (EvidenceSubmission.ACCEPTED, EvidenceSubmission.RETURNED)), None)


def pending_date_request(sub_action):
    return next((r for r in reversed(sub_action.date_requests) if r.status == DueDateRequest.PENDING), None)


def _check_version(sub_action, version):
    if version is not None and int(version) != sub_action.version:
        raise StaleError(STALE_MESSAGE)


def _change(sub_action, version, action):
    _check_version(sub_action, version)
    before = audit.snapshot(sub_action)
    target = next_state(action, sub_action.state)
    return before, target


def _flush():
    """Write the change now; a concurrent change that won the race (the row's version moved on
    between our read and our UPDATE) is a stale page, like any other."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleError(STALE_MESSAGE) from None


def _touch(sub_action):
    sub_action.updated_at = utcnow()  # every change bumps the version (optimistic locking)


def _require_member(user, sub_action):
    if not access.can_change(user, sub_action):
        raise WorkflowError("Only the organisation that owns this sub-action can change it.")


# --- organisation users ---------------------------------------------------------------------

def add_note(user, sub_action, body, *, version):
    _require_member(user, sub_action)
    body = bounded(body, "The progress note", "body")
    if not body:
        raise WorkflowError("Enter the progress note")
    before, _ = _change(sub_action, version, "note")
    note = ProgressNote(sub_action=sub_action, body=body, noted_on=dates.today(), author_id=user.id)
    db.session.add(note)
    _touch(sub_action)
    _flush()
    audit.record("note.added", note, sub_action=sub_action, actor=user, before=before,
                 after={**audit.snapshot(sub_action), "note_id": note.id, "noted_on": note.noted_on})
    return note


def submit_evidence(user, sub_action, description, files, *, version):
    """files: checked uploads (sefton.workflow.evidence.Checked). Evidence added after acceptance makes
    the acceptance lapse from today: the sub-action stops being Green and awaits review again."""
    _require_member(user, sub_action)
    description = bounded(description, "The description of the evidence", "description")
    if not description:
        raise WorkflowError("Describe what the evidence shows")
    if not files:
        raise WorkflowError("Choose at least one file to upload")
    before, target = _change(sub_action, version, "submit")
    today = dates.today()
    lapsed = None
    if sub_action.state == ACCEPTED:
        lapsed = last_decided_submission(sub_action)
        if lapsed is not None and lapsed.status == EvidenceSubmission.ACCEPTED and lapsed.invalidated_on is None:
            lapsed.invalidated_on = today
        sub_action.accepted_on = None
    submission = EvidenceSubmission(sub_action=sub_action, description=description,
                                    submitted_by_id=user.id, submitted_on=today)
    for checked in files:
        submission.files.append(EvidenceFile(
            original_name=checked.name, content_type=checked.content_type, size=len(checked.data),
            sha256=checked.sha256, data=checked.data, uploaded_by_id=user.id))
    db.session.add(submission)
    sub_action.state = target
    _touch(sub_action)
    _flush()
    after = {**audit.snapshot(sub_action), "submission_id": submission.id,
             "files": [f.original_name for f in submission.files]}
    if lapsed is not None:
        after["lapsed_submission_id"] = lapsed.id
    audit.record("evidence.submitted", submission, sub_action=sub_action, actor=user, before=before, after=after)
    return submission


def withdraw_submission(user, sub_action, *, version):
    _require_member(user, sub_action)
    before, target = _change(sub_action, version, "withdraw")
    submission = pending_submission(sub_action)
    submission.status = EvidenceSubmission.WITHDRAWN
    submission.withdrawn_on = dates.today()
    sub_action.state = target
    _touch(sub_action)
    _flush()
    audit.record("evidence.withdrawn", submission, sub_action=sub_action, actor=user, before=before,
                 after={**audit.snapshot(sub_action), "submission_id": submission.id})
    return submission


def request_due_date(user, sub_action, new_due_on, reason, *, version):
    _require_member(user, sub_action)
    if sub_action.current_due_on is None:  # to be confirmed: the office sets it (sefton.plan.editing)
        raise WorkflowError(DUE_TO_BE_CONFIRMED)
    reason = bounded(reason, "The reason for the new due date", "reason")
    if not reason:
        raise WorkflowError("Give a reason for the new due date")
    if pending_date_request(sub_action) is not None:
        raise WorkflowError("A new due date has already been requested and is awaiting a decision.")
    if new_due_on == sub_action.current_due_on:
        raise WorkflowError("The new due date must differ from the current one")
    if new_due_on < dates.today():
        raise WorkflowError("The new due date must be today or later")
    if new_due_on > years_after(dates.today(), MAX_DUE_YEARS):
        raise WorkflowError(DUE_TOO_FAR)
    before, _ = _change(sub_action, version, "request_date")
    req = DueDateRequest(sub_action=sub_action, previous_due_on=sub_action.current_due_on,
                         requested_due_on=new_due_on, reason=reason, requested_by_id=user.id,
                         requested_on=dates.today())
    db.session.add(req)
    _touch(sub_action)
    _flush()
    audit.record("due_date.requested", req, sub_action=sub_action, actor=user, before=before,
                 after={**audit.snapshot(sub_action), "requested_due_on": new_due_on})
    return req


def cancel_date_request(user, request, *, version):
    """The organisation withdraws its own request for a new due date before a reviewer decides on it
    (status "withdrawn", `withdrawn_on` today: "as at" an earlier date it was still pending). The due
    date does not change."""
    sub_action = request.sub_action
    if not access.can_cancel_date_request(user, request):
        raise WorkflowError("Only the organisation that asked for this date can cancel the request.")
    if request.status != DueDateRequest.PENDING:
        raise StaleError(REQUEST_GONE)
    _check_version(sub_action, version)
    before = audit.snapshot(sub_action)
    request.status = DueDateRequest.WITHDRAWN
    request.withdrawn_on = dates.today()
    _touch(sub_action)
    _flush()
    audit.record("due_date.cancelled", request, sub_action=sub_action, actor=user, before=before,
                 after={**audit.snapshot(sub_action), "request_id": request.id,
                        "requested_due_on": request.requested_due_on})
    return request




def request_closed_message(request) -> str:
    """Why a date request can no longer be decided or cancelled, in words."""
    if request.status == DueDateRequest.WITHDRAWN:
        when = f" on {dates.format_date(request.withdrawn_on)}" if request.withdrawn_on else ""
        return (f"{request.sub_action.owner.name} cancelled this request for a new due date{when}. "
                "There is nothing to decide.")
    return REQUEST_GONE


# --- reviewers ------------------------------------------------------------------------------

def accept_submission(user, submission, comment="", *, version):
    comment = bounded(comment, "The comment", "comment")
    return _decide(user, submission, "accept", comment, version)


def return_submission(user, submission, reason, *, version):
    reason = bounded(reason, "The reason for returning the evidence", "reason")
    if not reason:
        raise WorkflowError("Give the reason for returning the evidence")
    return _decide(user, submission, "return", reason, version)


def _decide(user, submission, action, comment, version):
    sub_action = submission.sub_action
    if not access.is_reviewer(user):
        raise WorkflowError("Only a reviewer can decide on evidence.")
    if not access.can_decide(user, submission):
        raise WorkflowError(access.why_not_decide_on(user, submission))
    if submission.status != EvidenceSubmission.PENDING:
        raise WorkflowError("This submission has already been decided or withdrawn.")
    before, target = _change(sub_action, version, action)
    today = dates.today()
    submission.status = EvidenceSubmission.ACCEPTED if action == "accept" else EvidenceSubmission.RETURNED
    submission.decided_by_id, submission.decided_at, submission.decided_on = user.id, utcnow(), today
    submission.decision_comment = (comment or "").strip() or None
    submission.fingerprint = fingerprint(submission.files)
    sub_action.state = target
    sub_action.accepted_on = today if action == "accept" else None
    _touch(sub_action)
    _flush()
    audit.record(f"evidence.{'accepted' if action == 'accept' else 'returned'}", submission,
                 sub_action=sub_action, actor=user, before=before,
                 after={**audit.snapshot(sub_action), "submission_id": submission.id,
                        "comment": submission.decision_comment, "fingerprint": submission.fingerprint})
    signals.decided.send(submission)  # e-mail at once to those who want it: in this same transaction
    return submission


def decide_due_date(user, request, accept: bool, comment="", *, version):
    sub_action = request.sub_action
    if not access.is_reviewer(user):
        raise WorkflowError("Only a reviewer can decide on a due date request.")
    if not access.can_decide_date(user, request):
        raise WorkflowError(access.why_not_decide_on(user, request))
    if request.status != DueDateRequest.PENDING:
        raise WorkflowError(request_closed_message(request))
    comment = bounded(comment, "The comment", "comment")
    if not accept and not comment:
        raise WorkflowError("Give the reason for declining the request")
    before, _ = _change(sub_action, version, "decide_date")
    request.status = DueDateRequest.ACCEPTED if accept else DueDateRequest.DECLINED
    request.decided_by_id, request.decided_at, request.decided_on = user.id, utcnow(), dates.today()
    request.decision_comment = comment or None
    if accept:
        sub_action.current_due_on = request.requested_due_on
    _touch(sub_action)
    _flush()
    audit.record(f"due_date.{'accepted' if accept else 'declined'}", request, sub_action=sub_action, actor=user,
                 before=before, after={**audit.snapshot(sub_action), "request_id": request.id,
                                       "comment": request.decision_comment})
    signals.decided.send(request)
    return request


# --- recommendations ------------------------------------------------------------------------

def set_phc_flag(user, recommendation, flagged: bool, reason=""):
    """Flag a recommendation "for the attention of Public Health Commissioners" with the reason
    (required), or clear the flag. Reviewers and admins may; who flagged it and when are kept.
    Nothing changes (and nothing is audited) when the flag already is so. Returns True when the
    flag changed."""
    if not access.can_flag(user):
        raise WorkflowError("Only a reviewer or an administrator can flag a recommendation.")
    flagged = bool(flagged)
    reason = bounded(reason, "The reason", "reason") if flagged else ""
    if recommendation.phc_flag == flagged:
        return False
    if flagged and not reason:
        raise FieldError("Give the reason the Public Health Commissioners should look at this area", "reason")
    before = {"phc_flag": recommendation.phc_flag, "phc_reason": recommendation.phc_reason}
    recommendation.phc_flag = flagged
    if flagged:
        recommendation.phc_reason = reason
        recommendation.phc_flagged_by_id, recommendation.phc_flagged_at = user.id, utcnow()
    _flush()
    audit.record("recommendation.flagged" if flagged else "recommendation.unflagged", recommendation,
                 actor=user, before=before, review_id=recommendation.section.review_id,
                 after={"phc_flag": flagged, "phc_reason": reason or None, "ref": recommendation.ref})
    return True


def respond_phc(user, recommendation, kind, body=""):
    """A Public Health Commissioner acknowledges a flagged recommendation, or comments on it."""
    if not access.can_respond_phc(user):
        raise WorkflowError("Only the Public Health Commissioners can respond to a flagged area.")
    if not recommendation.phc_flag:
        raise WorkflowError("This recommendation is not flagged for the Public Health Commissioners.")
    if kind not in (PhcResponse.ACKNOWLEDGED, PhcResponse.COMMENT):
        raise WorkflowError("Choose to acknowledge or to comment.")
    body = bounded(body, "The comment", "body")
    if kind == PhcResponse.COMMENT and not body:
        raise FieldError("Enter your comment", "body")
    response = PhcResponse(recommendation_id=recommendation.id, author_id=user.id, kind=kind, body=body)
    db.session.add(response)
    _flush()
    audit.record(f"recommendation.phc_{kind}", response, actor=user, review_id=recommendation.section.review_id,
                 organisation_id=user.organisation_id,
                 after={"ref": recommendation.ref, "kind": kind, "comment": body or None})
    return response
