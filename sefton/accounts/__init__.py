"""Accounts: who people are and how they sign in.

Owns signing in and out with a password (`auth`, Flask-Login, with a per-account limit) or with
NHSmail (`sso`, OpenID Connect), the server-side sessions (`sessions`), the password rule
(`passwords`, pure), two-step verification (`totp`, `twostep`, recovery codes), the account page,
password reset and invitation links (`views`, `recovery`, `tokens`), and the office's People pages
(`people`, `manage`: invite, change role or organisation, deactivate).

Uses what is shared and notifications' outbox (`mail`) for invitations and reset links. Who may do
what stays in sefton.access.
"""
from . import auth, manage, passwords, people, recovery, sessions, sso, twostep, views  # noqa: F401  (routes register)
from .blueprint import accounts_bp, auth_bp, people_bp

__all__ = ["auth_bp", "accounts_bp", "people_bp", "init_app", "manage", "passwords", "sessions"]


def init_app(app):
    """Flask-Login asks the server-side session who is signed in (sefton.accounts.sessions)."""
    auth.init_app(app)
