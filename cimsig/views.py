"""The views people read: Rich tables, the timeline, doctor's findings. Only this module
imports rich, inside the functions that draw, so `--json` and plain messages never pay for it.
Views take plain data (activities with their status, names, dates), not the workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cimsig import schedule
from cimsig.formatting import (
    count_days,
    count_words,
    fmt_date,
    fmt_days,
    fmt_due,
    fmt_period,
    fmt_time,
    fmt_window,
    status_words,
    terminal_safe,
    zone_words,
)
from cimsig.guide import Activity, Guide, due_words
from cimsig.schedule import ActivityStatus, StepProgress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cimsig import timeline
    from cimsig.workspace import PlanDetails

SOON_DAYS = 7  # due within this many days: shown in yellow
STATUS_STYLE = {
    schedule.DONE: "green",
    schedule.OVERDUE: "bold red",
    schedule.OPEN: "",
    schedule.UPCOMING: "",
    schedule.ONGOING: "cyan",
    schedule.RECOMMENDED: "dim",
    schedule.OPTIONAL: "dim",
}


def row_style(item: ActivityStatus) -> str:
    soon = item.days_left is not None and item.days_left <= SOON_DAYS
    if item.status in (schedule.OPEN, schedule.UPCOMING) and soon:
        return "yellow"
    return STATUS_STYLE[item.status]


# -- tables -------------------------------------------------------------------------------------


def console(*, stderr: bool = False) -> Console:
    # highlight=False: Rich would otherwise color numbers and dates at random in our text;
    # emoji=False: user text is shown as typed (":warning:" stays those characters).
    return _console_class()(stderr=stderr, highlight=False, emoji=False)


_CONSOLE: list[type[Console]] = []


def _console_class() -> type[Console]:
    """Rich's Console, except that a reader who went away (`cimsig list | head -3`) ends the
    command quietly with exit 0 (Rich's own ends it with exit 1, which is `status --check`'s
    "overdue"): the BrokenPipeError goes to the one error handler."""
    if not _CONSOLE:
        from rich.console import Console

        class QuietConsole(Console):
            def on_broken_pipe(self) -> None:
                self.quiet = True
                raise BrokenPipeError

        _CONSOLE.append(QuietConsole)
    return _CONSOLE[0]


def _table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    for name in columns:
        table.add_column(name)
    return table


def _header(out: Console, guide: Guide, lea: str | None) -> None:
    title = f"{lea}: {guide.title}" if lea else guide.title
    out.print(f"[bold]{escape_markup(title)}[/]")


def escape_markup(text: str) -> str:
    """User or guide text inside Rich markup: shown literally (`[/]` and `[bold]` too), and
    control characters made visible."""
    from rich.markup import escape

    safe = terminal_safe(text)
    plain = safe.rstrip("\\")
    trailing = len(safe) - len(plain)
    if not trailing:
        return escape(safe)
    # Rich's escape doubles a trailing backslash, so that a tag after it still counts, and the
    # doubled one shows where none follows ("X\\" for "X\"): end on an empty span instead,
    # which turns each pair before it into one backslash either way.
    return escape(plain) + "\\" * (2 * trailing) + "[dim][/dim]"


# At this width and wider, the id has a column of its own; narrower, it goes on its own line
# under the title, so that the title keeps the room (80 columns is the design width).
WIDE = 110


def _id_column(out: Console) -> bool:
    return out.width >= WIDE


class IdLines:
    """An id (after a label such as "id: ") in a table cell: on the label's line when it fits,
    else on a line of its own, and when even that is too narrow, broken only after a dash, so
    that no id is ever cut in the middle of a word (Rich breaks lines at spaces only)."""

    def __init__(self, label: str, text: str, style: str = "") -> None:
        self.label, self.text, self.style = label, text, style

    def lines(self, width: int) -> list[str]:
        whole = self.label + self.text
        if len(whole) <= width:
            return [whole]
        lines = [self.label.rstrip()] if self.label.strip() else []
        if len(self.text) <= width:
            return [*lines, self.text]
        pieces = [p + "-" for p in self.text.split("-")]
        pieces[-1] = pieces[-1][:-1]
        line = ""
        for piece in pieces:
            if line and len(line) + len(piece) > width:
                lines.append(line)
                line = ""
            line += piece
        return [*lines, line]

    def __rich_console__(self, console: Console, options: Any) -> Any:
        from rich.text import Text

        yield Text(
            terminal_safe("\n".join(self.lines(options.max_width))),
            style=self.style,
            overflow="fold",
        )

    def __rich_measure__(self, console: Console, options: Any) -> Any:
        from rich.measure import Measurement

        longest_piece = max(len(p) + 1 for p in self.text.split("-"))
        return Measurement(min(longest_piece, options.max_width), len(self.label + self.text))


class IdFirst:
    """A cell that begins with an id ("step4-report-2025: marked done ..."): wrapped at spaces as
    any text when the id fits on a line; when it does not, the id on lines of its own broken
    only after a dash (`IdLines`), the rest under it. No id is ever cut or ended with "…"."""

    def __init__(self, activity_id: str, markup: str) -> None:
        self.id, self.markup = activity_id, markup

    def _text(self, markup: str) -> Any:
        from rich.text import Text

        return Text.from_markup(markup, emoji=False, overflow="fold")

    def __rich_console__(self, console: Console, options: Any) -> Any:
        head = f"{self.id}:"
        if len(head) <= options.max_width:
            yield self._text(f"{escape_markup(head)} {self.markup}")
            return
        yield IdLines("", head)
        yield self._text(self.markup)

    def __rich_measure__(self, console: Console, options: Any) -> Any:
        from rich.measure import Measurement

        text = self._text(f"{escape_markup(self.id)}: {self.markup}")
        measured = Measurement.get(console, options, text)
        longest_piece = max(len(p) + 1 for p in self.id.split("-"))
        return Measurement(
            min(max(longest_piece, 1), options.max_width), measured.maximum
        ).normalize()


def _activity_cell(
    item: ActivityStatus, owner: str | None, extra: str = "", *, with_id: bool = True
) -> Any:
    """The title, then dim lines for what else matters: the id (when it has no column of its
    own), owner, window or time, target."""
    a = item.activity
    lines = [escape_markup(a.title)]
    if with_id:
        from rich.console import Group
        from rich.text import Text

        rest = _activity_lines(item, owner, extra)
        return Group(
            Text.from_markup(lines[0], emoji=False),
            IdLines("id: ", a.id, "dim"),
            *([Text.from_markup("\n".join(rest), emoji=False)] if rest else []),
        )
    return "\n".join(lines + _activity_lines(item, owner, extra))


def _activity_lines(item: ActivityStatus, owner: str | None, extra: str) -> list[str]:
    """The dim lines of an activity's cell under its title and id."""
    lines = []
    if item.activity.period_start is not None:
        lines.append(f"[dim]Period: {fmt_period(item.activity)}[/]")
    if extra:
        lines.append(f"[dim]{escape_markup(extra)}[/]")
    if item.dates_differ or item.own_date_only:
        lines.append(f"[dim]{escape_markup(own_date_words(item))}[/]")
    if owner:
        lines.append(f"[dim]Owner: {escape_markup(owner)}[/]")
    if item.status == schedule.RECOMMENDED:
        lines.append("[dim]Recommended for your district, not required[/]")
    elif item.activity.required_for == schedule.OPTIONAL:
        lines.append("[dim]Optional: never overdue, not counted in the progress[/]")
    return lines


