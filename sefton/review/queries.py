"""What the review pages load, always starting from sefton.access (a fixed number of queries)."""
import json
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, subqueryload

from .. import access, cache, dates
from ..extensions import db
from ..figures import (
    live_recommendations,
    live_sub_actions,
    load_details,
    progress,
    recommendations_in,
    status,
    sub_action_loads,
    sub_action_rows,
)
from ..models import DueDateRequest, EvidenceSubmission, Organisation, Recommendation, Section, SubAction
from ..web import current_review


def _with_plan(query):
    """Join a query that has SubAction to its recommendation and section."""
    return (query.join(Recommendation, SubAction.recommendation_id == Recommendation.id)
            .join(Section, Recommendation.section_id == Section.id))


def _live():
    """Condition on SubAction: of the current review and part of its plan today (lists drop retired
    sub-actions from their retirement date)."""
    return SubAction.id.in_(
        select(SubAction.id).join(Recommendation, SubAction.recommendation_id == Recommendation.id)
        .where(live_sub_actions()))


# --- evidence awaiting review -----------------------------------------------------------------

def _pending_filtered(user, org_code=None, section_number=None):
    query = _with_plan(access.evidence_submissions(user)).where(
        EvidenceSubmission.status == EvidenceSubmission.PENDING, _live())
    if org_code:
        query = query.join(Organisation, SubAction.owner_id == Organisation.id).where(Organisation.code == org_code)
    if section_number is not None:
        query = query.where(Section.number == section_number)
    return query


def pending_total(user, org_code=None, section_number=None):
    """How many submissions await review, of one organisation/section when given."""
    filtered = _pending_filtered(user, org_code, section_number).with_only_columns(EvidenceSubmission.id)
    return db.session.scalar(select(func.count()).select_from(filtered.subquery()))


def pending_submissions(user, org_code=None, section_number=None, *, limit=None, offset=None):
    """[(submission, colour)] awaiting review, oldest first, optionally of one organisation/section;
    `limit`/`offset`: one page of them, in SQL."""
    query = (_pending_filtered(user, org_code, section_number)
             .options(*sub_action_loads(EvidenceSubmission.sub_action),
                      joinedload(EvidenceSubmission.submitted_by),
                      # one query whatever the queue's length (selectinload splits IN lists at 500)
                      subqueryload(EvidenceSubmission.files))
             .order_by(EvidenceSubmission.submitted_at, EvidenceSubmission.id).limit(limit).offset(offset))
    subs = list(db.session.scalars(query).unique())
    # The colours in one more query (status_column correlates on EvidenceSubmission, so not in this one).
    colours = {r.id: r.colour for r in sub_action_rows(user, SubAction.id.in_({s.sub_action_id for s in subs}))} \
        if subs else {}
    return [(s, colours.get(s.sub_action_id, status.GREY)) for s in subs]


def _pending_evidence(user):
    return access.evidence_submissions(user).where(EvidenceSubmission.status == EvidenceSubmission.PENDING, _live())


def queue_counts(user, theirs):
    """(evidence, date requests) awaiting review that the user may see, in one query. `theirs`: the
    user's ReviewCounts; for someone who does not decide they are these very figures, not asked
    again."""
    if not theirs.deciding:
        return theirs.evidence, theirs.dates
    return tuple(db.session.execute(select(
        select(func.count()).select_from(_pending_evidence(user).subquery()).scalar_subquery(),
        select(func.count()).select_from(_pending_dates(user).subquery()).scalar_subquery())).one())


def _decidable_evidence(user):
    """Evidence awaiting review that this reviewer may decide on (separation of duties in SQL)."""
    return _pending_evidence(user).where(
        access.may_decide(user, EvidenceSubmission.submitted_by_id, SubAction.owner_id))


