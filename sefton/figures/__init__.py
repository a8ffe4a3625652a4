"""Figures: the status rule and everything counted from it.

Owns the pure status rule (`status`: Green, Grey, Red from the recorded history) and "as at" a date
(`asat`, with its SQL twin `asat_sql`), the progress counts in SQL (`progress`), a sub-action's
history in words (`history`) and the loading of plan rows with their figures for pages (`queries`).
Pure rules here have no Flask and no database; the SQL twins are tested against them.

Uses only what is shared (sefton.models, sefton.access, sefton.dates, sefton.web). Every capability
that shows or counts the plan uses this one; it uses none of them.
"""
from . import asat, asat_sql, history, progress, queries, status
from .asat_sql import pending_request_clause, workflow_state_column
from .progress import due_on_column, status_column
from .queries import (
    live_recommendations,
    live_sub_actions,
    load_details,
    recommendations_in,
    sub_action_loads,
    sub_action_rows,
)
from .status import COLOURS, GREEN, GREY, LABELS, RED, SHORT_LABELS

__all__ = ["asat", "asat_sql", "history", "progress", "queries", "status",
           "due_on_column", "status_column", "COLOURS", "GREEN", "GREY", "LABELS", "RED", "SHORT_LABELS",
           "pending_request_clause", "workflow_state_column", "live_recommendations", "live_sub_actions",
           "load_details", "recommendations_in", "sub_action_loads", "sub_action_rows", "init_app"]


def init_app(app):
    """The colours' names for every template (a badge, a legend, a table heading)."""
    app.add_template_global(status.LABELS, "STATUS_LABELS")
    app.add_template_global(history.before_tracker, "before_tracker")
