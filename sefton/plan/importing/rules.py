"""The rules: rows of a plan spreadsheet (each cell under its field) into a plan of changes, with every
problem found and everything read in a way worth saying (sefton.plan.importing.model.Notice)."""
import datetime as dt
from dataclasses import dataclass

from ... import dates
from . import state, values
from .files import FORMULA_START, MAX_LEAD, MAX_TEXT, SAFE_PREFIXES, Formula, Row
from .model import Add, Change, ChangePlan, Context, Org, Problem, Retire, Unknown

SHOWN_ROWS = 12  # rows named in a notice before "and N more"


# --- parsing the rows into changes ------------------------------------------------------------------

class _Reader:
    """Reads the cells of one row, adding a Problem for each bad one."""

    def __init__(self, row, plan, ctx):
        self.row, self.plan, self.ctx, self.ok = row, plan, ctx, True
        self.errors = plan.errors

    def problem(self, column, message):
        self.ok = False
        self.errors.append(Problem(self.row.sheet, self.row.number, self.row.headings.get(column, column),
                                   self.row.letters.get(column, ""), message))

    def text(self, column, required=None, limit=MAX_TEXT):
        value = self.row.cells.get(column)
        if isinstance(value, Formula):
            self.problem(column, f"the cell holds a formula ({value[:40]}). Remove the formula and type the "
                                 "value itself")
            return None
        if isinstance(value, (dt.date, dt.datetime)):
            value = dates.format_date(value)
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        elif value is not None:
            value = str(value)
        value = (value or "").strip()
        if value.startswith(SAFE_PREFIXES):
            value = value[1:]  # escaped by our export: the text itself
        elif value.startswith(FORMULA_START):
            self.problem(column, f"the text starts with \"{value[0]}\", so it looks like a formula. Remove the "
                                 "formula, or the leading character, and import again")
            return None
        if not value:
            if required:
                self.problem(column, required)
            return None
        if len(value) > limit:
            self.problem(column, f"the text is {len(value):,} characters long: the most is {limit:,}")
            return None
        return value

    def date(self, column):
        """A date, or None with the reason: values.TBC (to be confirmed, or empty) or a problem."""
        value = self.row.cells.get(column)
        if isinstance(value, Formula):
            self.text(column)
            return None, "problem"
        try:
            day, how = values.read_date(value)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None, "problem"
        if how and how != values.TBC:
            state.say(self.plan, "readings", f"{self.row.headings.get(column, column)}: \"{_raw(value)}\" read as "
                                             f"{dates.format_date(day)} ({how})", self.row)
        elif how == values.TBC and column == "Original due date":
            shown = f"\"{_raw(value)}\"" if value not in (None, "") else "empty"
            state.say(self.plan, "readings", f"{self.row.headings.get(column, column)}: {shown}, read as to be "
                                             "confirmed (Grey, never Red, until the office sets a date)", self.row)
        return day, how

    def org(self, column, text):
        if not text:
            return None
        org = self.ctx.names.find(text)
        if org is None:
            self.ok = False
            key = (column, text.strip().casefold())
            unknown = self.plan.unknown_by_name.get(key)
            if unknown is None:
                unknown = self.plan.unknown_by_name[key] = Unknown(text.strip(), self.row.headings.get(column, column),
                                                            self.row.letters.get(column, ""), self.row.sheet)
            unknown.rows.append((self.row.sheet, self.row.number))
        return org


def _raw(value):
    return f"{value:g}" if isinstance(value, float) else str(value).strip()[:40]


@dataclass
class _Good:
    """A row whose cells are all right."""

    row: Row
    section: int
    rec: int
    position: int | None  # None: numbered in sheet order
    text: str
    owner: Org
    lead: str
    due: dt.date | None
    section_title: str | None
    rec_text: str | None
    rec_owners: frozenset | None

    @property
    def ref(self):
        return f"{self.section}.{self.rec}.{self.position}"

    @property
    def rec_ref(self):
        return f"{self.section}.{self.rec}"


def _number(text):
    digits = "".join(ch for ch in str(text) if ch.isdigit()) if text else ""
    return int(digits) if digits and len(digits) < 6 else None


