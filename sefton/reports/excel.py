"""The plan as a spreadsheet (openpyxl) and as CSV, with the same scope as the pages."""
import csv
import io

from ..figures import history, status

# openpyxl is imported when a workbook is made, not with the app: every worker process is about 5 MB
# smaller at rest (100 → 95 MB measured after create_app) until someone exports to Excel.

PROGRESS_COLUMNS = ["Section", "Number of actions", "Number of sub-actions", "Green", "Grey (not yet due)", "Red"]
# The "Sub-actions" sheet and the CSV; also the import template (sefton.plan.importing reads IMPORTED).
ROW_COLUMNS = ["Review", "Section", "Section title", "Recommendation", "Recommendation text",
               "Recommendation owners", "Ref", "Sub-action", "Owner", "Lead", "Original due date",
               "Revised due date", "Status", "Workflow state", "Latest progress note", "Note date",
               "Evidence accepted", "Accepted on", "Accepted by"]
DATE_COLUMNS = [ROW_COLUMNS.index(c) for c in ("Original due date", "Revised due date", "Note date", "Accepted on")]
STATUS_COLUMN = ROW_COLUMNS.index("Status") + 1
WIDTHS = [11, 8, 40, 14, 50, 24, 9, 60, 36, 30, 16, 16, 18, 22, 50, 14, 36, 14, 30]
STATES = {"open": "", "submitted": "Evidence submitted, awaiting review", "returned": "Evidence returned",
          "accepted": "Evidence accepted"}
FILLS = {status.GREEN: "CCE3D6", status.GREY: "DBE0E3", status.RED: "F7D4D1"}
TBC = "TBC"  # a due date to be confirmed, as the office's spreadsheet writes it (and its import reads it)


def _safe(text):
    """User-typed text never starts a formula in a spreadsheet (CSV/formula injection)."""
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def rows(plan):
    """One list of plain values per sub-action (dates as dates), in plan order."""
    code = plan.review.code or ""
    for s in plan.sections:
        number, title = s.section.number, _safe(s.section.title)
        for g in s.recs:
            rec_ref, rec_text = f"{number}.{g.rec.position}", _safe(g.rec.text)
            owners = _safe("; ".join(o.short_name for o in g.rec.owners))
            for i in g.items:
                sa, last = i.sub_action, (i.evidence[-1] if i.evidence else None)
                yield [code, number, title, rec_ref, rec_text, owners,
                       f"{rec_ref}.{sa.position}", _safe(sa.text), sa.owner.name, _safe(sa.lead_name),
                       TBC if i.due_on is None or sa.original_due_on is None else sa.original_due_on,
                       i.due_on if i.revised else None, status.LABELS[i.colour],
                       STATES.get(sa.state, sa.state),
                       _safe(i.note.body) if i.note else "", i.note.noted_on if i.note else None,
                       _safe("; ".join(f.original_name for e in i.evidence for f in e.files)),
                       last.decided_on if last else None,
                       _accepted_by(last)]


def _accepted_by(submission):
    """Who accepted the evidence: the reviewer, or the office's record of work accepted before the tracker."""
    if submission is None:
        return ""
    return history.before_tracker(submission) or (submission.decided_by.name if submission.decided_by else "")


def _progress_rows(table, first):
    yield [first, *PROGRESS_COLUMNS[1:]]
    for row in [*table.rows, table.total]:
        label = int(row.label) if row.label.isdigit() else row.label  # section numbers as numbers
        yield [label, row.actions, row.sub_actions, row.green, row.grey, row.red]


def _sheet(ws, lines, widths):
    from openpyxl.styles import Font, PatternFill

    for line in lines:
        ws.append(line)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="005EB8")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions  # a filter on every column of every data sheet
    from openpyxl.utils import get_column_letter

    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width


def workbook_bytes(plan, instructions=None) -> bytes:
    """The plan as a workbook; with `instructions` (lines of text), an "Instructions" sheet first:
    the import template (sefton.plan.importing.views)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Progress"
    _sheet(ws, _progress_rows(plan.by_section, "Section"), [12, 18, 20, 10, 18, 10])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    if plan.by_organisation is not None:
        _sheet(wb.create_sheet("By organisation"), _progress_rows(plan.by_organisation, "Organisation"),
               [48, 18, 20, 10, 18, 10])
    ws = wb.create_sheet("Sub-actions")
    _sheet(ws, [ROW_COLUMNS, *rows(plan)], WIDTHS)
    colour_by_label = {status.LABELS[c]: c for c in status.COLOURS}
    for (cell,) in ws.iter_rows(min_row=2, min_col=STATUS_COLUMN, max_col=STATUS_COLUMN):
        cell.fill = PatternFill("solid", fgColor=FILLS[colour_by_label[cell.value]])
    for row in ws.iter_rows(min_row=2):
        for n in DATE_COLUMNS:
            row[n].number_format = "d mmmm yyyy"
    if instructions:
        sheet = wb.create_sheet("Instructions", 0)
        for line in instructions:
            sheet.append([line])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.column_dimensions["A"].width = 120
        wb.active = 0
    info = wb.create_sheet("About")
    for line in (["Review", plan.review.title], ["As at", plan.as_at], ["Scope", plan.scope_label],
                 ["Status rule", "Green: evidence accepted; Red (overdue): due date passed without it; "
                                 "Grey: not yet due, or the due date is to be confirmed (TBC)"]):
        info.append(line)
    info["B2"].number_format = "d mmmm yyyy"
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 14, 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(plan) -> str:
    """The Sub-actions sheet as CSV, with a UTF-8 byte order mark so that Excel reads the accents."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(ROW_COLUMNS)
    for line in rows(plan):
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in line])
    return out.getvalue()
