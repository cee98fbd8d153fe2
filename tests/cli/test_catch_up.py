"""Catching up: `done --through` / `--step` take started work only, and `done --from FILE.csv`."""

from __future__ import annotations

import csv
from pathlib import Path


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def done_ids(cli_json, as_of: str) -> set[str]:
    return {r["id"] for r in cli_json("list", "--as-of", as_of) if r["status"] == "done"}


def test_a_step_catch_up_takes_only_work_that_has_started(cli, cli_json) -> None:
    result = cli("done", "--step", "step4", "--as-of", "2025-10-20", "--yes")
    assert result.exit_code == 0, result.output
    done = done_ids(cli_json, "2027-12-31")
    assert "step4-report-2025jul-sep" in done  # due Oct 10, 2025: happened
    assert "step4-report-2025oct-dec" not in done  # due Jan 10, 2026: not yet
    assert "step4-report-2026oct-dec" not in done and "step4-unduplicated-count-2027" not in done
    assert "not started by Mon Oct 20, 2025" in result.stderr
    assert "--include-upcoming" in result.stderr


def test_work_ahead_of_its_time_needs_an_option_and_gets_a_warning(cli, cli_json) -> None:
    result = cli("done", "--step", "step4", "--include-upcoming", "--as-of", "2025-10-20", "--yes")
    assert result.exit_code == 0, result.output
    assert "Warning:" in result.stderr and "have not started" in result.stderr
    assert "step4-report-2026jan-mar" in done_ids(cli_json, "2025-10-20")


def test_the_question_names_the_date_and_shows_titles(cli, cli_json, monkeypatch) -> None:
    monkeypatch.setattr("cimsig.environment.can_ask", lambda: True)
    result = cli("done", "--through", "2024-04-19", "--as-of", "2024-09-09", input="n\n")
    assert result.exit_code == 0, result.output
    assert "Mark these 5 as done on Mon Sep 9, 2024? Use --on DATE for another date." in (
        result.stdout
    )
    assert "Submit Assurance of Compliance form" in result.stdout  # the title, not only the id
    assert "Nothing was changed." in result.stdout
    assert done_ids(cli_json, "2024-09-09") == set()
    on = cli("done", "--through", "2024-04-19", "--on", "2024-04-19", "--as-of", "2024-09-09",
             input="n\n")  # fmt: skip
    assert "Mark these 5 as done on Fri Apr 19, 2024?" in on.stdout
    assert "Use --on DATE" not in on.stdout


def _exported(cli, tmp_path: Path, as_of: str = "2024-09-09") -> tuple[list[str], list[dict]]:
    path = tmp_path / "plan.csv"
    ok(cli("export", "csv", "--as-of", as_of, "-o", str(path)))
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_catch_up_from_cimsigs_own_spreadsheet(cli, cli_json, tmp_path: Path) -> None:
    ok(cli("init", "--lea", "Riverbend Unified"))
    ok(cli("done", "step1-workshop", "--on", "2024-04-25", "--as-of", "2024-09-09"))
    columns, rows = _exported(cli, tmp_path)
    for row in rows:  # filled in as a coordinator does in Excel
        if row["id"] == "prep-assurance":
            row["done_on"], row["note"] = "4/19/2024", "Emailed by Ana"
        if row["id"] == "prep-mou-meeting":
            row["done_on"] = "2024-04-18"
        if row["id"] == "step1-workshop":
            row["done_on"] = "2024-04-24"  # a correction of the date recorded
    sheet = _write(tmp_path / "filled.csv", columns, rows)
    result = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 to mark done, 1 to correct" in result.stdout
    assert (
        "Submit Assurance of Compliance" in result.stdout
        and "Note: Emailed by Ana" in result.stdout
    )
    rows_now = {r["id"]: r for r in cli_json("list", "--as-of", "2024-09-09")}
    assert rows_now["prep-assurance"]["done_on"] == "2024-04-19"
    assert rows_now["prep-assurance"]["note"] == "Emailed by Ana"
    assert rows_now["prep-mou-meeting"]["done_on"] == "2024-04-18"
    assert rows_now["step1-workshop"]["done_on"] == "2024-04-24"
    # One change: one undo takes all of it back.
    undo = cli("undo", "--as-of", "2024-09-09")
    assert undo.exit_code == 0 and undo.stdout.count("Undid change") == 3
    assert done_ids(cli_json, "2024-09-09") == {"step1-workshop"}
    # Reading an unchanged export back changes nothing.
    columns, rows = _exported(cli, tmp_path)
    again = cli("done", "--from", str(_write(tmp_path / "same.csv", columns, rows)),
                "--as-of", "2024-09-09", "--yes")  # fmt: skip
    assert again.exit_code == 0 and "Nothing to record" in again.stdout


def test_any_spreadsheet_with_id_done_date_and_note(cli, cli_json, tmp_path: Path) -> None:
    # Saved by Excel on Windows as "CSV": Windows' encoding, semicolons, other column names.
    sheet = tmp_path / "ours.csv"
    sheet.write_bytes(
        "Activity ID;Date done;Notes\r\n"
        "prep-assurance;04/19/2024;Envoy\xe9 par Ana\r\n"
        "step1-case-study;;\r\n".encode("cp1252")
    )
    result = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 0, result.output
    row = next(r for r in cli_json("list", "--as-of", "2024-09-09") if r["id"] == "prep-assurance")
    assert (row["done_on"], row["note"]) == ("2024-04-19", "Envoy\xe9 par Ana")


def test_bad_rows_are_named_by_line_and_nothing_changes(cli, tmp_path: Path, state_path) -> None:
    ok(cli("init", "--lea", "Riverbend Unified"))
    columns, rows = _exported(cli, tmp_path)
    rows[0]["done_on"] = "2024-04-01"  # fine on its own
    rows[3]["done_on"] = "April 31, 2024"  # line 5
    rows[5]["id"], rows[5]["done_on"] = "step9-nothing", "2024-05-01"  # line 7
    rows[6]["done_on"] = "2025-01-01"  # line 8: after the as-of date
    sheet = _write(tmp_path / "bad.csv", columns, rows)
    before = state_path.read_bytes()
    result = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 2, result.output
    assert "3 rows of" in result.stderr and "nothing was changed" in result.stderr
    assert "line 5:" in result.stderr and "April 31, 2024" in result.stderr
    assert "line 7: no activity has the id 'step9-nothing'" in result.stderr
    assert "line 8:" in result.stderr and "after 2024-09-09" in result.stderr
    assert state_path.read_bytes() == before
    # Another district's export is not taken for this one's.
    rows = [dict(r, district="Alpha USD") for r in _exported(cli, tmp_path)[1]]
    rows[0]["done_on"] = "2024-04-01"
    other = cli("done", "--from", str(_write(tmp_path / "alpha.csv", columns, rows)),
                "--as-of", "2024-09-09", "--yes")  # fmt: skip
    assert other.exit_code == 2 and "Alpha USD's plan" in other.stderr
    # A file without the columns says what it needs.
    plain = tmp_path / "plain.csv"
    plain.write_text("name,when\nx,2024-04-01\n")
    missing = cli("done", "--from", str(plain), "--as-of", "2024-09-09", "--yes")
    assert missing.exit_code == 2 and "'id'" in missing.stderr and "done_on" in missing.stderr
    assert state_path.read_bytes() == before
