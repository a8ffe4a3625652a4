"""People, their organisations, and how they stay signed in."""
import datetime as dt

from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .common import ROLES, utcnow


class Organisation(db.Model):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(40), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    short_name: Mapped[str] = mapped_column(db.String(40))
    active: Mapped[bool] = mapped_column(default=True)  # deactivated, never deleted once referred to
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    aliases: Mapped[list["OrganisationAlias"]] = relationship(
        back_populates="organisation", order_by="OrganisationAlias.alias", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Organisation {self.code}>"


class OrganisationAlias(db.Model):
    """Another name people write for an organisation in their spreadsheets ("Alder Hey", "AHCH").
    `key` is the name as compared (sefton.plan.importing.names.key): unique, so a name means one
    organisation."""

    __tablename__ = "organisation_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(db.ForeignKey("organisations.id"), index=True)
    alias: Mapped[str] = mapped_column(db.String(200))
    key: Mapped[str] = mapped_column(db.String(200), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


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
    sso_subject: Mapped[str | None] = mapped_column(db.String(255))  # the identity provider's `sub` (or `oid`)
    sso_issuer: Mapped[str | None] = mapped_column(db.String(255))  # with the subject: who the person is there
    sso_tenant: Mapped[str | None] = mapped_column(db.String(64))  # Entra ID's `tid` when the subject is `oid`
    sso_linked_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]  # the last 30-second step accepted: it and earlier ones are refused
    totp_pending_secret: Mapped[str | None] = mapped_column(db.String(64))  # being set up (never in the cookie)
    totp_failures: Mapped[int] = mapped_column(default=0, server_default="0")  # wrong codes since the last right one
    reset_sent_at: Mapped[dt.datetime | None]  # the last password-reset e-mail (one per few minutes)
    untrusted_failures: Mapped[int] = mapped_column(default=0, server_default="0")  # wrong passwords, unknown browsers
    untrusted_failed_at: Mapped[dt.datetime | None]
    failure_notice_at: Mapped[dt.datetime | None]  # the owner was last told of repeated failures
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


class PendingSignIn(db.Model):
    """A sign-in half-way: the password was right, the second step is still to do. Kept on the
    server (the cookie holds only a random id, stored here as its sha256), used once, ended after a
    few wrong codes or PENDING_FOR seconds."""

    __tablename__ = "pending_sign_ins"
    id: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    next_path: Mapped[str | None] = mapped_column(db.String(500))
    failures: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[dt.datetime | None]  # used, or ended after too many wrong codes

    user: Mapped[User] = relationship()


class TrustedDevice(db.Model):
    """A browser that has signed in to an account before (OWASP "device cookies"): the cookie holds
    a random token, stored here as its sha256. Wrong passwords from elsewhere do not hold it back."""

    __tablename__ = "trusted_devices"
    id: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    failures: Mapped[int] = mapped_column(default=0)  # wrong passwords from this browser since its last right one

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
