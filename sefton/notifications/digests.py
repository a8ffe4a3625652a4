"""The daily run (`flask --app app reminders [--date D]`): each person's digests for the day,
written to the outbox with a dedupe key (digest:<kind>:<user id>:<date>), so that a second run on
the same day writes nothing new.

- Only on working days (England and Wales); a day with nothing to say sends nothing.
- Daily digests cover the decisions made since the previous run: a missed day is caught up once,
  by the next run, never twice; a run for a day that a later run has already covered writes no
  daily digest.
- Weekly ones (a person's weekly choice, the office's summary) go out on the first run of the week
  on a working day (Monday, or Tuesday after a bank holiday), keyed by the week's Monday.
"""
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import dates
from ..extensions import db
from ..models import OutboxMessage, ReminderRun, User
from . import mail, notify, plan_state, reminders, workdays


@dataclass
class Result:
    day: dt.date
    written: int = 0
    skipped: str = ""


def run(day: dt.date) -> Result:
    """Write the day's digests to the outbox, in one transaction (the caller commits)."""
    if not workdays.is_working_day(day):
        return Result(day, skipped="not a working day in England and Wales")
    previous = db.session.scalar(select(func.max(ReminderRun.day)).where(ReminderRun.day < day))
    covered_later = db.session.scalar(select(func.count()).select_from(ReminderRun).where(ReminderRun.day > day))
    since_daily = previous or day - dt.timedelta(days=1)
    since_weekly = day - dt.timedelta(days=7)
    monday = workdays.week_start(day)
    state = plan_state.load(day, decisions_since=min(since_daily, since_weekly))

    users = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)
                                   .options(joinedload(User.organisation))))
    chosen = notify.choices([u.id for u in users])
    existing = set(db.session.scalars(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_([f"digest:{k}:{u.id}:{d}" for u in users for k in reminders.KINDS
                                      for d in (day.isoformat(), monday.isoformat())]))))
    result = Result(day)
    cache = {}

    def found_for(kind, person, since):
        """A digest's items; the same for every member of an organisation, so worked out once."""
        if kind == reminders.QUEUE:
            return reminders.digest(kind, state, person, since)
        key = (kind, person.organisation_id, since)
        if key not in cache:
            cache[key] = reminders.digest(kind, state, person, since)
        return cache[key]

    for user in users:
        person = notify.recipient(user)
        for kind in reminders.kinds_for(person):
            freq = reminders.frequency(person, kind, chosen.get(user.id))
            if freq == reminders.DAILY and not covered_later:
                key_day, since, label = day, since_daily, "daily"
            elif freq == reminders.WEEKLY:
                key_day, since, label = monday, since_weekly, "weekly"
            else:
                continue
            key = f"digest:{kind}:{user.id}:{key_day.isoformat()}"
            if key in existing:
                continue
            if _write(user, person, kind, label, state, day, since, key, found_for):
                result.written += 1
    run_row = db.session.get(ReminderRun, day) or ReminderRun(day=day, messages=0)
    run_row.messages += result.written
    db.session.add(run_row)
    return result


def _write(user, person, kind, label, state, day, since, key, found_for) -> bool:
    context = notify.context(user, kind, day=day, since=since, waiting_days=reminders.WAITING_TOO_LONG)
    when = dates.format_date(day)
    if kind == reminders.SUMMARY:
        summary = reminders.weekly_summary(state, since)
        if not summary:
            return False
        mail.queue(user.email, f"Sefton action plan: weekly summary, {when}", "reminders/summary",
                   {**context, "summary": summary}, kind=f"reminder.{kind}", user=user, dedupe_key=key)
        return True
    found = found_for(kind, person, since if kind == reminders.DECISIONS else None)
    if not found:
        return False
    total = sum(len(items) for items in found.values())
    subject = f"Sefton action plan: {reminders.KINDS[kind].lower()}, {when} ({total})"
    intro = {reminders.DUE: f"Your {label} reminder of {user.organisation.name}'s sub-actions as at {when}.",
             reminders.DECISIONS: f"Decisions on {user.organisation.name if user.organisation else 'your'}'s work "
                                  f"since {dates.format_date(since)}.",
             reminders.QUEUE: f"What awaits review as at {when}, oldest first."}[kind]
    mail.queue(user.email, subject, "reminders/digest", {**context, "found": found, "intro": intro},
               kind=f"reminder.{kind}", user=user, dedupe_key=key)
    return True
