"""Server-side sessions: sign-out, idle timeout, deactivation and the CSRF token at sign-in."""
import datetime as dt
import re

from sqlalchemy import select

from sefton.accounts import sessions
from sefton.extensions import db
from sefton.models import ProgressNote, User, UserSession


def _cookie(client):
    return client.get_cookie("session").value


def _note_count():
    return db.session.scalar(select(db.func.count(ProgressNote.id)))


def _own_sub_action(email):
    from sefton.models import SubAction

    user = db.session.scalar(select(User).where(User.email == email))
    return db.session.scalars(select(SubAction).where(SubAction.owner_id == user.organisation_id)).first()


def _post_note(client, sub_action, token):
    return client.post(f"/sub-actions/{sub_action.id}/notes",
                       data={"body": "A note", "version": sub_action.version, "csrf_token": token})


def test_sign_in_stores_only_a_hash_of_the_cookie_token(app, client, auth):
    auth.login("ahch@demo.test")
    with client.session_transaction() as sess:
        token = sess[sessions.TOKEN_KEY]
    row = db.session.get(UserSession, sessions.digest(token))
    assert row is not None and row.ended_at is None and row.user.email == "ahch@demo.test"
    assert db.session.get(UserSession, token) is None
    assert row.expires_at - row.created_at == dt.timedelta(hours=12)


def test_cookie_copied_before_sign_out_is_refused_for_reading_and_posting(app, client, auth):
    auth.login("ahch@demo.test")
    token = auth.token("/my-actions")
    copied = _cookie(client)
    sub_action = _own_sub_action("ahch@demo.test")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302
    assert thief.get("/my-actions").headers["Location"].startswith("/login")
    before = _note_count()
    thief.set_cookie("session", copied)
    response = _post_note(thief, sub_action, token)
    assert response.status_code in (302, 400)
    assert _note_count() == before
    htmx = thief.get("/my-actions", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")


def test_session_ends_after_idle_time(app, client, auth):
    auth.login("ahch@demo.test")
    assert client.get("/").status_code == 200
    row = db.session.scalars(select(UserSession)).one()
    row.last_seen_at = sessions.now() - dt.timedelta(minutes=61)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_recent_activity_keeps_the_session(app, client, auth):
    auth.login("ahch@demo.test")
    row = db.session.scalars(select(UserSession)).one()
    row.last_seen_at = sessions.now() - dt.timedelta(minutes=59)
    db.session.commit()
    assert client.get("/").status_code == 200
    assert sessions.now() - db.session.get(UserSession, row.id).last_seen_at < dt.timedelta(minutes=1)
    row = db.session.get(UserSession, row.id)
    row.last_seen_at = sessions.now() - dt.timedelta(minutes=59)
    db.session.commit()
    assert client.get("/").status_code == 200  # touched a minute ago at most: still alive


def test_session_ends_at_its_absolute_expiry(app, client, auth):
    auth.login("ahch@demo.test")
    row = db.session.scalars(select(UserSession)).one()
    row.expires_at = sessions.now() - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_pre_sign_in_csrf_token_is_refused_after_sign_in(app, client):
    page = client.get("/login").get_data(as_text=True)
    old = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before_cookie = _cookie(client)
    response = client.post("/login", data={"email": "ahch@demo.test", "password": "sefton-demo-2019",
                                           "csrf_token": old})
    assert response.status_code == 302
    assert _cookie(client) != before_cookie
    sub_action = _own_sub_action("ahch@demo.test")
    before = _note_count()
    assert _post_note(client, sub_action, old).status_code == 400
    assert _note_count() == before
    fresh = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/my-actions").get_data(as_text=True)).group(1)
    assert fresh != old


def test_deactivated_users_existing_session_is_refused_on_its_next_request(app, client, auth):
    auth.login("lwh@demo.test")
    assert client.get("/").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "lwh@demo.test"))
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_end_all_keeps_only_the_current_session(app, auth):
    first, second = app.test_client(), app.test_client()
    from conftest import Auth

    Auth(first).login("ahch@demo.test")
    Auth(second).login("ahch@demo.test")
    user = db.session.scalar(select(User).where(User.email == "ahch@demo.test"))
    keep = db.session.scalars(select(UserSession).order_by(UserSession.created_at.desc())).first()
    sessions.end_all(user, keep=keep)
    db.session.commit()
    assert len(sessions.open_sessions(user)) == 1
