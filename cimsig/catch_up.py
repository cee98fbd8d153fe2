"""Catching up from a spreadsheet: the rows of a CSV file that say what was done, and when.

`cimsig done --from FILE.csv` reads the CSV `cimsig export csv` writes (or the workbook of
`export xlsx`), after the coordinator filled in `done_on` and `note`, or any CSV with an id
column, a done-date column and perhaps a note column. Every row is checked before anything
changes; the problems are named by line.
No printing, no progress file: the command shows the rows and records them in one change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from cimsig.errors import BadDateError, UsageError

# Column names, compared in lower case with `_` read as a space.
ID_COLUMNS = ("id", "activity id", "cimsig id")
DONE_COLUMNS = (
    "done on", "done date", "date done", "done", "completed", "completed on", "date completed",
)  # fmt: skip
NOTE_COLUMNS = ("note", "done note", "notes")  # cimsig's own CSV has both: `note` is the done one
DISTRICT_COLUMNS = ("district",)
MAX_SHEET_BYTES = 5_000_000  # far more than a guide's rows: anything bigger is the wrong file
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row that says an activity was done."""

    line: int
    activity_id: str
    done_on: dt.date
    note: str | None


def _header_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").replace("_", " ").lower().split())


def _cell(text: str | None) -> str:
    """A cell as typed: a spreadsheet's guard against formulas (a leading apostrophe before
    `=`, `+`, `-`, `@`) taken off again, spaces at either end removed."""
    value = (text or "").strip()
    if len(value) > 1 and value[0] == "'" and value[1:].lstrip("'").startswith(_FORMULA_START):
        value = value[1:]
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_read_back(text: str) -> str:
    """`text` as `done --from` reads it back from the cell cimsig's own export wrote for it
    (control characters and spaces at either end are not in the cell). A cell that reads so
    holds the recorded text, unchanged: the recorded text is kept as it is."""
    from cimsig.formatting import spreadsheet_safe

    return _cell(spreadsheet_safe(text))


def _date_text(value: str) -> str:
    """A date as spreadsheets write it: `2024-04-19 00:00:00` is `2024-04-19`."""
    return re.sub(r"[ T]00:00(:00)?$", "", value)


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_SHEET_BYTES else None
    except OSError as exc:
        raise UsageError(f"--from: {path} cannot be read: {exc.strerror or exc}.") from None
    if data is None:
        raise UsageError(f"--from: {path} is larger than a spreadsheet of the guide can be.")
    return data


def read_text(path: Path, data: bytes | None = None) -> str:
    """The file's text: UTF-16 when it begins with its mark (Excel's "Unicode Text"), UTF-8
    (with or without the mark Excel adds), else Windows' encoding, in which Excel on Windows
    saves "CSV" by default."""
    if data is None:
        data = read_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UsageError(
                f"--from: {path} begins as UTF-16 text but is not; save it again as "
                '"CSV UTF-8". Nothing was changed.'
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# A workbook's first bytes: .xlsx (a zip file), and Excel 97-2003's .xls.
_ZIP_START, _OLD_XLS_START = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


def _workbook_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The rows of a workbook's sheet of activities (cimsig's own export: "Activities"; else
    the first sheet), each with its row number, every cell as text (a date as 2024-04-19).
    cimsig's own "Notes" cell holds the dated notes as well: only its "When done: ..." line (or
    text typed there that is not a dated note) is the done note, read as a column "note"."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise UsageError(
            f"--from: {path} is a workbook; save it as CSV (File > Save As > CSV UTF-8) and "
            "give that file. Nothing was changed."
        ) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any workbook openpyxl cannot read is said so, not a "bug"
        raise UsageError(
            f"--from: {path} looks like a workbook but cannot be read ({exc}); save it as CSV "
            "(File > Save As > CSV UTF-8) and give that file. Nothing was changed."
        ) from None
    try:
        sheet = book["Activities"] if "Activities" in book.sheetnames else book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell_text(v) for v in values]))
    finally:
        book.close()
    if rows and "Activities" in book.sheetnames:
        keys = [_header_key(h) for h in rows[0][1]]
        if "notes" in keys and "note" not in keys:
            at = keys.index("notes")
            rows[0][1][at] = "note"
            for _, cells in rows[1:]:
                if at < len(cells):
                    cells[at] = _done_note_line(cells[at])
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# A dated note as `export xlsx` writes it in the Notes cell: "Apr 1, 2024: text".
_DATED_NOTE = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}: ")


