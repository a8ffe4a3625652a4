"""Apply's writing: every section, recommendation and sub-action the plan of changes adds, changes or
retires, the office's record brought in on first load (accepted before the tracker, progress notes,
revised dates agreed before the tracker), and an audit event for each, in the caller's transaction.
Bulk INSERTs where the rows are many (10,000 sub-actions in about a second)."""
from sqlalchemy import bindparam, insert, select, update

from ... import audit, dates
from ...extensions import db
from ...models import (
    ACCEPTED,
    DueDateRequest,
    EvidenceSubmission,
    Organisation,
    OriginalDueChange,
    ProgressNote,
    Recommendation,
    Section,
    SubAction,
    utcnow,
)

CHUNK = 500


class Writer:
    def __init__(self, review, user, filename):
        self.review, self.user, self.filename, self.today = review, user, filename, dates.today()
        self.user_id = user.id if user else None
        self.sections = {s.number: s for s in db.session.scalars(select(Section).where(Section.review_id == review.id))}
        self.recs = {rec.ref: rec for rec in db.session.scalars(
            select(Recommendation).join(Section).where(Section.review_id == review.id))}
        self.orgs = {o.id: o for o in db.session.scalars(select(Organisation))}
        self.events = []  # audit events of sections and recommendations, recorded once all have ids

    def write(self, plan):
        self._add_containers(plan)
        changed = self._change(plan)
        retired = self._retire(plan)
        db.session.flush()  # new sections and recommendations get their ids
        rid, how = self.review.id, {"import": self.filename}
        events = [{"action": action, "object_type": type(obj).__name__, "object_id": obj.id, "review_id": rid, **kw}
                  for action, obj, kw in self.events]
        accepted = {s.ref: s for s in plan.states if s.kind == "accepted" and s.id is None}
        revised = {s.ref: s for s in plan.states if s.kind == "revision" and s.id is None}
        ids, owners = {}, {}
        for sa_id, ref, values in self._add_sub_actions(plan, accepted, revised):
            after = {"text": values["text"], "owner": self.orgs[values["owner_id"]].code,
                     "lead_name": values["lead_name"], "original_due_on": values["original_due_on"], **how}
            events.append(_event("sub_action.imported", sa_id, values["owner_id"], rid, None, after))
            ids[ref], owners[sa_id] = sa_id, values["owner_id"]
        events.extend(self._states(plan, ids, owners, how))
        for sa, before in changed:
            now = _fields(sa)
            events.append(_event("sub_action.changed_by_import", sa.id, sa.owner_id, rid, before,
                                 {**{k: now[k] for k in before}, **how}))
        for sa in retired:
            events.append(_event("sub_action.retired_by_import", sa.id, sa.owner_id, rid, {"retired_on": None},
                                 {"retired_on": self.today, **how}))
        audit.record_many(events, actor=self.user)

    def _add_containers(self, plan):
        for add in plan.adds:
            if add.kind == "section":
                section = Section(review_id=self.review.id, number=add.values["number"], title=add.values["title"],
                                  added_on=self.today)
                db.session.add(section)
                self.sections[section.number] = section
                self._record("section.imported", section, after={"title": section.title})
            elif add.kind == "recommendation":
                number, position = (int(n) for n in add.ref.split("."))
                rec = Recommendation(section=self.sections[number], position=position, text=add.values["text"],
                                     owners=[self.orgs[i] for i in sorted(add.values["owner_ids"])],
                                     added_on=self.today)
                db.session.add(rec)
                self.recs[add.ref] = rec
                self._record("recommendation.imported", rec, after={"ref": add.ref, "text": rec.text,
                                                                   "owners": _codes(rec.owners)})
        for change in plan.changes:
            if change.kind == "section":
                section = self.sections[int(change.ref)]
                self._record("section.changed_by_import", section, before={"title": section.title},
                             after={"title": change.new})
                section.title = change.new
            elif change.kind == "recommendation":
                rec = self.recs[change.ref]
                if change.field == "text":
                    self._record("recommendation.changed_by_import", rec, before={"text": rec.text},
                                 after={"text": change.new})
                    rec.text = change.new
                else:
                    new = [self.orgs[i] for i in sorted(change.new)]
                    self._record("recommendation.changed_by_import", rec, before={"owners": _codes(rec.owners)},
                                 after={"owners": _codes(new)})
                    rec.owners = new

    def _add_sub_actions(self, plan, accepted, revised):
        """One bulk INSERT (10,000 sub-actions in about a second, against a minute through the unit of work).
        A sub-action the file says is done is added accepted, one with a revised date with that date in force."""
        rows, refs = [], []
        for add in plan.adds:
            if add.kind != "sub-action":
                continue
            v = add.values
            rec_ref, position = add.ref.rsplit(".", 1)
            done, moved = accepted.get(add.ref), revised.get(add.ref)
            rows.append({"recommendation_id": self.recs[rec_ref].id, "position": int(position), "text": v["text"],
                         "owner_id": v["owner_id"], "lead_name": v["lead"], "original_due_on": v["original_due_on"],
                         "current_due_on": moved.due_on if moved else v["original_due_on"], "added_on": self.today,
                         "state": ACCEPTED if done else "open", "accepted_on": done.on if done else None})
            refs.append(add.ref)
        if not rows:
            return []
        ids = db.session.scalars(insert(SubAction).returning(SubAction.id, sort_by_parameter_order=True), rows).all()
        return list(zip(ids, refs, rows))

    def _states(self, plan, ids, owners, how):
        """The office's record on first load: evidence accepted before the tracker, progress notes and
        revised due dates agreed before it (bulk INSERTs), with their audit events."""
        if not plan.states:
            return []
        existing = {s.id for s in plan.states if s.id is not None}
        rows = db.session.execute(select(SubAction.id, SubAction.owner_id, SubAction.current_due_on).where(
            SubAction.id.in_(existing))).all() if existing else []
        owners = {**owners, **{sa_id: owner for sa_id, owner, _ in rows}}
        due = {sa_id: day for sa_id, _, day in rows}
        now, rid, events = utcnow(), self.review.id, []
        subs, notes, requests, updates = [], [], [], []
        for st in plan.states:
            sa_id = st.id if st.id is not None else ids[st.ref]
            if st.kind == "accepted":
                subs.append((sa_id, {"sub_action_id": sa_id, "description": st.text, "status": "accepted",
                                     "submitted_by_id": self.user_id, "submitted_at": now, "submitted_on": st.on,
                                     "decided_by_id": self.user_id, "decided_at": now, "decided_on": st.on,
                                     "imported_from": self.filename}))
                if st.id is not None:
                    updates.append({"b_id": sa_id, "state": ACCEPTED, "accepted_on": st.on})
            elif st.kind == "note":
                notes.append((sa_id, {"sub_action_id": sa_id, "noted_on": st.on, "body": st.text,
                                      "author_id": self.user_id, "created_at": now}))
            else:
                previous = due.get(sa_id) if st.id is not None else plan_due(plan, st.ref)
                requests.append((sa_id, previous, {
                    "sub_action_id": sa_id, "previous_due_on": previous, "requested_due_on": st.due_on,
                    "reason": f"Revised due date in the office's spreadsheet {self.filename}", "status": "accepted",
                    "requested_by_id": self.user_id, "requested_at": now, "requested_on": st.on,
                    "decided_by_id": self.user_id, "decided_at": now, "decided_on": st.on,
                    "imported_from": self.filename}))
                if st.id is not None:
                    db.session.execute(update(SubAction).where(SubAction.id == sa_id)
                                       .values(current_due_on=st.due_on, version=SubAction.version + 1)
                                       .execution_options(synchronize_session=False))
        reason = f"Office's record, imported from {self.filename} by {self.user.name if self.user else 'the system'}"
        for (sa_id, row), new_id in zip(subs, _insert(EvidenceSubmission, [r for _, r in subs])):
            events.append({**_event("sub_action.accepted_before_tracker", sa_id, owners[sa_id], rid, None,
                                    {"state": ACCEPTED, "accepted_on": row["decided_on"], "reason": reason, **how}),
                           "object_type": "EvidenceSubmission", "object_id": new_id})
        for (sa_id, row), new_id in zip(notes, _insert(ProgressNote, [r for _, r in notes])):
            events.append({**_event("note.imported", sa_id, owners[sa_id], rid, None,
                                    {"noted_on": row["noted_on"], **how}),
                           "object_type": "ProgressNote", "object_id": new_id})
        for (sa_id, previous, row), new_id in zip(requests, _insert(DueDateRequest, [r for _, _, r in requests])):
            events.append({**_event("due_date.imported", sa_id, owners[sa_id], rid, {"current_due_on": previous},
                                    {"current_due_on": row["requested_due_on"], **how}),
                           "object_type": "DueDateRequest", "object_id": new_id})
        if updates:
            db.session.execute(update(SubAction.__table__).where(SubAction.__table__.c.id == bindparam("b_id"))
                               .values(state=bindparam("state"), accepted_on=bindparam("accepted_on"),
                                       version=SubAction.__table__.c.version + 1), updates)
        return events

    def _change(self, plan):
        by_id = {}
        changes = [c for c in plan.changes if c.kind == "sub-action"]
        subs = _load(sorted({c.id for c in changes}))
        for change in changes:
            sa = subs[change.id]
            before = by_id.setdefault(sa.id, (sa, {}))[1]
            before.update({k: v for k, v in _fields(sa).items() if k == _KEYS[change.field]})
            if change.field == "text":
                sa.text = change.new
            elif change.field == "owner_id":
                sa.owner = self.orgs[change.new]
            elif change.field == "lead":
                sa.lead_name = change.new
            elif change.field == "original_due_on":
                db.session.add(OriginalDueChange(
                    sub_action_id=sa.id, previous_due_on=sa.original_due_on, new_due_on=change.new,
                    effective_on=self.today, reason=f"Changed by import of {self.filename}",
                    changed_by_id=self.user_id))
                if sa.current_due_on == sa.original_due_on:  # no reviewer-agreed revision: it moves too
                    sa.current_due_on = change.new
                sa.original_due_on = change.new
        return list(by_id.values())

    def _retire(self, plan):
        subs = _load([r.id for r in plan.retires])
        for sa in subs.values():
            sa.retired_on = self.today
        return list(subs.values())

    def _record(self, action, obj, **kwargs):
        self.events.append((action, obj, {k: {**v, "import": self.filename} for k, v in kwargs.items()}))


_KEYS = {"text": "text", "owner_id": "owner", "lead": "lead_name", "original_due_on": "original_due_on"}


def plan_due(plan, ref):
    return next(a.values["original_due_on"] for a in plan.adds if a.kind == "sub-action" and a.ref == ref)


def _insert(model, rows):
    if not rows:
        return []
    return db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows).all()


def _event(action, sa_id, owner_id, review_id, before, after):
    return {"action": action, "object_type": "SubAction", "object_id": sa_id, "sub_action_id": sa_id,
            "organisation_id": owner_id, "review_id": review_id, "before": before, "after": after}


def _fields(sa):
    return {"text": sa.text, "owner": sa.owner.code, "lead_name": sa.lead_name,
            "original_due_on": sa.original_due_on}


def _codes(orgs):
    return [o.code for o in orgs]


def _load(ids):
    found = {}
    for start in range(0, len(ids), CHUNK):
        found.update({sa.id: sa for sa in db.session.scalars(select(SubAction).where(SubAction.id.in_(ids[start:start + CHUNK])))})
    return found
