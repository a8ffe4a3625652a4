"""Administration: the recommendations and sub-actions of the current review's plan (sections are
in admin_sections). Same shape: load (404 outside the current review), check the version, act through
sefton.plan.editing, commit once; plain forms with a redirect, 422 with the errors, 409 when stale."""
from flask import abort, flash, request
from flask_login import current_user
from sqlalchemy import select

from .. import access, dates, web
from ..extensions import db
from ..forms import Reader, check_version, page, save, version
from ..models import Organisation, Recommendation, SubAction
from . import editing
from .admin_common import active_organisations, after_change, load_section, refused_page, run
from .blueprint import plan_admin_bp as bp

ADMIN = access.ADMINISTRATORS


def load_rec(rec_id):
    rec = db.session.get(Recommendation, rec_id)
    if rec is None or rec.section.review_id != web.review_or_404().id:
        abort(404)
    return rec


def load_sub_action(sub_action_id):
    sa = db.session.get(SubAction, sub_action_id)
    if sa is None or sa.recommendation.section.review_id != web.review_or_404().id:
        abort(404)
    return sa


# --- recommendations --------------------------------------------------------------------------

def _owner_choices(rec=None):
    """Active organisations, plus a deactivated one that already owns the recommendation."""
    orgs = list(active_organisations())
    for org in (rec.owners if rec else []):
        if org not in orgs:
            orgs.append(org)
    return orgs


def _read_rec(f, rec=None):
    text = f.text("text", "Enter the recommendation's text", max_len=5000)
    allowed = {o.id: o for o in _owner_choices(rec)}
    ids = {n for n in (web.int_arg(v) for v in request.form.getlist("owners")) if n is not None}
    owners = [allowed[i] for i in sorted(ids) if i in allowed]
    if not owners:
        f.errors["owners"] = "Choose at least one organisation that owns the recommendation"
    flagged = request.form.get("phc_flag") == "1"
    reason = f.text("phc_reason", "", required=False, max_len=2000)
    if flagged and not reason:
        f.errors["phc_reason"] = "Give the reason for flagging it to the Public Health Commissioners"
    return text, owners, (reason if flagged else None)


def _rec_form(status, section, rec, errors=None):
    return page("plan_admin/recommendation_form.html", status, section=section, rec=rec, orgs=_owner_choices(rec),
                errors=errors or {})


@bp.get("/plan/sections/<int:section_id>/recommendations/new")
@access.signed_in(*ADMIN)
def new_recommendation(section_id):
    return _rec_form(200, load_section(section_id), None)


@bp.post("/plan/sections/<int:section_id>/recommendations/new")
@access.signed_in(*ADMIN)
def create_recommendation(section_id):
    section, made = load_section(section_id), []

    def apply():
        f = Reader()
        text, owners, reason = _read_rec(f)
        f.check()
        made.append(editing.add_recommendation(section, text, owners, day=dates.today(), user=current_user,
                                                  phc_reason=reason))

    status, errors = save(run(apply), "Recommendation added.")
    if status != 200:
        return _rec_form(status, load_section(section_id), None, errors)
    return after_change(status, section_id, f"#recommendation-{made[0].id}")


@bp.get("/plan/recommendations/<int:rec_id>/edit")
@access.signed_in(*ADMIN)
def edit_recommendation(rec_id):
    rec = load_rec(rec_id)
    return _rec_form(200, rec.section, rec)


@bp.post("/plan/recommendations/<int:rec_id>/edit")
@access.signed_in(*ADMIN)
def update_recommendation(rec_id):
    rec, seen = load_rec(rec_id), version()

    def apply():
        check_version(rec, seen)
        f = Reader()
        text, owners, reason = _read_rec(f, rec)
        f.check()
        editing.edit_recommendation(rec, text=text, owners=owners, phc_reason=reason, user=current_user)

    status, errors = save(run(apply), f"Recommendation {rec.ref} saved.")
    if status != 200:
        rec = load_rec(rec_id)
        return _rec_form(status, rec.section, rec, errors)
    return after_change(status, rec.section_id, f"#recommendation-{rec.id}")


def _button(obj, action, success):
    seen = version()

    def apply():
        check_version(obj, seen)
        action()

    status, _ = save(apply, success)
    section_id = obj.section_id if isinstance(obj, Recommendation) else obj.recommendation.section_id
    if status != 200:
        return refused_page(status, load_section(section_id))
    anchor = f"#{'recommendation' if isinstance(obj, Recommendation) else 'subaction'}-{obj.id}"
    return after_change(status, section_id, anchor)


@bp.post("/plan/recommendations/<int:rec_id>/move")
@access.signed_in(*ADMIN)
def move_recommendation(rec_id):
    rec = load_rec(rec_id)
    direction = "up" if request.form.get("direction") == "up" else "down"
    return _button(rec, lambda: editing.move(rec, direction), f"Recommendation moved {direction}.")