def _done_note_line(text: str) -> str:
    """The done note in a Notes cell of cimsig's workbook: its "When done: ..." line, else
    what the coordinator typed there (the lines that are not dated notes cimsig wrote)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    marked = [line[len("When done:") :].strip() for line in lines if line.startswith("When done:")]
    if marked:
        return marked[0]
    return " ".join(line for line in lines if not _DATED_NOTE.match(line))


# The characters that part a CSV's cells: a comma; a semicolon where a comma is the decimal
# mark (Excel in much of Europe); a tab (Excel's "Unicode Text").
_DELIMITERS = (",", ";", "\t")
_KNOWN_COLUMNS = frozenset(ID_COLUMNS + DONE_COLUMNS + NOTE_COLUMNS + DISTRICT_COLUMNS)


def header_delimiter(text: str) -> str:
    """What parts the cells of the CSV `text`, decided from its first line alone (the column
    names), never from the rows: a note can hold any character, so guessing from the rows reads
    a quote or a semicolon in a note as the file's punctuation. The delimiter is the one that
    makes the first line name cimsig's columns (id, a done date, a note); else the one that
    line holds most often; else a comma. Quotes are always read the standard way (a quote
    inside a quoted cell is doubled), as cimsig, Excel and LibreOffice write them."""
    import csv

    first = text.split("\n", 1)[0].rstrip("\r")

    def names(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(_header_key(cell) in _KNOWN_COLUMNS for cell in cells)

    best = max(_DELIMITERS, key=lambda d: (names(d), first.count(d)))
    return best if names(best) or first.count(best) else ","


def _sheet_rows(path: Path) -> tuple[list[tuple[int, list[str]]], str]:
    """The rows of the file at `path` (a CSV, or a workbook), each with its number, and what a
    number is called in messages ("line" or "row")."""
    import csv
    import io

    data = read_bytes(path)
    if data.startswith(_ZIP_START):
        return _workbook_rows(path), "row"
    if data.startswith(_OLD_XLS_START):
        raise UsageError(
            f"--from: {path} is an Excel 97-2003 workbook (.xls), which cimsig does not read; "
            "save it as CSV (File > Save As > CSV UTF-8) or as .xlsx and give that file. "
            "Nothing was changed."
        )
    text = read_text(path, data)
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=header_delimiter(text))
    try:
        return [(reader.line_num, cells) for cells in reader], "line"
    except csv.Error as exc:
        raise UsageError(
            f"--from: {path} cannot be read as CSV (line {reader.line_num}: {exc}); save it "
            "as CSV UTF-8 and give that file. Nothing was changed."
        ) from None


def read_sheet(
    path: Path,
    known_ids: Collection[str],
    *,
    as_of: dt.date,
    first_date: dt.date | None,
    district: str | None = None,
) -> tuple[list[SheetRow], int]:
    """The rows of the CSV at `path` that give a done date, and how many rows give none.

    Every row is checked first: an unknown id, a date cimsig cannot read, a date after `as_of`
    or before the guide begins (`first_date`), an id given twice with different dates, a row of
    another district's export: all of them are raised at once, each with its line (exit 2).
    """
    records, unit = _sheet_rows(path)
    header = records[0][1] if records else None
    if not header or not any(h.strip() for h in header):
        raise UsageError(f"--from: {path} is empty; nothing was changed.")
    keys = [_header_key(h) for h in header]

    def column(names: tuple[str, ...]) -> int | None:
        return next((keys.index(n) for n in names if n in keys), None)

    id_col, done_col = column(ID_COLUMNS), column(DONE_COLUMNS)
    note_col, district_col = column(NOTE_COLUMNS), column(DISTRICT_COLUMNS)
    if id_col is None or done_col is None:
        wanted = [
            what
            for what, col in (("'id' column", id_col), ("done-date column ('done_on')", done_col))
            if col is None
        ]
        raise UsageError(
            f"--from: {path} has no {' and no '.join(wanted)}; nothing "
            f"was changed. Its first line names: {', '.join(h.strip() for h in header)}. "
            "`cimsig export csv` writes a file with 'id', 'done_on' and 'note' columns to "
            "fill in."
        )
    known = set(known_ids)
    rows: list[SheetRow] = []
    problems: list[str] = []
    seen: dict[str, SheetRow] = {}
    without_date = 0
    for line, cells in records[1:]:

        def get(col: int | None, cells: list[str] = cells) -> str:
            return _cell(cells[col]) if col is not None and col < len(cells) else ""

        activity_id, done_text = get(id_col).lower(), _date_text(get(done_col))
        if not done_text:
            if any(c.strip() for c in cells):
                without_date += 1
            continue
        if not activity_id:
            problems.append(f"{unit} {line}: a done date ({done_text}) but no id")
            continue
        if activity_id not in known:
            problems.append(f"{unit} {line}: no activity has the id '{activity_id}'")
            continue
        row_district = get(district_col)
        if district and row_district and row_district.casefold() != district.casefold():
            problems.append(
                f"{unit} {line}: {activity_id} is a row of {row_district}'s plan, not {district}'s"
            )
            continue
        from cimsig.dates import parse_user_date

        try:
            done_on = parse_user_date(done_text, as_of, option="the done date")
        except BadDateError as exc:
            problems.append(f"{unit} {line}: {activity_id}: {exc.message}")
            continue
        if done_on > as_of:
            problems.append(
                f"{unit} {line}: {activity_id} is done on {done_on}, after {as_of}: cimsig records "
                "work that is done"
            )
            continue
        if first_date is not None and done_on < first_date:
            problems.append(
                f"{unit} {line}: {activity_id} is done on {done_on}, before the guide begins "
                f"({first_date}). Is the year a typo?"
            )
            continue
        row = SheetRow(line, activity_id, done_on, get(note_col) or None)
        earlier = seen.get(activity_id)
        if earlier is not None:
            if (earlier.done_on, earlier.note) != (row.done_on, row.note):
                problems.append(
                    f"{unit} {line}: {activity_id} is also on {unit} {earlier.line}, with another "
                    "date or note"
                )
            continue
        seen[activity_id] = row
        rows.append(row)
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        count = "1 row" if len(problems) == 1 else f"{len(problems)} rows"
        raise UsageError(
            f"--from: {count} of {path} cannot be used; nothing was changed. Fix "
            f"{'it' if len(problems) == 1 else 'them'} and run the command again:",
            problems=shown,
        )
    return rows, without_date
