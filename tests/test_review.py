"""Reviewers' decisions over HTTP: each as an htmx request and as a plain form, with CSRF on."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from conftest import Auth
from sefton import access, workflow
from sefton.workflow.evidence import Checked
from sefton.extensions import db
from sefton.models import AuditEvent, DueDateRequest, EvidenceSubmission, Organisation, SubAction, User

HX = {"HX-Request": "true"}


def pending_submission(exclude_org="ss-ccg"):
    return db.session.scalars(
        select(EvidenceSubmission).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(EvidenceSubmission.status == "pending", Organisation.code != exclude_org)
        .order_by(EvidenceSubmission.id)).first()


def pending_request(exclude_org="ss-ccg"):
    return db.session.scalars(
        select(DueDateRequest).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(DueDateRequest.status == "pending", Organisation.code != exclude_org)
        .order_by(DueDateRequest.id)).first()


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_total():
    return count(AuditEvent)


def one_new_event(before, action):
    """Exactly one audit event was added, and it is `action`."""
    last = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()
    return count(AuditEvent) == before + 1 and last == action


def pending_total():
    return count(EvidenceSubmission, EvidenceSubmission.status == "pending")


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def reviewer(client, auth):
    auth.login("reviewer@demo.test")
    return auth


def post(client, auth, url, data, htmx=False):
    token = auth.token()
    if htmx:
        return client.post(url, data=data, headers={**HX, "X-CSRFToken": token})
    return client.post(url, data={**data, "csrf_token": token})


def oob(html, element_id):
    """The out-of-band element with this id in an htmx response."""
    # #flash is swapped by its content only (innerHTML): the live region stays in the page.
    swap = "innerHTML" if element_id == "flash" else "true"
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*hx-swap-oob="{swap}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no out-of-band #{element_id}"
    return match.group(0)


def own_submission():
    """Evidence the reviewer submitted as a member of ss-ccg."""
    reviewer = user("reviewer@demo.test")
    sa = db.session.scalars(select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                            .where(Organisation.code == "ss-ccg", SubAction.state == "open")).first()
    sub = workflow.submit_evidence(reviewer, sa, "Our training register",
                                   [Checked("register.txt", "text/plain", b"Training register (illustrative)")],
                                   version=sa.version)
    db.session.commit()
    return sub


# --- the queue and the submission page -------------------------------------------------------

def test_queue_lists_every_pending_submission_oldest_first_with_the_count_in_the_header(client, reviewer):
    html = client.get("/review").get_data(as_text=True)
    subs = db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.status == "pending")
                              .order_by(EvidenceSubmission.submitted_at, EvidenceSubmission.id)).all()
    assert len(subs) > 5
    shown = [int(i) for i in re.findall(r'<tr class="nhsuk-table__row" id="submission-(\d+)"', html)]
    assert shown == [s.id for s in subs]
    # The header counts what this reviewer may decide on: evidence and date requests.
    me = user("reviewer@demo.test")
    requests = db.session.scalars(select(DueDateRequest).where(DueDateRequest.status == "pending")).all()
    mine = sum(access.can_decide(me, s) for s in subs) + sum(access.can_decide_date(me, r) for r in requests)
    badge = re.search(r'id="review-count"[^>]*>(\d+)<', html)
    assert badge and int(badge.group(1)) == mine < len(subs) + len(requests)
    assert f"Evidence awaiting review: {len(subs)}" in html


def test_queue_filters_by_organisation_and_section(client, reviewer):
    sub = pending_submission()
    sa = sub.sub_action
    code, number = sa.owner.code, sa.recommendation.section.number
    html = client.get(f"/review?org={code}").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'id="submission-(\d+)"', html)]
    expected = db.session.scalars(select(EvidenceSubmission.id).join(SubAction).where(
        EvidenceSubmission.status == "pending", SubAction.owner_id == sa.owner_id)).all()
    assert sorted(ids) == sorted(expected) and sub.id in ids
    html = client.get(f"/review?org={code}&section={number}").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'id="submission-(\d+)"', html)]
    assert sub.id in ids and all(db.session.get(EvidenceSubmission, i).sub_action.recommendation.section.number
                                 == number for i in ids)
    assert f'<option value="{code}" selected>' in html
    html = client.get("/review?org=nobody").get_data(as_text=True)
    assert "No evidence matching these filters" in html
    assert client.get("/review?section=abc").status_code == 200


def test_submission_page_shows_the_sub_action_history_description_and_files(client, reviewer):
    sub = pending_submission()
    html = client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    assert sub.sub_action.text in html and sub.description in html
    assert sub.files[0].original_name in html
    if "workspace.download_evidence" in client.application.view_functions:
        assert f'href="/evidence/{sub.files[0].id}"' in html
    assert "Evidence submitted" in html  # the history, from the audit trail
    assert 'id="accept-form"' in html and 'id="return-form"' in html
    assert f'name="version" value="{sub.sub_action.version}"' in html


def test_history_is_newest_first(client, reviewer):
    sub = pending_submission()
    workflow.add_note(user(f"{sub.sub_action.owner.code}@demo.test"), sub.sub_action, "A later note",
                      version=sub.sub_action.version)
    db.session.commit()
    html = client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    history = html[html.index('id="submission-history"'):]
    assert history.index("Progress note added") < history.index("Evidence submitted")


# --- accepting ------------------------------------------------------------------------------

def test_accept_as_a_plain_form(client, reviewer):
    sub = pending_submission()
    sa, before, pending = sub.sub_action, audit_total(), pending_total()
    response = post(client, reviewer, f"/review/submissions/{sub.id}/accept",
                    {"comment": "Good evidence.", "version": sa.version})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/review/submissions/{sub.id}#decision-title")
    assert (sub.status, sa.state, sa.accepted_on) == ("accepted", "accepted", dt.date(2019, 4, 1))
    assert sub.decision_comment == "Good evidence." and sub.fingerprint == workflow.fingerprint(sub.files)
    assert one_new_event(before, "evidence.accepted") and pending_total() == pending - 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "accepted: the sub-action is Green from 1 April 2019" in html
    assert sub.fingerprint in html and "The files are unchanged since the decision" in html
    assert 'id="accept-form"' not in html


def test_accept_with_htmx_swaps_the_panel_and_updates_counts_out_of_band(client, reviewer):
    sub = pending_submission()
    sa, before = sub.sub_action, audit_total()
    queue = client.get("/review").get_data(as_text=True)
    green = int(re.search(r'id="figure-green">(\d+)<', queue).group(1))
    header = int(re.search(r'id="review-count"[^>]*>(\d+)<', queue).group(1))
    response = post(client, reviewer, f"/review/submissions/{sub.id}/accept", {"version": sa.version}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="decision-panel"') and "Accepted" in html
    assert f">{header - 1}<" in oob(html, "review-count")
    assert f'id="figure-green">{green + 1}<' in oob(html, "review-figures")
    assert "Green" in oob(html, "submission-status") and "Evidence accepted" in oob(html, "submission-history")
    assert "accepted" in oob(html, "flash")
    assert one_new_event(before, "evidence.accepted") and sub.status == "accepted"


# --- returning ------------------------------------------------------------------------------

def test_return_as_a_plain_form_needs_a_reason(client, reviewer):
    sub = pending_submission()
    sa, before = sub.sub_action, audit_total()
    response = post(client, reviewer, f"/review/submissions/{sub.id}/return", {"reason": " ", "version": sa.version})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html
    assert 'aria-describedby="return-reason-hint return-reason-error"' in html and "Give the reason" in html
    assert sub.status == "pending" and audit_total() == before
    response = post(client, reviewer, f"/review/submissions/{sub.id}/return",
                    {"reason": "Attach the signed minutes.", "version": sa.version})
    assert response.status_code == 302
    assert (sub.status, sub.decision_comment, sa.state) == ("returned", "Attach the signed minutes.", "returned")
    assert one_new_event(before, "evidence.returned")


def test_return_with_htmx(client, reviewer):
    sub = pending_submission()
    sa, before = sub.sub_action, audit_total()
    response = post(client, reviewer, f"/review/submissions/{sub.id}/return", {"reason": "", "version": sa.version},
                    htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert 'id="return-reason-error"' in html and 'id="return-form"' in html
    response = post(client, reviewer, f"/review/submissions/{sub.id}/return",
                    {"reason": "Wrong quarter.", "version": sa.version}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Returned" in html and "Wrong quarter." in html
    assert "Evidence returned" in oob(html, "submission-status")
    assert one_new_event(before, "evidence.returned") and sub.status == "returned"


# --- stale pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True])
def test_a_decision_on_a_stale_page_is_refused_with_409(client, reviewer, htmx):
    sub = pending_submission()
    sa = sub.sub_action
    stale = sa.version
    workflow.add_note(user(f"{sa.owner.code}@demo.test"), sa, "Meanwhile, a note", version=stale)
    db.session.commit()
    before = count(AuditEvent)
    response = post(client, reviewer, f"/review/submissions/{sub.id}/accept", {"version": stale}, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this sub-action" in html
    assert f'name="version" value="{sa.version}"' in html  # the panel again, in its current state
    assert count(AuditEvent) == before and sub.status == "pending"


@pytest.mark.parametrize("htmx", [False, True])
def test_deciding_twice_is_refused_with_409(client, reviewer, htmx):
    sub = pending_submission()
    post(client, reviewer, f"/review/submissions/{sub.id}/return",
         {"reason": "Wrong quarter.", "version": sub.sub_action.version})
    before = count(AuditEvent)
    response = post(client, reviewer, f"/review/submissions/{sub.id}/accept",
                    {"version": sub.sub_action.version}, htmx=htmx)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "already been decided" in html and "Returned" in html
    assert count(AuditEvent) == before and sub.status == "returned"


def test_a_missing_version_is_a_bad_request(client, reviewer):
    sub = pending_submission()
    assert post(client, reviewer, f"/review/submissions/{sub.id}/accept", {}).status_code == 400
    assert sub.status == "pending"


# --- self-approval --------------------------------------------------------------------------

def test_a_reviewer_is_not_offered_and_cannot_decide_on_their_own_submission(client, reviewer):
    sub = own_submission()
    html = client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    assert 'id="accept-form"' not in html and 'id="return-form"' not in html
    assert "You submitted this evidence, so another reviewer must decide on it." in html
    queue = client.get("/review").get_data(as_text=True)
    row = re.search(rf'id="submission-{sub.id}".*?</tr>', queue, re.S).group(0)
    assert "another reviewer must decide" in row
    before = count(AuditEvent)
    for action, data in (("accept", {}), ("return", {"reason": "x"})):
        for htmx in (False, True):
            response = post(client, reviewer, f"/review/submissions/{sub.id}/{action}",
                            {**data, "version": sub.sub_action.version}, htmx=htmx)
            assert response.status_code == 403
            assert "another reviewer must decide" in response.get_data(as_text=True)
    assert sub.status == "pending" and count(AuditEvent) == before


def test_another_reviewer_can_decide_on_it(app, client, reviewer):
    sub = own_submission()
    other = user("reviewer2@demo.test")  # the other CCG's reviewer
    second = app.test_client()
    auth2 = Auth(second)
    auth2.login("reviewer2@demo.test")
    assert 'id="accept-form"' in second.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    response = post(second, auth2, f"/review/submissions/{sub.id}/accept", {"version": sub.sub_action.version})
    assert response.status_code == 302 and sub.status == "accepted" and sub.decided_by_id == other.id


# --- due-date requests ----------------------------------------------------------------------

def test_date_requests_are_listed_on_the_queue(client, reviewer):
    req = pending_request()
    html = client.get("/review").get_data(as_text=True)
    assert f'id="date-request-{req.id}"' in html
    n = count(DueDateRequest, DueDateRequest.status == "pending")
    assert f'<span id="date-request-count">{n}</span>' in html


def test_accept_a_date_as_a_plain_form(client, reviewer):
    req = pending_request()
    sa, before = req.sub_action, audit_total()
    original = sa.original_due_on
    response = post(client, reviewer, f"/review/date-requests/{req.id}/accept", {"comment": "", "version": sa.version})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review#date-requests")
    assert req.status == "accepted" and sa.current_due_on == req.requested_due_on and sa.original_due_on == original
    assert one_new_event(before, "due_date.accepted")
    assert "New due date for" in client.get("/review").get_data(as_text=True)


def test_decline_a_date_with_htmx_needs_a_comment(client, reviewer):
    req = pending_request()
    sa, before = req.sub_action, audit_total()
    n = count(DueDateRequest, DueDateRequest.status == "pending")
    url = f"/review/date-requests/{req.id}/decline"
    response = post(client, reviewer, url, {"comment": "", "version": sa.version}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.lstrip().startswith(f'<tr class="nhsuk-table__row" id="date-request-{req.id}"')
    assert f'aria-describedby="dr-{req.id}-comment-error"' in html
    response = post(client, reviewer, url, {"comment": "The deadline stands.", "version": sa.version}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Declined" in html and "The deadline stands." in html
    assert f">{n - 1}<" in oob(html, "date-request-count")
    assert req.status == "declined" and one_new_event(before, "due_date.declined")


def test_decline_as_a_plain_form_without_a_comment_shows_the_error(client, reviewer):
    req = pending_request()
    response = post(client, reviewer, f"/review/date-requests/{req.id}/decline",
                    {"comment": "", "version": req.sub_action.version})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html and f'id="dr-{req.id}-comment-error"' in html
    assert req.status == "pending"


def test_a_reviewer_cannot_decide_on_their_own_date_request(client, reviewer):
    me = user("reviewer@demo.test")
    sa = db.session.scalars(select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                            .where(Organisation.code == "ss-ccg", SubAction.state == "open")).first()
    req = workflow.request_due_date(me, sa, dt.date(2019, 12, 31), "A quarter of data", version=sa.version)
    db.session.commit()
    row = re.search(rf'id="date-request-{req.id}".*?</tr>', client.get("/review").get_data(as_text=True), re.S).group(0)
    assert "<form" not in row and "another reviewer must decide" in row
    response = post(client, reviewer, f"/review/date-requests/{req.id}/accept", {"version": sa.version})
    assert response.status_code == 403 and req.status == "pending"


def test_unknown_objects_are_404(client, reviewer):
    assert client.get("/review/submissions/999999").status_code == 404
    assert post(client, reviewer, "/review/submissions/999999/accept", {"version": 1}).status_code == 404
    assert post(client, reviewer, "/review/date-requests/999999/accept", {"version": 1}).status_code == 404


def test_own_organisations_evidence_offers_no_control_and_is_refused_with_the_reason(client, reviewer):
    sa = db.session.scalars(select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                            .where(Organisation.code == "ss-ccg", SubAction.state == "open")).first()
    sub = workflow.submit_evidence(user("ss-ccg@demo.test"), sa, "Board minutes",
                                   [Checked("minutes.txt", "text/plain", b"Minutes (illustrative)")], version=sa.version)
    db.session.commit()
    reason = "submitted by your own organisation, NHS South Sefton CCG, so a reviewer of another organisation"
    html = client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    assert 'id="accept-form"' not in html and 'id="return-form"' not in html and reason in html
    events = audit_total()
    for htmx in (False, True):
        response = post(client, reviewer, f"/review/submissions/{sub.id}/accept", {"version": sa.version}, htmx=htmx)
        assert response.status_code == 403 and reason in response.get_data(as_text=True)
    assert sub.status == "pending" and audit_total() == events
    second = client.application.test_client()
    auth2 = Auth(second)
    auth2.login("reviewer2@demo.test")
    assert post(second, auth2, f"/review/submissions/{sub.id}/accept", {"version": sa.version}).status_code == 302
