"""UK dates: the business date ("today", fixed in the demo) and dates read as people write them."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

from flask import current_app

LONDON = ZoneInfo("Europe/London")
MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9


def today() -> dt.date:
    """The business date: SEFTON_TODAY when set (the demo), else today's date in London."""
    fixed = current_app.config.get("SEFTON_TODAY")
    return fixed or dt.datetime.now(LONDON).date()


def is_fixed() -> bool:
    return bool(current_app.config.get("SEFTON_TODAY"))


def parse(text: str) -> dt.date:
    """Read '4 July 2019', '4th Jul 2019', '04/07/2019' (day first) or '2019-07-04'.
    Raises ValueError with a message fit to show the user."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError("Enter a date, for example 4 July 2019")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", raw)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return _make(year, month, day)
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", raw)
    if m and m.group(2).lower() in MONTHS:
        return _make(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    raise ValueError("Enter a real date, for example 4 July 2019")


def parse_as_at(text: str) -> dt.date:
    """A date to show figures "as at": read as people write it, and not after the business date
    (figures are known from the recorded history, not projected)."""
    day = parse(text)
    if day > today():
        raise ValueError(f"Choose a date on or before today ({format_date(today())}): "
                         "figures after it are not known yet")
    return day


def _make(year, month, day):
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("Enter a real date, for example 4 July 2019") from None


def format_date(value) -> str:
    """4 July 2019."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return f"{value.day} {value.strftime('%B %Y')}"


TBC = "Due date to be confirmed"  # a sub-action's due date that is not set yet (None; "TBC" in the office's sheet)


def format_due(value) -> str:
    """A due date in words: 4 July 2019, or "Due date to be confirmed" when there is none yet."""
    return TBC if value is None else format_date(value)


def local(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp in London time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(LONDON)


def format_datetime(value) -> str:
    """4 July 2019, 2:05pm (London time)."""
    if value is None:
        return ""
    moment = local(value)
    hour = moment.hour % 12 or 12
    return f"{format_date(moment.date())}, {hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"
