"""Administration of organisations: add, rename, short name, deactivate and reactivate; audited
outside any review; bad input and stale forms refused with nothing written."""
import pytest
from sqlalchemy import func, select

from admin_helpers import form_token, org
from sefton.extensions import db
from sefton.models import AuditEvent, Organisation


@pytest.fixture
def admin(client, auth):
    auth.login("admin@demo.test")
    return client


def post(client, path, data):
    return client.post(path, data={"csrf_token": form_token(client, "/admin/organisations"), **data})


def last_event():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_add_rename_and_deactivate_an_organisation(app, admin):
    response = post(admin, "/admin/organisations/new", {"code": "sefton-cvs", "name": "Sefton CVS", "short_name": "CVS"})
    assert response.status_code == 302
    new = org("sefton-cvs")
    assert (new.name, new.short_name, new.active) == ("Sefton CVS", "CVS", True)
    event = last_event()
    assert (event.action, event.review_id, event.organisation_id) == ("organisation.added", None, new.id)
    response = post(admin, f"/admin/organisations/{new.id}/edit",
                    {"version": new.version, "name": "Sefton Council for Voluntary Service", "short_name": "Sefton CVS"})
    assert response.status_code == 302
    db.session.refresh(new)
    assert (new.name, new.short_name, new.code) == ("Sefton Council for Voluntary Service", "Sefton CVS", "sefton-cvs")
    assert last_event().before["name"] == "Sefton CVS"
    assert post(admin, f"/admin/organisations/{new.id}/deactivate", {"version": new.version}).status_code == 302
    db.session.refresh(new)
    assert not new.active and last_event().action == "organisation.deactivated"
    assert post(admin, f"/admin/organisations/{new.id}/reactivate", {"version": new.version}).status_code == 302
    db.session.refresh(new)
    assert new.active and last_event().action == "organisation.reactivated"
    assert "Sefton Council for Voluntary Service" in admin.get("/admin/organisations").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"code": "ahch", "name": "Dup", "short_name": "D"}, "already has the code"),
    ({"code": "", "name": "X", "short_name": "X"}, "Enter a code"),
    ({"code": "new-org", "name": "", "short_name": "X"}, "Enter the organisation"),
    ({"code": "=cmd", "name": "X", "short_name": "X"}, "letters, numbers and hyphens"),
])
def test_bad_organisation_input_is_refused(app, admin, data, message):
    count = db.session.scalar(select(func.count(Organisation.id)))
    response = post(admin, "/admin/organisations/new", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == count


def test_stale_rename_and_deactivate_are_refused(app, admin):
    ahch = org("ahch")
    old = ahch.version
    ahch.short_name = "Changed elsewhere"
    db.session.commit()
    response = post(admin, f"/admin/organisations/{ahch.id}/edit", {"version": old, "name": "X", "short_name": "Y"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this organisation" in html and 'value="Changed elsewhere"' in html
    response = post(admin, f"/admin/organisations/{ahch.id}/deactivate", {"version": old})
    assert response.status_code == 409 and "Nothing was saved" in response.get_data(as_text=True)
    db.session.refresh(ahch)
    assert ahch.active and ahch.name != "X"