def _numbers(r, roman):
    """(section, recommendation, sub-action or None) from the Ref, or from the Section and Recommendation
    columns when there is no Ref; None after a problem."""
    ref_text = r.text("Ref")
    section_text, rec_text = r.text("Section"), r.text("Recommendation")
    if ref_text:
        numbers = values.read_ref(ref_text, roman)
        if not numbers or 0 in numbers:
            r.problem("Ref", f"\"{ref_text[:20]}\" is not a reference: write section.recommendation.sub-action, "
                             "for example 1.2.3 (1.2.c, 1.2(c) and 1.2 iii are read too)")
            return None
        if section_text and _number(section_text) != numbers[0]:
            r.problem("Section", f"the Ref {ref_text} is in section {numbers[0]}, not {section_text}")
        if rec_text:
            rec = values.read_ref(rec_text) if "." in rec_text else (numbers[0], _number(rec_text), None)
            if not rec or rec[:2] != numbers[:2]:
                r.problem("Recommendation", f"the Ref {ref_text} belongs to recommendation {numbers[0]}.{numbers[1]}, "
                                            f"not {rec_text}")
        return numbers if r.ok else None
    section = _number(section_text)
    rec = values.read_ref(rec_text) if rec_text and "." in rec_text else None
    if rec and section is None:
        section = rec[0]
    position = rec[1] if rec else _number(rec_text)
    if section and position:
        return section, position, None
    if not ref_text and "Ref" in r.row.cells:
        r.problem("Ref", "enter the sub-action's reference, for example 1.2.3")
    elif not section:
        r.problem("Section", "enter the section's number")
    else:
        r.problem("Recommendation", "enter the recommendation's number")
    return None


def _read_row(row, ctx, plan, roman):
    r = _Reader(row, plan, ctx)
    review = r.text("Review")
    if review and ctx.review_code and review.casefold() != ctx.review_code.casefold():
        r.problem("Review", f"{review} is a reference of another review: this import is for {ctx.review_code}. "
                            "Choose that review in the header first, or correct the row")
    numbers = _numbers(r, roman)
    text = r.text("Sub-action", "enter what the sub-action is")
    owner = r.org("Owner", r.text("Owner", "enter the organisation that owns the sub-action"))
    lead = r.text("Lead", "enter the lead (a name or job title)", limit=MAX_LEAD)
    due, _ = r.date("Original due date")
    section_title = r.text("Section title")
    rec_text = r.text("Recommendation text")
    owners_text = r.text("Recommendation owners")
    rec_owners = None
    if owners_text:
        found = [r.org("Recommendation owners", part.strip()) for part in owners_text.split(";") if part.strip()]
        rec_owners = frozenset(o.id for o in found if o is not None)
    facts = state.read(r)
    if not r.ok or numbers is None:
        return None, None
    return _Good(row, *numbers, text, owner, lead, due, section_title, rec_text, rec_owners), facts


def parse_rows(rows, ctx: Context) -> ChangePlan:
    """The changes the rows make to the review described by `ctx` (with every problem found)."""
    plan = ChangePlan(rows=len(rows), live=sum(s.retired_on is None for s in ctx.subs))
    good, facts, first_row = [], {}, {}
    by_sheet = {}
    for row in rows:
        by_sheet.setdefault(row.sheet, []).append(row)
    roman = {sheet: values.uses_roman(r.cells.get("Ref") for r in items) for sheet, items in by_sheet.items()}
    for row in rows:
        numbers = values.read_ref(row.cells.get("Ref"), roman[row.sheet]) if _plain(row.cells.get("Ref")) else None
        if numbers and None not in numbers:
            ref = ".".join(map(str, numbers))
            if ref in first_row:
                plan.errors.append(_problem(row, "Ref", f"the Ref {ref} is also on {first_row[ref]}: each "
                                                        "sub-action can be in the file once"))
                continue
            first_row[ref] = f"row {row.number}" + (f" of {row.sheet}" if len(by_sheet) > 1 else "")
        item, read = _read_row(row, ctx, plan, roman[row.sheet])
        if item is not None:
            good.append(item)
            facts[id(item)] = read
    _number_in_sheet_order(good, plan, first_row)
    _unknown_names(plan, ctx)
    _sections(good, ctx, plan)
    _recommendations(good, ctx, plan)
    _sub_actions(good, ctx, plan)
    state.bring_in(good, facts, ctx, plan)
    return plan


