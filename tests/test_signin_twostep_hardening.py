"""Issue 21, point 1: a two-step code works once; wrong codes are counted per pending sign-in and per
person; the half-signed-in state lives on the server and is used once; the secret being set up is
never in the session cookie."""
import datetime as dt
import json
import re
import time

import pyotp
from sqlalchemy import select

from conftest import Auth
from sefton.accounts import sessions, totp, twostep
from sefton.extensions import db
from sefton.models import AuditEvent, Organisation, PendingSignIn, User

from test_accounts_twostep import PASSWORD, _make as _make_user, _submit_code as _submit, _token

EMAIL = "office@nhs.example"


def _make(email=EMAIL, role="admin", org=None):
    return _make_user(email, role, org)


def _set_up(app):
    """An admin with two-step set up; returns the secret, the recovery codes and the set-up's code."""
    _make()
    client = app.test_client()
    Auth(client).login(EMAIL, PASSWORD)
    page = client.get("/login/two-step/set-up").get_data(as_text=True)
    secret = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page).group(1)
    code = pyotp.TOTP(secret).now()
    response = client.post("/login/two-step/set-up", data={"code": code, "csrf_token": _token(page)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", response.get_data(as_text=True))
    return secret, codes, code


def _half_signed_in(app, address="127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert Auth(client).login(EMAIL, PASSWORD).headers["Location"] == "/login/two-step"
    return client


def _next_code(secret):
    """The code of the next 30-second step: accepted (clock drift), and later than the set-up's."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _user():
    return db.session.scalar(select(User).where(User.email == EMAIL))


def test_a_code_works_once(app):
    secret, _, setup_code = _set_up(app)
    assert _user().totp_last_step is not None
    # The set-up's own code, within its 30 seconds: refused.
    assert _submit(_half_signed_in(app), "/login/two-step", setup_code).status_code == 422
    code = _next_code(secret)
    first = _half_signed_in(app)
    assert _submit(first, "/login/two-step", code).status_code == 302 and first.get("/").status_code == 200
    again = _half_signed_in(app, "10.9.9.9")
    replay = _submit(again, "/login/two-step", code)
    assert replay.status_code == 422 and "6-digit code" in replay.get_data(as_text=True)
    assert again.get("/").status_code == 302


def test_matching_step_refuses_the_last_step_and_earlier_ones():
    secret = totp.new_secret()
    otp = pyotp.TOTP(secret)
    at = 1_700_000_000
    step = at // 30
    assert totp.matching_step(secret, otp.at(at), at=at) == step
    assert totp.matching_step(secret, otp.at(at - 30), at=at) == step - 1  # one step of drift
    assert totp.matching_step(secret, otp.at(at - 60), at=at) is None
    assert totp.matching_step(secret, otp.at(at), after=step, at=at) is None
    assert totp.matching_step(secret, otp.at(at + 30), after=step, at=at) == step + 1
    assert totp.matching_step(secret, "12345a", at=at) is None


def test_a_pending_sign_in_ends_after_five_wrong_codes(app):
    secret, _, _ = _set_up(app)
    client = _half_signed_in(app)
    token = _token(client.get("/login/two-step").get_data(as_text=True))
    copied = client.get_cookie("session").value
    statuses = [_submit(client, "/login/two-step", "000000").status_code for _ in range(4)]
    assert statuses == [422] * 4
    ended = _submit(client, "/login/two-step", "000000")
    assert ended.status_code == 302 and ended.headers["Location"] == "/login"
    assert "Too many wrong codes" in client.get("/login").get_data(as_text=True)
    row = db.session.scalars(select(PendingSignIn).where(PendingSignIn.failures > 0)).one()
    assert row.failures == 5 and row.ended_at is not None
    # The right code on that ended pending sign-in (its cookie kept): start again, not signed in.
    client.set_cookie("session", copied)
    again = client.post("/login/two-step", data={"code": _next_code(secret), "csrf_token": token})
    assert again.status_code == 302 and again.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert _user().totp_failures == 5


def test_wrong_codes_are_counted_per_person_across_pending_sign_ins_and_addresses(app):
    secret, codes, _ = _set_up(app)
    for n in range(2):  # two pending sign-ins, five wrong codes each, from ten addresses
        client = _half_signed_in(app, f"10.0.{n}.1")
        for m in range(5):
            client.environ_base["REMOTE_ADDR"] = f"10.0.{n}.{m + 1}"
            _submit(client, "/login/two-step", f"{n}{m}0000")
    assert _user().totp_failures == 10
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.two_step_failed_limit")).all()
    assert event.object_id == _user().id
    third = _half_signed_in(app, "10.0.9.9")
    refused = _submit(third, "/login/two-step", _next_code(secret))  # the right code too
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 14 * 60
    assert "Too many wrong codes for this account" in refused.get_data(as_text=True)
    assert _submit(third, "/login/two-step", codes[0]).status_code == 429  # recovery codes too
    assert third.get("/").status_code == 302 and _user().totp_failures == 10  # refused, not counted
    # Fifteen minutes after the last wrong code: the right code signs in and the count starts again.
    for row in db.session.scalars(select(PendingSignIn).where(PendingSignIn.ended_at.is_not(None))):
        row.ended_at -= dt.timedelta(minutes=15)
    db.session.commit()
    assert _submit(third, "/login/two-step", _next_code(secret)).status_code == 302
    assert third.get("/").status_code == 200 and _user().totp_failures == 0


def test_wrong_recovery_codes_count_like_wrong_codes(app):
    _set_up(app)
    client = _half_signed_in(app)
    assert _submit(client, "/login/two-step", "abcd-efgh-jkmn-pqrs").status_code == 422
    assert _user().totp_failures == 1


def test_the_pending_sign_in_is_used_once(app):
    _, codes, _ = _set_up(app)
    client = _half_signed_in(app)
    token = _token(client.get("/login/two-step").get_data(as_text=True))
    copied = client.get_cookie("session").value  # the half-signed-in cookie, with its CSRF token
    assert client.post("/login/two-step", data={"code": codes[0], "csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", copied)
    replay = thief.post("/login/two-step", data={"code": codes[1], "csrf_token": token})
    assert replay.status_code == 302 and replay.headers["Location"] == "/login"
    assert thief.get("/").status_code == 302
    assert all(row.ended_at is not None for row in db.session.scalars(select(PendingSignIn)))


def _cookie_session(app, client):
    return app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)


def test_the_cookie_holds_only_a_random_token_while_half_signed_in(app):
    _set_up(app)
    client = _half_signed_in(app)
    data = _cookie_session(app, client)
    assert set(data) <= {twostep.PENDING, "csrf_token", "_flashes"}
    row = db.session.get(PendingSignIn, sessions.digest(data[twostep.PENDING]))
    assert row is not None and row.user_id == _user().id
    assert str(_user().id) not in json.dumps({k: v for k, v in data.items() if k != twostep.PENDING})


def test_the_secret_being_set_up_is_never_in_the_session_cookie(app):
    _make()
    client = app.test_client()
    Auth(client).login(EMAIL, PASSWORD)
    page = client.get("/login/two-step/set-up").get_data(as_text=True)
    secret = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page).group(1)
    assert _user().totp_pending_secret == secret and _user().totp_secret is None
    assert secret not in json.dumps(_cookie_session(app, client)) and secret not in client.get_cookie("session").value
    wrong = client.post("/login/two-step/set-up", data={"code": "000000", "csrf_token": _token(page)})
    assert wrong.status_code == 422 and secret in wrong.get_data(as_text=True)  # the same secret, from the server
    assert secret not in json.dumps(_cookie_session(app, client))
    ok = client.post("/login/two-step/set-up", data={"code": pyotp.TOTP(secret).now(), "csrf_token": _token(page)})
    assert ok.status_code == 200
    user = _user()
    assert user.totp_secret == secret and user.totp_pending_secret is None and user.totp_last_step is not None


def test_the_account_pages_set_up_keeps_its_secret_on_the_server(app):
    org = db.session.scalar(select(Organisation).where(Organisation.code == "lwh"))
    _make("lead@nhs.example", "org", org)
    client = app.test_client()
    Auth(client).login("lead@nhs.example", PASSWORD)
    page = client.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page).group(1)
    assert secret not in json.dumps(_cookie_session(app, client))
    lead = db.session.scalar(select(User).where(User.email == "lead@nhs.example"))
    assert lead.totp_pending_secret == secret
    response = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now(), "csrf_token": _token(page)})
    assert response.status_code == 200 and "recovery codes" in response.get_data(as_text=True)
    db.session.refresh(lead)
    assert lead.totp_secret == secret and lead.totp_pending_secret is None
