"""Two-step verification: asked after the password at sign-in (required for admins and reviewers,
see sefton.access.requires_two_step), set up at sign-in or from the account page, with one-time
recovery codes.

Until the second step is done the person is not signed in. The half-way state is a PendingSignIn
row on the server (the cookie session holds only a random token, stored there as its sha256): it
lasts PENDING_FOR seconds, is used once (ended on success, so a copied cookie signs in nothing), and
ends after SEFTON_TWO_STEP_PENDING_FAILURES wrong codes. Wrong codes are also counted per person
(User.totp_failures, whatever the pending sign-in or address): at SEFTON_TWO_STEP_MAX_FAILURES no
code is tried, the right one included, until SEFTON_TWO_STEP_LOCK_MINUTES after the last wrong one;
a right code resets the count. A code's 30-second step is remembered (User.totp_last_step): that
step and earlier ones are refused, so a code works once. The secret being set up is kept on the
server (User.totp_pending_secret), never in the (signed, readable) cookie."""
import datetime as dt
import math
import secrets

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import delete, func, or_, select, update

from .. import access, audit
from ..extensions import db, limiter
from ..models import PendingSignIn, RecoveryCode, User
from ..web import safe_path
from . import sessions, totp
from .blueprint import accounts_bp as bp
from .forms import CodeForm

PENDING_FOR = 600  # seconds between the password and the second step
PENDING = "two_step_pending"  # the cookie session's key: a random token, nothing else
WRONG_CODE = "Enter the 6-digit code from your authenticator app, or a recovery code"
WRONG_SETUP_CODE = "Enter the 6-digit code your authenticator app shows now"


def _limit():
    return current_app.config["SEFTON_LOGIN_RATE_LIMIT"]


def _setting(name):
    return int(current_app.config[name])


def begin(user, next_path):
    """After a correct password: ask for the second step (or its set-up) before signing in.
    Commits the pending sign-in."""
    session.clear()
    at = sessions.now()
    db.session.execute(delete(PendingSignIn).where(  # old ones are of no use, not even for the lock
        PendingSignIn.user_id == user.id, PendingSignIn.expires_at < at - dt.timedelta(days=1)))
    token = secrets.token_urlsafe(32)
    next_path = safe_path(next_path)
    db.session.add(PendingSignIn(id=sessions.digest(token), user_id=user.id, created_at=at,
                                 expires_at=at + dt.timedelta(seconds=PENDING_FOR), failures=0,
                                 next_path=next_path if next_path and len(next_path) <= 500 else None))
    if user.totp_enabled_at is None:
        user.totp_pending_secret = totp.new_secret()  # a new secret for each set-up at sign-in
    db.session.commit()
    session[PENDING] = token
    if user.totp_enabled_at is None:
        return redirect(url_for("accounts.two_step_setup"))
    return redirect(url_for("accounts.two_step"))


def _pending():
    """This browser's pending sign-in, still open, of an active person; else None."""
    token = session.get(PENDING)
    if not isinstance(token, str) or len(token) > 100:
        return None
    row = db.session.get(PendingSignIn, sessions.digest(token))
    if row is None or row.ended_at is not None or row.expires_at <= sessions.now() or not row.user.active:
        return None
    return row


def _start_over(message="Sign in again: the time to enter the code has run out."):
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


def _claim(pending):
    """End the pending sign-in to use it: False when another request used or ended it first."""
    return db.session.execute(
        update(PendingSignIn).where(PendingSignIn.id == pending.id, PendingSignIn.ended_at.is_(None))
        .values(ended_at=sessions.now()).execution_options(synchronize_session=False)).rowcount == 1


def _claim_step(user, step):
    """Remember `step` as the last one accepted: False when it (or a later one) was used already."""
    return db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount == 1


def _locked_for(user):
    """Seconds before this person may try a code again (too many wrong ones), or 0."""
    if user.totp_failures < _setting("SEFTON_TWO_STEP_MAX_FAILURES"):
        return 0
    # The wrong code that reached the limit ended its pending sign-in: the latest end is its time.
    last = db.session.scalar(select(func.max(PendingSignIn.ended_at)).where(PendingSignIn.user_id == user.id))
    if last is None:
        return 0
    left = last + dt.timedelta(minutes=_setting("SEFTON_TWO_STEP_LOCK_MINUTES")) - sessions.now()
    return max(0, math.ceil(left.total_seconds()))


def _locked(form, template, seconds, **context):
    minutes = max(1, math.ceil(seconds / 60))
    form.code.errors = list(form.code.errors) + [
        f"Too many wrong codes for this account: try again in {minutes} minute{'s' if minutes != 1 else ''}"]
    return render_template(template, form=form, **context), 429, {"Retry-After": str(seconds)}


