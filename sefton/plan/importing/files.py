"""Reading an uploaded plan spreadsheet: .xlsx through openpyxl (read-only; formulas seen as formulas,
never evaluated; cell fills resolved to RGB; merged header cells read from the sheet) and .csv through
the csv module. The type is judged by content. Every sheet is read: which ones are taken, where the
header is and which column holds what are the Map page's choices (sefton.plan.importing.columns)."""
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from ...workflow import evidence
from . import columns, values

# The template's columns the import reads, in the template's order (columns.FIELDS has the others too).
IMPORTED = ("Review", "Section", "Section title", "Recommendation", "Recommendation text",
            "Recommendation owners", "Ref", "Sub-action", "Owner", "Lead", "Original due date")
REQUIRED_COLUMNS = ("Ref", "Sub-action", "Owner", "Lead")
SHEET = "Sub-actions"
MAX_ROWS = 20_000
MAX_TEXT = 5_000
MAX_COLUMNS = 100
MAX_LEAD = 200
MAX_UNPACKED = 100 * 1024 * 1024  # what the workbook's parts may unpack to, all together
MAX_ENTRIES = 1_000  # parts of the workbook (a real one has a few dozen)
FORMULA_START = ("=", "+", "-", "@")
SAFE_PREFIXES = ("'=", "'+", "'-", "'@", "'\t", "'\r")  # how our exports escape text (reports.excel._safe)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")


class FileError(ValueError):
    """The whole file is refused (type, size, rows); the message is fit to show."""


class Formula(str):
    """The text of a formula cell of a workbook: never evaluated, never stored."""


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int  # as the spreadsheet shows it
    cells: dict  # field -> value (str, int, float, date, datetime, Formula or None)
    letters: dict = field(default_factory=dict, compare=False)  # field -> column letter
    headings: dict = field(default_factory=dict, compare=False)  # field -> the file's heading
    fill: str | None = field(default=None, compare=False)  # the row's fill colour, judged (values.GREEN...)
    fill_rgb: str | None = field(default=None, compare=False)


@dataclass
class Sheet:
    name: str
    lines: list  # tuples of cell values, row 1 first
    fills: dict  # row number -> {column index (0-based): "RRGGBB"} for cells with a solid fill
    merges: list  # (first row, first column, last row, last column), 1-based
    header: columns.Header | None = None

    def __post_init__(self):
        self.header = columns.find_header(self.lines, self.merges)

    @property
    def looks_like_plan(self):
        return self.header is not None

    def data_rows(self, header=None):
        header = header or self.header
        start = header.row if header else 0
        return sum(1 for line in self.lines[start:] if any(v not in (None, "") for v in line))

    def samples(self, header, n=8):
        found = {}
        for line in self.lines[header.row:header.row + 40]:
            for i, value in enumerate(line):
                if value not in (None, "") and len(found.setdefault(i, [])) < n:
                    found[i].append(value)
        return found


@dataclass
class Book:
    filename: str
    kind: str  # "xlsx" or "csv"
    sheets: list
    modified: dt.datetime | None = None  # the workbook's "last modified" property (UTC), when it has one

    def sheet(self, name):
        return next((s for s in self.sheets if s.name == name), None)


# --- reading the file -------------------------------------------------------------------------------

def read_book(filename: str, data: bytes, max_bytes: int, max_rows: int = MAX_ROWS,
              max_unpacked: int = MAX_UNPACKED) -> Book:
    """Every sheet of an uploaded .xlsx or .csv (type judged by content), or FileError."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise FileError(f"{filename} is empty")
    if len(data) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.0f} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
        raise FileError(f"{filename} is larger than {limit}: split the plan or remove other sheets and try again")
    kind = evidence.sniff(data)
    if ext == "xlsx" and kind == "xlsx":
        _check_archive(filename, data, max_unpacked)
        book = _read_xlsx(filename, data, max_rows)
    elif ext == "csv" and kind in ("text", "email"):
        book = Book(filename, "csv", [Sheet("CSV file", _read_csv(data, max_rows), {}, [])])
    else:
        raise FileError(f"{filename} is not an Excel workbook (.xlsx) or a CSV file (.csv). Save the plan "
                        "from Excel as one of those and try again")
    if not any(s.lines for s in book.sheets):
        raise FileError(f"{filename} has no rows")
    return book


def _letter(n):
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _number(letters):
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _check_archive(filename, data, max_unpacked):
    """Refuse a workbook that would unpack to more than `max_unpacked` bytes or has more than
    MAX_ENTRIES parts (a "zip bomb"), before anything is unpacked. The sizes checked are those the
    archive declares: Python's zipfile never unpacks a part past its declared size (and fails its
    CRC check if the part claims less than it holds), so a lying archive is cut short, not believed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileError("The workbook cannot be read: open it in Excel, save it again and retry") from exc
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_ENTRIES or unpacked > max_unpacked:
        raise FileError(f"{filename} unpacks to more than {max_unpacked // (1024 * 1024)} MB (or has more than "
                        f"{MAX_ENTRIES:,} parts): that is not a plan. Save the plan alone in a new workbook and "
                        "try again")


