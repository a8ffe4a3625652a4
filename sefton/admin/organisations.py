"""Administration: organisations. Add, rename, set the short name, deactivate and reactivate.
An organisation is never deleted once anything refers to it; a deactivated one is not offered
when owners are assigned (sefton.plan.admin_sections), and its past work keeps its name."""
from flask import abort, redirect, render_template, url_for
from sqlalchemy import func, select

from .. import access, audit
from ..extensions import db
from ..forms import Reader, check_version, page, save, version
from ..models import Organisation
from .blueprint import bp


def snapshot(org):
    return {"code": org.code, "name": org.name, "short_name": org.short_name, "active": org.active}


def _load(org_id):
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    return org


def _read(org, *, new):
    f = Reader()
    code = f.code("code", "Enter a code, for example ahch") if new else org.code
    name = f.text("name", "Enter the organisation's name", max_len=200)
    short = f.text("short_name", "Enter a short name, for example Alder Hey", max_len=40)
    if new and code and "code" not in f.errors and db.session.scalar(
            select(func.count(Organisation.id)).where(func.lower(Organisation.code) == code.lower())):
        f.errors["code"] = f"Another organisation already has the code {code}"
    f.check()
    org.code, org.name, org.short_name = code, name, short


@bp.get("/organisations")
@access.signed_in(*access.ADMINISTRATORS)
def organisations():
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.active.desc(), Organisation.name)).all()
    return render_template("admin/organisations.html", orgs=orgs)


@bp.get("/organisations/new")
@access.signed_in(*access.ADMINISTRATORS)
def new_organisation():
    return render_template("admin/organisation_form.html", org=None, errors={}, values={}, status=200)


@bp.post("/organisations/new")
@access.signed_in(*access.ADMINISTRATORS)
def create_organisation():
    org = Organisation(active=True)

    def apply():
        _read(org, new=True)
        db.session.add(org)
        db.session.flush()
        audit.record("organisation.added", org, after=snapshot(org), organisation_id=org.id)

    status, errors = save(apply, "Organisation added.")
    if status != 200:
        return page("admin/organisation_form.html", status, org=None, errors=errors)
    return redirect(url_for("admin.organisations") + f"#organisation-{org.id}")


@bp.get("/organisations/<int:org_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def edit_organisation(org_id):
    return render_template("admin/organisation_form.html", org=_load(org_id), errors={}, values={}, status=200)


@bp.post("/organisations/<int:org_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def update_organisation(org_id):
    org, seen = _load(org_id), version()

    def apply():
        check_version(org, seen)
        before = snapshot(org)
        _read(org, new=False)
        audit.record("organisation.edited", org, before=before, after=snapshot(org), organisation_id=org.id)

    status, errors = save(apply, "Organisation saved.")
    if status != 200:
        return page("admin/organisation_form.html", status, org=_load(org_id), errors=errors)
    return redirect(url_for("admin.organisations") + f"#organisation-{org.id}")


def _set_active(org_id, active):
    org, seen = _load(org_id), version()

    def apply():
        check_version(org, seen)
        before = snapshot(org)
        org.active = active
        audit.record("organisation.reactivated" if active else "organisation.deactivated", org,
                     before=before, after=snapshot(org), organisation_id=org.id)

    word = "reactivated" if active else "deactivated: it is no longer offered as an owner"
    status, _ = save(apply, f"{org.name} {word}.")
    if status != 200:
        orgs = db.session.scalars(select(Organisation).order_by(Organisation.active.desc(), Organisation.name)).all()
        return render_template("admin/organisations.html", orgs=orgs, status=status), status
    return redirect(url_for("admin.organisations") + f"#organisation-{org.id}")


@bp.post("/organisations/<int:org_id>/deactivate")
@access.signed_in(*access.ADMINISTRATORS)
def deactivate_organisation(org_id):
    return _set_active(org_id, False)


@bp.post("/organisations/<int:org_id>/reactivate")
@access.signed_in(*access.ADMINISTRATORS)
def reactivate_organisation(org_id):
    return _set_active(org_id, True)
