"""Issue 12, the reviewer's part: what the decision page shows before deciding, "Next in the queue"
after a decision (JavaScript off and htmx), the header's count with date requests, a requested date
after the plan's due date, and the queue's contents list. CSRF is on throughout."""
import datetime as dt
import html as htmllib
import re

import pytest
from sqlalchemy import select

from conftest import Auth
from sefton import access, workflow
from sefton.workflow.evidence import Checked
from sefton.extensions import db
from sefton.models import DueDateRequest, EvidenceSubmission, Organisation, ProgressNote, SubAction, User

HX = {"HX-Request": "true"}


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def signed_in(app, email):
    client = app.test_client()
    auth = Auth(client)
    auth.login(email)
    return client, auth


def post(client, auth, url, data, htmx=False):
    token = auth.token()
    if htmx:
        return client.post(url, data=data, headers={**HX, "X-CSRFToken": token})
    return client.post(url, data={**data, "csrf_token": token})


def oob(html, element_id):
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no out-of-band #{element_id}"
    return match.group(0)


def text_of(html):
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", html)))


def queue_order():
    """Pending submissions in the queue's order (oldest first)."""
    return db.session.scalars(select(EvidenceSubmission).where(EvidenceSubmission.status == "pending")
                              .order_by(EvidenceSubmission.submitted_at, EvidenceSubmission.id)).all()


def pending_requests():
    return db.session.scalars(select(DueDateRequest).where(DueDateRequest.status == "pending")
                              .order_by(DueDateRequest.id)).all()


def expected_next(reviewer, after):
    """The rule in Python: the first submission after `after` in the queue that the reviewer may
    decide on, else the first from the top; never `after` itself."""
    queue = [s for s in queue_order() if s.id != after.id and access.can_decide(reviewer, s)]
    later = [s for s in queue if (s.submitted_at, s.id) > (after.submitted_at, after.id)]
    return (later or queue or [None])[0]


def next_link(html):
    match = re.search(r'id="next-link" href="/review/submissions/(\d+)"', html)
    return int(match.group(1)) if match else None


def open_sub_action(code):
    return db.session.scalars(select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                              .where(Organisation.code == code, SubAction.state == "open")
                              .order_by(SubAction.id)).first()


def evidence(name="minutes.txt"):
    return [Checked(name, "text/plain", b"Minutes (illustrative)")]


# --- 1. the decision page shows the recommendation, notes and earlier returns --------------------

def test_the_decision_page_shows_the_recommendation_notes_latest_first_and_earlier_returns(app):
    member, reviewer2 = user("ahch@demo.test"), user("reviewer2@demo.test")
    sa = open_sub_action("ahch")
    db.session.add(ProgressNote(sub_action_id=sa.id, noted_on=dt.date(2019, 2, 14), body="Policy drafted.",
                                author_id=member.id))
    db.session.commit()
    first = workflow.submit_evidence(member, sa, "The draft policy", evidence(), version=sa.version)
    db.session.commit()
    workflow.return_submission(reviewer2, first, "Attach the signed policy, not the draft.", version=sa.version)
    db.session.commit()
    workflow.add_note(member, sa, "Policy signed by the board.", version=sa.version)
    second = workflow.submit_evidence(member, sa, "The signed policy", evidence("signed.txt"), version=sa.version)
    db.session.commit()

    client, _ = signed_in(app, "reviewer@demo.test")
    html = client.get(f"/review/submissions/{second.id}").get_data(as_text=True)
    rec = sa.recommendation
    block = re.search(r'id="submission-recommendation".*?</section>', html, re.S).group(0)
    assert f"Recommendation {rec.ref}" in block and rec.text in text_of(block)

    notes = text_of(re.search(r'id="progress-notes".*?</section>', html, re.S).group(0))
    assert notes.index("Policy signed by the board.") < notes.index("Policy drafted.")  # latest first
    assert f"1 April 2019, {member.name} Policy signed by the board." in notes
    assert f"14 February 2019, {member.name}" in notes

    returns = text_of(re.search(r'id="earlier-returns".*?</section>', html, re.S).group(0))
    assert "Attach the signed policy, not the draft." in returns
    assert f"Returned 1 April 2019 by {reviewer2.name}" in returns
    # The page of the first submission has no earlier return (the second came after it).
    html = client.get(f"/review/submissions/{first.id}").get_data(as_text=True)
    assert "No earlier submission of evidence for" in html


