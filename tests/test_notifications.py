"""Reminders end to end, at fixed business dates, through the real SMTP server of tests/mailserver.py:
who gets which digest, decisions at once, once a day, preferences, the one-click setting link,
and the panel agreeing with the digest."""
import datetime as dt
import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, func, select

from conftest import Auth
from mailserver import smtp, smtp_server  # noqa: F401  (fixtures)
from sefton.notifications import mail, notify, plan_state, reminders
from sefton import workflow
from sefton.extensions import db
from sefton.models import (
    DueDateRequest,
    EvidenceSubmission,
    NotificationPref,
    Organisation,
    OutboxMessage,
    SubAction,
    User,
    recommendation_owners,
)

MONDAY = dt.date(2019, 4, 1)


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def run(runner, day=MONDAY):
    result = runner.invoke(args=["reminders", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def outbox_count(*where):
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(*where))


def shared_sub_action():
    """An open sub-action of a recommendation with several owners, not owned by a CCG (whose member
    is also the demo reviewer), with the co-owner whose code differs."""
    rows = db.session.execute(
        select(SubAction, Organisation.code).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(SubAction.state == "open", Organisation.code.not_in(["ss-ccg", "sf-ccg"]))
        .order_by(SubAction.id)).all()
    for sa, code in rows:
        owners = db.session.scalars(select(Organisation.code).join(
            recommendation_owners, recommendation_owners.c.organisation_id == Organisation.id)
            .where(recommendation_owners.c.recommendation_id == sa.recommendation_id)).all()
        others = [c for c in owners if c not in (code, "ss-ccg", "sf-ccg")]
        has_decided_date = db.session.scalar(select(func.count(DueDateRequest.id)).where(
            DueDateRequest.sub_action_id == sa.id, DueDateRequest.status != "pending"))
        if others and not has_decided_date:
            return sa, code, others[0]
    raise AssertionError("the demo has no shared recommendation")


def links_to(message, sub_action_id):
    """The message links to the sub-action's own page (where its controls are)."""
    return re.search(rf"/sub-actions/{sub_action_id}\b", message.get_body(("plain",)).get_content()) is not None


def test_a_sub_action_due_in_7_days_reaches_its_owners_digest_and_nobody_elses(app, runner, smtp):
    sa, owner, co_owner = shared_sub_action()
    sa.original_due_on = sa.current_due_on = MONDAY + dt.timedelta(days=7)
    db.session.commit()
    output = run(runner)
    assert "written to the outbox" in output and "Sent" in output
    assert smtp.messages, "nothing was sent"
    told = {m["To"] for m in smtp.messages if links_to(m, sa.id)}
    assert told == {f"{owner}@demo.test"}
    digest = smtp.to(f"{owner}@demo.test")[0]
    text = smtp.text(digest)
    assert "Due within 7 days" in text and sa.text in text and "8 April 2019" in text
    # The co-owner of the same recommendation gets its own digest, without the other's sub-action.
    co_digests = smtp.to(f"{co_owner}@demo.test")
    assert co_digests and not any(links_to(m, sa.id) for m in co_digests)


def test_the_same_day_twice_sends_once_and_a_missed_day_is_caught_up_once(app, runner, smtp):
    run(runner)
    first = len(smtp.messages)
    assert first and outbox_count() == first
    assert all(m["Subject"].startswith("Sefton action plan:") for m in smtp.messages)
    run(runner)
    assert len(smtp.messages) == first and outbox_count() == first

    # Tuesday's run is missed; on Tuesday a reviewer returns evidence of an organisation that takes
    # its decisions in the daily digest.
    member = user("ahch@demo.test")
    db.session.add(NotificationPref(user_id=member.id, kind=reminders.DECISIONS, frequency=reminders.DAILY))
    sub = db.session.scalars(select(EvidenceSubmission).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                             .where(EvidenceSubmission.status == "pending", Organisation.code == "ahch")).first()
    app.config["SEFTON_TODAY"] = dt.date(2019, 4, 2)
    workflow.return_submission(user("reviewer@demo.test"), sub, "Attach the signed minutes.", version=sub.sub_action.version)
    db.session.commit()
    assert outbox_count() == first  # daily, not at once
    run(runner, dt.date(2019, 4, 3))
    decisions = [m for m in smtp.to("ahch@demo.test") if "decisions" in m["Subject"]]
    assert len(decisions) == 1 and "Attach the signed minutes." in smtp.text(decisions[0])
    assert "since 1 April 2019" in smtp.text(decisions[0])
    total = len(smtp.messages)
    run(runner, dt.date(2019, 4, 2))  # the missed day, run late: already covered by Wednesday's run
    run(runner, dt.date(2019, 4, 3))
    assert len(smtp.messages) == total


def test_no_digest_on_weekends_and_bank_holidays(app, runner, smtp):
    for day in (dt.date(2019, 4, 6), dt.date(2019, 4, 19), dt.date(2019, 4, 22)):  # Saturday, Good Friday, Easter Monday
        assert "not a working day" in run(runner, day)
    assert outbox_count() == 0 and smtp.messages == []


def test_preferences_off_send_nothing(app, runner, smtp, client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    response = client.post("/account/notifications", data={"due": "off", "decisions": "off",
                                                            "csrf_token": auth.token("/account/notifications")})
    assert response.status_code == 302
    member = user("ahch@demo.test")
    assert notify.settings(member) == {reminders.DUE: reminders.OFF, reminders.DECISIONS: reminders.OFF}
    run(runner)
    assert smtp.to("ahch@demo.test") == [] and smtp.to("nwbh@demo.test")
    sub = db.session.scalars(select(EvidenceSubmission).join(SubAction)
                             .where(EvidenceSubmission.status == "pending", SubAction.owner_id == member.organisation_id)).first()
    workflow.accept_submission(user("reviewer@demo.test"), sub, version=sub.sub_action.version)
    db.session.commit()
    mail.send_pending()
    assert smtp.to("ahch@demo.test") == []


def test_preferences_refuse_a_choice_not_offered_and_change_nothing(app, client):
    auth = Auth(client)
    auth.login("ahch@demo.test")
    response = client.post("/account/notifications", data={"due": "now", "decisions": "off",
                                                            "csrf_token": auth.token("/account/notifications")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Choose how often you want these e-mails" in html
    assert db.session.scalar(select(func.count(NotificationPref.id))) == 0
    assert client.post("/account/notifications", data={"due": "off"}).status_code == 400  # no CSRF token


def test_a_return_reaches_the_submitting_organisation_at_once_with_the_reason(app, smtp):
    sub = db.session.scalars(select(EvidenceSubmission).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                             .where(EvidenceSubmission.status == "pending", Organisation.code == "nwbh")).first()
    reviewer = user("reviewer@demo.test")
    workflow.return_submission(reviewer, sub, "The audit covers one ward only.", version=sub.sub_action.version)
    db.session.rollback()  # the decision is undone: so is its e-mail (same transaction)
    assert outbox_count() == 0
    db.session.refresh(sub)
    workflow.return_submission(reviewer, sub, "The audit covers one ward only.", version=sub.sub_action.version)
    db.session.commit()
    assert mail.send_pending() == (1, 0)  # sent, failed
    [message] = smtp.messages
    assert message["To"] == "nwbh@demo.test"
    assert message["Subject"] == f"Evidence returned: sub-action {sub.sub_action.ref}"
    assert "Reason: The audit covers one ward only." in smtp.text(message)
    assert "The audit covers one ward only." in smtp.html(message)
    assert f"/sub-actions/{sub.sub_action_id}\r\n" in smtp.text(message)


def test_a_decided_date_request_reaches_its_organisation_at_once(app, smtp):
    req = db.session.scalars(select(DueDateRequest).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                             .where(DueDateRequest.status == "pending", Organisation.code != "ss-ccg")).first()
    owner = req.sub_action.owner.code
    workflow.decide_due_date(user("reviewer@demo.test"), req, False, "The plan is due to CQC on 4 July.",
                             version=req.sub_action.version)
    db.session.commit()
    mail.send_pending()
    # (the organisation's other members, such as a reviewer of that CCG, are told too)
    [message] = [m for m in smtp.messages if m["To"] == f"{owner}@demo.test"]
    assert message["Subject"].startswith("New due date declined")
    assert "Reason: The plan is due to CQC on 4 July." in smtp.text(message)


def setting_link(message):
    return re.search(r"Change only this setting \(no sign-in needed\): (\S+)", smtp_text(message)).group(1)


def smtp_text(message):
    return message.get_body(("plain",)).get_content()


def test_the_link_in_an_email_changes_only_that_setting_without_signing_in(app, runner, smtp, client):
    run(runner)
    digest = next(m for m in smtp.to("ahch@demo.test") if "due-date reminders" in m["Subject"])
    path = setting_link(digest).split("127.0.0.1:5000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Stop these e-mails" in page.get_data(as_text=True)
    assert client.post(path, data={"frequency": "off"}).status_code == 200  # no sign-in, no CSRF token
    member = user("ahch@demo.test")
    assert notify.settings(member) == {reminders.DUE: reminders.OFF, reminders.DECISIONS: reminders.NOW}
    assert {u.email: notify.settings(u) for u in [user("nwbh@demo.test")]} == {
        "nwbh@demo.test": {reminders.DUE: reminders.DAILY, reminders.DECISIONS: reminders.NOW}}


def test_the_setting_link_cannot_be_forged(app, client):
    member, other = user("ahch@demo.test"), user("nwbh@demo.test")
    good = notify.setting_token(member.id, reminders.DUE)
    forged = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # altered signature
        URLSafeTimedSerializer("another-key", salt=notify.SETTING_SALT).dumps({"u": other.id, "k": "due"}),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="another-purpose").dumps({"u": other.id, "k": "due"}),
        notify.setting_token(member.id, "summary"),  # a kind that is not theirs
        good.replace(good.split(".")[0], URLSafeTimedSerializer("x").dump_payload({"u": other.id, "k": "due"}).decode()),
    ]
    for token in forged:
        assert client.get(f"/account/notifications/change/{token}").status_code == 404
        assert client.post(f"/account/notifications/change/{token}", data={"frequency": "off"}).status_code == 404
    assert db.session.scalar(select(func.count(NotificationPref.id))) == 0
    assert client.post(f"/account/notifications/change/{good}", data={"frequency": "now"}).status_code == 400


def test_reviewers_and_the_office_get_their_digests(app, runner, smtp):
    run(runner)  # a Monday: the office's weekly summary goes out too
    queue = next(m for m in smtp.to("reviewer@demo.test") if "review queue" in m["Subject"])
    text = smtp.text(queue)
    waited = [int(n) for n in re.findall(r"waiting (\d+) working day", text)]
    assert waited and waited == sorted(waited, reverse=True)  # oldest first
    assert "(after the plan is due to the inspectors)" in text
    summary = next(m for m in smtp.to("admin@demo.test") if "weekly summary" in m["Subject"])
    assert re.search(r"Total\s+245\s+93\s+152\s+0", smtp.text(summary))
    assert smtp.to("viewer@demo.test") == []
    run(runner, dt.date(2019, 4, 2))  # Tuesday: no second summary this week
    assert len([m for m in smtp.to("admin@demo.test") if "weekly summary" in m["Subject"]]) == 1


def test_the_panel_my_actions_and_the_digest_list_the_same_items(app, runner, smtp, client):
    from sefton.workspace.rows import GROUPS

    run(runner)
    for email in ("s-and-o@demo.test", "addaction@demo.test", "ahch@demo.test"):
        digest = next(m for m in smtp.to(email) if "due-date reminders" in m["Subject"])
        in_digest, counts = {}, {}
        for heading, n, body in re.findall(r"<h2[^>]*>(.*?) \((\d+)\)</h2>\s*<ul>(.*?)</ul>", smtp.html(digest), re.S):
            in_digest[heading] = re.findall(r"/sub-actions/(\d+)", body)
            counts[heading] = int(n)
        c = app.test_client()
        Auth(c).login(email)
        html = c.get("/").get_data(as_text=True)  # the dashboard's panel: every category
        panel = html[html.index('id="attention"'):html.index("</section>", html.index('id="attention"'))]
        in_panel = {}
        for category in reminders.DIGEST_CATEGORIES[reminders.DUE]:
            block = re.search(rf'data-category="{category}">(.*?)</ul>', panel, re.S)
            if block:
                in_panel[reminders.HEADINGS[category]] = re.findall(r'data-sub-action="(\d+)"', block.group(1))
        assert in_digest and in_panel == in_digest, email
        # "My actions" opens on the same items (rows, or links to a row an earlier group shows), same counts.
        mine = c.get("/my-actions").get_data(as_text=True)
        for group, parts in GROUPS:
            if group == reminders.DATES_PENDING:
                continue  # not in the due-date digest (the panel's own test covers it)
            start = mine.index(f'id="needs-{group}"')
            block = mine[start:mine.find("<h2", start + 1)]
            shown = re.findall(r'id="subaction-(\d+)"|href="#subaction-(\d+)"', block)
            shown = [a or b for a, b in shown]
            expected = [i for part in parts for i in in_digest.get(reminders.HEADINGS[part], [])]
            total = sum(counts.get(reminders.HEADINGS[part], 0) for part in parts)
            assert re.search(rf'id="needs-{group}">[^<]*: {total}</h2>', mine), (email, group)
            assert set(expected) <= set(shown), (email, group)


def test_the_plan_state_loads_in_a_fixed_number_of_queries(app):
    member = user("ahch@demo.test")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        plan_state.load(MONDAY)
        whole = len(statements)
        statements.clear()
        plan_state.load(MONDAY, user=member, review_id=1)
        one = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert (whole, one) == (7, 8)  # one more for the person's own scope; none per sub-action


@pytest.mark.parametrize("email, expected", [
    ("ahch@demo.test", {"due", "decisions"}), ("reviewer@demo.test", {"due", "decisions", "queue"}),
    ("admin@demo.test", {"summary"}), ("viewer@demo.test", set()),
])
def test_the_preferences_page_offers_each_person_their_kinds(app, client, email, expected):
    Auth(client).login(email)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert set(re.findall(r'name="(\w+)" type="radio"', html)) == expected


def test_mark_as_seen_with_htmx_and_refused_for_a_decision_not_shown(app, client):
    from sefton.models import SeenItem

    auth = Auth(client)
    auth.login("ahch@demo.test")
    html = client.get("/").get_data(as_text=True)
    key = re.search(r'name="item_key" value="([^"]+)"', html).group(1)
    others = db.session.scalars(select(EvidenceSubmission.id).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                                .where(Organisation.code == "nwbh", EvidenceSubmission.decided_on.is_not(None))).all()
    for refused in [f"evidence:{others[-1]}", "evidence:999999", ""]:
        response = client.post("/attention/seen", data={"item_key": refused, "csrf_token": auth.token()},
                               headers={"HX-Request": "true"})
        assert response.status_code == 422 and "not in your list" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SeenItem.id))) == 0
    response = client.post("/attention/seen", data={"item_key": key, "csrf_token": auth.token()},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="attention"' in body
    assert f'value="{key}"' not in body and "Marked as seen." in body
    assert db.session.scalars(select(SeenItem.item_key)).all() == [key]
    response = client.post("/attention/seen", data={"all": "1", "csrf_token": auth.token()})
    assert response.status_code == 302
    assert 'name="item_key"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("day", ["2019-01-20", "2019-04-01", "2019-06-15", "2019-09-01"])
def test_the_panel_loads_only_what_it_can_speak_of_and_says_exactly_the_same(demo_app, day):
    """plan_state.load(person=…) leaves out the sub-actions no rule of reminders.panel can use (so the
    panel does not load the whole plan): for every organisation user and reviewer of the demo, at
    dates before, at and after the business date, the panel is the same as from the whole state."""
    from sefton.models import Review, User

    with demo_app.app_context():
        today = dt.date.fromisoformat(day)
        review_id = db.session.scalar(select(Review.id).order_by(Review.id))
        people = db.session.scalars(select(User).where(User.role.in_(["org", "reviewer"])).order_by(User.id)).all()
        assert len(people) >= 10
        said = fewer = 0
        for user in people:
            person = notify.recipient(user)
            whole = plan_state.load(today, user=user, review_id=review_id)
            focused = plan_state.load(today, user=user, review_id=review_id, person=person)
            assert len(focused.subs) <= len(whole.subs)
            fewer += len(focused.subs) < len(whole.subs)
            panel = reminders.panel(focused, person)
            assert panel == reminders.panel(whole, person), user.email
            said += sum(len(items) for items in panel.values())
        assert said > 0 and fewer > 0
