"""Single-use links for invitations (72 hours) and password resets (1 hour).

The link carries a random token; only its sha256 is stored (AccountToken.token_hash). Issuing a
new link of a purpose ends the person's earlier unused links of that purpose. Opening a link
exchanges its token for the row's id in the session (sefton.accounts.recovery), so that the address
the person stays on, and posts to, carries no token."""
import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update

from ..extensions import db
from ..models import AccountToken
from .sessions import now

LIFETIME = {AccountToken.INVITE: dt.timedelta(hours=72), AccountToken.RESET: dt.timedelta(hours=1)}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user, purpose, created_by=None):
    """A new link token for `user` (returned in clear once, stored hashed). The caller commits."""
    at = now()
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None), AccountToken.expires_at > at)
        .values(expires_at=at)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=digest(token), created_at=at,
                                expires_at=at + LIFETIME[purpose],
                                created_by_id=created_by.id if created_by is not None else None))
    return token


def find(token, purpose):
    """The valid AccountToken for a link (unused, unexpired, its user active), or None."""
    if not token or len(token) > 100:
        return None
    return _valid(db.session.scalar(select(AccountToken).where(AccountToken.token_hash == digest(token),
                                                               AccountToken.purpose == purpose)))


def find_by_id(row_id, purpose):
    """The same, by the row's id: what the session keeps once the link has been opened (recovery)."""
    row = db.session.get(AccountToken, row_id) if isinstance(row_id, int) else None
    return _valid(row) if row is not None and row.purpose == purpose else None


def _valid(row):
    if row is None or row.used_at is not None or row.expires_at <= now() or not row.user.active:
        return None
    return row


def expires_text(purpose):
    return {AccountToken.INVITE: "in 72 hours", AccountToken.RESET: "in one hour"}[purpose]
