"""The "Needs your attention" panel: the same rules as the digests (sefton.reminders), for the
signed-in person and the current review, in a fixed number of queries (sefton.plan_state)."""
from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import dates, notify, plan_state, reminders
from ..extensions import db
from ..models import SeenItem
from ..web import current_review, safe_path
from . import bp

def seen_keys(user_id):
    return set(db.session.scalars(select(SeenItem.item_key).where(SeenItem.user_id == user_id)))


def items_for(user, review=None, today=None):
    """{category: [Item]} for the panel; {} for a person with nothing to be told (viewers, admins)."""
    person = notify.recipient(user)
    if person.role not in ("org", "reviewer"):
        return {}
    review = review or current_review()
    state = plan_state.load(today or dates.today(), user=user, review_id=review.id if review else None,
                            person=person)
    return reminders.panel(state, person, seen_keys(user.id))


@bp.app_template_global()
def attention_panel():
    """For templates/notifications/_panel.html, included at the top of the dashboard and My actions."""
    if not current_user.is_authenticated:
        return {}
    return items_for(current_user)


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
