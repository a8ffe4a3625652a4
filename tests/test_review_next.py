"""Issue 12, the reviewer's part: what the decision page shows before deciding. CSRF is on throughout."""
import datetime as dt
import html as htmllib
import re

from sqlalchemy import select

from conftest import Auth
from sefton import access, workflow
from sefton.evidence import Checked
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
