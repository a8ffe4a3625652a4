"""The blueprints of the plan: its pages for everyone (`plan`: /, sections, recommendations,
sub-actions), the office's editing of it (`plan_admin`: /admin/plan…) and the spreadsheet import
(`imports`: /admin/import…)."""
from flask import Blueprint

plan_bp = Blueprint("plan", __name__)
plan_admin_bp = Blueprint("plan_admin", __name__, url_prefix="/admin")
imports_bp = Blueprint("imports", __name__, url_prefix="/admin")
