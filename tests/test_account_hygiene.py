"""Account hygiene (issue 21, point 8): the demo's published password refused as a real one; names
with control or formatting characters refused; at most one reset e-mail per account every few
minutes, the page answering the same; invitation and reset links leave their token for a clean
address at once."""
import datetime as dt
import logging
import re
import threading

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from conftest import PASSWORD, Auth
from sefton.accounts import passwords, sessions
from sefton.extensions import db
from sefton.models import AccountToken, OutboxMessage, User

NEW_PASSWORD = "tidal marsh lantern 47"


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _form_token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _outbox(address=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if address:
        query = query.where(OutboxMessage.to_addr == address)
    return db.session.scalars(query).all()


def _link(address, part):
    return re.search(r"https?://\S*" + re.escape(part) + r"\S*", _outbox(address)[-1].body_text).group(0)


def _path(link):
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


# --- the demo's password -----------------------------------------------------------------------

def test_the_demo_password_is_published_and_refused_in_every_form():
    from sefton.demo import loading

    assert loading.PASSWORD == PASSWORD
    for variant in (PASSWORD, PASSWORD.upper(), "Sefton Demo 2020!", "sefton_demo_2019"):
        assert passwords.PUBLISHED in passwords.problems(variant, name="Robin Example", email="robin@nhs.example")
    assert passwords.problems("sefton demo tracker wins", name="Robin", email="robin@nhs.example") == []


def test_a_person_cannot_choose_the_demo_password(app, client, auth):
    auth.login("ahch@demo.test")
    page = client.get("/account/password").get_data(as_text=True)
    answer = client.post("/account/password", data={"current": PASSWORD, "password": "Sefton-Demo-2019",
                                                     "confirm": "Sefton-Demo-2019", "csrf_token": _form_token(page)})
    assert answer.status_code == 422 and "this one is published" in answer.get_data(as_text=True)


def test_create_user_refuses_the_demo_password(runner):
    result = runner.invoke(args=["create-user", "--email", "sam@nhs.example", "--name", "Sam Tester",
                                 "--role", "viewer", "--password", PASSWORD])
    assert result.exit_code != 0 and "published" in result.output
    assert _user("sam@nhs.example") is None


def test_create_user_refuses_a_name_with_a_right_to_left_override(runner):
    result = runner.invoke(args=["create-user", "--email", "sam@nhs.example", "--name", "Sam \u202eretseT",
                                 "--role", "viewer", "--password", "a long and unusual passphrase 7"])
    assert result.exit_code != 0 and _user("sam@nhs.example") is None


# --- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Robin \u202eelpmaxE", "Robin\nExample", "Robin\r\nExample", "Robin\u2028Example",
                                  "Robin\u200bExample", "Robin\x00Example"])
def test_a_name_with_a_line_break_or_a_formatting_character_is_refused(app, client, auth, name):
    auth.login("admin@demo.test")
    before = db.session.scalar(select(db.func.count(User.id)))
    answer = client.post("/admin/people/invite", data={
        "name": name, "email": "robin.example@nhs.example", "role": "viewer", "organisation": "",
        "csrf_token": auth.token("/admin/people/invite")})
    body = answer.get_data(as_text=True)
    assert answer.status_code in (400, 422)  # a NUL is refused before any form (400)
    if answer.status_code == 422:
        assert "There is a problem" in body and "right-to-left" in body
    assert db.session.scalar(select(db.func.count(User.id))) == before and not _outbox()


def test_a_name_in_another_script_is_accepted(app, client, auth):
    auth.login("admin@demo.test")
    answer = client.post("/admin/people/invite", data={
        "name": "Zoë O'Brien-Łukasz مريم", "email": "zoe@nhs.example", "role": "viewer", "organisation": "",
        "csrf_token": auth.token("/admin/people/invite")})
    assert answer.status_code == 302 and _user("zoe@nhs.example").name == "Zoë O'Brien-Łukasz مريم"


# --- reset e-mails spaced out ------------------------------------------------------------------

