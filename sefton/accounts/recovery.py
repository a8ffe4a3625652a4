"""Forgot password, the reset link and the invitation link (both set a password)."""
from flask import current_app, flash, redirect, render_template, url_for
from sqlalchemy import func, select
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


def _limit():
    return current_app.config["SEFTON_LOGIN_RATE_LIMIT"]


def queue_reset(user, by=None):
    """Issue a reset link and queue its e-mail. The caller audits and commits."""
    token = tokens.issue(user, AccountToken.RESET, created_by=by)
    mail.queue(user.email, "Reset your password for the Sefton action plan tracker", "reset",
               reset_context(user, mail.absolute_url("accounts.reset_password", token=token), by is not None),
               "password_reset", user=user)


def reset_context(user, link, by_admin=False):
    return {"user": user, "link": link, "by_admin": by_admin, "expires": tokens.expires_text(AccountToken.RESET)}


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
    if user is not None and user.active:
        queue_reset(user)
        audit.record("user.password_reset_requested", user, actor=user, organisation_id=user.organisation_id)
        db.session.commit()
    else:
        mail.render("reset", reset_context(User(name="", email=email), mail.absolute_url("accounts.forgot_password")))
    return render_template("accounts/forgot_password_sent.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def reset_password(token):
    return _set_password_from_link(token, AccountToken.RESET)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def accept_invitation(token):
    return _set_password_from_link(token, AccountToken.INVITE)


def _set_password_from_link(token, purpose):
    row = tokens.find(token, purpose)
    if row is None:
        return render_template("accounts/link_invalid.html", purpose=purpose), 404
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
    flash("Your password has been set. Sign in with it now.", "success")
    return redirect(url_for("auth.login"))
