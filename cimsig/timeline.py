"""The timeline (a Gantt chart) laid out as text: pure, no terminal, no colors.

Each row is a label and one cell per column of the chart; each column stands for a span of days.
A cell holds a mark (window, deadline, ongoing, the as-of line) and the status that colors it.
views.py turns the layout into Rich text for the terminal and for SVG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cimsig import schedule
from cimsig.guide import Guide
from cimsig.schedule import ActivityStatus

BAR, DEADLINE, ONGOING, TODAY, EMPTY = "█", "◆", "░", "│", " "
_MONTH_LETTERS = "JFMAMJJASOND"


@dataclass(frozen=True)
class Cell:
    mark: str
    status: str | None = None  # which status colors it; None for empty and the as-of line


@dataclass(frozen=True)
class TimelineRow:
    label: str
    status: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Timeline:
    first: dt.date
    last: dt.date
    columns: int
    years: str  # header line: the years above their January
    months: str  # header line: month initials
    today_column: int | None
    rows: tuple[TimelineRow, ...]


def date_range(items: Sequence[ActivityStatus], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """From the first date of the guide to its last deadline (the as-of date if none has one)."""
    days = [d for i in items for d in (i.activity.start, i.activity.due) if d is not None]
    if not days:
        return as_of, as_of
    return min(days), max(days)


def layout(
    guide: Guide,
    items: Sequence[ActivityStatus],
    as_of: dt.date,
    *,
    columns: int,
    first: dt.date,
    last: dt.date,
    by_step: bool = False,
) -> Timeline:
    # Whole months: a chart that starts and ends on month boundaries reads better.
    first = first.replace(day=1)
    last = _month_end(last)
    span = (last - first).days + 1
    columns = max(12, columns)

    def column(day: dt.date) -> int:
        return min(columns - 1, max(0, (day - first).days * columns // span))

    today = column(as_of) if first <= as_of <= last else None
    rows = _step_rows(guide, items) if by_step else _activity_rows(_in_step_order(guide, items))
    laid = []
    for label, status, marks in rows:
        # A row with nothing between `first` and `last` (--from/--to) is left out.
        if not any(end >= first and (start is None or start <= last) for _, start, end in marks):
            continue
        cells = [Cell(EMPTY)] * columns
        for kind, start, end in marks:
            if end < first or (start is not None and start > last):
                continue
            lo = column(max(start, first)) if start is not None else column(max(end, first))
            if kind == ONGOING and start is None:
                lo = 0
            hi = column(min(end, last))
            for c in range(lo, hi + 1):
                if kind == DEADLINE and c != hi:
                    continue
                if cells[c].mark in (EMPTY, ONGOING) or kind == DEADLINE:
                    cells[c] = Cell(kind, status)
        if today is not None and cells[today].mark in (EMPTY, ONGOING):
            cells[today] = Cell(TODAY)
        laid.append(TimelineRow(label, status, tuple(cells)))
    return Timeline(
        first, last, columns, *_headers(first, last, columns, column), today, tuple(laid)
    )


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


Mark = tuple[str, "dt.date | None", dt.date]


def _marks(item: ActivityStatus, chart_end: dt.date | None = None) -> list[Mark]:
    a = item.activity
    if a.due is None:
        return [(ONGOING, a.start, chart_end or dt.date.max)]
    marks: list[Mark] = []
    if a.start is not None and a.start < a.due:
        marks.append((BAR, a.start, a.due))
    marks.append((DEADLINE, a.due, a.due))
    return marks


def _in_step_order(guide: Guide, items: Sequence[ActivityStatus]) -> list[ActivityStatus]:
    """The activities step by step, in the guide's order of steps: a district's own activity
    sits with its step's activities (after them), not after the last step. Activities of a step
    the guide does not have come last, as they were."""
    order = {step.id: number for number, step in enumerate(guide.steps)}
    return sorted(items, key=lambda i: order.get(i.activity.step, len(order)))


def _activity_rows(items: Sequence[ActivityStatus]) -> list[tuple[str, str, list[Mark]]]:
    return [(i.activity.id, i.status, _marks(i)) for i in items]


def _step_rows(guide: Guide, items: Sequence[ActivityStatus]) -> list[tuple[str, str, list[Mark]]]:
    rows = []
    for step in guide.steps:
        in_step = [i for i in items if i.activity.step == step.id]
        if not in_step:
            continue
        # Ongoing, recommended-only and optional work does not keep a finished step from being done.
        counted = {i.status for i in in_step} - {
            schedule.ONGOING,
            schedule.RECOMMENDED,
            schedule.OPTIONAL,
        }
        statuses = counted or {i.status for i in in_step}
        if statuses == {schedule.DONE}:
            status = schedule.DONE
        elif schedule.OVERDUE in statuses:
            status = schedule.OVERDUE
        elif schedule.OPEN in statuses:
            status = schedule.OPEN
        else:
            status = schedule.UPCOMING
        marks = [m for i in in_step for m in _marks(i)]
        rows.append((step.name, status, marks))
    return rows


def _headers(
    first: dt.date, last: dt.date, columns: int, column: Callable[[dt.date], int]
) -> tuple[str, str]:
    years = [" "] * columns
    months = [" "] * columns
    day = first
    while day <= last:
        c = column(day)
        if months[c] == " " and (c == 0 or months[c - 1] == " "):
            months[c] = _MONTH_LETTERS[day.month - 1]
        if day.month == 1 or day == first:
            label = str(day.year)
            fits = c + len(label) <= columns
            if fits and all(years[k] == " " for k in range(max(0, c - 1), min(columns, c + 5))):
                years[c : c + len(label)] = list(label)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return "".join(years), "".join(months)
