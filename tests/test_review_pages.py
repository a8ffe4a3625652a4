"""The flagged page, what an organisation user sees since their last visit, and figures "as at" a date
before and after a decision (pages and the CLI)."""
import csv
import datetime as dt
import html as htmllib
import io
import re

from sqlalchemy import func, select

from conftest import Auth
from sefton.figures import status
from sefton.extensions import db
from sefton.models import AuditEvent, EvidenceSubmission, Organisation, Recommendation, SubAction


def login(app, email):
    client = app.test_client()
    auth = Auth(client)
    auth.login(email)
    return client, auth


def pending_submission(code):
    return db.session.scalars(
        select(EvidenceSubmission).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(EvidenceSubmission.status == "pending", Organisation.code == code)
        .order_by(EvidenceSubmission.id)).first()


def decide(client, auth, sub, action, **data):
    return client.post(f"/review/submissions/{sub.id}/{action}",
                       data={**data, "version": sub.sub_action.version, "csrf_token": auth.token()})


# --- flagged recommendations ----------------------------------------------------------------

def test_flagged_page_lists_the_flagged_recommendations_with_their_counts(demo_app, demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    html = demo_client.get("/flagged").get_data(as_text=True)
    with demo_app.app_context():
        flagged = db.session.scalars(select(Recommendation).where(Recommendation.phc_flag.is_(True))).all()
        assert flagged
        shown = [int(i) for i in re.findall(r'id="flagged-(\d+)"', html)]
        assert sorted(shown) == sorted(r.id for r in flagged)
        for rec in flagged:
            block = re.search(rf'id="flagged-{rec.id}".*?</section>', html, re.S).group(0)
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))
            assert f"section {rec.section.number}" in text
            assert all(htmllib.escape(o.short_name) in block for o in rec.owners)
            assert htmllib.escape(rec.phc_reason).replace("&#x27;", "&#39;") in block
            n = len(rec.sub_actions)
            counts = re.search(r"Sub-actions (\d+): (\d+) green, (\d+) grey \(not yet due\), (\d+) red", text)
            assert int(counts.group(1)) == n == sum(int(counts.group(i)) for i in (2, 3, 4))
            assert any(label in text for label in status.LABELS.values())


def test_a_reviewer_flags_and_unflags_with_one_audit_event_each(app, client, auth):
    auth.login("reviewer@demo.test")
    rec = db.session.scalars(select(Recommendation).where(Recommendation.phc_flag.is_(False))).first()
    html = client.get("/flagged").get_data(as_text=True)
    assert f'action="/recommendations/{rec.id}/flag"' in html and f'id="flagged-{rec.id}"' not in html
    events = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("recommendation.%")))
    response = client.post(f"/recommendations/{rec.id}/flag",
                           data={"flagged": "1", "reason": "Commissioned by Public Health.", "csrf_token": auth.token()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/flagged")
    html = client.get("/flagged").get_data(as_text=True)
    assert rec.phc_flag and f'id="flagged-{rec.id}"' in html and "is now flagged" in html
    client.post(f"/recommendations/{rec.id}/flag", data={"flagged": "0", "csrf_token": auth.token()})
    assert not rec.phc_flag
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("recommendation.%"))
                                 .order_by(AuditEvent.id)).all()
    assert len(actions) == events + 2 and actions[-2:] == ["recommendation.flagged", "recommendation.unflagged"]


# --- an organisation user's "Needs your attention" panel -------------------------------------

