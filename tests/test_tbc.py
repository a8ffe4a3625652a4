"""A sub-action whose due date is to be confirmed ("TBC" in the office's sheet) everywhere in the app:
it reads "Due date to be confirmed" (exports: "TBC"), is Grey, never Red, has its own group on My actions,
in the meeting pack and in the office's weekly summary, cannot have a new date asked for, and the office
sets its date later as a change of the original. And records the office brought in from its spreadsheet
(accepted before the tracker, revisions agreed then) say so wherever they are shown.
(The status rule itself, pure and SQL, on TBC sub-actions: tests/test_status.py.)"""
import csv
import datetime as dt
import io
import re

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from admin_helpers import form_token
from conftest import Auth
from sefton import dates, workflow
from sefton.extensions import db
from sefton.figures import GREY, history, status_column
from sefton.models import (
    AuditEvent,
    DueDateRequest,
    EvidenceSubmission,
    OriginalDueChange,
    OutboxMessage,
    SubAction,
    User,
)
from sefton.notifications import reminders
from test_workspace import TODAY, events_of, own_sub_action, send

TBC_WORDS = "Due date to be confirmed"
OFFICE_SETS = "The Task and Finish group office will set the due date"


def make_tbc(sa):
    """As an import of a "TBC" cell makes it: no due date, so no revision or change of one either."""
    for model in (DueDateRequest, OriginalDueChange):
        db.session.execute(delete(model).where(model.sub_action_id == sa.id))
    sa.original_due_on = sa.current_due_on = None
    db.session.commit()
    db.session.refresh(sa)
    return sa


def login(client, email):
    auth = Auth(client)
    auth.login(email)
    return auth


def row_of(html, sa):
    return re.search(rf'<tr [^>]*id="subaction-{sa.id}".*?</tr>', html, re.S).group(0)


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


# --- 2. shown as "Due date to be confirmed" -----------------------------------------------------