def _read_xlsx(filename, data, max_rows):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - a damaged workbook, whatever openpyxl says about it
        raise FileError("The workbook cannot be read: open it in Excel, save it again and retry") from exc
    try:
        theme = _theme_colours(wb.loaded_theme)
        colours, total, sheets = {}, 0, []
        for ws in wb.worksheets:
            lines, fills = [], {}
            width = min(getattr(ws, "_max_column", None) or MAX_COLUMNS, MAX_COLUMNS)
            for number, row in enumerate(ws.iter_rows(min_row=1, max_row=1_048_576, max_col=width), start=1):
                line = tuple(_cell(c) for c in row)
                while line and line[-1] in (None, ""):
                    line = line[:-1]
                lines.append(line)
                if line:
                    total += 1
                    if total > max_rows + 25 * len(wb.worksheets):
                        raise FileError(f"The file has more than {max_rows:,} rows: import the plan in parts")
                    filled = _fills(row, wb, theme, colours)
                    if filled:
                        fills[number] = filled
            while lines and not lines[-1]:
                lines.pop()
            sheets.append(Sheet(ws.title, lines, fills, _merges(wb, ws)))
        modified = wb.properties.modified if wb.properties else None
    finally:
        wb.close()
    return Book(filename, "xlsx", sheets, modified)


def _cell(cell):
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(value))
    return value


def _fills(row, wb, theme, cache):
    found = {}
    for i, cell in enumerate(row):
        style = getattr(cell, "style_array", None)
        fill_id = style.fillId if style is not None else 0
        if fill_id < 2:  # the default fills (none, gray125)
            continue
        if fill_id not in cache:
            cache[fill_id] = _rgb(wb._fills[fill_id], theme)
        if cache[fill_id]:
            found[i] = cache[fill_id]
    return found


def _rgb(fill, theme):
    """The RGB of a solid fill ("RRGGBB"), theme and indexed colours resolved; None for no fill."""
    from openpyxl.styles.colors import COLOR_INDEX

    if getattr(fill, "patternType", None) != "solid":
        return None
    colour = fill.fgColor
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) >= 6:
        rgb = colour.rgb[-6:].upper()
    elif kind == "indexed" and isinstance(colour.indexed, int) and colour.indexed < len(COLOR_INDEX):
        rgb = COLOR_INDEX[colour.indexed][-6:].upper()
    elif kind == "theme" and isinstance(colour.theme, int) and colour.theme < len(theme):
        rgb = theme[colour.theme]
    else:
        return None
    tint = getattr(colour, "tint", 0) or 0
    return values.tinted(rgb, tint) if tint else rgb


def _theme_colours(xml):
    """The theme's colours in the order cells refer to them (light 1, dark 1, light 2, dark 2, accents)."""
    if not xml:
        return []
    text = xml.decode("utf-8", "replace") if isinstance(xml, bytes) else str(xml)
    found = {}
    for name in _THEME_ORDER:
        m = re.search(r"<(?:\w+:)?" + name + r">\s*<(?:\w+:)?(?:srgbClr val|sysClr [^>]*?lastClr)=\"([0-9A-Fa-f]{6})\"",
                      text)
        found[name] = m.group(1).upper() if m else None
    return [found[name] or "FFFFFF" for name in _THEME_ORDER]


def _merges(wb, ws):
    """The merged ranges of a read-only sheet, read from its XML (openpyxl keeps them only when it
    loads the whole workbook). Only those near the top matter: the header is looked for there."""
    try:
        with wb._archive.open(ws._worksheet_path) as src:
            xml = src.read()
    except (AttributeError, KeyError, zipfile.BadZipFile):
        return []
    spans = []
    for c1, r1, c2, r2 in _MERGE.findall(xml):
        if int(r1) <= columns.HEADER_SCAN + 1:
            spans.append((int(r1), _number(c1), int(r2), _number(c2)))
    return spans


def _read_csv(data, max_rows):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    try:
        lines = [tuple(v if v != "" else None for v in line) for line in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise FileError(f"The CSV file cannot be read ({exc}): save it from Excel again and retry") from None
    if sum(1 for line in lines if line) > max_rows + 25:
        raise FileError(f"The file has more than {max_rows:,} rows: import the plan in parts")
    return lines


# --- rows under a mapping -----------------------------------------------------------------------------

def rows_of(sheet, header, mapping, max_rows=MAX_ROWS):
    """The data rows of `sheet` below `header`, each cell under the field its column maps to (column
    index -> field); a row's fill is the judged colour its filled cells agree on."""
    letters = {f: _letter(i + 1) for i, f in mapping.items()}
    headings = {f: (header.headings[i] if i < len(header.headings) else "") or f for i, f in mapping.items()}
    found = []
    for number in range(header.row + 1, len(sheet.lines) + 1):
        line = sheet.lines[number - 1]
        if not any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in line):
            continue
        if len(found) >= max_rows:
            raise FileError(f"The file has more than {max_rows:,} rows: import the plan in parts")
        cells = {f: (line[i] if i < len(line) else None) for i, f in mapping.items()}
        fill, rgb = _row_fill(sheet.fills.get(number), mapping)
        found.append(Row(sheet.name, number, cells, letters, headings, fill, rgb))
    return found


def _row_fill(filled, mapping):
    """The colour a row is painted: the Status cell's fill where there is one, else the colour most of
    its filled cells have."""
    if not filled:
        return None, None
    status_col = next((i for i, f in mapping.items() if f == "Status"), None)
    if status_col is not None and status_col in filled:
        rgb = filled[status_col]
        return values.colour_of(rgb), rgb
    judged = {}
    for rgb in filled.values():
        colour = values.colour_of(rgb)
        if colour:
            judged.setdefault(colour, []).append(rgb)
    if not judged:
        return None, None
    colour = max(judged, key=lambda c: len(judged[c]))
    return colour, judged[colour][0]
