"""`timeline` in the terminal: one line per activity, its window drawn on a calendar."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cimsig import schedule
from cimsig.guide import Guide
from cimsig.render.formatting import (
    fmt_date,
    terminal_safe,
)

if TYPE_CHECKING:
    from rich.text import Text

    from cimsig.render import timeline
from cimsig.render.status_view import _can_show
from cimsig.render.terminal import console

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

    from cimsig.render import timeline

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
    from cimsig.render.report_html import STATUS_SYMBOL

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
