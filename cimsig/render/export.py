"""Exports: a calendar (ICS), a spreadsheet (CSV), a printable checklist (Markdown), one JSON file.

Each builder is pure: it takes the guide and the statuses and returns the file's bytes or text.
`write_output` puts them on stdout or, with `-o`, into a file written whole or not at all.
icalendar is imported only by the calendar builder.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cimsig import schedule
from cimsig.errors import ExportError, UsageError
from cimsig.guide import DEFAULT_TIME_ZONE, Activity, Guide
from cimsig.records import Note
from cimsig.render.formatting import (
    count_days,
    export_safe,
    fmt_date,
    fmt_due,
    fmt_period,
    fmt_time,
    fmt_window,
    spreadsheet_safe,
    zone_words,
)
from cimsig.schedule import ActivityStatus

_REMIND = re.compile(r"^\s*(\d{1,3})\s*([dw])\s*$", re.I)


def parse_remind(text: str) -> int:
    """`7d` or `2w` as a number of days before the deadline."""
    match = _REMIND.match(text)
    if not match:
        raise UsageError(
            f"--remind: '{text}' is not a reminder cimsig can read. Write a number of days or "
            "weeks, like 7d or 2w."
        )
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * (7 if unit == "w" else 1)


def write_output(data: bytes, output: Path | None, *, text: bool = False) -> None:
    """Write to stdout, or to a file in one step (a temp file, then a rename).

    `text` (UTF-8 text for people, the Markdown checklist): to a screen that does not take
    UTF-8 (a Windows code page), it is written in the screen's own encoding, with ASCII for
    what that cannot show, instead of UTF-8 bytes it would show as "â€"" and the like."""
    if output is None and text and not _takes_utf8(sys.stdout):
        sys.stdout.write(ascii_fallback(data.decode("utf-8"), sys.stdout.encoding))
        sys.stdout.flush()
        return
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from cimsig.storage.fileio import atomic_write_bytes

    if output.is_dir():
        raise ExportError(f"{output} is a folder; give a file name, like {output / 'plan.ics'}.")
    try:
        atomic_write_bytes(output, data)
    except FileNotFoundError:
        raise ExportError(f"The folder {output.parent} does not exist; create it first.") from None
    except OSError as exc:
        raise ExportError(f"{output} could not be written: {exc.strerror or exc}.") from None


def _describe(
    guide: Guide,
    a: Activity,
    item: ActivityStatus,
    owner: str | None,
    notes: Sequence[Note] = (),
) -> str:
    """An event's description: plain text, with every control character taken out (RFC 5545
    text allows none, and a title or an owner from a shared file may carry one)."""
    return export_safe(_description_text(guide, a, item, owner, notes))


def _description_text(
    guide: Guide, a: Activity, item: ActivityStatus, owner: str | None, notes: Sequence[Note]
) -> str:
    if a.origin == "district":
        # Not the guide's: the district added it (`cimsig add`), with a date of its own.
        lines = [f"Your district's own activity (not in the pacing guide), due {fmt_due(a)}."]
    else:
        lines = [f"Target (pacing guide): {a.target}"]
    if owner:
        lines.append(f"Owner: {owner}")
    if a.weekend and a.due is not None:
        lines.append(f"The due date is a {a.due:%A}.")
    if a.start is not None and a.due is not None and a.start != a.due:
        lines.append(f"Window: {fmt_window(a)}")
    if a.time:
        lines.append(f"Time: {fmt_time(a.time)} {zone_words(guide.time_zone)}")
    if a.details:
        lines.append(a.details)
    if a.resources:
        named = (f"{r} ({a.link(r)})" if a.link(r) else r for r in a.resources)
        lines.append("Resources: " + "; ".join(named))
    if a.submit_to:
        lines.append("Submit to: " + ", ".join(a.submit_to))
    if item.dates_differ:
        lines.append(f"Your district's own date: {fmt_date(item.own_due)}.")
    if item.status == schedule.DONE:
        lines.append(f"Done on {fmt_date(item.done_on)}." + (f" {item.note}" if item.note else ""))
    if notes:
        from cimsig.state import day_recorded

        lines.append("Notes:")
        for note in notes:
            day = day_recorded(note.at, guide.time_zone)
            lines.append(f"{day}: {note.text}" if day else note.text)
    lines.append(f"cimsig id: {a.id} ({guide.title})")
    return "\n".join(lines)


