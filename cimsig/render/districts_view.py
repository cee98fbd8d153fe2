"""Several districts: `district list` and `overview`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cimsig.render.formatting import (
    fmt_date,
    fmt_days,
)

if TYPE_CHECKING:
    pass
from cimsig.render.terminal import _table, console, escape_markup

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
