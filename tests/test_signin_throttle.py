"""Issue 21, point 4: wrong passwords slow an account down for unknown browsers and never lock its
owner out: a browser that has signed in to the account before (its device cookie) signs in during an
attack from elsewhere; the owner is told by e-mail, at most once an hour."""
import datetime as dt
import re

import pyotp
from sqlalchemy import select

from conftest import Auth
from sefton.accounts import sessions
from sefton.accounts.auth import held_back_for
from sefton.extensions import db
from sefton.models import AuditEvent, OutboxMessage, TrustedDevice, User

OWNER = "ahch@demo.test"
GUESS = "guessed-Passw0rd-xyz"


def _user(email=OWNER):
    return db.session.scalar(select(User).where(User.email == email))


def _client(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _device_cookie(response):
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith(sessions.DEVICE_COOKIE + "=")), None)


def _owners_browser(app):
    """The owner signs in once from this browser (which keeps its device cookie), then signs out."""
    owner = _client(app, "192.168.1.20")
    response = Auth(owner).login(OWNER)
    assert response.status_code == 302
    cookie = _device_cookie(response)
    assert cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/login" in cookie
    assert "Max-Age=31536000" in cookie
    owner.post("/logout", data={"csrf_token": Auth(owner).token()})
    return owner


def _attack(app, count):
    return [Auth(_client(app, f"203.0.113.{n}")).login(OWNER, GUESS).status_code for n in range(count)]


def _notices():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sign_in_failures")).all()


def test_the_owners_browser_signs_in_during_an_attack_from_elsewhere(app):
    owner = _owners_browser(app)
    assert _attack(app, 8) == [422] * 5 + [429] * 3
    assert _user().untrusted_failures == 5  # attempts held back are not even checked
    response = Auth(owner).login(OWNER)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert owner.get("/").status_code == 200
    assert _user().untrusted_failures == 0  # a right password clears the count


def test_an_unknown_browser_with_the_right_password_is_told_to_wait(app):
    _attack(app, 5)
    stranger = _client(app, "198.51.100.7")
    response = Auth(stranger).login(OWNER)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert ("Too many attempts for this account from browsers it has not signed in from: "
            "try again in 1 minute") in page
    assert stranger.get("/").status_code == 302
    # Once the wait is over, the right password signs in from anywhere and clears the count.
    user = _user()
    user.untrusted_failed_at -= dt.timedelta(minutes=1)
    db.session.commit()
    assert Auth(stranger).login(OWNER).status_code == 302 and _user().untrusted_failures == 0


def test_the_wait_doubles_from_one_minute_to_at_most_fifteen(app):
    user = _user()
    waits = []
    for failures in (4, 5, 6, 7, 8, 9, 30):
        user.untrusted_failures, user.untrusted_failed_at = failures, sessions.now()
        waits.append(held_back_for(user))
    assert [round(w / 60) for w in waits] == [0, 1, 2, 4, 8, 15, 15]
    user.untrusted_failures, user.untrusted_failed_at = 6, sessions.now() - dt.timedelta(minutes=2)
    assert held_back_for(user) == 0


def test_a_wrong_password_after_the_wait_counts_and_waits_longer(app):
    _attack(app, 5)
    user = _user()
    user.untrusted_failed_at -= dt.timedelta(minutes=1)
    db.session.commit()
    assert _attack(app, 2) == [422, 429]
    assert _user().untrusted_failures == 6 and 60 < held_back_for(_user()) <= 120


def test_the_owner_is_told_once_an_hour_and_never_the_password_tried(app):
    _attack(app, 5)
    [notice] = _notices()
    assert notice.to_addr == OWNER
    assert "5 times" in notice.body_text and GUESS not in notice.body_text + notice.body_html
    assert "/forgot-password" in notice.body_text
    user = _user()
    user.untrusted_failed_at -= dt.timedelta(minutes=1)
    db.session.commit()
    _attack(app, 1)  # a sixth wrong password within the hour: no second e-mail
    assert len(_notices()) == 1
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.sign_in_failures_notified")).all()) == 1
    user = _user()
    user.failure_notice_at -= dt.timedelta(minutes=61)
    user.untrusted_failed_at -= dt.timedelta(minutes=2)
    db.session.commit()
    _attack(app, 1)
    assert len(_notices()) == 2


def test_a_trusted_browser_has_its_own_small_count(app):
    owner = _owners_browser(app)
    statuses = [Auth(owner).login(OWNER, GUESS).status_code for _ in range(10)]
    assert statuses == [422] * 10 and _user().untrusted_failures == 0
    device = db.session.scalars(select(TrustedDevice).where(TrustedDevice.user_id == _user().id)).one()
    assert device.failures == 10
    # Now it is an unknown browser like any other: its wrong passwords count for the account.
    assert Auth(owner).login(OWNER, GUESS).status_code == 422 and _user().untrusted_failures == 1
    # Its next right password trusts it again.
    assert Auth(owner).login(OWNER).status_code == 302
    db.session.refresh(device)
    assert device.failures == 0


def test_a_device_cookie_trusts_the_browser_for_its_own_account_only(app):
    browser = _client(app, "192.168.1.30")
    Auth(browser).login("lwh@demo.test")
    browser.post("/logout", data={"csrf_token": Auth(browser).token()})
    _attack(app, 5)
    assert Auth(browser).login(OWNER).status_code == 429
    forged = _client(app, "192.168.1.31")
    forged.set_cookie(sessions.DEVICE_COOKIE, "made-up-token", path="/login")
    assert Auth(forged).login(OWNER).status_code == 429


def test_the_device_cookie_is_secure_when_cookies_are(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = Auth(app.test_client()).login(OWNER)
    assert "Secure" in _device_cookie(response)


def test_with_two_step_the_browser_is_trusted_only_after_the_second_step(app):
    user = User(email="office@nhs.example", name="Alex Sample", role="admin")
    user.set_password("quiet harbour violin 58")
    db.session.add(user)
    db.session.commit()
    client = app.test_client()
    first = Auth(client).login("office@nhs.example", "quiet harbour violin 58")
    assert first.headers["Location"] == "/login/two-step/set-up" and _device_cookie(first) is None
    page = client.get("/login/two-step/set-up").get_data(as_text=True)
    secret = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post("/login/two-step/set-up", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 200 and _device_cookie(done)
    assert db.session.scalar(select(db.func.count(TrustedDevice.id)).where(TrustedDevice.user_id == user.id)) == 1