def test_headings_stay_in_order_on_the_decision_page(demo_app, demo_client, demo_auth):
    demo_auth.login("reviewer@demo.test")
    with demo_app.app_context():
        sub_id = queue_order()[0].id
    html = demo_client.get(f"/review/submissions/{sub_id}").get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", main)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    for title in ("Recommendation ", "Earlier returns", "Progress notes", "Decision"):
        assert re.search(rf"<h2[^>]*>{title}", main), title


# --- 2. "Next in the queue" ----------------------------------------------------------------------

def test_after_a_plain_form_decision_next_goes_to_the_next_one_this_reviewer_may_decide_on(app):
    client, auth = signed_in(app, "reviewer@demo.test")  # South Sefton CCG
    me = user("reviewer@demo.test")
    queue = queue_order()
    own = next(i for i, s in enumerate(queue) if s.sub_action.owner.code == "ss-ccg")
    assert own > 0
    sub = queue[own - 1]  # just before its own organisation's evidence: "next" must skip it
    response = post(client, auth, f"/review/submissions/{sub.id}/accept", {"version": sub.sub_action.version})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "accepted" in html and 'id="decision-summary"' in html
    expected = expected_next(me, sub)
    assert expected.id == queue[own + 1].id and next_link(html) == expected.id
    assert f"Next in the queue<span class=\"nhsuk-u-visually-hidden\">: evidence for {expected.sub_action.ref}" in html
    page = client.get(f"/review/submissions/{next_link(html)}").get_data(as_text=True)
    assert 'id="accept-form"' in page


