"""Sign-in, sign-out, CSRF and the session cookie."""
import re

from sefton.auth import SIGN_IN_FAILED


def test_sign_in_and_out(client, auth):
    response = auth.login("ahch@demo.test")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Alder Hey" in client.get("/").get_data(as_text=True)
    token = auth.token()
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(client, auth):
    wrong = auth.login("ahch@demo.test", "not-the-password")
    unknown = auth.login("nobody@demo.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    for response in (wrong, unknown):
        assert SIGN_IN_FAILED in response.get_data(as_text=True)
    strip = lambda r: re.sub(r'(value|content|hx-headers)=[\'"][^\'"]*[\'"]', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong) == strip(unknown).replace("nobody@demo.test", "ahch@demo.test")


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"email": "ahch@demo.test", "password": "sefton-demo-2019"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(client, auth):
    auth.login("ahch@demo.test")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_next_only_goes_to_this_site(client, auth):
    page = client.get("/login?next=//evil.example/")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login?next=//evil.example/",
                           data={"email": "ahch@demo.test", "password": "sefton-demo-2019", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_inactive_user_cannot_sign_in(app, client, auth):
    from sqlalchemy import select

    from sefton.extensions import db
    from sefton.models import User

    user = db.session.scalar(select(User).where(User.email == "lwh@demo.test"))
    user.active = False
    db.session.commit()
    assert auth.login("lwh@demo.test").status_code == 422


def test_sign_in_attempts_are_rate_limited(databases):
    from conftest import Auth, _make_app

    url = databases.copy()
    try:
        app = _make_app(url, RATELIMIT_ENABLED=True, SEFTON_LOGIN_RATE_LIMIT="3 per minute")
        client = app.test_client()
        statuses = [Auth(client).login("ahch@demo.test", "wrong-password").status_code for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        assert "Too many attempts" in Auth(client).login("ahch@demo.test").get_data(as_text=True)
    finally:
        with app.app_context():
            from sefton.extensions import db

            db.engine.dispose()
        databases.drop(url)
