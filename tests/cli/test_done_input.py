"""What `done` says and refuses: "one change" only when something changed, a one-word note
between ids, dates before the window or after today, the day an "already done" was recorded,
and which activities --include-upcoming adds."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def done_ids(cli_json, as_of: str) -> set[str]:
    return {r["id"] for r in cli_json("list", "--as-of", as_of) if r["status"] == "done"}


# -- "one change" only when something changed --------------------------------------------


def test_one_change_is_said_only_when_something_changed(cli) -> None:
    both = ("done", "step1-case-study", "step1-parent-input", "--as-of", "2024-06-21")
    first = ok(cli(*both))
    assert "One change: `cimsig undo` takes it all back." in first
    again = ok(cli(*both))
    assert again.count("already done") == 2
    assert "One change" not in again and "undo" not in again


# -- an unquoted note between ids --------------------------------------------------------


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


# -- impossible dates --------------------------------------------------------------------


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


# -- "already done" names the day it is recorded -----------------------------------------


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


def test_the_include_upcoming_warning_names_the_activities(cli) -> None:
    result = cli("done", "--step", "step3", "--include-upcoming", "--as-of", "2024-10-15", "--yes")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "(--include-upcoming): " in said and "step3-approvals" in said.split("Warning:")[1]
