"""Working days in England and Wales: Monday to Friday, less the bank holidays.

Bank holidays come from the `holidays` package (pinned in requirements.txt; GB, subdivision ENG,
which England and Wales share), so no list needs keeping by hand. Pure: no Flask, no database.
"""
import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start): how many working
    days something submitted on `start` has waited by `end`."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n)))


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def first_working_day_of_week(day: dt.date) -> dt.date | None:
    """The first working day of the day's week (Tuesday after an Easter Monday), None for a week
    without one."""
    monday = week_start(day)
    for n in range(5):
        candidate = monday + dt.timedelta(days=n)
        if is_working_day(candidate):
            return candidate
    return None
