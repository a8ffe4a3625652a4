"""Reports: the updated action plan as a PDF for CQC, submissions to CQC (the PDF and figures frozen
with their sha256), the Task and Finish group's meeting pack, and Excel and CSV exports, each scoped
as the pages are (sefton.access).

Owns the plan as a report reads it (`data`), what changed between two dates (`changes`), the PDF
(`pdf`, WeasyPrint: HTML from templates and a print stylesheet, into bytes), the spreadsheet and CSV
(`excel`) and their pages and downloads (`views`). Uses what is shared (finished PDFs are kept in
sefton.cache) and figures. The plan's import uses `data` and `excel`: its template is the export.
"""
from . import data, excel, views  # noqa: F401  (routes register on bp)
from .blueprint import bp

__all__ = ["bp", "data", "excel"]