def own_date_words(item: ActivityStatus) -> str:
    """The other date of an activity the district set its own date for (`cimsig plan`)."""
    if item.own_date_only:
        return "Your own date; the guide sets none (ongoing work)"
    if item.measured_against == "guide":
        return f"Your date: {fmt_date(item.own_due)} (after the guide's deadline, which counts)"
    return f"Your own date; the guide's deadline: {fmt_date(item.guide_due)}"


def _list_status(item: ActivityStatus) -> str:
    if item.status == schedule.DONE and item.done_on is not None:
        late = f"\n{count_days(item.days_late)} late" if item.days_late else ""
        return f"done {item.done_on:%b} {item.done_on.day}{late}"
    return item.status


def _work_table(
    out: Console, title: str | None, *columns: str, title_style: str = "bold"
) -> tuple[Table, bool]:
    """A table of activities: short columns that never wrap, then the Activity column, which
    takes the room left and wraps by words (a word longer than the column is folded, never cut).
    With an ID column when the window is wide enough. The title is printed here, as a line of
    its own: a table's title would wrap at the table's width, not the window's."""
    if title:
        out.print(title, style=title_style)
    wide = _id_column(out)
    names = [*columns, "ID", "Activity"] if wide else [*columns, "Activity"]
    table = _table(*names)
    for column in table.columns[:-1]:
        column.no_wrap = True
    # Not expanded: the table is as wide as its text, and when that is wider than the window,
    # Rich narrows the one column that may wrap (expanding spreads spare room over every column).
    activity = table.columns[-1]
    activity.overflow = "fold"
    activity.min_width = 20
    return table, wide


