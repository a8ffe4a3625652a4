"""The rules of who is told what (sefton.reminders) and working days (sefton.workdays): pure,
at fixed business dates."""
import datetime as dt

import pytest

from sefton.notifications import reminders as r
from sefton.notifications import workdays
from sefton.figures.status import GREEN, GREY, RED

TODAY = dt.date(2019, 4, 1)  # a Monday
AHCH, NWBH = 1, 2


def sub(id, owner=AHCH, due=TODAY + dt.timedelta(days=60), colour=GREY, state="open", section=1, **kw):
    return r.Sub(id=id, ref=f"{section}.1.{id}", text=f"Sub-action {id}", owner_id=owner, section=section,
                 review_id=1, due_on=due, colour=colour, state=state, **kw)


def plan(*subs, **kw):
    return r.PlanState(today=TODAY, subs={s.id: s for s in subs}, plan_due={1: dt.date(2019, 7, 4)}, **kw)


def ids(items):
    return [i.sub.id for i in items]


def test_working_days_skip_weekends_and_english_bank_holidays():
    assert workdays.is_working_day(dt.date(2019, 4, 18))  # Thursday before Easter
    assert not workdays.is_working_day(dt.date(2019, 4, 19))  # Good Friday
    assert not workdays.is_working_day(dt.date(2019, 4, 22))  # Easter Monday
    assert not workdays.is_working_day(dt.date(2019, 4, 20))  # Saturday
    assert not workdays.is_working_day(dt.date(2019, 8, 26))  # late summer bank holiday (England)
    assert workdays.is_working_day(dt.date(2019, 8, 5))  # Scotland's summer holiday: a working day here
    # Thursday 18 April to Tuesday 23 April: only the Tuesday is a working day.
    assert workdays.between(dt.date(2019, 4, 18), dt.date(2019, 4, 23)) == 1
    assert workdays.between(dt.date(2019, 3, 18), TODAY) == 10
    assert workdays.between(TODAY, TODAY) == 0
    assert workdays.first_working_day_of_week(dt.date(2019, 4, 24)) == dt.date(2019, 4, 23)
    assert workdays.first_working_day_of_week(TODAY) == TODAY


def test_organisation_sees_overdue_due_soon_and_returned_of_its_own_sub_actions_only():
    state = plan(
        sub(1, due=TODAY - dt.timedelta(days=1), colour=RED),
        sub(2, due=TODAY + dt.timedelta(days=7)),
        sub(3, due=TODAY + dt.timedelta(days=8)),
        sub(4, due=TODAY + dt.timedelta(days=30)),
        sub(5, due=TODAY + dt.timedelta(days=31)),
        sub(6, due=TODAY + dt.timedelta(days=3), colour=GREEN, state="accepted"),
        sub(7, due=TODAY + dt.timedelta(days=40), state="returned", returned_reason="Minutes unsigned",
            returned_on=TODAY - dt.timedelta(days=2)),
        sub(8, owner=NWBH, due=TODAY + dt.timedelta(days=7)),  # a co-owner's, on the same recommendation
    )
    mine = r.for_organisation(state, AHCH)
    assert ids(mine[r.OVERDUE]) == [1]
    assert ids(mine[r.DUE_7]) == [2]
    assert ids(mine[r.DUE_30]) == [3, 4]
    assert ids(mine[r.RETURNED]) == [7] and mine[r.RETURNED][0].detail == "Minutes unsigned"
    theirs = r.for_organisation(state, NWBH)
    assert ids(theirs[r.DUE_7]) == [8]
    assert all(8 not in ids(items) for items in mine.values())
    assert all(i.sub.owner_id == NWBH for items in theirs.values() for i in items)


