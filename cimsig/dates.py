"""Dates typed by a user (`--as-of`, `--on`, `--due` ...).

Accepted: ISO `2024-10-01`, US-style `10/1/2024`, month names `Oct 1 2024` / `October 1, 2024` /
`1 Oct 2024`, and the words `today`, `yesterday`, `tomorrow`. A date must name its year: a bare
`Oct 1` would silently pick a year, and a wrong year here is a deadline missed by twelve months.
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
_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})$"
_US = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
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
    for pattern, order in ((_ISO, "ymd"), (_US, "mdy")):
        match = re.match(pattern, value)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            return _make(parts["y"], parts["m"], parts["d"], text, option)
    if re.search(_MONTH_WORD, value) and re.search(_YEAR, value) and len(value) <= 40:
        return _parse_month_name(value, text, option)
    raise BadDateError(f"{option}: '{text}' is not a date cimsig can read. Try {EXAMPLES}.")


def _make(year: int, month: int, day: int, text: str, option: str) -> dt.date:
    try:
        return dt.date(year, month, day)
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
