"""The plan's state as plain data for sefton.notifications.reminders, loaded in a fixed number of queries (seven,
whatever the plan's size): for one person through sefton.access (the panel), or whole (the daily
run, which then applies the rules per person in memory)."""
import datetime as dt

from sqlalchemy import ARRAY, Integer, and_, any_, false, literal, or_, select

from .. import access
from ..extensions import db
from ..figures import due_on_column, status_column
from ..models import RETURNED, DueDateRequest, EvidenceSubmission, Recommendation, Review, Section, SubAction
from . import reminders


def load(today: dt.date, *, user=None, review_id=None, decisions_since=None, person=None) -> reminders.PlanState:
    """user: only what that person may see (sefton.access); review_id: only that review's plan;
    decisions_since: decisions after that date (default: the last RECENT_DAYS days); person (a
    reminders.Recipient): only the sub-actions that can give that person an item of
    reminders.panel, so that the panel does not load the whole plan (see _relevant)."""
    base = access.sub_actions(user) if user is not None else (
        select(SubAction).join(Recommendation, SubAction.recommendation_id == Recommendation.id))
    base = base.join(Section, Recommendation.section_id == Section.id).where(
        or_(SubAction.added_on.is_(None), SubAction.added_on <= today),
        or_(SubAction.retired_on.is_(None), SubAction.retired_on > today))
    if review_id is not None:
        base = base.where(Section.review_id == review_id)
    start = decisions_since if decisions_since is not None else today - dt.timedelta(days=reminders.RECENT_DAYS)
    if person is not None:
        base = base.where(_relevant(person, today, start))
    ids = base.with_only_columns(SubAction.id)

    rows = db.session.execute(base.with_only_columns(
        SubAction.id, Section.number, Recommendation.position, SubAction.position, SubAction.text,
        SubAction.owner_id, Section.review_id, due_on_column(today), status_column(today), SubAction.state))
    subs = {}
    for sid, section, rec_pos, pos, text, owner, review, due_on, colour, state in rows:
        subs[sid] = dict(id=sid, ref=f"{section}.{rec_pos}.{pos}", text=text, owner_id=owner, section=section,
                         review_id=review, due_on=due_on, colour=colour, state=state)
    if person is not None:
        # A few rows: the next queries take them by id rather than filter the plan again (at 40
        # times the plan, SQLite 51 -> 32 ms). On PostgreSQL as one array (= ANY): a list of
        # hundreds of parameters cost more to plan than the subquery (p95 138 ms against 61).
        ids = list(subs)

    def among(column):
        """Condition: `column` is one of the sub-actions loaded above."""
        if isinstance(ids, list) and db.engine.dialect.name == "postgresql":
            return column == any_(literal(ids, ARRAY(Integer)))
        return column.in_(ids)

    s = EvidenceSubmission
    returned = db.session.execute(
        select(s.sub_action_id, s.decision_comment, s.decided_on)
        .join(SubAction, s.sub_action_id == SubAction.id)
        .where(among(s.sub_action_id), s.status == s.RETURNED, SubAction.state == RETURNED).order_by(s.id))
    for sid, comment, decided_on in returned:  # the latest return of each sub-action wins
        subs[sid].update(returned_reason=comment, returned_on=decided_on)
    subs = {sid: reminders.Sub(**values) for sid, values in subs.items()}

    pending = [reminders.Submission(*row) for row in db.session.execute(
        select(s.id, s.sub_action_id, s.submitted_on, s.submitted_by_id)
        .where(among(s.sub_action_id), s.status == s.PENDING))]
    r = DueDateRequest
    requested_on = r.requested_on
    pending_dates = [reminders.DateRequest(id_, sa, prev, new, asked or at.date(), by) for id_, sa, prev, new, asked, at, by
                     in db.session.execute(
                         select(r.id, r.sub_action_id, r.previous_due_on, r.requested_due_on, requested_on,
                                r.requested_at, r.requested_by_id)
                         .where(among(r.sub_action_id), r.status == r.PENDING))]

    decisions = [reminders.Decision("evidence", *row) for row in db.session.execute(
        select(s.id, s.sub_action_id, s.status, s.decided_on, s.decided_by_id, s.decision_comment)
        .where(among(s.sub_action_id), s.status.in_([s.ACCEPTED, s.RETURNED]), s.decided_on > start,
               s.decided_on <= today))]
    decisions += [reminders.Decision("date", *row) for row in db.session.execute(
        select(r.id, r.sub_action_id, r.status, r.decided_on, r.decided_by_id, r.decision_comment, r.requested_due_on)
        .where(among(r.sub_action_id), r.status.in_([r.ACCEPTED, r.DECLINED]), r.decided_on > start,
               r.decided_on <= today))]

    plan_due = dict(db.session.execute(select(Review.id, Review.plan_due_on)).all())
    return reminders.PlanState(today=today, subs=subs, plan_due=plan_due, pending_submissions=pending,
                               pending_dates=pending_dates, decisions=decisions, separation=access.separation())




def _relevant(person, today, start):
    """Condition on SubAction: those reminders.panel can say something about to `person`. For the
    members of an organisation (reminders.for_organisation), its own sub-actions that are returned,
    due within DUE_SOON_DAYS (or overdue), with a date request awaiting or a decision since `start`;
    for a reviewer (reminders.for_reviewer), also every sub-action awaiting a decision. Any other
    sub-action gives no item, so leaving it out changes nothing (tests/test_reminders.py)."""
    s, r = EvidenceSubmission, DueDateRequest
    dates_pending = SubAction.id.in_(select(r.sub_action_id).where(r.status == r.PENDING))
    conditions = []
    if person.organisation_id is not None and person.role in ("org", "reviewer"):
        decided = or_(
            SubAction.id.in_(select(s.sub_action_id).where(s.status.in_([s.ACCEPTED, s.RETURNED]),
                                                           s.decided_on > start, s.decided_on <= today)),
            SubAction.id.in_(select(r.sub_action_id).where(r.status.in_([r.ACCEPTED, r.DECLINED]),
                                                           r.decided_on > start, r.decided_on <= today)))
        # Due (or overdue) within DUE_SOON_DAYS by the due date in force today, which is the original
        # date or a requested date accepted: a superset without working out the date for every row.
        soon = today + dt.timedelta(days=reminders.DUE_SOON_DAYS)
        due_soon = or_(SubAction.original_due_on <= soon, SubAction.current_due_on <= soon,
                       SubAction.id.in_(select(r.sub_action_id).where(r.status == r.ACCEPTED,
                                                                      r.requested_due_on <= soon)))
        conditions.append(and_(SubAction.owner_id == person.organisation_id,
                               or_(SubAction.state == RETURNED, due_soon, dates_pending, decided)))
    if person.role == "reviewer":
        conditions.append(or_(SubAction.id.in_(select(s.sub_action_id).where(s.status == s.PENDING)), dates_pending))
    return or_(*conditions) if conditions else false()
