"""`cimsig guide new`: a draft of the next cohort's guide, written from an existing guide file.

Works on the file's text, line by line, so the author's layout and comments survive: every year
is moved by N (ISO dates, written dates, "Spring 2025", the guide's id and title), activity ids
and links are kept, and a `# REVIEW:` comment line is put above every line a person must look
at: a moved date that falls on a weekend or belongs to a meeting with a time, text that names a
weekday, February 29, links, and the header's id, cohort and source. `cimsig validate` lists
the marks as problems until they are deleted.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cimsig.guide_review import REVIEW_MARK

_MONTH_NAMES = "|".join(calendar.month_name[1:])
# One alternation, tried left to right at each place: an ISO date, a written date ("February
# 29, 2024"), then a year on its own ("2024" in a title, "Spring 2025"). A year inside an id
# (`step4-report-2025apr-jun`, `cim-sigdis-2024`) is preceded by a dash and left alone.
_DATES = re.compile(
    r"(?P<iso>(?<![\w-])(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?![\w-]))"
    rf"|(?P<text>\b(?P<tm>{_MONTH_NAMES})\s+(?P<td>\d{{1,2}}),\s+(?P<ty>\d{{4}})\b)"
    r"|(?P<year>(?<![\w-])(?:19|20)\d{2}(?![\w]))"
)
_WEEKDAYS = re.compile(
    r"\b(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b"
)
_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[A-Za-z_]+):(?P<rest>.*)$")
_BLOCK = re.compile(r"^\s*[>|][-+]?\s*(#.*)?$")
# Lines whose values name activities (ids are kept from one cohort to the next).
_ID_KEYS = {"id", "starts_with", "step"}


@dataclass(frozen=True)
class Draft:
    text: str
    moved: int  # dates and years moved
    marks: int  # review marks added


def draft_guide(text: str, years: int, source_id: str) -> Draft:
    """The text of a new cohort's guide: `text` with every date `years` later."""
    lines = text.splitlines()
    out: list[str] = [
        "# Draft of the next cohort's guide, made by `cimsig guide new` from",
        f"# '{source_id}' with every date moved {years} year{'s' if years != 1 else ''} later. "
        "Each line under a",
        "# review mark needs a person: check it against this cohort's own schedule, fix it,",
        "# then delete the mark. `cimsig validate` lists the marks that are left. Comments",
        "# are copied as they were: they may still speak of the earlier cohort.",
    ]
    moved = marks = 0
    section = ""  # "guide" or "activities": the top-level key we are under
    header_id_done = False
    block_owner: int | None = None  # index in `out` of the key line a block scalar belongs to
    block_indent = -1
    meeting_blocks = _meeting_lines(lines)
    for number, line in enumerate(lines):
        key = _KEY.match(line)
        indent = len(line) - len(line.lstrip())
        in_block = block_owner is not None and (not line.strip() or indent > block_indent)
        if not in_block:
            block_owner = None
        if key and not in_block and not key.group("indent") and not key.group("dash"):
            section = key.group("key")
        if line.lstrip().startswith("#") or not line.strip():
            out.append(line)
            continue
        reasons: list[str] = []
        name = key.group("key") if key and not in_block else None
        new_line = line
        if name == "id" and section == "guide" and not header_id_done:
            header_id_done = True
            new_line, reason = _new_guide_id(line, years)
            reasons.append(reason)
            moved += 1
        elif name in _ID_KEYS or "http" in line:
            if "http" in line and re.search(r"(19|20)\d{2}", line):
                reasons.append("a link that names a year: does it point to this cohort's page?")
        else:
            new_line, count, found = _move(line, years, number in meeting_blocks, name == "due")
            moved += count
            reasons += found
            if section == "guide" and name in ("cohort", "source", "title"):
                reasons.append(f"the guide's {name}: say it as this cohort's guide does")
        if key and not in_block and _BLOCK.match(key.group("rest")):
            block_owner, block_indent = len(out), indent
        for reason in dict.fromkeys(reasons):
            where = block_owner if in_block and block_owner is not None else len(out)
            mark_indent = " " * (block_indent if in_block else indent)
            out.insert(where, f"{mark_indent}{REVIEW_MARK} {reason}")
            marks += 1
            if in_block and block_owner is not None:
                block_owner += 1
        out.append(new_line)
    return Draft("\n".join(out) + "\n", moved, marks)


def _meeting_lines(lines: list[str]) -> set[int]:
    """The lines of activities that have a `time:` (a meeting's day and hour)."""
    meeting: set[int] = set()
    start: int | None = None
    has_time = False

    def close(end: int) -> None:
        if start is not None and has_time:
            meeting.update(range(start, end))

    for number, line in enumerate(lines):
        if re.match(r"^\s*- id:", line):
            close(number)
            start, has_time = number, False
        elif re.match(r"^\s*time:", line):
            has_time = True
    close(len(lines))
    return meeting


def _new_guide_id(line: str, years: int) -> tuple[str, str]:
    key, _, value = line.partition(":")
    old = value.strip()
    new, count = re.subn(r"(19|20)\d{2}", lambda m: str(int(m.group(0)) + years), old)
    if not count:
        new = f"{old}-next"
    return f"{key}: {new}", f"the new guide's id ('{new}', was '{old}'): every cohort needs its own"


def _move(line: str, years: int, meeting: bool, due: bool) -> tuple[str, int, list[str]]:
    """The line with every year moved, how many were moved, and what to review (a due date's
    new weekday, a meeting's day: `due` and `meeting` say whether the line is one)."""
    reasons: list[str] = []
    count = 0

    def moved_date(year: int, month: int, day: int) -> dt.date:
        try:
            return dt.date(year + years, month, day)
        except ValueError:  # February 29 in a year that has none
            reasons.append(f"February 29 has no {year + years}: moved to February 28")
            return dt.date(year + years, month, 28)

    def replace(match: "re.Match[str]") -> str:
        nonlocal count
        count += 1
        if match.group("iso"):
            try:
                old = dt.date(int(match["iy"]), int(match["im"]), int(match["id"]))
            except ValueError:
                count -= 1
                return match.group(0)
            new = moved_date(old.year, old.month, old.day)
            if meeting and due:
                reasons.append(
                    f"a meeting on {old:%A} {old.isoformat()}, now {new:%A} {new.isoformat()}: "
                    "check its day and time (a new day goes in start, due and target alike)"
                )
            elif due and new.weekday() >= 5:
                reasons.append(
                    f"{new.isoformat()} is a {new:%A}: is that the day? (a new day goes in the "
                    "target's words too)"
                )
            return new.isoformat()
        if match.group("text"):
            month = list(calendar.month_name).index(match["tm"])
            try:
                new = moved_date(int(match["ty"]), month, int(match["td"]))
            except ValueError:
                count -= 1
                return match.group(0)
            if meeting:
                reasons.append("a meeting's day and time in the text: check them")
            return f"{match['tm']} {new.day}, {new.year}"
        return str(int(match.group("year")) + years)

    new_line = _DATES.sub(replace, line)
    if count and _WEEKDAYS.search(line):
        reasons.append("the text names a weekday: the moved date falls on another one")
    return new_line, count, reasons