def build_ics(
    guide: Guide,
    items: Sequence[ActivityStatus],
    *,
    now: dt.datetime,
    include_done: bool = False,
    spans: bool = False,
    remind_days: int | None = None,
    todo: bool = False,
    lea: str | None = None,
    owners: dict[str, str] | None = None,
    district_prefix: bool = True,
    notes: dict[str, tuple[Note, ...]] | None = None,
    owner: str | None = None,
    short: str | None = None,
    guide_times: dict[str, str | None] | None = None,
) -> tuple[bytes, int]:
    """The calendar file, and how many ongoing activities (no date) were left out.

    Done activities are in it, marked done and without a reminder (unless `include_done` is
    False), so a calendar that imported an earlier file has its events updated, not left with
    deadlines that no longer matter. A reminder (`remind_days`) fires at 9 a.m. on its day.
    `owner` names whose calendar this is (the caller keeps only their activities).

    With the district's name (`lea`), event ids include it, so two districts' calendars
    imported into one stay two sets of events (and a newer file of one district updates its
    own); titles start with the name unless `district_prefix` is False."""
    from zoneinfo import ZoneInfo

    from icalendar import Alarm, Calendar, Event, Todo

    zone = ZoneInfo(guide.time_zone)
    stamp = now.astimezone(dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//cimsig//CIM for Sig Dis pacing guide//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    calendar_name = f"{lea}: {guide.title}" if lea else guide.title
    if owner:
        calendar_name = f"{owner}: {calendar_name}"
    cal.add("x-wr-calname", export_safe(calendar_name))
    cal.add("x-wr-timezone", guide.time_zone)
    from cimsig.storage.districts import folder_name

    uid_district = f"{folder_name(lea)}." if lea and folder_name(lea) else ""
    # (titles start with the short name when the district has one; the ids keep the name)
    prefix = f"{short or lea}: " if lea and district_prefix else ""
    left_out = 0
    for item in items:
        a = item.activity
        if item.guide_due is not None and item.guide_due != a.due:
            # A district date earlier than the guide's: the event stays on the guide's deadline
            # (the one the state holds the district to); the district's date is in its text.
            a = replace(a, due=item.guide_due, time=(guide_times or {}).get(a.id))
        if a.due is None:
            left_out += 1
            continue
        done = item.status == schedule.DONE
        if done and not include_done:
            continue
        step = guide.step(a.step).name
        summary = f"{prefix}{step}: {a.title}"
        if done:
            summary = f"[done] {summary}"
        component = Todo() if todo else Event()
        # One UID per activity: importing the file again updates events instead of adding twins.
        component.add("uid", f"{a.id}@{uid_district}{guide.id}.cimsig")
        component.add("dtstamp", stamp)
        component.add("summary", export_safe(summary))
        activity_notes = (notes or {}).get(a.id, ())
        description = _describe(guide, a, item, (owners or {}).get(a.id), activity_notes)
        component.add("description", description)
        component.add("categories", [export_safe(step)])
        if a.time:
            start_text, end_text = a.time.split("-")
            start = dt.datetime.combine(a.due, dt.time.fromisoformat(start_text), zone)
            end = dt.datetime.combine(a.due, dt.time.fromisoformat(end_text), zone)
        else:
            # An all-day date (VALUE=DATE), never a UTC midnight: it stays on its day everywhere.
            start, end = a.due, a.due + dt.timedelta(days=1)  # type: ignore[assignment]
        if todo:
            component.add("due", start)
            if a.start is not None and a.start != a.due:
                component.add("dtstart", a.start)
            if done:
                component.add("status", "COMPLETED")
                finished = dt.datetime.combine(item.done_on or a.due, dt.time(12), zone)
                component.add("completed", finished.astimezone(dt.timezone.utc))
            else:
                component.add("status", "NEEDS-ACTION")
        else:
            component.add("dtstart", start)
            component.add("dtend", end)
            component.add("transp", "TRANSPARENT" if not a.time else "OPAQUE")
        if remind_days is not None and not done:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", export_safe(f"Due in {remind_days} days: {a.title}"))
            # Relative to the deadline's start (a task's due), so that it fires at 9 a.m. on the
            # day, not at midnight: on an all-day date, 9 a.m. in the reader's own time.
            begins = dt.time.fromisoformat(a.time.split("-")[0]) if a.time else dt.time(0)
            morning = dt.timedelta(hours=9) - dt.timedelta(hours=begins.hour, minutes=begins.minute)
            trigger = dt.timedelta(days=-remind_days) + morning
            if todo:
                alarm.add("trigger", trigger, parameters={"RELATED": "END"})
            else:
                alarm.add("trigger", trigger)
            component.add_component(alarm)
        cal.add_component(component)
        if spans and not todo and a.start is not None and a.start != a.due:
            window = Event()
            window.add("uid", f"{a.id}-window@{uid_district}{guide.id}.cimsig")
            window.add("dtstamp", stamp)
            window.add("summary", export_safe(f"{prefix}{step} (window): {a.title}"))
            window.add("description", description)
            window.add("dtstart", a.start)
            window.add("dtend", a.due + dt.timedelta(days=1))
            window.add("transp", "TRANSPARENT")
            cal.add_component(window)
    dates = [i.activity.due for i in items if i.activity.due is not None]
    if dates:
        cal.add_missing_timezones(
            first_date=min(dates) - dt.timedelta(days=366),
            last_date=max(dates) + dt.timedelta(days=366),
        )
    return cal.to_ical(), left_out


def _takes_utf8(stream: Any) -> bool:
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8", "utf-8-sig")


_ASCII = {
    "\u2013": "-", "\u2014": "--", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2022": "*", "\u2192": "->", "\u00a0": " ", "\u00b7": "-",
}  # fmt: skip


def ascii_fallback(text: str, encoding: str | None) -> str:
    """`text` with each character `encoding` cannot hold replaced: a dash or a quote by its
    ASCII twin, an accented letter by its letter, anything else by "?"."""
    import unicodedata

    encoding = encoding or "ascii"

    def shown(char: str) -> str:
        try:
            char.encode(encoding)
            return char
        except (UnicodeEncodeError, LookupError):
            pass
        if char in _ASCII:
            return _ASCII[char]
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        return plain or "?"

    return "".join(shown(c) for c in text)


CSV_COLUMNS = [
    "district", "step_name", "id", "step", "title", "target", "start", "due", "time", "ongoing",
    "weekend", "status", "days_left", "done_on", "days_late", "note", "details", "resources",
    "submit_to", "required_for", "repeat", "series",
]  # fmt: skip


def build_csv(rows: Sequence[dict[str, Any]], zone: str = DEFAULT_TIME_ZONE) -> bytes:
    """One row per activity; UTF-8 with a byte-order mark so Excel on Windows reads the dashes.
    A note is dated by the day it was written in `zone`, the guide's time zone."""
    import csv
    import io

    buffer = io.StringIO()
    columns = CSV_COLUMNS + sorted({k for row in rows for k in row} - set(CSV_COLUMNS))
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        cells = {key: _cell(row.get(key), zone) for key in columns}
        if row.get("status") == "done" and "days_left" in cells:
            cells["days_left"] = ""  # as in the workbook: a done row has nothing left to count
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: Any, zone: str) -> Any:
    if isinstance(value, list) and all(isinstance(v, dict) and "text" in v for v in value):
        from cimsig.state import day_recorded

        notes = "; ".join(
            f"{day_recorded(v.get('at'), zone) or ''} {v['text']}".strip() for v in value
        )
        return spreadsheet_safe(notes)
    if isinstance(value, list):
        return spreadsheet_safe("; ".join(str(v) for v in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, (int, float)):
        return value
    # Anything else a hand-edited file could bring is written as text, made safe like text.
    return "" if value is None else spreadsheet_safe(str(value))


def build_markdown(
    guide: Guide,
    items: Sequence[ActivityStatus],
    as_of: dt.date,
    lea: str | None = None,
    owners: dict[str, str] | None = None,
    notes: dict[str, tuple[Note, ...]] | None = None,
) -> str:
    """The pacing guide as a printable checklist, grouped by step, with progress per step:
    a summary line first, then each activity with its owner and every note, dated."""
    lines = [f"# {guide.title}", ""]
    who = f"{_md(lea)}. " if lea else ""
    lines.append(f"{who}Checklist as of {fmt_date(as_of)}.")
    lines.append("")
    lines.extend([_md_summary(guide, items, as_of), ""])
    if guide.resources:
        links = "; ".join(_md_resource(r, guide.link(r)) for r in guide.resources)
        lines.extend([f"See also: {links}.", ""])
    for progress in schedule.progress_by_step(guide.steps, items):
        step = progress.step
        rows = [i for i in items if i.activity.step == step.id]
        if not rows:
            continue
        lines.append(f"## {step.name}: {step.summary}")
        lines.append("")
        percent = round(progress.fraction * 100)
        ongoing = f" Ongoing: {progress.ongoing} (not counted)." if progress.ongoing else ""
        lines.append(
            f"**Progress: {progress.done} of {progress.total} done ({percent}%).**{ongoing}"
        )
        lines.append("")
        for item in rows:
            activity_id = item.activity.id
            lines.extend(
                _markdown_item(
                    item, (owners or {}).get(activity_id), guide.time_zone,
                    (notes or {}).get(activity_id, ()),
                )
            )  # fmt: skip
        lines.append("")
    lines.append(f"*Made with cimsig from {guide.title}. A due date is the last day to finish.*")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text that Markdown shows as it is."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", export_safe(text))


