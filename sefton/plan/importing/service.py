"""The spreadsheet import against the database: the review as plain data for the pure rules
(sefton.plan.importing), the Map page's choices and the mappings remembered per review, organisation
aliases, the stored file's preview, and Apply in one transaction (sefton.plan.importing.writer). The
web flow (sefton.plan.importing.views) and scripts/bench_import.py both go through these functions."""
import datetime as dt
import hashlib

from flask import current_app
from sqlalchemy import func, select, update

from ... import audit, dates
from ...extensions import db
from ...models import (
    AuditEvent,
    DueDateRequest,
    EvidenceSubmission,
    ImportMapping,
    Organisation,
    OrganisationAlias,
    PendingImport,
    ProgressNote,
    Recommendation,
    Section,
    SubAction,
    User,
    recommendation_owners,
    utcnow,
)
from .. import importing as pi
from .writer import Writer


class ApplyRefused(RuntimeError):
    """Apply cannot go ahead (already applied, the plan changed since the preview, a number not typed)."""


class AliasRefused(ValueError):
    """An alias that cannot be saved; the message is fit to show."""


def max_bytes():
    return int(current_app.config.get("SEFTON_IMPORT_MAX_MB", 10)) * 1024 * 1024


def context(review, whole_plan=False, pending=None) -> pi.Context:
    """The review as it is now, as plain data (9 queries whatever its size)."""
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
    records, changed = _records(review), _changed(review)
    subs = [pi.SubData(*row, record=records.get(row[0]), changed_at=changed.get(row[0])) for row in db.session.execute(
        select(SubAction.id, Section.number, Recommendation.position, SubAction.position, SubAction.text,
               SubAction.owner_id, SubAction.lead_name, SubAction.original_due_on, SubAction.retired_on)
        .join(Recommendation, Recommendation.id == SubAction.recommendation_id)
        .join(Section, Section.id == Recommendation.section_id).where(Section.review_id == review.id))]
    aliases = dict(db.session.execute(select(OrganisationAlias.key, OrganisationAlias.organisation_id)).all())
    settings = (pending.settings if pending is not None else None) or {}
    uploader = db.session.get(User, pending.user_id) if pending is not None and pending.user_id else None
    state_on = dt.date.fromisoformat(settings["state_on"]) if settings.get("state_on") else None
    return pi.Context(review.code, orgs, sections, recs, subs, whole_plan=whole_plan, aliases=aliases,
                      today=dates.today(), state_on=state_on, filename=pending.filename if pending else "",
                      importer=uploader.name if uploader else "")


def _in_review(review, model):
    return (select(model.sub_action_id).join(SubAction, SubAction.id == model.sub_action_id)
            .join(Recommendation, Recommendation.id == SubAction.recommendation_id)
            .join(Section, Section.id == Recommendation.section_id).where(Section.review_id == review.id))


def _latest(review, model, *columns):
    """The latest row of `model` (by id) for each sub-action of the review that has one."""
    ids = (select(func.max(model.id)).join(SubAction, SubAction.id == model.sub_action_id)
           .join(Recommendation, Recommendation.id == SubAction.recommendation_id)
           .join(Section, Section.id == Recommendation.section_id).where(Section.review_id == review.id)
           .group_by(model.sub_action_id))
    return {row[0]: row[1:] for row in db.session.execute(
        select(model.sub_action_id, *columns).where(model.id.in_(ids)))}


def _who(user_id, names):
    return names.get(user_id) or "the office"


