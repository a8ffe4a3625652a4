"""What an admin does to people's accounts (views in sefton.accounts.people): each function changes
the account, audits it and queues its e-mail in the caller's transaction; the caller commits."""
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import AccountToken, User
from ..notifications import mail
from . import sessions, tokens
from .recovery import queue_reset
from .views import ROLE_LABELS


def normalise_email(value):
    """The address in its normal form, or ValueError with a message to show (never sends anything:
    deliverability is not checked). The demo also accepts the reserved .test domain (@demo.test)."""
    try:
        return validate_email((value or "").strip(), check_deliverability=False,
                              test_environment=bool(current_app.config["SEFTON_DEMO"])).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError("Enter an email address in the correct format, like name@example.nhs.uk") from exc


def email_taken(email, except_user=None):
    query = select(User.id).where(func.lower(User.email) == email.lower())
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) is not None


def _state(user):
    return {"role": user.role, "organisation_id": user.organisation_id, "active": user.active}


def invite(admin, name, email, role, organisation):
    user = User(name=name, email=email, role=role, organisation=organisation, password_hash=None,
                invited_at=sessions.now())
    db.session.add(user)
    db.session.flush()
    _queue_invitation(admin, user)
    audit.record("user.invited", user, after={"email": email, **_state(user)}, organisation_id=user.organisation_id)
    return user


def resend_invitation(admin, user):
    user.invited_at = sessions.now()
    _queue_invitation(admin, user)
    audit.record("user.invitation_resent", user, organisation_id=user.organisation_id)


def _queue_invitation(admin, user):
    token = tokens.issue(user, AccountToken.INVITE, created_by=admin)
    mail.queue(user.email, "You are invited to the Sefton action plan tracker", "invite",
               {"user": user, "inviter_name": admin.name, "role_label": ROLE_LABELS[user.role],
                "link": mail.absolute_url("accounts.accept_invitation", token=token),
                "expires": tokens.expires_text(AccountToken.INVITE)},
               "invitation", user=user)


def change_access(user, role, organisation):
    """A new role or organisation ends the person's sessions (issue 21): none kept what it was signed
    in for (a session that never passed two-step must not become an admin's). Returns how many ended."""
    before = _state(user)
    user.role, user.organisation = role, organisation
    db.session.flush()
    after = _state(user)
    ended = sessions.end_all(user) if after != before else 0
    audit.record("user.access_changed", user, before=before, after={**after, "sessions_ended": ended},
                 organisation_id=user.organisation_id)
    return ended


def set_active(user, active):
    before = _state(user)
    user.active = active
    if not active:
        sessions.end_all(user)  # their open sessions end at once
    audit.record("user.reactivated" if active else "user.deactivated", user, before=before, after=_state(user),
                 organisation_id=user.organisation_id)


def send_reset(admin, user):
    queue_reset(user, by=admin)
    audit.record("user.password_reset_sent", user, organisation_id=user.organisation_id)
