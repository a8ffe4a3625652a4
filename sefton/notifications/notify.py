"""Who gets which e-mail, written to the outbox through sefton.notifications.mail in the caller's transaction:
the person's choices per kind (NotificationPref), links that work from an e-mail, and the
messages sent at once when a reviewer decides (connected to the workflow's `decided` signal in
sefton.notifications.init_app)."""
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from .. import dates
from ..extensions import db
from ..models import DueDateRequest, EvidenceSubmission, NotificationPref, User
from . import mail, reminders

SETTING_SALT = "sefton.notification-setting"  # the one purpose these tokens serve
SETTING_LINK_DAYS = 180


# --- choices ------------------------------------------------------------------------------------

def choices(user_ids) -> dict:
    """{user id: {kind: frequency}} of what people chose (one query)."""
    chosen = {}
    if user_ids:
        for uid, kind, freq in db.session.execute(
                select(NotificationPref.user_id, NotificationPref.kind, NotificationPref.frequency)
                .where(NotificationPref.user_id.in_(list(user_ids)))):
            chosen.setdefault(uid, {})[kind] = freq
    return chosen


def recipient(user) -> reminders.Recipient:
    return reminders.Recipient(user.id, user.role, user.organisation_id)


def settings(user) -> dict:
    """{kind: frequency} in force for the user, for the kinds that concern them."""
    person, chosen = recipient(user), choices([user.id]).get(user.id, {})
    return {kind: reminders.frequency(person, kind, chosen) for kind in reminders.kinds_for(person)}


def set_frequency(user, kind, frequency):
    """Record the user's choice; returns the previous frequency in force. ValueError when not allowed."""
    if kind not in reminders.kinds_for(recipient(user)) or frequency not in reminders.CHOICES[kind]:
        raise ValueError("Choose one of the options shown")
    previous = settings(user)[kind]
    pref = db.session.scalar(select(NotificationPref).where(NotificationPref.user_id == user.id,
                                                           NotificationPref.kind == kind))
    if pref is None:
        db.session.add(NotificationPref(user_id=user.id, kind=kind, frequency=frequency))
    else:
        pref.frequency = frequency
    return previous


# --- links from an e-mail -----------------------------------------------------------------------

def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SETTING_SALT)


def setting_token(user_id, kind) -> str:
    return _serializer().dumps({"u": user_id, "k": kind})


def read_setting_token(token):
    """(user id, kind) from a link of ours, or None when forged, altered or too old."""
    try:
        data = _serializer().loads(token, max_age=SETTING_LINK_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("k") not in reminders.KINDS:
        return None
    return data["u"], data["k"]


class Links:
    """Absolute links for e-mails (SEFTON_BASE_URL), built without a request; the URL map is bound
    once and each page's address built once per e-mail."""

    def __init__(self, role=None):
        base = urlsplit(current_app.config.get("SEFTON_BASE_URL") or "http://127.0.0.1:5000")
        self.adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                                url_scheme=base.scheme or "https")
        self.role = role
        self.built = {}

    def url(self, endpoint, **values):
        key = (endpoint, tuple(sorted(values.items())))
        if key not in self.built:
            self.built[key] = self.adapter.build(endpoint, values, force_external=True)
        return self.built[key]

    def row(self, sub_action_id):
        """The sub-action's own page, with its controls: "My actions" shows a row only while it
        needs doing, and its full list is paged."""
        return self.url("plan.sub_action", sub_action_id=sub_action_id)

    def item(self, item):
        endpoint, values, anchor = item_target(item, self.role)
        return self.url(endpoint, **values) + anchor

    def more(self, category):
        target = MORE.get(category)
        return self.url(target[0], **target[1]) if target else None


def context(user, kind, **extra) -> dict:
    links = Links(user.role)
    return {"user": user, "kind": kind, "kind_label": reminders.KINDS[kind],
            "settings_link": links.url("notifications.change_setting", token=setting_token(user.id, kind)),
            "account_link": links.url("notifications.preferences"), "row_link": links.row, "link": links.item,
            "more": links.more, "shown": reminders.SHOWN, "headings": reminders.HEADINGS,
            "outcome_labels": OUTCOME_LABELS, **extra}


# --- at once ------------------------------------------------------------------------------------

def decided(obj):
    """A reviewer accepted or returned evidence, or decided a date request: every active member
    of the owning organisation who wants decisions at once gets an e-mail, in this transaction."""
    sub_action = obj.sub_action
    is_evidence = isinstance(obj, EvidenceSubmission)
    members = list(db.session.scalars(
        select(User).where(User.organisation_id == sub_action.owner_id, User.active.is_(True),
                           User.role.in_(("org", "reviewer")))))
    chosen = choices([m.id for m in members])
    if is_evidence:
        outcome = "accepted" if obj.status == EvidenceSubmission.ACCEPTED else "returned"
        subject = f"Evidence {outcome}: sub-action {sub_action.ref}"
        key = f"evidence:{obj.id}"
    else:
        outcome = "accepted" if obj.status == DueDateRequest.ACCEPTED else "declined"
        subject = f"New due date {outcome}: sub-action {sub_action.ref}"
        key = f"date:{obj.id}"
    for member in members:
        if reminders.frequency(recipient(member), reminders.DECISIONS, chosen.get(member.id)) != reminders.NOW:
            continue
        mail.queue(member.email, subject, "reminders/decision",
                   context(member, reminders.DECISIONS, sub_action=sub_action, decision=obj, outcome=outcome,
                           is_evidence=is_evidence, decided_on=dates.format_date(obj.decided_on)),
                   kind="reminder.decision", user=member, dedupe_key=f"now:{key}:{member.id}")


# --- where a line links to ----------------------------------------------------------------------

def item_target(item, role) -> tuple:
    """(endpoint, values, anchor) of the page where the person acts on an item."""
    object_id = int(item.key.rsplit(":", 1)[1])
    if item.category == reminders.AWAITING:
        return "review.submission", {"submission_id": object_id}, ""
    if item.category == reminders.DATE_REQUESTS:
        return "review.queue", {}, f"#date-request-{object_id}"
    # The sub-action's own page (its controls for the owning organisation): a row of "My actions"
    # may be on another page of the full list, or past the first rows of its group.
    return "plan.sub_action", {"sub_action_id": item.sub.id}, ""


# Where the whole list of a category is, when a message or the panel shows only the first lines.
MORE = {
    reminders.OVERDUE: ("workspace.all_sub_actions", {"due": "overdue"}),
    reminders.DUE_7: ("workspace.all_sub_actions", {"due": "next30"}),
    reminders.DUE_30: ("workspace.all_sub_actions", {"due": "next30"}),
    reminders.RETURNED: ("workspace.all_sub_actions", {"status": "returned"}),
    reminders.DATES_PENDING: ("workspace.all_sub_actions", {"status": "date_requested"}),
    reminders.TBC: ("workspace.all_sub_actions", {"due": reminders.TBC}),
    reminders.AWAITING: ("review.queue", {}),
    reminders.DATE_REQUESTS: ("review.queue", {}),
}
OUTCOME_LABELS = {"evidence-accepted": "Evidence accepted", "evidence-returned": "Evidence returned",
                  "date-accepted": "New due date accepted", "date-declined": "New due date declined"}
