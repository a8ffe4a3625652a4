"""Who may use the workspace routes: another organisation gets 404, CSRF is required, an expired
session sends htmx to sign-in (HX-Redirect)."""
import io

import pytest
from sqlalchemy import select

from conftest import Auth
from sefton.extensions import db
from sefton.models import EvidenceFile, EvidenceSubmission, ProgressNote
from test_workspace import PDF, count, events_of, invisible_org_code, own_sub_action, send

POSTS = {"notes": {"body": "x"}, "evidence": {"description": "x"}, "withdraw": {},
         "date-request": {"new_due_on": "4 July 2019", "reason": "x"}}


@pytest.fixture
def submitted(app, client):
    """An ahch sub-action with evidence awaiting review (one file), and the file's id."""
    auth = Auth(client)
    auth.login("ahch@demo.test")
    sa = own_sub_action()
    response = send(client, f"/sub-actions/{sa.id}/evidence", {"description": "Minutes", "version": sa.version},
                    htmx=True, token=auth.token("/my-actions"), files=[(io.BytesIO(PDF), "minutes.pdf")])
    assert response.status_code == 200
    file_id = db.session.scalar(select(EvidenceFile.id).join(EvidenceSubmission)
                                .where(EvidenceSubmission.sub_action_id == sa.id))
    return sa, file_id


@pytest.mark.parametrize("htmx", [True, False])
def test_another_organisation_gets_404_on_every_route(app, submitted, htmx):
    sa, file_id = submitted
    code = invisible_org_code(sa)
    other = app.test_client()
    auth = Auth(other)
    auth.login(f"{code}@demo.test")
    token = auth.token("/my-actions")
    headers = {"HX-Request": "true"} if htmx else {}
    for url in (f"/sub-actions/{sa.id}", f"/sub-actions/{sa.id}/history", f"/evidence/{file_id}"):
        assert other.get(url, headers=headers).status_code == 404, url
    events = len(events_of(sa))
    for path, data in POSTS.items():
        files = [(io.BytesIO(PDF), "x.pdf")] if path == "evidence" else None
        response = send(other, f"/sub-actions/{sa.id}/{path}", {**data, "version": sa.version},
                        htmx=htmx, token=token, files=files)
        assert response.status_code == 404, path
    db.session.expire_all()
    assert len(events_of(sa)) == events and sa.state == "submitted"
    assert "minutes.pdf" not in other.get("/my-actions").get_data(as_text=True)


@pytest.mark.parametrize("email", ["viewer@demo.test", "admin@demo.test"])
def test_viewers_and_admins_cannot_change_sub_actions(app, submitted, email):
    sa, _ = submitted
    other = app.test_client()
    auth = Auth(other)
    auth.login(email)
    token = auth.token("/")
    for path, data in POSTS.items():
        response = send(other, f"/sub-actions/{sa.id}/{path}", {**data, "version": sa.version}, htmx=True, token=token)
        assert response.status_code == 403, path
    assert other.get(f"/sub-actions/{sa.id}/history").status_code == 200


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("path", list(POSTS))
def test_a_post_without_the_csrf_token_is_refused(app, client, submitted, htmx, path):
    sa, _ = submitted
    notes = count(ProgressNote)
    events = len(events_of(sa))
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"/sub-actions/{sa.id}/{path}", data={**POSTS[path], "version": sa.version},
                           headers=headers)
    assert response.status_code == 400
    assert "The form had expired or was not sent from this site" in response.get_data(as_text=True)
    db.session.expire_all()
    assert count(ProgressNote) == notes and len(events_of(sa)) == events


@pytest.mark.parametrize("path", list(POSTS))
def test_htmx_post_after_the_session_expired_goes_to_sign_in(app, client, submitted, path):
    sa, _ = submitted
    token = Auth(client).token("/my-actions")
    with client.session_transaction() as session:
        session.clear()  # what an expired session looks like to the server
    response = send(client, f"/sub-actions/{sa.id}/{path}", {**POSTS[path], "version": sa.version},
                    htmx=True, token=token)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
    plain = send(client, f"/sub-actions/{sa.id}/{path}", {**POSTS[path], "version": sa.version},
                 htmx=False, token=token)
    assert plain.status_code in (302, 400)


@pytest.mark.parametrize("url", ["/my-actions", "/sub-actions/{id}/history", "/evidence/{file}"])
def test_htmx_get_after_the_session_expired_goes_to_sign_in(app, client, submitted, url):
    sa, file_id = submitted
    client.post("/logout", data={"csrf_token": Auth(client).token("/")})
    url = url.format(id=sa.id, file=file_id)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    assert client.get(url).status_code == 302
