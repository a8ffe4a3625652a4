"""Progress counts, computed in SQL with GROUP BY from the recorded history.

status_column() is sefton.figures.status.History.status() written as a SQL CASE, so that lists and counts
never load every row into Python; tests/test_status.py checks that both give the same colours.
"""
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, literal, or_, select

from ..extensions import db
from ..models import (
    DueDateRequest,
    EvidenceSubmission,
    Organisation,
    OriginalDueChange,
    Recommendation,
    Section,
    SubAction,
    recommendation_owners,
)
from .status import GREEN, GREY, RED


def accepted_clause(as_at: dt.date):
    s = EvidenceSubmission
    return (
        select(s.id)
        .where(
            s.sub_action_id == SubAction.id,
            s.status == s.ACCEPTED,
            s.decided_on <= as_at,
            or_(s.invalidated_on.is_(None), s.invalidated_on > as_at),
        )
        .exists()
    )


def exists_at(model, as_at: dt.date):
    """SQL twin of sefton.figures.status.exists: the Section, Recommendation or SubAction is part of the plan
    as at `as_at` (joined by then, not yet retired)."""
    return and_(or_(model.added_on.is_(None), model.added_on <= as_at),
                or_(model.retired_on.is_(None), model.retired_on > as_at))


def live_section_ids(review_id: int, as_at: dt.date):
    return select(Section.id).where(Section.review_id == review_id, exists_at(Section, as_at))


def recommendations_in_plan(review_id: int, as_at: dt.date):
    """Condition on Recommendation: of the review, it and its section existing as at `as_at`."""
    return and_(Recommendation.section_id.in_(live_section_ids(review_id, as_at)), exists_at(Recommendation, as_at))


def sub_actions_in_plan(review_id: int, as_at: dt.date):
    """Condition on SubAction (with Recommendation joined): of the review, existing as at `as_at`.
    Retiring a recommendation or section retires its sub-actions (sefton.plan.editing), so this is the
    sub-action's own rule; the parents are checked too so that a hand-made row cannot slip in."""
    return and_(recommendations_in_plan(review_id, as_at), exists_at(SubAction, as_at))


def original_due_column(as_at: dt.date):
    """The original due date in force at `as_at` (sefton.figures.status.History.original_on); NULL
    when it was to be confirmed. The first change's previous date is taken whenever a change exists,
    NULL included (a date set on a TBC sub-action), never falling through to the stored original."""
    c = OriginalDueChange
    latest = (select(c.new_due_on).where(c.sub_action_id == SubAction.id, c.effective_on <= as_at)
              .order_by(c.effective_on.desc(), c.id.desc()).limit(1).scalar_subquery())
    first = (select(c.previous_due_on).where(c.sub_action_id == SubAction.id)
             .order_by(c.effective_on, c.id).limit(1).scalar_subquery())
    changed = select(c.id).where(c.sub_action_id == SubAction.id).exists()
    return func.coalesce(latest, case((changed, first), else_=SubAction.original_due_on))


def due_on_column(as_at: dt.date):
    r = DueDateRequest
    latest = (
        select(r.requested_due_on)
        .where(r.sub_action_id == SubAction.id, r.status == r.ACCEPTED, r.decided_on <= as_at)
        .order_by(r.decided_on.desc(), r.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(latest, original_due_column(as_at))


def status_column(as_at: dt.date):
    """The colour of SubAction as at `as_at`, as a SQL expression (a NULL due date, to be confirmed,
    is never Red)."""
    due = due_on_column(as_at)
    return case(
        (accepted_clause(as_at), literal(GREEN)),
        (and_(due.is_not(None), due < as_at), literal(RED)),
        else_=literal(GREY),
    )


@dataclass
class Row:
    key: str
    label: str
    actions: int = 0
    sub_actions: int = 0
    counts: dict = field(default_factory=lambda: {GREEN: 0, GREY: 0, RED: 0})

    @property
    def green(self):
        return self.counts[GREEN]

    @property
    def grey(self):
        return self.counts[GREY]

    @property
    def red(self):
        return self.counts[RED]

    def add(self, other):
        self.actions += other.actions
        self.sub_actions += other.sub_actions
        for colour in self.counts:
            self.counts[colour] += other.counts[colour]

    def as_dict(self):
        return {"key": self.key, "label": self.label, "actions": self.actions,
                "sub_actions": self.sub_actions, "green": self.green, "grey": self.grey, "red": self.red}


@dataclass
class Table:
    rows: list
    total: Row

    def as_dict(self):
        return {"rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}


def _total(rows):
    total = Row("total", "Total")
    for row in rows:
        total.add(row)
    return Table(rows, total)


def _count_sub_actions(rows, key, review_id, as_at, *conditions):
    """Add to rows[key] the review's sub-actions by colour as at `as_at` (one GROUP BY query)."""
    colour = status_column(as_at).label("colour")
    query = (
        select(key, colour, func.count(SubAction.id))
        .join(Recommendation, SubAction.recommendation_id == Recommendation.id)
        .join(Section)
        .where(Section.review_id == review_id, sub_actions_in_plan(review_id, as_at), *conditions)
        .group_by(key, colour)
    )
    for row_key, col, n in db.session.execute(query):
        rows[row_key].counts[col] += n
        rows[row_key].sub_actions += n


def by_section(review_id: int, as_at: dt.date, org_id: int | None = None) -> Table:
    """The deck's progress table: one row per section. With org_id, that organisation's slice:
    the recommendations assigned to it and the sub-actions it owns, sections it has a part in."""
    sections = db.session.execute(
        select(Section.id, Section.number).where(Section.review_id == review_id, exists_at(Section, as_at))
        .order_by(Section.number)
    ).all()
    rows = {sid: Row(str(number), str(number)) for sid, number in sections}

    recs = select(Recommendation.section_id, func.count(func.distinct(Recommendation.id)))
    if org_id is not None:
        recs = recs.join(recommendation_owners).where(recommendation_owners.c.organisation_id == org_id)
    recs = recs.where(recommendations_in_plan(review_id, as_at)).group_by(Recommendation.section_id)
    for sid, n in db.session.execute(recs):
        rows[sid].actions = n

    owned = [SubAction.owner_id == org_id] if org_id is not None else []
    _count_sub_actions(rows, Recommendation.section_id, review_id, as_at, *owned)

    kept = [r for r in rows.values() if org_id is None or r.actions or r.sub_actions]
    return _total(kept)


def by_organisation(review_id: int, as_at: dt.date) -> Table:
    """One row per organisation: recommendations assigned to it, sub-actions it owns."""
    orgs = db.session.execute(select(Organisation.id, Organisation.code, Organisation.name).order_by(Organisation.id)).all()
    rows = {oid: Row(code, name) for oid, code, name in orgs}

    recs = (
        select(recommendation_owners.c.organisation_id, func.count(func.distinct(Recommendation.id)))
        .join(Recommendation, Recommendation.id == recommendation_owners.c.recommendation_id)
        .where(recommendations_in_plan(review_id, as_at))
        .group_by(recommendation_owners.c.organisation_id)
    )
    for oid, n in db.session.execute(recs):
        rows[oid].actions = n

    _count_sub_actions(rows, SubAction.owner_id, review_id, as_at)

    kept = [r for r in rows.values() if r.actions or r.sub_actions]
    # Recommendations shared by several organisations count once in the total, not once per owner.
    table = _total(kept)
    table.total.actions = db.session.scalar(
        select(func.count(Recommendation.id)).where(recommendations_in_plan(review_id, as_at))
    )
    return table