def test_a_tbc_sub_action_reads_due_date_to_be_confirmed_on_every_page(app, client):
    sa = make_tbc(own_sub_action("ahch"))
    rec, section_id = sa.recommendation, sa.recommendation.section_id
    login(client, "admin@demo.test")
    for path in (f"/sub-actions/{sa.id}", f"/sub-actions/{sa.id}?as_at=1 January 2019", f"/sections/{section_id}",
                 f"/recommendations/{rec.id}", f"/admin/plan/sections/{section_id}"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert TBC_WORDS in html, path
    page = client.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
    assert "Grey" in page and "Red (overdue)" not in page.split("Due date", 1)[0].rsplit("Status", 1)[-1]
    assert db.session.scalar(select(status_column(dt.date(2030, 1, 1))).where(SubAction.id == sa.id)) == GREY


def test_the_organisation_sees_it_in_its_own_group_and_cannot_ask_for_a_new_date(app, client):
    sa = make_tbc(own_sub_action("ahch"))
    login(client, "ahch@demo.test")
    html = client.get("/my-actions").get_data(as_text=True)
    block = html[html.index('id="needs-tbc"'):]
    assert re.search(r'id="needs-tbc">Due date to be confirmed: 1</h2>', block)
    assert 'data-needs="tbc">1<' in html
    row = row_of(block, sa)
    assert TBC_WORDS in row and OFFICE_SETS in row and "Ask for a new due date" not in row
    # the full list's filter, as "See all" links to it
    listed = client.get("/my-actions/all?due=tbc").get_data(as_text=True)
    assert re.findall(r'app-workspace-row" id="subaction-(\d+)"', listed) == [str(sa.id)]
    # the sub-action's own page: no form, the office sets it
    page = client.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
    assert OFFICE_SETS in page and 'name="new_due_on"' not in page


@pytest.mark.parametrize("htmx", [True, False])
def test_a_request_for_a_new_date_on_a_tbc_sub_action_is_refused_and_writes_nothing(app, client, htmx):
    sa = make_tbc(own_sub_action("ahch"))
    auth = login(client, "ahch@demo.test")
    events, version = len(events_of(sa)), sa.version
    for data in ({"new_due_on": "4 July 2019", "reason": "Committee meets in June."}, {"new_due_on": "", "reason": ""}):
        response = send(client, f"/sub-actions/{sa.id}/date-request", {**data, "version": sa.version,
                                                                        "next": "/my-actions"},
                        htmx=htmx, token=auth.token("/my-actions"))
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert str(escape(workflow.DUE_TO_BE_CONFIRMED)) in html
        assert 'name="new_due_on"' not in html  # no form to fill in again
    db.session.expire_all()
    assert db.session.scalar(select(func.count(DueDateRequest.id)).where(DueDateRequest.sub_action_id == sa.id)) == 0
    assert len(events_of(sa)) == events and db.session.get(SubAction, sa.id).version == version
    # the form is not handed out either
    response = client.get(f"/sub-actions/{sa.id}/forms/date", headers={"HX-Request": "true"})
    assert response.status_code == 409 and str(escape(workflow.DUE_TO_BE_CONFIRMED)) in response.get_data(as_text=True)


def test_the_workflow_refuses_a_date_request_on_a_tbc_sub_action(app):
    sa = make_tbc(own_sub_action("ahch"))
    member = user("ahch@demo.test")
    with app.test_request_context():
        with pytest.raises(workflow.WorkflowError, match="will set the due date"):
            workflow.request_due_date(member, sa, dt.date(2019, 7, 4), "Committee meets in June.", version=sa.version)


def test_reviewers_see_it_as_to_be_confirmed(app, client):
    sa = own_sub_action("ahch")
    db.session.add(EvidenceSubmission(sub_action_id=sa.id, description="Minutes", status="pending",
                                      submitted_on=TODAY, submitted_by_id=user("ahch@demo.test").id))
    sa.state = "submitted"
    db.session.commit()
    make_tbc(sa)
    submission = db.session.scalar(select(EvidenceSubmission).where(EvidenceSubmission.sub_action_id == sa.id))
    login(client, "reviewer@demo.test")
    assert client.get("/review").status_code == 200
    html = client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    assert TBC_WORDS in html


def test_history_says_the_due_date_was_to_be_confirmed():
    assert history.changes({"current_due_on": None}, {"current_due_on": "2019-07-04"}, True) == [
        "Due date changed from to be confirmed to 4 July 2019"]
    assert dates.format_due(None) == TBC_WORDS and dates.format_due(dt.date(2019, 7, 4)) == "4 July 2019"


# --- exports, the CQC PDF and the meeting pack --------------------------------------------------

def test_exports_write_tbc_and_the_pdf_and_meeting_pack_say_to_be_confirmed(app, client):
    sa = make_tbc(own_sub_action("ahch"))
    ref = sa.ref
    login(client, "admin@demo.test")
    sheet = load_workbook(io.BytesIO(client.get("/reports/plan.xlsx").data))["Sub-actions"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("Ref")] == ref)
    assert row[header.index("Original due date")] == "TBC" and row[header.index("Revised due date")] is None
    assert row[header.index("Status")] == "Grey (not yet due)"
    text = client.get("/reports/plan.csv").get_data(as_text=True).lstrip("\ufeff")
    line = next(r for r in csv.DictReader(io.StringIO(text)) if r["Ref"] == ref)
    assert line["Original due date"] == "TBC"
    from sefton.reports import data, pdf
    from sefton.web import current_review
    with app.test_request_context():
        admin = user("admin@demo.test")
        html = pdf.plan_html(data.load_plan(admin, current_review(), TODAY))
    assert re.search(rf"<tr><td>{re.escape(ref)}</td>.*?{TBC_WORDS}.*?</tr>", html)
    pack = client.get("/reports/meeting-pack?since=1 January 2019").get_data(as_text=True)
    block = pack[pack.index('id="pack-tbc"'):]
    assert "Due date to be confirmed (1)</h3>" in block and f">{ref}</a>" in block


def test_sorting_by_due_date_puts_tbc_last_and_never_crashes():
    subs = [reminders.Sub(i, f"1.1.{i}", "x", 1, 1, 1, due, GREY, "open")
            for i, due in ((1, None), (2, dt.date(2019, 5, 1)), (3, dt.date(2019, 4, 2)))]
    assert [s.id for s in sorted(subs, key=reminders.by_due)] == [3, 2, 1]


# --- 2/3. reminders and the office's weekly summary ---------------------------------------------

