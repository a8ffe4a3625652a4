"""Importing the plan from a spreadsheet: a file in, a plan of changes out.

This package's import point offers the pure part only (no database, no HTTP): reading the file
(`files`: every sheet, with fills and merged header cells), finding the header and mapping columns to
fields (`columns`, `mapping`), values as offices write them (`values`: dates, references, statuses,
colours), organisation names (`names`), the review as plain data and the plan of changes (`model`),
the rules (`rules`) and the plan's current state on first load (`state`). Beside it, `service` runs
them against the database (the Map page's choices, the preview, Apply in one transaction) and `views`
are the office's pages under /admin/import; neither is imported here.

The whole pure step is `plan(book, ctx, settings, remembered)`: the file, the mapping and the review
as it is give the changes, every problem (named by sheet, row and column) and every notice (what was
read how, what was not used). A row is keyed by its reference within the current review: a reference
of the review updates what differs, a new one adds the sub-action (and its section and recommendation
when missing). With `whole_plan`, the review's sub-actions missing from the file are retired. Nothing
is partly imported.
"""
from .columns import DERIVED, FIELDS, NOT_IMPORTED, field_for, signature
from .files import (
    IMPORTED,
    MAX_ROWS,
    MAX_TEXT,
    REQUIRED_COLUMNS,
    SHEET,
    Book,
    FileError,
    Formula,
    Row,
    Sheet,
    read_book,
    rows_of,
)
from .mapping import Layout, layout, plan
from .model import (
    Add,
    Change,
    ChangePlan,
    Context,
    Notice,
    Org,
    Problem,
    RecData,
    Record,
    Retire,
    SectionData,
    State,
    SubData,
    Unknown,
)
from .names import key as name_key
from .rules import parse_rows

__all__ = ["DERIVED", "FIELDS", "IMPORTED", "NOT_IMPORTED", "field_for", "signature", "MAX_ROWS", "MAX_TEXT",
           "REQUIRED_COLUMNS", "SHEET", "Book", "FileError", "Formula", "Row", "Sheet", "read_book", "rows_of",
           "Layout", "layout", "plan", "Add", "Change", "ChangePlan", "Context", "Notice", "Org", "Problem",
           "RecData", "Record", "Retire", "SectionData", "State", "SubData", "Unknown", "name_key", "parse_rows"]