@bp.post("/plan/recommendations/<int:rec_id>/retire")
@access.signed_in(*ADMIN)
def retire_recommendation(rec_id):
    rec = load_rec(rec_id)
    return _button(rec, lambda: editing.retire_recommendation(rec, day=dates.today()),
                   f"Recommendation {rec.ref} retired from {dates.format_date(dates.today())}, with its sub-actions. "
                   "Figures as at earlier dates still include them.")


# --- sub-actions ------------------------------------------------------------------------------

def _read_sub_action(f, rec):
    text = f.text("text", "Enter what the sub-action will do", max_len=5000)
    lead = f.text("lead_name", "Enter the lead's name or role", max_len=200)
    raw = request.form.get("owner", "")
    number = web.int_arg(raw)
    owner = db.session.get(Organisation, number) if number is not None else None
    if owner is None or owner.id not in {o.id for o in rec.owners}:
        f.errors["owner"] = "Choose one of the recommendation's owners"
    elif not owner.active:
        f.errors["owner"] = f"{owner.name} is deactivated: choose another owner"
    return text, lead, owner


def _sa_form(status, rec, sa, errors=None):
    return page("plan_admin/sub_action_form.html", status, rec=rec, sa=sa, errors=errors or {},
                changes=sa_changes(sa) if sa else [])


def sa_changes(sa):
    from ..models import OriginalDueChange

    return db.session.scalars(select(OriginalDueChange).where(OriginalDueChange.sub_action_id == sa.id)
                              .order_by(OriginalDueChange.id.desc())).all()


@bp.get("/plan/recommendations/<int:rec_id>/sub-actions/new")
@access.signed_in(*ADMIN)
def new_sub_action(rec_id):
    return _sa_form(200, load_rec(rec_id), None)


@bp.post("/plan/recommendations/<int:rec_id>/sub-actions/new")
@access.signed_in(*ADMIN)
def create_sub_action(rec_id):
    rec, made = load_rec(rec_id), []

    def apply():
        f = Reader()
        text, lead, owner = _read_sub_action(f, rec)
        due = f.date("original_due_on", "The due date")
        f.check()
        made.append(editing.add_sub_action(rec, owner=owner, text=text, lead_name=lead, due_on=due,
                                              day=dates.today()))

    status, errors = save(run(apply), "Sub-action added.")
    if status != 200:
        return _sa_form(status, load_rec(rec_id), None, errors)
    return after_change(status, rec.section_id, f"#subaction-{made[0].id}")


@bp.get("/plan/sub-actions/<int:sub_action_id>/edit")
@access.signed_in(*ADMIN)
def edit_sub_action(sub_action_id):
    sa = load_sub_action(sub_action_id)
    return _sa_form(200, sa.recommendation, sa)


@bp.post("/plan/sub-actions/<int:sub_action_id>/edit")
@access.signed_in(*ADMIN)
def update_sub_action(sub_action_id):
    sa, seen = load_sub_action(sub_action_id), version()

    def apply():
        check_version(sa, seen)
        f = Reader()
        text, lead, owner = _read_sub_action(f, sa.recommendation)
        # A date to be confirmed may stay so (left blank); setting it is a change of the original, with a reason.
        tbc = sa.original_due_on is None
        due = f.date("original_due_on", "The original due date", required=not tbc)
        reason = f.text("reason", "", required=False, max_len=2000)
        changing = due is not None and due != sa.original_due_on
        if changing and not reason:
            f.errors["reason"] = ("Give a reason for setting the due date" if tbc
                                  else "Give a reason for changing the original due date")
        f.check()
        if (owner.id, text, lead) != (sa.owner_id, sa.text, sa.lead_name):
            editing.edit_sub_action(sa, owner=owner, text=text, lead_name=lead)
        if changing:
            editing.change_original_due(sa, due, reason, day=dates.today(), user=current_user)

    was_tbc = sa.original_due_on is None
    status, errors = save(run(apply), f"Sub-action {sa.ref} saved.")
    if status == 200 and was_tbc and sa.original_due_on is not None:
        flash(f"Due date of {sa.ref} set: {dates.format_date(sa.original_due_on)}.", "success")
    if status != 200:
        sa = load_sub_action(sub_action_id)
        return _sa_form(status, sa.recommendation, sa, errors)
    return after_change(status, sa.recommendation.section_id, f"#subaction-{sa.id}")


@bp.post("/plan/sub-actions/<int:sub_action_id>/move")
@access.signed_in(*ADMIN)
def move_sub_action(sub_action_id):
    sa = load_sub_action(sub_action_id)
    direction = "up" if request.form.get("direction") == "up" else "down"
    return _button(sa, lambda: editing.move(sa, direction), f"Sub-action moved {direction}.")


@bp.post("/plan/sub-actions/<int:sub_action_id>/retire")
@access.signed_in(*ADMIN)
def retire_sub_action(sub_action_id):
    sa = load_sub_action(sub_action_id)
    return _button(sa, lambda: editing.retire_sub_action(sa, day=dates.today()),
                   f"Sub-action {sa.ref} retired from {dates.format_date(dates.today())}. "
                   "Figures as at earlier dates still include it.")