def _md_summary(guide: Guide, items: Sequence[ActivityStatus], as_of: dt.date) -> str:
    """Where the plan stands, in one line: done of total, overdue, the next deadline."""
    steps = schedule.progress_by_step(guide.steps, items)
    done, total = sum(p.done for p in steps), sum(p.total for p in steps)
    percent = round(100 * done / total) if total else 100
    late = len(schedule.overdue(items))
    parts = [f"{done} of {total} done ({percent}%)", f"{late} overdue"]
    ahead = [i for i in items if i.status in (schedule.OPEN, schedule.UPCOMING)]
    following = schedule.first_due_after(ahead, as_of - dt.timedelta(days=1))
    if following is None:
        parts.append("no deadline left")
    else:
        a = following.activity
        left = count_days(following.days_left or 0) + " left" if following.days_left else "today"
        parts.append(f"next deadline {fmt_date(a.due)} ({left}): {_md(a.title)}")
    return "**Summary: " + " · ".join(parts) + ".**"


def _md_lines(text: str) -> str:
    """A note of several lines as one Markdown paragraph: each line kept (a hard break), and
    indented past where a list item or a heading could begin, so "- " or "# " at the start of
    a line stays words. Blank lines are dropped: they would end the paragraph."""
    kept = [_md(line.strip()) for line in text.splitlines() if line.strip()]
    return "  \n        ".join(kept)


