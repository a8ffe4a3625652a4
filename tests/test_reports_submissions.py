"""Submissions to CQC (frozen, never changed), changes since the last one, the meeting pack."""
import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from conftest import Auth
from sefton import workflow
from sefton.extensions import db
from sefton.models import AuditEvent, CqcSubmission, EvidenceSubmission, ImmutableError, SubAction, User


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _record(client, auth, as_at="1 April 2019", note="Sent to the CQC inspector by secure email."):
    token = auth.token("/reports/submissions")
    return client.post("/reports/submissions", data={"csrf_token": token, "as_at": as_at, "note": note})


def _accept_a_pending_submission():
    """A reviewer accepts one piece of evidence awaiting review (today, the business date)."""
    pending = db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.status == "pending")
                                 .order_by(EvidenceSubmission.id)).first()
    sa = pending.sub_action
    # The other CCG's reviewer decides on South Sefton's evidence (separation of duties).
    reviewer = _user("reviewer2@demo.test" if sa.owner.code == "ss-ccg" else "reviewer@demo.test")
    workflow.accept_submission(reviewer, pending, version=sa.version)
    db.session.commit()
    return sa


def test_admin_records_a_submission_frozen_with_its_audit_event(app, client, auth):
    auth.login("admin@demo.test")
    response = _record(client, auth)
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/submissions")
    sub = db.session.scalars(select(CqcSubmission)).one()
    assert sub.as_at == dt.date(2019, 4, 1) and sub.submitted_by.email == "admin@demo.test"
    assert sub.figures["by_section"]["total"]["green"] == 93
    assert sub.figures["by_organisation"]["total"]["sub_actions"] == 245
    assert hashlib.sha256(sub.pdf).hexdigest() == sub.pdf_sha256 and sub.pdf.startswith(b"%PDF-")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cqc_submission.recorded")).one()
    assert event.object_id == sub.id and event.after["pdf_sha256"] == sub.pdf_sha256
    page = client.get("/reports/submissions").get_data(as_text=True)
    assert "Submission to CQC recorded" in page and "93 / 152 / 0 of 245" in page

    frozen = sub.pdf
    _accept_a_pending_submission()  # the plan moves on
    download = client.get(f"/reports/submissions/{sub.id}.pdf")
    assert download.status_code == 200 and download.data == frozen
    assert download.headers["X-Content-SHA256"] == sub.pdf_sha256


def test_recording_through_htmx_loads_the_list_and_a_bad_date_returns_the_form(app, client, auth):
    auth.login("admin@demo.test")
    token = auth.token("/reports/submissions")
    htmx = {"HX-Request": "true"}
    refused = client.post("/reports/submissions", data={"as_at": "32 March 2019", "csrf_token": token}, headers=htmx)
    assert refused.status_code == 422 and 'id="record-submission"' in refused.get_data(as_text=True)
    assert "Enter a real date" in refused.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(CqcSubmission.id))) == 0
    assert client.post("/reports/submissions", data={"as_at": "1 April 2019", "csrf_token": token}).status_code == 302
    response = client.post("/reports/submissions", data={"as_at": "1 April 2019", "csrf_token": token}, headers=htmx)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/reports/submissions"
    assert db.session.scalar(select(db.func.count(CqcSubmission.id))) == 2
    assert client.post("/reports/submissions", data={"as_at": "1 April 2019"}, headers=htmx).status_code == 400


