"""Issue 12, the workspace row: forms fetched when opened (and the plain sub-action page for JavaScript
off), nothing lost (a stale note kept, withdraw asks first, a date request cancelled by its
organisation), and the flash region swapped by its content only."""
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from conftest import Auth
from sefton.figures import asat
from sefton.notifications import plan_state, reminders
from sefton.extensions import db
from sefton.models import AuditEvent, DueDateRequest, Organisation, ProgressNote, SubAction, recommendation_owners
from test_workspace import (
    TODAY,
    add_member,
    count,
    events_of,
    invisible_org_code,
    is_row_only,
    oob_count,
    org,
    own_sub_action,
    page_count,
    send,
)

HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/my-actions?status=grey"}


@pytest.fixture
def ahch(client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    return auth


def co_owned_ahch_sub_action():
    """A sub-action Alder Hey owns on a recommendation it shares with another organisation."""
    ahch_id = org("ahch").id
    shared = select(recommendation_owners.c.recommendation_id).where(recommendation_owners.c.organisation_id != ahch_id)
    sa = db.session.scalars(select(SubAction).where(SubAction.owner_id == ahch_id, SubAction.state == "open",
                                                    SubAction.recommendation_id.in_(shared))
                            .order_by(SubAction.id)).first()
    co_owner = db.session.scalars(
        select(Organisation.code).join(recommendation_owners, recommendation_owners.c.organisation_id == Organisation.id)
        .where(recommendation_owners.c.recommendation_id == sa.recommendation_id, Organisation.id != ahch_id)).first()
    return sa, co_owner


def signed_in(app, email):
    other = app.test_client()
    Auth(other).login(email)
    return other


# --- the page is light: forms come when opened -------------------------------------------------------

def test_my_actions_rows_carry_links_not_forms(app, client, ahch):
    """Every page of the full list (and the default view): the rows link to their forms, which are
    fetched when opened; only "Cancel this request" is a form in a row."""
    pages, page = [], 1
    while (response := client.get(f"/my-actions/all?page={page}")).status_code == 200:
        pages.append(response.get_data(as_text=True))
        page += 1
    pages.append(client.get("/my-actions").get_data(as_text=True))
    html = "".join(pages)
    rows = set(re.findall(r'<tr class="nhsuk-table__row app-workspace-row" id="subaction-(\d+)"', html))
    own = [sid for sid in rows if f'data-hx-get="/sub-actions/{sid}/forms/note"' in html]
    assert len(rows) > 40 and len(own) > 20
    # Before issue 12 every own row carried 3 or 4 forms with textareas (about 135 forms, 120 textareas).
    pending = count(DueDateRequest, DueDateRequest.status == "pending",
                    DueDateRequest.sub_action_id.in_(select(SubAction.id).where(SubAction.owner_id == org("ahch").id)))
    assert html.count("<textarea") == 0
    in_rows = re.findall(r'<tr class="nhsuk-table__row app-workspace-row" id="subaction-(\d+)".*?</tr>', html, re.S)
    cancel_forms = set()
    for block in re.findall(r'<tr class="nhsuk-table__row app-workspace-row".*?</tr>', html, re.S):
        forms = re.findall(r"<form [^>]*>", block)
        assert all("/cancel" in f for f in forms)  # only "Cancel this request"
        cancel_forms.update(forms)
    assert in_rows and len(cancel_forms) == pending
    assert all(p.count("<form") < 20 for p in pages)
    for name in ('name="body"', 'name="description"', 'name="new_due_on"', 'name="reason"', 'type="file"'):
        assert name not in html
    for sid in own[:5]:
        assert f'href="/sub-actions/{sid}?form=note#note"' in html  # JavaScript off: the row's own page
    for label in ("Ref", "Sub-action", "Due date", "Status", "Update"):
        assert f'data-label="{label}"' in html


@pytest.mark.parametrize("kind,state,field", [("note", "open", 'name="body"'),
                                              ("evidence", "open", 'name="description"'),
                                              ("date", "open", 'name="new_due_on"'),
                                              ("withdraw", "submitted", "Are you sure you want to withdraw")])
def test_a_form_is_fetched_into_the_row_with_its_hidden_fields(app, client, ahch, kind, state, field):
    sa = own_sub_action(state=state)
    response = client.get(f"/sub-actions/{sa.id}/forms/{kind}", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_row_only(html, sa.id)
    assert field in html and 'class="app-row-form"' in html
    assert f'name="version" value="{sa.version}"' in html and 'name="csrf_token"' in html
    assert 'name="next" value="/my-actions?status=grey"' in html  # the page showing the row
    assert f'data-hx-get="/sub-actions/{sa.id}/row"' in html and f'data-app-cancel="{kind}"' in html
    assert "hx-post" in html and "<html" not in html
    # Cancel: the row as it is, its form closed, the link that opened it back.
    row = client.get(f"/sub-actions/{sa.id}/row", headers=HX).get_data(as_text=True)
    assert is_row_only(row, sa.id) and "app-row-form" not in row and f'data-app-opens="{kind}"' in row


def test_a_form_not_offered_now_answers_the_row_as_it_is(app, client, ahch):
    sa = own_sub_action(state="open")
    response = client.get(f"/sub-actions/{sa.id}/forms/withdraw", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and is_row_only(html, sa.id)
    assert "There is no submission awaiting review to withdraw." in html and 'role="alert"' in html
    assert client.get(f"/sub-actions/{sa.id}/forms/nonsense", headers=HX).status_code == 404


def test_without_javascript_the_links_lead_to_the_sub_action_page_with_every_form(app, client, ahch):
    sa = own_sub_action(state="open")
    response = client.get(f"/sub-actions/{sa.id}/forms/date")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sub-actions/{sa.id}?form=date#date")
    assert client.get(f"/sub-actions/{sa.id}/row").headers["Location"].endswith(f"/sub-actions/{sa.id}#subaction-{sa.id}")
    html = client.get(f"/sub-actions/{sa.id}?form=date").get_data(as_text=True)
    for anchor, field in (("note", 'name="body"'), ("evidence", 'name="description"'), ("date", 'name="new_due_on"')):
        assert f'id="{anchor}"' in html and field in html
    assert "hx-post" not in html and "data-hx-get" not in html
    submitted = own_sub_action(state="submitted")
    assert client.get(f"/sub-actions/{submitted.id}/forms/withdraw").headers["Location"].endswith(
        f"/sub-actions/{submitted.id}/withdraw")
    page = client.get(f"/sub-actions/{submitted.id}").get_data(as_text=True)
    assert f'href="/sub-actions/{submitted.id}/withdraw"' in page and 'id="withdraw"' in page


def test_fragment_routes_answer_only_the_owning_organisation(app, client, ahch):
    sa, co_owner = co_owned_ahch_sub_action()
    stranger = signed_in(app, f"{invisible_org_code(sa)}@demo.test")
    co = signed_in(app, f"{co_owner}@demo.test")
    for path in (f"/sub-actions/{sa.id}/forms/note", f"/sub-actions/{sa.id}/row", f"/sub-actions/{sa.id}/withdraw"):
        assert stranger.get(path, headers=HX).status_code == 404  # its existence is not confirmed
        assert co.get(path, headers=HX).status_code == 403  # read only for a co-owner
        for email in ("viewer@demo.test", "admin@demo.test", "reviewer@demo.test"):
            assert signed_in(app, email).get(path, headers=HX).status_code == 403
    co_page = co.get(f"/sub-actions/{sa.id}").get_data(as_text=True)  # where its row's links would lead
    assert sa.ref in co_page
    assert f"/sub-actions/{sa.id}/forms/" not in co_page and "Write a progress note" not in co_page
    assert 'name="body"' not in co_page  # nor the page's plain forms


# --- nothing lost: a stale note is kept --------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_a_note_typed_while_someone_else_changed_the_row_is_kept(app, client, ahch, htmx):
    add_member("ahch", "ahch2@demo.test")
    other = signed_in(app, "ahch2@demo.test")
    sa = own_sub_action()
    seen = sa.version
    assert send(other, f"/sub-actions/{sa.id}/notes", {"body": "Board approved the policy.", "version": seen},
                htmx=True, token=Auth(other).token("/my-actions")).status_code == 200
    notes = count(ProgressNote, ProgressNote.sub_action_id == sa.id)
    typed = "Training dates agreed with the named nurse & the team."
    response = send(client, f"/sub-actions/{sa.id}/notes", {"body": typed, "version": seen, "next": "/my-actions"},
                    htmx=htmx, token=ahch.token("/my-actions"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this sub-action" in html and "Your note is kept" in html
    assert "Board approved the policy." in html  # the new state beside it
    assert re.search(r'<textarea[^>]*name="body"[^>]*>Training dates agreed with the named nurse &amp; the team\.</textarea>',
                     html)
    assert f'name="version" value="{seen + 1}"' in html  # sent again, it is made against the current state
    assert "nhsuk-error-summary" in html and 'role="alert"' in html
    if htmx:
        assert is_row_only(html, sa.id)
    db.session.expire_all()
    assert count(ProgressNote, ProgressNote.sub_action_id == sa.id) == notes  # nothing written
    again = send(client, f"/sub-actions/{sa.id}/notes", {"body": typed, "version": seen + 1},
                 htmx=True, token=ahch.token("/my-actions"))
    assert again.status_code == 200 and count(ProgressNote, ProgressNote.sub_action_id == sa.id) == notes + 1


def test_a_date_request_typed_on_a_stale_row_is_kept(app, client, ahch):
    sa = own_sub_action()
    seen = sa.version
    send(client, f"/sub-actions/{sa.id}/notes", {"body": "A note first.", "version": seen}, htmx=True,
         token=ahch.token("/my-actions"))
    response = send(client, f"/sub-actions/{sa.id}/date-request",
                    {"new_due_on": "4 July 2019", "reason": "The board meets in June.", "version": seen},
                    htmx=True, token=ahch.token("/my-actions"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "are kept below" in html
    assert 'value="4 July 2019"' in html and ">The board meets in June.</textarea>" in html
    assert count(DueDateRequest, DueDateRequest.sub_action_id == sa.id) == 0


# --- withdraw asks first ------------------------------------------------------------------------------

def test_withdraw_asks_first_in_the_row_and_changes_nothing_until_confirmed(app, client, ahch):
    sa = own_sub_action(state="submitted")
    events = len(events_of(sa))
    html = client.get(f"/sub-actions/{sa.id}/forms/withdraw", headers=HX).get_data(as_text=True)
    assert "Are you sure you want to withdraw the evidence" in html
    assert re.search(r'<button[^>]*type="submit"[^>]*>Withdraw</button>', html) and "Keep it" in html
    db.session.expire_all()
    assert sa.state == "submitted" and len(events_of(sa)) == events
    response = send(client, f"/sub-actions/{sa.id}/withdraw", {"version": sa.version}, htmx=True,
                    token=ahch.token("/my-actions"))
    assert response.status_code == 200 and "Submission withdrawn." in response.get_data(as_text=True)


def test_withdraw_without_javascript_has_a_confirmation_page(app, client, ahch):
    sa = own_sub_action(state="submitted")
    page = client.get(f"/sub-actions/{sa.id}/withdraw", headers={"Referer": "http://localhost/my-actions?status=grey"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Withdraw submission</h1>" in html
    assert "Are you sure you want to withdraw the evidence" in html
    assert f'action="/sub-actions/{sa.id}/withdraw"' in html and 'method="post"' in html and "hx-post" not in html
    assert 'name="next" value="/my-actions?status=grey"' in html and 'href="/my-actions?status=grey">Keep it' in html
    db.session.expire_all()
    assert sa.state == "submitted"
    response = send(client, f"/sub-actions/{sa.id}/withdraw", {"version": sa.version, "next": "/my-actions?status=grey"},
                    htmx=False, token=ahch.token("/my-actions"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/my-actions?status=grey#subaction-{sa.id}")
    db.session.expire_all()
    assert sa.state == "open"
    done = client.get(f"/sub-actions/{sa.id}/withdraw").get_data(as_text=True)
    assert "There is no submission awaiting review to withdraw." in done and "<form method=\"post\" action=\"/sub-actions" not in done


# --- a pending date request cancelled by its organisation ----------------------------------------------

def _request(client, ahch, sa):
    response = send(client, f"/sub-actions/{sa.id}/date-request",
                    {"new_due_on": "4 July 2019", "reason": "The board meets in June.", "version": sa.version},
                    htmx=True, token=ahch.token("/my-actions"))
    assert response.status_code == 200
    db.session.expire_all()
    return db.session.scalars(select(DueDateRequest).where(DueDateRequest.sub_action_id == sa.id)).one()


def test_cancelling_a_date_request_is_audited_and_ends_it_everywhere(app, client, ahch):
    sa = own_sub_action()
    due, req = sa.current_due_on, _request(client, ahch, sa)
    page = client.get("/my-actions").get_data(as_text=True)
    assert f'action="/date-requests/{req.id}/cancel"' in page
    version = sa.version
    response = send(client, f"/date-requests/{req.id}/cancel", {"version": version}, htmx=True,
                    token=ahch.token("/my-actions"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_row_only(html, sa.id)
    assert "Request for a new due date cancelled" in html and "New date requested" not in html
    assert oob_count(html, "date_requests") == page_count(page, "date_requests") - 1
    db.session.expire_all()
    assert req.status == "withdrawn" and req.withdrawn_on == TODAY
    assert sa.current_due_on == due and sa.version == version + 1
    event = events_of(sa)[-1]
    assert event.action == "due_date.cancelled" and event.actor.email == "ahch@demo.test"
    assert event.object_id == req.id and event.after["requested_due_on"] == "2019-07-04"
    assert "New due date request cancelled" in client.get(f"/sub-actions/{sa.id}/history").get_data(as_text=True)
    # "As at": pending until the day it was cancelled, never after; the due date never moved.
    assert asat.pending_request([req], TODAY) is None
    assert asat.request_pending(req, TODAY - dt.timedelta(days=1)) is False  # asked for today
    # Reminders and digests: not pending for anyone.
    state = plan_state.load(TODAY)
    assert all(item.key != f"date-pending:{req.id}"
               for item in reminders.for_organisation(state, org("ahch").id)[reminders.DATES_PENDING])
    assert all(item.key != f"date-request:{req.id}" for item in reminders.for_reviewer(state, None)[reminders.DATE_REQUESTS])
    # A reviewer can no longer decide on it, and the queue no longer lists it.
    reviewer = signed_in(app, "reviewer@demo.test")
    assert f'id="date-request-{req.id}"' not in reviewer.get("/review").get_data(as_text=True)
    refused = reviewer.post(f"/review/date-requests/{req.id}/accept",
                            data={"version": sa.version, "csrf_token": Auth(reviewer).token("/review")})
    assert refused.status_code == 409
    assert "cancelled this request for a new due date" in refused.get_data(as_text=True)
    in_place = reviewer.post(f"/review/date-requests/{req.id}/decline",
                             data={"version": sa.version, "comment": "No."},
                             headers={"HX-Request": "true", "X-CSRFToken": Auth(reviewer).token("/review")})
    assert in_place.status_code == 409 and "Cancelled by Alder Hey" in in_place.get_data(as_text=True)
    db.session.expire_all()
    assert req.status == "withdrawn" and sa.current_due_on == due
    assert events_of(sa)[-1].action == "due_date.cancelled"


def test_cancelling_as_a_plain_form_and_refusals(app, client, ahch):
    sa = own_sub_action()
    req = _request(client, ahch, sa)
    stale = send(client, f"/date-requests/{req.id}/cancel", {"version": sa.version - 1}, htmx=False,
                 token=ahch.token("/my-actions"))
    assert stale.status_code == 409
    db.session.expire_all()
    assert req.status == "pending"
    response = send(client, f"/date-requests/{req.id}/cancel", {"version": sa.version, "next": "/my-actions"},
                    htmx=False, token=ahch.token("/my-actions"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/my-actions#subaction-{sa.id}")
    assert "Request for a new due date cancelled" in client.get("/my-actions").get_data(as_text=True)
    db.session.expire_all()
    again = send(client, f"/date-requests/{req.id}/cancel", {"version": sa.version}, htmx=True,
                 token=ahch.token("/my-actions"))
    assert again.status_code == 409 and "already been decided or cancelled" in again.get_data(as_text=True)
    assert [e.action for e in events_of(sa)].count("due_date.cancelled") == 1


def test_only_the_organisation_that_asked_may_cancel(app, client, ahch):
    sa, co_owner = co_owned_ahch_sub_action()
    req = _request(client, ahch, sa)
    cases = {f"{invisible_org_code(sa)}@demo.test": 404, f"{co_owner}@demo.test": 403,
             "reviewer@demo.test": 403, "viewer@demo.test": 403, "admin@demo.test": 403}
    for email, expected in cases.items():
        other = signed_in(app, email)
        response = other.post(f"/date-requests/{req.id}/cancel",
                              data={"version": sa.version, "csrf_token": Auth(other).token("/")})
        assert response.status_code == expected, email
    no_csrf = client.post(f"/date-requests/{req.id}/cancel", data={"version": sa.version})
    assert no_csrf.status_code == 400
    db.session.expire_all()
    assert req.status == "pending"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "due_date.cancelled")) is None


# --- the flash region stays; only its content changes ----------------------------------------------------

def test_flash_is_swapped_by_its_content_and_the_live_region_stays(app, client, ahch):
    page = client.get("/my-actions").get_data(as_text=True)
    assert '<div id="flash" aria-live="polite">' in page
    sa = own_sub_action()
    html = send(client, f"/sub-actions/{sa.id}/notes", {"body": "A note.", "version": sa.version}, htmx=True,
                token=ahch.token("/my-actions")).get_data(as_text=True)
    assert '<div id="flash" data-hx-swap-oob="innerHTML">' in html and 'hx-swap-oob="true">\n  <div class="app-flash' not in html
    error = client.get("/sub-actions/999999/forms/note", headers=HX)
    assert error.status_code == 404 and '<div id="flash" data-hx-swap-oob="innerHTML">' in error.get_data(as_text=True)


def test_an_evidence_upload_refused_keeps_the_description(app, client, ahch):
    sa = own_sub_action()
    response = send(client, f"/sub-actions/{sa.id}/evidence", {"description": "Minutes of May", "version": sa.version},
                    htmx=True, token=ahch.token("/my-actions"), files=[(io.BytesIO(b""), "empty.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and ">Minutes of May</textarea>" in html
    assert re.search(rf'<a href="#evidence-files-{sa.id}">', html)  # the summary links to the field
