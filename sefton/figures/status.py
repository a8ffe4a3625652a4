"""The status rules (PRODUCT.md section 5), pure and free of Flask and the database.

A sub-action (or recommendation, section) EXISTS as at D when it had joined the plan by D
(added_on is None or added_on <= D) and had not yet left it (retired_on is None or D < retired_on):
a retired item counts until the day it was retired and never after. Only existing items count.

For an existing sub-action as at date D:
  Green when its evidence was accepted on or before D (and that acceptance had not lapsed by D);
  else Red when its due date in force at D is before D (the latest reviewer-accepted revision decided
  on or before D, else the original due date in force at D: the latest administrator's change of the
  original effective on or before D, else the first such change's previous date, else the original);
  else Grey.
A due date may be to be confirmed (None, "TBC" in the office's sheet): with no date in force at D the
sub-action is Grey, never Red (Green once accepted). Setting the date later is an administrator's change
of the original whose previous date is None: before its day there was no date, from it the new one.
A recommendation is Green when all its sub-actions are, Red when any is, else Grey.

sefton.figures.progress expresses the same rule in SQL for counting; tests check that the two agree.
"""
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

GREEN, GREY, RED = "green", "grey", "red"
COLOURS = (GREEN, GREY, RED)
LABELS = {GREEN: "Green", GREY: "Grey (not yet due)", RED: "Red (overdue)"}
SHORT_LABELS = {GREEN: "Green", GREY: "Grey", RED: "Red"}


def status(as_at: dt.date, due_on: dt.date | None, accepted: bool) -> str:
    """The colour of one sub-action as at a date, given the due date in force then (None: to be
    confirmed, never overdue)."""
    if accepted:
        return GREEN
    if due_on is not None and due_on < as_at:
        return RED
    return GREY


def exists(as_at: dt.date, added_on: dt.date | None = None, retired_on: dt.date | None = None) -> bool:
    """Whether a plan item is part of the plan as at a date (see the module docstring)."""
    return (added_on is None or added_on <= as_at) and (retired_on is None or as_at < retired_on)


@dataclass(frozen=True)
class Acceptance:
    """Evidence accepted on `accepted_on`; lapsed from `lapsed_on` (evidence changed later), if ever."""

    accepted_on: dt.date
    lapsed_on: dt.date | None = None

    def holds_on(self, day: dt.date) -> bool:
        return self.accepted_on <= day and (self.lapsed_on is None or day < self.lapsed_on)


@dataclass(frozen=True)
class DueChange:
    """A revised due date accepted by a reviewer, in force from `effective_on`."""

    effective_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class OriginalChange:
    """An administrator's correction of the original due date (with a reason), in force from
    `effective_on`; before it, `previous_due_on` was the original (None: to be confirmed)."""

    effective_on: dt.date
    previous_due_on: dt.date | None
    new_due_on: dt.date


@dataclass(frozen=True)
class History:
    """What the status of one sub-action depends on."""

    original_due_on: dt.date | None  # None: to be confirmed
    acceptances: tuple[Acceptance, ...] = field(default_factory=tuple)
    due_changes: tuple[DueChange, ...] = field(default_factory=tuple)
    original_changes: tuple[OriginalChange, ...] = field(default_factory=tuple)  # in the order made
    added_on: dt.date | None = None
    retired_on: dt.date | None = None

    def exists(self, as_at: dt.date) -> bool:
        return exists(as_at, self.added_on, self.retired_on)

    def original_on(self, as_at: dt.date) -> dt.date | None:
        """The original due date in force at `as_at`: the latest administrator's change effective by
        then, else the date the first change replaced (None if that was to be confirmed), else the
        stored original."""
        changes = sorted(self.original_changes, key=lambda c: c.effective_on)  # stable: ties keep their order
        if not changes:
            return self.original_due_on
        due = changes[0].previous_due_on
        for change in changes:
            if change.effective_on <= as_at:
                due = change.new_due_on
        return due

    def due_on(self, as_at: dt.date) -> dt.date | None:
        """The due date in force at `as_at`: the latest reviewer-accepted revision effective by then,
        else the original in force then (None: to be confirmed)."""
        due = None
        for change in sorted(self.due_changes, key=lambda c: c.effective_on):
            if change.effective_on <= as_at:
                due = change.due_on
        return due if due is not None else self.original_on(as_at)

    def accepted(self, as_at: dt.date) -> bool:
        return any(a.holds_on(as_at) for a in self.acceptances)

    def status(self, as_at: dt.date) -> str:
        return status(as_at, self.due_on(as_at), self.accepted(as_at))


def combine(statuses: Iterable[str]) -> str:
    """A recommendation's colour from its sub-actions' colours."""
    statuses = list(statuses)
    if statuses and all(s == GREEN for s in statuses):
        return GREEN
    if any(s == RED for s in statuses):
        return RED
    return GREY
