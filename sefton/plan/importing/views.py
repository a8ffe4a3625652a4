"""Administration: the plan from a spreadsheet. Upload -> preview -> Apply; nothing is written to the
plan until Apply, and Apply writes everything or nothing (sefton.plan.importing.service)."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import access, dates, web
from ...extensions import db
from ...models import PendingImport
from ...reports import data, excel
from ...workflow import evidence
from .. import importing as pi
from ..blueprint import imports_bp as bp
from . import service

ADMIN = access.ADMIN
SHOWN = 500  # rows of each list shown on the preview (every error is shown)
INSTRUCTIONS = [
    "How to import the plan",
    "Edit the Sub-actions sheet: one row per sub-action. Keep its first row (the column names).",
    "Ref (section.recommendation.sub-action, for example 1.2.3) says which sub-action a row is. A Ref that is "
    "already in the plan updates it; a new Ref adds a sub-action (and its section and recommendation if they are new: "
    "then give the Section title and the Recommendation text).",
    "Read from the file: Review (must be this review's code), Section, Section title, Recommendation, "
    "Recommendation text, Recommendation owners (separated by ;), Ref, Sub-action, Owner, Lead, Original due date.",
    "Ignored (worked out by the tracker): Revised due date, Status, Workflow state, Latest progress note, Note date, "
    "Evidence accepted, Accepted on, Accepted by.",
    "Organisations: their code, short name or full name. Dates: date cells, or text such as 4 July 2019, "
    "04/07/2019 or 2019-07-04.",
    "Formulas are refused: type values. Text can be up to 5,000 characters.",
    "Sub-actions missing from the file are left alone, unless you tick 'This file is the whole plan' when you "
    "upload it: then they are retired (kept, with their history, but no longer counted from the day of the import).",
    "Nothing changes until you check the preview and choose Apply.",
]


def _pending(import_id):
    pending = db.session.get(PendingImport, import_id)
    if pending is None or pending.review_id != web.review_or_404().id:
        abort(404)
    return pending


def _whole_plan():
    return request.values.get("whole_plan") in ("1", "y", "on")


@bp.get("/import")
@access.signed_in(ADMIN)
def import_form(error=None, status=200):
    return render_template("imports/import.html", review=web.review_or_404(), error=error,
                           max_mb=service.max_bytes() // (1024 * 1024), max_rows=pi.MAX_ROWS), status


@bp.post("/import")
@access.signed_in(ADMIN)
def upload():
    review = web.review_or_404()
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        return import_form("Choose the plan file to import (.xlsx or .csv)", 422)
    try:
        name = evidence.clean_name(storage.filename)
        content = storage.stream.read(service.max_bytes() + 1)
        pi.read_file(name, content, service.max_bytes())
    except (evidence.UploadError, pi.FileError) as exc:
        return import_form(str(exc), 422)
    pending = service.store(review, current_user, name, content)
    db.session.commit()
    return redirect(url_for("imports.import_preview", import_id=pending.id, whole_plan=1 if _whole_plan() else None))


@bp.get("/import/<int:import_id>")
@access.signed_in(ADMIN)
def import_preview(import_id, message=None, status=200):
    review, pending = web.review_or_404(), _pending(import_id)
    whole_plan = _whole_plan()
    plan = service.preview(pending, review, whole_plan) if pending.applied_at is None else None
    return render_template("imports/import_preview.html", review=review, pending=pending, plan=plan,
                           whole_plan=whole_plan, shown=SHOWN, message=message), status


@bp.post("/import/<int:import_id>/apply")
@access.signed_in(ADMIN)
def import_apply(import_id):
    review, pending = web.review_or_404(), _pending(import_id)
    try:
        plan = service.apply(pending, review, current_user, _whole_plan(), request.form.get("digest", ""))
    except service.ApplyRefused as exc:
        db.session.rollback()
        return import_preview(import_id, str(exc), 409)
    db.session.commit()
    counts = plan.counts()
    flash(f"Imported {pending.filename}: {_subs(counts['added'])} added, {counts['changed']:,} changed, "
          f"{counts['retired']:,} retired.", "success")
    return redirect(url_for("imports.import_form"))


def _subs(n):
    return f"{n:,} sub-action" + ("" if n == 1 else "s")


def _template_plan():
    return data.load_plan(current_user, web.review_or_404(), dates.today())


def _template_name(ext):
    review = web.review_or_404()
    return f"plan-import-template-{review.code or review.id}-{dates.today().isoformat()}.{ext}"


@bp.get("/import/template.xlsx")
@access.signed_in(ADMIN)
def import_template_xlsx():
    body = excel.workbook_bytes(_template_plan(), instructions=INSTRUCTIONS)
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _template_name("xlsx"))


@bp.get("/import/template.csv")
@access.signed_in(ADMIN)
def import_template_csv():
    return _download(excel.csv_text(_template_plan()), "text/csv; charset=utf-8", _template_name("csv"))


def _download(body, mimetype, filename):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
