"""What every table shares: the time zone, the roles, the workflow states and the clock."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

LONDON = ZoneInfo("Europe/London")
ROLES = ("org", "reviewer", "viewer", "admin")
# Workflow states of a sub-action (shown beside the colour, never instead of it).
OPEN, SUBMITTED, RETURNED, ACCEPTED = "open", "submitted", "returned", "accepted"
STATES = (OPEN, SUBMITTED, RETURNED, ACCEPTED)


def utcnow():
    """Now, as a naive UTC timestamp. With a fixed business date (the demo), the clock time of today
    on that date, so that what users do shows on the date the pages are worked out at."""
    now = dt.datetime.now(dt.timezone.utc)
    fixed = current_app.config.get("SEFTON_TODAY") if has_app_context() else None
    if fixed:
        london = now.astimezone(LONDON)
        now = dt.datetime.combine(fixed, london.time(), tzinfo=LONDON).astimezone(dt.timezone.utc)
    return now.replace(tzinfo=None)