def _md_note_day(at: str, zone: str) -> str:
    """ "Fri Mar 1, 2024: " for a note recorded then (the guide's day); a date edited into
    something unreadable as it is."""
    from cimsig.state import day_recorded

    day = day_recorded(at, zone)
    if not day:
        return ""
    try:
        return f"{fmt_date(dt.date.fromisoformat(day))}: "
    except ValueError:
        return f"{_md(day)}: "


def _md_id(activity_id: str) -> str:
    """An id as code; one that is not an id cimsig makes (the file readers refuse those) as
    escaped text, since nothing can be escaped inside a code span."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", activity_id):
        return f"`{activity_id}`"
    return _md(activity_id)


def _md_resource(name: str, link: str | None) -> str:
    """A resource, as a Markdown link when it has one (the address is checked by the guide's
    loader: https, no spaces or brackets)."""
    return f"[{_md(name)}](<{link}>)" if link else _md(name)


def _markdown_item(
    item: ActivityStatus,
    owner: str | None,
    zone: str = DEFAULT_TIME_ZONE,
    notes: Sequence[Note] = (),
) -> list[str]:
    a = item.activity
    box = "[x]" if item.status == schedule.DONE else "[ ]"
    facts = [f"Target: {_md(a.target)}"]
    if a.due is None:
        facts.append("ongoing")
    else:
        due = f"Due {fmt_date(a.due)}" + (" (weekend)" if a.weekend else "")
        if a.start is not None and a.start != a.due:
            due = f"{fmt_window(a)}" + (" (weekend)" if a.weekend else "")
        if a.time:
            due += f", {fmt_time(a.time)} {zone_words(zone)}"
        facts.append(due)
    if item.status == schedule.DONE:
        late = f", {count_days(item.days_late)} late" if item.days_late else ""
        facts.append(f"**Done {fmt_date(item.done_on)}{late}**")
    elif item.status == schedule.OVERDUE:
        facts.append(f"**OVERDUE** ({-(item.days_left or 0)} days late)")
    lines = [f"- {box} **{_md(a.title)}** ({_md_id(a.id)})  ", "  " + " · ".join(facts) + "  "]
    if owner:
        lines.append(f"  Owner: {_md(owner)}  ")
    if item.status == schedule.RECOMMENDED:
        lines.append("  Recommended for your district, not required  ")
    elif a.required_for == schedule.OPTIONAL:
        lines.append("  Optional: never overdue, not counted in the progress  ")
    if a.period_start is not None:
        lines.append(f"  Period: {fmt_period(a)}  ")
    if item.note:
        lines.append(f"  Note: {_md_lines(item.note)}  ")
    if a.resources:
        resources = "; ".join(_md_resource(r, a.link(r)) for r in a.resources)
        lines.append(f"  Resources: {resources}  ")
    if a.submit_to:
        lines.append("  Submit to: " + ", ".join(_md(s) for s in a.submit_to) + "  ")
    if notes:
        # A list inside the item (a list may follow a line of text without a blank line, which
        # would make the whole checklist "loose", spaced out).
        lines.append("  Notes:")
        lines.extend(f"  - {_md_note_day(n.at, zone)}{_md_lines(n.text)}  " for n in notes)
    lines[-1] = lines[-1].rstrip()
    return lines


def build_json(
    guide: Guide,
    items: Sequence[ActivityStatus],
    as_of: dt.date,
    rows: Sequence[dict[str, Any]],
    profile: dict[str, Any] | None = None,
) -> str:
    """The guide's metadata, progress per step and every activity with its status."""
    import json

    budget = guide.budget_period
    document = {
        "as_of": as_of.isoformat(),
        "guide": {
            "id": guide.id,
            "title": guide.title,
            "source": guide.source,
            "cohort": guide.cohort,
            "time_zone": guide.time_zone,
            "budget_period": None
            if budget is None
            else {"start": budget.start.isoformat(), "end": budget.end.isoformat(),
                  "months": budget.months},
            "steps": [{"id": s.id, "name": s.name, "summary": s.summary} for s in guide.steps],
        },
        "progress": [
            {"step": p.step.id, "done": p.done, "total": p.total, "ongoing": p.ongoing}
            for p in schedule.progress_by_step(guide.steps, items)
        ],
        "activities": list(rows),
        "district": profile,
    }  # fmt: skip
    return json.dumps(document, sort_keys=True, indent=2) + "\n"
