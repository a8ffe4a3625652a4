"""The status rule (PRODUCT.md section 5) and its SQL twin."""
import datetime as dt

import pytest
from sqlalchemy import select

from sefton.figures import status
from sefton.extensions import db
from sefton.models import SubAction
from sefton.figures.progress import status_column
from sefton.figures.status import GREEN, GREY, RED, Acceptance, DueChange, History, OriginalChange

D = dt.date


def test_due_today_is_grey_not_red():
    assert status.status(D(2019, 4, 1), D(2019, 4, 1), accepted=False) == GREY


def test_due_yesterday_is_red():
    assert status.status(D(2019, 4, 2), D(2019, 4, 1), accepted=False) == RED


def test_accepted_is_green_even_when_overdue():
    assert status.status(D(2019, 5, 1), D(2019, 4, 1), accepted=True) == GREEN


def test_accepted_on_the_due_date_is_green_that_day():
    h = History(D(2019, 4, 1), acceptances=(Acceptance(D(2019, 4, 1)),))
    assert h.status(D(2019, 4, 1)) == GREEN
    assert h.status(D(2019, 3, 31)) == GREY


def test_accepted_after_the_due_date_was_red_in_between():
    h = History(D(2019, 3, 1), acceptances=(Acceptance(D(2019, 3, 10)),))
    assert h.status(D(2019, 3, 1)) == GREY
    assert h.status(D(2019, 3, 5)) == RED
    assert h.status(D(2019, 3, 10)) == GREEN


def test_as_at_before_acceptance_shows_the_old_colour():
    h = History(D(2019, 6, 30), acceptances=(Acceptance(D(2019, 3, 20)),))
    assert h.status(D(2019, 3, 19)) == GREY
    assert h.status(D(2019, 3, 20)) == GREEN


def test_revised_date_applies_from_the_day_it_was_accepted():
    h = History(D(2019, 3, 1), due_changes=(DueChange(effective_on=D(2019, 3, 10), due_on=D(2019, 6, 28)),))
    assert h.due_on(D(2019, 3, 5)) == D(2019, 3, 1)
    assert h.status(D(2019, 3, 5)) == RED  # overdue before the new date was agreed
    assert h.status(D(2019, 3, 10)) == GREY
    assert h.status(D(2019, 6, 29)) == RED


def test_latest_revision_wins():
    h = History(D(2019, 3, 1), due_changes=(DueChange(D(2019, 2, 1), D(2019, 4, 1)),
                                             DueChange(D(2019, 3, 15), D(2019, 9, 30))))
    assert h.due_on(D(2019, 3, 1)) == D(2019, 4, 1)
    assert h.due_on(D(2019, 4, 2)) == D(2019, 9, 30)


def test_lapsed_acceptance_stops_being_green_from_that_date():
    h = History(D(2019, 6, 30), acceptances=(Acceptance(D(2019, 3, 1), lapsed_on=D(2019, 4, 1)),))
    assert h.status(D(2019, 3, 31)) == GREEN
    assert h.status(D(2019, 4, 1)) == GREY


@pytest.mark.parametrize("colours, expected", [
    ([GREEN, GREEN], GREEN), ([GREEN, GREY], GREY), ([GREEN, RED, GREY], RED), ([], GREY), ([GREY], GREY),
])
def test_recommendation_colour(colours, expected):
    assert status.combine(colours) == expected


@pytest.mark.parametrize("day", [D(2019, 1, 20), D(2019, 2, 15), D(2019, 3, 1), D(2019, 3, 12), D(2019, 4, 1),
                                 D(2019, 5, 1), D(2019, 7, 5), D(2020, 1, 1)])
def test_sql_and_python_agree_on_every_demo_sub_action(demo_app, day):
    with demo_app.app_context():
        rows = db.session.execute(select(SubAction, status_column(day))).all()
        assert len(rows) == 245
        for sa, colour in rows:
            history = History(
                sa.original_due_on,
                acceptances=tuple(Acceptance(s.decided_on, s.invalidated_on) for s in sa.submissions
                                  if s.status == "accepted"),
                due_changes=tuple(DueChange(r.decided_on, r.requested_due_on) for r in sa.date_requests
                                  if r.status == "accepted"),
            )
            assert history.status(day) == colour, sa.ref


# --- plan membership and administrators' changes of the original due date ---------------------

def test_a_retired_item_counts_until_the_day_it_was_retired_and_never_after():
    assert status.exists(D(2019, 3, 31), None, D(2019, 4, 1))
    assert not status.exists(D(2019, 4, 1), None, D(2019, 4, 1))
    assert not status.exists(D(2019, 3, 31), D(2019, 4, 1), None)  # not yet added
    assert status.exists(D(2019, 4, 1), D(2019, 4, 1), None)


