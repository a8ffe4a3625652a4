"""Which column holds what: the fields a plan file can give, the headings offices write for them,
finding the header row under title rows (a merged two-row header read as "Responsibility – Owner"),
and the mapping of each column to a field. Pure: no Flask, no database."""
import hashlib
import re
from dataclasses import dataclass

# The fields, named as the template's columns (sefton.reports.excel.ROW_COLUMNS), in the Map page's order.
FIELDS = ("Ref", "Sub-action", "Owner", "Lead", "Original due date", "Revised due date", "Status",
          "Latest progress note", "Note date", "Evidence accepted", "Accepted on", "Section", "Section title",
          "Recommendation", "Recommendation text", "Recommendation owners", "Review")
# Columns of the template that the tracker works out itself: never read, said so on the preview.
DERIVED = ("Workflow state", "Accepted by")
NOT_IMPORTED = ""
DATE_FIELDS = ("Original due date", "Revised due date", "Note date", "Accepted on")
HEADER_SCAN = 20  # the header is looked for in the first rows of a sheet

# Headings as offices write them (compared by `_norm`: case, punctuation and spacing ignored).
SYNONYMS = {
    "Ref": ["ref", "reference", "ref no", "action ref", "action reference", "action no", "action number",
            "sub action ref", "sub action no", "no", "number", "id"],
    "Sub-action": ["sub action", "sub actions", "action", "actions", "action to be taken", "actions to be taken",
                   "planned action", "what we will do", "sub action text", "description"],
    "Owner": ["owner", "responsible organisation", "organisation", "responsible", "provider", "trust",
              "lead organisation", "owning organisation", "responsibility", "responsibility owner", "agency"],
    "Lead": ["lead", "lead officer", "named lead", "lead name", "responsible person", "responsibility lead",
             "lead person", "officer"],
    "Original due date": ["original due date", "due date", "due", "due by", "timescale", "timescales", "deadline",
                          "target date", "completion date", "original date", "timescale original", "original",
                          "date due", "by when"],
    "Revised due date": ["revised due date", "revised date", "revised", "revised timescale", "new due date",
                         "new date", "timescale revised", "revised deadline", "agreed revised date"],
    "Status": ["status", "rag", "rag status", "rag rating", "rating", "progress status", "current status"],
    "Latest progress note": ["latest progress note", "update", "updates", "progress", "progress update",
                             "progress note", "comments", "comment", "notes", "note", "latest update",
                             "progress to date", "update on progress"],
    "Note date": ["note date", "update date", "date of update", "date updated", "last updated", "updated on"],
    "Evidence accepted": ["evidence accepted", "evidence", "evidence of completion", "evidence provided",
                          "supporting evidence"],
    "Accepted on": ["accepted on", "date accepted", "date completed", "completed on", "completion evidence date",
                    "signed off on", "date signed off"],
    "Section": ["section", "section number", "section no", "area number"],
    "Section title": ["section title", "section name", "area", "theme", "area for improvement"],
    "Recommendation": ["recommendation", "recommendation number", "recommendation no", "rec", "rec no",
                       "recommendation ref"],
    "Recommendation text": ["recommendation text", "recommendation wording", "cqc recommendation"],
    "Recommendation owners": ["recommendation owners", "recommendation owner", "owners"],
    "Review": ["review", "review code", "inspection"],
}
_BY_HEADING = {}
for _field, _names in SYNONYMS.items():
    for _name in [_field, *_names]:
        _BY_HEADING.setdefault(re.sub(r"[^a-z0-9]+", " ", _name.lower()).strip(), _field)


def _norm(text):
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


def field_for(heading):
    """The field a heading names ("Responsibility – Owner" tries the whole, then "Owner"), or None."""
    whole = _norm(heading)
    if whole in _BY_HEADING:
        return _BY_HEADING[whole]
    if " – " in str(heading):
        return _BY_HEADING.get(_norm(str(heading).rsplit(" – ", 1)[1]))
    return None


