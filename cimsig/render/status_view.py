"""The weekly views: `status` (progress per step, in progress, overdue, due soon, ongoing;
selected by `schedule.weekly`) and `next` (what falls due next).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cimsig import schedule
from cimsig.guide import DEFAULT_TIME_ZONE, Guide
from cimsig.render.formatting import (
    count_days,
    count_words,
    fmt_date,
    fmt_days,
    fmt_due,
    fmt_time,
    fmt_window,
    zone_words,
)
from cimsig.schedule import ActivityStatus, StepProgress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

from cimsig.render.terminal import (
    _activity_cell,
    _header,
    _work_table,
    console,
    escape_markup,
    row_style,
)

_TRACK_HEADER = {
    "new": "newly identified (every activity the guide requires of new LEAs counts)",
    "continuing": "continuing (activities required only of new LEAs are recommended)",
}


def _progress_bar(progress: StepProgress, width: int = 20) -> str:
    filled = round(progress.fraction * width)
    full, empty = ("█", "░") if _can_show("█░") else ("#", "-")
    return full * filled + empty * (width - filled)


def _can_show(characters: str) -> bool:
    """Whether standard output can encode these characters (a Windows code page, or ASCII
    when output goes to a file, cannot: the bars then fall back to ASCII, as tables do)."""
    import sys

    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        characters.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


NO_PROFILE_HINT = (
    "No district profile yet: `cimsig init --lea NAME --track new` (or continuing) names your "
    "district and counts only what your track requires."
)


def render_status(
    guide: Guide,
    week: schedule.Weekly,
    items: Sequence[ActivityStatus],
    soon_days: int,
    unknown: Sequence[str],
    owner: str | None,
    *,
    lea: str | None,
    track: str | None,
    progress_file: str,
    owners: dict[str, str],
    has_profile: bool,
) -> None:
    """The Monday check-in: progress per step, then the work open now, what is overdue, what
    falls due soon (not already listed), and the ongoing work in one line."""
    out = console()
    as_of, last = week.as_of, week.last
    _header(out, guide, lea)
    out.print(
        f"As of {fmt_date(as_of)}, looking {soon_days} days ahead (through {fmt_date(last)})",
        style="dim",
    )
    if owner:
        out.print(f"Only the activities assigned to {escape_markup(owner)}", style="dim")
    if track:
        out.print(f"Track: {_TRACK_HEADER[track]}", style="dim")
    out.print(f"Progress file: {escape_markup(progress_file)}", style="dim")
    if not has_profile:
        out.print(escape_markup(NO_PROFILE_HINT), style="yellow")
    out.print()
    _progress_lines(out, schedule.progress_by_step(guide.steps, items))
    out.print(escape_markup(f"Counted: {count_words(items)}."), style="dim")
    out.print()

    open_now, late, soon, ongoing = week.in_progress, week.overdue, week.due_soon, week.ongoing
    if open_now:
        _status_table(out, f"In progress ({len(open_now)})", "Due", open_now, owners)
    if late:
        _status_table(out, f"Overdue ({len(late)})", "Was due", late, owners, style="red")
    else:
        out.print("[green]Nothing is overdue.[/]")
        out.print()
    if soon:
        more = " (besides the work in progress)" if open_now else ""
        _status_table(
            out, f"Due in the next {soon_days} days{more} ({len(soon)})", "Due", soon, owners
        )
    if not (open_now or late or soon):
        out.print(f"Nothing is in progress or due in the next {soon_days} days.")
        _print_next_deadline(out, week.next_deadline, "")
        out.print()
    if ongoing:
        ids = ", ".join(i.activity.id for i in ongoing)
        out.print(
            f"Ongoing ({len(ongoing)}, not counted in the progress): {escape_markup(ids)}.",
            style="cyan",
        )
    if unknown:
        out.print(
            f"[yellow]The progress file records {len(unknown)} id(s) this guide does not have "
            f"(kept, not counted): {escape_markup(', '.join(unknown))}[/]"
        )


def _progress_lines(out: Console, progress: Sequence[StepProgress]) -> None:
    """One line per step: its bar, done/total and share; ongoing work beside it, not in it."""
    name_width = max(len(p.step.name) for p in progress)
    ongoing_width = max((len(f"  + {p.ongoing} ongoing") for p in progress if p.ongoing), default=0)
    # 2 + name + 2 + bar + 2 + "nnn/nnn" + 1 + "nnn%" + ongoing: the bar gives way first.
    bar_width = max(8, min(20, out.width - name_width - ongoing_width - 18))
    for p in progress:
        style = "green" if p.total and p.done == p.total else ""
        share = f"{round(p.fraction * 100):>3}%" if p.total else "  -"
        beside = f"  + {p.ongoing} ongoing" if p.ongoing else ""
        out.print(
            f"  {escape_markup(p.step.name.ljust(name_width))}  "
            f"[{style or 'default'}]{_progress_bar(p, bar_width)}[/]"
            f"  {p.done:>3}/{p.total:<3} {share}[cyan]{beside}[/]"
        )


def _status_table(
    out: Console,
    title: str,
    due_heading: str,
    items: Sequence[ActivityStatus],
    owners: dict[str, str],
    style: str = "",
) -> None:
    late = due_heading == "Was due"
    table, wide = _work_table(
        out, title, due_heading, "Late by" if late else "Left",
        title_style="bold red" if late else "bold",
    )  # fmt: skip
    for item in items:
        a = item.activity
        due = fmt_date(a.due) if late else fmt_due(a).replace(" (weekend)", " *")
        left = count_days(-(item.days_left or 0)) if late else fmt_days(item.days_left)
        cell = _activity_cell(item, owners.get(a.id), with_id=not wide)
        cells = [due, left, escape_markup(a.id), cell] if wide else [due, left, cell]
        table.add_row(*cells, style=style or row_style(item))
    if not late and any(i.activity.weekend for i in items):
        table.caption = "* falls on a weekend"
        table.caption_justify = "left"
    out.print(table)
    out.print()


def render_next(
    as_of: dt.date,
    last: dt.date,
    hits: Sequence[ActivityStatus],
    following: ActivityStatus | None,
    extra: Sequence[ActivityStatus],
    owners: dict[str, str] | None = None,
    lea: str | None = None,
    *,
    days: int = 30,
    in_progress: int = 0,
    zone: str = DEFAULT_TIME_ZONE,
) -> None:
    out = console()
    owners = owners or {}
    if lea:
        out.print(f"[bold]{escape_markup(lea)}[/]")
    span = f"from {fmt_date(as_of)} through {fmt_date(last)}"
    if hits:
        table, wide = _work_table(out, f"Due in the next {days} days, {span}", "Due", "Left")
        _next_rows(table, hits, owners, wide, zone)
        out.print(table)
    else:
        out.print(f"Nothing is due in the next {days} days, {span}.")
        _print_next_deadline(out, following, " after that")
    if extra:
        out.print()
        table, wide = _work_table(out, "Also open, overdue or ongoing", "Due", "Left")
        _next_rows(table, extra, owners, wide, zone)
        out.print(table)
    elif in_progress:
        out.print()
        what = "activity is" if in_progress == 1 else "activities are"
        out.print(f"{in_progress} {what} in progress now: see `cimsig status`.")


def _print_next_deadline(out: Console, following: ActivityStatus | None, after: str) -> None:
    """The sentence that names the next deadline when nothing is due soon."""
    if following is None:
        out.print(f"No deadline of the guide is left{after}.")
        return
    a = following.activity
    out.print(
        f"The next deadline is {fmt_due(a)} ({fmt_days(following.days_left)} away): "
        f"{escape_markup(a.id)}, {escape_markup(a.title)}."
    )


def _next_rows(
    table: Table,
    items: Sequence[ActivityStatus],
    owners: dict[str, str],
    wide: bool,
    zone: str = DEFAULT_TIME_ZONE,
) -> None:
    for item in items:
        a = item.activity
        due = fmt_date(a.due) if a.due else item.status
        if a.weekend:
            due += " *"
        # The window says more than the due date only when it spans days or has a time.
        window = ""
        if a.time:
            window = f"{fmt_time(a.time)} {zone_words(zone)}"
        elif a.start is not None and a.start != a.due:
            window = fmt_window(a)
        activity = _activity_cell(item, owners.get(a.id), window, with_id=not wide)
        cells = [due, fmt_days(item.days_left), escape_markup(a.id), activity]
        if not wide:
            del cells[2]
        table.add_row(*cells, style=row_style(item))
    if any(i.activity.weekend for i in items):
        table.caption = "* falls on a weekend"
        table.caption_justify = "left"
