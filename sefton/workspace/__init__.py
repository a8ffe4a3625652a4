"""Workspace: an organisation's own work. "My actions" (what needs doing, then the full list, paged),
its sub-actions updated in place with htmx or plain forms (notes, evidence, withdrawal, due-date
requests), evidence downloads and each sub-action's history.

Owns its pages, the rows they show (`rows`, in a fixed number of queries from sefton.access) and the
row forms. Changes go through the workflow; colours and counts come from figures; the "Needs your
attention" panel's items from notifications. Nothing below it uses it.
"""
from . import actions, row_forms, views  # noqa: F401  (the routes register themselves on bp)
from .blueprint import bp

__all__ = ["bp"]
