"""Changing the plan itself: add, edit, reorder and retire sections, recommendations and
sub-actions, and correct a sub-action's original due date. No Flask here: each function changes the
session together with its audit event(s); the caller commits (one transaction) or rolls back.

Conventions (the spreadsheet import follows them too):
- a new item gets added_on = the business date and the next free position (section: number);
- retiring sets retired_on = the business date and never deletes: a recommendation's sub-actions
  and a section's recommendations and sub-actions are retired with it (those already retired keep
  their date); a retired item counts until the day it was retired and never after (sefton.figures.status);
- references stay derived: section number . recommendation position . sub-action position;
- reordering swaps two neighbours' positions through a temporary value (the positions are unique);
- a change of a sub-action's ORIGINAL due date is an OriginalDueChange in force from the business
  date, with a reason, kept apart from reviewer-decided date requests.
"""
import datetime as dt

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import DueDateRequest, OriginalDueChange, Recommendation, Section, SubAction, utcnow


class PlanError(ValueError):
    """A change the plan's rules refuse: {field: message}."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def section_snapshot(section):
    return {"number": section.number, "title": section.title, "added_on": section.added_on,
            "retired_on": section.retired_on}


def rec_snapshot(rec):
    return {"ref": f"{rec.section.number}.{rec.position}", "text": rec.text,
            "owners": sorted(o.code for o in rec.owners), "phc_flag": rec.phc_flag, "phc_reason": rec.phc_reason,
            "added_on": rec.added_on, "retired_on": rec.retired_on}


def sub_action_snapshot(sa):
    return {"ref": sa.ref, "text": sa.text, "owner": sa.owner.code if sa.owner else None, "lead_name": sa.lead_name,
            "original_due_on": sa.original_due_on, "current_due_on": sa.current_due_on,
            "added_on": sa.added_on, "retired_on": sa.retired_on}


# --- adding -----------------------------------------------------------------------------------

def add_section(review, title, *, day, number=None):
    taken = set(db.session.scalars(select(Section.number).where(Section.review_id == review.id)))
    if number is None:
        number = max(taken, default=0) + 1
    elif number in taken:
        raise PlanError({"number": f"Section {number} already exists in this review"})
    section = Section(review_id=review.id, number=number, title=title, added_on=day)
    db.session.add(section)
    db.session.flush()
    audit.record("section.added", section, after=section_snapshot(section), review_id=review.id)
    return section


def add_recommendation(section, text, owners, *, day, user=None, phc_reason=None):
    _require_existing(section, day, "section")
    position = _next(Recommendation.position, Recommendation.section_id == section.id)
    rec = Recommendation(section=section, position=position, text=text, owners=list(owners), added_on=day)
    _set_flag(rec, phc_reason, user)
    db.session.add(rec)
    db.session.flush()
    audit.record("recommendation.added", rec, after=rec_snapshot(rec), review_id=section.review_id)
    return rec


def add_sub_action(rec, *, owner, text, lead_name, due_on, day):
    _require_existing(rec, day, "recommendation")
    _require_owner(rec, owner)
    position = _next(SubAction.position, SubAction.recommendation_id == rec.id)
    sa = SubAction(recommendation=rec, owner=owner, position=position, text=text, lead_name=lead_name,
                   original_due_on=due_on, current_due_on=due_on, added_on=day)
    db.session.add(sa)
    db.session.flush()
    audit.record("sub_action.added", sa, sub_action=sa, after=sub_action_snapshot(sa))
    return sa


# --- editing ----------------------------------------------------------------------------------

def edit_section(section, *, number, title):
    before = section_snapshot(section)
    if number != section.number and db.session.scalar(select(func.count(Section.id)).where(
            Section.review_id == section.review_id, Section.number == number)):
        raise PlanError({"number": f"Section {number} already exists in this review"})
    section.number, section.title = number, title
    audit.record("section.edited", section, before=before, after=section_snapshot(section),
                 review_id=section.review_id)


def edit_recommendation(rec, *, text, owners, phc_reason, user):
    before = rec_snapshot(rec)
    owner_ids = {o.id for o in owners}
    orphans = sorted({sa.owner.short_name for sa in rec.sub_actions if sa.owner_id not in owner_ids
                      and sa.retired_on is None})
    if orphans:
        raise PlanError({"owners": "Keep as owners the organisations that own its sub-actions: " + ", ".join(orphans)})
    rec.text, rec.owners = text, list(owners)
    _set_flag(rec, phc_reason, user)
    audit.record("recommendation.edited", rec, before=before, after=rec_snapshot(rec), review_id=rec.section.review_id)


def edit_sub_action(sa, *, owner, text, lead_name):
    before = sub_action_snapshot(sa)
    _require_owner(sa.recommendation, owner)
    sa.owner, sa.text, sa.lead_name = owner, text, lead_name
    audit.record("sub_action.edited", sa, sub_action=sa, before=before, after=sub_action_snapshot(sa))


def change_original_due(sa, new_due_on: dt.date, reason: str, *, day, user):
    """Correct the original due date from `day` on, with a reason; the due date in force follows
    unless a reviewer-accepted revision is in force. On a sub-action whose date is to be confirmed
    (None) this SETS it: the change's previous date is None, so "as at" a date before `day` there
    was none (Grey, never Red) and from `day` the new one applies."""
    if not (reason or "").strip():
        raise PlanError({"reason": "Give a reason for changing the original due date"})
    if new_due_on == sa.original_due_on:
        raise PlanError({"original_due_on": "The new original due date must differ from the current one"})
    before = {"original_due_on": sa.original_due_on, "current_due_on": sa.current_due_on}
    change = OriginalDueChange(sub_action_id=sa.id, previous_due_on=sa.original_due_on, new_due_on=new_due_on,
                               effective_on=day, reason=reason.strip(), changed_by_id=user.id if user else None,
                               changed_at=utcnow())
    db.session.add(change)
    revised = db.session.scalar(select(func.count(DueDateRequest.id)).where(
        DueDateRequest.sub_action_id == sa.id, DueDateRequest.status == DueDateRequest.ACCEPTED,
        DueDateRequest.decided_on <= day))
    sa.original_due_on = new_due_on
    if not revised:
        sa.current_due_on = new_due_on
    db.session.flush()
    audit.record("sub_action.original_due_changed", change, sub_action=sa, before=before,
                 after={"original_due_on": new_due_on, "current_due_on": sa.current_due_on,
                        "reason": change.reason, "effective_on": day})
    return change


# --- retiring ---------------------------------------------------------------------------------

def retire_sub_action(sa, *, day):
    if sa.retired_on is not None:
        return False
    sa.retired_on = day
    audit.record("sub_action.retired", sa, sub_action=sa, before={"retired_on": None}, after={"retired_on": day})
    return True


def retire_recommendation(rec, *, day):
    if rec.retired_on is not None:
        return False
    rec.retired_on = day
    retired = [sa.ref for sa in rec.sub_actions if retire_sub_action(sa, day=day)]
    audit.record("recommendation.retired", rec, before={"retired_on": None},
                 after={"retired_on": day, "sub_actions_retired": retired}, review_id=rec.section.review_id)
    return True


def retire_section(section, *, day):
    if section.retired_on is not None:
        return False
    section.retired_on = day
    retired = [f"{section.number}.{rec.position}" for rec in section.recommendations
               if retire_recommendation(rec, day=day)]
    audit.record("section.retired", section, before={"retired_on": None},
                 after={"retired_on": day, "recommendations_retired": retired}, review_id=section.review_id)
    return True


# --- reordering -------------------------------------------------------------------------------

def move(item, direction):
    """Swap `item` with its neighbour above ("up") or below ("down"); False at either end."""
    column, siblings = _order_of(item)
    current = getattr(item, column)
    key = getattr(type(item), column)
    query = select(type(item)).where(siblings)
    query = (query.where(key < current).order_by(key.desc()) if direction == "up"
             else query.where(key > current).order_by(key))
    other = db.session.scalars(query.limit(1)).first()
    if other is None:
        return None
    mine, theirs = current, getattr(other, column)
    setattr(item, column, -item.id)  # a temporary value no sibling holds (positions are positive)
    db.session.flush()
    setattr(other, column, mine)
    db.session.flush()
    setattr(item, column, theirs)
    db.session.flush()
    kind = {Section: "section", Recommendation: "recommendation", SubAction: "sub_action"}[type(item)]
    review_id = (item.review_id if isinstance(item, Section) else
                 item.section.review_id if isinstance(item, Recommendation) else None)
    audit.record(f"{kind}.moved", item, before={column: mine}, after={column: theirs}, review_id=review_id,
                 sub_action=item if isinstance(item, SubAction) else None)
    return other


def _order_of(item):
    if isinstance(item, Section):
        return "number", Section.review_id == item.review_id
    if isinstance(item, Recommendation):
        return "position", Recommendation.section_id == item.section_id
    return "position", SubAction.recommendation_id == item.recommendation_id


# --- rules ------------------------------------------------------------------------------------

def _next(column, *conditions):
    return (db.session.scalar(select(func.max(column)).where(*conditions)) or 0) + 1


def _require_existing(parent, day, what):
    if parent.retired_on is not None and parent.retired_on <= day:
        raise PlanError({"form": f"This {what} was retired on {parent.retired_on:%d %B %Y}: nothing can be added to it"})


def _require_owner(rec, owner):
    if owner is None:
        raise PlanError({"owner": "Choose the organisation that owns the sub-action"})
    if owner.id not in {o.id for o in rec.owners}:
        raise PlanError({"owner": "Choose one of the recommendation's owners"})


def _set_flag(rec, phc_reason, user):
    """Flag for the attention of Public Health Commissioners when a reason is given; clear otherwise."""
    reason = (phc_reason or "").strip() or None
    if reason == rec.phc_reason and bool(reason) == rec.phc_flag:
        return
    rec.phc_flag, rec.phc_reason = bool(reason), reason
    rec.phc_flagged_by_id = user.id if (reason and user) else None
    rec.phc_flagged_at = utcnow() if reason else None