def next_to_decide(user, after=None, org_code=None, section_number=None):
    """The submission this reviewer may decide on next, in the queue's order (oldest first): the
    first one after `after` (the submission just decided or shown), else from the top of the queue;
    of one organisation/section when the queue was filtered so. None when nothing is left for them."""
    if not access.is_reviewer(user):
        return None
    query = _pending_filtered(user, org_code, section_number).where(
        access.may_decide(user, EvidenceSubmission.submitted_by_id, SubAction.owner_id))
    if after is not None:
        later = or_(EvidenceSubmission.submitted_at > after.submitted_at,
                    and_(EvidenceSubmission.submitted_at == after.submitted_at, EvidenceSubmission.id > after.id))
        query = query.where(EvidenceSubmission.id != after.id).order_by(case((later, 0), else_=1))
    query = (query.options(*sub_action_loads(EvidenceSubmission.sub_action))
             .order_by(EvidenceSubmission.submitted_at, EvidenceSubmission.id).limit(1))
    return db.session.scalars(query).first()


@dataclass
class ReviewCounts:
    """The header's count: evidence and date requests awaiting review. For a reviewer, those they
    may decide on (never their own organisation's); for viewers and admins, all of them."""

    evidence: int
    dates: int
    deciding: bool

    @property
    def total(self):
        return self.evidence + self.dates

    @property
    def meaning(self):
        """What the number means: "awaiting review: 3 evidence, 2 date requests"."""
        return f"{'awaiting your decision' if self.deciding else 'awaiting review'}: {self.detail}"

    @property
    def detail(self):
        """"3 evidence, 2 date requests"."""
        return f"{self.evidence} evidence, {self.dates} date request{'' if self.dates == 1 else 's'}"

    @property
    def words(self):
        """For screen readers: "5 awaiting review: 3 evidence, 2 date requests"."""
        return f"{self.total} {self.meaning}"


def review_counts(user):
    """ReviewCounts in one query."""
    deciding = access.is_reviewer(user)
    evidence = _decidable_evidence(user) if deciding else _pending_evidence(user)
    requests = _pending_dates(user)
    if deciding:
        requests = requests.where(access.may_decide(user, DueDateRequest.requested_by_id, SubAction.owner_id))
    counts = select(select(func.count()).select_from(evidence.subquery()).scalar_subquery(),
                    select(func.count()).select_from(requests.subquery()).scalar_subquery())
    n_evidence, n_dates = db.session.execute(counts).one()
    return ReviewCounts(n_evidence, n_dates, deciding)


# --- due-date requests ------------------------------------------------------------------------

def date_requests(user):
    """Select of the due-date requests on sub-actions the user may see."""
    visible = access.sub_actions(user).where(_live()).with_only_columns(SubAction.id)
    return select(DueDateRequest).where(DueDateRequest.sub_action_id.in_(visible))


def pending_date_requests(user, *, limit=None, offset=None):
    query = (date_requests(user).where(DueDateRequest.status == DueDateRequest.PENDING)
             .options(*sub_action_loads(DueDateRequest.sub_action), joinedload(DueDateRequest.requested_by))
             .order_by(DueDateRequest.requested_at, DueDateRequest.id).limit(limit).offset(offset))
    return list(db.session.scalars(query).unique())


def _pending_dates(user):
    """Pending date requests the user may see, joined to their sub-action (for the owner)."""
    visible = access.sub_actions(user).where(_live()).with_only_columns(SubAction.id)
    return (select(DueDateRequest).join(SubAction, DueDateRequest.sub_action_id == SubAction.id)
            .where(DueDateRequest.sub_action_id.in_(visible), DueDateRequest.status == DueDateRequest.PENDING))


def plan_due_on():
    """When the updated plan is due to the inspectors (Review.plan_due_on), or None."""
    review = current_review()
    return review.plan_due_on if review else None


def get_date_request(user, request_id):
    req = db.session.scalars(date_requests(user).where(DueDateRequest.id == request_id)).first()
    if req is None:
        abort(404)
    return req


# --- one submission ---------------------------------------------------------------------------

