"""The "Needs your attention" panel: the same rules as the digests (sefton.notifications.reminders), for the
signed-in person and the current review, in a fixed number of queries (sefton.notifications.plan_state)."""
from urllib.parse import urlsplit

from flask import g, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import dates
from ..extensions import db
from ..models import SeenItem
from ..web import current_review, safe_path
from . import notify, plan_state, reminders
from .blueprint import bp


def seen_keys(user_id):
    return set(db.session.scalars(select(SeenItem.item_key).where(SeenItem.user_id == user_id)))


def items_for(user, review=None, today=None):
    """{category: [Item]} for the panel; {} for a person with nothing to be told (viewers, admins).
    Worked out once per GET (My actions shows its groups and the panel from the same items); a
    POST (mark as seen) changes them, so works them out afresh."""
    person = notify.recipient(user)
    if person.role not in ("org", "reviewer"):
        return {}
    review = review or current_review()
    today = today or dates.today()
    key = (user.id, review.id if review else None, today)
    cached = g.get("attention_items")
    if cached is not None and cached[0] == key:
        return cached[1]
    # Only the sub-actions the panel's rules can speak of (plan_state._relevant): an organisation
    # member's own that need doing; for a reviewer, also what awaits a decision.
    state = plan_state.load(today, user=user, review_id=review.id if review else None, person=person)
    found = reminders.panel(state, person, seen_keys(user.id))
    if request.method == "GET":
        g.attention_items = (key, found)
    return found


# On "My actions" the groups of what needs doing show these categories with their rows (the same
# items); the panel there keeps the rest: decisions not yet seen and a reviewer's queue.
SHOWN_AS_GROUPS = (reminders.RETURNED, reminders.OVERDUE, reminders.DUE_7, reminders.DUE_30,
                   reminders.DATES_PENDING)


def on_my_actions():
    """The panel is (re)drawn on "My actions": the page itself, or a "Mark as seen" posted from it."""
    if request.method == "POST":
        return urlsplit(request.form.get("next") or "").path == url_for("workspace.my_actions")
    return request.endpoint == "workspace.my_actions"


@bp.app_template_global()
def attention_panel():
    """For templates/notifications/_panel.html, included at the top of the dashboard and My actions."""
    if not current_user.is_authenticated:
        return {}
    found = items_for(current_user)
    if on_my_actions():
        found = {c: items for c, items in found.items() if c not in SHOWN_AS_GROUPS}
    return found


@bp.app_template_global()
def attention_link(item):
    endpoint, values, anchor = notify.item_target(item, current_user.role)
    return url_for(endpoint, **values) + anchor


@bp.app_template_global()
def attention_more(category):
    target = notify.MORE.get(category)
    return url_for(target[0], **target[1]) if target else None


bp.add_app_template_global(reminders.HEADINGS, "ATTENTION_HEADINGS")
bp.add_app_template_global(notify.OUTCOME_LABELS, "OUTCOME_LABELS")
bp.add_app_template_global(reminders.SHOWN, "ATTENTION_SHOWN")


@bp.app_template_global()
def attention_return_to():
    """The page a "Mark as seen" form returns to (with JavaScript off)."""
    if request.method == "POST":
        return safe_path(request.form.get("next")) or url_for("plan.dashboard")
    return request.full_path.rstrip("?")
