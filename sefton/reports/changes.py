"""What changed between two dates, from the recorded history (sefton.figures.progress at both dates).

Used by "changes since the last submission" to CQC and by the Task & Finish group's meeting pack.
Every query starts from sefton.access, so an organisation user would only ever see their own.
"""
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from .. import access, dates
from ..extensions import db
from ..figures import progress, status, sub_action_loads
from ..models import CqcSubmission, DueDateRequest, EvidenceSubmission, Recommendation, Section, SubAction


@dataclass
class Change:
    sub_action: SubAction
    before: str  # colour at the start
    after: str  # colour at the end
    due_before: dt.date | None  # None: to be confirmed then
    due_after: dt.date | None
    new: bool = False  # added to the plan after the start: it had no colour then


@dataclass
class Changes:
    since: dt.date
    until: dt.date
    turned_green: list = field(default_factory=list)
    went_red: list = field(default_factory=list)
    due_changed: list = field(default_factory=list)  # due date in force differs
    new: list = field(default_factory=list)  # sub-actions added to the plan since
    to_be_confirmed: list = field(default_factory=list)  # no due date in force at the end (not a change)

    @property
    def empty(self):
        return not (self.turned_green or self.went_red or self.due_changed or self.new)


def between(user, review, since: dt.date, until: dt.date | None = None) -> Changes:
    """Colours and due dates of every visible sub-action at `since` and at `until` (one query)."""
    until = until or dates.today()
    query = (
        access.sub_actions(user).join(Section, Recommendation.section_id == Section.id)
        .add_columns(progress.status_column(since).label("c0"), progress.status_column(until).label("c1"),
                     progress.due_on_column(since).label("d0"), progress.due_on_column(until).label("d1"))
        .options(joinedload(SubAction.owner), joinedload(SubAction.recommendation).joinedload(Recommendation.section))
        .where(Section.review_id == review.id, progress.sub_actions_in_plan(review.id, until))
        .order_by(Section.number, Recommendation.position, SubAction.position)
    )
    result = Changes(since, until)
    start = dt.datetime.combine(since + dt.timedelta(days=1), dt.time())
    for sa, c0, c1, d0, d1 in db.session.execute(query).unique():
        new = sa.created_at >= start or (sa.added_on is not None and sa.added_on > since)
        change = Change(sa, c0, c1, d0, d1, new=new)
        if change.new:
            # Also counted below when it turned Green or Red in the period: a meeting pack since a day
            # before the plan was agreed would otherwise say that nothing was completed.
            result.new.append(change)
        if c1 == status.GREEN and (change.new or c0 != status.GREEN):
            result.turned_green.append(change)
        if c1 == status.RED and (change.new or c0 != status.RED):
            result.went_red.append(change)
        if not change.new and d0 != d1:
            result.due_changed.append(change)
        if d1 is None:
            result.to_be_confirmed.append(change)
    return result


def last_submission(review):
    return db.session.scalars(
        select(CqcSubmission).where(CqcSubmission.review_id == review.id)
        .order_by(CqcSubmission.submitted_at.desc(), CqcSubmission.id.desc())).first()


def submissions(review):
    return list(db.session.scalars(
        select(CqcSubmission).options(joinedload(CqcSubmission.submitted_by))
        .where(CqcSubmission.review_id == review.id)
        .order_by(CqcSubmission.submitted_at.desc(), CqcSubmission.id.desc())))


@dataclass
class MeetingPack:
    since: dt.date
    until: dt.date
    changes: Changes
    awaiting_review: list
    dates_requested: list  # requested in the period and not decided in it (each request listed once)
    dates_decided: list  # decided in the period (whenever requested)
    progress_table: progress.Table | None = None  # the progress table at the end of the period


def meeting_pack(user, review, since: dt.date) -> MeetingPack:
    """For the Task & Finish group: what happened since `since` and what waits for a decision."""
    until = dates.today()
    changes = between(user, review, since, until)
    visible = access.sub_actions(user).join(Section, Recommendation.section_id == Section.id).where(
        Section.review_id == review.id, progress.sub_actions_in_plan(review.id, until)).with_only_columns(SubAction.id)
    s = EvidenceSubmission
    awaiting = list(db.session.scalars(
        access.evidence_submissions(user).where(s.status == s.PENDING, s.sub_action_id.in_(visible))
        .options(*sub_action_loads(s.sub_action), joinedload(s.submitted_by))
        .order_by(s.submitted_on, s.id)))
    r = DueDateRequest
    start = dt.datetime.combine(since, dt.time())
    requests = list(db.session.scalars(
        select(r).where(r.sub_action_id.in_(visible),
                        or_(r.requested_at >= start, r.decided_on >= since))
        .options(*sub_action_loads(r.sub_action), joinedload(r.requested_by), joinedload(r.decided_by))
        .order_by(r.requested_at, r.id)))
    decided = [q for q in requests if q.decided_on is not None and q.decided_on >= since
               and q.status in (r.ACCEPTED, r.DECLINED)]
    decided_ids = {q.id for q in decided}
    requested = [q for q in requests if q.requested_at >= start and q.id not in decided_ids]
    table = progress.by_section(review.id, until) if access.sees_all(user) else None
    return MeetingPack(since, until, changes, awaiting, requested, decided, table)
