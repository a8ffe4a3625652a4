"""A sub-action's history in words: every audit event, newest first, who, when, what, before/after.
Shown to organisation users (workspace) and reviewers (review) alike."""
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import dates
from ..extensions import db
from ..models import AuditEvent, DueDateRequest, EvidenceSubmission, ProgressNote, User

WHAT = {
    "note.added": "Progress note added",
    "evidence.submitted": "Evidence submitted",
    "evidence.withdrawn": "Evidence withdrawn",
    "evidence.accepted": "Evidence accepted",
    "evidence.returned": "Evidence returned",
    "due_date.requested": "New due date requested",
    "due_date.accepted": "New due date agreed",
    "due_date.declined": "New due date declined",
    "due_date.cancelled": "New due date request cancelled",
    "sub_action.added": "Added to the plan",
    "sub_action.edited": "Changed by the Task and Finish group office",
    "sub_action.moved": "Moved within its recommendation",
    "sub_action.retired": "Retired from the plan",
    "sub_action.original_due_changed": "Original due date changed by the Task and Finish group office",
    "sub_action.imported": "Added by import",
    "sub_action.changed_by_import": "Changed by import",
    "sub_action.retired_by_import": "Retired by import",
    "sub_action.accepted_before_tracker": "Accepted before the tracker (the office's record, imported)",
    "note.imported": "Progress note imported from the office's spreadsheet",
    "due_date.imported": "Revised due date imported from the office's spreadsheet (agreed before the tracker)",
}
STATES = {"open": "Open", "submitted": "Evidence submitted, awaiting review", "returned": "Evidence returned",
          "accepted": "Evidence accepted"}
# key -> (label, kind); shown in this order; keys not listed (ids, versions, fingerprints) are not shown.
FIELDS = {
    "state": ("Workflow state", "state"),
    "current_due_on": ("Due date", "due"),
    "original_due_on": ("Original due date", "due"),
    "text": ("Sub-action", "text"),
    "owner": ("Owner", "text"),
    "lead_name": ("Lead", "text"),
    "ref": ("Reference", "text"),
    "retired_on": ("Retired on", "date"),
    "requested_due_on": ("Requested due date", "date"),
    "accepted_on": ("Evidence accepted on", "date"),
    "noted_on": ("Note dated", "date"),
    "files": ("Files", "files"),
    "comment": ("Reviewer's comment", "text"),
    "import": ("From the file", "text"),
}
EVIDENCE_ONLY = {"files", "comment"}  # not shown to users who may not see the organisation's evidence


@dataclass
class Entry:
    at: dt.datetime
    who: str
    what: str
    changes: list = field(default_factory=list)  # sentences
    detail: str | None = None  # the note's text, the reason for a date request


def before_tracker(record, *, within=False) -> str | None:
    """How a record the office brought in from its spreadsheet reads (None for the tracker's own): an
    accepted submission that is the office's record of work accepted before the tracker existed (not a
    reviewer's decision, no files), or a revision of a due date agreed then. `within`: for the middle
    of a sentence ("agreed before…")."""
    name = getattr(record, "imported_from", None)
    if not name:
        return None
    if isinstance(record, EvidenceSubmission):
        words = f"Accepted before the tracker (office's record, imported from {name})"
    else:
        words = f"Agreed before the tracker (imported from {name})"
    return words[0].lower() + words[1:] if within else words


def words(kind, value):
    if kind == "due" and value is None:
        return "to be confirmed"
    if value is None or value == "":
        return "none"
    if kind == "state":
        return STATES.get(value, str(value))
    if kind in ("date", "due"):
        try:
            return dates.format_date(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    if kind == "files":
        return ", ".join(value) if isinstance(value, list) else f"{value} file(s)"
    return str(value)


def changes(before, after, show_evidence):
    before, after = before or {}, after or {}
    sentences = []
    for key, (label, kind) in FIELDS.items():
        if key in EVIDENCE_ONLY and not show_evidence:
            continue
        if key not in after and key not in before:
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old != new:
                sentences.append(f"{label} changed from {words(kind, old)} to {words(kind, new)}")
        elif key in after and new not in (None, ""):
            sentences.append(f"{label}: {words(kind, new)}")
    if after.get("lapsed_submission_id"):
        sentences.append("The earlier acceptance lapsed: the sub-action awaits review again")
    return sentences


def entries(sub_action, *, show_evidence):
    """Every audit event of the sub-action, newest first (3 queries)."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.sub_action_id == sub_action.id)
        .options(selectinload(AuditEvent.actor).selectinload(User.organisation))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    note_ids = [e.object_id for e in events if e.object_type == "ProgressNote"]
    request_ids = [e.object_id for e in events if e.object_type == "DueDateRequest"]
    notes = dict(db.session.execute(select(ProgressNote.id, ProgressNote.body)
                                    .where(ProgressNote.id.in_(note_ids))).all()) if note_ids else {}
    reasons = dict(db.session.execute(select(DueDateRequest.id, DueDateRequest.reason)
                                      .where(DueDateRequest.id.in_(request_ids))).all()) if request_ids else {}
    result = []
    for event in events:
        detail = None
        if event.action in ("note.added", "note.imported"):
            detail = notes.get(event.object_id)
        elif event.action == "due_date.requested":
            detail = reasons.get(event.object_id)
        elif event.action in ("sub_action.original_due_changed", "sub_action.accepted_before_tracker"):
            detail = (event.after or {}).get("reason")
        result.append(Entry(at=event.at, who=_who(event.actor), what=WHAT.get(event.action, event.action),
                            changes=changes(event.before, event.after, show_evidence), detail=detail))
    return result


def _who(actor):
    if actor is None:
        return "The system"
    if actor.organisation is not None:
        return f"{actor.name}, {actor.organisation.short_name}"
    return actor.name
