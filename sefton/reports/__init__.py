"""Reports: the updated action plan as a PDF for CQC, submissions to CQC, the Task and Finish
group's meeting pack, and Excel and CSV exports, each scoped as the pages are (sefton.access)."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import views  # noqa: E402,F401  (registers the routes on bp)
