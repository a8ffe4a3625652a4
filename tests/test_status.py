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
