"""What notifications keep: the outbox, each person's choices, what they have marked as seen, and
the daily runs."""
import datetime as dt

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .common import utcnow


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


class NotificationPref(db.Model):
    """How often a person wants one kind of message (sefton.notifications.reminders.KINDS): now / daily / weekly /
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
