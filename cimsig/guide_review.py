"""What a person writing a guide can get wrong that the format alone does not catch: a target
text that names another date than the due date, a budget period whose months do not match its
dates, activities far outside the budget period, and the review marks `cimsig guide new` leaves.

Pure: works on the text of one target, the dates of the guide, the lines of its file. Only
`cimsig validate` asks for these checks (`guide.check_guide_file`); every other command loads a
guide without them, so a district's work never stops over a wording.
"""

import datetime as dt
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# A month's name, written out or cut short ("Sept.", "Oct"); the case is checked apart, so
# "may" the verb is not read as May.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_RE = re.compile(rf"\b({_MONTH})(?![a-z])", re.IGNORECASE)
_FULL_RE = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_YEAR_RE = re.compile(rf"\b({_MONTH}),?\s+(\d{{4}})\b", re.IGNORECASE)
_NUMERIC_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_BEFORE_RE = re.compile(r"\b(prior\s+to|before)\s*$", re.IGNORECASE)
# A due date this far from the budget period is probably a mistyped year.
FAR_FROM_BUDGET_DAYS = 366

REVIEW_MARK = "# REVIEW:"
_REVIEW_RE = re.compile(r"#\s*REVIEW\b:?\s*(.*)$")


def _month_number(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")[:3]]


def _is_month_name(match: "re.Match[str]") -> bool:
    word = match.group(1)
    return word[0].isupper()  # "May 2024", "MAY 2024"; not "may"


def named_date(target: str) -> tuple[str, dt.date, dt.date] | None:
    """The one date a target text names, as (its words, first day it allows, last day it
    allows), or None when it names none, several, or one without a year.

    "September 30, 2021", "By ...", "Due ...", "DUE: ..." allow that day; "Prior to April 2,
    2024" (or "before") the day before, April 1, as the bundled guide reads it; "April 2024"
    any day of April; "prior to April 2024" March 31.
    """
    months = [m for m in _MONTH_RE.finditer(target) if _is_month_name(m)]
    numeric = list(_NUMERIC_RE.finditer(target))
    if len(months) + len(numeric) != 1:
        return None
    if numeric:
        found = numeric[0]
        if found.group(1):
            month, day, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
        else:
            year, month, day = (int(found.group(i)) for i in (4, 5, 6))
        return _allowed(target, found, year, month, day)
    full = _FULL_RE.search(target)
    if full is not None and full.start() == months[0].start():
        day, year = int(full.group(2)), int(full.group(3))
        return _allowed(target, full, year, _month_number(full.group(1)), day)
    only = _MONTH_YEAR_RE.search(target)
    if only is None or only.start() != months[0].start():
        return None  # a month without a year ("July 10 each year")
    year, month = int(only.group(2)), _month_number(only.group(1))
    import calendar

    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    if _BEFORE_RE.search(target[: only.start()]):
        day_before = first - dt.timedelta(days=1)
        return only.group(0), day_before, day_before
    return only.group(0), first, last


def _allowed(
    target: str, found: "re.Match[str]", year: int, month: int, day: int
) -> tuple[str, dt.date, dt.date] | None:
    try:
        named = dt.date(year, month, day)
    except ValueError:
        return None
    if _BEFORE_RE.search(target[: found.start()]):
        day_before = named - dt.timedelta(days=1)
        return found.group(0), day_before, day_before
    return found.group(0), named, named


def target_contradiction(target: str, due: dt.date) -> str | None:
    """Why the due date contradicts the target text, or None when it does not (or the text
    names no single date)."""
    named = named_date(target)
    if named is None:
        return None
    words, first, last = named
    if first <= due <= last:
        return None
    due_words = f"{_words(due)} ({due.isoformat()})"
    if first == last and _BEFORE_RE.search(target[: target.find(words)]):
        return (
            f"the target '{target}' means the day before {words}, {_words(first)}, but the due "
            f"date is {due_words}: make them agree"
        )
    if first == last:
        return (
            f"the target '{target}' names {_words(first)}, but the due date is {due_words}: "
            "make them agree"
        )
    return (
        f"the target '{target}' names {words}, but the due date is {due_words}, not in that "
        "month: make them agree"
    )


def _words(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def budget_months(start: dt.date, end: dt.date) -> tuple[int, int]:
    """The whole months a budget period from `start` through `end` covers: (fewest, most).
    The same when it runs from a month's first day to a month's last (Jul 1, 2024 - Sep 30, 2026
    is 27); one apart when it starts or ends mid-month."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day == start.day:
        return months, months
    if after.day < start.day:
        return months - 1, months
    return months, months + 1


def review_marks(text: str) -> list[tuple[int, str]]:
    """The review marks left in a guide file (`# REVIEW: ...`): (line, what to check)."""
    marks = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = _REVIEW_RE.search(line)
        if found is not None:
            marks.append((number, found.group(1).strip() or "check this line"))
    return marks
