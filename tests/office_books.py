"""Workbooks as Task & Finish offices keep them, built for the tests and the import benchmark: title
rows over a merged two-row header, RAG status held only as fill colour, one sheet per organisation."""
import io

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

TOP = ["Ref", "Action", "Responsibility", None, "Timescale", None, "RAG", "Update", "Update date"]
BOTTOM = [None, None, "Owner", "Lead", "Original", "Revised", None, None, None]
GREEN_FILL = PatternFill("solid", fgColor="00B050")
AMBER_FILL = PatternFill("solid", fgColor="FFC000")
THEME_GREEN = PatternFill("solid", fgColor=Color(theme=6, tint=0.5999938962981048))  # accent 3 (green), lighter 60%


def two_row_header(ws, title="Sefton CLAS action plan", subtitle="Updated by the Task & Finish office",
                   status_column=True):
    """Title, subtitle, then the header in rows 3 and 4 ("Responsibility" over Owner / Lead, "Timescale"
    over Original / Revised); data starts in row 5."""
    top, bottom = list(TOP), list(BOTTOM)
    if not status_column:
        del top[6], bottom[6]
    ws.append([title])
    ws.append([subtitle])
    ws.append(top)
    ws.append(bottom)
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:D3")
    ws.merge_cells("E3:F3")


def book(sheets, *, status_column=True, fills=None):
    """A workbook: `sheets` maps a sheet name to rows (lists in the header's order); `fills` maps
    (sheet, index of the row in its list) to a PatternFill painted across the row."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        two_row_header(ws, status_column=status_column)
        for n, row in enumerate(rows):
            ws.append(row)
            fill = (fills or {}).get((name, n))
            if fill is not None:
                for cell in ws[ws.max_row][:len(row)]:
                    cell.fill = fill
    return as_bytes(wb)


def as_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
