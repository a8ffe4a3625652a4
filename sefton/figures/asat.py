"""A sub-action "as at" a date: everything shown beside its colour, from the recorded history.

PRODUCT.md section 5: as at any past date, the workflow state, the due date in force, the latest
note and the evidence listed must be as they were then. The rule, pure:

- A submission exists from its `submitted_on`. As at D it is
    pending   until it was decided (`decided_on`) or withdrawn (`withdrawn_on`; a withdrawn one
              whose date is unknown counts as withdrawn from the day it was made);
    accepted  from `decided_on` until its acceptance lapsed (`invalidated_on`);
    returned  from `decided_on`.
- The workflow state as at D follows the latest submission made on or before D: pending ->
  submitted, accepted -> accepted, returned -> returned, withdrawn or lapsed -> open; none -> open.
- A due-date request is pending as at D when it was made on or before D (`requested_on`, else the
  London date of `requested_at`) and neither decided nor withdrawn on or before D.
- The latest note is the last one with `noted_on` on or before D.

sefton.figures.asat_sql writes the workflow state and the pending request as SQL for lists and counts;
tests/test_asat.py checks that both forms agree on every demo sub-action at several dates, and that
at the business date the derived state equals the stored SubAction.state.
"""
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

OPEN, SUBMITTED, RETURNED, ACCEPTED = "open", "submitted", "returned", "accepted"
# Submission states as at a date (None: not made yet).
PENDING, WITHDRAWN, LAPSED = "pending", "withdrawn", "lapsed"
STATE_OF_SUBMISSION = {PENDING: SUBMITTED, ACCEPTED: ACCEPTED, RETURNED: RETURNED, WITHDRAWN: OPEN, LAPSED: OPEN}
WORDS = {OPEN: "Open", SUBMITTED: "Evidence submitted, awaiting review", RETURNED: "Evidence returned",
         ACCEPTED: "Evidence accepted"}


def _on_or_before(day, as_at):
    return day is not None and day <= as_at


def submission_state(sub, as_at: dt.date) -> str | None:
    """The state of one submission as at `as_at`: None (not made yet), pending, withdrawn,
    accepted, lapsed or returned. `sub` has submitted_on, status, decided_on, invalidated_on and
    withdrawn_on (a model row or anything alike)."""
    if sub.submitted_on > as_at:
        return None
    if sub.status == WITHDRAWN:
        return PENDING if sub.withdrawn_on is not None and as_at < sub.withdrawn_on else WITHDRAWN
    if sub.status in (ACCEPTED, RETURNED) and _on_or_before(sub.decided_on, as_at):
        if sub.status == ACCEPTED and _on_or_before(sub.invalidated_on, as_at):
            return LAPSED
        return sub.status
    return PENDING


def workflow_state(submissions, as_at: dt.date) -> str:
    """The workflow state as at `as_at`, from all the submissions of one sub-action."""
    made = [s for s in submissions if s.submitted_on <= as_at]
    if not made:
        return OPEN
    latest = max(made, key=lambda s: s.id)
    return STATE_OF_SUBMISSION[submission_state(latest, as_at)]


def requested_on(request) -> dt.date:
    """The business date of a due-date request: `requested_on`, else the London date of `requested_at`."""
    if request.requested_on is not None:
        return request.requested_on
    moment = request.requested_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(LONDON).date()


def request_pending(request, as_at: dt.date) -> bool:
    if requested_on(request) > as_at:
        return False
    if request.status == "withdrawn":
        return request.withdrawn_on is not None and as_at < request.withdrawn_on
    if request.status in ("accepted", "declined"):
        return not _on_or_before(request.decided_on, as_at)
    return True


def pending_request(requests, as_at: dt.date):
    """The due-date request awaiting a decision as at `as_at` (the latest), or None."""
    pending = [r for r in requests if request_pending(r, as_at)]
    return max(pending, key=lambda r: r.id) if pending else None


def latest_note(notes, as_at: dt.date):
    dated = [n for n in notes if n.noted_on <= as_at]
    return max(dated, key=lambda n: (n.noted_on, n.id)) if dated else None


@dataclass
class ListedSubmission:
    submission: object
    state: str  # pending / withdrawn / accepted / lapsed / returned, as at the date


@dataclass
class AsAt:
    """A sub-action as it stood at `as_at` (besides its colour, which sefton.figures.status derives)."""

    as_at: dt.date
    state: str
    pending_request: object | None
    note: object | None
    submissions: list = field(default_factory=list)  # ListedSubmission, made on or before the date

    @property
    def accepted_evidence(self):
        return [s.submission for s in self.submissions if s.state == ACCEPTED]


def derive(submissions, requests, notes, as_at: dt.date) -> AsAt:
    """Everything shown beside a sub-action's colour, as at `as_at`."""
    listed = [ListedSubmission(s, submission_state(s, as_at))
              for s in sorted(submissions, key=lambda s: s.id) if s.submitted_on <= as_at]
    return AsAt(as_at, workflow_state(submissions, as_at), pending_request(requests, as_at),
                latest_note(notes, as_at), listed)
