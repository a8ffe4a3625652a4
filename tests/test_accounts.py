"""Accounts: Administration → People, invitations and resets through a real SMTP server, the
account page and changing one's own password."""
import datetime as dt
import re

from sqlalchemy import select

from conftest import Auth
from mailserver import link_in, smtp_server, wait_for_mail  # noqa: F401  (fixture)
from sefton.accounts import sessions
from sefton.extensions import db
from sefton.models import AccountToken, AuditEvent, Organisation, OutboxMessage, User, UserSession

NEW_PASSWORD = "tidal marsh lantern 47"


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _org(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def _form_token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _invite(client, auth, **fields):
    token = auth.token("/admin/people/invite")
    data = {"name": "Robin Example", "email": "robin.example@nhs.example", "role": "org",
            "organisation": str(_org("lwh").id), "csrf_token": token, **fields}
    return client.post("/admin/people/invite", data=data)


def _set_password(client, link, password=NEW_PASSWORD, confirm=None):
    """Open the link (it redirects to an address without the token) and post the form there."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow_redirects=True)
    if page.status_code != 200:
        return page
    assert page.request.path in ("/invitation", "/reset-password")
    return client.post(page.request.path, data={"password": password, "confirm": confirm or password,
                                                 "csrf_token": _form_token(page.get_data(as_text=True))})


def test_invitation_set_password_and_sign_in_through_the_real_smtp_server(app, client, auth, smtp_server):
    app.config["SEFTON_SMTP_URL"] = smtp_server.url
    app.config["SEFTON_BASE_URL"] = "https://tracker.example"
    auth.login("admin@demo.test")
    response = _invite(client, auth)
    assert response.status_code == 302
    robin = _user("robin.example@nhs.example")
    assert robin.password_hash is None and robin.role == "org" and robin.organisation.code == "lwh"
    [event] = _events("user.invited")
    assert event.organisation_id == robin.organisation_id and event.actor_id == _user("admin@demo.test").id
    [message] = wait_for_mail(smtp_server, "robin.example@nhs.example")  # sent in the background
    link = link_in(message, "/invitation/")
    assert link.startswith("https://tracker.example/invitation/")
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(AccountToken).where(AccountToken.user_id == robin.id)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64
    assert stored.expires_at - stored.created_at == dt.timedelta(hours=72)

    newcomer = app.test_client()
    assert _set_password(newcomer, link).status_code == 302
    assert _events("user.invitation_accepted")
    assert Auth(newcomer).login("robin.example@nhs.example", NEW_PASSWORD).status_code == 302
    assert "Robin Example" in newcomer.get("/").get_data(as_text=True)
    # The link works once.
    assert _set_password(app.test_client(), link, "another fine phrase 12").status_code == 404


def test_expired_invitation_link_is_refused(app, client, auth):
    auth.login("admin@demo.test")
    _invite(client, auth)
    link = link_in_outbox("robin.example@nhs.example", "/invitation/")
    stored = db.session.scalars(select(AccountToken)).one()
    stored.expires_at = sessions.now() - dt.timedelta(seconds=1)
    db.session.commit()
    response = _set_password(app.test_client(), link)
    assert response.status_code == 404 and "no longer works" in response.get_data(as_text=True)
    assert _user("robin.example@nhs.example").password_hash is None


def test_resending_an_invitation_ends_the_earlier_link(app, client, auth):
    auth.login("admin@demo.test")
    _invite(client, auth)
    first = link_in_outbox("robin.example@nhs.example", "/invitation/")
    robin = _user("robin.example@nhs.example")
    client.post(f"/admin/people/{robin.id}/resend-invitation", data={"csrf_token": auth.token("/admin/people")})
    second = link_in_outbox("robin.example@nhs.example", "/invitation/", newest=True)
    assert first != second
    assert _set_password(app.test_client(), first).status_code == 404
    assert _set_password(app.test_client(), second).status_code == 302


def link_in_outbox(address, part, newest=False):
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == address)
                                  .order_by(OutboxMessage.id.desc() if newest else OutboxMessage.id)).all()
    match = re.search(r"https?://\S*" + re.escape(part) + r"\S*", messages[0].body_text)
    return match.group(0)


def test_invite_refuses_bad_input_and_stores_nothing(app, client, auth):
    auth.login("admin@demo.test")
    before = db.session.scalar(select(db.func.count(User.id)))
    cases = [({"email": "not an address"}, "correct format"),
             ({"email": "AHCH@demo.test"}, "already an account"),
             ({"name": ""}, "full name"),
             ({"organisation": ""}, "Choose the organisation"),
             ({"role": "superuser"}, "Not a valid choice")]
    for fields, message in cases:
        response = _invite(client, auth, **fields)
        assert response.status_code == 422, fields
        body = response.get_data(as_text=True)
        assert "There is a problem" in body and message in body, fields
    assert db.session.scalar(select(db.func.count(User.id))) == before
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 0


def test_people_list_filters(app, client, auth):
    auth.login("admin@demo.test")
    page = client.get("/admin/people?role=reviewer").get_data(as_text=True)
    assert "reviewer@demo.test" in page and "reviewer2@demo.test" in page and "ahch@demo.test" not in page
    page = client.get(f"/admin/people?organisation={_org('ahch').id}").get_data(as_text=True)
    assert "ahch@demo.test" in page and "lwh@demo.test" not in page
    _user("lwh@demo.test").active = False
    db.session.commit()
    page = client.get("/admin/people?active=deactivated").get_data(as_text=True)
    assert "lwh@demo.test" in page and "ahch@demo.test" not in page


def test_people_pages_are_for_admins_only(client, auth):
    auth.login("reviewer@demo.test")
    assert client.get("/admin/people").status_code == 403
    assert client.get("/admin/people/invite").status_code == 403


def test_deactivation_ends_sessions_at_once_and_keeps_history(app, client, auth):
    lwh_client = app.test_client()
    Auth(lwh_client).login("lwh@demo.test")
    assert lwh_client.get("/").status_code == 200
    auth.login("admin@demo.test")
    lwh = _user("lwh@demo.test")
    response = client.post(f"/admin/people/{lwh.id}/deactivate", data={"csrf_token": auth.token("/admin/people")})
    assert response.status_code == 302
    assert lwh_client.get("/").status_code == 302
    assert db.session.scalar(select(db.func.count(UserSession.id)).where(
        UserSession.user_id == lwh.id, UserSession.ended_at.is_(None))) == 0
    [event] = _events("user.deactivated")
    assert event.before["active"] is True and event.after["active"] is False
    assert Auth(app.test_client()).login("lwh@demo.test").status_code == 422
    client.post(f"/admin/people/{lwh.id}/reactivate", data={"csrf_token": auth.token("/admin/people")})
    assert Auth(app.test_client()).login("lwh@demo.test").status_code == 302


def test_change_role_and_organisation(app, client, auth):
    auth.login("admin@demo.test")
    person = _user("lwh@demo.test")
    token = auth.token("/admin/people")
    bad = client.post(f"/admin/people/{person.id}/access", data={"role": "org", "organisation": "", "csrf_token": token})
    assert bad.status_code == 422 and _user("lwh@demo.test").organisation.code == "lwh"
    ok = client.post(f"/admin/people/{person.id}/access",
                     data={"role": "reviewer", "organisation": str(_org("sf-ccg").id), "csrf_token": token})
    assert ok.status_code == 302
    person = _user("lwh@demo.test")
    assert person.role == "reviewer" and person.organisation.code == "sf-ccg"
    [event] = _events("user.access_changed")
    assert event.before["role"] == "org" and event.after["role"] == "reviewer"


def test_an_admin_cannot_deactivate_themselves(client, auth):
    auth.login("admin@demo.test")
    admin = _user("admin@demo.test")
    response = client.post(f"/admin/people/{admin.id}/deactivate", data={"csrf_token": auth.token("/admin/people")})
    assert response.status_code == 403 and _user("admin@demo.test").active


def test_admin_reset_sends_a_link_and_never_sets_a_password(app, client, auth):
    auth.login("admin@demo.test")
    ahch = _user("ahch@demo.test")
    before = ahch.password_hash
    client.post(f"/admin/people/{ahch.id}/reset-password", data={"csrf_token": auth.token("/admin/people")})
    assert _user("ahch@demo.test").password_hash == before
    link = link_in_outbox("ahch@demo.test", "/reset-password/")
    assert _set_password(app.test_client(), link).status_code == 302
    assert Auth(app.test_client()).login("ahch@demo.test", NEW_PASSWORD).status_code == 302


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(app, client):
    def ask(email):
        page = client.get("/forgot-password").get_data(as_text=True)
        return client.post("/forgot-password", data={"email": email, "csrf_token": _form_token(page)})

    known, unknown = ask("ahch@demo.test"), ask("nobody@nowhere.example")
    strip = lambda r: re.sub(r'(value|content|hx-headers)=[\'"][^\'"]*[\'"]', "", r.get_data(as_text=True))  # noqa: E731
    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_addr == "ahch@demo.test"
    token = db.session.scalars(select(AccountToken)).one()
    assert token.expires_at - token.created_at == dt.timedelta(hours=1)
    link = link_in_outbox("ahch@demo.test", "/reset-password/")
    assert _set_password(app.test_client(), link).status_code == 302
    assert _set_password(app.test_client(), link).status_code == 404  # single use


def test_weak_passwords_are_refused_in_the_form_and_nothing_is_stored(app, client, auth):
    auth.login("admin@demo.test")
    _invite(client, auth)
    link = link_in_outbox("robin.example@nhs.example", "/invitation/")
    for password, message in [("short pass", "at least 12 characters"), ("password1234", "less common"),
                              ("robin-is-the-best-1", "does not contain your name")]:
        response = _set_password(app.test_client(), link, password)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    mismatch = _set_password(app.test_client(), link, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422 and "do not match" in mismatch.get_data(as_text=True)
    assert _user("robin.example@nhs.example").password_hash is None


def test_account_page_shows_the_person_and_their_sessions(client, auth):
    auth.login("ahch@demo.test")
    page = client.get("/account").get_data(as_text=True)
    assert "ahch@demo.test" in page and "Alder Hey" in page and "This session" in page
    assert "Set up two-step verification" in page


def test_changing_password_needs_the_current_one_and_ends_other_sessions(app, client, auth):
    other = app.test_client()
    Auth(other).login("ahch@demo.test")
    auth.login("ahch@demo.test")
    page = client.get("/account/password").get_data(as_text=True)
    data = {"current": "wrong password here", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "csrf_token": _form_token(page)}
    wrong = client.post("/account/password", data=data)
    assert wrong.status_code == 422 and "current password is not correct" in wrong.get_data(as_text=True)
    assert other.get("/").status_code == 200
    response = client.post("/account/password", data={**data, "current": "sefton-demo-2019"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session stays
    assert other.get("/").status_code == 302  # the other one has ended
    assert _events("user.password_changed")
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_changed")).one()
    assert Auth(app.test_client()).login("ahch@demo.test", NEW_PASSWORD).status_code == 302


def test_create_user_refuses_weak_passwords_and_bad_addresses(runner):
    def create(email, password):
        return runner.invoke(args=["create-user", "--email", email, "--name", "Sam Tester", "--role", "viewer",
                                   "--password", password])

    assert "correct format" in create("not-an-address", NEW_PASSWORD).output
    assert "less common" in create("sam@nhs.example", "password123456").output
    assert "at least 12" in create("sam@nhs.example", "short").output
    assert "your name" in create("sam@nhs.example", "tester-of-things-9").output
    assert _user("sam@nhs.example") is None
    result = create("Sam@NHS.example", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert _user("sam@nhs.example").check_password(NEW_PASSWORD)
