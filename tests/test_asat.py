"""A sub-action "as at" a date (sefton.asat) and its SQL twin (sefton.asat_sql)."""
import datetime as dt
from types import SimpleNamespace as NS

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sefton.figures import asat
from sefton import dates
from sefton.figures.asat_sql import pending_request_clause, workflow_state_column
from sefton.extensions import db
from sefton.models import DueDateRequest, EvidenceSubmission, SubAction

D = dt.date


def sub(id, submitted_on, status="pending", decided_on=None, invalidated_on=None, withdrawn_on=None):
    return NS(id=id, submitted_on=submitted_on, status=status, decided_on=decided_on,
              invalidated_on=invalidated_on, withdrawn_on=withdrawn_on)


def req(id, requested_on, status="pending", decided_on=None, withdrawn_on=None, requested_at=None):
    return NS(id=id, requested_on=requested_on, status=status, decided_on=decided_on, withdrawn_on=withdrawn_on,
              requested_at=requested_at)


def test_no_submission_is_open():
    assert asat.workflow_state([], D(2019, 4, 1)) == "open"


def test_before_a_submission_it_is_open_and_lists_nothing():
    s = sub(1, D(2019, 3, 1), "accepted", decided_on=D(2019, 3, 6))
    state = asat.derive([s], [], [], D(2019, 2, 28))
    assert state.state == "open" and state.submissions == [] and state.accepted_evidence == []


def test_accepted_is_submitted_until_its_decision():
    s = sub(1, D(2019, 3, 1), "accepted", decided_on=D(2019, 3, 6))
    assert asat.workflow_state([s], D(2019, 3, 5)) == "submitted"
    assert asat.workflow_state([s], D(2019, 3, 6)) == "accepted"


def test_returned_then_resubmitted():
    subs = [sub(1, D(2019, 3, 1), "returned", decided_on=D(2019, 3, 6)), sub(2, D(2019, 3, 20))]
    assert asat.workflow_state(subs, D(2019, 3, 10)) == "returned"
    assert asat.workflow_state(subs, D(2019, 3, 20)) == "submitted"


def test_withdrawn_counts_as_pending_before_its_date():
    s = sub(1, D(2019, 3, 1), "withdrawn", withdrawn_on=D(2019, 3, 4))
    assert asat.workflow_state([s], D(2019, 3, 3)) == "submitted"
    assert asat.workflow_state([s], D(2019, 3, 4)) == "open"
    assert asat.submission_state(s, D(2019, 3, 3)) == "pending"


def test_withdrawn_without_date_counts_as_withdrawn():
    assert asat.workflow_state([sub(1, D(2019, 3, 1), "withdrawn")], D(2019, 3, 1)) == "open"


def test_lapsed_acceptance_and_new_submission():
    subs = [sub(1, D(2019, 2, 1), "accepted", decided_on=D(2019, 2, 5), invalidated_on=D(2019, 3, 1)),
            sub(2, D(2019, 3, 1))]
    assert asat.workflow_state(subs, D(2019, 2, 28)) == "accepted"
    assert asat.workflow_state(subs, D(2019, 3, 1)) == "submitted"
    listed = asat.derive(subs, [], [], D(2019, 3, 1)).submissions
    assert [x.state for x in listed] == ["lapsed", "pending"]


def test_date_request_pending_until_decided_or_withdrawn():
    decided = req(1, D(2019, 3, 4), "accepted", decided_on=D(2019, 3, 11))
    withdrawn = req(2, D(2019, 3, 4), "withdrawn", withdrawn_on=D(2019, 3, 8))
    assert asat.pending_request([decided], D(2019, 3, 3)) is None
    assert asat.pending_request([decided], D(2019, 3, 10)) is decided
    assert asat.pending_request([decided], D(2019, 3, 11)) is None
    assert asat.pending_request([withdrawn], D(2019, 3, 7)) is withdrawn
    assert asat.pending_request([withdrawn], D(2019, 3, 8)) is None


def test_request_date_falls_back_to_the_london_date_of_requested_at():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    r = req(1, None, requested_at=dt.datetime(2019, 6, 30, 23, 30))
    assert asat.requested_on(r) == D(2019, 7, 1)
    assert asat.pending_request([r], D(2019, 6, 30)) is None