def _plain(value):
    return isinstance(value, (str, int, float)) and not isinstance(value, Formula) and str(value).strip()


def _number_in_sheet_order(good, plan, first_row):
    """Rows with a section and recommendation but no sub-action number: 1, 2, 3... in sheet order within
    each recommendation (after the numbers the sheet gives it)."""
    unnumbered = [i for i in good if i.position is None]
    if not unnumbered:
        return
    used = {}
    for ref in first_row:
        section, rec, position = ref.split(".")
        used.setdefault(f"{section}.{rec}", set()).add(int(position))
    for item in unnumbered:
        taken = used.setdefault(item.rec_ref, set())
        item.position = next(n for n in range(1, len(taken) + 2) if n not in taken)
        taken.add(item.position)
    for item in unnumbered:
        state.say(plan, "numbering", f"No sub-action number: numbered in sheet order within its recommendation "
                                     f"({item.rec_ref}.1, {item.rec_ref}.2 …)", item.row)


def _unknown_names(plan, ctx):
    accepted = "; ".join(ctx.names.accepted())
    for unknown in plan.unknown_by_name.values():
        plan.unknown.append(unknown)
        rows = _rows_words(unknown.rows)
        plan.errors.append(Problem(unknown.sheet, None, unknown.column, unknown.letter,
                                   f"there is no organisation \"{unknown.text[:60]}\" ({rows}). Choose what it means "
                                   f"under \"Organisation names the tracker does not know\", or use one of: {accepted}",
                                   tuple(unknown.rows)))


def _rows_words(rows):
    sheets = {s for s, _ in rows}
    shown = [f"{n}" if len(sheets) == 1 else f"{s} {n}" for s, n in rows[:SHOWN_ROWS]]
    more = f" and {len(rows) - SHOWN_ROWS:,} more" if len(rows) > SHOWN_ROWS else ""
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(shown) + more


def _problem(row, column, message):
    return Problem(row.sheet, row.number, row.headings.get(column, column), row.letters.get(column, ""), message)


def _agreed(items, attr, label, plan):
    """The one value that the rows of a section/recommendation give for `attr` (None: none given)."""
    value, source = None, None
    for item in items:
        mine = getattr(item, attr)
        if mine is None:
            continue
        if value is None:
            value, source = mine, item.row.number
        elif mine != value:
            column = {"section_title": "Section title", "rec_text": "Recommendation text"}.get(attr, "Recommendation owners")
            plan.errors.append(_problem(item.row, column, f"differs from row {source} of the same {label}: give the same "
                                                          f"{column.lower()} on every row, or leave it empty"))
    return value


def _retired(item, what, on, plan):
    plan.errors.append(_problem(item.row, "Ref", f"{what} was retired on {dates.format_date(on)}; it cannot be changed "
                                                 "by import"))


def _grouped(good, key):
    groups = {}
    for item in good:
        groups.setdefault(key(item), []).append(item)
    return groups


def _sections(good, ctx, plan):
    for number, items in _grouped(good, lambda i: i.section).items():
        title = _agreed(items, "section_title", "section", plan)
        existing = ctx.section_by_number.get(number)
        if existing is None:
            if title is None:
                plan.errors.append(_problem(items[0].row, "Section title", f"section {number} is new: enter its title"))
            else:
                plan.adds.append(Add("section", str(number), {"number": number, "title": title}, items[0].row.number,
                                     (("Title", title),)))
        elif existing.retired_on is not None:
            _retired(items[0], f"Section {number}", existing.retired_on, plan)
        elif title is not None and title != existing.title:
            plan.changes.append(Change("section", str(number), existing.id, "title", "Section title",
                                       existing.title, title, items[0].row.number, existing.title, title))


