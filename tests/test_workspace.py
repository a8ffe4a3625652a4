"""The organisation workspace: "My actions", each change as htmx and as a plain form, counts out of
band, optimistic locking, audit events, history, and who may do what (CSRF on throughout)."""
import datetime as dt
import io
import re

import pytest
from sqlalchemy import delete, func, select

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
    ReportCache,
    SubAction,
    User,
    recommendation_owners,
)

TODAY = dt.date(2019, 4, 1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- helpers (also used by test_workspace_uploads.py) ---------------------------------------------

def org(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def own_sub_action(code="ahch", state="open"):
    """A sub-action the organisation owns, in `state`, not yet due, with no date request at all
    (so that its due date is the one on the row, not one from the recorded history)."""
    pending = select(DueDateRequest.sub_action_id)
    return db.session.scalars(
        select(SubAction).where(SubAction.owner_id == org(code).id, SubAction.state == state,
                                SubAction.current_due_on >= TODAY, SubAction.id.not_in(pending))
        .order_by(SubAction.id)).first()


def invisible_org_code(sa):
    """An organisation that does not see the sub-action's recommendation at all."""
    owners = set(db.session.scalars(select(recommendation_owners.c.organisation_id)
                                    .where(recommendation_owners.c.recommendation_id == sa.recommendation_id)))
    return db.session.scalars(select(Organisation.code).where(Organisation.id.not_in(owners))
                              .order_by(Organisation.id)).first()


def events_of(sa):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.sub_action_id == sa.id)
                              .order_by(AuditEvent.id)).all()


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def send(client, url, data, *, htmx, token, files=None):
    """POST as htmx (CSRF token in the X-CSRFToken header, as hx-headers sends it) or as a plain
    form (csrf_token field)."""
    data = dict(data)
    headers = {}
    if htmx:
        headers = {"HX-Request": "true", "X-CSRFToken": token, "HX-Current-URL": "http://localhost/my-actions"}
    else:
        data["csrf_token"] = token
    if files is not None:
        data["files"] = files
        response = client.post(url, data=data, headers=headers, content_type="multipart/form-data")
        response.request.environ["wsgi.input"].close()  # the test client spools big bodies to a temp file
        return response
    return client.post(url, data=data, headers=headers)


def is_row_only(html, sa_id):
    return (html.lstrip().startswith(f'<tr class="nhsuk-table__row app-workspace-row" id="subaction-{sa_id}"')
            and "<html" not in html and "<header" not in html and "<body" not in html)


def oob_count(html, key):
    block = re.search(r'<div id="workspace-counts"[^>]*hx-swap-oob="true".*?</div>', html, re.S).group(0)
    return int(re.search(rf'data-count="{key}">(\d+)<', block).group(1))


def page_count(html, key):
    return int(re.search(rf'data-count="{key}">(\d+)<', html).group(1))


