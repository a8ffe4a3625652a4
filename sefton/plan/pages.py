"""The plan as everyone reads it: dashboard, sections, recommendations, sub-actions."""
from flask import abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from .. import access, cache, dates
from ..extensions import db
from ..figures import asat, progress, queries, status
from ..models import Recommendation, Section, SubAction
from ..web import int_arg, review_or_404
from .blueprint import plan_bp as bp


@bp.app_template_global()
def example_date(review):
    """A date the "as at" forms accept, for their hint: the day the plan was agreed, else the
    review's publication, else today (never a date after the business date, which is refused)."""
    today = dates.today()
    for day in (review.plan_agreed_on, review.published_on):
        if day is not None and day <= today:
            return day
    return today


def as_at_from_request():
    """?as_at=... (read as people write dates) or the business date; a bad date is a 400 page."""
    raw = request.args.get("as_at", "").strip()
    if not raw:
        return dates.today(), None
    try:
        return dates.parse_as_at(raw), None
    except ValueError as exc:
        return dates.today(), str(exc)


SECTIONS_MARK = "<!-- sections -->"


@bp.get("/")
@access.signed_in()
def dashboard():
    review = review_or_404()
    as_at, date_error = as_at_from_request()
    flagged = None
    sees_all = access.sees_all(current_user)
    # Public Health Commissioners own no recommendation: they see the plan's progress and the areas
    # flagged for their attention, not a table of zeros.
    public_health = access.is_public_health(current_user) and not sees_all
    if public_health:
        condition = Recommendation.phc_flag.is_(True)
        flagged = queries.group_by_recommendation(queries.recommendations_in(current_user, condition),
                                                  queries.sub_action_rows(current_user, condition, as_at=as_at))
    org = None if sees_all or public_health else current_user.organisation

    def render_tables():
        own = progress.by_section(review.id, as_at, org_id=org.id) if org is not None else None
        overall = progress.by_section(review.id, as_at) if org is None else None
        by_org = progress.by_organisation(review.id, as_at) if sees_all else None
        sections = list(db.session.scalars(
            access.sections(current_user, review.id).where(progress.exists_at(Section, as_at))))
        return render_template("plan/_dashboard_tables.html", review=review, as_at=as_at, own=own,
                               overall=overall, by_org=by_org, sections=sections, organisation=org,
                               SECTIONS_MARK=SECTIONS_MARK).encode()

    # The tables depend on the review, the date, the reader's organisation (or the whole plan) and
    # the plan's state, which the last audit event stands for: cached like the reports (a page of a
    # plan 40 times the demo's renders 600 sections twice).
    scope = "all" if org is None else f"org {org.id}"
    body, _ = cache.fetch("dashboard.html", review, as_at, f"{scope} phc={int(public_health)}", sees_all,
                          render_tables)
    tables, sections_html = body.decode().split(SECTIONS_MARK)
    return render_template("plan/dashboard.html", review=review, as_at=as_at, date_error=date_error,
                           tables=Markup(tables), sections_html=Markup(sections_html), flagged=flagged,
                           combine=status.combine)


@bp.get("/sections/<int:section_id>")
@access.signed_in()
def section(section_id):
    sec = access.get_section(current_user, section_id)
    as_at, date_error = as_at_from_request()
    recs = queries.recommendations_in(current_user, Recommendation.section_id == sec.id,
                                      progress.recommendations_in_plan(sec.review_id, as_at))
    rows = queries.sub_action_rows(current_user, Recommendation.section_id == sec.id,
                                   progress.sub_actions_in_plan(sec.review_id, as_at), as_at=as_at)
    groups = queries.group_by_recommendation(recs, rows)
    return render_template("plan/section.html", section=sec, groups=groups, as_at=as_at,
                           date_error=date_error, combine=status.combine)


@bp.get("/recommendations/<int:rec_id>")
@access.signed_in()
def recommendation(rec_id):
    rec = access.get_recommendation(current_user, rec_id)
    as_at, date_error = as_at_from_request()
    rows = queries.sub_action_rows(current_user, SubAction.recommendation_id == rec.id,
                                   progress.sub_actions_in_plan(rec.section.review_id, as_at), as_at=as_at)
    responses = queries.phc_responses(rec) if rec.phc_flag else []
    return render_template("plan/recommendation.html", rec=rec, rows=rows, as_at=as_at, date_error=date_error,
                           colour=status.combine(r.colour for r in rows), responses=responses)


@bp.get("/sub-actions/<int:sub_action_id>")
@access.signed_in()
def sub_action(sub_action_id):
    """One sub-action; ?as_at= shows it as it was that day (state, due date, notes and evidence then,
    sefton.figures.asat), without the controls: the past is not changed from here."""
    sa = access.get_sub_action(current_user, sub_action_id)
    as_at, date_error = as_at_from_request()
    queries.load_details(sa)
    rows = queries.sub_action_rows(current_user, SubAction.id == sa.id, as_at=as_at)
    past = as_at < dates.today()
    submissions = [(sub, asat.submission_state(sub, as_at)) for sub in sa.submissions if sub.submitted_on <= as_at]
    notes = [note for note in sa.notes if note.noted_on <= as_at]
    return render_template("plan/sub_action.html", row=rows[0], sa=sa, as_at=as_at, date_error=date_error,
                           past=past, submissions=submissions, notes=notes, SUBMISSION_WORDS=SUBMISSION_WORDS)


# What a submission was as at a date (asat.submission_state), in words.
SUBMISSION_WORDS = {asat.PENDING: "Awaiting review", asat.WITHDRAWN: "Withdrawn", asat.ACCEPTED: "Accepted",
                    asat.RETURNED: "Returned", asat.LAPSED: "Accepted (lapsed)"}


@bp.post("/choose-review")
@access.signed_in()
def choose_review():
    """The header's review switcher (and "Work on this review" in Administration): every page,
    report and export then works on the chosen review, for this session only."""
    from flask import flash, redirect, url_for

    from ..models import Review
    from ..web import choose_review as choose, safe_path

    raw = request.form.get("review", "")
    number = int_arg(raw)
    review = db.session.get(Review, number) if number is not None else None
    if not access.can_choose_review(current_user, review):
        abort(404)
    choose(review)
    flash(f"You are now working on {review.code or review.title}.", "success")
    return redirect(safe_path(request.form.get("next")) or url_for("plan.dashboard"))
