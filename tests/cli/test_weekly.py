"""Issue 11 through the real command line: the weekly check-in, catching up, help."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import Result


def words(text: str) -> str:
    return " ".join(text.split())


def test_status_leads_with_the_work_in_progress(cli: Callable[..., Result]) -> None:
    result = cli("status", "--as-of", "2024-09-09")
    assert result.exit_code == 0, result.output
    out = words(result.stdout)
    assert "looking 14 days ahead" in out
    assert out.index("In progress (4)") < out.index("Overdue (")
    for activity_id in ("step2-root-causes-meeting", "step2-theory-of-action"):
        assert f"id: {activity_id}" in out
    assert "Ongoing (2, not counted in the progress): step1-team-meetings" in out
    assert "+ 2 ongoing" in out


def test_a_quiet_week_names_the_next_deadline(cli: Callable[..., Result]) -> None:
    assert cli("done", "--through", "2024-12-06", "--yes", "--as-of", "2024-12-06").exit_code == 0
    out = words(cli("status", "--as-of", "2024-12-20").stdout)
    assert "Nothing is overdue." in out
    assert "Nothing is in progress or due in the next 14 days." in out
    assert "The next deadline is Mon Mar 31, 2025 (101 days away): step4-budget-amendment" in out
    assert "Ongoing (4, not counted in the progress)" in out  # the plan went in: step 4 began


def test_status_json_keeps_its_shape(cli_json: Callable[..., object]) -> None:
    rows = cli_json("status", "--as-of", "2024-09-09")
    assert isinstance(rows, list) and len(rows) == 44
    assert {"id", "status", "due", "days_left"} <= set(rows[0])


def test_no_profile_hint_until_init(cli: Callable[..., Result]) -> None:
    assert "cimsig init" in cli("status", "--as-of", "2024-09-09").stdout
    assert cli("init", "--lea", "Sample SD", "--track", "new").exit_code == 0
    assert "No district profile yet" not in cli("status", "--as-of", "2024-09-09").stdout


def test_next_says_what_is_in_progress(cli: Callable[..., Result]) -> None:
    out = words(cli("next", "--as-of", "2024-09-09").stdout)
    assert "Due in the next 30 days" in out or "Nothing is due in the next 30 days" in out
    assert "4 activities are in progress now: see `cimsig status`." in out


def test_done_through_is_one_change_one_undo(cli: Callable[..., Result], cli_json) -> None:
    result = cli("done", "--through", "2024-06-30", "--yes", "--as-of", "2024-09-09")
    assert result.exit_code == 0, result.output
    assert "15 required activities due on or before Sun Jun 30, 2024" in words(result.stdout)
    done = [r["id"] for r in cli_json("list", "--as-of", "2024-09-09") if r["status"] == "done"]
    assert len(done) == 15 and "step1-team-meetings" not in done
    assert cli("undo", "--as-of", "2024-09-09").exit_code == 0
    assert not [r for r in cli_json("list", "--as-of", "2024-09-09") if r["status"] == "done"]


def test_done_step_skips_ongoing_and_recommended(cli: Callable[..., Result], cli_json) -> None:
    assert cli("init", "--lea", "Sample SD", "--track", "continuing").exit_code == 0
    result = cli("done", "--step", "step1", "--yes", "--as-of", "2024-09-09")
    assert result.exit_code == 0, result.output
    rows = {
        r["id"]: r["status"] for r in cli_json("list", "--step", "step1", "--as-of", "2024-09-09")
    }
    assert rows["step1-team-meetings"] == "ongoing"
    assert rows["step1-step2-workshop"] == "recommended"  # new LEAs only: the district's choice
    assert rows["step1-case-study"] == "done"


def test_catching_up_asks_first(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cimsig.environment.can_ask", lambda: True)
    declined = cli("done", "--step", "prep", "--as-of", "2024-09-09", input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "prep-assurance" in declined.stdout and "Nothing was changed." in declined.stdout
    accepted = cli("done", "--step", "prep", "--as-of", "2024-09-09", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Marked done: prep-assurance" in accepted.stdout


def test_catching_up_without_a_terminal_needs_yes(cli: Callable[..., Result], cli_json) -> None:
    result = cli("done", "--through", "2024-06-30", "--as-of", "2024-09-09")
    assert result.exit_code == 2
    assert "--yes" in result.stderr and "Traceback" not in result.output
    assert not [r for r in cli_json("list", "--as-of", "2024-09-09") if r["status"] == "done"]


@pytest.mark.parametrize(
    "args",
    [
        ("done", "--step", "step9", "--yes"),
        ("done", "prep-assurance", "--step", "prep", "--yes"),
        ("done",),
        ("done", "--through", "someday", "--yes"),
    ],
)
def test_catching_up_bad_input_is_exit_2(cli: Callable[..., Result], args: tuple[str, ...]) -> None:
    result = cli(*args, "--as-of", "2024-09-09")
    assert result.exit_code == 2, result.output
    assert "Error" in result.stderr and "Traceback" not in result.output


def test_catching_up_json(cli: Callable[..., Result]) -> None:
    result = cli("done", "--step", "prep", "--yes", "--json", "--as-of", "2024-09-09")
    assert result.exit_code == 0, result.output
    changed = [r["id"] for r in json.loads(result.stdout) if r["changed"]]
    assert changed[0] == "prep-intro-recordings"


@pytest.mark.parametrize("command", [(), ("status",), ("export", "html")])
def test_help_works_like_dash_dash_help(
    cli: Callable[..., Result], command: tuple[str, ...]
) -> None:
    asked = cli("help", *command)
    assert asked.exit_code == 0, asked.output
    assert asked.stdout.strip() == cli(*command, "--help").stdout.strip()


def test_help_on_an_unknown_command(cli: Callable[..., Result]) -> None:
    result = cli("help", "nothing")
    assert result.exit_code == 2 and "There is no command 'nothing'" in result.stderr


def test_help_screens_use_plain_words(cli: Callable[..., Result]) -> None:
    for command in ("assign", "note", "done", "show", "next", "timeline", "validate"):
        text = cli(command, "--help").stdout
        for notation in ("<str>", "<path>", "<file>", "<int", "[x>=", "{ID", "{TEXT"):
            assert notation not in text, f"{command}: {notation}"


def test_a_bad_number_is_said_in_words(cli: Callable[..., Result]) -> None:
    result = cli("next", "--days", "two")
    assert result.exit_code == 2
    assert "--days needs a whole number of days, such as 14" in words(result.stderr)


def test_track_is_case_insensitive_and_changes_name_the_district(
    cli: Callable[..., Result],
) -> None:
    assert cli("init", "--lea", "Sample SD", "--track", "New").exit_code == 0
    result = cli("done", "prep-assurance", "--as-of", "2024-09-09")
    assert result.stdout.startswith("Sample SD: Marked done: prep-assurance")


def test_where_prints_absolute_paths(cli_json, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    info = cli_json("where", "--state", "progress.yaml")
    assert info["state"] == str(tmp_path / "progress.yaml")
