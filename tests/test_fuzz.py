"""Property-based tests (hypothesis): generated input posted to every form and htmx endpoint never gives
a 5xx, and a refusal never leaves a partial write (row counts and the sub-action's version unchanged)."""
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from conftest import Auth
from sefton.extensions import db
from sefton.models import (
    AuditEvent,
    DueDateRequest,
    EvidenceFile,
    EvidenceSubmission,
    Organisation,
    ProgressNote,
    Recommendation,
    SubAction,
)
from test_workspace import PDF

FUZZ = settings(max_examples=10, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text as people (and attackers) type it: any character that can travel in a form (not lone surrogates),
# control and format characters (NUL, U+202E) included, now and then very long.
CHARS = st.characters(exclude_categories=["Cs"])
TEXT = st.one_of(st.text(CHARS, max_size=60), st.sampled_from(["", " ", "\x00", "\u202e", "a" * 70_000, "💥" * 500]))
NUMBER = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), TEXT)
DATE = st.one_of(st.dates().map(lambda d: d.strftime("%d %B %Y")), st.dates().map(str), NUMBER,
                 st.sampled_from(["31 February 2019", "4 July 99999", "2019-04-01T00:00", "1 April 2019"]))
NAME = st.one_of(TEXT, TEXT.map(lambda t: t + ".pdf"), st.sampled_from(["../x.pdf", "a\u202efdp.exe", "CON.pdf"]))


def _counts():
    models = (AuditEvent, ProgressNote, EvidenceSubmission, EvidenceFile, DueDateRequest)
    db.session.expire_all()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def _org_sub_action(code="ahch"):
    org_id = db.session.scalar(select(Organisation.id).where(Organisation.code == code))
    return db.session.scalars(select(SubAction).where(SubAction.owner_id == org_id).order_by(SubAction.id)).first()


def _version(choice, sa):
    return str(sa.version) if choice == "current" else choice


def _post(client, token, url, data, *, htmx, files=None):
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    if not htmx:
        data = {**data, "csrf_token": token}
    if files is not None:
        return client.post(url, data={**data, "files": files}, headers=headers, content_type="multipart/form-data")
    return client.post(url, data=data, headers=headers)


def _check(response, before, sa=None, version=None):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert _counts() == before, "a refused request wrote something"
        if sa is not None:
            db.session.refresh(sa)
            assert sa.version == version, "a refused request changed the sub-action"


@pytest.fixture
def org_client(app, client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    return client, auth.token("/my-actions")


@pytest.fixture
def reviewer_client(app, client):
    auth = Auth(client)
    auth.login("reviewer2@demo.test")
    return client, auth.token("/review")


VERSION = st.one_of(st.just("current"), NUMBER)


@FUZZ
@given(path=st.sampled_from(["notes", "evidence", "withdraw", "date-request"]), htmx=st.booleans(),
       body=TEXT, new_due_on=DATE, version=VERSION, name=NAME, content=st.sampled_from([PDF, b"", b"MZ\x90", b"x"]))
def test_organisation_forms_never_fail_and_never_write_in_part(org_client, path, htmx, body, new_due_on, version,
                                                              name, content):
    client, token = org_client
    sa = _org_sub_action()
    before, current = _counts(), sa.version
    data = {"body": body, "description": body, "reason": body, "new_due_on": new_due_on,
            "version": _version(version, sa), "next": body}
    files = [(io.BytesIO(content), name)] if path == "evidence" else None
    response = _post(client, token, f"/sub-actions/{sa.id}/{path}", data, htmx=htmx, files=files)
    _check(response, before, sa, current)


def _pending(model, code="ahch"):
    org_id = db.session.scalar(select(Organisation.id).where(Organisation.code == code))
    return db.session.scalars(select(model).join(SubAction).where(SubAction.owner_id == org_id)
                              .order_by(model.id.desc())).first()


@FUZZ
@given(action=st.sampled_from(["accept", "return"]), htmx=st.booleans(), text=TEXT, version=VERSION)
def test_evidence_decisions_never_fail_and_never_write_in_part(reviewer_client, action, htmx, text, version):
    client, token = reviewer_client
    sub = _pending(EvidenceSubmission)
    sa = sub.sub_action
    before, current = _counts(), sa.version
    response = _post(client, token, f"/review/submissions/{sub.id}/{action}",
                     {"comment": text, "reason": text, "version": _version(version, sa)}, htmx=htmx)
    _check(response, before, sa, current)


@FUZZ
@given(action=st.sampled_from(["accept", "decline"]), htmx=st.booleans(), text=TEXT, version=VERSION)
def test_date_decisions_never_fail_and_never_write_in_part(reviewer_client, action, htmx, text, version):
    client, token = reviewer_client
    req = _pending(DueDateRequest, "nwbh") or _pending(DueDateRequest, "ahch")
    sa = req.sub_action
    before, current = _counts(), sa.version
    response = _post(client, token, f"/review/date-requests/{req.id}/{action}",
                     {"comment": text, "version": _version(version, sa)}, htmx=htmx)
    _check(response, before, sa, current)


@FUZZ
@given(flagged=st.one_of(st.just("1"), TEXT), reason=TEXT)
def test_flagging_never_fails(reviewer_client, flagged, reason):
    client, token = reviewer_client
    rec_id = db.session.scalar(select(Recommendation.id).order_by(Recommendation.id))
    before = _counts()
    response = _post(client, token, f"/recommendations/{rec_id}/flag", {"flagged": flagged, "reason": reason},
                     htmx=False)
    _check(response, before)


@FUZZ
@given(email=TEXT, password=TEXT)
def test_sign_in_never_fails(app, client, email, password):
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": email, "password": password, "csrf_token": token.group(1) if token else ""}
    before = _counts()
    response = client.post("/login", data=data)
    _check(response, before)
    client.post("/logout", data={"csrf_token": token.group(1) if token else ""})


@FUZZ
@given(path=st.sampled_from(["/reports/plan.csv", "/reports/meeting-pack", "/reports/", "/review", "/my-actions",
                             "/", "/reports/submissions"]),
       as_at=DATE, org=TEXT, section=NUMBER, status=TEXT)
def test_report_and_filter_arguments_never_fail(app, client, path, as_at, org, section, status):
    if not getattr(client, "_signed_in", False):
        Auth(client).login("admin@demo.test")
        client._signed_in = True
    query = {"as_at": as_at, "since": as_at, "org": org, "section": section, "status": status, "due": status}
    response = client.get(path, query_string=query)
    assert response.status_code < 500, (path, query)


@pytest.mark.parametrize("path", ["notes", "date-request", "evidence"])
def test_a_nul_character_is_refused_not_an_error(org_client, path):
    """PostgreSQL cannot store U+0000 in text: refused with a message, never a 500 from the driver."""
    client, token = org_client
    sa = _org_sub_action()
    before, current = _counts(), sa.version
    data = {"body": "a\x00b", "description": "a\x00b", "reason": "a\x00b", "new_due_on": "1 May 2019",
            "version": str(sa.version)}
    files = [(io.BytesIO(PDF), "minutes.pdf")] if path == "evidence" else None
    response = _post(client, token, f"/sub-actions/{sa.id}/{path}", data, htmx=False, files=files)
    assert response.status_code == 400
    _check(response, before, sa, current)
