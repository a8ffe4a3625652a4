"""The blueprints of accounts: signing in and out (`auth`: /login, /logout, NHSmail), one's own
account (`accounts`: /account, passwords, invitations, two-step) and the office's People pages
(`people`: /admin/people, administrators only)."""
from flask import Blueprint

auth_bp = Blueprint("auth", __name__)
accounts_bp = Blueprint("accounts", __name__)
people_bp = Blueprint("people", __name__, url_prefix="/admin")
