"""The plan as an Excel workbook (`cimsig export xlsx`): an activities sheet to sort and filter,
and a summary by step. openpyxl is imported only here, by that command.

Every text cell is text, never a formula: one that begins like a formula (= + - @, a tab or a
carriage return) is stored as a string with Excel's "quote prefix", what typing a leading
apostrophe does (OWASP's advice against formula injection), so the words show as written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cimsig import schedule
from cimsig.formatting import count_days, export_safe, fmt_date
from cimsig.guide import Guide
from cimsig.schedule import ActivityStatus

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "ddd mmm d, yyyy"

# A status in words, and its colours (fill, text): the words carry it without colour too.
STATUS_LOOK = {
    schedule.DONE: ("Done", "C6EFCE", "006100"),
    schedule.OVERDUE: ("Overdue", "FFC7CE", "9C0006"),
    schedule.OPEN: ("In progress", "FFEB9C", "7A4500"),
    schedule.UPCOMING: ("Upcoming", "FFFFFF", "000000"),
    schedule.ONGOING: ("Ongoing", "DDEBF7", "1F3864"),
    schedule.RECOMMENDED: ("Recommended", "EDEDED", "3A3A3A"),
    schedule.OPTIONAL: ("Optional", "EDEDED", "3A3A3A"),
}

# (header, width cap, wrapped): owner and notes right after the title, where people look.
ACTIVITY_COLUMNS = [
    ("Step", 12, False),
    ("Activity", 60, True),
    ("Owner", 24, True),
    ("Notes", 50, True),
    ("Status", 24, False),
    ("Due", 17, False),
    ("Starts", 17, False),
    ("Days left", 10, False),
    ("Done on", 17, False),
    ("Days late", 10, False),
    ("Target (pacing guide)", 40, True),
    ("Resources", 40, True),
    ("Submit to", 34, True),
    ("Id", 34, False),
]


def build_xlsx(
    guide: Guide,
    items: Sequence[ActivityStatus],
    rows: Sequence[dict[str, Any]],
    as_of: dt.date,
    lea: str | None,
) -> bytes:
    """The workbook's bytes: "Activities" (the checklist) and "Summary" (progress by step).

    `rows` are the activities as `--json` gives them (owner, notes), in `items`' order."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Activities"
    printed = _print_label(lea or guide.title, as_of)
    _activities(sheet, guide, items, rows, printed)
    summary = book.create_sheet("Summary")
    _summary(summary, guide, items, as_of, lea, printed)
    title = f"{lea}: {guide.title}" if lea else guide.title
    book.properties.title = export_safe(title)[:250]
    book.properties.creator = "cimsig"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def overview_xlsx(rows: Sequence[dict[str, Any]], as_of: dt.date) -> bytes:
    """One sheet, one row per district (as `cimsig overview --json` gives them)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Overview"
    _text(sheet.cell(1, 1), f"Every district as of {fmt_date(as_of)}")
    sheet.cell(1, 1).font = _font(bold=True, size=14)
    headers = ["District", "Guide", "Done", "Total", "% done", "Overdue", "In progress",
               "Next due", "Days left", "Last change", "File"]  # fmt: skip
    _header(sheet, 3, headers)
    for number, row in enumerate(rows, start=4):
        _text(sheet.cell(number, 1), str(row["district"]))
        _text(sheet.cell(number, 2), str(row["guide"]))
        sheet.cell(number, 3, row["done"])
        sheet.cell(number, 4, row["total"])
        _percent(sheet.cell(number, 5), row["done"], row["total"])
        sheet.cell(number, 6, row["overdue"])
        if row["overdue"]:
            _colour(sheet.cell(number, 6), schedule.OVERDUE)
        sheet.cell(number, 7, row["open"])
        _date(sheet.cell(number, 8), row["next_due"])
        sheet.cell(number, 9, row["next_days_left"])
        _date(sheet.cell(number, 10), row["last_change"])
        _text(sheet.cell(number, 11), f"{row['name']}-{row['guide']}.xlsx")
    _finish(
        sheet, first_row=3, caps=[40, 24, 8, 8, 9, 9, 12, 17, 10, 17, 50],
        printed=_print_label("Every district", as_of),
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- the sheets --------------------------------------------------------------------------------


def _activities(
    sheet: Worksheet,
    guide: Guide,
    items: Sequence[ActivityStatus],
    rows: Sequence[dict[str, Any]],
    printed: str = "",
) -> None:
    from openpyxl.styles import Alignment

    _header(sheet, 1, [name for name, _, _ in ACTIVITY_COLUMNS])
    for number, (item, row) in enumerate(zip(items, rows, strict=True), start=2):
        a = item.activity
        done = item.status == schedule.DONE
        notes = [f"When done: {item.note}"] if item.note else []
        notes += [_dated_note(n, guide.time_zone) for n in row.get("notes") or []]
        days_late = item.days_late if done else (
            -(item.days_left or 0) if item.status == schedule.OVERDUE else None
        )  # fmt: skip
        values: list[Any] = [
            guide.step(a.step).name,
            a.title,
            row.get("owner") or "",
            "\n".join(notes),
            STATUS_LOOK.get(item.status, (item.status, "", ""))[0],
            a.due,
            a.start if a.start != a.due else None,
            # Days left only while there are some: an overdue row counts its days late instead.
            None if done or item.status == schedule.OVERDUE else item.days_left,
            item.done_on,
            days_late or None,
            a.target,
            "; ".join(a.resources),
            ", ".join(a.submit_to),
            a.id,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(number, column)
            if isinstance(value, dt.date):
                _date(cell, value)
            elif isinstance(value, str):
                _text(cell, value)
            elif value is not None:
                cell.value = value
            if ACTIVITY_COLUMNS[column - 1][2]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
        _colour(sheet.cell(number, 5), item.status)
    caps = [cap for _, cap, _ in ACTIVITY_COLUMNS]
    _finish(sheet, first_row=1, caps=caps, freeze="C2", printed=printed)


def _summary(
    sheet: Worksheet,
    guide: Guide,
    items: Sequence[ActivityStatus],
    as_of: dt.date,
    lea: str | None,
    printed: str = "",
) -> None:
    steps = schedule.progress_by_step(guide.steps, items)
    done, total = sum(p.done for p in steps), sum(p.total for p in steps)
    late = schedule.overdue(items)
    ahead = [i for i in items if i.status in (schedule.OPEN, schedule.UPCOMING)]
    following = schedule.first_due_after(ahead, as_of - dt.timedelta(days=1))
    who = f"{lea}: " if lea else ""
    _text(sheet.cell(1, 1), f"{who}{guide.title}")
    sheet.cell(1, 1).font = _font(bold=True, size=14)
    _text(sheet.cell(2, 1), f"As of {fmt_date(as_of)}")
    percent = round(100 * done / total) if total else 100
    line = f"{done} of {total} done ({percent}%), {len(late)} overdue"
    if following is not None and following.activity.due is not None:
        left = following.days_left or 0
        line += (
            f"; next deadline {fmt_date(following.activity.due)} "
            f"({count_days(left) + ' left' if left else 'today'}): {following.activity.title}"
        )
    _text(sheet.cell(3, 1), line)
    headers = ["Step", "What it is", "Done", "Total", "% done", "Overdue", "In progress",
               "Ongoing (not counted)"]  # fmt: skip
    _header(sheet, 5, headers)
    row = 6
    for progress in steps:
        in_step = [i for i in items if i.activity.step == progress.step.id]
        overdue = sum(i.status == schedule.OVERDUE for i in in_step)
        values: list[Any] = [
            progress.step.name, progress.step.summary, progress.done, progress.total, None,
            overdue, sum(i.status == schedule.OPEN for i in in_step), progress.ongoing,
        ]  # fmt: skip
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                _text(sheet.cell(row, column), value)
            elif value is not None:
                sheet.cell(row, column, value)
        _percent(sheet.cell(row, 5), progress.done, progress.total)
        if overdue:
            _colour(sheet.cell(row, 6), schedule.OVERDUE)
        row += 1
    _text(sheet.cell(row, 1), "All steps")
    for column, value in ((3, done), (4, total), (6, len(late))):
        sheet.cell(row, column, value)
    sheet.cell(row, 7, sum(i.status == schedule.OPEN for i in items))
    sheet.cell(row, 8, sum(p.ongoing for p in steps))
    _percent(sheet.cell(row, 5), done, total)
    for column in range(1, 9):
        sheet.cell(row, column).font = _font(bold=True)
    _finish(sheet, first_row=5, caps=[14, 60, 8, 8, 9, 9, 12, 12], filters=False, printed=printed)


# -- cells -------------------------------------------------------------------------------------


def _text(cell: Any, value: str) -> None:
    """Text that stays text: a string cell (never a formula), control characters removed, and
    Excel's quote prefix when it begins like a formula."""
    text = export_safe(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _date(cell: Any, value: dt.date | str | None) -> None:
    """A real date (sorts and filters as one), shown "Fri Apr 19, 2024"."""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            _text(cell, value)
            return
    elif value is None:
        return
    else:
        day = value
    cell.value = day
    cell.number_format = DATE_FORMAT


def _percent(cell: Any, done: int, total: int) -> None:
    cell.value = done / total if total else 1
    cell.number_format = "0%"


def _dated_note(note: dict[str, Any], zone: str) -> str:
    from cimsig.state import day_recorded

    day = day_recorded(note.get("at"), zone)
    try:
        when = fmt_date(dt.date.fromisoformat(day), weekday=False) if day else ""
    except ValueError:
        when = day or ""
    return f"{when}: {note['text']}" if when else str(note["text"])


def _font(*, bold: bool = False, size: float = 11, colour: str = "000000") -> Any:
    from openpyxl.styles import Font

    return Font(name="Calibri", bold=bold, size=size, color=colour)


def _colour(cell: Any, status: str) -> None:
    from openpyxl.styles import PatternFill

    _, fill, text = STATUS_LOOK.get(status, ("", "FFFFFF", "000000"))
    cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    cell.font = _font(bold=status in (schedule.OVERDUE, schedule.DONE), colour=text)


def _header(sheet: Worksheet, row: int, names: list[str]) -> None:
    from openpyxl.styles import Alignment, PatternFill

    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row, column)
        _text(cell, name)
        cell.font = _font(bold=True, colour="FFFFFF")
        cell.fill = PatternFill("solid", start_color="1F3864", end_color="1F3864")
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _finish(
    sheet: Worksheet,
    *,
    first_row: int,
    caps: list[int],
    freeze: str | None = None,
    filters: bool = True,
    printed: str = "",
) -> None:
    """Widths that fit the longest line of each column (up to its cap; longer text wraps), the
    header frozen, and filters on the header row. `printed`: what every printed page says at
    its foot beside the page number (the district and the as-of date)."""
    import math

    from openpyxl.utils import get_column_letter

    lines_in_row: dict[int, int] = {}
    for column, cap in enumerate(caps, start=1):
        longest = 0
        for (cell,) in sheet.iter_rows(min_row=first_row, min_col=column, max_col=column):
            if cell.value is None:
                continue
            if isinstance(cell.value, dt.date):
                width = 16
            elif isinstance(cell.value, float):
                width = 5
            else:
                lines = str(cell.value).splitlines() or [""]
                width = max(len(line) for line in lines)
                if cell.alignment is not None and cell.alignment.wrap_text:
                    # Rows are as tall as their wrapped text (Excel and LibreOffice do not
                    # measure a row that a program wrote).
                    wrapped = sum(max(1, math.ceil(len(line) / (cap * 1.2))) for line in lines)
                    lines_in_row[cell.row] = max(lines_in_row.get(cell.row, 1), wrapped)
            longest = max(longest, width)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest, 6), cap) + 2
    for row, count in lines_in_row.items():
        if count > 1:
            sheet.row_dimensions[row].height = 15 * count
    last = get_column_letter(len(caps))
    sheet.freeze_panes = freeze or f"A{first_row + 1}"
    if filters and sheet.max_row > first_row:
        sheet.auto_filter.ref = f"A{first_row}:{last}{sheet.max_row}"
    # Printed: landscape, every column on the page's width, the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{first_row}:{first_row}"
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "Page &P of &N"
    if printed and footer is not None and footer.left is not None:
        footer.left.text = printed


def _print_label(who: str, as_of: dt.date) -> str:
    """ "Sierra USD · As of Sun Dec 1, 2024" for a printed page's footer: `&` is a code there
    (`&P` is the page number), so a district's `&` is written `&&`; cut to fit the 255
    characters a footer may have."""
    text = f"{export_safe(who).replace(chr(10), ' ')[:90]} · As of {fmt_date(as_of)}"
    return text.replace("&", "&&")
