"""The plan as a spreadsheet (openpyxl) and as CSV, with the same scope as the pages."""
import csv
import io

from .. import status

# openpyxl is imported when a workbook is made, not with the app: every worker process is about 5 MB
# smaller at rest (100 → 95 MB measured after create_app) until someone exports to Excel.

PROGRESS_COLUMNS = ["Section", "Number of actions", "Number of sub-actions", "Green", "Grey (not yet due)", "Red"]
ROW_COLUMNS = ["Section", "Recommendation", "Ref", "Sub-action", "Owner", "Lead", "Original due date",
               "Revised due date", "Status", "Latest progress note", "Note date", "Evidence accepted",
               "Accepted on", "Accepted by"]
FILLS = {status.GREEN: "CCE3D6", status.GREY: "DBE0E3", status.RED: "F7D4D1"}


def _safe(text):
    """User-typed text never starts a formula in a spreadsheet (CSV/formula injection)."""
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def rows(plan):
    """One list of plain values per sub-action (dates as dates), in plan order."""
    for s in plan.sections:
        for g in s.recs:
            for i in g.items:
                sa, last = i.sub_action, (i.evidence[-1] if i.evidence else None)
                yield [s.section.number, f"{s.section.number}.{g.rec.position}",
                       f"{s.section.number}.{g.rec.position}.{sa.position}", _safe(sa.text), sa.owner.name,
                       _safe(sa.lead_name),
                       sa.original_due_on, i.due_on if i.revised else None, status.LABELS[i.colour],
                       _safe(i.note.body) if i.note else "", i.note.noted_on if i.note else None,
                       _safe("; ".join(f.original_name for e in i.evidence for f in e.files)),
                       last.decided_on if last else None,
                       last.decided_by.name if last and last.decided_by else ""]


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
    for letter, width in zip("ABCDEFGHIJKLMN", widths):
        ws.column_dimensions[letter].width = width


def workbook_bytes(plan) -> bytes:
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
    _sheet(ws, [ROW_COLUMNS, *rows(plan)], [8, 14, 9, 60, 36, 30, 16, 16, 18, 50, 14, 36, 14, 30])
    colour_by_label = {status.LABELS[c]: c for c in status.COLOURS}
    for (cell,) in ws.iter_rows(min_row=2, min_col=9, max_col=9):
        cell.fill = PatternFill("solid", fgColor=FILLS[colour_by_label[cell.value]])
    for row in ws.iter_rows(min_row=2):
        for cell in (row[6], row[7], row[10], row[12]):
            cell.number_format = "d mmmm yyyy"
    info = wb.create_sheet("About")
    for line in (["Review", plan.review.title], ["As at", plan.as_at], ["Scope", plan.scope_label],
                 ["Status rule", "Green: evidence accepted; Red (overdue): due date passed without it; "
                                 "Grey: not yet due"]):
        info.append(line)
    info["B2"].number_format = "d mmmm yyyy"
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 14, 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(plan) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROW_COLUMNS)
    for line in rows(plan):
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in line])
    return out.getvalue()
