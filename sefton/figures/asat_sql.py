"""sefton.figures.asat written in SQL, for lists and counts (like sefton.figures.progress.status_column for colours).

workflow_state_column(D) is the workflow state of SubAction as at D; pending_request_clause(D)
selects the due-date requests awaiting a decision at D. tests/test_asat.py checks both against the
Python rule on every demo sub-action.
"""
import datetime as dt

from sqlalchemy import Date, and_, case, func, literal, or_, select

from ..models import DueDateRequest, EvidenceSubmission, SubAction
from .asat import ACCEPTED, OPEN, RETURNED, SUBMITTED


def submission_state_case(as_at: dt.date, s=EvidenceSubmission):
    """The workflow state a submission `s` (already made by `as_at`) gives its sub-action."""
    decided = and_(s.decided_on.is_not(None), s.decided_on <= as_at)
    return case(
        (s.status == s.WITHDRAWN, case((and_(s.withdrawn_on.is_not(None), s.withdrawn_on > as_at),
                                        literal(SUBMITTED)), else_=literal(OPEN))),
        (and_(s.status == s.ACCEPTED, decided),
         case((and_(s.invalidated_on.is_not(None), s.invalidated_on <= as_at), literal(OPEN)),
              else_=literal(ACCEPTED))),
        (and_(s.status == s.RETURNED, decided), literal(RETURNED)),
        else_=literal(SUBMITTED),
    )


def workflow_state_column(as_at: dt.date):
    """The workflow state of SubAction as at `as_at`, as a SQL expression."""
    s = EvidenceSubmission
    latest = (
        select(submission_state_case(as_at))
        .where(s.sub_action_id == SubAction.id, s.submitted_on <= as_at)
        .order_by(s.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(latest, literal(OPEN))


def requested_on_column(r=DueDateRequest):
    # requested_on is set by the workflow and the demo, and migration 0003_d fills it from
    # requested_at (London date) for older rows; the fallback here is the UTC date. date() is a
    # function in SQLite and PostgreSQL alike (CAST AS DATE is not a date in SQLite).
    return func.coalesce(r.requested_on, func.date(r.requested_at, type_=Date))


def pending_request_clause(as_at: dt.date, r=DueDateRequest):
    """WHERE clause: request `r` awaits a decision as at `as_at`."""
    return and_(
        requested_on_column(r) <= as_at,
        or_(
            r.status == r.PENDING,
            and_(r.status == r.WITHDRAWN, r.withdrawn_on.is_not(None), r.withdrawn_on > as_at),
            and_(r.status.in_((r.ACCEPTED, r.DECLINED)), or_(r.decided_on.is_(None), r.decided_on > as_at)),
        ),
    )
