"""Review: the reviewers' area. Evidence awaiting review and due-date requests (the queue), one
submission with its decision panel, the decisions, and the recommendations flagged for the Public
Health Commissioners with their responses.

Owns its pages and the queries behind them (`queries`, always starting from sefton.access, in a
fixed number of queries). Decisions go through the workflow (the rules, separation of duties in
sefton.access, the audit event, the optimistic lock, the `decided` signal); the colours and rows
come from figures. Nothing below it uses it.
"""
from . import flags, views  # noqa: F401  (routes register on bp)
from .blueprint import bp

__all__ = ["bp"]
