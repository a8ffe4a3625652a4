"""Reading an uploaded plan spreadsheet into rows: .xlsx through openpyxl (read-only, formulas seen
as formulas, never evaluated) and .csv through the csv module. The type is judged by content."""
import csv
import io
import re
from dataclasses import dataclass, field

from ...workflow import evidence

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


