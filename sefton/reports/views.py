"""Report pages and downloads. Load (through access), check, act, render.

Organisation users get their own organisation's slice of every report; reviewers, viewers and
admins get the whole plan or the organisation they choose. Only admins record a submission to
CQC, and nothing changes or deletes one afterwards (sefton.models refuses it too).
"""
import datetime as dt
import hashlib

from flask import Response, abort, flash, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import access, audit, cache, dates, htmx, web
from ..extensions import db
from ..models import CqcSubmission, Organisation
from . import changes, data, excel, pdf
from .blueprint import bp

ALL = access.EVERYONE
GROUP = access.SEES_ALL  # the Task and Finish group's own reports

web.add_nav("reports.index", "Reports", ("org", "reviewer", "viewer", "admin"))
bp.add_app_template_filter(pdf.clip, "clip")


def _date_arg(name, default):
    """(date, error message or None) from ?name=..., read as people write dates."""
    raw = request.values.get(name, "").strip()
    if not raw:
        return default, None
    try:
        return dates.parse_as_at(raw), None
    except ValueError as exc:
        return default, str(exc)


def _plan_from_request():
    as_at, error = _date_arg("as_at", dates.today())
    org = data.scope_org(current_user, request.args.get("org"))
    return as_at, org, error


def _filename(kind, plan, ext):
    scope = plan.org.code if plan.org else "sefton"
    return f"{kind}-{scope}-{plan.as_at.isoformat()}.{ext}"


def _download(body, mimetype, filename, kind, obj=None, org=None, **what):
    """The file as an attachment, its download on record (who, what, when, from where)."""
    audit.record_download("report.downloaded", obj, {"kind": kind, "file": filename,
                                                     "scope": org.code if org else "sefton", **what},
                          review_id=web.review_or_404().id, organisation_id=org.id if org else None)
    db.session.commit()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
@access.signed_in(*ALL)
def index(date_error=None, status=200):
    review = web.review_or_404()
    orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.name))) if access.sees_all(current_user) else []
    last = changes.last_submission(review) if access.sees_all(current_user) else None
    return render_template("reports/index.html", review=review, orgs=orgs, last=last,
                           date_error=date_error), status


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_download(render, mimetype, stem, ext):
    """The plan as at ?as_at= (scoped to the user's organisation, or ?org= for staff), as a file."""
    as_at, org, error = _plan_from_request()
    if error:
        return index(error, 400)
    plan = data.load_plan(current_user, web.review_or_404(), as_at, org)
    return _download(render(plan), mimetype, _filename(stem, plan, ext), f"{stem}.{ext}", org=plan.org,
                     as_at=plan.as_at.isoformat())


def cached_plan_pdf(review, as_at, org):
    """The plan's PDF from the cache (sefton.cache), rendered only when the plan, the date,
    the scope or the layout changed. Returns (bytes, plan or None when served from the cache)."""
    loaded = []

    def render():
        loaded.append(data.load_plan(current_user, review, as_at, org))
        return pdf.plan_pdf(loaded[0])

    body, _ = cache.fetch("plan.pdf", review, as_at, org.code if org else "all", access.sees_all(current_user),
                          render)
    return body, (loaded[0] if loaded else None)


@bp.get("/plan.pdf")
@access.signed_in(*ALL)
def plan_pdf():
    as_at, org, error = _plan_from_request()
    if error:
        return index(error, 400)
    body, _ = cached_plan_pdf(web.review_or_404(), as_at, org)
    scope = org.code if org else "sefton"
    return _download(body, "application/pdf", f"updated-action-plan-{scope}-{as_at.isoformat()}.pdf",
                     "updated-action-plan.pdf", org=org, as_at=as_at.isoformat())


@bp.get("/plan.xlsx")
@access.signed_in(*ALL)
def plan_xlsx():
    return _plan_download(excel.workbook_bytes, XLSX, "action-plan", "xlsx")


@bp.get("/plan.csv")
@access.signed_in(*ALL)
def plan_csv():
    return _plan_download(excel.csv_text, "text/csv", "action-plan", "csv")  # Flask adds "; charset=utf-8" once