@dataclass(frozen=True)
class Header:
    row: int  # the last header row, as the spreadsheet numbers it (data starts below it)
    headings: tuple  # one per column; "" for a column with no heading
    top: int  # the first header row (= row unless two rows are merged into one header)


def _text(value):
    return str(value).strip() if value not in (None, "") else ""


def header_at(lines, row, merges=()):
    """The headings when `row` (1-based) is the header row. A row whose cells fall under a merged cell
    of the row above ("Responsibility" over Owner / Lead) reads as "Responsibility – Owner"."""
    values = [_text(v) for v in (lines[row - 1] if row - 1 < len(lines) else ())]
    top = row
    if row >= 2:
        above = [_text(v) for v in lines[row - 2]]
        values += [""] * (len(above) - len(values))
        spans = [(c1, c2) for (r1, c1, r2, c2) in merges if r1 == r2 == row - 1 and c2 > c1]
        if spans and sum(bool(v) for v in above) >= 2:  # one cell across the top is a title, not a group  # a two-row header: the row above groups some columns
            top = row - 1
            for c1, c2 in spans:
                group = above[c1 - 1] if c1 - 1 < len(above) else ""
                for c in range(c1, c2 + 1):
                    if c - 1 < len(values) and group:
                        values[c - 1] = f"{group} – {values[c - 1]}" if values[c - 1] else group
            # a heading merged down over both rows ("Ref" in rows 3-4) stays as it is
            for c, value in enumerate(values):
                if not value and c < len(above) and above[c]:
                    values[c] = above[c]
    return Header(row, tuple(values), top)


def find_header(lines, merges=()):
    """The first row within HEADER_SCAN whose cells name at least three fields, one of them the
    sub-action's text or reference; None when no row does."""
    for row in range(1, min(len(lines), HEADER_SCAN) + 1):
        header = header_at(lines, row, merges)
        fields = {field_for(h) for h in header.headings if h} - {None}
        if len(fields) >= 3 and fields & {"Ref", "Sub-action"}:
            # a merged group heading row ("Responsibility") may itself match a field: prefer the row below
            below = header_at(lines, row + 1, merges) if row < len(lines) else None
            if below and below.top == row and len({field_for(h) for h in below.headings if h} - {None}) >= len(fields):
                return below
            return header
    return None


def signature(headings):
    """A digest of a sheet's headings: the key a remembered mapping is kept under."""
    return hashlib.sha256("\x1f".join(_norm(h) for h in headings).encode()).hexdigest()


def auto_mapping(headings, samples=None):
    """Column index -> field, from the headings alone (each field taken once, first column first).
    `samples` (column index -> a few values) tells a "Recommendation" column of numbers from one of text."""
    mapping, taken = {}, set()
    for i, heading in enumerate(headings):
        field = field_for(heading) if heading else None
        if field == "Recommendation" and samples is not None and _wordy(samples.get(i, ())):
            field = "Recommendation text"
        if field and field not in taken:
            mapping[i] = field
            taken.add(field)
    return mapping


def _wordy(values):
    texts = [str(v).strip() for v in values if v not in (None, "")]
    return bool(texts) and sum(not re.fullmatch(r"[\d.()a-z ]{1,12}", t) for t in texts) * 2 > len(texts)


def is_template(headings):
    """The app's own template (or export): every heading is a field or a derived column, by name."""
    named = [h for h in headings if h]
    return bool(named) and "Ref" in named and all(h in FIELDS or h in DERIVED for h in named)


def missing(mapping):
    """The fields a mapping must give, which it does not."""
    given = set(mapping.values())
    needed = ["Sub-action", "Owner", "Lead"]
    if "Ref" not in given and not {"Section", "Recommendation"} <= given:
        needed.insert(0, "Ref")
    return [f for f in needed if f not in given]