def test_a_second_reset_request_within_minutes_sends_nothing_and_reads_the_same(app, client):
    def ask(email):
        page = client.get("/forgot-password").get_data(as_text=True)
        return client.post("/forgot-password", data={"email": email, "csrf_token": _form_token(page)})

    strip = lambda r: re.sub(r'(value|content|hx-headers)=[\'"][^\'"]*[\'"]', "", r.get_data(as_text=True))  # noqa: E731
    first = ask("ahch@demo.test")
    assert len(_outbox("ahch@demo.test")) == 1
    sent_at = _user("ahch@demo.test").reset_sent_at
    assert sent_at is not None
    second, unknown = ask("AHCH@demo.test"), ask("nobody@nowhere.example")
    assert first.status_code == second.status_code == unknown.status_code == 200
    assert strip(first) == strip(second) == strip(unknown)
    assert len(_outbox()) == 1 and _user("ahch@demo.test").reset_sent_at == sent_at
    assert len(db.session.scalars(select(AccountToken)).all()) == 1  # the first link still works

    ahch = _user("ahch@demo.test")
    ahch.reset_sent_at = sessions.now() - dt.timedelta(minutes=app.config["SEFTON_RESET_EMAIL_INTERVAL_MINUTES"],
                                                        seconds=1)
    db.session.commit()
    assert strip(ask("ahch@demo.test")) == strip(first)
    assert len(_outbox("ahch@demo.test")) == 2


# --- links leave their token at once -----------------------------------------------------------

def _request_reset(client, email="ahch@demo.test"):
    page = client.get("/forgot-password").get_data(as_text=True)
    client.post("/forgot-password", data={"email": email, "csrf_token": _form_token(page)})
    return _link(email, "/reset-password/")


def test_the_reset_link_redirects_to_a_clean_address_that_sets_the_password(app, client):
    link = _request_reset(client)
    token = link.rsplit("/", 1)[1]
    person = app.test_client()
    opened = person.get(_path(link))
    assert opened.status_code == 303 and opened.headers["Location"] == "/reset-password"
    page = person.get("/reset-password")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and token not in body and "Choose a new password" in body
    done = person.post("/reset-password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                "csrf_token": _form_token(body)})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert Auth(app.test_client()).login("ahch@demo.test", NEW_PASSWORD).status_code == 302
    # Used: the link, and the clean address in that browser, no longer work.
    assert person.get("/reset-password").status_code == 404
    again = app.test_client().get(_path(link))
    assert again.status_code == 404 and "no longer works" in again.get_data(as_text=True)


def test_the_clean_address_needs_a_link_opened_in_this_browser_recently(app, client):
    link = _request_reset(client)
    stranger = app.test_client()
    answer = stranger.get("/reset-password")
    assert answer.status_code == 404 and "no longer works" in answer.get_data(as_text=True)
    person = app.test_client()
    person.get(_path(link))
    with person.session_transaction() as state:
        state["reset_link"] = {**state["reset_link"], "until": 1}  # opened long ago
    assert person.get("/reset-password").status_code == 404
    assert app.test_client().get("/reset-password/not-a-real-token").status_code == 404


def test_the_invitation_link_redirects_to_a_clean_address(app, client, auth):
    auth.login("admin@demo.test")
    client.post("/admin/people/invite", data={"name": "Robin Example", "email": "robin.example@nhs.example",
                                              "role": "viewer", "organisation": "",
                                              "csrf_token": auth.token("/admin/people/invite")})
    link = _link("robin.example@nhs.example", "/invitation/")
    newcomer = app.test_client()
    page = newcomer.get(_path(link), follow_redirects=True)
    assert page.request.path == "/invitation" and "Set your password" in page.get_data(as_text=True)
    assert [r.status_code for r in page.history] == [303]
    done = newcomer.post("/invitation", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                              "csrf_token": _form_token(page.get_data(as_text=True))})
    assert done.status_code == 302 and _user("robin.example@nhs.example").check_password(NEW_PASSWORD)


def test_only_the_first_request_of_a_link_carries_its_token_in_the_access_log(app, client, caplog):
    """Through a real HTTP server and its access log: the page the person stays on, and the form
    they post, are logged without the token."""
    link = _request_reset(client)
    token = link.rsplit("/", 1)[1]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        caplog.set_level(logging.INFO, logger="werkzeug")
        browser = requests.Session()
        page = browser.get(base + _path(link), timeout=10)
        assert page.status_code == 200 and page.url == base + "/reset-password"
        done = browser.post(page.url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                            "csrf_token": _form_token(page.text)}, allow_redirects=False, timeout=10)
        assert done.status_code == 302
    finally:
        server.shutdown()
        thread.join(timeout=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug" and "HTTP/1.1" in r.getMessage()]
    assert any("GET /reset-password HTTP" in line for line in lines)
    assert any("POST /reset-password HTTP" in line for line in lines)
    assert [line for line in lines if token in line] == [next(line for line in lines if "/reset-password/" in line)]
    db.session.expire_all()
    assert _user("ahch@demo.test").check_password(NEW_PASSWORD)