def _wrong_code(pending, form, template, message, **context):
    """Count a wrong code for the pending sign-in and the person; end the pending sign-in at its limit
    or the person's. Commits."""
    user = pending.user
    pending.failures = PendingSignIn.failures + 1
    user.totp_failures = User.totp_failures + 1
    db.session.flush()
    if user.totp_failures >= _setting("SEFTON_TWO_STEP_MAX_FAILURES"):
        pending.ended_at = sessions.now()
        audit.record("user.two_step_failed_limit", user, actor=user, after={"failures": user.totp_failures},
                     organisation_id=user.organisation_id)
        db.session.commit()
        minutes = _setting("SEFTON_TWO_STEP_LOCK_MINUTES")
        return _start_over(f"Too many wrong codes for this account. Wait {minutes} minutes, then sign in again.")
    if pending.failures >= _setting("SEFTON_TWO_STEP_PENDING_FAILURES"):
        pending.ended_at = sessions.now()
        db.session.commit()
        return _start_over("Too many wrong codes. Sign in again.")
    db.session.commit()
    form.code.errors = list(form.code.errors) + [message]
    return render_template(template, form=form, **context), 422


def _finish_sign_in(pending):
    """The second step is done: sign in (the caller has claimed `pending`). The caller commits."""
    user = pending.user
    user.totp_failures = 0
    sessions.signed_in_with_password(user)
    return pending.next_path or url_for("plan.dashboard")


def _use_recovery_code(user, code):
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == totp.hash_code(code),
        RecoveryCode.used_at.is_(None)))
    if row is None or db.session.execute(
            update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
            .values(used_at=sessions.now()).execution_options(synchronize_session=False)).rowcount != 1:
        return False
    audit.record("user.recovery_code_used", user, actor=user, organisation_id=user.organisation_id)
    return True


@bp.route("/login/two-step", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def two_step():
    pending = _pending()
    if pending is None:
        return _start_over()
    user = pending.user
    if user.totp_enabled_at is None:
        return redirect(url_for("accounts.two_step_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        wait = _locked_for(user)
        if wait:
            return _locked(form, "accounts/two_step.html", wait)
        code = form.code.data.strip()
        step = totp.matching_step(user.totp_secret, code, after=user.totp_last_step)
        if not _claim(pending):
            db.session.rollback()
            return _start_over()
        if (_claim_step(user, step) if step is not None else _use_recovery_code(user, code)):
            target = _finish_sign_in(pending)
            db.session.commit()
            return redirect(target)
        db.session.rollback()  # the pending sign-in stays open
        return _wrong_code(pending, form, "accounts/two_step.html", WRONG_CODE)
    return render_template("accounts/two_step.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/login/two-step/set-up", methods=["GET", "POST"])
@access.public
@limiter.limit(_limit, methods=["POST"])
def two_step_setup():
    pending = _pending()
    if pending is None:
        return _start_over()
    if pending.user.totp_enabled_at is not None:
        return redirect(url_for("accounts.two_step"))
    return _set_up(pending.user, pending)


@bp.route("/account/two-step", methods=["GET", "POST"])
@access.signed_in()
def account_two_step():
    user = current_user._get_current_object()
    if user.totp_enabled_at is not None:
        flash("Two-step verification is already set up.", "info")
        return redirect(url_for("accounts.account"))
    return _set_up(user, None)


def _set_up(user, pending):
    """Show the secret being set up (kept on the server) and turn it on with a right code; at sign-in
    (`pending`), wrong codes count as at the second step."""
    if user.totp_pending_secret is None:
        user.totp_pending_secret = totp.new_secret()
        db.session.commit()
    secret = user.totp_pending_secret
    form = CodeForm()
    context = {"qr": totp.qr_svg(totp.provisioning_uri(secret, user.email)), "secret": secret,
               "signing_in": pending is not None, "required": access.requires_two_step(user)}
    if form.validate_on_submit():
        wait = _locked_for(user) if pending is not None else 0
        if wait:
            return _locked(form, "accounts/two_step_setup.html", wait, **context)
        step = totp.matching_step(secret, form.code.data)
        if step is not None:
            if pending is not None and not _claim(pending):
                db.session.rollback()
                return _start_over()
            codes = enable(user, secret, step)
            target = _finish_sign_in(pending) if pending is not None else url_for("accounts.account")
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, continue_to=target)
        if pending is not None:
            return _wrong_code(pending, form, "accounts/two_step_setup.html", WRONG_SETUP_CODE, **context)
        form.code.errors = list(form.code.errors) + [WRONG_SETUP_CODE]
    return render_template("accounts/two_step_setup.html", form=form, **context), (
        422 if form.is_submitted() else 200)


def enable(user, secret, step=None):
    """Turn two-step verification on with `secret` (its code of `step` was just entered: that step
    and earlier ones will not work again); returns the new recovery codes (shown once). The caller
    commits."""
    user.totp_secret, user.totp_enabled_at, user.totp_pending_secret = secret, sessions.now(), None
    user.totp_last_step = step
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=totp.hash_code(c)) for c in codes)
    audit.record("user.two_step_enabled", user, actor=user, organisation_id=user.organisation_id)
    return codes
