"""Administration: the plan from a spreadsheet. Upload -> Map (which sheets, which header row, which
column holds what; the template skips it) -> preview -> Apply; nothing is written to the plan until
Apply, and Apply writes everything or nothing (sefton.plan.importing.service)."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ... import access, audit, dates, web
from ...extensions import db
from ...models import Organisation, OrganisationAlias, PendingImport
from ...reports import data, excel
from ...workflow import evidence
from .. import importing as pi
from ..blueprint import imports_bp as bp
from . import service

ADMIN = access.ADMIN
SHOWN = 500  # rows of each list shown on the preview (every error is shown)
LABELS = {"Ref": "Ref (section.recommendation.sub-action)", "Sub-action": "Sub-action (what will be done)",
          "Owner": "Owner (organisation)", "Lead": "Lead (name or job title)",
          "Original due date": "Original due date", "Revised due date": "Revised due date (agreed)",
          "Status": "Status (RAG)", "Latest progress note": "Latest progress note", "Note date": "Date of the note",
          "Evidence accepted": "Evidence (of a Green row)", "Accepted on": "Accepted on (of a Green row)",
          "Section": "Section number", "Section title": "Section title", "Recommendation": "Recommendation number",
          "Recommendation text": "Recommendation text", "Recommendation owners": "Recommendation owners",
          "Review": "Review code"}
INSTRUCTIONS = [
    "How to import the plan",
    "Edit the Sub-actions sheet: one row per sub-action. Keep its first row (the column names).",
    "Ref (section.recommendation.sub-action, for example 1.2.3) says which sub-action a row is. A Ref that is "
    "already in the plan updates it; a new Ref adds a sub-action (and its section and recommendation if they are new: "
    "then give the Section title and the Recommendation text).",
    "Read from the file: Review (must be this review's code), Section, Section title, Recommendation, "
    "Recommendation text, Recommendation owners (separated by ;), Ref, Sub-action, Owner, Lead, Original due date.",
    "Read only for a sub-action with no history in the tracker yet (the office's record on first load): Status "
    "(Green, Complete or Done: accepted before the tracker), Latest progress note and Note date, Revised due date, "
    "Accepted on. Elsewhere the tracker's record stands and the preview says so. Red is never read.",
    "Ignored (worked out by the tracker): Workflow state, Evidence accepted, Accepted by.",
    "Organisations: their code, short name, full name or a name taught on the Organisations page. Dates: date "
    "cells, or text such as 4 July 2019, 04/07/2019, 30.09.19, July 2019, end of July 2019, Q2 2019; TBC (or "
    "empty) for a due date to be confirmed.",
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
        book = pi.read_book(name, content, service.max_bytes())
    except (evidence.UploadError, pi.FileError) as exc:
        return import_form(str(exc), 422)
    service.purge_uploads()
    pending = service.store(review, current_user, name, content)
    db.session.commit()
    _, lay = service.layout(pending, review, book)
    page = "imports.import_preview" if (lay.template or lay.remembered) and not lay.problems else "imports.import_map"
    return redirect(url_for(page, import_id=pending.id, whole_plan=1 if _whole_plan() else None))


@bp.get("/import/<int:import_id>")
@access.signed_in(ADMIN)
def import_preview(import_id, message=None, status=200):
    review, pending = web.review_or_404(), _pending(import_id)
    whole_plan = _whole_plan()
    lay, plan = service.preview_with_layout(pending, review, whole_plan) if pending.applied_at is None else (None, None)
    orgs = db.session.scalars(select(Organisation).where(Organisation.active.is_(True))
                              .order_by(Organisation.short_name)).all()
    return render_template("imports/import_preview.html", review=review, pending=pending, plan=plan, layout=lay,
                           whole_plan=whole_plan, shown=SHOWN, message=message, orgs=orgs), status


@bp.post("/import/<int:import_id>/apply")
@access.signed_in(ADMIN)
def import_apply(import_id):
    review, pending = web.review_or_404(), _pending(import_id)
    try:
        plan = service.apply(pending, review, current_user, _whole_plan(), request.form.get("digest", ""),
                             request.form.get("retire_number"))
    except service.ApplyRefused as exc:
        db.session.rollback()
        return import_preview(import_id, str(exc), 409)
    db.session.commit()
    counts = plan.counts()
    flash(f"Imported {pending.filename}: {_subs(counts['added'])} added, {counts['changed']:,} changed, "
          f"{counts['retired']:,} retired; {counts['accepted_before']:,} accepted before the tracker, "
          f"{counts['notes']:,} progress notes and {counts['revisions']:,} revised dates brought in.", "success")
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
    """The template (the whole plan) as an attachment, its download on record like the reports'."""
    audit.record_download("report.downloaded", None, {"kind": "import template", "file": filename},
                          review_id=web.review_or_404().id)
    db.session.commit()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the Map page -------------------------------------------------------------------------------------