def _recommendations(good, ctx, plan):
    in_file = {i.ref for i in good}
    live = {}  # recommendation ref -> owners of its live sub-actions that the file leaves alone
    if not ctx.whole_plan:
        for s in ctx.subs:
            if s.retired_on is None and s.ref not in in_file:
                live.setdefault(f"{s.section}.{s.rec}", set()).add(s.owner_id)
    for ref, items in _grouped(good, lambda i: i.rec_ref).items():
        text = _agreed(items, "rec_text", "recommendation", plan)
        listed = _agreed(items, "rec_owners", "recommendation", plan)
        existing = ctx.rec_by_ref.get(ref)
        owners = set(listed or ()) | {i.owner.id for i in items}
        if existing is None:
            if text is None:
                plan.errors.append(_problem(items[0].row, "Recommendation text",
                                            f"recommendation {ref} is new: enter its text"))
                continue
            plan.adds.append(Add("recommendation", ref, {"text": text, "owner_ids": frozenset(owners)},
                                 items[0].row.number, (("Text", text), ("Owners", ctx.org_names(owners)))))
            continue
        if existing.retired_on is not None:
            _retired(items[0], f"Recommendation {ref}", existing.retired_on, plan)
            continue
        # A recommendation stays assigned to the owners of its live sub-actions that the file leaves alone.
        kept = live.get(ref, set())
        owners |= kept if listed is not None else kept | set(existing.owner_ids)
        row = items[0].row.number
        if text is not None and text != existing.text:
            plan.changes.append(Change("recommendation", ref, existing.id, "text", "Recommendation text",
                                       existing.text, text, row, existing.text, text))
        if frozenset(owners) != existing.owner_ids:
            plan.changes.append(Change("recommendation", ref, existing.id, "owner_ids", "Recommendation owners",
                                       existing.owner_ids, frozenset(owners), row,
                                       ctx.org_names(existing.owner_ids), ctx.org_names(owners)))


FIELDS = (("text", "Sub-action"), ("owner_id", "Owner"), ("lead", "Lead"), ("original_due_on", "Original due date"))


def _sub_actions(good, ctx, plan):
    for item in good:
        existing = ctx.sub_by_ref.get(item.ref)
        row = item.row.number
        if existing is None:
            if item.owner.active is False:
                _inactive(item, plan)
                continue
            values = {"text": item.text, "owner_id": item.owner.id, "lead": item.lead, "original_due_on": item.due}
            plan.adds.append(Add("sub-action", item.ref, values, row,
                                 (("Sub-action", item.text), ("Owner", item.owner.name), ("Lead", item.lead),
                                  ("Original due date", due_words(item.due)))))
            continue
        if existing.retired_on is not None:
            _retired(item, f"Sub-action {item.ref}", existing.retired_on, plan)
            continue
        new = {"text": item.text, "owner_id": item.owner.id, "lead": item.lead, "original_due_on": item.due}
        if new["owner_id"] != existing.owner_id and item.owner.active is False:
            _inactive(item, plan)
            continue
        newer = bool(existing.changed_at and ctx.file_saved and existing.changed_at > ctx.file_saved)
        for attr, label in FIELDS:
            old = getattr(existing, attr)
            if new[attr] == old:
                continue
            shown = _shown(attr, ctx)
            if attr == "original_due_on" and new[attr] is None:
                state.say(plan, "kept", f"{label}: the file's \"to be confirmed\" is not imported over a date the "
                                        "tracker holds; change the date on the sub-action's page", item.row)
            elif newer:
                state.say(plan, "kept", f"{label}: the tracker's value is newer (the sub-action changed after the "
                                        "file was saved): the file's value is not imported", item.row)
            else:
                plan.changes.append(Change("sub-action", item.ref, existing.id, attr, label, old, new[attr], row,
                                           shown(old), shown(new[attr])))
    if ctx.whole_plan:
        in_file = {i.ref for i in good}
        for sub in ctx.subs:
            if sub.retired_on is None and sub.ref not in in_file:
                plan.retires.append(Retire(sub.ref, sub.id, sub.text, ctx.org_by_id[sub.owner_id].name))


def _shown(attr, ctx):
    if attr == "owner_id":
        return lambda v: ctx.org_by_id[v].name
    if attr == "original_due_on":
        return due_words
    return str


def due_words(day):
    return dates.format_date(day) if day else "to be confirmed"


def _inactive(item, plan):
    plan.errors.append(_problem(item.row, "Owner", f"{item.owner.name} is deactivated: choose an active organisation"))
