"""Administration → People: list and filter, invite, re-send an invitation, change role or
organisation, deactivate and reactivate, send a password reset link. Admins only (sefton.access);
an admin never changes their own role or active state here."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..models import ROLES, Organisation, User, UserSession
from . import manage
from .blueprint import people_bp as bp
from .people_forms import AccessForm, InviteForm
from .sessions import now
from .views import ROLE_LABELS

PEOPLE = access.PEOPLE_MANAGERS
ACTIVE_FILTERS = {"": None, "active": True, "deactivated": False}


def _person(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _filters():
    org = request.args.get("organisation", "")
    role = request.args.get("role", "")
    state = request.args.get("active", "")
    return {"organisation": org if org.isdigit() and len(org) < 10 else "",
            "role": role if role in ROLES else "", "active": state if state in ACTIVE_FILTERS else ""}


@bp.get("/people")
@access.signed_in(*PEOPLE)
def people():
    chosen = _filters()
    query = select(User).order_by(User.name)
    if chosen["organisation"]:
        query = query.where(User.organisation_id == int(chosen["organisation"]))
    if chosen["role"]:
        query = query.where(User.role == chosen["role"])
    if ACTIVE_FILTERS[chosen["active"]] is not None:
        query = query.where(User.active.is_(ACTIVE_FILTERS[chosen["active"]]))
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("people/people.html", users=db.session.scalars(query).all(), chosen=chosen,
                           organisations=organisations, role_labels=ROLE_LABELS)


@bp.route("/people/invite", methods=["GET", "POST"])
@access.signed_in(*PEOPLE)
def invite_person():
    form = InviteForm()
    if form.is_submitted():
        form.validate()
        org = form.chosen_organisation()
        email = None
        if form.email.data and not form.email.errors:
            try:
                email = manage.normalise_email(form.email.data)
            except ValueError as exc:
                form.email.errors = list(form.email.errors) + [str(exc)]
            else:
                if manage.email_taken(email):
                    form.email.errors = list(form.email.errors) + ["There is already an account with that email address"]
        if not form.errors:
            user = manage.invite(current_user, form.name.data.strip(), email, form.role.data, org)
            db.session.commit()
            flash(f"Invitation sent to {user.email}. The link works once, for 72 hours.", "success")
            return redirect(url_for("people.person", user_id=user.id))
        return render_template("people/people_invite.html", form=form), 422
    return render_template("people/people_invite.html", form=form)


def _person_page(user, access_form=None, status=200):
    if access_form is None:
        access_form = AccessForm(formdata=None, role=user.role,
                                 organisation=str(user.organisation_id) if user.organisation_id else "")
    open_sessions = db.session.scalar(select(db.func.count(UserSession.id)).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > now()))
    return render_template("people/people_person.html", person=user, form=access_form, role_labels=ROLE_LABELS,
                           open_sessions=open_sessions,
                           may_change=access.can_change_account(current_user, user)), status


@bp.get("/people/<int:user_id>")
@access.signed_in(*PEOPLE)
def person(user_id):
    return _person_page(_person(user_id))


def _changeable(user_id):
    user = _person(user_id)
    if not access.can_change_account(current_user, user):
        abort(403)
    return user


@bp.post("/people/<int:user_id>/access")
@access.signed_in(*PEOPLE)
def change_access(user_id):
    user = _changeable(user_id)
    form = AccessForm()
    form.validate()
    org = form.chosen_organisation()
    if form.errors:
        return _person_page(user, form, 422)
    ended = manage.change_access(user, form.role.data, org)
    db.session.commit()
    flash(f"{user.name} is now {ROLE_LABELS[user.role]}{f' for {org.name}' if org else ''}."
          + (" Their sessions have ended: they sign in again." if ended else ""), "success")
    return redirect(url_for("people.person", user_id=user.id))


@bp.post("/people/<int:user_id>/deactivate")
@access.signed_in(*PEOPLE)
def deactivate_person(user_id):
    user = _changeable(user_id)
    if user.active:
        manage.set_active(user, False)
        db.session.commit()
    flash(f"{user.name} is deactivated: their sessions have ended and they cannot sign in. Their history stays.", "success")
    return redirect(url_for("people.person", user_id=user.id))


@bp.post("/people/<int:user_id>/reactivate")
@access.signed_in(*PEOPLE)
def reactivate_person(user_id):
    user = _changeable(user_id)
    if not user.active:
        manage.set_active(user, True)
        db.session.commit()
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("people.person", user_id=user.id))


@bp.post("/people/<int:user_id>/resend-invitation")
@access.signed_in(*PEOPLE)
def resend_invitation(user_id):
    user = _changeable(user_id)
    if not user.active or user.password_hash is not None:
        flash(f"{user.name} has already set a password or is deactivated: no invitation was sent.", "error")
        return redirect(url_for("people.person", user_id=user.id))
    manage.resend_invitation(current_user, user)
    db.session.commit()
    flash(f"A new invitation has been sent to {user.email}. The earlier link no longer works.", "success")
    return redirect(url_for("people.person", user_id=user.id))


@bp.post("/people/<int:user_id>/reset-password")
@access.signed_in(*PEOPLE)
def reset_person_password(user_id):
    user = _changeable(user_id)
    if not user.active or user.password_hash is None:
        flash(f"{user.name} has no password yet or is deactivated: re-send the invitation instead.", "error")
        return redirect(url_for("people.person", user_id=user.id))
    manage.send_reset(current_user, user)
    db.session.commit()
    flash(f"A link to choose a new password has been sent to {user.email}. It works once, for one hour.", "success")
    return redirect(url_for("people.person", user_id=user.id))
