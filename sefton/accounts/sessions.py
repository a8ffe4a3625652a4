"""Server-side sessions (issue 14, defect 1; issue 10's deactivation and password change).

The signed cookie holds only a random token; the server keeps its sha256 as UserSession.id with
an absolute expiry (SEFTON_SESSION_HOURS) and checks, on every request, that the row is not ended,
not expired and not idle for SEFTON_SESSION_IDLE_MINUTES, and that the user is still active.
Signing out ends the row; deactivation, a password change and a change of role or organisation
end the user's rows at once.

Trusted browsers (issue 21, OWASP "device cookies"): a password sign-in (after the second step when
one is asked) gives the browser a long-lived cookie holding a random token, kept here as the sha256
of a TrustedDevice row for that account. At /login that browser is not held back by wrong passwords
typed elsewhere (sefton.accounts.auth); SEFTON_DEVICE_MAX_FAILURES wrong passwords from it and it is
trusted no more until its next right one.
Timestamps here are the real clock (not the demo's fixed business date): they are for security.
"""
import datetime as dt
import hashlib
import secrets

from flask import after_this_request, current_app, g, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import TrustedDevice, User, UserSession, utcnow

TOKEN_KEY = "sid"
DEVICE_COOKIE = "sefton_device"
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most once a minute


def now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user, method="password"):
    """Sign `user` in with a fresh session: a new cookie session (so a new CSRF token) and a new
    server-side row. The caller commits."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the request's token in g
    token = secrets.token_urlsafe(32)
    at = now()
    row = UserSession(
        id=digest(token), user_id=user.id, created_at=at, last_seen_at=at,
        expires_at=at + dt.timedelta(hours=int(current_app.config["SEFTON_SESSION_HOURS"])),
        method=method, address=(request.remote_addr or "")[:64],
        user_agent=(request.user_agent.string or "")[:200],
    )
    db.session.add(row)
    session[TOKEN_KEY] = token
    g.user_session = row
    login_user(user)
    return row


def current():
    """The request's valid UserSession row, or None."""
    return g.get("user_session")


def end_current():
    """Sign out: end this session's row, clear the cookie session. The caller commits."""
    row = current()
    if row is not None and row.ended_at is None:
        row.ended_at = now()
    logout_user()
    session.clear()
    g.pop("user_session", None)


def end_all(user, keep=None):
    """End every open session of `user` (but `keep`, the current one, when given); returns how many
    were open. The caller commits."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query.values(ended_at=now())).rowcount


def signed_in_with_password(user):
    """The password was right (and the second step, when asked): sign in, forget the failures from
    unknown browsers and trust this browser for the account. The caller commits."""
    user.previous_seen_at, user.last_seen_at = user.last_seen_at, utcnow()
    user.untrusted_failures, user.untrusted_failed_at = 0, None
    _trust_browser(user)
    return start(user, "password")


def _device_days():
    return dt.timedelta(days=int(current_app.config["SEFTON_DEVICE_COOKIE_DAYS"]))


def _device_row():
    token = request.cookies.get(DEVICE_COOKIE)
    if not token or len(token) > 100:
        return None
    return db.session.get(TrustedDevice, digest(token))


def trusted_device(user):
    """This browser's TrustedDevice row for `user`, when its cookie is one we gave it on signing in to
    that account, used within SEFTON_DEVICE_COOKIE_DAYS, with fewer than SEFTON_DEVICE_MAX_FAILURES
    wrong passwords since; else None."""
    row = _device_row() if user is not None else None
    if (row is None or row.user_id != user.id or row.last_used_at <= now() - _device_days()
            or row.failures >= int(current_app.config["SEFTON_DEVICE_MAX_FAILURES"])):
        return None
    return row


def count_device_failure(row):
    """A wrong password from a trusted browser. The caller commits."""
    row.failures = TrustedDevice.failures + 1


def _trust_browser(user):
    """Give this browser (again) the device cookie of `user`: one cookie, one account."""
    at, row, token = now(), _device_row(), request.cookies.get(DEVICE_COOKIE)
    if row is not None and row.user_id == user.id:
        row.last_used_at, row.failures = at, 0
    else:
        if row is not None:
            db.session.delete(row)  # this browser now signs in to another account
        token = secrets.token_urlsafe(32)
        db.session.add(TrustedDevice(id=digest(token), user_id=user.id, created_at=at, last_used_at=at, failures=0))
    db.session.execute(delete(TrustedDevice).where(  # browsers not seen for so long are forgotten
        TrustedDevice.user_id == user.id, TrustedDevice.id != digest(token),
        TrustedDevice.last_used_at < at - _device_days()).execution_options(synchronize_session=False))
    days, path = _device_days(), url_for("auth.login")

    @after_this_request
    def set_device_cookie(response):
        response.set_cookie(DEVICE_COOKIE, token, max_age=int(days.total_seconds()), path=path, httponly=True,
                            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]), samesite="Lax")
        return response


def open_sessions(user):
    at = now()
    return db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > at,
               UserSession.last_seen_at > at - _idle())
        .order_by(UserSession.last_seen_at.desc())
    ).all()


def _idle():
    return dt.timedelta(minutes=int(current_app.config["SEFTON_SESSION_IDLE_MINUTES"]))


def load_user(user_id):
    """Flask-Login's user loader: the user of a valid server-side session, else None (signed out)."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str):
        return None
    # The person and their organisation in the same query: every page asks for both.
    row = db.session.get(UserSession, digest(token),
                         options=[joinedload(UserSession.user).joinedload(User.organisation)])
    at = now()
    if (row is None or str(row.user_id) != str(user_id) or row.ended_at is not None or row.expires_at <= at
            or at - row.last_seen_at >= _idle() or not row.user.active):
        session.pop(TOKEN_KEY, None)
        return None
    if at - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = at
        db.session.commit()  # runs at the start of the request (see init_app), before any view's work
    g.user_session = row
    return row.user


def init_app(app):
    @app.before_request
    def check_session():
        # Load (and check) the signed-in user before the view does anything, so that the touch
        # above commits nothing of the view's.
        if request.endpoint != "static" and "_user_id" in session:
            from flask_login import current_user

            current_user._get_current_object()