@dataclass
class Background:
    """What a reviewer reads before deciding: the recommendation, the progress notes (latest first)
    and the reasons earlier submissions of the sub-action were returned (latest first)."""

    recommendation: Recommendation
    notes: list
    returns: list


def background(submission):
    """The Background of a submission, in a fixed number of queries (sefton.figures.queries.load_details)."""
    sa = load_details(submission.sub_action)
    notes = sorted(sa.notes, key=lambda n: (n.noted_on, n.id), reverse=True)
    returns = [s for s in reversed(sa.submissions)
               if s.id < submission.id and s.status == EvidenceSubmission.RETURNED]
    return Background(sa.recommendation, notes, returns)


def colour_of(user, sub_action):
    rows = sub_action_rows(user, SubAction.id == sub_action.id)
    return rows[0] if rows else None


def totals(user):
    """The whole plan's counts as at the business date (the dashboard's Total row), kept in the report
    cache like the dashboard's tables (the same key: review, date, last audit event): every review
    page shows them, and at 40 times the plan they cost 45 ms to work out on PostgreSQL."""
    review = current_review()
    if review is None:
        return None
    today = dates.today()

    def work():
        return json.dumps(progress.by_section(review.id, today).total.as_dict()).encode()

    body, _ = cache.fetch("review-totals.json", review, today, "all", True, work)
    found = json.loads(body)
    total = progress.Row(found["key"], found["label"], found["actions"], found["sub_actions"])
    total.counts = {status.GREEN: found["green"], status.GREY: found["grey"], status.RED: found["red"]}
    return total


def filter_choices():
    orgs = db.session.execute(select(Organisation.code, Organisation.name).order_by(Organisation.name)).all()
    review = current_review()
    sections = db.session.scalars(select(Section.number).where(
        Section.review_id == (review.id if review else -1), progress.exists_at(Section, dates.today()))
        .order_by(Section.number).distinct()).all()
    return orgs, sections


# --- flagged recommendations ------------------------------------------------------------------

@dataclass
class FlaggedRow:
    rec: Recommendation
    counts: dict = field(default_factory=lambda: {c: 0 for c in status.COLOURS})
    colours: list = field(default_factory=list)

    @property
    def colour(self):
        return status.combine(self.colours)

    @property
    def total(self):
        return len(self.colours)


def flagged_total(user):
    return db.session.scalar(select(func.count()).select_from(
        access.recommendations(user).where(Recommendation.phc_flag.is_(True), live_recommendations())
        .with_only_columns(Recommendation.id).subquery()))


def flagged(user, *, limit=None, offset=None):
    """[FlaggedRow] of the flagged recommendations in plan order; `limit`/`offset`: one page, in SQL."""
    page = (access.recommendations(user).where(Recommendation.phc_flag.is_(True), live_recommendations())
            .with_only_columns(Recommendation.id)
            .order_by(Recommendation.section_id, Recommendation.position, Recommendation.id)
            .limit(limit).offset(offset))
    ids = list(db.session.scalars(page))
    if not ids:
        return []
    recs = recommendations_in(user, Recommendation.id.in_(ids), live_recommendations())
    rows = {rec.id: FlaggedRow(rec) for rec in recs}
    for row in sub_action_rows(user, Recommendation.id.in_(ids), live_sub_actions()):
        target = rows.get(row.sub_action.recommendation_id)
        if target is not None:
            target.counts[row.colour] += 1
            target.colours.append(row.colour)
    return list(rows.values())


def _unflagged(user):
    return access.recommendations(user).where(Recommendation.phc_flag.is_(False), live_recommendations())


def unflagged_total(user):
    return db.session.scalar(select(func.count()).select_from(
        _unflagged(user).with_only_columns(Recommendation.id).subquery()))


def unflagged(user, *, limit=None, offset=None):
    query = (_unflagged(user).options(joinedload(Recommendation.section))
             .order_by(Recommendation.section_id, Recommendation.position, Recommendation.id)
             .limit(limit).offset(offset))
    return list(db.session.scalars(query).unique())
