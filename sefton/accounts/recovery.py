"""Forgot password, the reset link and the invitation link (both set a password).

At most one reset e-mail per account every SEFTON_RESET_EMAIL_INTERVAL_MINUTES (User.reset_sent_at,
claimed by one conditional UPDATE, so two requests at once send one): the page answers the same
either way, and the same as for an unknown address.

A link's token never stays in the address bar, the history, a Referer or the log of the page's
requests: opening /reset-password/<token> or /invitation/<token> keeps only the link's row id in the
session (for LINK_STATE, never past the link's own expiry) and redirects (303) to /reset-password or
/invitation, whose form works from that state. An invalid or expired link answers as before.
"""
import datetime as dt
import time

from flask import current_app, flash, redirect, render_template, session, url_for
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash

from .. import access, audit
from ..extensions import db, limiter
from ..models import AccountToken, User
from ..notifications import mail
from . import sessions, tokens
from .blueprint import accounts_bp as bp
from .forms import ForgotPasswordForm, NewPasswordForm
from .views import set_password

# Checked in both branches of forgot-password, so an unknown address costs the same hashing work.
_DUMMY_HASH = "scrypt:32768:8:1$3pV3t1pPnhJ0Bq8y$" + "0" * 128
LINK_STATE = dt.timedelta(minutes=30)  # how long an opened link's form works from the session
STATE_KEYS = {AccountToken.INVITE: "invitation_link", AccountToken.RESET: "reset_link"}
FORMS = {AccountToken.INVITE: "accounts.invitation_form", AccountToken.RESET: "accounts.reset_password_form"}


def _limit():
    return current_app.config["SEFTON_LOGIN_RATE_LIMIT"]


def queue_reset(user, by=None):
    """Issue a reset link and queue its e-mail. The caller audits and commits."""
    token = tokens.issue(user, AccountToken.RESET, created_by=by)
    user.reset_sent_at = sessions.now()
    mail.queue(user.email, "Reset your password for the Sefton action plan tracker", "reset",
               reset_context(user, mail.absolute_url("accounts.reset_password", token=token), by is not None),
               "password_reset", user=user)


def reset_context(user, link, by_admin=False):
    return {"user": user, "link": link, "by_admin": by_admin, "expires": tokens.expires_text(AccountToken.RESET)}


def _claim_reset_email(user):
    """True when no reset e-mail went to `user` within the interval, now marked as sent (one
    conditional UPDATE: of two requests at once, one wins)."""
    at = sessions.now()
    since = at - dt.timedelta(minutes=float(current_app.config["SEFTON_RESET_EMAIL_INTERVAL_MINUTES"]))
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.reset_sent_at.is_(None), User.reset_sent_at <= since))
        .values(reset_sent_at=at).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


@bp.route("/forgot-password", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot_password.html", form=form), 422 if form.is_submitted() else 200
    email = form.email.data.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    # The same work whichever way it goes: one password hash, one e-mail rendered.
    check_password_hash(_DUMMY_HASH, email)
    if user is not None and user.active and _claim_reset_email(user):
        queue_reset(user)
        audit.record("user.password_reset_requested", user, actor=user, organisation_id=user.organisation_id)
        db.session.commit()
    else:
        mail.render("reset", reset_context(User(name="", email=email), mail.absolute_url("accounts.forgot_password")))
    return render_template("accounts/forgot_password_sent.html")


# --- the links: exchanged for the session's state, then the form at a clean address --------------

@bp.get("/reset-password/<token>")
@access.public
def reset_password(token):
    return _open_link(token, AccountToken.RESET)


@bp.get("/invitation/<token>")
@access.public
def accept_invitation(token):
    return _open_link(token, AccountToken.INVITE)


@bp.route("/reset-password", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def reset_password_form():
    return _set_password_from_link(AccountToken.RESET)


@bp.route("/invitation", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def invitation_form():
    return _set_password_from_link(AccountToken.INVITE)


def _invalid(purpose):
    session.pop(STATE_KEYS[purpose], None)
    return render_template("accounts/link_invalid.html", purpose=purpose), 404


def _open_link(token, purpose):
    """Keep the link's row id in the session, never its token, and leave the token's address."""
    row = tokens.find(token, purpose)
    if row is None:
        return _invalid(purpose)
    session[STATE_KEYS[purpose]] = {"id": row.id, "until": int(time.time() + LINK_STATE.total_seconds())}
    return redirect(url_for(FORMS[purpose]), 303)


def _held(purpose):
    """The valid AccountToken whose link this browser opened, or None."""
    state = session.get(STATE_KEYS[purpose])
    if not isinstance(state, dict) or not isinstance(state.get("until"), int) or state["until"] <= time.time():
        return None
    return tokens.find_by_id(state.get("id"), purpose)


def _set_password_from_link(purpose):
    row = _held(purpose)
    if row is None:
        return _invalid(purpose)
    user = row.user
    form = NewPasswordForm()
    if not form.check_new_password(user):
        return render_template("accounts/set_password.html", form=form, user=user, purpose=purpose), (
            422 if form.is_submitted() else 200)
    row.used_at = sessions.now()
    set_password(user, form.password.data, notify=purpose == AccountToken.RESET)
    audit.record("user.invitation_accepted" if purpose == AccountToken.INVITE else "user.password_reset",
                 user, actor=user, organisation_id=user.organisation_id)
    db.session.commit()
    session.pop(STATE_KEYS[purpose], None)
    flash("Your password has been set. Sign in with it now.", "success")
    return redirect(url_for("auth.login"))
