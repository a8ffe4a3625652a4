"""Administration: the plan of the current review, its sections (recommendations and sub-actions in
admin_items). Each route loads (the current review's object, else 404), checks the version the form
was drawn from, acts through sefton.plan.editing (the change and its audit event), and commits once."""
from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access, dates, web
from ..extensions import db
from ..forms import Reader, check_version, page, save, version
from ..models import Recommendation, Section, SubAction
from . import editing
from .admin_common import after_change, load_section, refused_page, run, sections_with_counts
from .blueprint import plan_admin_bp as bp


@bp.get("/plan")
@access.signed_in(*access.ADMINISTRATORS)
def plan():
    return render_template("plan_admin/plan.html", review=web.review_or_404(), sections=sections_with_counts(),
                           errors={}, status=200, today=dates.today())


@bp.get("/plan/sections/<int:section_id>")
@access.signed_in(*access.ADMINISTRATORS)
def plan_section(section_id):
    section = load_section(section_id)
    recs = selectinload(Section.recommendations)
    db.session.scalars(select(Section).where(Section.id == section.id).execution_options(populate_existing=True)
                       .options(recs.selectinload(Recommendation.owners),
                                recs.selectinload(Recommendation.sub_actions).joinedload(SubAction.owner))).all()
    return render_template("plan_admin/plan_section.html", section=section, errors={}, status=200, today=dates.today())


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
    return render_template("plan_admin/section_form.html", section=None, review=web.review_or_404(), errors={},
                           values={}, status=200)


@bp.post("/plan/sections/new")
@access.signed_in(*access.ADMINISTRATORS)
def create_section():
    review, made = web.review_or_404(), []

    def apply():
        f = Reader()
        number, title = _read_section(f)
        f.check()
        made.append(editing.add_section(review, title, day=dates.today(), number=number))

    status, errors = save(run(apply), "Section added.")
    if status != 200:
        return page("plan_admin/section_form.html", status, section=None, review=review, errors=errors)
    return after_change(status, made[0].id)


@bp.get("/plan/sections/<int:section_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def edit_section(section_id):
    return render_template("plan_admin/section_form.html", section=load_section(section_id), review=web.review_or_404(),
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
        editing.edit_section(section, number=number, title=title)

    status, errors = save(run(apply), "Section saved.")
    if status != 200:
        return page("plan_admin/section_form.html", status, section=load_section(section_id),
                    review=web.review_or_404(), errors=errors)
    return after_change(status, section_id)


@bp.post("/plan/sections/<int:section_id>/move")
@access.signed_in(*access.ADMINISTRATORS)
def move_section(section_id):
    section, seen = load_section(section_id), version()
    direction = "up" if request.form.get("direction") == "up" else "down"

    def apply():
        check_version(section, seen)
        editing.move(section, direction)

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
        editing.retire_section(section, day=dates.today())

    status, _ = save(apply, f"Section {section.number} retired from {dates.format_date(dates.today())}, with its "
                            "recommendations and sub-actions. Figures as at earlier dates still include them.")
    if status != 200:
        return refused_page(status)
    return after_change(status, anchor=f"#section-{section_id}")
