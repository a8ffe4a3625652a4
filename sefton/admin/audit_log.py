"""Administration: the audit log. Every audit event of the current review and those outside any
review (people, organisations), newest first; filtered by person, organisation, kind of change and
date range; 50 a page; the filtered events as CSV (UTF-8 with BOM, cells never start a formula)."""
import csv
import datetime as dt
import io
import json

from flask import Response, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from .. import access, audit, dates, web
from ..extensions import db
from ..models import LONDON, AuditEvent, Organisation, User
from .blueprint import bp

PAGE_SIZE = 50
CSV_COLUMNS = ["When (UK time)", "Who", "Kind of change", "Object", "Object id", "Organisation", "Before", "After"]


def safe_cell(value):
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def _utc(day):
    """Midnight at the start of a UK date, as the naive UTC timestamps are stored."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.timezone.utc).replace(tzinfo=None)


def read_filters(args):
    """({filter: value}, {field: error}) from the query string."""
    filters, errors = {}, {}
    for name in ("person", "organisation"):
        number = web.int_arg(args.get(name))  # an id too large for the database is no id (issue 21)
        if number is not None:
            filters[name] = number
    if args.get("action", "").strip():
        filters["action"] = args["action"].strip()[:60]
    for name, label in (("from", "The first date"), ("to", "The last date")):
        raw = args.get(name, "").strip()
        if raw:
            try:
                filters[name] = dates.parse(raw)
            except ValueError as exc:
                errors[name] = f"{label}: {exc}"
    if "from" in filters and "to" in filters and filters["to"] < filters["from"]:
        errors["to"] = "The last date must be the same as or after the first date"
    return filters, errors


def events_query(review, filters):
    review_id = review.id if review is not None else None
    e = AuditEvent
    query = select(e).where(or_(e.review_id == review_id, e.review_id.is_(None)))
    if "person" in filters:
        query = query.where(e.actor_id == filters["person"])
    if "organisation" in filters:
        query = query.where(e.organisation_id == filters["organisation"])
    if "action" in filters:
        query = query.where(e.action == filters["action"])
    if "from" in filters:
        query = query.where(e.at >= _utc(filters["from"]))
    if "to" in filters:
        query = query.where(e.at < _utc(filters["to"] + dt.timedelta(days=1)))
    return query


def _choices(review):
    e = AuditEvent
    scope = or_(e.review_id == (review.id if review else None), e.review_id.is_(None))
    people = db.session.execute(select(User.id, User.name, User.email)
                                .where(User.id.in_(select(e.actor_id).where(scope))).order_by(User.name)).all()
    orgs = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    actions = db.session.scalars(select(e.action).where(scope).distinct().order_by(e.action)).all()
    return people, orgs, actions


def describe(data):
    if not data:
        return ""
    return "; ".join(f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v}"
                     for k, v in data.items())


@bp.get("/audit")
@access.signed_in(*access.ADMINISTRATORS)
def audit_log():
    review = web.current_review()
    filters, errors = read_filters(request.args)
    query = events_query(review, {} if errors else filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page_no = web.page_of(total, size=PAGE_SIZE).number
    events = db.session.scalars(
        query.options(joinedload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE).offset((page_no - 1) * PAGE_SIZE)).all()
    orgs = dict(db.session.execute(select(Organisation.id, Organisation.short_name)).all())
    people, org_choices, actions = _choices(review)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/audit_log.html", review=review, events=events, total=total, page=page_no,
                           pages=pages, args=args, filters=filters, errors=errors, people=people,
                           org_choices=org_choices, actions=actions, orgs=orgs, describe=describe,
                           status=422 if errors else 200), (422 if errors else 200)


@bp.get("/audit.csv")
@access.signed_in(*access.ADMINISTRATORS)
def audit_csv():
    review = web.current_review()
    filters, errors = read_filters(request.args)
    if errors:
        return audit_log()
    orgs = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    query = (events_query(review, filters).options(joinedload(AuditEvent.actor))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, so that Excel reads UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in db.session.scalars(query):
        writer.writerow([safe_cell(v) for v in (
            dates.format_datetime(event.at), event.actor.name if event.actor else "The system", event.action,
            event.object_type, event.object_id, orgs.get(event.organisation_id, ""),
            describe(event.before), describe(event.after))])
    filename = f"audit-log-{dates.today().isoformat()}.csv"
    audit.record_download("report.downloaded", None, {  # a bulk download, on record like the others
        "kind": "audit log", "file": filename, "filters": {k: str(v) for k, v in filters.items()}},
        review_id=review.id if review else None)
    db.session.commit()
    response = Response(out.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
