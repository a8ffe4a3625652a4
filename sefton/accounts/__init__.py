"""Accounts: who people are and how they sign in.

Owns signing in and out with a password (`auth`, Flask-Login; a per-address limit, and failures from
browsers that have not signed in to the account before held back per account, while trusted browsers
carry a device cookie) or with NHSmail (`sso`, OpenID Connect, bound to the issuer and subject), the
server-side sessions and pending sign-ins (`sessions`), the password rule (`passwords`, pure),
two-step verification (`totp`, `twostep`: codes used once, wrong ones counted, recovery codes), the
account page,
password reset and invitation links (`views`, `recovery`, `tokens`), and the office's People pages
(`people`, `manage`: invite, change role or organisation, deactivate).

Uses what is shared, notifications' outbox (`mail`) for invitations, reset links and warnings, and
the workflow's evidence checks (the characters a name may not hold, as a file name may not). Who may
do what stays in sefton.access.
"""
from . import auth, manage, passwords, people, recovery, sessions, sso, twostep, views  # noqa: F401  (routes register)
from .blueprint import accounts_bp, auth_bp, people_bp
from .people_forms import name_problem

__all__ = ["auth_bp", "accounts_bp", "people_bp", "init_app", "manage", "name_problem", "passwords", "sessions"]


def init_app(app):
    """Flask-Login asks the server-side session who is signed in (sefton.accounts.sessions)."""
    auth.init_app(app)