def _records(review):
    """What the tracker holds for each sub-action with a history (a note, evidence or a date request):
    the words an import's preview gives when it leaves the tracker's record as it is."""
    e, n, r = EvidenceSubmission, ProgressNote, DueDateRequest
    subs = _latest(review, e, e.status, e.submitted_on, e.decided_by_id, e.decided_on, e.imported_from)
    notes = _latest(review, n, n.body, n.noted_on, n.author_id)
    asks = _latest(review, r, r.status, r.requested_due_on, r.decided_by_id, r.decided_on)
    ids = set(subs) | set(notes) | set(asks)
    if not ids:
        return {}
    names = dict(db.session.execute(select(User.id, User.name)).all())
    current = {row[0]: row[1:] for row in db.session.execute(
        select(SubAction.id, SubAction.state, SubAction.current_due_on, SubAction.original_due_on)
        .where(SubAction.id.in_(_in_review(review, ProgressNote).union(
            _in_review(review, EvidenceSubmission), _in_review(review, DueDateRequest)))))}
    records = {}
    for sa_id in ids:
        state, due, original = current[sa_id]
        decision = "no evidence accepted yet"
        if sa_id in subs:
            status, submitted_on, by, on, imported = subs[sa_id]
            when = dates.format_date(on) if on else ""
            decision = {"accepted": f"evidence accepted by {_who(by, names)} on {when}" if not imported
                        else f"accepted before the tracker, imported from {imported}",
                        "returned": f"evidence returned by {_who(by, names)} on {when}",
                        "pending": f"evidence submitted on {dates.format_date(submitted_on)}, awaiting review",
                        "withdrawn": "evidence withdrawn"}.get(status, decision)
        note, note_words = None, ""
        if sa_id in notes:
            note, noted_on, author = notes[sa_id]
            note_words = f"by {_who(author, names)} on {dates.format_date(noted_on)}"
        revision = ""
        if sa_id in asks and asks[sa_id][0] == "accepted":
            _, to, by, on = asks[sa_id]
            revision = f"{dates.format_date(to)} agreed by {_who(by, names)} on {dates.format_date(on)}"
        elif due != original and due:
            revision = f"due date {dates.format_date(due)}"
        records[sa_id] = pi.Record(state, due, decision, note, note_words, revision)
    return records


def _changed(review):
    """The time of each sub-action's latest audit event."""
    return dict(db.session.execute(
        select(AuditEvent.sub_action_id, func.max(AuditEvent.at))
        .where(AuditEvent.review_id == review.id, AuditEvent.sub_action_id.is_not(None))
        .group_by(AuditEvent.sub_action_id)).all())


KEPT_FOR = dt.timedelta(days=1)  # an uploaded file not applied is removed after this


def purge_uploads(now=None) -> int:
    """Remove uploaded files older than KEPT_FOR, applied or not (an applied one keeps no bytes
    already). Run at each upload and by `flask reminders` each day; the caller commits."""
    cutoff = (now or utcnow()) - KEPT_FOR
    return db.session.execute(db.delete(PendingImport).where(PendingImport.created_at < cutoff)).rowcount


def store(review, user, filename, data) -> PendingImport:
    """Keep an uploaded file (already read without a file-level error) until Apply."""
    pending = PendingImport(review_id=review.id, user_id=user.id if user else None, filename=filename,
                            sha256=hashlib.sha256(data).hexdigest(), data=data)
    db.session.add(pending)
    audit.record("plan.import_uploaded", pending, review_id=review.id, actor=user,
                 after={"file": filename, "sha256": pending.sha256, "size": len(data)})
    return pending


def book(pending) -> pi.Book:
    return pi.read_book(pending.filename, pending.data, max_bytes())


def remembered(review, headings):
    """The mapping saved for these headings in this review, if any."""
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.review_id == review.id,
                                                          ImportMapping.headings == pi.signature(headings)))
    return saved.columns if saved else None


def _saved_for(the_book, pending, review):
    """The mapping remembered for the headings of the sheets this upload reads."""
    headings = pi.layout(the_book, {**(pending.settings or {}), "columns": None}).headings
    return remembered(review, headings) if headings else None


def layout(pending, review, the_book=None):
    """(book, layout): the sheets, headers and mapping the import of `pending` uses now (the Map
    page's, a remembered one, or the headings alone)."""
    the_book = the_book or book(pending)
    return the_book, pi.layout(the_book, pending.settings, _saved_for(the_book, pending, review))


