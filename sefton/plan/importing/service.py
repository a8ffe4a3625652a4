"""The spreadsheet import against the database: the review as plain data for the pure rules
(sefton.plan.importing), the stored file's preview, and Apply in one transaction. The web flow
(sefton.plan.importing.views) and scripts/bench_import.py both go through these functions."""
import hashlib

from flask import current_app
from sqlalchemy import insert, select, update

from ... import audit, dates
from ...extensions import db
from ...models import (
    Organisation,
    OriginalDueChange,
    PendingImport,
    Recommendation,
    Section,
    SubAction,
    recommendation_owners,
    utcnow,
)
from .. import importing as pi

CHUNK = 500


class ApplyRefused(RuntimeError):
    """Apply cannot go ahead (already applied, or the plan changed since the preview)."""


def max_bytes():
    return int(current_app.config.get("SEFTON_IMPORT_MAX_MB", 10)) * 1024 * 1024


def context(review, whole_plan=False) -> pi.Context:
    """The review as it is now, as plain data (4 queries whatever its size)."""
    orgs = [pi.Org(o.id, o.code, o.name, o.short_name, o.active)
            for o in db.session.scalars(select(Organisation).order_by(Organisation.id))]
    sections = [pi.SectionData(*row) for row in db.session.execute(
        select(Section.id, Section.number, Section.title, Section.retired_on).where(Section.review_id == review.id))]
    owners = {}
    for rec_id, org_id in db.session.execute(
            select(recommendation_owners.c.recommendation_id, recommendation_owners.c.organisation_id)
            .join(Recommendation, Recommendation.id == recommendation_owners.c.recommendation_id)
            .join(Section, Section.id == Recommendation.section_id).where(Section.review_id == review.id)):
        owners.setdefault(rec_id, set()).add(org_id)
    recs = [pi.RecData(rec_id, number, position, text, frozenset(owners.get(rec_id, ())), retired_on)
            for rec_id, number, position, text, retired_on in db.session.execute(
                select(Recommendation.id, Section.number, Recommendation.position, Recommendation.text,
                       Recommendation.retired_on)
                .join(Section, Section.id == Recommendation.section_id).where(Section.review_id == review.id))]
    subs = [pi.SubData(*row) for row in db.session.execute(
        select(SubAction.id, Section.number, Recommendation.position, SubAction.position, SubAction.text,
               SubAction.owner_id, SubAction.lead_name, SubAction.original_due_on, SubAction.retired_on)
        .join(Recommendation, Recommendation.id == SubAction.recommendation_id)
        .join(Section, Section.id == Recommendation.section_id).where(Section.review_id == review.id))]
    return pi.Context(review.code, orgs, sections, recs, subs, whole_plan=whole_plan)


def store(review, user, filename, data) -> PendingImport:
    """Keep an uploaded file (already read without a file-level error) until Apply."""
    pending = PendingImport(review_id=review.id, user_id=user.id if user else None, filename=filename,
                            sha256=hashlib.sha256(data).hexdigest(), data=data)
    db.session.add(pending)
    audit.record("plan.import_uploaded", pending, review_id=review.id, actor=user,
                 after={"file": filename, "sha256": pending.sha256, "size": len(data)})
    return pending


def preview(pending, review, whole_plan) -> pi.ChangePlan:
    """The plan of changes the stored file makes to the review as it is now."""
    rows = pi.read_file(pending.filename, pending.data, max_bytes())
    return pi.parse_rows(rows, context(review, whole_plan))


def apply(pending, review, user, whole_plan, digest) -> pi.ChangePlan:
    """Re-read the stored file against the plan as it is now and write every change, or nothing. The
    caller commits. Refused when already applied or when the changes differ from the preview's."""
    claimed = db.session.execute(update(PendingImport).where(PendingImport.id == pending.id,
                                                             PendingImport.applied_at.is_(None))
                                 .values(applied_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise ApplyRefused("This file has been applied already: upload it again to see what it would change now")
    plan = preview(pending, review, whole_plan)
    if plan.errors or plan.nothing_to_do or plan.digest() != digest:
        raise ApplyRefused("The plan changed since the preview; check the new preview")
    _Writer(review, user, pending.filename).write(plan)
    audit.record("plan.imported", pending, review_id=review.id, actor=user,
                 after={"file": pending.filename, "sha256": pending.sha256, "whole_plan": whole_plan,
                        **{k: v for k, v in plan.counts().items() if k != "errors"}})
    return plan


class _Writer:
    def __init__(self, review, user, filename):
        self.review, self.user, self.filename, self.today = review, user, filename, dates.today()
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
        for sa_id, values in self._add_sub_actions(plan):
            after = {"text": values["text"], "owner": self.orgs[values["owner_id"]].code,
                     "lead_name": values["lead_name"], "original_due_on": values["original_due_on"], **how}
            events.append(_event("sub_action.imported", sa_id, values["owner_id"], rid, None, after))
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

    def _add_sub_actions(self, plan):
        """One bulk INSERT (10,000 sub-actions in about a second, against a minute through the unit of work)."""
        rows = []
        for add in plan.adds:
            if add.kind != "sub-action":
                continue
            v = add.values
            rec_ref, position = add.ref.rsplit(".", 1)
            rows.append({"recommendation_id": self.recs[rec_ref].id, "position": int(position), "text": v["text"],
                         "owner_id": v["owner_id"], "lead_name": v["lead"], "original_due_on": v["original_due_on"],
                         "current_due_on": v["original_due_on"], "added_on": self.today})
        if not rows:
            return []
        ids = db.session.scalars(insert(SubAction).returning(SubAction.id, sort_by_parameter_order=True), rows).all()
        return list(zip(ids, rows))

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
                    changed_by_id=self.user.id if self.user else None))
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
