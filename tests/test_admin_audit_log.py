"""The audit log: the current review's events and those outside any review, newest first, filtered,
paged, and downloadable as CSV (UTF-8 with BOM, formula-safe)."""
import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, or_, select

from admin_helpers import form_token, org, sefton
from sefton.extensions import db
from sefton.models import AuditEvent, Review, User


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return client


def in_scope(review_id):
    return or_(AuditEvent.review_id == review_id, AuditEvent.review_id.is_(None))


def test_lists_the_reviews_events_newest_first_fifty_a_page(app, admin):
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(in_scope(sefton().id)))
    assert total > 50
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert f"{total} events" in html
    newest = db.session.scalars(select(AuditEvent).where(in_scope(sefton().id))
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).first()
    assert re.search(r'<tr id="event-(\d+)"', html).group(1) == str(newest.id)
    assert html.count('<tr id="event-') == 50
    last_page = (total + 49) // 50
    page = admin.get(f"/admin/audit?page={last_page}").get_data(as_text=True)
    assert page.count('<tr id="event-') == total - 50 * (last_page - 1)


def test_events_of_another_review_are_not_listed(app, admin):
    other = Review(title="Other", body="Ofsted", area="Sefton", on_site_from=dt.date(2019, 1, 1),
                   on_site_to=dt.date(2019, 1, 2), published_on=dt.date(2019, 2, 1), plan_due_on=dt.date(2019, 6, 1),
                   code="OTHER")
    db.session.add(other)
    db.session.flush()
    db.session.add(AuditEvent(action="review.created", object_type="Review", object_id=other.id, review_id=other.id,
                              after={"code": "OTHER-MARK"}))
    db.session.add(AuditEvent(action="organisation.added", object_type="Organisation", object_id=1,
                              after={"code": "OUTSIDE-MARK"}))
    db.session.commit()
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "OUTSIDE-MARK" in html and "OTHER-MARK" not in html


def test_filters_by_person_organisation_kind_and_dates(app, admin):
    reviewer = db.session.scalar(select(User).where(User.email == "reviewer@demo.test"))
    ahch = org("ahch")
    q = select(func.count(AuditEvent.id)).where(in_scope(sefton().id))
    expected = db.session.scalar(q.where(AuditEvent.actor_id == reviewer.id, AuditEvent.action == "evidence.accepted"))
    html = admin.get(f"/admin/audit?person={reviewer.id}&action=evidence.accepted").get_data(as_text=True)
    assert expected and f"{expected} event" in html
    expected = db.session.scalar(q.where(AuditEvent.organisation_id == ahch.id))
    assert f"{expected} event" in admin.get(f"/admin/audit?organisation={ahch.id}").get_data(as_text=True)
    day = db.session.scalar(select(AuditEvent.at).order_by(AuditEvent.at)).date()
    rows = db.session.scalars(select(AuditEvent.at).where(in_scope(sefton().id))).all()
    response = admin.get(f"/admin/audit?from={day:%d/%m/%Y}&to={day:%d/%m/%Y}")
    assert response.status_code == 200
    assert 0 < int(response.get_data(as_text=True).split(" event")[0].rsplit(">", 1)[-1].strip()) <= len(rows)
    bad = admin.get("/admin/audit?from=31 February 2019")
    assert bad.status_code == 422 and "Enter a real date" in bad.get_data(as_text=True)


def test_csv_download_is_utf8_with_bom_and_formula_safe(app, admin):
    db.session.add(AuditEvent(action="organisation.added", object_type="Organisation", object_id=1,
                              after={"name": "=HYPERLINK(\"http://x\")"}))
    db.session.commit()
    response = admin.get("/admin/audit.csv?action=organisation.added")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "When (UK time)" and len(rows) == 2
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert 'HYPERLINK' in rows[1][7]


def test_admin_changes_show_in_the_log(app, admin):
    ahch = org("ahch")
    admin.post(f"/admin/organisations/{ahch.id}/edit", data={
        "csrf_token": form_token(admin, "/admin/organisations"), "version": ahch.version,
        "name": ahch.name, "short_name": "AH"})
    html = admin.get("/admin/audit?action=organisation.edited").get_data(as_text=True)
    assert "1 event" in html and "short_name: AH" in html
