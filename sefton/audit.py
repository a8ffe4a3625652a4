"""The audit trail: every change adds one AuditEvent in the same transaction as the change."""
import datetime as dt

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from .extensions import db
from .models import AuditEvent, SubAction, utcnow


def snapshot(sub_action: SubAction) -> dict:
    """The fields of a sub-action that a change can touch, as JSON-safe values."""
    return {
        "state": sub_action.state,
        "current_due_on": _iso(sub_action.current_due_on),
        "accepted_on": _iso(sub_action.accepted_on),
        "version": sub_action.version,
    }


def record(action, obj, *, before=None, after=None, sub_action=None, actor=None, at=None, review_id=None,
           organisation_id=None):
    """Add an audit event for `obj` to the session; the caller commits it with the change.
    review_id: the review the change belongs to (derived from the sub-action when there is one);
    None for changes outside any review (people, organisations)."""
    if obj is not None and getattr(obj, "id", 0) is None:
        db.session.flush()  # the event names the object by id
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        sub_action_id=sub_action.id if sub_action is not None else None,
        organisation_id=sub_action.owner_id if sub_action is not None else organisation_id,
        review_id=review_id if review_id is not None else _review_of(sub_action),
        before=_clean(before),
        after=_clean(after),
    )
    db.session.add(event)
    return event


def record_many(rows, *, actor=None):
    """Add many audit events at once (a bulk INSERT, for imports): each row holds action, object_type,
    object_id and optionally sub_action_id, organisation_id, review_id, before, after."""
    if not rows:
        return
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user
    at = utcnow()
    db.session.execute(insert(AuditEvent), [
        {"at": at, "actor_id": actor.id if actor is not None else None, "sub_action_id": None,
         "organisation_id": None, "review_id": None, **row,
         "before": _clean(row.get("before")), "after": _clean(row.get("after"))} for row in rows])


def record_download(action, obj, details, **where):
    """A download (evidence, a report): who (the signed-in user), what (`details`, `obj`), when, and from
    which address (the client's, behind a trusted proxy: SEFTON_TRUSTED_PROXIES). The caller commits."""
    address = request.remote_addr if has_request_context() else None
    return record(action, obj, after={**details, "address": address}, **where)


def _review_of(sub_action):
    if sub_action is None:
        return None
    return sub_action.recommendation.section.review_id


def _iso(value):
    return value.isoformat() if value is not None else None


def _clean(data):
    if data is None:
        return None
    return {k: (_iso(v) if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in data.items()}
