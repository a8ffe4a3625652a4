"""The plan as a report reads it, loaded in a fixed number of queries through sefton.access.

A report has a scope: the whole plan (reviewers, viewers, admins) or one organisation's slice
(the recommendations assigned to it and the sub-actions it owns, PRODUCT.md section 3), which is
what an organisation user always gets. The figures come from sefton.figures.progress, so that a report
shows exactly what the dashboard shows for the same date and scope.
"""
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import access
from ..extensions import db
from ..figures import pending_request_clause, progress, status, workflow_state_column
from ..models import (
    DueDateRequest,
    EvidenceSubmission,
    Organisation,
    PhcResponse,
    ProgressNote,
    Recommendation,
    Section,
    SubAction,
    User,
)


@dataclass
class Item:
    """A sub-action as a report shows it, as at the report's date."""

    sub_action: SubAction
    colour: str
    due_on: dt.date | None  # the due date in force at the report's date (None: to be confirmed)
    note: ProgressNote | None = None
    evidence: list = field(default_factory=list)  # EvidenceSubmission accepted and holding at the date
    original_on: dt.date | None = None  # the original due date in force at the report's date (None: TBC)
    revision: DueDateRequest | None = None  # the accepted request whose date is in force then
    state: str = "open"  # the workflow state at the report's date (sefton.figures.asat)
    pending_request: DueDateRequest | None = None  # a due-date request awaiting a decision then

    @property
    def revised(self):
        """A reviewer-agreed (or, imported, an office-agreed) date in force instead of the original."""
        return self.due_on is not None and self.due_on != self.original_on


@dataclass
class RecGroup:
    rec: Recommendation
    items: list

    @property
    def colour(self):
        return status.combine(i.colour for i in self.items)


@dataclass
class SectionGroup:
    section: Section
    recs: list


@dataclass
class Plan:
    review: object
    as_at: dt.date
    org: Organisation | None  # None: the whole plan
    sections: list
    by_section: progress.Table
    by_organisation: progress.Table | None
    organisations: list
    flagged: list = field(default_factory=list)  # RecGroup of recommendations flagged for Public Health
    responses: dict = field(default_factory=dict)  # recommendation id -> [PhcResponse] made by the date

    @property
    def items(self):
        return [i for s in self.sections for g in s.recs for i in g.items]

    @property
    def scope_label(self):
        return self.org.name if self.org else "All organisations"


def scope_org(user, org_code=None):
    """The organisation a report is scoped to: an org user's own, always; for the others, the
    organisation they chose (None: the whole plan). An unknown code is None (whole plan)."""
    if not access.sees_all(user):
        return user.organisation
    if not org_code:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.code == org_code))


def load_plan(user, review, as_at, org=None) -> Plan:
    """The plan for a report (about 9 queries, whatever its size)."""
    rec_conditions = [Section.review_id == review.id, progress.recommendations_in_plan(review.id, as_at)]
    sa_conditions = [Section.review_id == review.id, progress.sub_actions_in_plan(review.id, as_at)]
    if org is not None:
        rec_conditions.append(access.assigned_to(org.id))
        sa_conditions += [access.assigned_to(org.id), SubAction.owner_id == org.id]

    recs = list(db.session.scalars(
        access.recommendations(user).join(Section, Recommendation.section_id == Section.id)
        .options(selectinload(Recommendation.owners), joinedload(Recommendation.section))
        .where(*rec_conditions).order_by(Section.number, Recommendation.position)).unique())

    query = (
        access.sub_actions(user).join(Section, Recommendation.section_id == Section.id)
        .add_columns(progress.status_column(as_at).label("colour"), progress.due_on_column(as_at).label("due"),
                     progress.original_due_column(as_at).label("original"),
                     workflow_state_column(as_at).label("state"))
        .options(joinedload(SubAction.owner))
        .where(*sa_conditions)
        .order_by(Section.number, Recommendation.position, SubAction.position)
    )
    items = [Item(sa, colour, due, original_on=original, state=state)
             for sa, colour, due, original, state in db.session.execute(query).unique()]
    _attach_notes_and_evidence(items, as_at)

    groups = {rec.id: RecGroup(rec, []) for rec in recs}
    for item in items:
        if item.sub_action.recommendation_id in groups:
            groups[item.sub_action.recommendation_id].items.append(item)
    sections = {}
    for group in groups.values():
        sec = group.rec.section
        sections.setdefault(sec.id, SectionGroup(sec, [])).recs.append(group)

    by_section = progress.by_section(review.id, as_at, org_id=org.id if org else None)
    by_org = progress.by_organisation(review.id, as_at) if org is None else None
    organisations = [org] if org else _responsible(recs)
    if by_org is not None:
        _add_missing_rows(by_org, organisations)
    flagged = [g for g in groups.values() if g.rec.phc_flag]
    return Plan(review, as_at, org, list(sections.values()), by_section, by_org, organisations,
                flagged, _responses([g.rec.id for g in flagged], as_at))