def test_original_due_date_changes_apply_from_their_day():
    h = History(D(2019, 6, 1), original_changes=(OriginalChange(D(2019, 3, 1), D(2019, 2, 1), D(2019, 5, 1)),
                                                 OriginalChange(D(2019, 4, 1), D(2019, 5, 1), D(2019, 6, 1))))
    assert h.original_on(D(2019, 2, 15)) == D(2019, 2, 1)  # before any change: the first one's previous date
    assert h.status(D(2019, 1, 20)) == GREY
    assert h.status(D(2019, 2, 20)) == RED  # overdue then, on the date in force then
    assert h.original_on(D(2019, 3, 1)) == D(2019, 5, 1)
    assert h.status(D(2019, 3, 1)) == GREY
    assert h.due_on(D(2019, 4, 1)) == D(2019, 6, 1)


def test_a_reviewer_accepted_revision_wins_over_the_original():
    h = History(D(2019, 6, 1), due_changes=(DueChange(D(2019, 3, 1), D(2019, 9, 1)),),
                original_changes=(OriginalChange(D(2019, 4, 1), D(2019, 2, 1), D(2019, 6, 1)),))
    assert h.due_on(D(2019, 2, 20)) == D(2019, 2, 1)
    assert h.due_on(D(2019, 3, 1)) == D(2019, 9, 1)
    assert h.due_on(D(2019, 5, 1)) == D(2019, 9, 1)


@pytest.mark.parametrize("day", [D(2019, 1, 20), D(2019, 2, 15), D(2019, 3, 31), D(2019, 4, 1), D(2019, 7, 5)])
def test_sql_and_python_agree_with_retired_added_and_corrected_sub_actions(app, day):
    from sefton.plan import editing as plan_admin
    from sefton.models import OriginalDueChange
    from sefton.figures.progress import exists_at

    sas = db.session.scalars(select(SubAction).order_by(SubAction.id)).all()
    for i, sa in enumerate(sas[:60]):
        if i % 3 == 0:
            sa.retired_on = D(2019, 2, 1) + dt.timedelta(days=i)
        if i % 4 == 0:
            sa.added_on = D(2019, 1, 10) + dt.timedelta(days=2 * i)
        if i % 5 == 0:
            plan_admin.change_original_due(sa, sa.original_due_on - dt.timedelta(days=40), "earlier", day=D(2019, 3, 10),
                                           user=None)
        if i % 10 == 0:
            plan_admin.change_original_due(sa, sa.original_due_on + dt.timedelta(days=90), "later", day=D(2019, 3, 10),
                                           user=None)
    db.session.commit()
    changes = {}
    for c in db.session.scalars(select(OriginalDueChange).order_by(OriginalDueChange.id)):
        changes.setdefault(c.sub_action_id, []).append(OriginalChange(c.effective_on, c.previous_due_on, c.new_due_on))
    assert changes
    rows = db.session.execute(select(SubAction, status_column(day), exists_at(SubAction, day))).all()
    for sa, colour, exists in rows:
        history = History(
            sa.original_due_on,
            acceptances=tuple(Acceptance(s.decided_on, s.invalidated_on) for s in sa.submissions
                              if s.status == "accepted"),
            due_changes=tuple(DueChange(r.decided_on, r.requested_due_on) for r in sa.date_requests
                              if r.status == "accepted"),
            original_changes=tuple(changes.get(sa.id, ())), added_on=sa.added_on, retired_on=sa.retired_on,
        )
        assert history.status(day) == colour, sa.ref
        assert history.exists(day) == bool(exists), sa.ref


# --- due dates to be confirmed (TBC) ----------------------------------------------------------

def test_a_sub_action_due_date_to_be_confirmed_is_grey_never_red():
    assert status.status(D(2030, 1, 1), None, accepted=False) == GREY
    h = History(None)
    assert h.due_on(D(2019, 4, 1)) is None
    assert [h.status(day) for day in (D(2018, 1, 1), D(2019, 4, 1), D(2040, 1, 1))] == [GREY] * 3


def test_a_sub_action_due_date_to_be_confirmed_is_green_once_accepted():
    h = History(None, acceptances=(Acceptance(D(2019, 3, 1)),))
    assert h.status(D(2019, 2, 28)) == GREY
    assert h.status(D(2019, 3, 1)) == GREEN


def test_a_date_set_later_applies_from_its_day_and_before_it_there_was_none():
    h = History(D(2019, 2, 1), original_changes=(OriginalChange(D(2019, 3, 1), None, D(2019, 2, 1)),))
    assert h.original_on(D(2019, 2, 20)) is None
    assert h.status(D(2019, 2, 20)) == GREY  # overdue by the later date, but no date was in force then
    assert h.due_on(D(2019, 3, 1)) == D(2019, 2, 1)
    assert h.status(D(2019, 3, 1)) == RED
    # set, then changed again: before either, still none
    h = History(D(2019, 6, 1), original_changes=(OriginalChange(D(2019, 3, 1), None, D(2019, 5, 1)),
                                                 OriginalChange(D(2019, 4, 1), D(2019, 5, 1), D(2019, 6, 1))))
    assert h.original_on(D(2019, 1, 1)) is None
    assert h.original_on(D(2019, 3, 2)) == D(2019, 5, 1)
    assert h.original_on(D(2019, 4, 1)) == D(2019, 6, 1)


