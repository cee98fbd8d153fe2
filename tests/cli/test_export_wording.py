"""What the documents say can be read one way only: numbers that add up to what they say is
counted, columns named so that they cannot be misread, one time zone, the district on every
printed page, a district's own work called its own, and a hint for text that starts with a dash."""

from __future__ import annotations

import csv
import io
import re

import pytest

AS_OF = "2024-12-01"


@pytest.fixture
def plan(cli) -> None:
    assert cli("init", "--lea", "Sierra & Sons USD", "--track", "new").exit_code == 0
    done = cli("done", "step2-theory-of-action", "--on", "2024-11-01", "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    assert cli("assign", "step3-budget-forms", "Ana").exit_code == 0
    assert cli("assign", "step3-submit-documents", "Ana").exit_code == 0
    added = cli("add", "--step", "step3", "--due", "2024-12-20", "--", "Brief the board")
    assert added.exit_code == 0, added.output


def section(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    return html[start : html.index("</section>", start)]


def squash(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


def test_the_step_legend_adds_up_to_what_it_says_is_counted(cli, plan, tmp_path) -> None:
    result = cli("export", "html", "-o", str(tmp_path / "r.html"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    totals = squash(re.search(r'<p class="totals">.*?</p>', section(html, "progress"), re.S)[0])
    legend, counted = totals.split("(", 1)
    numbers = [int(n) for n in re.findall(r"\d+", legend)]
    total = int(re.match(r"(\d+) activities counted", counted)[1])
    assert sum(numbers) == total, totals
    assert "Ongoing" not in legend  # ongoing work is said apart, as not counted
    assert re.search(r"not counted: \d+ ongoing", counted), totals


def test_who_has_what_names_its_columns_plainly(cli, plan, tmp_path) -> None:
    result = cli("export", "html", "-o", str(tmp_path / "r.html"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    workload = section((tmp_path / "r.html").read_text(encoding="utf-8"), "workload")
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', workload)
    assert headers == ["Owner", "Not done", "of which overdue"]
    # Ana: the budget forms overdue, the documents not due yet.
    assert "Ana 2 1" in squash(workload)


def test_the_index_tells_the_time_in_the_guides_zone(cli, tmp_path) -> None:
    for name in ("Alpha USD", "Beta USD"):
        assert cli("district", "add", name, "--track", "new").exit_code == 0
    folder = tmp_path / "all"
    result = cli("export", "html", "--all-districts", "-o", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    index = (folder / "index.html").read_text(encoding="utf-8")
    report = next(p for p in folder.iterdir() if p.name != "index.html").read_text("utf-8")
    made = re.search(r"made ([^<·]*?\d\d:\d\d [A-Z]{3})", index)
    assert made, index
    assert made[1] in report  # "Fri Mar 1, 2024 at 09:00 PST" in both
    assert "UTC" not in made[1]


def test_one_district_is_one_file(cli, tmp_path) -> None:
    assert cli("district", "add", "Alpha USD", "--track", "new").exit_code == 0
    folder = tmp_path / "all"
    result = cli("export", "csv", "--all-districts", "-o", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Wrote 1 file to" in result.stderr


def test_every_printed_page_of_the_workbook_names_the_district_and_date(cli, plan, tmp_path):
    from openpyxl import load_workbook

    result = cli("export", "xlsx", "-o", str(tmp_path / "p.xlsx"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "p.xlsx")
    for sheet in book.worksheets:
        footer = sheet.oddFooter
        assert footer.left.text == "Sierra && Sons USD · As of Sun Dec 1, 2024", sheet.title
        assert footer.center.text == "Page &P of &N"


def test_the_calendar_calls_a_districts_own_activity_its_own(cli, plan, tmp_path) -> None:
    result = cli("export", "ics", "-o", str(tmp_path / "p.ics"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "p.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    own = text[text.index("Brief the board") :]
    own = own[: own.index("END:VEVENT")]
    assert "own activity (not in the pacing guide)" in own
    assert "Target (pacing guide)" not in own
    assert "Target (pacing guide)" in text  # the guide's activities keep their target


def test_done_rows_of_the_csv_have_no_days_left(cli, plan) -> None:
    result = cli("export", "csv", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    done = next(r for r in rows if r["id"] == "step2-theory-of-action")
    assert done["status"] == "done" and done["days_left"] == ""
    late = next(r for r in rows if r["id"] == "step3-budget-forms")
    assert int(late["days_left"]) < 0


@pytest.mark.parametrize(
    ("words", "command"),
    [
        (["assign", "approvals", "-2+3"], "cimsig assign approvals -- -2+3"),
        (["district", "add", "-Minus USD"], 'cimsig district add -- "-Minus USD"'),
        (
            ["add", "-2 budget", "--step", "step3", "--due", "2024-12-20"],
            'cimsig add --step step3 --due 2024-12-20 -- "-2 budget"',
        ),
    ],
)
def test_text_that_starts_with_a_dash_gets_the_command_with_dashes(cli, words, command) -> None:
    assert cli("init", "--lea", "Sierra USD", "--track", "new").exit_code == 0
    result = cli(*words)
    assert result.exit_code == 2, result.output
    assert "starts with a dash" in result.stderr
    assert result.stderr.rstrip().endswith(f"put it after --: {command}")
    # The command shown works: the text is taken as words.
    shown = [w.strip('"') for w in re.findall(r'"[^"]*"|\S+', command)][1:]
    again = cli(*shown, "--as-of", AS_OF) if "--as-of" in words else cli(*shown)
    assert again.exit_code == 0, again.output


def test_a_mistyped_long_option_keeps_clicks_suggestion(cli) -> None:
    result = cli("assign", "step3-approvals", "--jsn")
    assert result.exit_code == 2
    assert "No such option: --jsn" in result.stderr
    assert "dash" not in result.stderr
