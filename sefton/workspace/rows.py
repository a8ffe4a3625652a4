"""What the workspace pages show: the organisation's rows (in a fixed number of queries), its
counts, and the filters. Every query starts from sefton.access / sefton.queries."""
import datetime as dt

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from .. import access, dates, progress, queries
from ..extensions import db
from ..models import (
    RETURNED,
    SUBMITTED,
    DueDateRequest,
    EvidenceSubmission,
    ProgressNote,
    Recommendation,
    SubAction,
)
from ..progress import status_column
from ..status import COLOURS, GREEN, GREY, LABELS, RED

STATUS_FILTERS = {GREEN: LABELS[GREEN], GREY: LABELS[GREY], RED: LABELS[RED],
                  SUBMITTED: "Evidence awaiting review", RETURNED: "Evidence returned"}
DUE_FILTERS = {"overdue": "Overdue", "next30": "Due in the next 30 days"}


def filter_conditions(status, due, today):
    conditions = []
    if status in COLOURS:
        conditions.append(status_column(today) == status)
    elif status in (SUBMITTED, RETURNED):
        conditions.append(SubAction.state == status)
    if due == "overdue":
        conditions.append(status_column(today) == RED)
    elif due == "next30":
        due_on = progress.due_on_column(today)  # the due date in force, by the one status rule
        conditions += [due_on >= today, due_on <= today + dt.timedelta(days=30), status_column(today) != GREEN]
    return conditions


def grouped(user, org_id, status="", due="", today=None):
    """[(section, [(recommendation, [rows])])] of the recommendations assigned to the organisation:
    its own sub-actions and, unfiltered, its co-owners' (read-only), in plan order; empty groups
    dropped."""
    recs = queries.recommendations_in(user, access.assigned_to(org_id), queries.live_recommendations(today))
    conditions = filter_conditions(status, due, today)
    if conditions:
        # A filter picks the organisation's own work, as the counts above it do; co-owners' rows
        # are shown for context only when nothing is filtered.
        conditions.append(SubAction.owner_id == org_id)
    rows = attach(queries.sub_action_rows(user, access.assigned_to(org_id), queries.live_sub_actions(today),
                                          *conditions, as_at=today))
    sections = []
    for rec, rec_rows in queries.group_by_recommendation(recs, rows):
        if not rec_rows:
            continue
        if not sections or sections[-1][0].id != rec.section_id:
            sections.append((rec.section, []))
        sections[-1][1].append((rec, rec_rows))
    return sections


def attach(rows):
    """Add to each row its latest note, the submission awaiting review and the last returned one,
    with their files (not their bytes): 2 queries whatever the number of rows."""
    by_id = {row.id: row for row in rows}
    for row in rows:
        row.latest_note = row.pending = row.returned = None
        row.extras = True
    if not rows:
        return rows
    latest = (select(func.max(ProgressNote.id)).where(ProgressNote.sub_action_id.in_(by_id))
              .group_by(ProgressNote.sub_action_id))
    for note in db.session.scalars(select(ProgressNote).where(ProgressNote.id.in_(latest))):
        by_id[note.sub_action_id].latest_note = note
    subs = (select(EvidenceSubmission)
            .where(EvidenceSubmission.sub_action_id.in_(by_id),
                   EvidenceSubmission.status.in_([EvidenceSubmission.PENDING, EvidenceSubmission.RETURNED]))
            .options(selectinload(EvidenceSubmission.files))
            .order_by(EvidenceSubmission.id))
    for sub in db.session.scalars(subs):
        row = by_id[sub.sub_action_id]
        if sub.status == EvidenceSubmission.PENDING:
            row.pending = sub
        else:
            row.returned = sub
    return rows


def one(user, sub_action_id, today=None):
    """The row of one visible sub-action, with what the workspace shows of it."""
    return attach(queries.sub_action_rows(user, SubAction.id == sub_action_id, as_at=today))[0]


def counts(org_id, today):
    """Counts of the sub-actions the organisation owns: per colour, awaiting review, returned,
    new dates requested."""
    own = and_(SubAction.owner_id == org_id,
               SubAction.recommendation_id.in_(select(Recommendation.id).where(queries.live_recommendations(today))),
               progress.exists_at(SubAction, today))
    colour = status_column(today).label("colour")
    result = {c: 0 for c in COLOURS}
    result.update(db.session.execute(select(colour, func.count(SubAction.id)).where(own).group_by(colour)).all())
    states = dict(db.session.execute(select(SubAction.state, func.count(SubAction.id)).where(own)
                                     .group_by(SubAction.state)).all())
    result[SUBMITTED] = states.get(SUBMITTED, 0)
    result[RETURNED] = states.get(RETURNED, 0)
    result["date_requests"] = db.session.scalar(
        select(func.count(DueDateRequest.id)).join(SubAction, DueDateRequest.sub_action_id == SubAction.id)
        .where(own, DueDateRequest.status == DueDateRequest.PENDING))
    result["total"] = sum(result[c] for c in COLOURS)
    return result


def summary(review, org, today):
    """What the page shows above the rows and the htmx responses swap out of band."""
    return {
        "counts": counts(org.id, today),
        "table": progress.by_section(review.id, today, org_id=org.id),
        "table_id": "progress-own",
        "caption": f"Progress of {org.name} as at {dates.format_date(today)}",
    }
