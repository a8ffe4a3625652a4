"""Finished PDFs (and the HTML of the meeting pack and of the dashboard's tables) kept in the database (table report_cache), so that a
repeat download is served at once by every instance, and a changed plan is never served stale.

The key is a sha256 of everything the bytes depend on: the kind of report, the review, the date it
is "as at", the scope (the organisation, or the whole plan, and whether the reader sees all), the id
of the last audit event (every change to the plan is audited in the same transaction, so any change
gives a new key), the business date the PDF says it was prepared on, and a salt made of the print
templates and stylesheet (a new layout gives a new key). Old entries are never looked at again and
are removed, oldest first, beyond SEFTON_REPORT_CACHE_ENTRIES.
"""
import functools
import hashlib
import os

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from . import dates
from .extensions import db
from .models import AuditEvent, ReportCache

VERSION = "plan-pdf-2"  # bump when the PDF changes for a reason the templates do not show


@functools.lru_cache(maxsize=8)
def _salt_of(stamp):
    digest = hashlib.sha256(VERSION.encode())
    for path, _ in stamp:
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def salt() -> str:
    """A hash of the report templates (print and HTML) and the print stylesheet (read again only when
    a file changes)."""
    templates = os.path.join(current_app.root_path, os.pardir, "templates")
    paths = sorted(os.path.join(folder, n) for folder in (os.path.join(templates, "reports", "print"),
                                                           os.path.join(templates, "reports"))
                   for n in os.listdir(folder) if n.endswith(".html"))
    paths += [os.path.join(templates, "plan", "_progress_table.html"), os.path.join(templates, "macros.html"),
              os.path.join(templates, "plan", "_dashboard_tables.html"),
              os.path.join(current_app.static_folder, "css", "print.css")]
    return _salt_of(tuple((p, os.path.getmtime(p)) for p in paths))


# Audit events that record a reading, not a change: a download must not make the next one render again.
READINGS = ("evidence.downloaded", "report.downloaded")


def last_event_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.action.not_in(READINGS))) or 0


def key(kind, review, as_at, scope, sees_all) -> str:
    parts = [kind, review.id, as_at.isoformat(), scope, int(bool(sees_all)), last_event_id(),
             dates.today().isoformat(), int(bool(current_app.config.get("SEFTON_DEMO"))), salt()]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def get(cache_key):
    return db.session.scalar(select(ReportCache.data).where(ReportCache.key == cache_key))


def put(cache_key, review, kind, body):
    """Keep `body` under `cache_key` (another instance may have stored it meanwhile: then nothing),
    and drop the oldest entries beyond the limit. Commits: the cache is not part of any change."""
    try:
        with db.session.begin_nested():
            db.session.add(ReportCache(key=cache_key, review_id=review.id, kind=kind, size=len(body), data=body))
    except IntegrityError:
        pass
    # Per kind, so that dashboards, rendered after every change, never push the PDFs out.
    limit = int(current_app.config.get("SEFTON_REPORT_CACHE_ENTRIES", 40))
    keep = (select(ReportCache.id).where(ReportCache.kind == kind)
            .order_by(ReportCache.created_at.desc(), ReportCache.id.desc()).limit(limit))
    db.session.execute(delete(ReportCache).where(ReportCache.kind == kind,
                                                 ReportCache.id.not_in(keep.scalar_subquery())))
    # Committed without expiring what the request has loaded: the page goes on rendering it, and
    # expired objects would be loaded again one query at a time.
    session, expire = db.session(), db.session().expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def fetch(kind, review, as_at, scope, sees_all, render):
    """The cached bytes, or render() them now and keep them. Returns (bytes, served_from_cache)."""
    cache_key = key(kind, review, as_at, scope, sees_all)
    body = get(cache_key)
    if body is not None:
        return body, True
    body = render()
    put(cache_key, review, kind, body)
    return body, False
