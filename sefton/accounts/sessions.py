"""Server-side sessions (issue 14, defect 1; issue 10's deactivation and password change).

The signed cookie holds only a random token; the server keeps its sha256 as UserSession.id with
an absolute expiry (SEFTON_SESSION_HOURS) and checks, on every request, that the row is not ended,
not expired and not idle for SEFTON_SESSION_IDLE_MINUTES, and that the user is still active.
Signing out ends the row; deactivation and a password change end the user's rows at once.
Timestamps here are the real clock (not the demo's fixed business date): they are for security.
"""
import datetime as dt
import hashlib
import secrets

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import User, UserSession

TOKEN_KEY = "sid"
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
    """End every open session of `user` (but `keep`, the current one, when given). The caller commits."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    db.session.execute(query.values(ended_at=now()))


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

