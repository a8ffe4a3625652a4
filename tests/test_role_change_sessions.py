"""Issue 21, point 2: a change of role or organisation ends the person's sessions, so a session that
never passed two-step cannot become an administrator's or a reviewer's."""
from sqlalchemy import select

from conftest import Auth
from sefton.extensions import db
from sefton.models import AuditEvent, Organisation, User, UserSession

PASSWORD = "quiet harbour violin 58"


def _org(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def _lead():
    return db.session.scalar(select(User).where(User.email == "lead@nhs.example"))


def _signed_in_lead(app):
    user = User(email="lead@nhs.example", name="Lee Lead", role="org", organisation=_org("lwh"))
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    client = app.test_client()
    assert Auth(client).login("lead@nhs.example", PASSWORD).headers["Location"] == "/"  # no two-step for org users
    assert client.get("/my-actions").status_code == 200
    return client


def _change(app, role, org):
    admin = app.test_client()
    Auth(admin).login("admin@demo.test")
    return admin.post(f"/admin/people/{_lead().id}/access",
                      data={"role": role, "organisation": str(org.id) if org else "",
                            "csrf_token": Auth(admin).token("/admin/people")})


def _refused(client, path):
    response = client.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_person_made_admin_while_signed_in_must_sign_in_again(app):
    old = _signed_in_lead(app)
    response = _change(app, "admin", None)
    assert response.status_code == 302
    assert _lead().role == "admin"
    assert _refused(old, "/admin/people") and _refused(old, "/admin/")
    assert _refused(old, "/my-actions") and _refused(old, "/")
    assert db.session.scalar(select(db.func.count(UserSession.id)).where(
        UserSession.user_id == _lead().id, UserSession.ended_at.is_(None))) == 0
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.access_changed")).all()
    assert event.before["role"] == "org" and event.after["role"] == "admin" and event.after["sessions_ended"] == 1
    # Signing in again asks for two-step, now that the role needs it.
    assert Auth(app.test_client()).login("lead@nhs.example", PASSWORD).headers["Location"] == "/login/two-step/set-up"


def test_a_person_made_reviewer_or_moved_to_another_organisation_must_sign_in_again(app):
    old = _signed_in_lead(app)
    assert _change(app, "org", _org("ahch")).status_code == 302
    assert _refused(old, "/my-actions")
    again = app.test_client()
    Auth(again).login("lead@nhs.example", PASSWORD)
    assert _change(app, "reviewer", _org("ahch")).status_code == 302
    assert _refused(again, "/review") and _refused(again, "/")


def test_saving_the_same_role_and_organisation_ends_nothing(app):
    old = _signed_in_lead(app)
    assert _change(app, "org", _org("lwh")).status_code == 302
    assert old.get("/my-actions").status_code == 200