def test_reminders_never_count_a_tbc_sub_action_as_due_or_overdue():
    today = dt.date(2019, 4, 1)
    subs = {1: reminders.Sub(1, "1.1.1", "a", 7, 1, 1, None, GREY, "open"),
            2: reminders.Sub(2, "1.1.2", "b", 7, 1, 1, dt.date(2019, 4, 5), GREY, "open"),
            3: reminders.Sub(3, "2.1.1", "c", 7, 2, 1, None, GREY, "returned", "Unsigned", dt.date(2019, 3, 1))}
    state = reminders.PlanState(today=today, subs=subs)
    found = reminders.for_organisation(state, 7)
    assert [i.sub.id for i in found[reminders.DUE_7]] == [2]
    assert not found[reminders.OVERDUE] and not found[reminders.DUE_30]
    assert [i.sub.id for i in found[reminders.RETURNED]] == [3]  # still told it was returned
    summary = reminders.weekly_summary(state, today - dt.timedelta(days=7))
    assert [s.ref for s in summary.to_be_confirmed] == ["1.1.1", "2.1.1"] and not summary.went_red


def test_the_office_weekly_summary_lists_the_sub_actions_still_to_be_confirmed(app, runner):
    refs = [make_tbc(sa).ref for sa in (own_sub_action("ahch"), own_sub_action("nwbh"))]
    result = runner.invoke(args=["reminders", "--date", "2019-04-01"])
    assert result.exit_code == 0, result.output
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder.summary",
                                                             OutboxMessage.to_addr == "admin@demo.test"))
    for body in (message.body_text, message.body_html):
        assert "Due date still to be confirmed (2)" in body
        assert all(ref in body for ref in refs)
    due = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder.due")).all()
    assert due and not any(f" {ref} " in m.body_text or f"{ref}:" in m.body_text for m in due for ref in refs)


# --- 4. the office sets the date later ----------------------------------------------------------

def _edit(client, sa, **changes):
    data = {"version": sa.version, "text": sa.text, "owner": sa.owner_id, "lead_name": sa.lead_name,
            "original_due_on": "", **changes}
    token = form_token(client, f"/admin/plan/sub-actions/{sa.id}/edit")
    return client.post(f"/admin/plan/sub-actions/{sa.id}/edit", data={"csrf_token": token, **data})


def test_the_office_sets_the_date_of_a_tbc_sub_action_as_a_change_of_the_original(app, client):
    sa = make_tbc(own_sub_action("ahch"))
    login(client, "admin@demo.test")
    form = client.get(f"/admin/plan/sub-actions/{sa.id}/edit").get_data(as_text=True)
    assert TBC_WORDS in form and "Reason for setting the due date" in form
    # left blank it stays to be confirmed, and the rest is saved
    assert _edit(client, sa, lead_name="Named Nurse").status_code == 302
    db.session.refresh(sa)
    assert sa.lead_name == "Named Nurse" and sa.original_due_on is None
    # set without a reason: refused, nothing written
    response = _edit(client, sa, original_due_on="30 June 2019")
    assert response.status_code == 422 and "Give a reason for setting the due date" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OriginalDueChange.id))) == 0
    response = _edit(client, sa, original_due_on="1 March 2019", reason="Agreed at the Task and Finish group")
    assert response.status_code == 302
    db.session.refresh(sa)
    change = db.session.scalar(select(OriginalDueChange).where(OriginalDueChange.sub_action_id == sa.id))
    assert (change.previous_due_on, change.new_due_on, change.effective_on) == (None, dt.date(2019, 3, 1), TODAY)
    assert sa.original_due_on == sa.current_due_on == dt.date(2019, 3, 1)
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "sub_action.original_due_changed" and event.sub_action_id == sa.id
    # Red from today on (the date is past), Grey the day before: there was no date then
    colour = lambda day: db.session.scalar(select(status_column(day)).where(SubAction.id == sa.id))  # noqa: E731
    assert (colour(TODAY - dt.timedelta(days=1)), colour(TODAY)) == ("grey", "red")
    form = client.get(f"/admin/plan/sub-actions/{sa.id}/edit").get_data(as_text=True)
    assert "set to 1 March 2019 (the due date was to be confirmed)" in form
    page = client.get(f"/sub-actions/{sa.id}?as_at=31 March 2019").get_data(as_text=True)
    assert TBC_WORDS in page
    events = client.get(f"/sub-actions/{sa.id}/history").get_data(as_text=True)
    assert "Original due date changed from to be confirmed to 1 March 2019" in events


