"""Dates typed by a user (`--as-of`, `--on`, `--due` ...).

Accepted: ISO `2024-10-01` (or `2024/10/01`), US-style `10/1/2024`, `10-1-2024` and `10/1/24`
(20xx), month names `Oct 1 2024` / `October 1, 2024` / `1 Oct 2024`, and the words `today`,
`yesterday`, `tomorrow` (relative to the as-of date). A date must name its year: a bare `Oct 1`
would silently pick a year, and a wrong year here is a deadline missed by twelve months. Years
run from 2000 to 2199: anything else is a typo, and far dates overflow the calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from cimsig.errors import BadDateError

EXAMPLES = "2024-10-01, 10/1/2024, Oct 1 2024, today, yesterday or tomorrow"

_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}
# Patterns as text: `re` compiles them on first use, so a command that only needs today's date
# does not pay for compiling them.
_ISO = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$"
_US = r"^(\d{1,2})([-/])(\d{1,2})\2(\d{4}|\d{2})$"
_NO_YEAR = r"^(\d{1,2})[-/](\d{1,2})$"
FIRST_YEAR, LAST_YEAR = 2000, 2199
_MONTH_WORD = r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?=[\s,\d]|$)"
_YEAR = r"\b\d{4}\b"


def parse_user_date(
    text: str, today: dt.date | Callable[[], dt.date], *, option: str = "date"
) -> dt.date:
    """Read a date typed by a user; `today` anchors the words today/yesterday/tomorrow.

    `today` may be a function, called only for those words: working out today's date in
    California costs more than reading a typed date.
    """
    value = text.strip()
    lowered = value.lower()
    if lowered in _RELATIVE:
        anchor = today() if callable(today) else today
        return anchor + dt.timedelta(days=_RELATIVE[lowered])
    match = re.match(_ISO, value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make(year, month, day, text, option)
    match = re.match(_US, value)
    if match:
        month, day, digits = int(match[1]), int(match[3]), str(match[4])
        year = 2000 + int(digits) if len(digits) == 2 else int(digits)
        return _make(year, month, day, text, option)
    no_year = re.match(_NO_YEAR, value)
    if no_year or (re.search(_MONTH_WORD, value) and not re.search(_YEAR, value)):
        # A form that reads: "April 1, 2024" for "April" (not "April 2024", which has no day).
        day_given = re.search(r"\d", value)
        example = (
            f"{no_year[1]}/{no_year[2]}/2024"
            if no_year
            else f"{value} 2024"
            if day_given
            else f"{value} 1, 2024"
        )
        raise BadDateError(f"{option}: '{text}' has no year. Type the year too, such as {example}.")
    if re.search(_MONTH_WORD, value) and re.search(_YEAR, value) and len(value) <= 40:
        return check_year(_parse_month_name(value, text, option), text, option)
    raise BadDateError(f"{option}: '{text}' is not a date cimsig can read. Try {EXAMPLES}.")


def check_year(day: dt.date, text: str, option: str) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadDateError(
            f"{option}: '{text}' is in the year {day.year}; cimsig works with dates from "
            f"{FIRST_YEAR} to {LAST_YEAR}. Is it a typo?"
        )
    return day


def _make(year: int, month: int, day: int, text: str, option: str) -> dt.date:
    try:
        return check_year(dt.date(year, month, day), text, option)
    except ValueError:
        raise BadDateError(
            f"{option}: '{text}' is not a real calendar date (check the month and the day). "
            f"Try {EXAMPLES}."
        ) from None


def _parse_month_name(value: str, text: str, option: str) -> dt.date:
    # dateutil is imported only here: most commands never read a typed date with a month name.
    from dateutil import parser

    # Two different defaults: a field that dateutil filled in from the default differs
    # between the two results, which means the user did not type it.
    try:
        first = parser.parse(value, default=dt.datetime(2000, 1, 1))
        second = parser.parse(value, default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError, parser.ParserError):
        raise BadDateError(
            f"{option}: '{text}' is not a real calendar date (check the month and the day). "
            f"Try {EXAMPLES}."
        ) from None
    if first.date() != second.date() or first.time() != dt.time(0):
        raise BadDateError(f"{option}: '{text}' needs a month, a day and a year. Try {EXAMPLES}.")
    return first.date()
