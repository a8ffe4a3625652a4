"""Administration: reviews (the inspections whose recommendations a plan answers). List, create,
edit; after creating one the admin can switch to it (the header's switcher, sefton.plan)."""
from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import access, audit, web
from ..extensions import db
from ..forms import Reader, check_version, page, save, version
from ..models import Review
from .blueprint import bp

FIELDS = ("title", "body", "area", "code", "on_site_from", "on_site_to", "published_on", "plan_due_on",
          "summary", "chair", "plan_agreed_on", "governance")


def snapshot(review):
    return {name: getattr(review, name) for name in FIELDS}


def read(review):
    """Read the form into `review` (every error at once; nothing applied unless all is well)."""
    f = Reader()
    values = {
        "title": f.text("title", "Enter the review's title", max_len=300),
        "body": f.text("body", "Enter the inspecting body, for example Care Quality Commission", max_len=200),
        "area": f.text("area", "Enter the area, for example Sefton", max_len=100),
        "code": f.code("code", "Enter a short name, for example CLAS-2018"),
        "on_site_from": f.date("on_site_from", "The first day on site"),
        "on_site_to": f.date("on_site_to", "The last day on site"),
        "published_on": f.date("published_on", "The publication date"),
        "plan_due_on": f.date("plan_due_on", "The date the updated plan is due"),
        "summary": f.text("summary", "", required=False, max_len=2000),
        "chair": f.text("chair", "", required=False, max_len=200),
        "plan_agreed_on": f.date("plan_agreed_on", "The date the plan was agreed", required=False),
        "governance": f.text("governance", "", required=False, max_len=5000),
    }
    if values["on_site_from"] and values["on_site_to"] and values["on_site_to"] < values["on_site_from"]:
        f.errors["on_site_to"] = "The last day on site must be the same as or after the first day"
    if values["code"] and "code" not in f.errors:
        taken = select(func.count(Review.id)).where(func.lower(Review.code) == values["code"].lower())
        if review.id is not None:
            taken = taken.where(Review.id != review.id)
        if db.session.scalar(taken):
            f.errors["code"] = f"Another review already has the short name {values['code']}"
    f.check()
    for name, value in values.items():
        setattr(review, name, value)


@bp.get("/reviews")
@access.signed_in(*access.ADMINISTRATORS)
def reviews():
    rows = db.session.scalars(select(Review).order_by(Review.id)).all()
    return render_template("admin/reviews.html", reviews=rows, current=web.current_review())


@bp.get("/reviews/new")
@access.signed_in(*access.ADMINISTRATORS)
def new_review():
    return render_template("admin/review_form.html", review=None, errors={}, values={}, status=200)


@bp.post("/reviews/new")
@access.signed_in(*access.ADMINISTRATORS)
def create_review():
    review = Review()

    def apply():
        read(review)
        db.session.add(review)
        db.session.flush()
        audit.record("review.created", review, after=snapshot(review), review_id=review.id)

    status, errors = save(apply, "Review created. Choose “Work on this review” to set up its plan.")
    if status != 200:
        return page("admin/review_form.html", status, review=None, errors=errors)
    return redirect(url_for("admin.reviews") + f"#review-{review.id}")


def _load(review_id):
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    return review


@bp.get("/reviews/<int:review_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def edit_review(review_id):
    return render_template("admin/review_form.html", review=_load(review_id), errors={}, values={}, status=200)


@bp.post("/reviews/<int:review_id>/edit")
@access.signed_in(*access.ADMINISTRATORS)
def update_review(review_id):
    review = _load(review_id)
    seen = version()

    def apply():
        check_version(review, seen)
        before = snapshot(review)
        read(review)
        after = snapshot(review)
        changed = {k for k in after if after[k] != before[k]}
        audit.record("review.edited", review, before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed}, review_id=review.id)

    status, errors = save(apply, f"Review {request.form.get('code', '').strip() or review.code} saved.")
    if status != 200:
        return page("admin/review_form.html", status, review=_load(review_id), errors=errors)
    return redirect(url_for("admin.reviews") + f"#review-{review.id}")
