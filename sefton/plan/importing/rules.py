"""The rules: rows of a plan spreadsheet into a plan of changes, with every problem found."""
import datetime as dt
from dataclasses import dataclass

from ... import dates
from .files import FORMULA_START, MAX_LEAD, MAX_TEXT, REC_REF, REF, SAFE_PREFIXES, Formula, Row
from .model import Add, Change, ChangePlan, Context, Org, Problem, Retire

# --- parsing the rows into changes ------------------------------------------------------------------

class _Reader:
    """Reads the cells of one row, adding a Problem for each bad one."""

    def __init__(self, row, errors):
        self.row, self.errors, self.ok = row, errors, True

    def problem(self, column, message):
        self.ok = False
        self.errors.append(Problem(self.row.sheet, self.row.number, column, self.row.letters.get(column, ""),
                                   message))

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

    def date(self, column, required):
        value = self.row.cells.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.problem(column, "this is a number, not a date: enter a date, for example 4 July 2019")
            return None
        raw = self.text(column, required)
        if raw is None:
            return None
        try:
            return dates.parse(raw)
        except ValueError as exc:
            self.problem(column, f"\"{raw[:40]}\" is not a date. {exc}")
            return None


@dataclass
class _Good:
    """A row whose cells are all right."""

    row: Row
    section: int
    rec: int
    position: int
    text: str
    owner: Org
    lead: str
    due: dt.date
    section_title: str | None
    rec_text: str | None
    rec_owners: frozenset | None

    @property
    def ref(self):
        return f"{self.section}.{self.rec}.{self.position}"

    @property
    def rec_ref(self):
        return f"{self.section}.{self.rec}"


def _read_row(row, ctx, errors):
    r = _Reader(row, errors)
    review = r.text("Review")
    if review and ctx.review_code and review.casefold() != ctx.review_code.casefold():
        r.problem("Review", f"{review} is a reference of another review: this import is for {ctx.review_code}. "
                            "Choose that review in the header first, or correct the row")
    ref_text = r.text("Ref", "enter the sub-action's reference, for example 1.2.3")
    match = REF.fullmatch(ref_text) if ref_text else None
    numbers = tuple(int(g) for g in match.groups()) if match else None
    if ref_text and (not numbers or 0 in numbers):
        r.problem("Ref", f"\"{ref_text[:20]}\" is not a reference: write section.recommendation.sub-action, "
                         "for example 1.2.3")
        numbers = None
    if numbers:
        section = r.text("Section")
        if section and section != str(numbers[0]):
            r.problem("Section", f"the Ref {ref_text} is in section {numbers[0]}, not {section}")
        rec = r.text("Recommendation")
        rec_match = REC_REF.fullmatch(rec) if rec else None
        if rec and (not rec_match or tuple(int(g) for g in rec_match.groups()) != numbers[:2]):
            r.problem("Recommendation", f"the Ref {ref_text} belongs to recommendation {numbers[0]}.{numbers[1]}, "
                                        f"not {rec}")
    text = r.text("Sub-action", "enter what the sub-action is")
    owner = _org(r, "Owner", r.text("Owner", "enter the organisation that owns the sub-action"), ctx)
    lead = r.text("Lead", "enter the lead (a name or job title)", limit=MAX_LEAD)
    due = r.date("Original due date", "enter the original due date, for example 4 July 2019")
    section_title = r.text("Section title")
    rec_text = r.text("Recommendation text")
    owners_text = r.text("Recommendation owners")
    rec_owners = None
    if owners_text:
        found = [_org(r, "Recommendation owners", part.strip(), ctx) for part in owners_text.split(";") if part.strip()]
        rec_owners = frozenset(o.id for o in found if o is not None)
    if not r.ok:
        return None
    return _Good(row, *numbers, text, owner, lead, due, section_title, rec_text, rec_owners)


def _org(reader, column, text, ctx):
    if not text:
        return None
    org = ctx.org_by_key.get(text.casefold())
    if org is None:
        reader.problem(column, f"there is no organisation \"{text[:60]}\": use its code, short name or name "
                               "as on the Organisations page")
    return org


def parse_rows(rows, ctx: Context) -> ChangePlan:
    """The changes the rows make to the review described by `ctx` (with every problem found)."""
    plan = ChangePlan(rows=len(rows))
    good, first_row = [], {}
    for row in rows:
        item = _read_row(row, ctx, plan.errors)
        ref = _canonical_ref(row.cells.get("Ref"))
        if ref in first_row:
            plan.errors.append(Problem(row.sheet, row.number, "Ref", row.letters.get("Ref", ""),
                                       f"the Ref {ref} is also on row {first_row[ref]}: each "
                                       "sub-action can be in the file once"))
            continue
        if ref:
            first_row[ref] = row.number
        if item is not None:
            good.append(item)
    _sections(good, ctx, plan)
    _recommendations(good, ctx, plan)
    _sub_actions(good, ctx, plan)
    return plan


def _canonical_ref(value):
    match = REF.fullmatch(value.strip()) if isinstance(value, str) and not isinstance(value, Formula) else None
    return ".".join(str(int(g)) for g in match.groups()) if match else None


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
            row = item.row
            column = {"section_title": "Section title", "rec_text": "Recommendation text"}.get(attr, "Recommendation owners")
            plan.errors.append(Problem(row.sheet, row.number, column, row.letters.get(column, ""),
                                       f"differs from row {source} of the same {label}: give the same "
                                       f"{column.lower()} on every row, or leave it empty"))
    return value


def _retired(item, what, on, plan):
    row = item.row
    plan.errors.append(Problem(row.sheet, row.number, "Ref", row.letters.get("Ref", ""),
                               f"{what} was retired on {dates.format_date(on)}; it cannot be changed by import"))


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
                row = items[0].row
                plan.errors.append(Problem(row.sheet, row.number, "Section title", row.letters.get("Section title", ""),
                                           f"section {number} is new: enter its title"))
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
                row = items[0].row
                plan.errors.append(Problem(row.sheet, row.number, "Recommendation text",
                                           row.letters.get("Recommendation text", ""),
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
                                  ("Original due date", dates.format_date(item.due)))))
            continue
        if existing.retired_on is not None:
            _retired(item, f"Sub-action {item.ref}", existing.retired_on, plan)
            continue
        new = {"text": item.text, "owner_id": item.owner.id, "lead": item.lead, "original_due_on": item.due}
        if new["owner_id"] != existing.owner_id and item.owner.active is False:
            _inactive(item, plan)
            continue
        for attr, label in FIELDS:
            old = getattr(existing, attr)
            if new[attr] != old:
                shown = _shown(attr, ctx)
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
        return dates.format_date
    return str


def _inactive(item, plan):
    row = item.row
    plan.errors.append(Problem(row.sheet, row.number, "Owner", row.letters.get("Owner", ""),
                               f"{item.owner.name} is deactivated: choose an active organisation"))