def test_after_an_htmx_decision_the_swapped_panel_offers_the_same_next_link(app):
    client, auth = signed_in(app, "reviewer@demo.test")
    me = user("reviewer@demo.test")
    sub = next(s for s in queue_order() if access.can_decide(me, s))
    response = post(client, auth, f"/review/submissions/{sub.id}/return",
                    {"reason": "Wrong quarter.", "version": sub.sub_action.version}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    panel = html[:html.index("</section>")]
    assert panel.lstrip().startswith('<section id="decision-panel"') and "Returned" in panel
    assert next_link(panel) == expected_next(me, sub).id
    assert 'href="/review">Back to the queue</a>' in panel


def test_next_wraps_to_the_top_of_the_queue_and_then_says_the_queue_is_empty(app):
    """Following "Next in the queue" with JavaScript off from the last one decides every submission
    this reviewer may decide on, once each, and ends on the message with links back to the queue."""
    client, auth = signed_in(app, "reviewer@demo.test")
    me = user("reviewer@demo.test")
    mine = [s.id for s in queue_order() if access.can_decide(me, s)]
    current, decided = mine[-1], []
    while current is not None:
        sub = db.session.get(EvidenceSubmission, current)
        response = post(client, auth, f"/review/submissions/{current}/accept", {"version": sub.sub_action.version})
        assert response.status_code == 302
        decided.append(current)
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        current = next_link(html)
        assert current is None or current not in decided
    assert decided[0] == mine[-1] and sorted(decided) == sorted(mine)
    assert decided[1:] == mine[:-1]  # wrapped to the top, then in the queue's order
    words = text_of(html)
    assert "There is no more evidence awaiting your decision." in words
    requests = sum(access.can_decide_date(me, r) for r in pending_requests())
    assert f"{requests} requests for a new due date are waiting" in words
    assert 'href="/review#date-requests">go to the date requests</a>' in html
    assert 'href="/review">Back to the queue</a>' in html
    # Its own organisation's evidence is still pending, for the other CCG's reviewer.
    assert any(s.sub_action.owner.code == "ss-ccg" for s in queue_order())


def test_own_organisations_evidence_offers_next_instead_of_a_decision(app):
    client, _ = signed_in(app, "reviewer@demo.test")
    me = user("reviewer@demo.test")
    own = next(s for s in queue_order() if s.sub_action.owner.code == "ss-ccg")
    html = client.get(f"/review/submissions/{own.id}").get_data(as_text=True)
    assert 'id="accept-form"' not in html and "your own organisation" in html
    assert next_link(html) == expected_next(me, own).id


def test_a_viewer_gets_no_next_link(demo_app, demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    with demo_app.app_context():
        sub_id = queue_order()[0].id
    html = demo_client.get(f"/review/submissions/{sub_id}").get_data(as_text=True)
    assert 'id="next-link"' not in html and "Next in the queue" not in html
    assert "Awaiting a reviewer's decision" in html


@pytest.mark.parametrize("separation", ["organisation", "self"])
@pytest.mark.parametrize("email", ["reviewer@demo.test", "reviewer2@demo.test"])
def test_the_sql_rule_matches_the_python_rule(app, separation, email):
    """queries.next_to_decide and the header's count use access.may_decide (SQL); the refusal uses
    access.why_not_decide (Python). They agree, with either separation setting."""
    from sefton.review import queries

    app.config["SEFTON_SEPARATION_OF_DUTIES"] = separation
    me = user(email)
    sa = open_sub_action(me.organisation.code)
    workflow.submit_evidence(me, sa, "Made by the reviewer", evidence(), version=sa.version)  # their own
    other = open_sub_action("sf-ccg")  # made by the other member of Southport and Formby CCG
    workflow.request_due_date(user("sf-ccg@demo.test"), other, dt.date(2019, 10, 31), "Later", version=other.version)
    db.session.commit()
    with app.test_request_context():
        counts = queries.review_counts(me)
        first = queries.next_to_decide(me)
    assert counts.evidence == sum(access.can_decide(me, s) for s in queue_order())
    assert counts.dates == sum(access.can_decide_date(me, r) for r in pending_requests())
    assert first.id == next(s.id for s in queue_order() if access.can_decide(me, s))


# --- 3. the header's count includes date requests ------------------------------------------------

def header_count(html):
    match = re.search(r'<span id="review-count" class="app-count"[^>]*>(\d+)<span class="nhsuk-u-visually-hidden">'
                      r" ([^<]*)</span></span>", html)
    assert match, "no header count"
    return int(match.group(1)), match.group(2)


def test_the_header_count_includes_date_requests_and_says_so(app):
    client, _ = signed_in(app, "reviewer@demo.test")
    me = user("reviewer@demo.test")
    evidence_n = sum(access.can_decide(me, s) for s in queue_order())
    dates_n = sum(access.can_decide_date(me, r) for r in pending_requests())
    assert evidence_n and dates_n
    total, words = header_count(client.get("/").get_data(as_text=True))
    assert total == evidence_n + dates_n
    assert words == f"awaiting your decision: {evidence_n} evidence, {dates_n} date requests"

    viewer, _ = signed_in(app, "viewer@demo.test")  # sees all, decides on nothing: every pending item
    total, words = header_count(viewer.get("/").get_data(as_text=True))
    n_evidence, n_dates = len(queue_order()), len(pending_requests())
    assert (total, words) == (n_evidence + n_dates, f"awaiting review: {n_evidence} evidence, {n_dates} date requests")


@pytest.mark.parametrize("htmx", [False, True])
def test_a_date_decision_updates_the_header_count(app, htmx):
    client, auth = signed_in(app, "reviewer@demo.test")
    me = user("reviewer@demo.test")
    req = next(r for r in pending_requests() if access.can_decide_date(me, r))
    before, _ = header_count(client.get("/review").get_data(as_text=True))
    dates_n = len(pending_requests())
    response = post(client, auth, f"/review/date-requests/{req.id}/accept",
                    {"comment": "", "version": req.sub_action.version}, htmx=htmx)
    assert req.status == "accepted"
    if htmx:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'hx-swap-oob="true"' in oob(html, "review-count")
        total, words = header_count(html)
        assert f">{dates_n - 1}<" in oob(html, "date-request-count")
        assert f">{dates_n - 1}<" in oob(html, "contents-date-count")
        assert f"{dates_n - 1} date request" in oob(html, "queue-yours")
    else:
        assert response.status_code == 302
        total, words = header_count(client.get(response.headers["Location"]).get_data(as_text=True))
    assert total == before - 1 and words.endswith(f"{dates_n - 1} date request{'' if dates_n == 2 else 's'}")


# --- 4. a requested date after the plan's due date is marked in words ----------------------------

def test_a_date_after_the_plans_due_date_is_marked_in_words(app):
    sa = open_sub_action("addaction")
    within = workflow.request_due_date(user("addaction@demo.test"), sa, dt.date(2019, 6, 28), "A month more",
                                       version=sa.version)
    db.session.commit()
    client, auth = signed_in(app, "reviewer@demo.test")
    html = client.get("/review").get_data(as_text=True)
    mark = "After the plan's due date (4 July 2019)"
    for req in pending_requests():
        row = re.search(rf'id="date-request-{req.id}".*?</tr>', html, re.S).group(0)
        assert (mark in row) == (req.requested_due_on > dt.date(2019, 7, 4)), req.requested_due_on
    assert within.requested_due_on < dt.date(2019, 7, 4)
    later = next(r for r in pending_requests() if r.requested_due_on > dt.date(2019, 7, 4))
    # The row an htmx answer swaps in carries it too (here: the 422 of a decline without a comment).
    response = post(client, auth, f"/review/date-requests/{later.id}/decline",
                    {"comment": "", "version": later.sub_action.version}, htmx=True)
    assert response.status_code == 422 and mark in response.get_data(as_text=True)


def test_the_decision_page_marks_a_pending_date_after_the_plans_due_date(app):
    later = next(r for r in pending_requests() if r.requested_due_on > dt.date(2019, 7, 4))
    sa = later.sub_action
    sub = workflow.submit_evidence(user(f"{sa.owner.code}@demo.test"), sa, "Done early", evidence(),
                                   version=sa.version)
    db.session.commit()
    client, _ = signed_in(app, "reviewer@demo.test")
    html = client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    status = re.search(r'id="submission-status".*?</dl>', html, re.S).group(0)
    assert "After the plan's due date (4 July 2019)" in status


# --- 5. the queue's contents list --------------------------------------------------------------

def test_the_queue_opens_with_a_contents_list_to_its_two_sections(demo_app, demo_client, demo_auth):
    demo_auth.login("reviewer@demo.test")
    html = demo_client.get("/review").get_data(as_text=True)
    with demo_app.app_context():
        n_evidence, n_dates = len(queue_order()), len(pending_requests())
    nav = re.search(r'<nav class="nhsuk-contents-list" aria-label="On this page".*?</nav>', html, re.S).group(0)
    links = re.findall(r'href="(#[\w-]+)"', nav)
    assert links == ["#evidence", "#date-requests"]
    for anchor in links:
        assert len(re.findall(rf'id="{anchor[1:]}"', html)) == 1
    words = text_of(nav)
    assert f"Evidence awaiting review: {n_evidence}" in words and f"Requests for a new due date: {n_dates}" in words
    # It comes before the evidence table, so the date requests are one link away.
    assert html.index('id="queue-contents"') < html.index('id="evidence"') < html.index('id="review-queue"') \
        < html.index('id="date-requests"')


@pytest.mark.parametrize("htmx", [False, True])
def test_next_in_the_queue_keeps_the_queues_filter(app, htmx):
    """A reviewer who filtered the queue to one organisation is taken to the next submission of that
    organisation, and back to the filtered queue; nothing of it, the message says so."""
    client, auth = signed_in(app, "reviewer@demo.test")
    reviewer = user("reviewer@demo.test")
    counts = {}
    for sub in queue_order():
        if access.can_decide(reviewer, sub):
            counts.setdefault(sub.sub_action.owner.code, []).append(sub)
    code, subs = max(counts.items(), key=lambda item: len(item[1]))
    assert len(subs) >= 2
    queue = client.get(f"/review?org={code}").get_data(as_text=True)
    first = subs[0]
    link = f"/review/submissions/{first.id}?org={code}"
    assert link in htmllib.unescape(queue)
    page = client.get(link).get_data(as_text=True)
    assert f'name="org" value="{code}"' in page
    answer = post(client, auth, f"/review/submissions/{first.id}/accept",
                  {"comment": "", "version": first.sub_action.version, "org": code}, htmx=htmx)
    if not htmx:
        assert answer.status_code == 302 and f"org={code}" in answer.headers["Location"]
        answer = client.get(answer.headers["Location"])
    html = htmllib.unescape(answer.get_data(as_text=True))
    assert f'/review/submissions/{subs[1].id}?org={code}' in html  # the next of the same organisation
    assert f'href="/review?org={code}">Back to the queue' in html

    last = subs[-1]
    db.session.expire_all()
    for sub in subs[1:-1]:  # decide the rest of this organisation's evidence
        workflow.accept_submission(reviewer, sub, version=sub.sub_action.version)
    db.session.commit()
    post(client, auth, f"/review/submissions/{last.id}/accept",
         {"comment": "", "version": last.sub_action.version, "org": code}, htmx=False)
    done = text_of(client.get(f"/review/submissions/{last.id}?org={code}").get_data(as_text=True))
    assert "No more evidence that matches the queue's filters awaits your decision" in done
