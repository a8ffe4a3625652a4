"""Importing the plan from a spreadsheet: rows in, a plan of changes out. Pure: no database, no HTTP.

The file has the columns of the Excel export (sefton.reports.excel.ROW_COLUMNS), one row per
sub-action; the import reads IMPORTED and ignores the others (they are derived: status, notes,
evidence). A row is keyed by its Ref ("section.recommendation.sub-action") within the current
review: a Ref of the review updates what differs, a new Ref adds the sub-action (and its section and
recommendation when missing). With `whole_plan`, the review's sub-actions missing from the file are
retired. Every problem is collected, named by sheet, row and column; nothing is partly imported.
"""
import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from . import dates, evidence

IMPORTED = ("Review", "Section", "Section title", "Recommendation", "Recommendation text",
            "Recommendation owners", "Ref", "Sub-action", "Owner", "Lead", "Original due date")
REQUIRED_COLUMNS = ("Ref", "Sub-action", "Owner", "Lead", "Original due date")
SHEET = "Sub-actions"
MAX_ROWS = 20_000
MAX_TEXT = 5_000
MAX_COLUMNS = 100  # columns looked at for the header
MAX_LEAD = 200
FORMULA_START = ("=", "+", "-", "@")
SAFE_PREFIXES = ("'=", "'+", "'-", "'@", "'\t", "'\r")  # how our exports escape text (reports.excel._safe)
REF = re.compile(r"(\d+)\.(\d+)\.(\d+)")
REC_REF = re.compile(r"(\d+)\.(\d+)")


class FileError(ValueError):
    """The whole file is refused (type, size, rows, missing columns); the message is fit to show."""


class Formula(str):
    """The text of a formula cell of a workbook: never evaluated, never stored."""


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int  # as the spreadsheet shows it (the header is row 1)
    cells: dict  # column name -> value (str, int, float, date, datetime, Formula or None)
    letters: dict = field(default_factory=dict, compare=False)  # column name -> column letter


# --- the review as it is, as plain data ---------------------------------------------------------

@dataclass(frozen=True)
class Org:
    id: int
    code: str
    name: str
    short_name: str
    active: bool = True


@dataclass(frozen=True)
class SectionData:
    id: int
    number: int
    title: str
    retired_on: dt.date | None = None


@dataclass(frozen=True)
class RecData:
    id: int
    section: int  # section number
    position: int
    text: str
    owner_ids: frozenset
    retired_on: dt.date | None = None

    @property
    def ref(self):
        return f"{self.section}.{self.position}"


@dataclass(frozen=True)
class SubData:
    id: int
    section: int
    rec: int
    position: int
    text: str
    owner_id: int
    lead: str
    original_due_on: dt.date
    retired_on: dt.date | None = None

    @property
    def ref(self):
        return f"{self.section}.{self.rec}.{self.position}"


@dataclass
class Context:
    review_code: str | None
    orgs: list
    sections: list = field(default_factory=list)
    recs: list = field(default_factory=list)
    subs: list = field(default_factory=list)
    whole_plan: bool = False

    def __post_init__(self):
        self.org_by_id = {o.id: o for o in self.orgs}
        self.org_by_key = {}
        for attr in ("name", "short_name", "code"):  # a code wins over a name that reads the same
            for org in self.orgs:
                self.org_by_key[getattr(org, attr).strip().casefold()] = org
        self.section_by_number = {s.number: s for s in self.sections}
        self.rec_by_ref = {r.ref: r for r in self.recs}
        self.sub_by_ref = {s.ref: s for s in self.subs}

    def org_names(self, ids):
        return "; ".join(sorted(self.org_by_id[i].short_name for i in ids))


# --- the plan of changes ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    letter: str
    message: str

    def __str__(self):
        where = [self.sheet] + ([f"row {self.row}"] if self.row else []) + (
            [f"column {self.letter} ({self.column})" if self.letter else f"column {self.column}"] if self.column else [])
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Add:
    kind: str  # "section", "recommendation" or "sub-action"
    ref: str
    values: dict  # section: title; recommendation: text, owner_ids; sub-action: text, owner_id, lead, original_due_on
    row: int
    shown: tuple = ()  # (label, value as shown) pairs


@dataclass(frozen=True)
class Change:
    kind: str
    ref: str
    id: int
    field: str  # the model's attribute ("owner_ids" for a recommendation's owners)
    label: str
    old: object
    new: object
    row: int
    shown_old: str = ""
    shown_new: str = ""


