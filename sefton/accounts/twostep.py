"""Two-step verification: asked after the password at sign-in (required for admins and reviewers,
see sefton.access.requires_two_step), set up at sign-in or from the account page, with one-time
recovery codes. Until the second step is done the person is not signed in: the session holds only
who is half-way, for PENDING_FOR."""
import time

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import access, audit
from ..extensions import db, limiter
from ..models import RecoveryCode, User, utcnow
from ..web import safe_path
from . import sessions, totp
from .blueprint import accounts_bp as bp
from .forms import CodeForm

PENDING_FOR = 600  # seconds between the password and the second step
PENDING, STARTED, NEXT, SECRET = "two_step_user", "two_step_started", "two_step_next", "two_step_secret"


def _limit():
    return current_app.config["SEFTON_LOGIN_RATE_LIMIT"]


def begin(user, next_path):
    """After a correct password: ask for the second step (or its set-up) before signing in."""
    session.clear()
    session[PENDING], session[STARTED], session[NEXT] = user.id, int(time.time()), safe_path(next_path)
    if user.totp_enabled_at is None:
        return redirect(url_for("accounts.two_step_setup"))
    return redirect(url_for("accounts.two_step"))


def _pending_user():
    user_id, started = session.get(PENDING), session.get(STARTED)
    if not isinstance(user_id, int) or not isinstance(started, int) or time.time() - started > PENDING_FOR:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def _start_over():
    session.clear()
    flash("Sign in again: the time to enter the code has run out.", "info")
    return redirect(url_for("auth.login"))


def _finish_sign_in(user):
    next_path = session.get(NEXT)
    user.previous_seen_at, user.last_seen_at = user.last_seen_at, utcnow()
    sessions.start(user, "password")
    return next_path or url_for("plan.dashboard")


def _use_recovery_code(user, code):
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == totp.hash_code(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = sessions.now()
    audit.record("user.recovery_code_used", user, actor=user, organisation_id=user.organisation_id)
    return True


@bp.route("/login/two-step", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def two_step():
    user = _pending_user()
    if user is None:
        return _start_over()
    if user.totp_enabled_at is None:
        return redirect(url_for("accounts.two_step_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if totp.verify(user.totp_secret, code) or _use_recovery_code(user, code):
            target = _finish_sign_in(user)
            db.session.commit()
            return redirect(target)
        form.code.errors = list(form.code.errors) + ["Enter the 6-digit code from your authenticator app, or a recovery code"]
    return render_template("accounts/two_step.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/login/two-step/set-up", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def two_step_setup():
    user = _pending_user()
    if user is None:
        return _start_over()
    if user.totp_enabled_at is not None:
        return redirect(url_for("accounts.two_step"))
    return _set_up(user, signing_in=True)


@bp.route("/account/two-step", methods=["GET", "POST"])
@access.signed_in()
def account_two_step():
    user = current_user._get_current_object()
    if user.totp_enabled_at is not None:
        flash("Two-step verification is already set up.", "info")
        return redirect(url_for("accounts.account"))
    return _set_up(user, signing_in=False)


def _set_up(user, signing_in):
    secret = session.get(SECRET)
    if not isinstance(secret, str):
        secret = session[SECRET] = totp.new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify(secret, form.code.data):
            codes = enable(user, secret)
            session.pop(SECRET, None)
            target = _finish_sign_in(user) if signing_in else url_for("accounts.account")
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, continue_to=target)
        form.code.errors = list(form.code.errors) + ["Enter the 6-digit code your authenticator app shows now"]
    uri = totp.provisioning_uri(secret, user.email)
    return render_template("accounts/two_step_setup.html", form=form, qr=totp.qr_svg(uri), secret=secret,
                           signing_in=signing_in, required=access.requires_two_step(user)), (
        422 if form.is_submitted() else 200)


def enable(user, secret):
    """Turn two-step verification on with `secret`; returns the new recovery codes (shown once).
    The caller commits."""
    user.totp_secret, user.totp_enabled_at = secret, sessions.now()
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=totp.hash_code(c)) for c in codes)
    audit.record("user.two_step_enabled", user, actor=user, organisation_id=user.organisation_id)
    return codes