# --- submissions to CQC ----------------------------------------------------------------------

@bp.get("/submissions")
@access.signed_in(*GROUP)
def submissions(date_error=None, status=200):
    review = web.review_or_404()
    past = changes.submissions(review)
    since = changes.between(current_user, review, past[0].as_at) if past else None
    return render_template("reports/submissions.html", review=review, past=past, since=since,
                           date_error=date_error, note=request.form.get("note", "")), status


@bp.post("/submissions")
@access.signed_in(access.ADMIN)
def record_submission():
    review = web.review_or_404()
    as_at, error = _date_arg("as_at", dates.today())  # refuses dates after today
    if error:
        return submissions(error, 422)
    body, plan = cached_plan_pdf(review, as_at, None)
    plan = plan or data.load_plan(current_user, review, as_at)  # the figures (the PDF came from the cache)
    sub = CqcSubmission(review_id=review.id, as_at=as_at, submitted_by_id=current_user.id,
                        note=request.form.get("note", "").strip()[:2000], figures=data.figures(plan),
                        pdf=body, pdf_sha256=hashlib.sha256(body).hexdigest())
    db.session.add(sub)
    audit.record("cqc_submission.recorded", sub, after={"as_at": as_at, "pdf_sha256": sub.pdf_sha256,
                                                        "total": plan.by_section.total.as_dict()})
    db.session.commit()
    flash(f"Submission to CQC recorded: the plan as at {dates.format_date(as_at)} is frozen.", "success")
    return htmx.redirect(url_for("reports.submissions"))


@bp.get("/submissions/<int:submission_id>.pdf")
@access.signed_in(*GROUP)
def submission_pdf(submission_id):
    sub = db.session.get(CqcSubmission, submission_id)
    if sub is None or sub.review_id != web.review_or_404().id:
        abort(404)
    response = _download(sub.pdf, "application/pdf", f"cqc-submission-{sub.id}-{sub.as_at.isoformat()}.pdf",
                         "cqc-submission.pdf", obj=sub, as_at=sub.as_at.isoformat(), sha256=sub.pdf_sha256)
    response.headers["X-Content-SHA256"] = sub.pdf_sha256
    return response


# --- meeting pack ------------------------------------------------------------------------------

def _pack_from_request():
    since, error = _date_arg("since", dates.today() - dt.timedelta(days=28))
    return changes.meeting_pack(current_user, web.review_or_404(), since), error


@bp.get("/meeting-pack")
@access.signed_in(*GROUP)
def meeting_pack():
    """The pack's HTML is kept in the report cache (keyed like the PDFs: any change to the plan gives
    a new key), so the Task and Finish group's repeat views of a large plan are served at once."""
    review = web.review_or_404()
    since, error = _date_arg("since", dates.today() - dt.timedelta(days=28))
    if error:
        pack = changes.meeting_pack(current_user, review, since)
        return render_template("reports/meeting_pack.html", since=since, until=pack.until, review=review,
                               pack_html=Markup(render_template("reports/_pack.html", pack=pack)), date_error=error), 400

    def render():
        pack = changes.meeting_pack(current_user, review, since)
        return render_template("reports/_pack.html", pack=pack).encode()

    body, _ = cache.fetch("meeting-pack.html", review, dates.today(), f"since {since.isoformat()}",
                          access.sees_all(current_user), render)
    return render_template("reports/meeting_pack.html", since=since, until=dates.today(), review=review,
                           pack_html=Markup(body.decode()), date_error=None)


@bp.get("/meeting-pack.pdf")
@access.signed_in(*GROUP)
def meeting_pack_pdf():
    pack, error = _pack_from_request()
    if error:
        return meeting_pack()
    return _download(pdf.pack_pdf(pack, web.review_or_404()), "application/pdf",
                     f"meeting-pack-since-{pack.since.isoformat()}.pdf", "meeting-pack.pdf",
                     since=pack.since.isoformat())
