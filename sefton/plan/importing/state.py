"""The plan's current state as the office's file gives it (status words or fill colours, the latest
progress note, a revised due date), brought in on first load: only on a sub-action with no history in
the tracker yet; elsewhere the tracker's record stands and the preview says so. Red is never read
(the tracker works it out) and the tracker has no Amber. Pure: no Flask, no database."""
from dataclasses import dataclass

from ... import dates
from . import values
from .model import Notice, State

COLOURS = {values.GREEN: "Green", values.AMBER: "Amber", values.RED: "Red", values.GREY: "Grey"}


def say(plan, topic, message, row):
    """A notice, said once with every row it concerns."""
    notice = plan.said.get((topic, message))
    if notice is None:
        notice = plan.said[(topic, message)] = Notice(topic, message)
        plan.notices.append(notice)
    if row is not None:
        notice.rows.append((row.sheet, row.number))


@dataclass
class Facts:
    colour: str | None = None
    revised: object = None
    note: str | None = None
    noted_on: object = None
    accepted_on: object = None
    evidence: str | None = None


def read(r):
    """The state cells of the row `r` reads (a rules._Reader), with problems and notices."""
    row, cells, facts = r.row, r.row.cells, Facts()
    status_text = r.text("Status") if "Status" in cells else None
    if status_text:
        facts.colour = values.read_status(status_text)
        if facts.colour is None:
            say(r.plan, "status", f"Status \"{status_text[:40]}\" is not a status the tracker reads (Green, Complete, "
                                  "Done, Amber, At risk, Red, Grey): not used", row)
    if row.fill_rgb:
        colour = COLOURS.get(row.fill)
        if colour is None:
            say(r.plan, "fills", f"Fill #{row.fill_rgb}: not a status colour, not used", row)
        elif status_text:
            say(r.plan, "fills", f"{colour} fill (#{row.fill_rgb}): not used, the Status column gives the status", row)
        else:
            facts.colour = row.fill
            say(r.plan, "fills", f"{colour} fill (#{row.fill_rgb}): read as the status {colour}"
                                 + (" (the Status cell is empty)" if "Status" in cells else " (there is no Status "
                                                                                            "column)"), row)
    if "Revised due date" in cells:
        facts.revised = r.date("Revised due date")[0]
    if "Latest progress note" in cells:
        facts.note = r.text("Latest progress note")
    if "Note date" in cells:
        facts.noted_on = _past(r, "Note date")
    if "Accepted on" in cells:
        facts.accepted_on = _past(r, "Accepted on")
    if "Evidence accepted" in cells:
        facts.evidence = r.text("Evidence accepted", limit=2_000)
    return facts


def _past(r, column):
    day, _ = r.date(column)
    if day and r.ctx.today and day > r.ctx.today:
        r.problem(column, f"{dates.format_date(day)} is after today ({dates.format_date(r.ctx.today)}): a date "
                          "of what was done cannot be in the future")
        return None
    return day


def bring_in(good, facts, ctx, plan):
    """The states to import (plan.states) and, for the rest, what was not imported and why."""
    on_default = ctx.state_on or ctx.today
    for item in good:
        sub = ctx.sub_by_ref.get(item.ref)
        if sub is not None and sub.retired_on is not None:
            continue
        got = facts[id(item)]
        record = sub.record if sub else None
        sub_id = sub.id if sub else None
        _status(item, got, record, sub_id, ctx, plan, on_default)
        if got.note:
            if record is None:
                on = got.noted_on or on_default
                plan.states.append(State("note", item.ref, sub_id, on, item.row.number, got.note,
                                         shown=f"Progress note dated {dates.format_date(on)}"))
            elif got.note != record.note:
                say(plan, "kept", "Latest progress note: not imported, the tracker holds a later record ("
                                  + (f"a note {record.note_words}" if record.note else record.decision) + ")", item.row)
        due = sub.original_due_on if sub else item.due
        if got.revised and got.revised != due:
            if record is None:
                plan.states.append(State("revision", item.ref, sub_id, on_default, item.row.number,
                                         due_on=got.revised,
                                         shown=f"Revised due date {dates.format_date(got.revised)}, agreed before "
                                               "the tracker"))
            elif got.revised != record.current_due_on:
                say(plan, "kept", "Revised due date: not imported, the tracker holds a later decision ("
                                  + (record.revision or "no revision agreed") + ")", item.row)


def _status(item, got, record, sub_id, ctx, plan, on_default):
    if got.colour == values.GREEN:
        if record is None:
            on = got.accepted_on or on_default
            text = f"Office's record, imported from {ctx.filename} by {ctx.importer}".strip()
            if got.evidence:
                text += f". Evidence: {got.evidence}"
            plan.states.append(State("accepted", item.ref, sub_id, on, item.row.number, text,
                                     shown=f"Accepted before the tracker on {dates.format_date(on)}"))
        elif not record.accepted:
            say(plan, "kept", f"Status Green: not imported, the tracker holds a later decision ({record.decision})",
                item.row)
    elif got.colour == values.AMBER:
        say(plan, "status", "Amber / At risk: the tracker has no Amber; counted Grey until the due date, Red after "
                            "it", item.row)
    elif got.colour == values.RED:
        say(plan, "status", "Red: not imported, the tracker works out Red from the due dates", item.row)
    if got.evidence and got.colour != values.GREEN and (record is None or not record.accepted):
        say(plan, "columns", "Evidence: not used on a row that is not Green (evidence is submitted in the tracker "
                             "and accepted by a reviewer)", item.row)
