"""Accountability: every download of evidence and of a report is on record (who, what, when, from where)."""
import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from conftest import Auth, _make_app
from sefton import dates
from sefton.extensions import db
from sefton.models import AuditEvent, CqcSubmission, EvidenceFile, EvidenceSubmission, Organisation, Review, SubAction, User


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _file_of(code):
    return db.session.scalars(select(EvidenceFile).join(EvidenceSubmission).join(SubAction)
                              .join(Organisation, SubAction.owner_id == Organisation.id)
                              .where(Organisation.code == code).order_by(EvidenceFile.id)).first()


def test_an_evidence_download_is_recorded_with_who_what_when_and_the_address(app, client, auth):
    client.environ_base["REMOTE_ADDR"] = "10.20.30.40"
    auth.login("ahch@demo.test")
    stored = _file_of("ahch")
    response = client.get(f"/evidence/{stored.id}")
    assert response.status_code == 200
    (event,) = _events("evidence.downloaded")
    # Stamped on the business date in London (stored in UTC: before 01:00 in summer time the UTC date
    # is the day before).
    assert event.actor.email == "ahch@demo.test" and dates.local(event.at).date() == dt.date(2019, 4, 1)
    assert (event.object_type, event.object_id) == ("EvidenceFile", stored.id)
    assert event.after == {"file_id": stored.id, "name": stored.original_name, "sha256": stored.sha256,
                           "submission_id": stored.submission_id, "address": "10.20.30.40"}
    assert event.review_id == db.session.scalar(select(Review.id)) and event.sub_action_id is not None


def test_a_refused_download_records_nothing(app, client, auth):
    auth.login("ahch@demo.test")
    assert client.get(f"/evidence/{_file_of('nwbh').id}").status_code == 404
    assert _events("evidence.downloaded") == []


def test_every_report_download_is_recorded(app, client, auth):
    auth.login("admin@demo.test")
    review_id = db.session.scalar(select(Review.id))
    pdf = b"%PDF-1.7 frozen (illustrative)"
    sub = CqcSubmission(review_id=review_id, as_at=dt.date(2019, 4, 1), figures={}, pdf=pdf,
                        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                        submitted_by_id=db.session.scalar(select(User.id).where(User.email == "admin@demo.test")))
    db.session.add(sub)
    db.session.commit()
    nwbh = db.session.scalar(select(Organisation).where(Organisation.code == "nwbh"))
    downloads = [
        ("/reports/plan.csv?as_at=1+March+2019&org=nwbh", "action-plan.csv", "nwbh", "2019-03-01"),
        ("/reports/plan.xlsx", "action-plan.xlsx", "sefton", "2019-04-01"),
        ("/reports/plan.pdf", "updated-action-plan.pdf", "sefton", "2019-04-01"),
        (f"/reports/submissions/{sub.id}.pdf", "cqc-submission.pdf", "sefton", "2019-04-01"),
        ("/reports/meeting-pack.pdf?since=2019-03-01", "meeting-pack.pdf", "sefton", None),
    ]
    for url, kind, scope, as_at in downloads:
        assert client.get(url).status_code == 200, url
    events = _events("report.downloaded")
    assert [e.after["kind"] for e in events] == [d[1] for d in downloads]
    for event, (url, kind, scope, as_at) in zip(events, downloads):
        assert event.actor.email == "admin@demo.test" and event.review_id == review_id
        assert event.after["scope"] == scope and event.after.get("as_at") == as_at
        assert event.after["address"] == "127.0.0.1" and event.after["file"]
    assert events[0].organisation_id == nwbh.id
    assert (events[3].object_type, events[3].object_id, events[3].after["sha256"]) == (
        "CqcSubmission", sub.id, sub.pdf_sha256)
    assert events[4].after["since"] == "2019-03-01"
    # A refused request (a date that is not one) downloads nothing and records nothing.
    assert client.get("/reports/plan.csv?as_at=31+February+2019").status_code == 400
    assert len(_events("report.downloaded")) == len(downloads)


def test_behind_a_trusted_proxy_the_clients_address_is_recorded(databases):
    url = databases.copy()
    app = _make_app(url, SEFTON_TRUSTED_PROXIES=1)
    try:
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.7"
        Auth(client).login("viewer@demo.test")
        assert client.get("/reports/plan.csv").status_code == 200
        with app.app_context():
            (event,) = _events("report.downloaded")
            assert event.after["address"] == "192.0.2.7"
            db.session.remove()
            db.engine.dispose()
    finally:
        databases.drop(url)
