"""The account page (anyone signed in) and changing one's own password."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import access, audit, dates
from ..extensions import db
from ..models import RecoveryCode
from ..notifications import mail
from . import sessions
from .blueprint import accounts_bp as bp
from .forms import ChangePasswordForm

ROLE_LABELS = {"org": "organisation user", "reviewer": "reviewer", "viewer": "viewer (read-only)",
               "admin": "administrator"}


@bp.get("/account")
@access.signed_in()
def account():
    unused_codes = db.session.scalar(
        db.select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == current_user.id,
                                                        RecoveryCode.used_at.is_(None)))
    return render_template("accounts/account.html", role_label=ROLE_LABELS[current_user.role],
                           open_sessions=sessions.open_sessions(current_user), this_session=sessions.current(),
                           unused_codes=unused_codes, two_step_required=access.requires_two_step(current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@access.signed_in()
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    ok = form.check_new_password(user)
    if ok and not user.check_password(form.current.data):
        form.current.errors = list(form.current.errors) + ["Your current password is not correct"]
        ok = False
    if not ok:
        status = 422 if form.is_submitted() else 200
        return render_template("accounts/change_password.html", form=form), status
    set_password(user, form.password.data, keep=sessions.current())
    audit.record("user.password_changed", user, organisation_id=user.organisation_id)
    db.session.commit()
    flash("Your password has been changed. Your other sessions have ended.", "success")
    return redirect(url_for("accounts.account"))


def set_password(user, password, keep=None, notify=True):
    """Set a new password, end the user's other sessions (all but `keep`) and, with notify, tell
    them by e-mail. The caller audits and commits."""
    user.set_password(password)
    user.password_changed_at = sessions.now()
    sessions.end_all(user, keep=keep)
    if notify:
        mail.queue(user.email, "Your password was changed", "password_changed",
                   {"user": user, "when": "on " + dates.format_datetime(user.password_changed_at)}, "password_changed", user=user)
