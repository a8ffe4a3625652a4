"""Values as offices write them: dates ("30.09.19", "end of June 2019", "Q2 2019", "TBC", 43646),
references ("1.2.c", "1.2(c)", "1.2 iii"), statuses ("Complete", "Amber") and fill colours (theme,
indexed or RGB, judged green, amber or red). Pure: no Flask, no database."""
import calendar
import colorsys
import datetime as dt
import re

from ... import dates

TBC = "tbc"  # the due date is to be confirmed
_TBC_WORDS = {"tbc", "tba", "to be confirmed", "to be agreed", "tbd", "to be decided", "date to be confirmed"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTH = r"([A-Za-z]+)\.?"


def _month(name):
    return dates.MONTHS.get(name.lower()) or dates.MONTHS.get(name.lower()[:3]) if len(name) >= 3 else None


def _last_day(year, month):
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(text):
    year = int(text)
    return 2000 + year if year < 100 else year


def read_date(value):
    """(date, how it was read) for a cell of a date column; date None with TBC for a date to be
    confirmed (or an empty cell). `how` is None for a plain date, else the words the preview shows
    ("the last day of the month"). Raises ValueError with words fit to show."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, TBC
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20_000 <= value <= 80_000:  # 1954 to 2119: an Excel date that lost its format
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)), "an Excel date number"
        raise ValueError(f"{value:g} is a number, not a date: enter a date, for example 4 July 2019")
    raw = re.sub(r"\s+", " ", str(value).strip())
    lowered = raw.lower().rstrip(".")
    if lowered in _TBC_WORDS:
        return None, TBC
    try:
        return dates.parse(raw), None
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})", raw)
    if m:  # day first, two-digit year
        day, month, year = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        return _real(year, month, day), "day, month, two-digit year"
    m = re.fullmatch(r"(?:by |the )?(?:end of|end|by end of|eo) " + _MONTH + r",? (\d{2}|\d{4})", lowered)
    if m and _month(m.group(1)):
        return _last_day(_year(m.group(2)), _month(m.group(1))), "the last day of the month"
    m = re.fullmatch(_MONTH + r",? (\d{4})", lowered)
    if m and _month(m.group(1)):
        return _last_day(int(m.group(2)), _month(m.group(1))), "the last day of the month"
    m = re.fullmatch(r"(?:q|quarter )([1-4])[ /\-,]*(\d{4})", lowered) or re.fullmatch(
        r"(\d{4})[ /\-,]*q([1-4])", lowered)
    if m:
        quarter, year = (int(m.group(1)), int(m.group(2))) if len(m.group(1)) == 1 else (int(m.group(2)),
                                                                                       int(m.group(1)))
        return _last_day(year, quarter * 3), "the last day of the quarter"
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? " + _MONTH + r",? (\d{2})", lowered)
    if m and _month(m.group(2)):
        return _real(_year(m.group(3)), _month(m.group(2)), int(m.group(1))), "two-digit year"
    raise ValueError(f"\"{raw[:40]}\" is not a date: write it as 4 July 2019, 04/07/2019, July 2019, "
                     "end of July 2019, Q2 2019, or TBC when it is to be confirmed")


def _real(year, month, day):
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{day}/{month}/{year} is not a real date (dates are read day first)") from None


# --- references ----------------------------------------------------------------------------------

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_REF = re.compile(r"(\d+)\s*\.\s*(\d+)(?:\s*[.\s]\s*|\s*\(\s*|\s*)([0-9]+|[a-z]+)\s*\)?\s*\.?", re.IGNORECASE)
_REC = re.compile(r"(\d+)\s*\.\s*(\d+)\s*\.?")


def roman(text):
    text, total = text.lower(), 0
    if not text or set(text) - set(_ROMAN):
        return None
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total or None


def uses_roman(texts):
    """Whether the sub-action parts of a sheet's references are roman numerals: some part is a
    roman numeral of two or more letters (ii, iii, iv), so that a lone "i" or "v" is read as one too."""
    for text in texts:
        m = _REF.fullmatch(str(text).strip()) if text else None
        if m and len(m.group(3)) > 1 and roman(m.group(3)):
            return True
    return False


def read_ref(text, roman_numerals=False):
    """(section, recommendation, sub-action or None) from a reference as offices write it ("1.2.3",
    "1.2.c", "1.2(c)", "1.2 iii", "1.2"), or None when it is not one."""
    text = str(text).strip()
    m = _REF.fullmatch(text)
    if m:
        part = m.group(3)
        if part.isdigit():
            number = int(part)
        elif roman_numerals and roman(part):
            number = roman(part)
        elif len(part) == 1:
            number = ord(part.lower()) - 96
        else:
            return None
        return int(m.group(1)), int(m.group(2)), number
    m = _REC.fullmatch(text)
    if m:
        return int(m.group(1)), int(m.group(2)), None
    return None


# --- statuses and colours ------------------------------------------------------------------------

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
_STATUS_WORDS = {
    GREEN: {"green", "g", "complete", "completed", "done", "closed", "achieved", "met", "finished",
            "evidence accepted", "blue"},
    AMBER: {"amber", "a", "at risk", "in progress", "partially met", "partially complete", "on track", "yellow"},
    RED: {"red", "r", "red overdue", "overdue", "not met", "off track", "behind"},
    GREY: {"grey", "gray", "grey not yet due", "not yet due", "not due", "not started", "open"},
}


def read_status(text):
    """GREEN, AMBER, RED or GREY for a status as offices write it, or None when it is none of them."""
    words = re.sub(r"[^a-z]+", " ", str(text or "").lower()).strip()
    for colour, known in _STATUS_WORDS.items():
        if words in known:
            return colour
    return None


def colour_of(rgb):
    """GREEN, AMBER, RED or None (white, grey, blue...) for a fill colour "RRGGBB"."""
    try:
        r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except (TypeError, ValueError):
        return None
    hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
    hue *= 360
    if saturation < 0.08 or value < 0.25:
        return None
    if 70 <= hue <= 170:
        return GREEN
    if 25 <= hue < 70:
        return AMBER
    if hue < 20 or hue >= 330:
        return RED
    return None


def tinted(rgb, tint):
    """An RGB colour with Excel's tint applied (lighter for a positive tint, darker for a negative)."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(h, max(0.0, min(1.0, lum)), s))
