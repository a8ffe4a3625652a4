"""The sub-action workflow: notes, evidence, withdrawal, due-date requests, reviewers' decisions and the
Public Health flag, each a change with its audit event in the caller's transaction.

Owns the pure rules (`rules`: the state machine, refusals, limits), the changes (`changes`), the checks
on uploaded evidence (`evidence`) and the signal a decision sends (`signals.decided`, which
notifications connects to). Uses only what is shared (sefton.access, sefton.audit, sefton.models) and
no other capability: workspace, review, plan and demo use it.
"""
from . import evidence, signals
from .changes import (
    accept_submission,
    add_note,
    cancel_date_request,
    decide_due_date,
    last_decided_submission,
    pending_date_request,
    pending_submission,
    request_closed_message,
    request_due_date,
    respond_phc,
    return_submission,
    set_phc_flag,
    submit_evidence,
    withdraw_submission,
)
from .rules import (
    DUE_SET_BY_OFFICE,
    DUE_TO_BE_CONFIRMED,
    DUE_TOO_FAR,
    MAX_DUE_YEARS,
    REFUSALS,
    REQUEST_GONE,
    STALE_MESSAGE,
    TRANSITIONS,
    FieldError,
    StaleError,
    TooLong,
    WorkflowError,
    allowed,
    bounded,
    fingerprint,
    max_text_chars,
    next_state,
    years_after,
)

_years_after = years_after  # the name tests/test_workflow.py knows it by

__all__ = ["evidence", "signals",
           "accept_submission", "add_note", "cancel_date_request", "decide_due_date", "last_decided_submission",
           "pending_date_request", "pending_submission", "request_closed_message", "request_due_date", "respond_phc",
           "return_submission", "set_phc_flag", "submit_evidence", "withdraw_submission",
           "DUE_SET_BY_OFFICE", "DUE_TO_BE_CONFIRMED", "DUE_TOO_FAR", "MAX_DUE_YEARS", "REFUSALS", "REQUEST_GONE", "STALE_MESSAGE", "TRANSITIONS", "FieldError",
           "StaleError", "TooLong", "WorkflowError", "allowed", "bounded", "fingerprint", "max_text_chars",
           "next_state", "years_after"]
