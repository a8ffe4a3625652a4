"""Sign-in and sign-out (Flask-Login, Flask-WTF with CSRF, werkzeug password hashes).

Wrong passwords slow an account down rather than lock it (issue 21, NCSC and OWASP "device
cookies"): sign-in attempts are limited per client address (Flask-Limiter, SEFTON_LOGIN_RATE_LIMIT);
a browser that has signed in to the account before (its device cookie, sefton.accounts.sessions) is
not held back by wrong passwords typed elsewhere; other browsers' wrong passwords are counted per
account (User.untrusted_failures) and, from SEFTON_LOGIN_UNTRUSTED_FAILURES on, each one makes
unknown browsers wait before the next try (SEFTON_LOGIN_DELAY_MINUTES, doubling, at most
SEFTON_LOGIN_MAX_DELAY_MINUTES; 429 with Retry-After, the password not even checked). A right
password clears the count. The owner is told by e-mail when the count reaches the threshold, at most
once per NOTICE_EVERY.
"""
import datetime as dt
import math

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from .. import access, audit, dates, htmx
from ..extensions import db, limiter, login_manager
from ..models import User
from ..notifications import mail
from ..web import safe_path
from . import sessions, sso, twostep
from .blueprint import auth_bp as bp

SIGN_IN_FAILED = "Enter a correct email address and password"
HELD_BACK = ("Too many attempts for this account from browsers it has not signed in from: "
             "try again in {minutes} minute{s}")
NOTICE_EVERY = dt.timedelta(hours=1)
# Checked against when the email is unknown, so that both failures take the same time.
_DUMMY_HASH = "scrypt:32768:8:1$3pV3t1pPnhJ0Bq8y$" + "0" * 128


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=200)])


def init_app(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    login_manager.user_loader(sessions.load_user)  # the server-side session decides (sefton.accounts.sessions)
    sessions.init_app(app)

    @login_manager.unauthorized_handler
    def unauthorized():
        if htmx.is_htmx():
            return htmx.redirect_to_login()
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _login_limit():
    return current_app.config["SEFTON_LOGIN_RATE_LIMIT"]


def _setting(name):
    return int(current_app.config[name])


def held_back_for(user):
    """Seconds an unknown browser waits before it may try `user`'s password again, or 0."""
    limit = _setting("SEFTON_LOGIN_UNTRUSTED_FAILURES")
    if user is None or user.untrusted_failures < limit or user.untrusted_failed_at is None:
        return 0
    minutes = min(_setting("SEFTON_LOGIN_DELAY_MINUTES") * 2 ** min(user.untrusted_failures - limit, 20),
                  _setting("SEFTON_LOGIN_MAX_DELAY_MINUTES"))
    left = user.untrusted_failed_at + dt.timedelta(minutes=minutes) - sessions.now()
    return max(0, math.ceil(left.total_seconds()))


def _held_back(form, seconds):
    minutes = max(1, math.ceil(seconds / 60))
    error = HELD_BACK.format(minutes=minutes, s="s" if minutes != 1 else "")
    return (render_template("auth/login.html", form=form, error=error, held_back=True, sso=sso.enabled()), 429,
            {"Retry-After": str(seconds)})


def _count_failure(user, device):
    """A wrong password for `user`: counted for the trusted browser it came from, else for the
    account (unknown browsers), telling the owner at the threshold. The caller commits."""
    if device is not None:
        sessions.count_device_failure(device)
        return
    user.untrusted_failures, user.untrusted_failed_at = User.untrusted_failures + 1, sessions.now()
    db.session.flush()
    if user.untrusted_failures >= _setting("SEFTON_LOGIN_UNTRUSTED_FAILURES") and user.active:
        _tell_owner(user)


def _tell_owner(user):
    """One e-mail to the owner about the failures, at most once per NOTICE_EVERY (never the
    passwords tried). The caller commits."""
    at = sessions.now()
    told = db.session.execute(
        update(User).where(User.id == user.id, or_(User.failure_notice_at.is_(None),
                                                   User.failure_notice_at <= at - NOTICE_EVERY))
        .values(failure_notice_at=at).execution_options(synchronize_session=False)).rowcount
    if told != 1:
        return
    failures = user.untrusted_failures
    mail.queue(user.email, "Failed attempts to sign in to your Sefton tracker account", "sign_in_failures",
               {"user": user, "failures": failures, "when": dates.format_datetime(at),
                "link": mail.absolute_url("accounts.forgot_password")}, "sign_in_failures", user=user)
    audit.record("user.sign_in_failures_notified", user, after={"failures": failures},
                 organisation_id=user.organisation_id)


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("plan.dashboard"))
    if not current_app.config["SEFTON_PASSWORD_SIGN_IN"]:
        if request.method == "POST":
            abort(404)
        return render_template("auth/login.html", form=None, error=None, sso=sso.enabled())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalars(select(User).where(func.lower(User.email) == email)).first()
        device = sessions.trusted_device(user)
        wait = held_back_for(user) if device is None else 0
        if wait:
            return _held_back(form, wait)
        ok = user.check_password(form.password.data) if user else check_password_hash(_DUMMY_HASH, form.password.data)
        if ok and user.active:
            if access.requires_two_step(user) or user.totp_enabled_at is not None:
                return twostep.begin(user, request.args.get("next"))  # signed in after the second step
            sessions.signed_in_with_password(user)
            db.session.commit()
            return redirect(safe_path(request.args.get("next")) or url_for("plan.dashboard"))
        if user is not None and not ok:
            _count_failure(user, device)
            db.session.commit()
        error = SIGN_IN_FAILED
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, error=error, sso=sso.enabled()), status


@bp.post("/logout")
@access.signed_in()
def logout():
    sessions.end_current()
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
