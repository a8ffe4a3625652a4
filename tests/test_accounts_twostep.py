"""Two-step verification: required for admins and reviewers at password sign-in (demo accounts
exempt in the demo), optional for others, with recovery codes that work once."""
import re
import time

import pyotp
from sqlalchemy import select

from conftest import Auth
from sefton.accounts import passwords, totp
from sefton.extensions import db
from sefton.models import AuditEvent, RecoveryCode, User

PASSWORD = "quiet harbour violin 58"


def _make(email, role, org=None):
    user = User(email=email, name="Alex Sample", role=role, organisation=org)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def _token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _submit_code(client, path, code):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"code": code, "csrf_token": _token(page)})


def _set_up(client):
    page = client.get("/login/two-step/set-up").get_data(as_text=True)
    assert "<svg" in page and "QR code" in page
    secret = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page).group(1)
    response = client.post("/login/two-step/set-up",
                           data={"code": pyotp.TOTP(secret).now(), "csrf_token": _token(page)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", response.get_data(as_text=True))
    return secret, codes


def test_admin_must_set_up_two_step_before_reaching_any_page(app, client):
    _make("office@nhs.example", "admin")
    response = Auth(client).login("office@nhs.example", PASSWORD)
    assert response.headers["Location"] == "/login/two-step/set-up"
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.get("/admin/people").status_code == 302
    wrong = _submit_code(client, "/login/two-step/set-up", "000000")
    assert wrong.status_code == 422 and "6-digit code" in wrong.get_data(as_text=True)
    secret, codes = _set_up(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/people").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "office@nhs.example"))
    assert user.totp_secret == secret and user.totp_enabled_at is not None
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and all(r.code_hash not in codes for r in stored)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.two_step_enabled"))


def test_totp_and_recovery_code_at_sign_in_each_recovery_code_works_once(app, client):
    user = _make("office@nhs.example", "admin")
    Auth(client).login("office@nhs.example", PASSWORD)
    secret, codes = _set_up(client)
    client.post("/logout", data={"csrf_token": Auth(client).token()})

    def sign_in(code):
        fresh = app.test_client()
        response = Auth(fresh).login("office@nhs.example", PASSWORD)
        assert response.headers["Location"] == "/login/two-step"
        return fresh, _submit_code(fresh, "/login/two-step", code)

    _, wrong = sign_in("123456")
    assert wrong.status_code == 422
    signed, ok = sign_in(codes[0].upper().replace("-", " "))
    assert ok.status_code == 302 and signed.get("/").status_code == 200
    _, again = sign_in(codes[0])
    assert again.status_code == 422
    # The set-up's code (this 30-second step) works once: the next step's code (within the drift allowed).
    signed, ok = sign_in(pyotp.TOTP(secret).at(time.time() + 30))
    assert ok.status_code == 302 and signed.get("/").status_code == 200
    assert db.session.scalar(select(db.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) == 9


def test_reviewer_needs_two_step_but_an_org_user_does_not(app, client):
    _make("checker@nhs.example", "reviewer")
    assert Auth(client).login("checker@nhs.example", PASSWORD).headers["Location"] == "/login/two-step/set-up"
    from sefton.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.code == "lwh"))
    _make("lead@nhs.example", "org", org)
    assert Auth(app.test_client()).login("lead@nhs.example", PASSWORD).headers["Location"] == "/"


def test_demo_accounts_are_exempt_only_while_the_demo_is_on(app, client):
    assert Auth(client).login("admin@demo.test").headers["Location"] == "/"
    app.config["SEFTON_DEMO"] = False
    assert Auth(app.test_client()).login("admin@demo.test").headers["Location"] == "/login/two-step/set-up"


def test_optional_two_step_from_the_account_page(app, client):
    from sefton.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.code == "lwh"))
    _make("lead@nhs.example", "org", org)
    Auth(client).login("lead@nhs.example", PASSWORD)
    page = client.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page).group(1)
    response = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now(), "csrf_token": _token(page)})
    assert response.status_code == 200 and "recovery codes" in response.get_data(as_text=True)
    fresh = app.test_client()
    assert Auth(fresh).login("lead@nhs.example", PASSWORD).headers["Location"] == "/login/two-step"


def test_totp_helpers():
    secret = totp.new_secret()
    assert totp.verify(secret, pyotp.TOTP(secret).now())
    assert not totp.verify(secret, "abcdef") and not totp.verify(None, "123456")
    assert totp.provisioning_uri(secret, "a@nhs.example").startswith("otpauth://totp/")
    assert totp.qr_svg("otpauth://totp/x").startswith("<svg")
    code = totp.new_recovery_codes(1)[0]
    assert totp.hash_code(code) == totp.hash_code(code.upper().replace("-", ""))


def test_password_rule():
    assert passwords.problems("") == [passwords.EMPTY]
    assert passwords.problems("a" * 201) == [passwords.TOO_LONG]
    assert passwords.TOO_SHORT in passwords.problems("short words")
    assert passwords.COMMON in passwords.problems("password123456")
    assert passwords.COMMON in passwords.problems("Password2019!!!")
    assert passwords.COMMON in passwords.problems("QWERTYUIOP123")
    assert passwords.PERSONAL in passwords.problems("JONES-the-builder-7", name="Pat Jones", email="p@nhs.example")
    assert passwords.PERSONAL in passwords.problems("my pat.jones key!", email="pat.jones@nhs.example")
    assert passwords.problems("tidal marsh lantern 47", name="Pat Jones", email="pat.jones@nhs.example") == []
    assert passwords.personal_parts("Jo Li", "jo@x") == set()  # parts under three letters are not checked
