"""What the office's plan pages share (sections here, recommendations and sub-actions in
admin_items): loading in the current review (else 404), the owners offered, plan editing's refusals
as form errors, and where the admin goes back to after a change."""
from flask import abort, redirect, url_for
from sqlalchemy import func, select

from .. import dates, web
from ..extensions import db
from ..forms import Invalid, page
from ..models import Organisation, Recommendation, Section, SubAction
from . import editing


def load_section(section_id):
    section = db.session.get(Section, section_id)
    if section is None or section.review_id != web.review_or_404().id:
        abort(404)
    return section


def active_organisations():
    return db.session.scalars(select(Organisation).where(Organisation.active.is_(True))
                              .order_by(Organisation.name)).all()


def run(apply):
    """apply() with plan editing's refusals turned into form errors."""
    def wrapped():
        try:
            apply()
        except editing.PlanError as exc:
            raise Invalid(exc.errors) from None
    return wrapped


def after_change(status, section_id=None, anchor=""):
    """Back to where the admin was (plain form: redirect, the flash message says what happened)."""
    if section_id:
        return redirect(url_for("plan_admin.plan_section", section_id=section_id) + anchor)
    return redirect(url_for("plan_admin.plan") + anchor)


def refused_page(status, section=None):
    """409 (stale) or 422 for a move/retire button: the page again, saying nothing was saved."""
    if section is not None:
        return page("plan_admin/plan_section.html", status, section=load_section(section.id), today=dates.today())
    return page("plan_admin/plan.html", status, review=web.review_or_404(), sections=sections_with_counts(),
                today=dates.today())


def sections_with_counts():
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
