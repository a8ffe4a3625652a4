"""A sub-action's workflow history: progress notes, evidence submissions and their files, due-date
requests and the decisions on them."""
import datetime as dt

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .common import utcnow
from .plan import SubAction


class ProgressNote(db.Model):
    __tablename__ = "progress_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    sub_action_id: Mapped[int] = mapped_column(db.ForeignKey("sub_actions.id"), index=True)
    noted_on: Mapped[dt.date]
    body: Mapped[str] = mapped_column(db.Text)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    sub_action: Mapped[SubAction] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class EvidenceSubmission(db.Model):
    """One submission of evidence to close a sub-action, and the reviewer's decision on it."""

    __tablename__ = "evidence_submissions"
    PENDING, WITHDRAWN, ACCEPTED, RETURNED = "pending", "withdrawn", "accepted", "returned"
    id: Mapped[int] = mapped_column(primary_key=True)
    sub_action_id: Mapped[int] = mapped_column(db.ForeignKey("sub_actions.id"), index=True)
    description: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(db.String(20), default=PENDING)
    submitted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_on: Mapped[dt.date]
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    decided_on: Mapped[dt.date | None]  # for an accepted one: the date it turned Green
    decision_comment: Mapped[str | None] = mapped_column(db.Text)
    fingerprint: Mapped[str | None] = mapped_column(db.String(64))  # sha256 of the files at decision
    invalidated_on: Mapped[dt.date | None]  # acceptance lapsed (evidence changed after acceptance)
    withdrawn_on: Mapped[dt.date | None]
    # Set on the office's record of work accepted before the tracker, brought in by an import of its
    # spreadsheet (the file's name): not a reviewer's decision, and shown as such everywhere.
    imported_from: Mapped[str | None] = mapped_column(db.String(255))

    sub_action: Mapped[SubAction] = relationship(back_populates="submissions")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    files: Mapped[list["EvidenceFile"]] = relationship(back_populates="submission", order_by="EvidenceFile.id")

    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'withdrawn', 'accepted', 'returned')", name="status"),
        db.Index("ix_evidence_submissions_status_submitted_at", "status", "submitted_at"),
    )


class EvidenceFile(db.Model):
    """An uploaded file. The bytes live in the database row (see README: why)."""

    __tablename__ = "evidence_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(db.ForeignKey("evidence_submissions.id"), index=True)
    original_name: Mapped[str] = mapped_column(db.String(255))  # for display only, never a path
    content_type: Mapped[str] = mapped_column(db.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(db.String(64))
    data: Mapped[bytes] = mapped_column(db.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    submission: Mapped[EvidenceSubmission] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()


class DueDateRequest(db.Model):
    __tablename__ = "due_date_requests"
    PENDING, ACCEPTED, DECLINED, WITHDRAWN = "pending", "accepted", "declined", "withdrawn"
    id: Mapped[int] = mapped_column(primary_key=True)
    sub_action_id: Mapped[int] = mapped_column(db.ForeignKey("sub_actions.id"), index=True)
    previous_due_on: Mapped[dt.date | None]  # None: the date was to be confirmed
    requested_due_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(db.String(20), default=PENDING)
    requested_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    requested_on: Mapped[dt.date | None]  # business date of the request
    withdrawn_on: Mapped[dt.date | None]  # business date it was cancelled by the organisation
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    decided_on: Mapped[dt.date | None]  # for an accepted one: the date the new due date took effect
    decision_comment: Mapped[str | None] = mapped_column(db.Text)
    imported_from: Mapped[str | None] = mapped_column(db.String(255))  # a revision in the office's own file

    sub_action: Mapped[SubAction] = relationship(back_populates="date_requests")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'withdrawn')", name="status"),
    )
