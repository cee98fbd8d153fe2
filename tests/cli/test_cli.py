"""The commands as a user types them: output, exit codes, messages on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines())


# -- guide commands -----------------------------------------------------------------------------


def test_version_and_help_on_every_command(cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("cimsig ")
    top = cli("--help")
    assert "Exit codes" in top.stdout
    from cimsig.cli.entry import COMMAND_MODULES

    commands = list(COMMAND_MODULES)
    assert {"list", "show", "validate", "where", "done", "undo", "status", "next"} <= set(commands)
    for command in commands:
        result = cli(command, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage" in result.stdout


def test_list_json_has_every_activity_with_stable_keys(cli_json) -> None:
    rows = cli_json("list", "--as-of", "2024-04-20")
    assert len(rows) == 44
    keys = {
        "id",
        "step",
        "title",
        "target",
        "start",
        "due",
        "time",
        "ongoing",
        "weekend",
        "resources",
        "submit_to",
        "status",
        "done_on",
        "days_left",
        "note",
    }
    assert all(keys <= set(row) for row in rows)
    meeting = next(r for r in rows if r["id"] == "prep-virtual-meeting")
    assert (meeting["start"], meeting["due"], meeting["time"]) == (
        "2024-04-02",
        "2024-04-02",
        "12:00-13:30",
    )
    ongoing = next(r for r in rows if r["id"] == "step1-team-meetings")
    assert (ongoing["due"], ongoing["days_left"], ongoing["status"]) == (None, None, "ongoing")
    # Post-approval work waits for the plan: the guide's December 6, 2024 until it is done.
    later = next(r for r in rows if r["id"] == "step4-implement")
    assert (later["start"], later["status"]) == ("2024-12-06", "upcoming")


def test_list_json_keys_are_sorted(cli) -> None:
    out = cli("list", "--json", "--as-of", "2024-04-20", "--step", "prep").stdout
    orders: list[list[str]] = []
    json.loads(out, object_pairs_hook=lambda pairs: orders.append([k for k, _ in pairs]))
    assert len(orders) == 5 and all(keys == sorted(keys) for keys in orders)


def test_list_expands_the_yearly_count_by_as_of(cli_json) -> None:
    ids = [r["id"] for r in cli_json("list", "--as-of", "2026-11-27", "--step", "step4")]
    assert ids[-3:] == [
        "step4-unduplicated-count-2025",
        "step4-unduplicated-count-2026",
        "step4-unduplicated-count-2027",
    ]


def test_list_table_marks_weekends_and_groups_by_step(cli) -> None:
    result = cli("list", "--as-of", "2024-04-20", "--step", "step3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Step 3 (0/8 done)" in out and "Step 2" not in out
    assert "Nov 1 - Nov 30, 2024" in out and "(weekend)" in out
    assert "Target: Prior to December 6, 2024" in out


def test_list_rejects_an_unknown_step(cli) -> None:
    result = cli("list", "--step", "step9", "--as-of", "2024-04-20")
    assert result.exit_code == 2
    assert "There is no step 'step9'" in result.stderr and result.stdout == ""


def test_show_gives_everything_about_one_activity(cli) -> None:
    result = cli("show", "submit-documents", "--as-of", "2024-12-01")
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert "step3-submit-documents" in out
    assert "Due             Fri Dec 6, 2024" in out
    assert "Submit to       Stepwell, SigDisp@cde.ca.gov" in out
    assert "upcoming (5 days left) as of Sun Dec 1, 2024" in out


def test_show_warns_of_a_weekend_deadline(cli) -> None:
    out = cli("show", "step3-approvals", "--as-of", "2024-11-01").stdout
    assert "Sat Nov 30, 2024 (weekend)" in out
    assert "The due date is a Saturday" in out


def test_ambiguous_and_unknown_ids_exit_2_on_stderr(cli) -> None:
    ambiguous = cli("show", "fmta", "--as-of", "2024-04-20")
    assert ambiguous.exit_code == 2
    assert "matches 4 activities" in ambiguous.stderr and "step3-fmta-checkin-december" in (
        ambiguous.stderr
    )
    unknown = cli("show", "prep-asurance", "--as-of", "2024-04-20")
    assert unknown.exit_code == 2
    assert "Did you mean: prep-assurance" in unknown.stderr
    assert "Traceback" not in unknown.output


def test_validate_the_bundled_guide_and_a_bad_one(cli, tmp_path: Path) -> None:
    ok = cli("validate")
    assert ok.exit_code == 0, ok.output
    assert "44 activities in 5 steps" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: 1\nguide: {id: g, title: G, steps: [{id: s, name: S}]}\n"
        "activities:\n  - {id: a, step: s, title: A, target: x, due: 2024-02-30}\n"
        "  - {id: a, step: t, title: B, target: y, ongoing: true}\n"
    )
    result = cli("validate", str(bad))
    assert result.exit_code == 3
    assert "has 3 problems" in result.stderr
    assert "line 4, activity 'a': due: '2024-02-30' is not a real calendar date" in result.stderr
    assert "line 5, activity 'a': unknown step 't'" in result.stderr
    assert "line 5, activity 'a': the id is used twice (first on line 4)" in result.stderr
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("format: !!python/object/apply:os.system ['echo hi']\n")
    result = cli("validate", str(tagged))
    assert result.exit_code == 3 and "line 1" in result.stderr and "not allowed" in result.stderr


def test_guide_option_and_environment(cli, tmp_path: Path, monkeypatch) -> None:
    missing = tmp_path / "nope.yaml"
    assert cli("list", "--guide", str(missing)).exit_code == 3
    monkeypatch.setenv("CIMSIG_GUIDE", str(missing))
    result = cli("status", "--as-of", "2024-04-20")
    assert result.exit_code == 3 and "There is no guide file" in result.stderr


def test_where_names_the_guide_and_the_state(cli_json, state_path: Path) -> None:
    info = cli_json("where")
    assert info["state"] == str(state_path) and info["state_exists"] is False
    assert info["guide"].endswith("pacing_2024.yaml") and info["guide_source"] == "bundled"


# -- progress -----------------------------------------------------------------------------------


def test_status_golden(cli, state_path: Path, golden) -> None:
    assert cli("done", "assurance", "--as-of", "2024-04-20", "--on", "4/18/2024").exit_code == 0
    result = cli("status", "--as-of", "2024-04-20")
    assert result.exit_code == 0, result.output
    golden("status_2024-04-20.txt", lines(result.stdout).replace(str(state_path), "STATE"))


def test_status_check_exit_codes(cli) -> None:
    assert cli("status", "--check", "--as-of", "2024-03-31").exit_code == 0
    # prep-intro-recordings is due April 1: on April 1 it is not overdue, on April 2 it is.
    assert cli("status", "--check", "--as-of", "2024-04-01").exit_code == 0
    late = cli("status", "--check", "--as-of", "2024-04-02")
    assert late.exit_code == 1
    assert "prep-intro-recordings" in late.stdout


def test_done_undo_round_trip_with_json(cli, cli_json) -> None:
    rows = cli_json("done", "step1-workshop", "--as-of", "2024-04-26", "--note", "Five went")
    assert [(r["id"], r["status"], r["done_on"], r["note"], r["changed"]) for r in rows] == [
        ("step1-workshop", "done", "2024-04-26", "Five went", True)
    ]
    again = cli("done", "step1-workshop", "--as-of", "2024-04-27")
    assert again.exit_code == 0 and "was already done; nothing changed" in again.stdout
    undone = cli("undo", "step1-workshop", "--as-of", "2024-04-27")
    assert undone.exit_code == 0 and "Reopened: step1-workshop" in undone.stdout
    row = cli_json("show", "step1-workshop", "--as-of", "2024-04-27")
    assert (row["status"], row["done_on"], row["days_left"]) == ("overdue", None, -2)
    # undo with no id reverts the most recent change: the reopening.
    reverted = cli("undo", "--as-of", "2024-04-27")
    assert reverted.exit_code == 0 and "Undid change 2 (undo step1-workshop)" in reverted.stdout
    assert cli_json("show", "step1-workshop", "--as-of", "2024-04-27")["note"] == "Five went"


def test_undo_with_nothing_to_undo(cli) -> None:
    result = cli("undo", "--as-of", "2024-04-27")
    assert result.exit_code == 0 and "nothing to undo" in result.stdout


def test_done_several_ids_at_once_and_in_the_future(cli, cli_json) -> None:
    rows = cli_json("done", "prep-assurance", "prep-mou", "--as-of", "2024-04-19")
    assert [r["id"] for r in rows] == ["prep-assurance", "prep-mou-meeting"]
    future = cli("done", "step1-workshop", "--as-of", "2024-04-19", "--on", "2024-04-20")
    assert future.exit_code == 2 and "is after 2024-04-19" in future.stderr


@pytest.mark.parametrize("bad", ["2024-02-30", "someday", "13/13/2024"])
def test_bad_dates_exit_2_with_an_example(cli, bad: str) -> None:
    result = cli("next", "--as-of", bad)
    assert result.exit_code == 2
    assert "--as-of" in result.stderr and "2024-10-01" in result.stderr


def test_next_lists_what_is_due_soonest_first(cli) -> None:
    result = cli("next", "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    out = result.stdout
    order = [
        out.index(i)
        for i in (
            "step1-step2-prework",
            "step1-step2-workshop",
            "step1-policies-practices",
            "step1-case-study",
        )
    ]
    assert order == sorted(order)
    assert "step1-fmta-checkin" not in out  # due July 9: after the 30 days
    assert "Sun Jun 30, 2024 *" in out and "* falls on a weekend" in out
    assert "11:00 a.m.-1:00 p.m. Pacific time" in out


def test_next_with_nothing_in_range_shows_the_next_deadline(cli) -> None:
    result = cli("next", "--as-of", "2024-12-07")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert (
        "Nothing is due in the next 30 days, from Sat Dec 7, 2024 through Mon Jan 6, 2025." in out
    )
    assert "The next deadline is Mon Mar 31, 2025 (114 days away): step4-budget-amendment" in out


def test_next_days_and_all(cli_json, cli) -> None:
    due_today = cli_json("next", "--as-of", "2024-04-19", "--days", "0")
    assert [r["id"] for r in due_today] == ["prep-assurance", "prep-mou-meeting"]
    everything = cli_json("next", "--as-of", "2024-04-19", "--days", "0", "--all")
    statuses = {r["status"] for r in everything}
    assert {"overdue", "open", "ongoing"} <= statuses
    assert cli("next", "--days", "-5").exit_code == 2


def test_a_damaged_state_file_is_reported_and_kept(cli, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_bytes(b"version: 1\ndone: [oops\n")
    result = cli("done", "prep-assurance", "--as-of", "2024-04-20")
    assert result.exit_code == 3
    assert str(state_path) in result.stderr and "has not changed it" in result.stderr
    assert state_path.read_bytes() == b"version: 1\ndone: [oops\n"


def test_a_state_of_another_guide_is_refused(cli, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_text("version: 1\nguide: cim-sigdis-2025\ndone: {}\n")
    result = cli("status", "--as-of", "2024-04-20")
    assert result.exit_code == 3 and "records progress on the guide 'cim-sigdis-2025'" in (
        result.stderr
    )


def test_unknown_ids_in_the_state_are_kept_and_reported(cli, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_text(
        "version: 1\nguide: cim-sigdis-2024\ndone:\n  old-activity: {date: '2024-01-02'}\n"
    )
    result = cli("status", "--as-of", "2024-04-20")
    assert result.exit_code == 0, result.output
    assert "old-activity" in " ".join(result.stdout.split())
    assert cli("done", "prep-assurance", "--as-of", "2024-04-20").exit_code == 0
    assert "old-activity" in state_path.read_text()
