"""Importing the plan from a spreadsheet: rows in, a plan of changes out.

This package's import point offers the pure part only (no database, no HTTP): reading the file
(`files`), the review as plain data and the plan of changes (`model`), and the rules (`rules`).
Beside it, `service` runs them against the database (the preview, Apply in one transaction) and
`views` are the office's pages under /admin/import; neither is imported here.

The file has the columns of the Excel export (sefton.reports.excel.ROW_COLUMNS), one row per
sub-action; the import reads IMPORTED and ignores the others (they are derived: status, notes,
evidence). A row is keyed by its Ref ("section.recommendation.sub-action") within the current
review: a Ref of the review updates what differs, a new Ref adds the sub-action (and its section and
recommendation when missing). With `whole_plan`, the review's sub-actions missing from the file are
retired. Every problem is collected, named by sheet, row and column; nothing is partly imported.
"""
from .files import IMPORTED, MAX_ROWS, MAX_TEXT, REQUIRED_COLUMNS, SHEET, FileError, Formula, Row, read_file
from .model import Add, Change, ChangePlan, Context, Org, Problem, RecData, Retire, SectionData, SubData
from .rules import parse_rows

__all__ = ["IMPORTED", "MAX_ROWS", "MAX_TEXT", "REQUIRED_COLUMNS", "SHEET", "FileError", "Formula", "Row",
           "read_file", "Add", "Change", "ChangePlan", "Context", "Org", "Problem", "RecData", "Retire",
           "SectionData", "SubData", "parse_rows"]
