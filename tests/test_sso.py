"""Sign in with NHSmail: OpenID Connect end to end against a real provider run by the tests
(oidc-provider-mock on 127.0.0.1): success, wrong state, wrong nonce, unknown e-mail, deactivated.
How an identity is bound to an account is in test_sso_binding."""
import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from conftest import _make_app
from sqlalchemy import select
from werkzeug.serving import make_server

from sefton.extensions import db
from sefton.models import User


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock

    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def sso_app(databases, provider):
    url = databases.copy()
    app = _make_app(url, SEFTON_OIDC_ISSUER=provider.url, SEFTON_OIDC_CLIENT_ID="sefton-tracker",
                    SEFTON_OIDC_CLIENT_SECRET="not-a-real-secret",
                    SEFTON_OIDC_ALLOWED_DOMAINS="demo.test, nhs.example")  # the demo's and the tests' addresses
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


def _token(html):
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _start(client):
    """Press the button; returns the provider's authorization URL."""
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with NHSmail" in page
    response = client.get("/login/nhsmail")
    assert response.status_code == 302
    return response.headers["Location"]


def _provider_signs_in(authorize_url, email, claims=None, sub=None):
    """What the person does at the provider: sign in as `email` (their subject there `sub`, by default
    the address); returns our callback URL."""
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    base = authorize_url.split("/oauth2/")[0]
    sub = sub or email
    requests.put(f"{base}/users/{sub}", json=claims or {"email": email, "email_verified": True}, timeout=10)
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def _callback(client, url):
    parts = urlsplit(url)
    return client.get(parts.path + "?" + parts.query)


def test_sign_in_with_nhsmail_matches_an_existing_account_case_insensitively(sso_app):
    client = sso_app.test_client()
    callback = _provider_signs_in(_start(client), "AHCH@demo.test")
    response = _callback(client, callback)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Alder Hey" in client.get("/").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "ahch@demo.test"))
    assert user.sso_subject == "AHCH@demo.test" and user.sso_issuer == sso_app.config["SEFTON_OIDC_ISSUER"]
    assert user.sso_tenant is None and user.sso_linked_at is not None


def test_sso_is_not_asked_for_two_step(sso_app):
    sso_app.config["SEFTON_DEMO"] = False  # demo accounts are no longer exempt from two-step
    client = sso_app.test_client()
    response = _callback(client, _provider_signs_in(_start(client), "admin@demo.test"))
    assert response.headers["Location"] == "/"


def test_wrong_state_is_refused(sso_app):
    client = sso_app.test_client()
    callback = _provider_signs_in(_start(client), "ahch@demo.test")
    forged = re.sub(r"state=[^&]+", "state=forged-state", callback)
    response = _callback(client, forged)
    assert response.status_code == 403 and "did not work" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_wrong_nonce_is_refused(sso_app):
    client = sso_app.test_client()
    callback = _provider_signs_in(_start(client), "ahch@demo.test")
    with client.session_transaction() as sess:
        key = next(k for k in sess if k.startswith("_state_nhsmail_"))
        state = sess[key]
        state["data"]["nonce"] = "a-different-nonce"
        sess[key] = state
    response = _callback(client, callback)
    assert response.status_code == 403
    assert client.get("/").status_code == 302


def test_unknown_email_is_refused_and_no_account_is_created(sso_app):
    client = sso_app.test_client()
    before = db.session.scalar(select(db.func.count(User.id)))
    response = _callback(client, _provider_signs_in(_start(client), "stranger@nhs.example"))
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and "Ask the Task and Finish group office" in body
    assert db.session.scalar(select(db.func.count(User.id))) == before
    assert client.get("/").status_code == 302


def test_unverified_email_is_refused(sso_app):
    client = sso_app.test_client()
    callback = _provider_signs_in(_start(client), "lwh@demo.test", {"email": "lwh@demo.test", "email_verified": False})
    assert _callback(client, callback).status_code == 403


def test_deactivated_account_is_refused(sso_app):
    user = db.session.scalar(select(User).where(User.email == "lwh@demo.test"))
    user.active = False
    db.session.commit()
    client = sso_app.test_client()
    response = _callback(client, _provider_signs_in(_start(client), "lwh@demo.test"))
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_no_button_without_configuration(demo_client):
    assert "Sign in with NHSmail" not in demo_client.get("/login").get_data(as_text=True)


def test_password_sign_in_can_be_switched_off(sso_app):
    sso_app.config["SEFTON_PASSWORD_SIGN_IN"] = False
    client = sso_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with NHSmail" in page and 'name="password"' not in page
    response = client.post("/login", data={"email": "ahch@demo.test", "password": "sefton-demo-2019",
                                           "csrf_token": _token(page)})
    assert response.status_code == 404 and client.get("/").status_code == 302
