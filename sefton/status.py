"""The status rules (PRODUCT.md section 5), pure and free of Flask and the database.

For a sub-action as at date D:
  Green when its evidence was accepted on or before D (and that acceptance had not lapsed by D);
  else Red when its due date in force at D is before D;
  else Grey.
A recommendation is Green when all its sub-actions are, Red when any is, else Grey.

sefton.progress expresses the same rule in SQL for counting; tests check that the two agree.
"""
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

GREEN, GREY, RED = "green", "grey", "red"
COLOURS = (GREEN, GREY, RED)
LABELS = {GREEN: "Green", GREY: "Grey (not yet due)", RED: "Red (overdue)"}
SHORT_LABELS = {GREEN: "Green", GREY: "Grey", RED: "Red"}


def status(as_at: dt.date, due_on: dt.date, accepted: bool) -> str:
    """The colour of one sub-action as at a date, given the due date in force then."""
    if accepted:
        return GREEN
    if due_on < as_at:
        return RED
    return GREY


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
class History:
    """What the status of one sub-action depends on."""

    original_due_on: dt.date
    acceptances: tuple[Acceptance, ...] = field(default_factory=tuple)
    due_changes: tuple[DueChange, ...] = field(default_factory=tuple)

    def due_on(self, as_at: dt.date) -> dt.date:
        """The due date in force at `as_at`: the latest change effective by then, else the original."""
        due = self.original_due_on
        for change in sorted(self.due_changes, key=lambda c: c.effective_on):
            if change.effective_on <= as_at:
                due = change.due_on
        return due

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
