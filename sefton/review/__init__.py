"""Reviewers' area (issue 4): evidence awaiting review, due-date requests, decisions, PHC flags.

Decisions go through sefton.workflow (the rules, the audit event, the optimistic lock); these views
load through sefton.access, check, act and render.
"""
import datetime as dt

from flask import Blueprint, current_app, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import access, dates, htmx, web
from . import queries

bp = Blueprint("review", __name__)
REVIEW_ROLES = (access.REVIEWER, access.VIEWER, access.ADMIN)

web.add_nav("review.queue", "Awaiting review", REVIEW_ROLES)
web.add_nav("review.flagged", "Flagged for Public Health", REVIEW_ROLES)


@bp.app_template_global()
def count_badge(count, oob=False):
    """The header's count of evidence awaiting review; swapped out-of-band after each decision."""
    swap = ' hx-swap-oob="true"' if oob else ""
    return Markup('<span id="review-count" class="app-count"{}>{}<span class="nhsuk-u-visually-hidden">'
                  ' submissions</span></span>').format(Markup(swap), count)


@bp.app_context_processor
def review_header():
    """Adds the count to the "Awaiting review" link for those who see the queue (full pages only)."""
    if htmx.is_htmx() or not current_user.is_authenticated or current_user.role not in REVIEW_ROLES:
        return {}
    href = url_for("review.queue")
    badge = count_badge(queries.pending_count(current_user))
    links = [dict(link, html=Markup("{} {}").format(link["text"], badge)) if link["href"] == href else link
             for link in web.nav_links()]
    return {"nav_links": links}


@bp.app_template_global()
def review_decisions_since(user):
    """For templates/review/_decisions_since.html (included on an organisation user's dashboard)."""
    return queries.decisions_since(user)


@bp.app_template_global()
def evidence_download_url(file_id):
    """The workspace's download link for an evidence file, or None while that route does not exist."""
    if "workspace.download_evidence" not in current_app.view_functions:
        return None
    return url_for("workspace.download_evidence", file_id=file_id)


@bp.app_template_global()
def sub_action_link(sub_action_id):
    """Where an organisation user acts on a sub-action: its row in "My actions" when that page exists."""
    for endpoint in ("workspace.my_actions", "workspace.index"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint) + f"#subaction-{sub_action_id}"
    return url_for("plan.sub_action", sub_action_id=sub_action_id)


@bp.app_template_filter("uk_iso_date")
def uk_iso_date(value):
    """An ISO date kept in an audit event, as people write it."""
    try:
        return dates.format_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return value


from . import flags, views  # noqa: E402,F401  (routes register on bp)