def test_due_digest_and_panel_apply_the_same_rules():
    state = plan(sub(1, due=TODAY + dt.timedelta(days=5)), sub(2, due=TODAY - dt.timedelta(days=5), colour=RED))
    member = r.Recipient(10, "org", AHCH)
    digest = r.digest(r.DUE, state, member)
    panel = r.panel(state, member)
    assert digest == {r.OVERDUE: panel[r.OVERDUE], r.DUE_7: panel[r.DUE_7]}
    # Nothing to say, no digest.
    assert r.digest(r.DUE, plan(sub(3)), member) == {}
    # A person of another organisation, a viewer or an admin gets no due-date digest of these.
    assert r.digest(r.DUE, state, r.Recipient(11, "org", NWBH)) == {}
    assert r.digest(r.DUE, state, r.Recipient(12, "viewer", 3)) == {}
    assert r.digest(r.DUE, state, r.Recipient(13, "admin", None)) == {}


def test_decisions_stay_in_the_panel_until_seen_and_digest_covers_since_the_last_one():
    decisions = [
        r.Decision("evidence", 50, 1, "returned", TODAY - dt.timedelta(days=1), comment="Unsigned"),
        r.Decision("date", 60, 1, "accepted", TODAY - dt.timedelta(days=4), requested_due_on=dt.date(2019, 6, 28)),
        r.Decision("evidence", 70, 2, "accepted", TODAY - dt.timedelta(days=40)),  # too old to list
        r.Decision("evidence", 80, 3, "accepted", TODAY),  # another organisation's
    ]
    state = plan(sub(1), sub(2), sub(3, owner=NWBH), decisions=decisions)
    member = r.Recipient(10, "org", AHCH)
    assert [i.key for i in r.panel(state, member)[r.DECIDED]] == ["evidence:50", "date:60"]
    assert [i.key for i in r.panel(state, member, seen={"evidence:50"})[r.DECIDED]] == ["date:60"]
    assert r.DECIDED not in r.panel(state, member, seen={"evidence:50", "date:60"})
    since_friday = r.digest(r.DECISIONS, state, member, since=TODAY - dt.timedelta(days=3))
    assert [i.key for i in since_friday[r.DECIDED]] == ["evidence:50"]
    assert since_friday[r.DECIDED][0].detail == "Unsigned"


def test_reviewer_queue_oldest_first_with_working_days_and_dates_past_the_plan_due_date_marked():
    state = plan(
        sub(1), sub(2, owner=NWBH), sub(3),
        pending_submissions=[r.Submission(100, 1, dt.date(2019, 3, 29), submitted_by_id=10),
                             r.Submission(101, 2, dt.date(2019, 3, 14), submitted_by_id=11),
                             r.Submission(102, 3, dt.date(2019, 3, 20), submitted_by_id=20)],
        pending_dates=[r.DateRequest(200, 1, TODAY, dt.date(2019, 12, 31), dt.date(2019, 3, 28), 10),
                       r.DateRequest(201, 2, TODAY, dt.date(2019, 6, 28), dt.date(2019, 3, 27), 11)])
    queue = r.digest(r.QUEUE, state, r.Recipient(20, "reviewer", None))
    assert [i.key for i in queue[r.AWAITING]] == ["submission:101", "submission:100"]  # never their own (102)
    assert [i.waited for i in queue[r.AWAITING]] == [12, 1]
    assert [(i.key, i.past_plan_due) for i in queue[r.DATE_REQUESTS]] == [("date-request:201", False),
                                                                         ("date-request:200", True)]
    assert r.digest(r.QUEUE, state, r.Recipient(10, "org", AHCH)) == {}


