"""The reviewers' blueprint, their header links and the template globals of their pages."""
from flask import Blueprint, g, url_for
from markupsafe import Markup

from .. import access, web
from . import queries

bp = Blueprint("review", __name__)
REVIEW_ROLES = (access.REVIEWER, access.VIEWER, access.ADMIN)

web.add_nav("review.queue", "Awaiting review", REVIEW_ROLES,
            # A review page has just counted them (after its change, if any): the same numbers.
            badge=lambda user: count_badge(g.get("review_counts") or queries.review_counts(user)))
web.add_nav("review.flagged", "Flagged for Public Health", access.EVERYONE, when=access.sees_flagged)


@bp.app_template_global()
def count_badge(counts, oob=False):
    """The header's count of work awaiting review (queries.ReviewCounts: evidence and date requests),
    its meaning in words for screen readers; swapped out-of-band after each decision."""
    swap = ' data-hx-swap-oob="true"' if oob else ""
    return Markup('<span id="review-count" class="app-count"{}>{}<span class="nhsuk-u-visually-hidden">'
                  ' {}</span></span>').format(Markup(swap), counts.total, counts.meaning)


@bp.app_template_global()
def sub_action_link(sub_action_id):
    """Where an organisation user acts on a sub-action: its own page ("My actions" is paged)."""
    return url_for("plan.sub_action", sub_action_id=sub_action_id)
