"""What a second new-user trial found (issue 23, second round): a change piped to a pager is
saved, "one change" only when something changed, an unquoted note's words, impossible dates,
own dates on ongoing work, spreadsheets saved as workbooks, options after `--`, the date an
"already done" was recorded, and counts that agree."""

from __future__ import annotations

import subprocess
import sys


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def done_ids(cli_json, as_of: str) -> set[str]:
    return {r["id"] for r in cli_json("list", "--as-of", as_of) if r["status"] == "done"}


# -- 1. a reader that went away does not stop the change ------------------------------------


def _run_with_reader_gone(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run cimsig with its stdout a pipe whose reader has already gone (`| head -0`)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before cimsig has written a word
    err = proc.stderr.read()
    proc.wait(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, b"", err)


def test_a_catch_up_piped_to_a_reader_that_stops_early_is_saved(cli, cli_json, tmp_path) -> None:
    plan = tmp_path / "f.yaml"
    ok(cli("init", "--state", str(plan), "--as-of", "2024-03-01"))
    ran = _run_with_reader_gone(
        ["done", "--through", "2024-07-10", "--on", "2024-07-10", "--yes", "--as-of",
         "2024-09-09", "--state", str(plan)]
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr.decode()
    rows = cli_json("list", "--as-of", "2024-09-09", "--state", str(plan))
    done = {r["id"]: r["done_on"] for r in rows if r["status"] == "done"}
    assert len(done) == 17 and set(done.values()) == {"2024-07-10"}


def test_a_spreadsheet_catch_up_piped_to_head_is_saved(cli, cli_json, tmp_path) -> None:
    plan = tmp_path / "f.yaml"
    ok(cli("init", "--state", str(plan), "--as-of", "2024-03-01"))
    sheet = tmp_path / "f.csv"
    sheet.write_text("id,done_on\nprep-assurance,2024-04-19\nprep-mou-meeting,2024-04-18\n")
    ran = _run_with_reader_gone(
        ["done", "--from", str(sheet), "--yes", "--as-of", "2024-09-09", "--state", str(plan)]
    )
    assert ran.returncode == 0, ran.stderr.decode()
    rows = cli_json("list", "--as-of", "2024-09-09", "--state", str(plan))
    assert {r["id"] for r in rows if r["status"] == "done"} == {
        "prep-assurance", "prep-mou-meeting"
    }  # fmt: skip


def test_a_reader_that_stops_early_leaves_the_exit_code_as_it_would_be(tmp_path) -> None:
    assert _run_with_reader_gone(["status", "--as-of", "2024-09-09"]).returncode == 0
    # overdue work is still overdue: --check says so whoever reads the page
    assert _run_with_reader_gone(["status", "--check", "--as-of", "2024-09-09"]).returncode == 1


# -- 2. "one change" only when something changed --------------------------------------------


def test_one_change_is_said_only_when_something_changed(cli) -> None:
    both = ("done", "step1-case-study", "step1-parent-input", "--as-of", "2024-06-21")
    first = ok(cli(*both))
    assert "One change: `cimsig undo` takes it all back." in first
    again = ok(cli(*both))
    assert again.count("already done") == 2
    assert "One change" not in again and "undo" not in again


# -- 3. an unquoted note between ids --------------------------------------------------------


def test_a_one_word_note_between_ids_is_refused_with_both_readings(cli, cli_json) -> None:
    result = cli(
        "done", "case-study", "--note", "Finished", "parent-input", "--as-of", "2024-06-21"
    )
    assert result.exit_code == 2, result.output
    assert "--note got only 'Finished'" in result.stderr and "Nothing was changed" in result.stderr
    said = " ".join(result.stderr.split())
    assert 'cimsig done case-study --note "Finished parent-input" --as-of 2024-06-21' in said
    assert "cimsig done case-study parent-input --note Finished --as-of 2024-06-21" in said
    assert done_ids(cli_json, "2024-06-21") == set()
    # A note in quotes with spaces is whole; the ids after it are ids.
    ok(cli("done", "case-study", "--note", "Finished it", "parent-input", "--as-of", "2024-06-21"))
    assert done_ids(cli_json, "2024-06-21") == {"step1-case-study", "step1-parent-input"}


def test_ids_all_after_a_one_word_note_are_ids(cli, cli_json) -> None:
    ok(cli("done", "--note", "Sent", "case-study", "parent-input", "--as-of", "2024-06-21"))
    assert done_ids(cli_json, "2024-06-21") == {"step1-case-study", "step1-parent-input"}


# -- 4. impossible dates --------------------------------------------------------------------


def test_done_before_the_window_opens_is_kept_with_a_warning(cli, cli_json) -> None:
    result = cli("done", "step4-budget-amendment", "--on", "2024-12-07", "--as-of", "2025-04-15")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert (
        "Warning: step4-budget-amendment is recorded as done on Sat Dec 7, 2024, before its "
        "window opens (Sat Mar 1, 2025)" in said
    )
    assert "cimsig done step4-budget-amendment --on DATE" in said
    quiet = cli("done", "step3-approvals", "--on", "2024-11-20", "--as-of", "2025-04-15")
    assert quiet.exit_code == 0 and "Warning" not in quiet.stderr


def test_a_catch_up_on_an_earlier_day_leaves_out_work_not_started_by_then(cli, cli_json) -> None:
    result = cli("done", "--through", "2025-03-31", "--on", "2024-12-07", "--as-of", "2025-04-15",
                 "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    done = done_ids(cli_json, "2025-04-15")
    assert "step3-submit-documents" in done  # due Dec 6, 2024
    assert "step4-budget-amendment" not in done  # March 2025: not begun on Dec 7, 2024
    assert "not started by Sat Dec 7, 2024" in " ".join(result.stderr.split())


def test_a_done_date_or_note_date_after_today_is_refused(cli, cli_json) -> None:
    for args in (
        ("done", "case-study", "--as-of", "2099-01-01"),
        ("done", "case-study", "--on", "2099-01-01", "--as-of", "2099-02-01"),
        ("note", "case-study", "Called", "--as-of", "2099-01-01"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "is after today" in result.stderr and "Nothing was changed" in result.stderr
    assert done_ids(cli_json, "2099-03-01") == set()
    assert cli_json("show", "case-study")["notes"] == []


def test_plan_with_a_year_typo_is_refused_and_a_date_before_the_window_warned(cli) -> None:
    typo = cli("plan", "case-study", "--due", "2019-01-01", "--as-of", "2024-05-01")
    assert typo.exit_code == 2, typo.output
    assert "Is the year a typo?" in typo.stderr
    early = cli("plan", "step3-approvals", "--due", "2024-10-15", "--as-of", "2024-05-01")
    assert early.exit_code == 0, early.output
    assert "before step3-approvals's window opens (Fri Nov 1, 2024)" in " ".join(
        early.stderr.split()
    )


# -- 5. your own date on ongoing work -------------------------------------------------------


def test_an_own_date_on_ongoing_work_is_a_target_of_its_own(cli, cli_json) -> None:
    planned = cli("plan", "step1-team-meetings", "--due", "2024-10-01", "--as-of", "2024-09-01")
    assert planned.exit_code == 0, planned.output
    assert "the guide sets none" in " ".join(planned.stdout.split())
    shown = cli("show", "step1-team-meetings", "--as-of", "2024-11-01")
    said = " ".join(shown.stdout.split())
    assert "the guide's too" not in said
    assert "your own date; the guide sets none (ongoing work)" in said
    assert "overdue against your own date" in said
    row = cli_json("show", "step1-team-meetings", "--as-of", "2024-11-01")
    assert row["guide_due"] is None and row["own_due"] == "2024-10-01"
    assert row["measured_against"] == "district"
    # Counted by --check once past your own date (the README says so), not before.
    assert cli("status", "--check", "--as-of", "2024-03-20").exit_code == 0
    late = cli("status", "--check", "--as-of", "2024-11-01")
    assert late.exit_code == 1
    assert "Your own date; the guide sets none" in " ".join(late.stdout.split())


# -- 6. the workbook cimsig exports, and Excel's "Unicode Text" -----------------------------


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


# -- 7. options typed after `--` ------------------------------------------------------------


def test_options_after_double_dash_are_named_and_the_hint_puts_them_first(cli, cli_json) -> None:
    result = cli("note", "theory-of-action", "--", "- call back", "--as-of", "2024-10-15")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    hint = 'cimsig note theory-of-action --as-of 2024-10-15 -- "- call back"'
    assert hint in said and '--as-of 2024-10-15"' not in said
    assert cli_json("show", "theory-of-action", "--as-of", "2024-10-20")["notes"] == []
    # The hint, followed, works: the note is dated Oct 15.
    ok(cli("note", "theory-of-action", "--as-of", "2024-10-15", "--", "- call back"))
    notes = cli_json("show", "theory-of-action", "--as-of", "2024-10-20")["notes"]
    assert [n["text"] for n in notes] == ["- call back"] and notes[0]["at"].startswith("2024-10-15")


# -- 8. "already done" names the day it is recorded -----------------------------------------


def test_already_done_after_the_as_of_day_names_the_recorded_date(cli, cli_json) -> None:
    ok(cli("done", "case-study", "--on", "2024-06-20", "--as-of", "2024-06-25"))
    assert "step1-case-study" not in done_ids(cli_json, "2024-06-10")
    again = cli("done", "case-study", "--as-of", "2024-06-10")
    assert again.exit_code == 0, again.output
    said = " ".join(again.stdout.split())
    assert "recorded as done on Thu Jun 20, 2024, after Mon Jun 10, 2024" in said
    assert "cimsig done step1-case-study --on DATE" in said
    assert "was already done" not in said
    plain = " ".join(ok(cli("done", "case-study", "--as-of", "2024-06-25")).split())
    assert "was already done; nothing changed (done on Thu Jun 20, 2024" in plain


# -- 9. 60 columns: ids in history, the undo question ---------------------------------------


def test_history_at_60_columns_breaks_an_id_only_at_a_dash(cli, monkeypatch) -> None:
    # 58: with the real clock's longer "When" (Nov 29, 2026 23:06) the trial saw this at 60
    monkeypatch.setenv("COLUMNS", "58")
    ok(cli("done", "step4-unduplicated-count-2025", "--as-of", "2025-08-01"))
    shown = ok(cli("history"))
    assert "…" not in shown
    lines = [line.strip() for line in shown.splitlines()]
    rows = [line.split("PST", 1)[-1].strip() if "PST" in line else line for line in lines]
    joined = "".join(r for r in rows if r.startswith(("step4", "2025:", "count-", "unduplicated")))
    assert "step4-unduplicated-count-2025:" in joined.replace(" ", "")
    assert not any(line.endswith(("202", "2…")) for line in lines)


def test_the_question_to_undo_someone_elses_change_wraps_at_spaces(
    cli, monkeypatch, tmp_path
) -> None:
    import os
    import select
    import time

    monkeypatch.setattr("cimsig.environment.user_name", lambda: "Maria Gonzalez-Whitfield")
    ok(cli("done", "step4-unduplicated-count-2025", "--as-of", "2025-08-01"))
    main, other = os.openpty()
    env = {**os.environ, "COLUMNS": "60"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", "undo"], env=env, stdin=other, stdout=other,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(other)
    seen, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline and b"Undo it?" not in seen:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            seen += os.read(main, 4096)
        elif proc.poll() is not None:
            break
    os.write(main, b"n\n")
    assert proc.wait(timeout=60) == 0
    os.close(main)
    lines = [line for line in seen.decode().replace("\r", "").splitlines() if line.strip()]
    question = lines[lines.index(next(x for x in lines if x.startswith("The latest"))) :]
    assert len(question) > 1 and all(len(line) <= 60 for line in question)
    assert all(line.startswith("  ") for line in question[1:])
    words = " ".join(line.strip() for line in question)
    assert "change 1 (marked done (done on Aug 1, 2025)), made by Maria Gonzalez-Whitfield on" in (
        words
    )  # every word whole: a line broken inside a word would leave a space in it


# -- 10. counts that agree ------------------------------------------------------------------


def _step_line(text: str, step: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(step + " "))


def test_ongoing_beside_a_step_is_the_work_going_on_as_the_footer_lists_it(cli) -> None:
    ok(cli("done", "step1-team-meetings", "--as-of", "2024-11-05"))
    shown = ok(cli("status", "--as-of", "2024-11-05"))
    assert "ongoing" not in _step_line(shown, "Step 4")  # implementing begins Dec 6
    assert "+ 1 ongoing" in _step_line(shown, "Step 1")
    assert "Ongoing (1, not counted in the progress): step1-partner-meetings" in " ".join(
        shown.split()
    )
    later = ok(cli("status", "--as-of", "2025-01-15"))
    assert "+ 2 ongoing" in _step_line(later, "Step 4")


def test_an_ambiguous_word_says_how_many_it_lists(cli) -> None:
    result = cli("note", "plan", "x", "--as-of", "2024-11-05")
    assert result.exit_code == 2, result.output
    listed = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    said = " ".join(result.stderr.split())
    assert "'plan' matches 2 activities" in said
    assert f"{len(listed) - 2} more have it in their title" in said and len(listed) > 2


def test_the_counted_line_says_recommended_work_counts_once_done(cli) -> None:
    ok(cli("init", "--lea", "Beta USD", "--track", "continuing", "--as-of", "2024-04-01"))
    shown = " ".join(ok(cli("status", "--as-of", "2024-11-05")).split())
    assert "work only recommended for your track (until it is done) not counted" in shown


# -- 11. smaller slips ----------------------------------------------------------------------


def test_show_lists_notes_in_date_order(cli) -> None:
    ok(cli("note", "case-study", "Second, typed first", "--as-of", "2024-06-12"))
    ok(cli("note", "case-study", "First, typed later", "--as-of", "2024-06-03"))
    shown = ok(cli("show", "case-study", "--as-of", "2024-06-30"))
    assert shown.index("First, typed later") < shown.index("Second, typed first")


def test_show_with_no_match_lists_candidates_and_a_loose_read_says_which(cli) -> None:
    none = cli("show", "rep", "--as-of", "2024-06-30")
    assert none.exit_code == 2, none.output
    assert "step4-report-2025apr-jun" in none.stderr and "No activity has the id 'rep'" in (
        none.stderr
    )
    loose = cli("show", "case-study", "--as-of", "2024-06-30")
    assert loose.exit_code == 0 and "Note: showing step1-case-study." in loose.stderr
    exact = cli("show", "step1-case-study", "--as-of", "2024-06-30")
    assert "Note:" not in exact.stderr


def test_plan_due_with_an_unquoted_date_gets_the_quoting_hint(cli) -> None:
    result = cli("plan", "case-study", "--due", "June", "14,", "2024", "--as-of", "2024-05-01")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert '--due "June 14, 2024", or as 2024-06-14' in said


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


def test_the_html_report_has_no_control_characters(cli, tmp_path) -> None:
    ok(cli("init", "--lea", "Esc\x1b[31m USD", "--as-of", "2024-04-01"))
    ok(cli("note", "case-study", "red \x1b[31mtext\x07", "--as-of", "2024-06-01"))
    ok(cli("assign", "case-study", "Ana \x1b[1mB", "--as-of", "2024-06-01"))
    target = tmp_path / "r.html"
    ok(cli("export", "html", "--as-of", "2024-09-09", "-o", str(target)))
    page = target.read_text("utf-8")
    assert "\x1b" not in page and "\x07" not in page
    assert "red [31mtext" in page and "Ana [1mB" in page  # the words kept


def test_a_spreadsheet_row_for_ongoing_work_is_refused_by_line(cli, cli_json, tmp_path) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text("id,done_on\nprep-assurance,2024-04-19\nstep1-team-meetings,2024-08-01\n")
    result = cli("done", "--from", str(sheet), "--as-of", "2024-09-09", "--yes")
    assert result.exit_code == 2, result.output
    assert "line 3: step1-team-meetings" in result.stderr and "nothing was changed" in (
        result.stderr
    )
    assert done_ids(cli_json, "2024-09-09") == set()


def test_the_include_upcoming_warning_names_the_activities(cli) -> None:
    result = cli("done", "--step", "step3", "--include-upcoming", "--as-of", "2024-10-15", "--yes")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "(--include-upcoming): " in said and "step3-approvals" in said.split("Warning:")[1]


def test_doctor_says_nothing_of_a_later_own_date_once_the_work_is_done(cli) -> None:
    ok(cli("plan", "case-study", "--due", "2024-07-30", "--as-of", "2024-05-01"))
    before = cli("doctor")
    assert "your date for step1-case-study" in " ".join(before.output.split())
    ok(cli("done", "case-study", "--on", "2024-06-20", "--as-of", "2024-06-25"))
    after = cli("doctor")
    assert "your date for step1-case-study" not in " ".join(after.output.split())