@dataclass(frozen=True)
class Retire:
    ref: str
    id: int
    text: str
    owner: str


@dataclass
class ChangePlan:
    adds: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    retires: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows: int = 0

    @property
    def nothing_to_do(self):
        return not (self.adds or self.changes or self.retires)

    @property
    def can_apply(self):
        return not self.errors and not self.nothing_to_do

    def counts(self):
        added = {k: sum(a.kind == k for a in self.adds) for k in ("section", "recommendation", "sub-action")}
        return {"rows": self.rows, "added": added["sub-action"], "added_sections": added["section"],
                "added_recommendations": added["recommendation"],
                "changed": len({c.ref for c in self.changes if c.kind == "sub-action"}),
                "changed_recommendations": len({c.ref for c in self.changes if c.kind == "recommendation"}),
                "changed_sections": len({c.ref for c in self.changes if c.kind == "section"}),
                "retired": len(self.retires), "errors": len(self.errors)}

    def digest(self):
        """A fingerprint of what Apply would do: the preview carries it, Apply compares it."""
        data = ([["add", a.kind, a.ref, sorted(a.values.items())] for a in self.adds]
                + [["change", c.kind, c.ref, c.field, c.old, c.new] for c in self.changes]
                + [["retire", r.ref, r.id] for r in self.retires])
        text = json.dumps(data, default=lambda v: sorted(v) if isinstance(v, (set, frozenset)) else str(v))
        return hashlib.sha256(text.encode()).hexdigest()


# --- reading the file -------------------------------------------------------------------------------

def read_file(filename: str, data: bytes, max_bytes: int, max_rows: int = MAX_ROWS) -> list:
    """The rows of an uploaded .xlsx or .csv (type judged by content), or FileError."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise FileError(f"{filename} is empty")
    if len(data) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.0f} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
        raise FileError(f"{filename} is larger than {limit}: split the plan or remove other sheets and try again")
    kind = evidence.sniff(data)
    if ext == "xlsx" and kind == "xlsx":
        return _read_xlsx(data, max_rows)
    if ext == "csv" and kind in ("text", "email"):
        return _read_csv(data, max_rows)
    raise FileError(f"{filename} is not an Excel workbook (.xlsx) or a CSV file (.csv). Save the plan "
                    "from Excel as one of those and try again")


def _letter(n):
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _header(sheet, values):
    names = [str(v).strip() if v is not None else "" for v in values]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FileError(f"The sheet {sheet} has no column {', '.join(missing)} in its first row. Start from "
                        "the template, which has every column")
    index = {name: i for i, name in reversed(list(enumerate(names))) if name in IMPORTED}
    return index, {name: _letter(i + 1) for name, i in index.items()}


def _rows(sheet, lines, max_rows):
    lines = iter(lines)
    index, letters = _header(sheet, next(lines, ()))
    rows = []
    for number, values in enumerate(lines, start=2):
        cells = {name: (values[i] if i < len(values) else None) for name, i in index.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        if len(rows) >= max_rows:
            raise FileError(f"The file has more than {max_rows:,} rows: import the plan in parts")
        rows.append(Row(sheet, number, cells, letters))
    return rows


def _read_xlsx(data, max_rows):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - a damaged workbook, whatever openpyxl says about it
        raise FileError("The workbook cannot be read: open it in Excel, save it again and retry") from exc
    try:
        names = [SHEET] if SHEET in wb.sheetnames else wb.sheetnames
        for name in names:
            ws = wb[name]
            # Explicit bounds: without them openpyxl reads the whole sheet once more to size it.
            first = next(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS), ())
            width = max((n for n, c in enumerate(first, start=1) if c.value not in (None, "")), default=0)
            if any(str(c.value).strip() == "Ref" for c in first if c.value is not None):
                lines = ws.iter_rows(min_row=1, max_row=1_048_576, max_col=width)
                return _rows(name, (tuple(_cell(c) for c in row) for row in lines), max_rows)
        raise FileError(f"No sheet has the plan's columns: the template's sheet is called {SHEET}, with "
                        "Ref in its first row")
    finally:
        wb.close()


def _cell(cell):
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(value))
    return value


def _read_csv(data, max_rows):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileError(f"The CSV file cannot be read ({exc}): save it from Excel again and retry") from None
    return _rows("CSV file", ([v if v != "" else None for v in line] for line in lines), max_rows)


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