def _responsible(recs):
    """The organisations responsible for the plan: those owning a recommendation, and the active
    organisations whose people take part (Sefton Council: its Public Health Commissioners own no
    recommendation but receive the areas flagged for their attention)."""
    owners = _owners(recs)
    taking_part = select(User.organisation_id).where(User.active, User.organisation_id.is_not(None))
    others = db.session.scalars(select(Organisation).where(
        Organisation.active, Organisation.id.in_(taking_part), Organisation.id.not_in([o.id for o in owners])))
    return sorted([*owners, *others], key=lambda o: o.id)


def _add_missing_rows(table, organisations):
    """An organisation responsible for the plan has its row, with zeros when it owns nothing."""
    have = {row.key for row in table.rows}
    order = {o.code: n for n, o in enumerate(organisations)}
    table.rows.extend(progress.Row(o.code, o.name) for o in organisations if o.code not in have)
    table.rows.sort(key=lambda row: order.get(row.key, len(order)))


def _responses(rec_ids, as_at):
    """Public Health Commissioners' acknowledgements and comments made by the date."""
    found = {}
    if rec_ids:
        end = dt.datetime.combine(as_at + dt.timedelta(days=1), dt.time())
        for response in db.session.scalars(
                select(PhcResponse).where(PhcResponse.recommendation_id.in_(rec_ids), PhcResponse.created_at < end)
                .options(joinedload(PhcResponse.author).joinedload(User.organisation))
                .order_by(PhcResponse.created_at, PhcResponse.id)):
            found.setdefault(response.recommendation_id, []).append(response)
    return found


def _attach_notes_and_evidence(items, as_at):
    """The latest progress note, the accepted evidence and the pending date request of each item as at
    the date (3-5 queries)."""
    if not items:
        return
    by_id = {i.sub_action.id: i for i in items}
    ids = list(by_id)
    notes = db.session.scalars(
        select(ProgressNote).where(ProgressNote.sub_action_id.in_(ids), ProgressNote.noted_on <= as_at)
        .order_by(ProgressNote.noted_on, ProgressNote.id))
    for note in notes:
        by_id[note.sub_action_id].note = note  # the last one wins: the latest
    s = EvidenceSubmission
    evidence = db.session.scalars(
        select(s).where(s.sub_action_id.in_(ids), s.status == s.ACCEPTED, s.decided_on <= as_at,
                        or_(s.invalidated_on.is_(None), s.invalidated_on > as_at))
        .options(joinedload(s.decided_by), selectinload(s.files))
        .order_by(s.decided_on, s.id))
    for sub in evidence:
        by_id[sub.sub_action_id].evidence.append(sub)
    r = DueDateRequest
    for req in db.session.scalars(select(r).where(r.sub_action_id.in_(ids), pending_request_clause(as_at))
                                  .order_by(r.id)):
        by_id[req.sub_action_id].pending_request = req
    for req in db.session.scalars(select(r).where(r.sub_action_id.in_(ids), r.status == r.ACCEPTED,
                                                  r.decided_on <= as_at).order_by(r.decided_on, r.id)):
        item = by_id[req.sub_action_id]
        if req.requested_due_on == item.due_on:
            item.revision = req  # the latest agreed change wins, as in progress.due_on_column


def _owners(recs):
    seen = {}
    for rec in recs:
        for org in rec.owners:
            seen.setdefault(org.id, org)
    return sorted(seen.values(), key=lambda o: o.id)


def figures(plan: Plan) -> dict:
    """The figures of a plan as JSON-safe data (what a CQC submission freezes)."""
    data = {"as_at": plan.as_at.isoformat(), "scope": plan.org.code if plan.org else "all",
            "by_section": plan.by_section.as_dict()}
    if plan.by_organisation is not None:
        data["by_organisation"] = plan.by_organisation.as_dict()
    return data
