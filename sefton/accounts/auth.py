"""Sign-in and sign-out (Flask-Login, Flask-WTF with CSRF, werkzeug password hashes)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.security import check_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from .. import access, htmx
from ..extensions import db, limiter, login_manager
from ..models import User, utcnow
from ..web import safe_path
from . import sessions, sso, twostep
from .blueprint import auth_bp as bp

SIGN_IN_FAILED = "Enter a correct email address and password"
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


def _account_limit():
    return current_app.config["SEFTON_LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key():
    """Failed sign-ins are also counted per account (the e-mail posted), whatever the address."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=lambda r: r.status_code == 422)
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
        ok = user.check_password(form.password.data) if user else check_password_hash(_DUMMY_HASH, form.password.data)
        if ok and user.active:
            if access.requires_two_step(user) or user.totp_enabled_at is not None:
                return twostep.begin(user, request.args.get("next"))  # signed in after the second step
            user.previous_seen_at, user.last_seen_at = user.last_seen_at, utcnow()
            sessions.start(user, "password")
            db.session.commit()
            return redirect(safe_path(request.args.get("next")) or url_for("plan.dashboard"))
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
