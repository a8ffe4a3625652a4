"""The plan: its pages for everyone, its editing by the office, and its import from a spreadsheet.

Owns the pages everyone reads (`pages`: the dashboard with its progress table, a section, a
recommendation, a sub-action, "as at" a date, the review switcher), the changes to the plan itself
(`editing`: add, edit, reorder, retire; pure of Flask, each change with its audit event), the
office's screens for them under /admin/plan (`admin_sections`, `admin_items`) and the import under
/admin/import (`importing`: pure rules from rows to a plan of changes, its service against the
database and its views).

Uses what is shared, figures (colours, counts, rows), the workflow's evidence checks (the uploaded
file's type) and reports (the import's template is the plan's export).
"""
from . import admin_items, admin_sections, editing, importing, pages  # noqa: F401  (routes register)
from .blueprint import imports_bp, plan_admin_bp, plan_bp
from .importing import views as _import_views  # noqa: F401  (routes register on imports_bp)
from .importing.service import purge_uploads

__all__ = ["plan_bp", "plan_admin_bp", "imports_bp", "editing", "importing", "purge_uploads"]