def test_a_reviewer_is_not_asked_to_decide_on_their_own_organisations_work_unless_separation_is_relaxed():
    """The same rule as the server's refusal (duties.py): a CCG's reviewer does not see its own
    organisation's submissions and date requests in the digest or the panel; with "self" they do."""
    pending = dict(pending_submissions=[r.Submission(100, 1, dt.date(2019, 3, 29), submitted_by_id=10),
                                        r.Submission(101, 2, dt.date(2019, 3, 14), submitted_by_id=11)],
                   pending_dates=[r.DateRequest(200, 1, TODAY, dt.date(2019, 6, 28), dt.date(2019, 3, 28), 10)])
    reviewer_of_ahch = r.Recipient(30, "reviewer", AHCH)
    queue = r.digest(r.QUEUE, plan(sub(1), sub(2, owner=NWBH), **pending), reviewer_of_ahch)
    assert [i.key for i in queue[r.AWAITING]] == ["submission:101"] and r.DATE_REQUESTS not in queue
    assert [i.key for i in r.panel(plan(sub(1), sub(2, owner=NWBH), **pending), reviewer_of_ahch)[r.AWAITING]] \
        == ["submission:101"]
    relaxed = r.digest(r.QUEUE, plan(sub(1), sub(2, owner=NWBH), separation="self", **pending), reviewer_of_ahch)
    assert [i.key for i in relaxed[r.AWAITING]] == ["submission:101", "submission:100"]
    assert [i.key for i in relaxed[r.DATE_REQUESTS]] == ["date-request:200"]


def test_weekly_summary():
    since = TODAY - dt.timedelta(days=7)
    state = plan(
        sub(1, due=TODAY - dt.timedelta(days=2), colour=RED),
        sub(2, due=TODAY - dt.timedelta(days=20), colour=RED, section=2),
        sub(3, colour=GREEN, state="accepted", section=2),
        sub(4),
        pending_submissions=[r.Submission(100, 4, dt.date(2019, 3, 14)), r.Submission(101, 3, dt.date(2019, 3, 25))],
        decisions=[r.Decision("evidence", 50, 3, "accepted", TODAY - dt.timedelta(days=2)),
                   r.Decision("evidence", 51, 3, "returned", TODAY - dt.timedelta(days=9))])
    summary = r.weekly_summary(state, since)
    assert summary.table == [(1, 2, {GREEN: 0, GREY: 1, RED: 1}), (2, 2, {GREEN: 1, GREY: 0, RED: 1}),
                             ("Total", 4, {GREEN: 1, GREY: 1, RED: 2})]
    assert [i.key for i in summary.changes] == ["evidence:50"]
    assert ids(summary.went_red) == [1]
    assert [(i.key, i.waited) for i in summary.waiting_long] == [("submission:100", 12)]


@pytest.mark.parametrize("role, org, expected", [
    ("org", AHCH, {r.DUE: r.DAILY, r.DECISIONS: r.NOW, r.QUEUE: r.OFF, r.SUMMARY: r.OFF}),
    ("reviewer", AHCH, {r.DUE: r.DAILY, r.DECISIONS: r.NOW, r.QUEUE: r.DAILY, r.SUMMARY: r.OFF}),
    ("reviewer", None, {r.DUE: r.OFF, r.DECISIONS: r.OFF, r.QUEUE: r.DAILY, r.SUMMARY: r.OFF}),
    ("admin", None, {r.DUE: r.OFF, r.DECISIONS: r.OFF, r.QUEUE: r.OFF, r.SUMMARY: r.WEEKLY}),
    ("viewer", 3, {r.DUE: r.OFF, r.DECISIONS: r.OFF, r.QUEUE: r.OFF, r.SUMMARY: r.OFF}),
])
def test_default_frequencies_by_role(role, org, expected):
    person = r.Recipient(1, role, org)
    assert {k: r.frequency(person, k) for k in r.KINDS} == expected


def test_a_chosen_frequency_wins_when_allowed():
    person = r.Recipient(1, "org", AHCH)
    assert r.frequency(person, r.DUE, {r.DUE: r.OFF}) == r.OFF
    assert r.frequency(person, r.DUE, {r.DUE: r.NOW}) == r.DAILY  # not a choice for due dates
    assert r.frequency(person, r.QUEUE, {r.QUEUE: r.DAILY}) == r.OFF  # not theirs