def test_a_sub_action_added_by_hand_still_needs_its_due_date(app, client):
    sa = own_sub_action("ahch")
    login(client, "admin@demo.test")
    path = f"/admin/plan/recommendations/{sa.recommendation_id}/sub-actions/new"
    token = form_token(client, path)
    response = client.post(path, data={"csrf_token": token, "text": "New", "owner": sa.owner_id, "lead_name": "Lead",
                                       "original_due_on": ""})
    assert response.status_code == 422 and "Enter the due date" in response.get_data(as_text=True)


# --- 5. accepted before the tracker; revisions agreed then -------------------------------------

def _imported(sa):
    admin = user("admin@demo.test")
    sub = EvidenceSubmission(sub_action_id=sa.id, status="accepted", submitted_on=dt.date(2019, 2, 1),
                             decided_on=dt.date(2019, 2, 1), submitted_by_id=admin.id, decided_by_id=admin.id,
                             description="Office's record, imported from plan.xlsx by Ann Admin",
                             imported_from="plan.xlsx")
    req = DueDateRequest(sub_action_id=sa.id, previous_due_on=None, requested_due_on=dt.date(2019, 6, 30),
                         reason="Agreed at the group", status="accepted", requested_on=dt.date(2019, 1, 15),
                         decided_on=dt.date(2019, 1, 15), imported_from="plan.xlsx")
    db.session.add_all([sub, req])
    sa.state, sa.accepted_on = "accepted", dt.date(2019, 2, 1)
    db.session.commit()
    return sub, req


def test_an_acceptance_and_a_revision_from_the_office_file_say_so_wherever_shown(app, client):
    sa = make_tbc(own_sub_action("ahch"))
    sa.current_due_on = dt.date(2019, 6, 30)
    sub, req = _imported(sa)
    accepted = "Accepted before the tracker (office&#39;s record, imported from plan.xlsx)"
    login(client, "admin@demo.test")
    page = client.get(f"/sub-actions/{sa.id}").get_data(as_text=True)
    assert accepted in page and "agreed before the tracker (imported from plan.xlsx)" in page
    panel = page[page.rindex(accepted):].split("</div>", 2)[0]  # the evidence listed
    assert "not a reviewer" in panel and "/evidence/" not in panel and "download" not in panel  # no files
    review = client.get(f"/review/submissions/{sub.id}").get_data(as_text=True)
    assert review.count(accepted) >= 2 and "not a reviewer's decision" in review
    assert "has no files" in review
    sheet = load_workbook(io.BytesIO(client.get("/reports/plan.xlsx").data))["Sub-actions"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("Ref")] == sa.ref)
    assert row[header.index("Accepted by")] == "Accepted before the tracker (office's record, imported from plan.xlsx)"
    assert row[header.index("Original due date")] == "TBC"
    assert row[header.index("Revised due date")] == dt.datetime(2019, 6, 30)
    assert row[header.index("Status")] == "Green"
    from sefton.reports import data, pdf
    from sefton.web import current_review
    with app.test_request_context():
        html = pdf.plan_html(data.load_plan(user("admin@demo.test"), current_review(), TODAY))
    line = re.search(rf"<tr><td>{re.escape(sa.ref)}</td>.*?</tr>", html).group(0)
    assert accepted in line and "(agreed before the tracker (imported from plan.xlsx))" in line
    pack = client.get("/reports/meeting-pack?since=1 January 2019").get_data(as_text=True)
    assert "Agreed before the tracker (imported from plan.xlsx)" in pack
    assert f"{TBC_WORDS} → 30 June 2019" in pack


def test_before_tracker_words():
    sub = EvidenceSubmission(imported_from="plan.xlsx")
    req = DueDateRequest(imported_from="Plan 2019.xlsx")
    assert history.before_tracker(sub) == "Accepted before the tracker (office's record, imported from plan.xlsx)"
    assert history.before_tracker(req, within=True) == "agreed before the tracker (imported from Plan 2019.xlsx)"
    assert history.before_tracker(EvidenceSubmission()) is None