def test_latest_note_as_at():
    notes = [NS(id=1, noted_on=D(2019, 2, 1)), NS(id=2, noted_on=D(2019, 3, 1))]
    assert asat.latest_note(notes, D(2019, 1, 31)) is None
    assert asat.latest_note(notes, D(2019, 2, 15)).id == 1
    assert asat.latest_note(notes, D(2019, 3, 1)).id == 2


DAYS = [D(2019, 1, 2), D(2019, 1, 14), D(2019, 3, 1), D(2019, 3, 8), D(2019, 4, 1)]


@pytest.mark.parametrize("day", DAYS)
def test_sql_and_python_agree_on_every_demo_sub_action(demo_app, day):
    with demo_app.app_context():
        rows = db.session.execute(
            select(SubAction, workflow_state_column(day))
            .options(selectinload(SubAction.submissions), selectinload(SubAction.date_requests))).all()
        assert len(rows) == 245
        pending_sql = dict(db.session.execute(
            select(DueDateRequest.sub_action_id, DueDateRequest.id).where(pending_request_clause(day))).all())
        states = set()
        for sa, sql_state in rows:
            assert asat.workflow_state(sa.submissions, day) == sql_state, sa.ref
            python_request = asat.pending_request(sa.date_requests, day)
            assert (python_request.id if python_request else None) == pending_sql.get(sa.id), sa.ref
            states.add(sql_state)
        if day == D(2019, 1, 2):
            assert states == {"open"} and not pending_sql  # before the plan was agreed
        if day == D(2019, 4, 1):
            assert states == {"open", "submitted", "returned", "accepted"} and pending_sql


def test_at_the_business_date_the_derived_state_is_the_stored_one(demo_app):
    with demo_app.app_context():
        today = dates.today()
        rows = db.session.execute(select(SubAction, workflow_state_column(today))
                                  .options(selectinload(SubAction.submissions))).all()
        for sa, sql_state in rows:
            assert sa.state == sql_state == asat.workflow_state(sa.submissions, today), sa.ref


def test_after_a_withdrawal_sql_and_python_agree(app):
    """A withdrawn submission (withdrawn_on set by the workflow) is pending before that date."""
    sa = db.session.scalars(select(SubAction).where(SubAction.state == "submitted")).first()
    s = sa.submissions[-1]
    s.status, s.withdrawn_on = EvidenceSubmission.WITHDRAWN, s.submitted_on + dt.timedelta(days=1)
    db.session.commit()
    for day, expected in ((s.submitted_on, "submitted"), (s.withdrawn_on, "open")):
        sql = db.session.scalar(select(workflow_state_column(day)).where(SubAction.id == sa.id))
        assert sql == asat.workflow_state(sa.submissions, day) == expected


def _section_of(app, state):
    with app.app_context():
        sa = db.session.scalars(select(SubAction).where(SubAction.state == state)).first()
        return sa, sa.recommendation.section_id, sa.submissions[-1]


def test_section_as_at_before_a_submission_shows_no_submission(demo_app, demo_auth, demo_client):
    sa, section_id, submission = _section_of(demo_app, "accepted")
    demo_auth.login("viewer@demo.test")
    before = submission.submitted_on - dt.timedelta(days=1)
    row = _row(demo_client.get(f"/sections/{section_id}?as_at={before.isoformat()}"), sa.id)
    assert "Evidence accepted" not in row and "Evidence submitted" not in row
    row = _row(demo_client.get(f"/sections/{section_id}"), sa.id)
    assert "Evidence accepted" in row


def test_recommendation_as_at_shows_the_state_then(demo_app, demo_auth, demo_client):
    sa, _, submission = _section_of(demo_app, "returned")
    demo_auth.login("viewer@demo.test")
    page = f"/recommendations/{sa.recommendation_id}?as_at="
    assert "Evidence submitted, awaiting review" in _row(demo_client.get(page + submission.submitted_on.isoformat()), sa.id)
    assert "Evidence returned" in _row(demo_client.get(page + submission.decided_on.isoformat()), sa.id)


