"""`history`: the changes, newest first, and when each was recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cimsig.render.formatting import (
    fmt_date,
    terminal_safe,
)

if TYPE_CHECKING:
    from cimsig.history_entry import HistoryEntry
from cimsig.render.terminal import IdFirst, _table, console, escape_markup

# -- history ------------------------------------------------------------------------------------


def render_history(
    rows: Sequence[tuple[HistoryEntry, bool, Any]],
    describe: Callable[[HistoryEntry], str],
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
        who = str(entry.by or "")
        if who and not who_column:
            cell += f"\n[dim]by {escape_markup(who)}[/]"
        if undone_by is not None:
            cell += f"\n[dim]undone by change {escape_markup(str(undone_by))}[/]"
        if undo_next:
            cell += "\n[dim]`cimsig undo` takes this back next[/]"
        when = escape_markup(_recorded("" if entry.at is None else str(entry.at), zone))
        shown: Any = IdFirst(terminal_safe(str(entry.id)), cell) if entry.id else cell
        cells = ["?" if entry.seq is None else str(entry.seq), when, escape_markup(who), shown]
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


# -- a change in words (the history, the web page, undo's question) -----------------------------


ACTION_WORDS = {
    "done": "marked done",
    "correct": "corrected the done record",
    "undo": "reopened",
    "plan": "set the district's own dates",
    "assign": "set the owner",
    "note": "added a note",
    "add": "added an own activity",
    "remove": "removed an own activity",
    "init": "set the district profile",
    "revert": "undid change",
    "archive": "moved older changes to a side file",
    "merge": "merged another copy",
}


def describe(entry: HistoryEntry, seq_of: dict[Any, Any] | None = None) -> str:
    """A change in plain words, for a person reading the history (`seq_of`: the number of each
    entry id, to name the change a revert undid)."""
    action = "?" if entry.action is None else str(entry.action)
    words = ACTION_WORDS.get(action, action)
    changes = entry.changes or []
    first = entry.first_change
    after = first.get("after")
    if action == "done" and isinstance(after, dict) and after.get("date"):
        return f"{words} (done on {_day(after['date'])})"
    if action == "assign":
        return f"owner: {after}" if after else "removed the owner"
    if action == "note" and isinstance(first.get("added"), dict):
        return f"{words}: {_short(str(first['added'].get('text', '')))}"
    if action == "plan" and isinstance(after, dict):
        dates = [f"{k} {_day(after[k])}" for k in ("start", "due") if after.get(k)]
        return f"{words}: {', '.join(dates)}" if dates else "cleared the district's own dates"
    if action == "add" and isinstance(after, dict):
        return f"{words}: {_short(str(after.get('title', '')))}"
    if action == "revert":
        reverts = entry.reverts
        number = (seq_of or {}).get(reverts)
        return f"{words} {number}" if number is not None else "undid a change now archived"
    if action == "merge":
        return "took records from another copy (merge)" if changes else "merged another copy"
    if action == "archive" and isinstance(entry.archived, dict):
        moved = entry.archived
        count = moved.get("count")
        return (
            f"moved {count} {'change' if count == 1 else 'changes'} recorded before "
            f"{_day(moved.get('before'))} to {moved.get('file')}"
        )
    return words


def _day(text: Any) -> str:
    try:
        return fmt_date(dt.date.fromisoformat(str(text)), weekday=False)
    except ValueError:
        return str(text)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