@bp.get("/import/<int:import_id>/map")
@access.signed_in(ADMIN)
def import_map(import_id, errors=None, status=200):
    review, pending = web.review_or_404(), _pending(import_id)
    if pending.applied_at is not None:
        return redirect(url_for("imports.import_preview", import_id=pending.id))
    book, lay = service.layout(pending, review)
    settings = pending.settings or {}
    samples = {}
    for sheet in lay.sheets[:1]:
        samples = sheet.samples(lay.headers[sheet.name], 3)
    state_on = settings.get("state_on")
    return render_template("imports/import_map.html", review=review, pending=pending, book=book, layout=lay,
                           samples=samples, fields=pi.FIELDS, labels=LABELS, errors=errors or [],
                           header_row=settings.get("header_row") or "",
                           state_on=dates.format_date(dates.parse(state_on)) if state_on else
                           dates.format_date(dates.today()), whole_plan=_whole_plan(), column_letter=_letter), status


def _letter(n):
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


@bp.post("/import/<int:import_id>/map")
@access.signed_in(ADMIN)
def save_import_map(import_id):
    review, pending = web.review_or_404(), _pending(import_id)
    if pending.applied_at is not None:
        return redirect(url_for("imports.import_preview", import_id=pending.id))
    form, errors = request.form, []
    settings = {"sheets": form.getlist("sheet") or None}
    header = form.get("header_row", "").strip()
    if header:
        if header.isdigit() and 1 <= int(header) <= 50:
            settings["header_row"] = int(header)
        else:
            errors.append(("header_row", "Enter the number of the row that holds the headings, from 1 to 50"))
    try:
        day = dates.parse(form.get("state_on", "")) if form.get("state_on", "").strip() else dates.today()
        if day > dates.today():
            raise ValueError(f"Choose a date on or before today ({dates.format_date(dates.today())})")
        settings["state_on"] = day.isoformat()
    except ValueError as exc:
        errors.append(("state_on", str(exc)))
    if not form.getlist("sheet"):
        errors.append(("sheets", "Choose at least one sheet to read"))
    previous = pending.settings or {}
    rereading = form.get("action") == "reread" or (
        (settings.get("sheets"), settings.get("header_row")) != (previous.get("sheets"), previous.get("header_row"))
        and previous.get("columns") is not None)
    if errors:
        return import_map(import_id, errors, 422)
    if rereading:  # the headings may have moved: show the columns again before any preview
        pending.settings = {**settings, "columns": None}
        db.session.commit()
        return redirect(url_for("imports.import_map", import_id=pending.id, whole_plan=1 if _whole_plan() else None))
    book, lay = service.layout(pending, review)
    chosen = {str(i): form.get(f"col-{i}", "") for i in range(len(lay.headings))}
    chosen = {i: f for i, f in chosen.items() if f in pi.FIELDS or f == pi.NOT_IMPORTED}
    check = pi.layout(book, {**settings, "columns": chosen})
    if check.problems:
        return import_map(import_id, [("columns", p) for p in check.problems], 422)
    service.save_map(pending, review, current_user, {**settings, "columns": chosen}, check.headings)
    db.session.commit()
    return redirect(url_for("imports.import_preview", import_id=pending.id, whole_plan=1 if _whole_plan() else None))


# --- organisation names: "Treat it as…" on the preview, and the aliases on an organisation's page ------

@bp.post("/import/<int:import_id>/alias")
@access.signed_in(ADMIN)
def treat_as(import_id):
    pending = _pending(import_id)
    org = db.session.get(Organisation, web.int_arg(request.form.get("organisation_id")) or 0)
    if org is None or not org.active:
        return import_preview(import_id, "Choose the organisation the name means", 422)
    try:
        service.add_alias(org, request.form.get("name", ""), current_user)
    except service.AliasRefused as exc:
        db.session.rollback()
        return import_preview(import_id, str(exc), 422)
    db.session.commit()
    flash(f"\"{request.form.get('name', '').strip()}\" now means {org.name}.", "success")
    return redirect(url_for("imports.import_preview", import_id=pending.id, whole_plan=1 if _whole_plan() else None))


@bp.post("/organisations/<int:org_id>/aliases")
@access.signed_in(ADMIN)
def add_alias(org_id):
    org = db.get_or_404(Organisation, org_id)
    try:
        service.add_alias(org, request.form.get("alias", ""), current_user)
    except service.AliasRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.edit_organisation", org_id=org.id, _anchor="aliases"))
    db.session.commit()
    flash(f"Added the name \"{request.form.get('alias', '').strip()}\".", "success")
    return redirect(url_for("admin.edit_organisation", org_id=org.id, _anchor="aliases"))


@bp.post("/organisations/<int:org_id>/aliases/<int:alias_id>/remove")
@access.signed_in(ADMIN)
def remove_alias(org_id, alias_id):
    alias = db.session.get(OrganisationAlias, alias_id)
    if alias is None or alias.organisation_id != org_id:
        abort(404)
    name = alias.alias
    service.remove_alias(alias, current_user)
    db.session.commit()
    flash(f"Removed the name \"{name}\".", "success")
    return redirect(url_for("admin.edit_organisation", org_id=org_id, _anchor="aliases"))