def preview(pending, review, whole_plan) -> pi.ChangePlan:
    """The plan of changes the stored file makes to the review as it is now."""
    return preview_with_layout(pending, review, whole_plan)[1]


def preview_with_layout(pending, review, whole_plan):
    the_book = book(pending)
    ctx = context(review, whole_plan, pending)
    ctx.file_saved = the_book.modified
    return pi.plan(the_book, ctx, pending.settings, _saved_for(the_book, pending, review))


def save_map(pending, review, user, settings, headings):
    """Keep the Map page's choices on the upload and remember the column mapping for these headings."""
    pending.settings = settings
    key = pi.signature(headings)
    saved = db.session.scalar(select(ImportMapping).where(ImportMapping.review_id == review.id,
                                                          ImportMapping.headings == key))
    before = dict(saved.columns) if saved else None
    if saved is None:
        saved = ImportMapping(review_id=review.id, headings=key, columns={})
        db.session.add(saved)
    saved.columns, saved.saved_by_id = dict(settings["columns"]), user.id if user else None
    if before != saved.columns:
        named = {headings[int(i)] or f"column {int(i) + 1}": f or "not imported" for i, f in saved.columns.items()
                 if int(i) < len(headings)}
        audit.record("plan.import_mapping_saved", saved, review_id=review.id, actor=user,
                     before={"columns": before} if before else None, after={"columns": named,
                                                                            "file": pending.filename})


def add_alias(org, text, user):
    """Teach the tracker another name for an organisation (audited). The caller commits."""
    text = " ".join(str(text or "").split())[:200]
    if not text:
        raise AliasRefused("Enter the name as your spreadsheets write it")
    key = pi.name_key(text)
    taken = db.session.scalar(select(OrganisationAlias).where(OrganisationAlias.key == key))
    if taken is not None:
        if taken.organisation_id == org.id:
            return taken
        raise AliasRefused(f"\"{text}\" already means {taken.organisation.name}: remove it there first")
    alias = OrganisationAlias(organisation=org, alias=text, key=key, created_by_id=user.id if user else None)
    db.session.add(alias)
    audit.record("organisation.alias_added", org, actor=user, after={"alias": text})
    return alias


def remove_alias(alias, user):
    audit.record("organisation.alias_removed", alias.organisation, actor=user, before={"alias": alias.alias})
    db.session.delete(alias)


def apply(pending, review, user, whole_plan, digest, retire_number=None) -> pi.ChangePlan:
    """Re-read the stored file against the plan as it is now and write every change, or nothing. The
    caller commits. Refused when already applied, when the changes differ from the preview's, or when
    more than a quarter of the plan would be retired and `retire_number` is not how many."""
    claimed = db.session.execute(update(PendingImport).where(PendingImport.id == pending.id,
                                                             PendingImport.applied_at.is_(None))
                                 .values(applied_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise ApplyRefused("This file has been applied already: upload it again to see what it would change now")
    plan = preview(pending, review, whole_plan)
    if plan.errors or plan.nothing_to_do or plan.digest() != digest:
        raise ApplyRefused("The plan changed since the preview; check the new preview")
    if plan.retire_needs_number and str(retire_number or "").strip().replace(",", "") != str(len(plan.retires)):
        raise ApplyRefused(f"This would retire {len(plan.retires):,} of the plan's {plan.live:,} sub-actions: type "
                           "that number to confirm, or untick \"This file is the whole plan\"")
    Writer(review, user, pending.filename).write(plan)
    db.session.execute(update(PendingImport).where(PendingImport.id == pending.id).values(data=b"")
                       .execution_options(synchronize_session=False))  # applied: the bytes are not kept
    audit.record("plan.imported", pending, review_id=review.id, actor=user,
                 after={"file": pending.filename, "sha256": pending.sha256, "whole_plan": whole_plan,
                        **{k: v for k, v in plan.counts().items() if k != "errors"}})
    return plan