TBC_DAYS = [D(2018, 1, 1), D(2019, 1, 20), D(2019, 3, 1), D(2019, 3, 9), D(2019, 3, 10), D(2019, 4, 1),
            D(2019, 7, 5), D(2030, 1, 1)]


def _make_tbc(sas):
    """Demo sub-actions made to be confirmed (as an import of the office's sheet makes them)."""
    for sa in sas:
        sa.original_due_on = sa.current_due_on = None
    from sefton.models import DueDateRequest, OriginalDueChange
    ids = [sa.id for sa in sas]
    # their history of dates goes with them: a TBC sub-action has no revision or change
    for model in (DueDateRequest, OriginalDueChange):
        for row in db.session.scalars(select(model).where(model.sub_action_id.in_(ids))):
            db.session.delete(row)


def _histories():
    from sefton.models import OriginalDueChange

    changes = {}
    for c in db.session.scalars(select(OriginalDueChange).order_by(OriginalDueChange.id)):
        changes.setdefault(c.sub_action_id, []).append(OriginalChange(c.effective_on, c.previous_due_on, c.new_due_on))
    return {sa.id: History(
        sa.original_due_on,
        acceptances=tuple(Acceptance(s.decided_on, s.invalidated_on) for s in sa.submissions if s.status == "accepted"),
        due_changes=tuple(DueChange(r.decided_on, r.requested_due_on) for r in sa.date_requests
                          if r.status == "accepted"),
        original_changes=tuple(changes.get(sa.id, ())), added_on=sa.added_on, retired_on=sa.retired_on,
    ) for sa in db.session.scalars(select(SubAction))}, changes


def test_sql_and_python_agree_on_sub_actions_whose_due_date_is_to_be_confirmed(app):
    """TBC demo sub-actions (some with accepted evidence, some given a date later by the office):
    never Red while no date is in force, Green once accepted, and both rules agree on every date."""
    from sefton.figures.progress import due_on_column
    from sefton.plan import editing as plan_admin

    sas = db.session.scalars(select(SubAction).order_by(SubAction.id)).all()
    tbc = sas[::4]
    _make_tbc(tbc)
    db.session.flush()
    later = [sa for i, sa in enumerate(tbc) if i % 3 == 0]
    for sa in later:
        plan_admin.change_original_due(sa, D(2019, 2, 1), "Agreed at the Task and Finish group", day=D(2019, 3, 10),
                                       user=None)
    db.session.commit()
    assert all(sa.original_due_on == sa.current_due_on == D(2019, 2, 1) for sa in later)
    histories, changes = _histories()
    assert any(c.previous_due_on is None for cs in changes.values() for c in cs)
    accepted_tbc = [sa for sa in tbc if sa not in later and any(s.status == "accepted" for s in sa.submissions)]
    assert accepted_tbc and len(tbc) - len(later) - len(accepted_tbc) > 10
    tbc_ids, later_ids = {sa.id for sa in tbc}, {sa.id for sa in later}
    for day in TBC_DAYS:
        rows = db.session.execute(select(SubAction.id, status_column(day), due_on_column(day))).all()
        assert len(rows) == len(histories)
        for sa_id, colour, due in rows:
            history = histories[sa_id]
            assert history.status(day) == colour, (sa_id, day)
            assert history.due_on(day) == due, (sa_id, day)
            if sa_id in tbc_ids and (sa_id not in later_ids or day < D(2019, 3, 10)):
                assert due is None and colour in (GREY, GREEN), (sa_id, day)
                assert colour == (GREEN if history.accepted(day) else GREY)
            if sa_id in later_ids and day >= D(2019, 3, 10):
                assert due == D(2019, 2, 1)
                assert colour == (GREEN if history.accepted(day) else RED)


def test_counts_include_sub_actions_whose_due_date_is_to_be_confirmed_as_grey(app):
    from sefton.figures import progress
    from sefton.models import Review

    review_id = db.session.scalar(select(Review.id))
    before = progress.by_section(review_id, D(2019, 7, 5)).total
    sas = [sa for sa in db.session.scalars(select(SubAction)) if sa.state != "accepted"][:10]
    _make_tbc(sas)
    db.session.commit()
    after = progress.by_section(review_id, D(2019, 7, 5)).total
    assert after.sub_actions == before.sub_actions
    assert after.red < before.red
    assert after.grey - before.grey == before.red - after.red
