"""Administration: the plan of the current review. Sections here; recommendations and sub-actions in
plan_items. Each route loads (the current review's object, else 404), checks the version the form
was drawn from, acts through sefton.plan_admin (the change and its audit event), and commits once."""
from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import access, dates, plan_admin, web
from ..extensions import db
from ..models import Organisation, Recommendation, Section, SubAction
from . import bp
from .forms import Invalid, Reader, check_version, page, save, version


def load_section(section_id):
    section = db.session.get(Section, section_id)
    if section is None or section.review_id != web.review_or_404().id:
        abort(404)
    return section


def active_organisations():
    return db.session.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)).all()


def run(apply):
    """apply() with plan_admin's refusals turned into form errors."""
    def wrapped():
        try:
            apply()
        except plan_admin.PlanError as exc:
            raise Invalid(exc.errors) from None
    return wrapped


def after_change(status, section_id=None, anchor=""):
    """Back to where the admin was (plain form: redirect, the flash message says what happened)."""
    if section_id:
        return redirect(url_for("admin.plan_section", section_id=section_id) + anchor)
    return redirect(url_for("admin.plan") + anchor)


def refused_page(status, section=None):
    """409 (stale) or 422 for a move/retire button: the page again, saying nothing was saved."""
    if section is not None:
        return page("admin/plan_section.html", status, section=load_section(section.id), today=dates.today())
    return page("admin/plan.html", status, review=web.review_or_404(), sections=_sections(), today=dates.today())


def _sections():
    """The review's sections in order, each with `counts`: (recommendations, sub-actions) in the plan
    today (not retired), counted in SQL (2 queries whatever the plan's size)."""
    review_id = web.review_or_404().id
    sections = db.session.scalars(select(Section).where(Section.review_id == review_id)
                                  .order_by(Section.number)).all()
    live = (select(Recommendation.section_id).join(Section, Recommendation.section_id == Section.id)
            .where(Section.review_id == review_id, Recommendation.retired_on.is_(None))
            .group_by(Recommendation.section_id))
    recs = dict(db.session.execute(live.add_columns(func.count(Recommendation.id))).all())
    subs = dict(db.session.execute(
        live.join(SubAction, SubAction.recommendation_id == Recommendation.id)
        .where(SubAction.retired_on.is_(None)).add_columns(func.count(SubAction.id))).all())
    for section in sections:
        section.counts = (recs.get(section.id, 0), subs.get(section.id, 0))
    return sections


@bp.get("/plan")
@access.signed_in(*access.ADMINISTRATORS)
def plan():
    return render_template("admin/plan.html", review=web.review_or_404(), sections=_sections(), errors={},
                           status=200, today=dates.today())


@bp.get("/plan/sections/<int:section_id>")
@access.signed_in(*access.ADMINISTRATORS)
def plan_section(section_id):
    section = load_section(section_id)
    recs = selectinload(Section.recommendations)
    db.session.scalars(select(Section).where(Section.id == section.id).execution_options(populate_existing=True)
                       .options(recs.selectinload(Recommendation.owners),
                                recs.selectinload(Recommendation.sub_actions).joinedload(SubAction.owner))).all()
    return render_template("admin/plan_section.html", section=section, errors={}, status=200, today=dates.today())


def _read_section(f):
    raw = f.text("number", "Enter the section number", required=False)
    number = None
    if raw:
        if not raw.isdigit() or not 0 < int(raw) < 1000:
            f.errors["number"] = "Enter the section number as a whole number, for example 16"
        else:
            number = int(raw)
    title = f.text("title", "Enter the section's title")
    return number, title


@bp.get("/plan/sections/new")
@access.signed_in(*access.ADMINISTRATORS)
def new_section():
    return render_template("admin/section_form.html", section=None, review=web.review_or_404(), errors={}, values={},
                           status=200)


@bp.post("/plan/sections/new")
@access.signed_in(*access.ADMINISTRATORS)
def create_section():
    review, made = web.review_or_404(), []

    def apply():
        f = Reader()
        number, title = _read_section(f)
        f.check()
        made.append(plan_admin.add_section(review, title, day=dates.today(), number=number))

    status, errors = save(run(apply), "Section added.")
    if status != 200:
        return page("admin/section_form.html", status, section=None, review=review, errors=errors)
    return after_change(status, made[0].id)


@bp.get("/plan/sections/<int:section_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def edit_section(section_id):
    return render_template("admin/section_form.html", section=load_section(section_id), review=web.review_or_404(),
                           errors={}, values={}, status=200)


@bp.post("/plan/sections/<int:section_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def update_section(section_id):
    section, seen = load_section(section_id), version()

    def apply():
        check_version(section, seen)
        f = Reader()
        number, title = _read_section(f)
        if number is None and "number" not in f.errors:
            f.errors["number"] = "Enter the section number"
        f.check()
        plan_admin.edit_section(section, number=number, title=title)

    status, errors = save(run(apply), "Section saved.")
    if status != 200:
        return page("admin/section_form.html", status, section=load_section(section_id), review=web.review_or_404(),
                    errors=errors)
    return after_change(status, section_id)


@bp.post("/plan/sections/<int:section_id>/move")
@access.signed_in(*access.ADMINISTRATORS)
def move_section(section_id):
    section, seen = load_section(section_id), version()
    direction = "up" if request.form.get("direction") == "up" else "down"

    def apply():
        check_version(section, seen)
        plan_admin.move(section, direction)

    status, _ = save(apply, f"Section “{section.title}” moved {direction}.")
    if status != 200:
        return refused_page(status)
    return after_change(status, anchor=f"#section-{section_id}")


@bp.post("/plan/sections/<int:section_id>/retire")
@access.signed_in(*access.ADMINISTRATORS)
def retire_section(section_id):
    section, seen = load_section(section_id), version()

    def apply():
        check_version(section, seen)
        plan_admin.retire_section(section, day=dates.today())

    status, _ = save(apply, f"Section {section.number} retired from {dates.format_date(dates.today())}, with its "
                            "recommendations and sub-actions. Figures as at earlier dates still include them.")
    if status != 200:
        return refused_page(status)
    return after_change(status, anchor=f"#section-{section_id}")


from . import plan_items  # noqa: E402,F401  (recommendation and sub-action routes)
