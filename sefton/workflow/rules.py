"""The sub-action workflow's rules, pure: the state machine (TRANSITIONS, next_state), the refusals in
words, the limits on what people type and on a new due date, and the fingerprint of evidence files.
No Flask request and no database here (max_text_chars reads the app's setting when there is one)."""
import hashlib

from flask import current_app, has_app_context

from ..models import ACCEPTED, OPEN, RETURNED, SUBMITTED

# action -> (states it may start from, state it leads to; None = unchanged)
TRANSITIONS = {
    "note": ({OPEN, SUBMITTED, RETURNED, ACCEPTED}, None),
    "submit": ({OPEN, RETURNED, ACCEPTED}, SUBMITTED),
    "withdraw": ({SUBMITTED}, OPEN),
    "accept": ({SUBMITTED}, ACCEPTED),
    "return": ({SUBMITTED}, RETURNED),
    "request_date": ({OPEN, SUBMITTED, RETURNED}, None),
    "decide_date": ({OPEN, SUBMITTED, RETURNED, ACCEPTED}, None),
}

REFUSALS = {
    "submit": "Evidence is already awaiting review. Withdraw it first to change it.",
    "withdraw": "There is no submission awaiting review to withdraw.",
    "accept": "This sub-action has no evidence awaiting review.",
    "return": "This sub-action has no evidence awaiting review.",
    "request_date": "A completed sub-action needs no new due date.",
}


# A sub-action whose due date is to be confirmed (None): the office sets it, no one may ask for another.
DUE_SET_BY_OFFICE = "The Task and Finish group office will set the due date"
DUE_TO_BE_CONFIRMED = (f"{DUE_SET_BY_OFFICE} of this sub-action: it is still to be confirmed, so there is no "
                       "due date to change yet. Nothing was saved.")


STALE_MESSAGE = ("Someone else changed this sub-action while you had it open. "
                 "Nothing was saved; its current state is shown.")


class WorkflowError(ValueError):
    """A change that the rules refuse; the message is fit to show the user."""


class StaleError(WorkflowError):
    """The page was out of date: someone else changed the sub-action meanwhile."""


class FieldError(WorkflowError):
    """Refused input that belongs to one form field (`field`)."""

    def __init__(self, message, field):
        super().__init__(message)
        self.field = field


class TooLong(FieldError):
    """A text longer than SEFTON_MAX_TEXT_CHARS."""


def max_text_chars() -> int:
    return int(current_app.config.get("SEFTON_MAX_TEXT_CHARS", 5000)) if has_app_context() else 5000


def bounded(text, what, field):
    """The text, stripped, or TooLong when it is over the limit (checked before anything is written)."""
    text = (text or "").strip()
    limit = max_text_chars()
    if len(text) > limit:
        raise TooLong(f"{what} must be {limit:,} characters or fewer (this one has {len(text):,}). "
                      "Shorten it, or attach a longer document as evidence.", field)
    return text


def allowed(action: str, state: str) -> bool:
    starts, _ = TRANSITIONS[action]
    return state in starts


def next_state(action: str, state: str) -> str:
    """The state after `action`, or WorkflowError when it is not allowed from `state`."""
    starts, target = TRANSITIONS[action]
    if state not in starts:
        raise WorkflowError(REFUSALS.get(action, "That change is not possible now."))
    return target or state


def fingerprint(files) -> str:
    """sha256 over the files' own sha256s, in upload order: what a decision was made on."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.sha256}:{f.size}:{f.original_name}\n".encode())
    return digest.hexdigest()


MAX_DUE_YEARS = 5
DUE_TOO_FAR = "The new due date must be within five years of today"


def years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


REQUEST_GONE = "This request for a new due date has already been decided or cancelled."