def test_an_org_user_sees_returns_and_decisions_until_marked_as_seen(app):
    first = pending_submission("ahch")
    org_client, org_auth = login(app, "ahch@demo.test")
    html = org_client.get("/").get_data(as_text=True)
    assert f'id="attention-returned-{first.sub_action_id}"' not in html

    rev_client, rev_auth = login(app, "reviewer@demo.test")
    assert decide(rev_client, rev_auth, first, "return", reason="Attach the signed minutes.").status_code == 302
    second = pending_submission("ahch")
    if second is not None:
        assert decide(rev_client, rev_auth, second, "accept").status_code == 302

    for _ in range(2):  # signing in again does not forget them: they stay until marked as seen
        org_client.post("/logout", data={"csrf_token": org_auth.token()})
        org_auth.login("ahch@demo.test")
        html = org_client.get("/").get_data(as_text=True)
        panel = html[html.index('id="attention"'):html.index("</section>", html.index('id="attention"'))]
        returned = re.search(rf'id="attention-returned-{first.sub_action_id}".*?</li>', panel, re.S).group(0)
        assert "Attach the signed minutes." in returned and first.sub_action.ref in returned
        decided = re.search(rf'id="attention-evidence-{first.id}".*?</li>', panel, re.S).group(0)
        assert "Evidence returned" in decided and "Mark as seen" in decided
        if second is not None:
            assert "Evidence accepted" in re.search(rf'id="attention-evidence-{second.id}".*?</li>', panel, re.S).group(0)

    response = org_client.post("/attention/seen", data={"item_key": f"evidence:{first.id}", "next": "/my-actions",
                                                        "csrf_token": org_auth.token()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-actions")
    html = org_client.get("/").get_data(as_text=True)
    assert f'id="attention-evidence-{first.id}"' not in html
    assert f'id="attention-returned-{first.sub_action_id}"' in html  # still returned until resubmitted


def test_viewers_and_admins_get_no_attention_panel(demo_client, demo_auth):
    demo_auth.login("viewer@demo.test")
    assert 'id="attention-title"' not in demo_client.get("/").get_data(as_text=True)


# --- "as at" figures before and after a decision ---------------------------------------------

def total_row(html, table_id="progress-overall"):
    block = re.search(rf'id="{table_id}".*?</table>', html, re.S).group(0)
    row = re.search(r'app-total-row">(.*?)</tr>', block, re.S).group(1)
    return [int(c) for c in re.findall(r"<td[^>]*>(\d+)</td>", row)]


def cli_total(app, as_at):
    result = app.test_cli_runner().invoke(args=["progress", "--as-at", as_at, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    return [int(x) for x in rows[-1][1:]]


def test_figures_as_at_before_and_after_an_acceptance(app, client, auth):
    app.config["SEFTON_TODAY"] = dt.date(2019, 4, 10)
    sub = pending_submission("nwbh")
    auth.login("reviewer@demo.test")
    before_page = total_row(client.get("/?as_at=9 April 2019").get_data(as_text=True))
    before_cli = cli_total(app, "2019-04-09")
    assert before_page == before_cli
    assert decide(client, auth, sub, "accept").status_code == 302
    assert sub.decided_on == dt.date(2019, 4, 10)
    # As at the day before the decision: the old figures, on the page and in the CLI.
    assert total_row(client.get("/?as_at=9 April 2019").get_data(as_text=True)) == before_page
    assert cli_total(app, "2019-04-09") == before_cli
    # From the day of the decision: one more Green, one fewer Grey (or Red).
    after = cli_total(app, "2019-04-10")
    assert after[2] == before_cli[2] + 1 and after[3] + after[4] == before_cli[3] + before_cli[4] - 1
    assert total_row(client.get("/").get_data(as_text=True)) == after
    section = sub.sub_action.recommendation.section
    html = client.get(f"/sections/{section.id}?as_at=2019-04-09").get_data(as_text=True)
    row = re.search(rf'id="subaction-{sub.sub_action_id}".*?</tr>', html, re.S).group(0)
    assert "Green" not in row
    html = client.get(f"/sections/{section.id}?as_at=2019-04-10").get_data(as_text=True)
    row = re.search(rf'id="subaction-{sub.sub_action_id}".*?</tr>', html, re.S).group(0)
    assert ">Green<" in row


def test_a_return_changes_no_colour(app, client, auth):
    sub = pending_submission("s-and-o")
    auth.login("reviewer@demo.test")
    before = cli_total(app, "2019-04-01")
    assert decide(client, auth, sub, "return", reason="Wrong quarter").status_code == 302
    assert cli_total(app, "2019-04-01") == before


def test_the_queue_shows_50_at_a_time_and_every_item_is_on_exactly_one_page(app, client, auth):
    """At 15 times the demo (210 submissions, 60 date requests awaiting) the queue pages each list in
    SQL: ?page= for the evidence, ?dates_page= for the date requests, each keeping the other."""
    from sefton.demo import scale

    scale.build(15)
    db.session.commit()
    auth.login("viewer@demo.test")  # sees every item (a reviewer is shown what they may decide first)
    evidence, dates_seen = [], []
    for n in range(1, 6):
        html = client.get(f"/review?page={n}&dates_page={min(n, 2)}").get_data(as_text=True)
        rows = re.findall(r'<tr class="nhsuk-table__row" id="submission-(\d+)"', html)
        assert len(rows) == (50 if n < 5 else 10), n
        evidence += rows
        if n <= 2:
            dates_seen += re.findall(r'id="date-request-(\d+)"', html)
        assert f"Showing {(n - 1) * 50 + 1} to {min(n * 50, 210)} of 210" in html
        assert 'aria-current="page"' in html and f"dates_page={min(n, 2)}" in html.replace("&amp;", "&")
    assert len(evidence) == len(set(evidence)) == 210
    assert len(set(dates_seen)) == 60
    assert client.get("/review?page=6").status_code == 404
    assert client.get("/review?page=0").status_code == 404
    assert client.get("/review?page=two").status_code == 400
    assert client.get("/review?page=9223372036854775808").status_code == 404
    assert client.get("/review?dates_page=3").status_code == 404
