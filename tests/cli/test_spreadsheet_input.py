"""`done --from`: cimsig's own workbook, Excel's Unicode Text, an old .xls named plainly, one row
said plainly, and a row for ongoing work refused by its line."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def done_ids(cli_json, as_of: str) -> set[str]:
    return {r["id"] for r in cli_json("list", "--as-of", as_of) if r["status"] == "done"}


# -- the workbook cimsig exports, and Excel's "Unicode Text" -----------------------------


def test_done_from_cimsigs_own_workbook(cli, cli_json, tmp_path) -> None:
    from openpyxl import load_workbook

    ok(cli("done", "step1-workshop", "--on", "2024-04-25", "--note", "All came",
           "--as-of", "2024-09-09"))  # fmt: skip
    ok(cli("note", "prep-mou-meeting", "Asked for the MOU", "--as-of", "2024-04-10"))
    target = tmp_path / "plan.xlsx"
    ok(cli("export", "xlsx", "--as-of", "2024-09-09", "-o", str(target)))
    book = load_workbook(target)
    sheet = book["Activities"]
    header = [c.value for c in sheet[1]]
    id_col, done_col, notes_col = (header.index(n) + 1 for n in ("Id", "Done on", "Notes"))
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, id_col).value == "prep-assurance":
            sheet.cell(row, done_col).value = "4/19/2024"  # typed as text
            sheet.cell(row, notes_col).value = "When done: Emailed by Ana"
        if sheet.cell(row, id_col).value == "prep-mou-meeting":
            import datetime as dt

            sheet.cell(row, done_col).value = dt.datetime(2024, 4, 18)  # a real date cell
            notes = sheet.cell(row, notes_col).value
            assert notes == "Apr 10, 2024: Asked for the MOU"
            sheet.cell(row, notes_col).value = f"{notes}\nSigned at the meeting"  # typed
    book.save(target)
    result = cli("done", "--from", str(target), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 to mark done, 0 to correct" in result.stdout
    rows = {r["id"]: r for r in cli_json("list", "--as-of", "2024-09-09")}
    assert rows["prep-assurance"]["done_on"] == "2024-04-19"
    assert rows["prep-assurance"]["note"] == "Emailed by Ana"
    assert rows["prep-mou-meeting"]["done_on"] == "2024-04-18"
    assert rows["prep-mou-meeting"]["note"] == "Signed at the meeting"  # not the dated note
    assert rows["step1-workshop"]["note"] == "All came"  # its Notes cell was left alone


def test_done_from_excels_unicode_text(cli, cli_json, tmp_path) -> None:
    sheet = tmp_path / "u16.txt"
    sheet.write_bytes(
        "ID\tCompleted\tNotes\nprep-assurance\t4/19/2024\tSeñora Ruiz\n".encode("utf-16")
    )
    result = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in cli_json("list", "--as-of", "2024-09-09")}
    assert rows["prep-assurance"]["done_on"] == "2024-04-19"
    assert rows["prep-assurance"]["note"] == "Señora Ruiz"


def test_an_old_xls_workbook_is_named_plainly(cli, tmp_path) -> None:
    old = tmp_path / "plan.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    result = cli("done", "--from", str(old), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 2, result.output
    assert "save it as CSV" in result.stderr


def test_one_row_and_the_as_of_date_are_said_plainly(cli, tmp_path) -> None:
    sheet = tmp_path / "one.csv"
    sheet.write_text("id,done_on\nprep-assurance,2024-04-19\n")
    one = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert "Record this one in one change?" not in one.stdout  # (--yes: not asked)
    asked = cli("done", "--from", str(sheet), "--as-of", "2024-09-09")
    assert "these 1" not in asked.output
    late = cli("done", "case-study", "--on", "2024-07-01", "--as-of", "2024-06-01")
    assert late.exit_code == 2
    assert "the as-of date (2024-06-01)" in late.stderr and "today's date" not in late.stderr


def test_the_question_for_one_row_is_singular(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("cimsig.environment.can_ask", lambda: True)
    sheet = tmp_path / "one.csv"
    sheet.write_text("id,done_on\nprep-assurance,2024-04-19\n")
    asked = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", input="n\n")
    assert "Record this one in one change?" in asked.stdout


def test_a_spreadsheet_row_for_ongoing_work_is_refused_by_line(cli, cli_json, tmp_path) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text("id,done_on\nprep-assurance,2024-04-19\nstep1-team-meetings,2024-08-01\n")
    result = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 2, result.output
    assert "line 3: step1-team-meetings" in result.stderr and "nothing was changed" in (
        result.stderr
    )
    assert done_ids(cli_json, "2024-09-09") == set()