def test_a_recorded_submission_cannot_be_changed(app, client, auth):
    auth.login("admin@demo.test")
    _record(client, auth)
    sub = db.session.scalars(select(CqcSubmission)).one()
    # No route changes or deletes one: only GET on a submission's URL, and POST answers 405.
    for rule in app.url_map.iter_rules():
        if "submission_id" in rule.arguments and rule.endpoint.startswith("reports."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    token = auth.token("/reports/submissions")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/reports/submissions/{sub.id}.pdf", data={"csrf_token": token})
        assert response.status_code == 405
    # Nor the ORM.
    sub.note = "changed"
    with pytest.raises(ImmutableError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(CqcSubmission, sub.id))
    with pytest.raises(ImmutableError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(CqcSubmission, sub.id).note == "Sent to the CQC inspector by secure email."


@pytest.mark.parametrize("email", ["reviewer@demo.test", "viewer@demo.test", "ahch@demo.test"])
def test_only_an_admin_records_a_submission(app, client, auth, email):
    auth.login(email)
    token = auth.token("/reports/")
    response = client.post("/reports/submissions", data={"csrf_token": token, "as_at": "1 April 2019"})
    assert response.status_code == 403
    assert db.session.scalars(select(CqcSubmission)).first() is None


def test_recording_needs_the_csrf_token_and_a_past_date(app, client, auth):
    auth.login("admin@demo.test")
    assert client.post("/reports/submissions", data={"as_at": "1 April 2019"}).status_code == 400
    response = _record(client, auth, as_at="5 April 2019")
    assert response.status_code == 422 and "on or before today" in response.get_data(as_text=True)
    assert db.session.scalars(select(CqcSubmission)).first() is None


def test_changes_since_the_last_submission(app, client, auth):
    auth.login("admin@demo.test")
    assert "no earlier submission" in client.get("/reports/submissions").get_data(as_text=True)
    _record(client, auth, as_at="15 March 2019")
    accepted = db.session.scalars(select(EvidenceSubmission).where(
        EvidenceSubmission.status == "accepted", EvidenceSubmission.decided_on > dt.date(2019, 3, 15))).all()
    assert accepted
    sa = _accept_a_pending_submission()
    html = client.get("/reports/submissions").get_data(as_text=True)
    section = html.split('id="changes-green"')[1].split('id="changes-red"')[0]
    assert f"Turned Green ({len(accepted) + 1})" in html
    for sub in accepted:
        assert f">{sub.sub_action.ref}</a>" in section
    assert f">{sa.ref}</a>" in section
    assert "No sub-action went Red." in html


def test_meeting_pack_after_a_change(app, client, auth):
    sa = _accept_a_pending_submission()
    overdue = db.session.scalars(select(SubAction).where(SubAction.state == "open",
                                                         SubAction.current_due_on == dt.date(2019, 4, 1))).first()
    app.config["SEFTON_TODAY"] = dt.date(2019, 4, 2)  # a day later: what was due on 1 April is overdue
    auth.login("reviewer@demo.test")
    html = client.get("/reports/meeting-pack?since=25 March 2019").get_data(as_text=True)
    green = html.split('id="pack-green"')[1].split('id="pack-red"')[0]
    red = html.split('id="pack-red"')[1].split('id="pack-awaiting"')[0]
    assert f">{sa.ref}</a>" in green
    assert f">{overdue.ref}</a>" in red and "Grey (not yet due) → Red (overdue)" in red
    requested = html.split('id="pack-requested"')[1].split('id="pack-decided"')[0]
    assert "Awaiting a decision" in requested
    assert "Awaiting review (" in html
    response = client.get("/reports/meeting-pack.pdf?since=25 March 2019")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert client.get("/reports/meeting-pack?since=not a date").status_code == 400


def test_meeting_pack_page_is_served_from_the_cache_until_the_plan_changes(app, client, auth, monkeypatch):
    from sefton.reports import changes

    built = []
    real = changes.meeting_pack
    monkeypatch.setattr(changes, "meeting_pack", lambda *a, **k: built.append(1) or real(*a, **k))
    auth.login("reviewer@demo.test")
    first = client.get("/reports/meeting-pack?since=25 March 2019").get_data(as_text=True)
    again = client.get("/reports/meeting-pack?since=25 March 2019").get_data(as_text=True)
    assert len(built) == 1 and first.split("<h2>Since")[1] == again.split("<h2>Since")[1]
    assert "Awaiting review (" in again and 'id="pack-green"' in again
    other = Auth(app.test_client())
    other.login("viewer@demo.test")
    assert 'id="pack-green"' in other.client.get("/reports/meeting-pack?since=25 March 2019").get_data(as_text=True)
    assert len(built) == 1  # the same pack for every member of the group
    client.get("/reports/meeting-pack?since=26 March 2019")
    assert len(built) == 2  # another date, another pack
    sa = _accept_a_pending_submission()  # a change to the plan: a fresh pack
    fresh = client.get("/reports/meeting-pack?since=25 March 2019").get_data(as_text=True)
    assert len(built) == 3
    assert f">{sa.ref}</a>" in fresh.split('id="pack-green"')[1].split('id="pack-red"')[0]


def test_meeting_pack_since_before_the_plan_was_agreed(demo_client, demo_auth):
    """Sub-actions added after the chosen date count as completed when they turned Green since
    (the demo plan was agreed on 14 January 2019, every green since then)."""
    demo_auth.login("viewer@demo.test")
    html = demo_client.get("/reports/meeting-pack?since=1 January 2019").get_data(as_text=True)
    green = html.split('id="pack-green"')[1].split('id="pack-red"')[0]
    assert "Completed (turned Green) (93)" in html  # the dashboard's green count on 1 April 2019
    assert green.count("Added → Green") == 93
    later = demo_client.get("/reports/meeting-pack?since=1 March 2019").get_data(as_text=True)
    assert "Added → " not in later and "Grey (not yet due) → Green" in later
