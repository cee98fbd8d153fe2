"""Dates, times and statuses in words, as every view and export writes them. Pure text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from cimsig import schedule
from cimsig.guide import Activity
from cimsig.schedule import ActivityStatus

# -- words and dates ----------------------------------------------------------------------------


def fmt_date(day: dt.date | None, *, weekday: bool = True) -> str:
    """`Fri Apr 19, 2024`: the weekday helps people plan, and flags weekend deadlines."""
    if day is None:
        return ""
    text = f"{day:%b} {day.day}, {day.year}"
    return f"{day:%a} {text}" if weekday else text


def fmt_period(activity: Activity) -> str:
    """`Jul 1 - Dec 31, 2020`: the period an activity reports on."""
    first, last = activity.period_start, activity.period_end
    if first is None or last is None:
        return ""
    begin = f"{first:%b} {first.day}" + ("" if first.year == last.year else f", {first.year}")
    return f"{begin} - {fmt_date(last, weekday=False)}"


def fmt_time(time: str | None) -> str:
    """`12:00-13:30` -> `12:00-1:30 p.m.` as people in California write it."""
    if not time:
        return ""
    start, end = time.split("-")

    def twelve(hhmm: str) -> tuple[str, str]:
        hour, minute = (int(x) for x in hhmm.split(":"))
        half = "a.m." if hour < 12 else "p.m."
        return f"{(hour - 1) % 12 + 1}:{minute:02d}", half

    (s, s_half), (e, e_half) = twelve(start), twelve(end)
    return f"{s}-{e} {e_half}" if s_half == e_half else f"{s} {s_half}-{e} {e_half}"


def fmt_window(activity: Activity) -> str:
    """The dates an activity spans, in words: a day, a window, or "from ... on"."""
    start, due = activity.start, activity.due
    if due is None:
        return f"from {fmt_date(start, weekday=False)}, ongoing" if start else "ongoing"
    if start is None or start == due:
        text = fmt_date(due)
        return f"{text}, {fmt_time(activity.time)} PT" if activity.time else text
    if start.year == due.year:
        return f"{start:%b} {start.day} - {fmt_date(due, weekday=False)}"
    return f"{fmt_date(start, weekday=False)} - {fmt_date(due, weekday=False)}"


def fmt_due(activity: Activity) -> str:
    if activity.due is None:
        return "ongoing"
    text = fmt_date(activity.due)
    return f"{text} (weekend)" if activity.weekend else text


def fmt_days(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "1 day late"
    return f"{days} days" if days > 0 else f"{-days} days late"


def count_days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def status_words(item: ActivityStatus) -> str:
    if item.status == schedule.DONE:
        late = f" ({count_days(item.days_late)} late)" if item.days_late else ""
        return f"done {fmt_date(item.done_on, weekday=False)}{late}"
    if (
        item.status == schedule.OVERDUE
        and (item.dates_differ or item.own_date_only)
        and item.measured_against != "guide"
    ):
        return "overdue against your own date"  # the guide's deadline is shown beside it
    return item.status


def count_words(items: Sequence[ActivityStatus]) -> str:
    """What the progress counts, said the same way in every view: "40 of the guide, 3 of your
    own; ongoing work not counted". Recommended-only work counts once it is done (as in
    `schedule.progress_by_step`); a yearly activity adds one each year."""
    counted = [i for i in items if i.status != schedule.RECOMMENDED and not schedule.is_ongoing(i)]
    own = sum(i.activity.origin == "district" for i in counted)
    parts = [f"{len(counted) - own} of the guide"]
    if own:
        parts.append(f"{own} of your own")
    left_out = []
    if any(schedule.is_ongoing(i) for i in items):
        left_out.append("ongoing work")
    if any(i.status == schedule.RECOMMENDED for i in items):
        left_out.append("work only recommended for your track (until it is done)")
    text = ", ".join(parts)
    if left_out:
        text += f"; {' and '.join(left_out)} not counted"
    if any(i.activity.series for i in items):
        text += "; yearly work adds one a year"
    return text


# -- text from users and files, made harmless --------------------------------------------------

# C0 and C1 control characters (an escape sequence starts with one), DEL, and the invisible
# characters that move or hide text: the bidirectional marks, embeddings, overrides and
# isolates (U+061C, U+200E/F, U+202A-E, U+2066-9: "Bob<U+202E> nimdA" would show as "BobAdmin"),
# the zero-width space and word joiner, line and paragraph separators, the byte-order mark.
# Newline and tab are kept where text may have them. The zero-width joiner and non-joiner
# (U+200D, U+200C) are kept: they build emoji ("👩🏽‍🏫") and shape Indic and Persian words.
_CONTROLS = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Text for a terminal: each control character shown as `\\x1b` instead of acting (a note
    can then never recolour or clear the screen, or retitle the window)."""
    return re.sub(_CONTROLS, _visible, text)


# Characters a POSIX shell still reads inside double quotes (`$HOME`, `$(...)`, backticks,
# `\"`, history's `!`), and those PowerShell reads there (`$(...)`, backticks).
_POSIX_LIVE = re.compile(r'[$`"\\!]')
_WINDOWS_LIVE = re.compile(r"[$`]")
_PLAIN_WORD = re.compile(r"[\w.,:@%+=/-]+")


def shell_quote(text: str, *, bare: bool = False) -> str:
    """`text` as one argument of a command a message shows, safe to paste into a terminal:
    nothing in a file's name ever runs. In double quotes, as people type them; on Linux and
    macOS in single quotes (a quote inside as '\\'') when the text holds a character a shell
    reads inside double quotes ($ ` " \\ !); on Windows in single quotes (a quote inside
    doubled, as PowerShell reads them) when it holds $ or a backtick, which PowerShell reads
    inside double quotes. `bare`: a plain word (a district's folder name) is shown as it is."""
    import sys

    if bare and _PLAIN_WORD.fullmatch(text):
        return text
    if sys.platform == "win32":
        if _WINDOWS_LIVE.search(text):
            return "'" + text.replace("'", "''") + "'"
        return f'"{text}"'
    if _POSIX_LIVE.search(text):
        return "'" + text.replace("'", "'\\''") + "'"
    return f'"{text}"'


def export_safe(text: str) -> str:
    """Text for a file others open (calendar, spreadsheet, Markdown): control characters
    other than newline and tab removed; the words kept."""
    return re.sub(_CONTROLS, "", text)


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @, or a tab or a
# carriage return before one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text for a spreadsheet cell: `export_safe`, and a leading apostrophe on text that begins
    like a formula, so `=HYPERLINK(...)` in a note stays words (as OWASP recommends; the
    apostrophe is what a person types in Excel to say "this is text")."""
    text = export_safe(text)
    # Text that begins with apostrophes before a formula's first character gets one more, so
    # that taking the guard off again (`done --from`) gives back the text as it was.
    return f"'{text}" if text.lstrip("'").startswith(_FORMULA_START) else text


# What a time zone of the guide is called in a sentence ("10:00 a.m. Pacific time").
ZONE_NAMES = {
    "America/Los_Angeles": "Pacific time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Chicago": "Central time",
    "America/New_York": "Eastern time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
}


def zone_words(zone: str) -> str:
    """The guide's time zone in words: "Pacific time" for America/Los_Angeles; the zone's own
    name for one without a common name ("Europe/Berlin time")."""
    return ZONE_NAMES.get(zone, f"{zone} time")
