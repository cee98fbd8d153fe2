"""The terminal's building blocks shared by the views: the console, tables, styles by status,
markup escaping and the activity cells (id first on a narrow window). Rich is imported
inside the functions that draw, so `--json` and plain messages never pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cimsig import schedule
from cimsig.guide import Guide
from cimsig.render.formatting import (
    count_days,
    fmt_date,
    fmt_period,
    terminal_safe,
)
from cimsig.schedule import ActivityStatus

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


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
