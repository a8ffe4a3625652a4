"""What is kept as a record: the audit trail, the plan as sent to CQC (both append-only), finished
reports kept for repeat downloads, and an uploaded plan file awaiting Apply."""
import datetime as dt

from sqlalchemy import event, orm
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .common import utcnow


class AuditEvent(db.Model):
    """Append-only: who did what, when, with the state before and after. Never updated or deleted."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(db.String(60))
    object_type: Mapped[str] = mapped_column(db.String(40))
    object_id: Mapped[int | None]
    sub_action_id: Mapped[int | None] = mapped_column(db.ForeignKey("sub_actions.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(db.ForeignKey("organisations.id"))
    review_id: Mapped[int | None] = mapped_column(db.ForeignKey("reviews.id"), index=True)
    before: Mapped[dict | None] = mapped_column(db.JSON)
    after: Mapped[dict | None] = mapped_column(db.JSON)

    actor: Mapped[User | None] = relationship()


class CqcSubmission(db.Model):
    """The plan as sent to CQC: PDF and figures frozen at the moment of submission."""

    __tablename__ = "cqc_submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"), index=True)
    as_at: Mapped[dt.date]
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(db.Text, default="")
    figures: Mapped[dict] = mapped_column(db.JSON)
    pdf: Mapped[bytes] = mapped_column(db.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(db.String(64))

    submitted_by: Mapped[User | None] = relationship()


class PendingImport(db.Model):
    """An uploaded plan file between its preview and Apply (the bytes, re-parsed on Apply)."""

    __tablename__ = "pending_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(db.String(255))
    sha256: Mapped[str] = mapped_column(db.String(64))
    data: Mapped[bytes] = mapped_column(db.LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[dt.datetime | None]
    settings: Mapped[dict | None] = mapped_column(db.JSON)  # the Map page's choices (sheets, header, columns)


class ImportMapping(db.Model):
    """A column mapping the office chose on the Map page, remembered per review and offered again
    for the next file whose headings are the same (`headings`: a digest of them)."""

    __tablename__ = "import_mappings"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"), index=True)
    headings: Mapped[str] = mapped_column(db.String(64))
    columns: Mapped[dict] = mapped_column(db.JSON)  # heading -> field name ("" not imported)
    saved_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (db.UniqueConstraint("review_id", "headings", name="review_headings"),)


class ReportCache(db.Model):
    """A finished report (the plan's PDF) kept for repeat downloads. The key covers everything the
    bytes depend on (review, date, scope, last audit event, template version): a changed plan has
    a new key, so a stale entry is never served. Bounded: the oldest go first (sefton.cache)."""

    __tablename__ = "report_cache"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"))
    kind: Mapped[str] = mapped_column(db.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(db.LargeBinary, deferred=True)


class ImmutableError(RuntimeError):
    pass


@event.listens_for(orm.Session, "before_flush")
def _append_only(session, flush_context, instances):
    """Audit events and CQC submissions are written once and never changed."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, (AuditEvent, CqcSubmission)) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableError(f"{type(obj).__name__} records cannot be changed or deleted")
