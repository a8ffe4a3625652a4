"""The data model of the whole product.

Colours are never stored: a sub-action's status is derived (sefton.status) from its due dates and
from the history of its evidence decisions. What is stored is the workflow state and that history.
"""
import datetime as dt

from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import event, orm
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

LONDON = ZoneInfo("Europe/London")
ROLES = ("org", "reviewer", "viewer", "admin")
# Workflow states of a sub-action (shown beside the colour, never instead of it).
OPEN, SUBMITTED, RETURNED, ACCEPTED = "open", "submitted", "returned", "accepted"
STATES = (OPEN, SUBMITTED, RETURNED, ACCEPTED)


def utcnow():
    """Now, as a naive UTC timestamp. With a fixed business date (the demo), the clock time of today
    on that date, so that what users do shows on the date the pages are worked out at."""
    now = dt.datetime.now(dt.timezone.utc)
    fixed = current_app.config.get("SEFTON_TODAY") if has_app_context() else None
    if fixed:
        london = now.astimezone(LONDON)
        now = dt.datetime.combine(fixed, london.time(), tzinfo=LONDON).astimezone(dt.timezone.utc)
    return now.replace(tzinfo=None)


recommendation_owners = db.Table(
    "recommendation_owners",
    db.Column("recommendation_id", db.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    db.Column("organisation_id", db.ForeignKey("organisations.id"), primary_key=True, index=True),
)


class Organisation(db.Model):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(40), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    short_name: Mapped[str] = mapped_column(db.String(40))
    active: Mapped[bool] = mapped_column(default=True)  # deactivated, never deleted once referred to
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Organisation {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    password_hash: Mapped[str | None] = mapped_column(db.String(256))  # None: invited, no password yet
    role: Mapped[str] = mapped_column(db.String(20))
    organisation_id: Mapped[int | None] = mapped_column(db.ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime | None]
    previous_seen_at: Mapped[dt.datetime | None]  # start of the visit before this one: "since your last visit"
    password_changed_at: Mapped[dt.datetime | None]
    invited_at: Mapped[dt.datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(db.String(64))  # base32; two-step verification
    totp_enabled_at: Mapped[dt.datetime | None]
    sso_subject: Mapped[str | None] = mapped_column(db.String(255))  # the identity provider's `sub`
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (db.CheckConstraint(f"role IN {ROLES}", name="role"),)

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


class Review(db.Model):
    """An inspection whose recommendations the plan answers (the 2018 Sefton CLAS review)."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(300))
    body: Mapped[str] = mapped_column(db.String(200))  # the inspecting body
    area: Mapped[str] = mapped_column(db.String(100))
    on_site_from: Mapped[dt.date]
    on_site_to: Mapped[dt.date]
    published_on: Mapped[dt.date]
    plan_due_on: Mapped[dt.date]
    summary: Mapped[str] = mapped_column(db.Text, default="")  # the review's context ("7 inspectors; …")
    code: Mapped[str | None] = mapped_column(db.String(40), unique=True)  # short name, e.g. CLAS-2018
    chair: Mapped[str] = mapped_column(db.String(200), default="")
    plan_agreed_on: Mapped[dt.date | None]
    governance: Mapped[str] = mapped_column(db.Text, default="")  # governance statement
    version: Mapped[int] = mapped_column(default=1)

    sections: Mapped[list["Section"]] = relationship(back_populates="review", order_by="Section.number")
    __mapper_args__ = {"version_id_col": version}


class Section(db.Model):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(db.Text)
    added_on: Mapped[dt.date | None]  # business date it joined the plan (None: from the start)
    retired_on: Mapped[dt.date | None]  # business date it left the plan; never deleted
    version: Mapped[int] = mapped_column(default=1)

    review: Mapped[Review] = relationship(back_populates="sections")
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="section", order_by="Recommendation.position"
    )
    __table_args__ = (db.UniqueConstraint("review_id", "number", name="review_number"),)
    __mapper_args__ = {"version_id_col": version}


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(db.ForeignKey("sections.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(db.Text)
    phc_flag: Mapped[bool] = mapped_column(default=False)  # for the attention of Public Health Commissioners
    phc_reason: Mapped[str | None] = mapped_column(db.Text)  # why it is flagged (required with the flag)
    phc_flagged_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    phc_flagged_at: Mapped[dt.datetime | None]
    added_on: Mapped[dt.date | None]
    retired_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    section: Mapped[Section] = relationship(back_populates="recommendations")
    owners: Mapped[list[Organisation]] = relationship(
        secondary=recommendation_owners, order_by=Organisation.id
    )
    sub_actions: Mapped[list["SubAction"]] = relationship(
        back_populates="recommendation", order_by="SubAction.position"
    )
    __table_args__ = (db.UniqueConstraint("section_id", "position", name="section_position"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def ref(self):
        return f"{self.section.number}.{self.position}"


class SubAction(db.Model):
    __tablename__ = "sub_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(db.ForeignKey("recommendations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(db.ForeignKey("organisations.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(db.Text)
    lead_name: Mapped[str] = mapped_column(db.String(200))
    original_due_on: Mapped[dt.date]
    current_due_on: Mapped[dt.date]  # = original unless a reviewer accepted a revised date
    state: Mapped[str] = mapped_column(db.String(20), default=OPEN)
    accepted_on: Mapped[dt.date | None]  # business date the current evidence was accepted
    added_on: Mapped[dt.date | None]  # business date it joined the plan (None: from the start)
    retired_on: Mapped[dt.date | None]  # counts until this date, never on or after it; never deleted
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    recommendation: Mapped[Recommendation] = relationship(back_populates="sub_actions")
    owner: Mapped[Organisation] = relationship()
    notes: Mapped[list["ProgressNote"]] = relationship(
        back_populates="sub_action", order_by="desc(ProgressNote.id)"
    )
    submissions: Mapped[list["EvidenceSubmission"]] = relationship(
        back_populates="sub_action", order_by="EvidenceSubmission.id"
    )
    date_requests: Mapped[list["DueDateRequest"]] = relationship(
        back_populates="sub_action", order_by="DueDateRequest.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.UniqueConstraint("recommendation_id", "position", name="recommendation_position"),
        db.CheckConstraint(f"state IN {STATES}", name="state"),
        # An organisation's sub-actions of each recommendation (My actions, the full list, counts):
        # one index lookup per recommendation, where PostgreSQL otherwise intersects two indexes
        # and reads every sub-action the organisation owns for each of its recommendations.
        db.Index("ix_sub_actions_recommendation_owner", "recommendation_id", "owner_id"),
    )

    @property
    def ref(self):
        rec = self.recommendation
        return f"{rec.section.number}.{rec.position}.{self.position}"

    @property
    def revised(self):
        return self.current_due_on != self.original_due_on


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
    previous_due_on: Mapped[dt.date]
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

    sub_action: Mapped[SubAction] = relationship(back_populates="date_requests")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'withdrawn')", name="status"),
    )


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


class OriginalDueChange(db.Model):
    """An administrator's change of a sub-action's original due date, with its reason. Kept apart
    from reviewer-decided date requests; in force from `effective_on`, so figures "as at" an
    earlier date do not change."""

    __tablename__ = "original_due_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    sub_action_id: Mapped[int] = mapped_column(db.ForeignKey("sub_actions.id"), index=True)
    previous_due_on: Mapped[dt.date]
    new_due_on: Mapped[dt.date]
    effective_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(db.Text)
    changed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class UserSession(db.Model):
    """A signed-in session kept on the server: the cookie holds only a random id (stored here as its
    sha256). Signing out, deactivation and a password change end sessions at once."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(db.String(64), primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    method: Mapped[str] = mapped_column(db.String(20), default="password")  # password / sso
    address: Mapped[str | None] = mapped_column(db.String(64))
    user_agent: Mapped[str | None] = mapped_column(db.String(200))

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """One-time recovery codes for two-step verification (stored hashed)."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(db.String(256))
    used_at: Mapped[dt.datetime | None]


class AccountToken(db.Model):
    """A single-use link: an invitation (72 hours) or a password reset (1 hour). Stored as sha256."""

    __tablename__ = "account_tokens"
    INVITE, RESET = "invite", "reset"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(db.String(20))
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change that causes it, sent after commit."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(db.String(254))
    subject: Mapped[str] = mapped_column(db.String(300))
    body_text: Mapped[str] = mapped_column(db.Text)
    body_html: Mapped[str] = mapped_column(db.Text, default="")
    kind: Mapped[str] = mapped_column(db.String(40))
    dedupe_key: Mapped[str | None] = mapped_column(db.String(200), unique=True)  # once per key, ever
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    send_after: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(db.String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)


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


class ReportCache(db.Model):
    """A finished report (the plan's PDF) kept for repeat downloads. The key covers everything the
    bytes depend on (review, date, scope, last audit event, template version): a changed plan has
    a new key, so a stale entry is never served. Bounded: the oldest go first (sefton.reports.cache)."""

    __tablename__ = "report_cache"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    review_id: Mapped[int] = mapped_column(db.ForeignKey("reviews.id"))
    kind: Mapped[str] = mapped_column(db.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(db.LargeBinary, deferred=True)


class PhcResponse(db.Model):
    """A Public Health Commissioner's acknowledgement of, or comment on, a flagged recommendation."""

    __tablename__ = "phc_responses"
    ACKNOWLEDGED, COMMENT = "acknowledged", "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(db.ForeignKey("recommendations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(db.String(20))
    body: Mapped[str] = mapped_column(db.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
    __table_args__ = (db.CheckConstraint("kind IN ('acknowledged', 'comment')", name="kind"),)


class ImmutableError(RuntimeError):
    pass


@event.listens_for(orm.Session, "before_flush")
def _append_only(session, flush_context, instances):
    """Audit events and CQC submissions are written once and never changed."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, (AuditEvent, CqcSubmission)) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableError(f"{type(obj).__name__} records cannot be changed or deleted")


# --- reminders and notifications (issue 11) ------------------------------------------------------

class NotificationPref(db.Model):
    """How often a person wants one kind of message (sefton.reminders.KINDS): now / daily / weekly /
    off. No row: the default for their role."""

    __tablename__ = "notification_prefs"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(20))
    frequency: Mapped[str] = mapped_column(db.String(10))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        db.UniqueConstraint("user_id", "kind", name="user_kind"),
        db.CheckConstraint("frequency IN ('now', 'daily', 'weekly', 'off')", name="frequency"),
    )


class SeenItem(db.Model):
    """A decision a person has marked as seen: it leaves their "Needs your attention" panel."""

    __tablename__ = "seen_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    item_key: Mapped[str] = mapped_column(db.String(60))
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (db.UniqueConstraint("user_id", "item_key", name="user_item"),)


class ReminderRun(db.Model):
    """A business day for which `flask reminders` wrote the digests: the next run covers what was
    decided since, so a missed day is caught up once."""

    __tablename__ = "reminder_runs"
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    ran_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    messages: Mapped[int] = mapped_column(default=0)
