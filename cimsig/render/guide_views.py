"""The guide's views: `list` (every activity with its status) and `show` (one activity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cimsig import schedule
from cimsig.guide import Activity, Guide, due_words
from cimsig.render.formatting import (
    count_days,
    count_words,
    fmt_date,
    fmt_days,
    fmt_due,
    fmt_period,
    fmt_time,
    fmt_window,
    status_words,
    zone_words,
)
from cimsig.schedule import ActivityStatus

if TYPE_CHECKING:
    from cimsig.workspace import PlanDetails
from cimsig.render.terminal import (
    _activity_cell,
    _header,
    _id_column,
    _list_status,
    _table,
    console,
    escape_markup,
    row_style,
)


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


_REQUIRED_WORDS = {
    "all": "all LEAs identified as significantly disproportionate in this cohort",
    "new": "newly identified LEAs (highly recommended for continuing LEAs)",
    "continuing": "LEAs with continuing significant disproportionality",
    "optional": "no one: optional (never overdue, not counted in the progress)",
}
