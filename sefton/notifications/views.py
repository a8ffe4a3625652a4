"""Mark as seen; e-mail preferences; the one-click change of one setting from an e-mail."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access, audit, htmx
from ..extensions import csrf, db
from ..models import SeenItem, User, utcnow
from ..web import safe_path
from . import notify, reminders
from .blueprint import bp
from .panel import items_for, seen_keys

# --- mark as seen -------------------------------------------------------------------------------

@bp.post("/attention/seen")
@access.signed_in(access.ORG, access.REVIEWER)
def mark_seen():
    """Mark one decision (item_key) or all those listed (all=1) as seen. Only keys of decisions the
    person is shown are recorded; anything else is refused."""
    shown = {i.key for i in items_for(current_user).get(reminders.DECIDED, [])}
    wanted = shown if request.form.get("all") else {request.form.get("item_key", "")}
    if not wanted or not wanted <= shown:
        return _back(error="That decision is not in your list. Reload the page and try again.")
    already = seen_keys(current_user.id)
    for key in sorted(wanted - already):
        db.session.add(SeenItem(user_id=current_user.id, item_key=key, seen_at=utcnow()))
    audit.record("attention.seen", current_user, after={"items": sorted(wanted)})
    db.session.commit()
    return _back(message="Marked as seen." if len(wanted) == 1 else f"{len(wanted)} decisions marked as seen.")


def _back(message=None, error=None):
    if error:
        flash(error, "error")
    elif message:
        flash(message, "success")
    if htmx.is_htmx():
        return htmx.fragment("notifications/_panel.html", status=422 if error else 200, oob=("_flash.html",))
    return redirect(safe_path(request.form.get("next")) or url_for("plan.dashboard"))


# --- preferences --------------------------------------------------------------------------------

@bp.route("/account/notifications", methods=["GET", "POST"])
@access.signed_in()
def preferences():
    current = notify.settings(current_user)
    errors = {}
    if request.method == "POST":
        wanted = {kind: request.form.get(kind, "") for kind in current}
        errors = {kind: "Choose how often you want these e-mails" for kind, freq in wanted.items()
                  if freq not in reminders.CHOICES[kind]}
        if not errors:
            changed = {kind: freq for kind, freq in wanted.items() if freq != current[kind]}
            for kind, freq in changed.items():
                notify.set_frequency(current_user, kind, freq)
            if changed:
                audit.record("notifications.changed", current_user, before={k: current[k] for k in changed},
                             after=changed)
            db.session.commit()
            flash("Your e-mail settings are saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("notifications.preferences"))
        current = {**current, **{k: v for k, v in wanted.items() if k not in errors}}
    return render_template("accounts/notifications.html", current=current, errors=errors,
                           kinds=reminders.KINDS, choices=reminders.CHOICES, labels=reminders.FREQUENCIES,
                           hints=HINTS), 422 if errors else 200


HINTS = {
    reminders.DUE: "Your organisation's sub-actions that are overdue or due within 7 or 30 days, and evidence returned. Sent on working days only.",
    reminders.DECISIONS: "Evidence accepted or returned (with the reason) and new due dates decided.",
    reminders.QUEUE: "Evidence awaiting your review, oldest first, and requests for a new due date.",
    reminders.SUMMARY: "The progress table, what changed and what went Red in the week, and evidence waiting more than 10 working days. Sent on the first working day of the week.",
}


# --- one-click change from an e-mail ------------------------------------------------------------

@bp.route("/account/notifications/change/<token>", methods=["GET", "POST"])
@access.public
@csrf.exempt  # the signed token is the proof: it names one person and one setting, and cannot be forged
def change_setting(token):
    found = notify.read_setting_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or not user.active or found[1] not in notify.settings(user):
        abort(404)
    kind = found[1]
    current = notify.settings(user)[kind]
    choices = reminders.CHOICES[kind]
    if request.method == "POST":
        frequency = request.form.get("frequency", reminders.OFF)
        if frequency not in choices:
            abort(400)
        if frequency != current:
            notify.set_frequency(user, kind, frequency)
            audit.record("notifications.changed", user, actor=user, before={kind: current},
                         after={kind: frequency, "through": "e-mail link"})
            db.session.commit()
        return render_template("accounts/notification_change.html", kind=kind, label=reminders.KINDS[kind],
                               current=frequency, done=True, labels=reminders.FREQUENCIES, choices=choices)
    return render_template("accounts/notification_change.html", kind=kind, label=reminders.KINDS[kind],
                           current=current, done=False, labels=reminders.FREQUENCIES, choices=choices)
