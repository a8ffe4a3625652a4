"""Loading plan objects for pages, in a fixed number of queries whatever the plan's size.

Every query starts from sefton.access, so scoping is never forgotten.
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import access, dates
from ..extensions import db
from ..models import DueDateRequest, EvidenceSubmission, PhcResponse, ProgressNote, Recommendation, SubAction
from ..web import current_review
from .asat_sql import pending_request_clause, workflow_state_column
from .progress import due_on_column, recommendations_in_plan, status_column, sub_actions_in_plan


def review_id():
    """The id of the review this request works on (sefton.web.current_review), or None."""
    review = current_review()
    return review.id if review is not None else -1


def live_sub_actions(as_at=None):
    """Condition: the sub-action is of the current review and part of the plan as at `as_at` (retired
    ones drop out of lists from their retirement date)."""
    return sub_actions_in_plan(review_id(), as_at or dates.today())


def live_recommendations(as_at=None):
    """Condition: the recommendation is of the current review and part of the plan as at `as_at`."""
    return recommendations_in_plan(review_id(), as_at or dates.today())


@dataclass
class SubActionRow:
    """A sub-action as a page shows it as at a date: its colour, workflow state (sefton.figures.asat) and
    the due-date request awaiting a decision then."""

    sub_action: SubAction
    colour: str
    state: str | None = None  # None: the stored (current) state
    pending_request: DueDateRequest | None = None
    due_on: object = None  # the due date in force at the date (None: to be confirmed then)

    @property
    def id(self):
        return self.sub_action.id


def sub_action_rows(user, *conditions, as_at=None, order=None, limit=None, offset=None):
    """Visible sub-actions matching `conditions`, with colour, workflow state and pending date
    request as at `as_at` (2 queries); `limit`/`offset`: one page of them, in SQL (3 queries)."""
    as_at = as_at or dates.today()
    columns = (status_column(as_at).label("colour"), workflow_state_column(as_at).label("state"),
               due_on_column(as_at).label("due_on"))
    order = order or (Recommendation.section_id, Recommendation.position, SubAction.position, SubAction.id)
    loads = (joinedload(SubAction.owner), joinedload(SubAction.recommendation).joinedload(Recommendation.section))
    if limit is None:
        query = access.sub_actions(user).add_columns(*columns).options(*loads).where(*conditions).order_by(*order)
        rows = [SubActionRow(sa, colour, state, due_on=due)
                for sa, colour, state, due in db.session.execute(query).unique()]
    else:
        # A page: its ids and figures first, then its sub-actions by id. The conditions (a colour, a
        # due date) are ones the planner cannot estimate; in one query it expects one row and joins
        # the eager loads above the filter as nested loops over whole tables (80 ms at 40 times the
        # demo on PostgreSQL, against a few for the ids and 50 rows by id).
        page = db.session.execute(access.sub_actions(user).with_only_columns(SubAction.id, *columns)
                                  .where(*conditions).order_by(*order).limit(limit).offset(offset)).all()
        by_id = {sa.id: sa for sa in db.session.scalars(
            select(SubAction).where(SubAction.id.in_([r[0] for r in page])).options(*loads)).unique()} if page else {}
        rows = [SubActionRow(by_id[sa_id], colour, state, due_on=due) for sa_id, colour, state, due in page]
    if rows:
        pending = db.session.scalars(
            select(DueDateRequest).where(
                DueDateRequest.sub_action_id.in_([r.id for r in rows]),
                pending_request_clause(as_at),
            ).order_by(DueDateRequest.id)
        )
        by_sa = {r.sub_action_id: r for r in pending}
        for row in rows:
            row.pending_request = by_sa.get(row.id)
    return rows


def sub_action_loads(rel):
    """Options that load, in the same query, the sub-action behind `rel` (a relationship such as
    EvidenceSubmission.sub_action) with what its ref and owner need."""
    return (joinedload(rel).joinedload(SubAction.owner),
            joinedload(rel).joinedload(SubAction.recommendation).joinedload(Recommendation.section))


def load_details(sub_action):
    """Load a sub-action's submissions (files, people) and notes (authors) in a fixed number of
    queries, instead of one per submission and note while the page renders."""
    db.session.scalars(
        select(SubAction).where(SubAction.id == sub_action.id).options(
            selectinload(SubAction.submissions).options(
                selectinload(EvidenceSubmission.files),
                joinedload(EvidenceSubmission.submitted_by),
                joinedload(EvidenceSubmission.decided_by)),
            selectinload(SubAction.notes).joinedload(ProgressNote.author),
            selectinload(SubAction.date_requests),
        )
    ).all()
    return sub_action


def recommendations_in(user, *conditions):
    """Visible recommendations with their owners (2 queries)."""
    query = (
        access.recommendations(user)
        .options(selectinload(Recommendation.owners), joinedload(Recommendation.section))
        .where(*conditions)
        .order_by(Recommendation.section_id, Recommendation.position)
    )
    return list(db.session.scalars(query).unique())


def group_by_recommendation(recs, rows):
    """[(recommendation, [rows])] in plan order."""
    grouped = {rec.id: (rec, []) for rec in recs}
    for row in rows:
        if row.sub_action.recommendation_id in grouped:
            grouped[row.sub_action.recommendation_id][1].append(row)
    return list(grouped.values())


def phc_responses(rec):
    """The Public Health Commissioners' acknowledgements and comments on a flagged recommendation."""
    return list(db.session.scalars(select(PhcResponse).where(PhcResponse.recommendation_id == rec.id)
                                   .options(joinedload(PhcResponse.author)).order_by(PhcResponse.id)))