def render_list(
    guide: Guide,
    items: Sequence[ActivityStatus],
    as_of: dt.date,
    owners: dict[str, str] | None = None,
    lea: str | None = None,
) -> None:
    out = console()
    _header(out, guide, lea)
    out.print(
        escape_markup(f"As of {fmt_date(as_of)}. {len(items)} listed; the progress counts "
                      f"{count_words(items)}."),
        style="dim",
    )  # fmt: skip
    wide = _id_column(out)
    # The same widths in every step's table, so the columns line up down the whole list.
    status_width = max(
        (len(line) for i in items for line in _list_status(i).splitlines()), default=6
    )
    id_width = min(30, max((len(i.activity.id) for i in items), default=2))
    dates_width = max(14, min(24, out.width // 4 + 1))
    for progress in schedule.progress_by_step(guide.steps, items):
        step = progress.step
        rows = [i for i in items if i.activity.step == step.id]
        if not rows:
            continue
        ongoing = f", {progress.ongoing} ongoing" if progress.ongoing else ""
        columns = ["Status", "ID", "Activity", "Dates"] if wide else ["Status", "Activity", "Dates"]
        table = _table(
            *columns,
            title=escape_markup(
                f"\n{step.name} ({progress.done}/{progress.total} done{ongoing}): {step.summary}"
            ),
        )
        table.columns[0].width = status_width
        if wide:
            table.columns[1].width = id_width
        activity_column, dates_column = table.columns[-2], table.columns[-1]
        activity_column.ratio = 1  # the title takes the room the other columns leave
        activity_column.overflow = "fold"
        dates_column.width = dates_width
        dates_column.overflow = "fold"
        table.expand = True
        for item in rows:
            a = item.activity
            dates = fmt_window(a)
            if a.weekend:
                dates += " (weekend)"
            activity = _activity_cell(
                item, (owners or {}).get(a.id), f"Target: {a.target}", with_id=not wide
            )
            cells = [_list_status(item), escape_markup(a.id), activity, dates]
            if not wide:
                del cells[1]
            table.add_row(*cells, style=row_style(item))
        out.print(table)


def render_show(
    guide: Guide, item: ActivityStatus, as_of: dt.date, details: PlanDetails | None = None
) -> None:
    from rich.table import Table

    from cimsig.state import day_recorded

    a = item.activity
    out = console()
    out.print(f"[bold]{escape_markup(a.title)}[/]")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # a long address is folded onto the next line, never cut
    step = guide.step(a.step)
    grid.add_row("ID", escape_markup(a.id))
    grid.add_row(
        "Step", escape_markup(f"{step.name}: {step.summary}" if step.summary else step.name)
    )
    grid.add_row("Target (guide)" if a.origin == "guide" else "Target", escape_markup(a.target))
    if a.period_start is not None and a.period_end is not None:
        grid.add_row("Period", fmt_period(a))
    if a.start is not None and a.start != a.due:
        grid.add_row("Starts", fmt_date(a.start))
    if item.dates_differ and item.measured_against == "guide":
        grid.add_row("Due", f"{fmt_due(a)}: the guide's deadline, which counts")
        grid.add_row("Your date", f"{fmt_date(item.own_due)} (after the guide's deadline)")
    elif item.dates_differ:
        grid.add_row("Due", f"{fmt_due(a)}: your district's own date")
        grid.add_row("Guide's due", fmt_date(item.guide_due))
    elif item.own_date_only:
        grid.add_row("Due", f"{fmt_due(a)}: your own date; the guide sets none (ongoing work)")
    elif details is not None and details.planned and a.due is not None:
        grid.add_row("Due", f"{fmt_due(a)} (your district's date, the guide's too)")
    else:
        grid.add_row("Due", fmt_due(a))
    rule = due_words(a)
    if rule is not None and rule != a.target and (details is None or not details.planned):
        grid.add_row("Due (guide)", escape_markup(rule))
    if a.time:
        grid.add_row("Time", f"{fmt_time(a.time)} {zone_words(guide.time_zone)}")
    if a.series and a.period_end is not None:
        grid.add_row("Repeats", "yes: this occurrence reports on the period above")
    elif a.series:
        grid.add_row("Repeats", f"every year (this is the {a.due.year if a.due else ''} report)")
    if a.details:
        grid.add_row("Details", escape_markup(a.details))
    if a.required_for:
        grid.add_row("Required for", _REQUIRED_WORDS[a.required_for])
    if a.resources:
        grid.add_row("Resources", escape_markup("\n".join(_resource_lines(a))))
    if a.submit_to:
        grid.add_row("Submit to", escape_markup(", ".join(a.submit_to)))
    status = status_words(item)
    never_late = item.status in (schedule.OPTIONAL, schedule.RECOMMENDED)
    if never_late and item.days_left is not None and item.days_left < 0:
        status += f" (its date passed {count_days(-item.days_left)} ago)"
    elif item.status != schedule.DONE and item.days_left is not None:
        status += f" ({fmt_days(item.days_left)}" + (" left)" if item.days_left > 1 else ")")
    style = row_style(item) or "default"
    grid.add_row("Status", f"[{style}]{escape_markup(status)}[/] as of {fmt_date(as_of)}")
    if item.note:
        grid.add_row("Done note", escape_markup(item.note))
    if details is not None and details.owner:
        grid.add_row("Owner", escape_markup(details.owner))
    if a.origin == "district":
        grid.add_row("Added by", "your district (cimsig remove can take it out)")
    if details is not None and details.notes:
        grid.add_row(
            "Notes",
            "\n".join(
                f"{day_recorded(n.at, guide.time_zone) or ''}  {escape_markup(n.text)}"
                # in date order (a note dated with --as-of may be typed after later ones);
                # notes of one day as they were typed
                for n in sorted(
                    details.notes, key=lambda n: day_recorded(n.at, guide.time_zone) or ""
                )
            ),
        )
    out.print(grid)
    if a.weekend:
        out.print(
            f"[yellow]The due date is a {a.due:%A}: plan to finish by the Friday before.[/]"
            if a.due
            else ""
        )


def _resource_lines(a: Activity) -> list[str]:
    """Each resource on its line, its web address (when the guide gives one) on the next."""
    lines = []
    for resource in a.resources:
        lines.append(resource)
        link = a.link(resource)
        if link:
            lines.append(link)
    return lines


_TRACK_HEADER = {
    "new": "newly identified (every activity the guide requires of new LEAs counts)",
    "continuing": "continuing (activities required only of new LEAs are recommended)",
}

_REQUIRED_WORDS = {
    "all": "all LEAs identified as significantly disproportionate in this cohort",
    "new": "newly identified LEAs (highly recommended for continuing LEAs)",
    "continuing": "LEAs with continuing significant disproportionality",
    "optional": "no one: optional (never overdue, not counted in the progress)",
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
    as_of: dt.date,
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
    last = as_of + dt.timedelta(days=soon_days)
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

    open_now = schedule.in_progress(items)
    late = schedule.overdue(items)
    listed = {i.activity.id for i in open_now}
    soon = [i for i in schedule.due_between(items, as_of, last) if i.activity.id not in listed]
    ongoing = [i for i in items if i.status == schedule.ONGOING]
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
        _print_next_deadline(out, schedule.first_due_after(items, last), "")
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
    zone: str = "America/Los_Angeles",
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
    zone: str = "America/Los_Angeles",
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


# -- timeline -----------------------------------------------------------------------------------

TIMELINE_STYLE = {
    schedule.DONE: "green",
    schedule.OVERDUE: "red",
    schedule.OPEN: "yellow",
    schedule.UPCOMING: "blue",
    schedule.ONGOING: "cyan",
    schedule.RECOMMENDED: "dim",
    schedule.OPTIONAL: "dim",
}
TIMELINE_LABEL_WIDTH = 32  # a status symbol, a space and the longest id (30)


def timeline_width(total: int | None = None) -> tuple[int, int]:
    """(label width, chart columns) for a terminal `total` characters wide."""
    width = total if total is not None else console().width
    return TIMELINE_LABEL_WIDTH, max(12, width - TIMELINE_LABEL_WIDTH - 1)


def render_timeline(
    guide: Guide,
    tl: timeline.Timeline,
    as_of: dt.date,
    *,
    width: int | None,
    svg: str | None,
    lea: str | None = None,
) -> str | None:
    """Draw the timeline on the terminal; with `svg`, also return it as an SVG document."""
    import io

    from rich.console import Console
    from rich.text import Text

    from cimsig import timeline

    label_width = TIMELINE_LABEL_WIDTH
    lines: list[Text] = []
    title = f"{lea}: {guide.title}" if lea else guide.title
    lines.append(Text(terminal_safe(f"{title}: timeline"), style="bold"))
    lines.append(
        Text(f"{fmt_date(tl.first, weekday=False)} to {fmt_date(tl.last, weekday=False)}, "
             f"as of {fmt_date(as_of)}", style="dim")
    )  # fmt: skip
    pad = " " * (label_width + 1)
    lines.append(_header_text(pad + tl.years, "bold"))
    lines.append(_header_text(pad + tl.months, "dim"))
    from cimsig.report_html import STATUS_SYMBOL

    for row in tl.rows:
        # The status reads without colour too: a symbol before each row's label.
        label = f"{STATUS_SYMBOL[row.status]} {terminal_safe(row.label)}"[:label_width]
        text = Text(f"{label:<{label_width}} ", style=TIMELINE_STYLE[row.status])
        for cell in row.cells:
            style = TIMELINE_STYLE[cell.status] if cell.status else ""
            if cell.mark == timeline.TODAY:
                style = "bold magenta"
            text.append(cell.mark, style=style)
        lines.append(text)
    legend = Text(
        f"{timeline.BAR} window  {timeline.DEADLINE} deadline  {timeline.ONGOING} ongoing  "
        f"{timeline.TODAY} as of {fmt_date(as_of, weekday=False)}"
    )
    symbols = Text()
    for status, style in TIMELINE_STYLE.items():
        symbols.append(f"{STATUS_SYMBOL[status]} {status}", style=style)
        symbols.append("  ")
    lines.append(Text(""))
    lines.append(legend)
    lines.append(symbols)
    out = console()
    # A screen that cannot show the marks (a Windows code page) gets ASCII ones, as the
    # tables and bars do, rather than a "?" for every mark; the SVG keeps its own.
    marks = f"{timeline.BAR}{timeline.DEADLINE}{timeline.ONGOING}{timeline.TODAY}"
    symbols_shown = "".join(STATUS_SYMBOL.values())
    plain = (
        None
        if _can_show(marks + symbols_shown)
        else str.maketrans(marks + symbols_shown, "#*:|" + "+!>o~^="[: len(symbols_shown)])
    )
    # The chart's rows are cut at the window's edge; the title, dates and legend wrap instead.
    words = {0, 1, len(lines) - 2, len(lines) - 1}
    for number, line in enumerate(lines):
        shown = line
        if plain is not None:
            shown = line.copy()
            shown.plain = line.plain.translate(plain)
        if number in words:
            out.print(shown, overflow="fold")
        else:
            out.print(shown, no_wrap=True, overflow="crop", crop=True)
    if svg is None:
        return None
    recorder = Console(
        record=True, width=width or out.width, file=io.StringIO(), force_terminal=True,
        color_system="truecolor",
    )  # fmt: skip
    for line in lines:
        recorder.print(line, no_wrap=True, overflow="crop", crop=True)
    return recorder.export_svg(title=f"cimsig timeline: {guide.title}")


def _header_text(line: str, style: str) -> Text:
    """Labels styled, the spaces between them not: in SVG each label then gets its own place
    (a text element mixing spaces and labels is spaced differently by some SVG renderers)."""
    import re

    from rich.text import Text

    text = Text()
    for run in re.findall(r" +|[^ ]+", line):
        text.append(run, style="" if run.startswith(" ") else style)
    return text


_FINDING_STYLE = {"ok": "green", "note": "cyan", "warning": "yellow", "problem": "bold red"}


def render_findings(findings: Sequence[Any]) -> None:
    """`cimsig doctor`'s findings, one per line, the level first."""
    from rich.table import Table

    out = console()
    # The level in a column of its own: a long finding wraps at spaces under its own text.
    for finding in findings:
        style = _FINDING_STYLE.get(finding.level, "")
        first, *rest = finding.message.split("\n")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=8)
        grid.add_column(overflow="fold")  # a long path is folded onto the next line, never cut
        grid.add_row(
            f"[{style}]{finding.level}[/]",
            f"{escape_markup(finding.topic)}: {escape_markup(first)}",
        )
        out.print(grid)
        for line in rest:
            # A command to paste is never broken onto two lines (the terminal wraps it).
            out.print(escape_markup(line), soft_wrap=line.lstrip().startswith("Run: "))
    problems = sum(f.level == "problem" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    out.print()
    if problems:
        out.print(f"[bold red]{problems} problem(s) stop cimsig from working with your files.[/]")
    elif warnings:
        out.print(f"[yellow]{warnings} warning(s); cimsig works, but have a look.[/]")
    else:
        out.print("[green]All is well.[/]")


# -- history ------------------------------------------------------------------------------------


def render_history(
    rows: Sequence[tuple[dict[str, Any], bool, Any]],
    describe: Callable[[dict[str, Any]], str],
    zone: str,
) -> None:
    """Changes, newest first: number, when (in `zone`, the guide's time zone, whatever clock
    recorded it), what, and the ones `undo` takes back next."""
    out = console()
    # Who made each change has a column of its own when the window is wide enough; narrower,
    # it is a line under the change ("by Maria").
    who_column = out.width >= 80
    heads = ("No.", "When", "Who", "Change") if who_column else ("No.", "When", "Change")
    table = _table(*heads)
    table.columns[0].no_wrap = True
    table.columns[0].justify = "right"
    table.columns[1].no_wrap = True
    if who_column:
        table.columns[2].max_width = 14
        table.columns[2].overflow = "fold"
    table.columns[-1].ratio = 1
    table.expand = True
    for entry, undo_next, undone_by in rows:
        cell = escape_markup(describe(entry))
        who = str(entry.get("by") or "")
        if who and not who_column:
            cell += f"\n[dim]by {escape_markup(who)}[/]"
        if undone_by is not None:
            cell += f"\n[dim]undone by change {escape_markup(str(undone_by))}[/]"
        if undo_next:
            cell += "\n[dim]`cimsig undo` takes this back next[/]"
        when = escape_markup(_recorded(str(entry.get("at", "")), zone))
        shown: Any = IdFirst(terminal_safe(str(entry["id"])), cell) if entry.get("id") else cell
        cells = [str(entry.get("seq", "?")), when, escape_markup(who), shown]
        table.add_row(*(cells if who_column else cells[:2] + cells[3:]),
                      style="bold" if undo_next else "")  # fmt: skip
    out.print(table)


def recorded_at(at: str, zone: str) -> str:
    """When a change was recorded, as the history shows it (the guide's time zone, named)."""
    return _recorded(at, zone)


def _recorded(at: str, zone: str) -> str:
    """A recording time in the guide's time zone, named: `Mar 1, 2024 09:30 PST` (one written
    without its offset, as it was written)."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        return f"{fmt_date(moment.date(), weekday=False)} {moment:%H:%M}"
    from cimsig.state import time_zone

    moment = moment.astimezone(time_zone(zone))
    return f"{fmt_date(moment.date(), weekday=False)} {moment:%H:%M %Z}"


# -- several districts --------------------------------------------------------------------------


def render_districts(rows: Sequence[dict[str, Any]]) -> None:
    """The districts followed: name (with the short name --district takes and the progress
    file under it), track, guide."""
    out = console()
    table = _table("District", "Track", "Guide")
    table.expand = True
    table.columns[0].ratio = 1
    table.columns[0].overflow = "fold"  # a short name or a path has no spaces to wrap at
    table.columns[1].no_wrap = True
    table.columns[2].overflow = "fold"
    for row in rows:
        cell = _district_cell(row) + f"\n[dim]{escape_markup(str(row['progress_file']))}[/]"
        table.add_row(cell, escape_markup(row["track"] or "not set"), escape_markup(row["guide"]))
    out.print(table)


def _district_cell(row: dict[str, Any]) -> str:
    """The district's name as written (its short name when it has one), and (dim) the name
    `--district` takes."""
    cell = escape_markup(str(row.get("short") or row["district"]))
    if row["name"] != row["district"]:
        cell += f"\n[dim]--district {escape_markup(str(row['name']))}[/]"
    return cell


def render_overview(rows: Sequence[dict[str, Any]]) -> None:
    """One line per district and guide: done, overdue, open now, the next deadline, and (where
    the window has room) the last change."""
    out = console()
    several_guides = len({r["guide"] for r in rows}) > 1
    wide = out.width >= 72
    # With districts on two guides, the guide gets a column of its own only where there is
    # room; otherwise it goes under the district's name.
    guide_column = several_guides and out.width >= 100
    columns = ["District", "Done", "Overdue", "Open now", "Next due"]
    if wide:
        columns.append("Last change")
    if guide_column:
        columns.insert(1, "Guide")
    table = _table(*columns)
    table.expand = True
    table.columns[0].ratio = 1
    table.columns[0].min_width = 14
    table.columns[0].overflow = "fold"
    for index, name in enumerate(columns[1:], 1):
        table.columns[index].no_wrap = name != "Guide"
        if name == "Guide":
            table.columns[index].overflow = "fold"
    for row in rows:
        due = row["next_due"]
        next_cell = "none left"
        if due:
            next_cell = (
                f"{fmt_date(dt.date.fromisoformat(due), weekday=False)}\n"
                f"[dim]{escape_markup(fmt_days(row['next_days_left']))}[/]"
            )
        name = escape_markup(str(row.get("short") or row["district"]))
        if several_guides and not guide_column:
            name += f"\n[dim]{escape_markup(str(row['guide']))}[/]"
        cells = [
            name,
            f"{row['done']}/{row['total']}",
            str(row["overdue"]),
            str(row["open"]),
            next_cell,
        ]
        if wide:
            changed = row["last_change"]
            cells.append(
                fmt_date(dt.date.fromisoformat(changed), weekday=False) if changed else "never"
            )
        if guide_column:
            cells.insert(1, escape_markup(str(row["guide"])))
        table.add_row(*cells, style="red" if row["overdue"] else "")
    out.print(table)