def full_list(client, query=""):
    """Every page of "My actions"' full list (/my-actions/all), followed through its "Next" links,
    as one string; each page holds at most 50 rows."""
    pages, url = [], "/my-actions/all" + (f"?{query}" if query else "")
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert len(re.findall(r'app-workspace-row" id="subaction-', html)) <= 50
        pages.append(html)
        found = re.search(r'<a href="([^"]+)" class="nhsuk-pagination__next"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert len(pages) < 100
    return "\n".join(pages)


@pytest.fixture
def ahch(client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    return auth


def add_member(code, email):
    """A second member of the organisation (the demo has one per organisation)."""
    user = User(email=email, name="Second demo lead", role="org", organisation=org(code))
    user.set_password("sefton-demo-2019")
    db.session.add(user)
    db.session.commit()


# --- the page -------------------------------------------------------------------------------------

def test_my_actions_lists_own_sub_actions_with_controls_and_co_owners_read_only(app, client, ahch):
    html = full_list(client)
    ahch_org = org("ahch")
    own = db.session.scalars(select(SubAction.id).where(SubAction.owner_id == ahch_org.id)).all()
    shared = db.session.scalars(
        select(SubAction.id).join(Recommendation).join(recommendation_owners)
        .where(recommendation_owners.c.organisation_id == ahch_org.id, SubAction.owner_id != ahch_org.id)).all()
    assert own and shared
    for sid in own:
        row = re.search(rf'<tr [^>]*id="subaction-{sid}".*?</tr>', html, re.S).group(0)
        # The row's forms are fetched when opened (htmx); without JavaScript, a link to the sub-action's page.
        assert f'href="/sub-actions/{sid}?form=note#note" data-hx-get="/sub-actions/{sid}/forms/note"' in row
        assert "Write a progress note" in row and "<textarea" not in row
    for sid in shared:
        row = re.search(rf'<tr [^>]*id="subaction-{sid}".*?</tr>', html, re.S).group(0)
        assert "Write a progress note" not in row and "read only" in row and "<form" not in row
        assert "data-hx-get" not in row
    assert 'id="workspace-counts"' in html and 'id="progress-own"' in html
    assert page_count(html, "green") + page_count(html, "grey") + page_count(html, "red") == len(own)
    assert "Section 4:" in html and "Recommendation 4.1" in html
    assert 'href="/my-actions"' in html  # the header link
    assert len(re.findall(r'app-workspace-row" id="subaction-', html)) == len(set(own) | set(shared))


@pytest.mark.parametrize("email,shown", [("ahch@demo.test", True), ("reviewer@demo.test", True),
                                         ("viewer@demo.test", False), ("admin@demo.test", False)])
def test_header_link_only_for_members_of_an_organisation(demo_client, demo_auth, email, shown):
    demo_auth.login(email)
    html = demo_client.get("/").get_data(as_text=True)
    assert ('href="/my-actions"' in html) == shown
    assert demo_client.get("/my-actions").status_code == (200 if shown else 403)


def test_reviewer_without_an_organisation_has_no_workspace(app, client):
    user = User(email="lone.reviewer@demo.test", name="Lone reviewer", role="reviewer")
    user.set_password("sefton-demo-2019")
    db.session.add(user)
    db.session.commit()
    Auth(client).login("lone.reviewer@demo.test")
    assert 'href="/my-actions"' not in client.get("/").get_data(as_text=True)
    assert client.get("/my-actions").status_code == 404


@pytest.mark.parametrize("query,check", [
    ("status=green", lambda sa, colour: colour == "green"),
    ("status=grey", lambda sa, colour: colour == "grey"),
    ("status=submitted", lambda sa, colour: sa.state == "submitted"),
    ("status=returned", lambda sa, colour: sa.state == "returned"),
    ("due=next30", lambda sa, colour: colour != "green" and TODAY <= sa.current_due_on <= TODAY + dt.timedelta(days=30)),
])
def test_filters(app, client, ahch, query, check):
    from sefton.figures import queries

    returned = own_sub_action()  # the demo may have no returned evidence of Alder Hey's own
    returned.state = "returned"
    db.session.commit()
    html = client.get(f"/my-actions/all?{query}").get_data(as_text=True)
    shown = {int(i) for i in re.findall(r'<tr class="nhsuk-table__row app-workspace-row" id="subaction-(\d+)"', html)}
    user = db.session.scalar(select(User).where(User.email == "ahch@demo.test"))
    from sefton.access import assigned_to

    with app.test_request_context():
        rows = queries.sub_action_rows(user, assigned_to(user.organisation_id), as_at=TODAY)
    # A filter picks the organisation's own sub-actions (co-owners' rows are context, unfiltered).
    expected = {r.id for r in rows if check(r.sub_action, r.colour) and r.sub_action.owner_id == user.organisation_id}
    assert shown == expected and expected


def test_overdue_filter_shows_red_only(app, client, ahch):
    html = client.get("/my-actions/all?due=overdue").get_data(as_text=True)
    assert "No sub-actions match these filters." in html  # the demo has no red sub-action
    sa = own_sub_action()
    sa.original_due_on = sa.current_due_on = dt.date(2019, 3, 1)
    db.session.execute(delete(ReportCache))  # a change outside the app, unaudited: the counts are not served from the cache
    db.session.commit()
    html = client.get("/my-actions/all?due=overdue").get_data(as_text=True)
    assert re.findall(r'app-workspace-row" id="subaction-(\d+)"', html) == [str(sa.id)]
    assert page_count(html, "red") == 1


# --- each change, as htmx and as a plain form ----------------------------------------------------

ACTIONS = {
    "note": ("open", "notes", {"body": "Terms of reference agreed at the safeguarding committee."}, None),
    "evidence": ("open", "evidence", {"description": "Signed terms of reference and minutes."}, "pdf"),
    "withdraw": ("submitted", "withdraw", {}, None),
    "date": ("open", "date-request", {"new_due_on": "4 July 2019", "reason": "Committee meets in June."}, None),
}
EXPECTED = {  # action -> (audit action, before state, after state, flash message)
    "note": ("note.added", "open", "open", "Progress note added."),
    "evidence": ("evidence.submitted", "open", "submitted", "Evidence submitted. It is now awaiting review."),
    "withdraw": ("evidence.withdrawn", "submitted", "open", "Submission withdrawn."),
    "date": ("due_date.requested", "open", "open", "New due date requested."),
}


def _do(client, ahch, action, htmx, next_url="/my-actions/all?status=grey"):
    state, path, data, files = ACTIONS[action]
    sa = own_sub_action(state=state)
    token = ahch.token("/my-actions")
    upload = [(io.BytesIO(PDF), "Terms of reference.pdf")] if files else None
    response = send(client, f"/sub-actions/{sa.id}/{path}", {**data, "version": sa.version, "next": next_url},
                    htmx=htmx, token=token, files=upload)
    return sa, response


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_change_as_htmx_returns_only_the_row_with_counts_out_of_band(app, client, ahch, action):
    before_page = client.get("/my-actions").get_data(as_text=True)
    sa = own_sub_action(state=ACTIONS[action][0])
    events_before = len(events_of(sa))
    version = sa.version
    sa, response = _do(client, ahch, action, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    assert is_row_only(html, sa.id)
    assert 'id="workspace-counts"' in html and 'id="progress-own" data-hx-swap-oob="true"' in html
    assert '<div id="flash" data-hx-swap-oob="innerHTML">' in html and EXPECTED[action][3] in html
    assert "HX-Request" in response.headers["Vary"]
    delta = {"evidence": 1, "withdraw": -1}.get(action, 0)
    assert oob_count(html, "submitted") == page_count(before_page, "submitted") + delta
    if action == "date":
        assert oob_count(html, "date_requests") == page_count(before_page, "date_requests") + 1
        assert "New date requested: 4 July 2019" in html and "Committee meets in June." in html
    _check_one_event(sa, events_before, version, action)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_change_as_a_plain_form_redirects_back_with_a_message(app, client, ahch, action):
    sa = own_sub_action(state=ACTIONS[action][0])
    events_before, version = len(events_of(sa)), sa.version
    sa, response = _do(client, ahch, action, htmx=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/my-actions/all?status=grey#subaction-{sa.id}")
    page = client.get("/my-actions/all?status=grey").get_data(as_text=True)
    assert EXPECTED[action][3] in page
    _check_one_event(sa, events_before, version, action)


def _check_one_event(sa, events_before, version, action):
    db.session.expire_all()
    events = events_of(sa)
    assert len(events) == events_before + 1
    event = events[-1]
    name, before_state, after_state, _ = EXPECTED[action]
    assert event.action == name
    assert event.actor.email == "ahch@demo.test"
    assert event.before["state"] == before_state and event.after["state"] == after_state
    assert event.before["version"] == version and event.after["version"] == version + 1
    assert sa.version == version + 1 and sa.state == after_state
    if action == "note":
        assert event.object_id == db.session.scalar(select(func.max(ProgressNote.id)))
        assert event.after["noted_on"] == TODAY.isoformat()
    if action == "evidence":
        assert event.after["files"] == ["Terms of reference.pdf"]
        assert count(EvidenceFile, EvidenceFile.submission_id == event.object_id) == 1
    if action == "withdraw":
        assert db.session.get(EvidenceSubmission, event.object_id).status == "withdrawn"
    if action == "date":
        assert event.after["requested_due_on"] == "2019-07-04"
        assert event.before["current_due_on"] == event.after["current_due_on"] == sa.current_due_on.isoformat()


def test_a_pending_date_request_shows_beside_the_date_and_hides_the_form(app, client, ahch):
    sa, response = _do(client, ahch, "date", htmx=True)
    html = response.get_data(as_text=True)
    assert "Request new date" not in html and "New date requested: 4 July 2019" in html


def test_returned_evidence_shows_the_reason_in_the_row(app, client):
    sa = db.session.scalars(select(SubAction).where(SubAction.state == "returned").order_by(SubAction.id)).first()
    Auth(client).login(f"{sa.owner.code}@demo.test")
    html = client.get("/my-actions/all?status=returned").get_data(as_text=True)
    row = re.search(rf'<tr [^>]*id="subaction-{sa.id}".*?</tr>', html, re.S).group(0)
    assert "Evidence returned" in row and "wrong quarter" in row and "Upload evidence" in row


# --- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("path,data,message", [
    ("notes", {"body": "  "}, "Enter the progress note"),
    ("date-request", {"new_due_on": "31 February 2019", "reason": "x"}, "Enter a real date"),
    ("date-request", {"new_due_on": "4 July 2019", "reason": ""}, "Give a reason for the new due date"),
    ("date-request", {"new_due_on": "1 March 2019", "reason": "late"}, "must be today or later"),
    ("date-request", {"new_due_on": "2 April 2024", "reason": "long"}, "must be within five years of today"),
    ("evidence", {"description": ""}, "Describe what the evidence shows"),
    ("withdraw", {}, "There is no submission awaiting review to withdraw."),
])
def test_invalid_input_is_refused_with_the_form_again(app, client, ahch, htmx, path, data, message):
    sa = own_sub_action()
    events, version = len(events_of(sa)), sa.version
    token = ahch.token("/my-actions")
    files = [(io.BytesIO(PDF), "minutes.pdf")] if path == "evidence" else None
    response = send(client, f"/sub-actions/{sa.id}/{path}", {**data, "version": sa.version, "next": "/my-actions"},
                    htmx=htmx, token=token, files=files)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "There is a problem" in html and "nhsuk-error-summary" in html and 'role="alert"' in html
    if htmx:
        assert is_row_only(html, sa.id) and 'tabindex="-1"' in html
    if path != "withdraw":  # the form comes back open, its error beside the field and linked from the summary
        assert "nhsuk-error-message" in html and "aria-describedby" in html and 'class="app-row-form"' in html
        assert re.search(rf'<a href="#(note|date|evidence)-\w+-{sa.id}">', html)
    db.session.expire_all()
    assert len(events_of(sa)) == events and sa.version == version


@pytest.mark.parametrize("htmx", [True, False])
def test_a_stale_change_is_refused_and_the_other_users_change_survives(app, client, ahch, htmx):
    add_member("ahch", "ahch2@demo.test")
    other = app.test_client()
    Auth(other).login("ahch2@demo.test")
    sa = own_sub_action()
    seen_version = sa.version
    # The other member adds a note first, from the same version of the page.
    first = send(other, f"/sub-actions/{sa.id}/notes", {"body": "Board approved the policy.", "version": seen_version},
                 htmx=True, token=Auth(other).token("/my-actions"))
    assert first.status_code == 200
    token = ahch.token("/my-actions")
    response = send(client, f"/sub-actions/{sa.id}/evidence",
                    {"description": "Minutes", "version": seen_version, "next": "/my-actions"},
                    htmx=htmx, token=token, files=[(io.BytesIO(PDF), "minutes.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this sub-action" in html
    assert "Board approved the policy." in html  # the row in its current state
    db.session.expire_all()
    assert sa.state == "open" and sa.version == seen_version + 1
    assert count(EvidenceSubmission, EvidenceSubmission.sub_action_id == sa.id) == 0
    assert [e.action for e in events_of(sa)][-1] == "note.added"
    if htmx:
        assert is_row_only(html, sa.id) and f'name="version" value="{seen_version + 1}"' in html


def test_a_race_past_the_version_check_is_caught_by_the_version_column(app, client, ahch, monkeypatch):
    """Two requests pass the version check at once: the UPDATE ... WHERE version = n of the second
    matches no row (SubAction.version is SQLAlchemy's version_id_col), and it is refused as stale."""
    from sefton import workflow

    real_add_note = workflow.add_note

    def add_note_after_a_race(user, sub_action, body, *, version):
        db.session.execute(db.update(SubAction).where(SubAction.id == sub_action.id)
                           .values(version=SubAction.version + 1).execution_options(synchronize_session=False))
        return real_add_note(user, sub_action, body, version=version)

    monkeypatch.setattr(workflow, "add_note", add_note_after_a_race)
    sa = own_sub_action()
    notes = count(ProgressNote, ProgressNote.sub_action_id == sa.id)
    response = send(client, f"/sub-actions/{sa.id}/notes", {"body": "Raced", "version": sa.version},
                    htmx=True, token=ahch.token("/my-actions"))
    assert response.status_code == 409
    assert count(ProgressNote, ProgressNote.sub_action_id == sa.id) == notes


# --- history --------------------------------------------------------------------------------------

def test_history_lists_every_change_newest_first_as_page_and_fragment(app, client, ahch):
    sa, _ = _do(client, ahch, "note", htmx=True)
    db.session.refresh(sa)
    token = ahch.token("/my-actions")
    send(client, f"/sub-actions/{sa.id}/date-request",
         {"new_due_on": "31 July 2019", "reason": "Waiting for the audit results.", "version": sa.version},
         htmx=True, token=token)
    page = client.get(f"/sub-actions/{sa.id}/history")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<header" in html
    assert html.index("New due date requested") < html.index("Progress note added")
    assert "Requested due date: 31 July 2019" in html and "Waiting for the audit results." in html
    assert "Demo Safeguarding Lead (AHCH)" in html
    assert len(re.findall(r"<tr class=\"nhsuk-table__row\">\s*<td", html)) == len(events_of(sa))
    fragment = client.get(f"/sub-actions/{sa.id}/history", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith(f'<div id="history-{sa.id}"') and "<html" not in fragment
    assert "<header" not in fragment


def test_history_says_state_changes_in_words(app, client, ahch):
    sa, _ = _do(client, ahch, "evidence", htmx=True)
    html = client.get(f"/sub-actions/{sa.id}/history").get_data(as_text=True)
    assert "Workflow state changed from Open to Evidence submitted, awaiting review" in html
    assert "Files: Terms of reference.pdf" in html


# --- the plain sub-action page ----------------------------------------------------------------------

def test_sub_action_page_has_controls_evidence_notes_and_history_for_the_owner(app, client, ahch):
    sa, _ = _do(client, ahch, "evidence", htmx=True)
    html = client.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
    file_id = db.session.scalar(select(EvidenceFile.id).join(EvidenceSubmission)
                                .where(EvidenceSubmission.sub_action_id == sa.id))
    assert "Withdraw submission" in html and f"/evidence/{file_id}" in html
    assert "Terms of reference.pdf" in html and "Progress notes" in html
    assert f"/sub-actions/{sa.id}/history" in html
    assert "hx-post" not in html  # the page's forms post and reload: the whole page changes with them
    response = send(client, f"/sub-actions/{sa.id}/withdraw", {"version": sa.version, "next": f"/sub-actions/{sa.id}"},
                    htmx=False, token=ahch.token(f"/sub-actions/{sa.id}"))
    assert response.headers["Location"].endswith(f"/sub-actions/{sa.id}#subaction-{sa.id}")


def test_co_owner_sees_the_sub_action_read_only_without_evidence(app, client, ahch):
    ahch_id = org("ahch").id
    co_owned = select(recommendation_owners.c.recommendation_id).where(
        recommendation_owners.c.organisation_id != ahch_id)
    sa = db.session.scalars(select(SubAction).where(SubAction.owner_id == ahch_id, SubAction.state == "open",
                                                    SubAction.recommendation_id.in_(co_owned))).first()
    response = send(client, f"/sub-actions/{sa.id}/evidence", {"description": "Audit", "version": sa.version},
                    htmx=True, token=ahch.token("/my-actions"), files=[(io.BytesIO(PDF), "audit.pdf")])
    assert response.status_code == 200
    co_owner = db.session.scalars(
        select(Organisation.code).join(recommendation_owners, recommendation_owners.c.organisation_id == Organisation.id)
        .where(recommendation_owners.c.recommendation_id == sa.recommendation_id, Organisation.id != ahch_id)).first()
    other = app.test_client()
    Auth(other).login(f"{co_owner}@demo.test")
    html = other.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
    assert "Withdraw submission" not in html and "/evidence/" not in html and "audit.pdf" not in html
    assert "Evidence is shown only to" in html
    row = re.search(rf'<tr [^>]*id="subaction-{sa.id}".*?</tr>', full_list(other), re.S).group(0)
    assert "<form" not in row and "audit.pdf" not in row and "read only" in row
    history = other.get(f"/sub-actions/{sa.id}/history").get_data(as_text=True)
    assert "Evidence submitted" in history and "audit.pdf" not in history
    token = Auth(other).token("/my-actions")
    assert send(other, f"/sub-actions/{sa.id}/notes", {"body": "x", "version": sa.version},
                htmx=True, token=token).status_code == 403


def test_reviewer_of_an_organisation_uses_the_workspace_for_its_own_sub_actions(app, client):
    Auth(client).login("reviewer@demo.test")
    html = full_list(client)
    ss = org("ss-ccg")
    own = db.session.scalars(select(SubAction.id).where(SubAction.owner_id == ss.id)).all()
    shown = {int(i) for i in re.findall(r'app-workspace-row" id="subaction-(\d+)"', html)}
    assert set(own) <= shown
    sa = own_sub_action("ss-ccg")
    response = send(client, f"/sub-actions/{sa.id}/notes", {"body": "Checked", "version": sa.version},
                    htmx=True, token=Auth(client).token("/my-actions"))
    assert response.status_code == 200


def test_my_actions_queries_do_not_grow_with_the_plan(app, client, ahch):
    from sefton.demo import scale
    from test_queries import count_queries

    def measure():
        counts = []
        for page in ("/my-actions", "/my-actions/all", "/my-actions/all?page=2"):
            db.session.remove()
            with count_queries() as c:
                assert client.get(page).status_code == 200
            counts.append(c["n"])
        return counts

    demo = measure()
    scale.build(2)  # the plan twice over (sefton.scale: the demo's states, dates and requests copied)
    db.session.commit()
    before = measure()
    scale.build(3)  # six times over
    db.session.commit()
    assert measure() == before
    # At demo size a group may hold no submission at all, which saves loading files: never more.
    assert all(d <= b for d, b in zip(demo, before))


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/x\r\nSet-Cookie: a=b"])
def test_plain_form_never_redirects_off_the_site(app, client, ahch, next_url):
    sa = own_sub_action()
    response = send(client, f"/sub-actions/{sa.id}/notes", {"body": "x", "version": sa.version, "next": next_url},
                    htmx=False, token=ahch.token("/my-actions"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/my-actions#subaction-{sa.id}"


def test_a_filter_shows_only_the_organisations_own_sub_actions(app, client, ahch):
    own_sub_action().state = "returned"
    db.session.commit()
    html = client.get("/my-actions/all?status=returned").get_data(as_text=True)
    shown = {int(i) for i in re.findall(r'app-workspace-row" id="subaction-(\d+)"', html)}
    mine = set(db.session.scalars(select(SubAction.id).where(SubAction.owner_id == org("ahch").id,
                                                             SubAction.state == "returned")))
    assert shown == mine and mine
    assert "read only" not in html.split('id="progress-own"')[0].split("</form>")[-1]
