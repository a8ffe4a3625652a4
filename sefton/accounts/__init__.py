"""Accounts: the account page, changing and resetting a password, accepting an invitation and
two-step verification. People are managed by admins in sefton.admin.people; the rules about who
may do what are in sefton.access, the password rule in sefton.passwords."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import recovery, twostep, views  # noqa: E402,F401  (routes register on bp)