def test_sub_action_page_as_at_shows_that_days_evidence_notes_and_state_without_controls(demo_app, demo_auth,
                                                                                        demo_client):
    with demo_app.app_context():
        sa = db.session.scalars(select(SubAction).join(EvidenceSubmission).where(
            SubAction.state == "accepted", EvidenceSubmission.status == "accepted",
            EvidenceSubmission.decided_on > EvidenceSubmission.submitted_on)).first()
        accepted = next(s for s in sa.submissions if s.status == "accepted")
        owner, description = sa.owner.code, accepted.description
        notes = [(n.noted_on, n.body) for n in sa.notes]
    demo_auth.login(f"{owner}@demo.test")
    page = f"/sub-actions/{sa.id}"

    today = demo_client.get(page).get_data(as_text=True)
    assert description in today and "Accepted</strong> on" in today and "Shown as it was on" not in today
    assert "Update this sub-action" in today

    before = demo_client.get(page, query_string={"as_at": (accepted.submitted_on - dt.timedelta(days=1)).isoformat()})
    html = before.get_data(as_text=True)
    assert before.status_code == 200 and "Shown as it was on" in html
    assert description not in html and "Evidence accepted" not in html
    assert "Update this sub-action" not in html  # no controls on the past
    for noted_on, body in notes:
        assert (body in html) == (noted_on < accepted.submitted_on)

    waiting = demo_client.get(page, query_string={"as_at": accepted.submitted_on.isoformat()}).get_data(as_text=True)
    assert description in waiting and "Awaiting review" in waiting and "Accepted</strong>" not in waiting
    assert "Evidence submitted, awaiting review" in waiting

    bad = demo_client.get(page, query_string={"as_at": "32 March 2019"})
    assert bad.status_code == 200 and "Enter a real date" in bad.get_data(as_text=True)


def test_rows_of_a_page_as_at_link_to_the_sub_action_as_at_the_same_day(demo_app, demo_auth, demo_client):
    sa, section_id, _ = _section_of(demo_app, "accepted")
    demo_auth.login("viewer@demo.test")
    row = _row(demo_client.get(f"/sections/{section_id}?as_at=2019-03-01"), sa.id)
    assert f'href="/sub-actions/{sa.id}?as_at=1+March+2019"' in row
    assert f'href="/sub-actions/{sa.id}"' in _row(demo_client.get(f"/sections/{section_id}"), sa.id)


def _row(response, sa_id):
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index(f'id="subaction-{sa_id}"')
    return html[start:html.index("</tr>", start)]


def test_sql_reads_the_request_date_from_requested_at_when_requested_on_is_missing(app):
    request = db.session.scalars(select(DueDateRequest).where(DueDateRequest.status == "pending")).first()
    request.requested_on, request.requested_at = None, dt.datetime(2019, 3, 20, 10, 0)
    db.session.commit()
    for day, pending in ((D(2019, 3, 19), False), (D(2019, 3, 20), True)):
        found = db.session.scalar(select(DueDateRequest.id).where(DueDateRequest.id == request.id,
                                                                  pending_request_clause(day)))
        assert (found is not None) == pending == (asat.pending_request([request], day) is not None)


def test_the_as_at_hint_gives_a_date_the_page_accepts(demo_auth, demo_client):
    import re
    demo_auth.login("viewer@demo.test")
    html = demo_client.get("/").get_data(as_text=True)
    example = re.search(r'id="as_at-hint">For example ([^<]+)</div>', html).group(1)
    assert example != "4 July 2019"
    assert demo_client.get("/", query_string={"as_at": example}).status_code == 200


def test_report_items_carry_the_state_as_at_the_date(demo_app):
    from sefton.models import User
    from sefton.reports import data
    with demo_app.app_context():
        viewer = db.session.scalars(select(User).where(User.email == "viewer@demo.test")).one()
        review = db.session.scalars(select(SubAction)).first().recommendation.section.review
        early = data.load_plan(viewer, review, D(2019, 1, 2))
        assert {i.state for i in early.items} == {"open"}
        assert not any(i.evidence or i.note or i.pending_request for i in early.items)
        now = data.load_plan(viewer, review, D(2019, 4, 1))
        assert all(i.state == i.sub_action.state for i in now.items)
        assert any(i.pending_request for i in now.items)
