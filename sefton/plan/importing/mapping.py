"""The Map step: which sheets are read, where each one's header is and which column holds which field,
from the Map page's choices (`settings`), a mapping remembered for the same headings, or the headings
alone. `plan(book, settings, remembered, ctx)` is the whole pure step: file + mapping -> plan of changes.
Pure: no Flask, no database."""
from dataclasses import dataclass, field

from . import columns, files, rules, state
from .model import ChangePlan, Problem


@dataclass
class Layout:
    sheets: list  # the Sheets read
    headers: dict  # sheet name -> columns.Header
    mapping: dict  # column index -> field
    headings: tuple = ()  # the first sheet's headings
    template: bool = False  # the app's own template: mapped by name, no question
    remembered: bool = False  # the mapping came from one saved for these headings
    skipped: list = field(default_factory=list)  # (sheet name, why it was not read)
    problems: list = field(default_factory=list)  # file-level problems (the Map page shows them)

    @property
    def key(self):
        return columns.signature(self.headings)


def layout(book, settings=None, remembered=None):
    """The sheets, headers and mapping the import uses: the Map page's `settings` where given
    ({"sheets": [...], "header_row": n, "columns": {"3": "Owner", ...}}), else the defaults."""
    settings = settings or {}
    chosen = settings.get("sheets")
    header_row = settings.get("header_row")
    candidates = [s for s in book.sheets if s.lines]
    if chosen:
        taken = [s for s in candidates if s.name in chosen]
    else:  # the sheets that look like the plan and share the first one's headings
        plan_like = [s for s in candidates if s.looks_like_plan]
        first = plan_like[0].header.headings if plan_like else None
        taken = [s for s in plan_like if s.header.headings == first]
        if not taken and candidates and header_row:
            taken = candidates[:1]
    headers = {}
    for sheet in taken:
        headers[sheet.name] = (columns.header_at(sheet.lines, int(header_row), sheet.merges) if header_row
                               else sheet.header)
    out = Layout(taken, headers, {})
    for sheet in candidates:
        if sheet not in taken:
            why = ("its headings differ from the sheets read" if sheet.looks_like_plan
                   else "it has no row of the plan's headings in its first 20 rows")
            out.skipped.append((sheet.name, "not chosen on the Map page" if chosen else why))
    if not taken or any(h is None for h in headers.values()):
        out.problems.append("No sheet has the plan's headings in its first 20 rows (a row with, for example, "
                            "Ref, Action, Owner, Lead and Due date). Choose the sheet and its header row on the "
                            "Map page")
        return out
    first = taken[0]
    out.headings = headers[first.name].headings
    for sheet in taken[1:]:
        if headers[sheet.name].headings != out.headings:
            out.problems.append(f"The sheet {sheet.name} has other headings than {first.name}: read sheets with "
                                "the same headings together, or the others one at a time")
    out.template = columns.is_template(out.headings)
    given = settings.get("columns")
    if given is not None:
        out.mapping = {int(i): f for i, f in given.items() if f in columns.FIELDS and int(i) < len(out.headings)}
    elif remembered is not None:
        out.mapping = {int(i): f for i, f in remembered.items() if f in columns.FIELDS and int(i) < len(out.headings)}
        out.remembered = True
    elif out.template:
        out.mapping = {i: h for i, h in enumerate(out.headings) if h in columns.FIELDS and h != "Evidence accepted"}
    else:
        out.mapping = columns.auto_mapping(out.headings, first.samples(headers[first.name]))
    fields = list(out.mapping.values())
    doubled = sorted({f for f in fields if fields.count(f) > 1})
    if doubled:
        out.problems.append(f"More than one column is mapped to {', '.join(doubled)}: map each field once")
    needed = columns.missing(out.mapping)
    if needed:
        out.problems.append(f"No column is mapped to {', '.join(needed)}: choose which column holds "
                            + ("it" if len(needed) == 1 else "them"))
    return out


def plan(book, ctx, settings=None, remembered=None):
    """(layout, plan of changes) for the file under the mapping; nothing is read when the layout has problems."""
    lay = layout(book, settings, remembered)
    if lay.problems:
        result = ChangePlan()
        result.errors = [Problem("", None, "", "", p) for p in lay.problems]
        return lay, result
    rows = []
    for sheet in lay.sheets:
        rows.extend(files.rows_of(sheet, lay.headers[sheet.name], lay.mapping))
    result = rules.parse_rows(rows, ctx)
    _say_layout(lay, rows, result)
    return lay, result


def _say_layout(lay, rows, result):
    for sheet in lay.sheets:
        n = sheet.data_rows(lay.headers[sheet.name])
        state.say(result, "sheets", f"Read: {sheet.name} ({n:,} row{'' if n == 1 else 's'}, "
                                    f"headings in row {lay.headers[sheet.name].row})", None)
    for name, why in lay.skipped:
        state.say(result, "sheets", f"Not read: {name} ({why})", None)
    unmapped = [i for i, h in enumerate(lay.headings) if i not in lay.mapping]
    for sheet in lay.sheets:
        header = lay.headers[sheet.name]
        for i in unmapped:
            filled = sum(1 for line in sheet.lines[header.row:] if i < len(line) and line[i] not in (None, ""))
            if filled:
                heading = lay.headings[i] or f"column {files._letter(i + 1)}"
                why = ("worked out by the tracker" if heading in columns.DERIVED or heading == "Evidence accepted"
                       else "not mapped to a field")
                state.say(result, "columns", f"{heading} (column {files._letter(i + 1)}): {filled:,} values in "
                                             f"{sheet.name} not imported, {why}", None)
