"""`cimsig doctor` reports what needs attention, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path


def findings(cli, *args: str) -> list[dict]:
    result = cli("doctor", "--json", *args)
    assert result.exit_code in (0, 3), result.output
    return json.loads(result.stdout)


def test_a_fresh_install_is_fine(cli) -> None:
    result = cli("doctor", "--as-of", "2024-04-20")
    assert result.exit_code == 0, result.output
    assert "does not exist yet" in " ".join(result.stdout.split())
    levels = {f["level"] for f in findings(cli, "--as-of", "2024-04-20")}
    assert "problem" not in levels and "warning" not in levels


def test_doctor_finds_unknown_ids_late_plans_and_weekends(cli, state_path: Path) -> None:
    assert cli("plan", "step1-submit-stepwell", "--due", "2024-07-20").exit_code == 0
    text = state_path.read_text().replace(
        "done: {}", "done:\n  retired-activity: {date: '2024-01-02'}"
    )
    state_path.write_text(text)
    before = state_path.read_bytes()
    found = findings(cli, "--as-of", "2024-06-01")
    messages = " ".join(f["message"] for f in found)
    assert "retired-activity" in messages
    assert (
        "your date for step1-submit-stepwell (2024-07-20) is after the guide's deadline" in messages
    )
    weekend = [f["message"] for f in found if f["topic"] == "weekend"]
    assert any(
        m.startswith("step3-approvals is due on Saturday, November 30, 2024") for m in weekend
    )
    # The date that counts is the guide's (Wednesday, July 10), not the later Saturday planned.
    assert not any("step1-submit-stepwell" in m for m in weekend)
    assert {f["level"] for f in found} >= {"ok", "warning", "note"}
    assert state_path.read_bytes() == before


def test_doctor_reports_an_unreadable_state_as_a_problem(cli, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_text("version: 2\ndone: [broken\n")
    result = cli("doctor")
    assert result.exit_code == 3
    assert "problem" in result.stdout and "cannot be used" in " ".join(result.stdout.split())
    assert state_path.read_text() == "version: 2\ndone: [broken\n"


def test_doctor_sees_a_lock_in_use(cli, lock_holder) -> None:
    assert cli("init", "--lea", "Test USD").exit_code == 0
    assert next(f for f in findings(cli) if f["topic"] == "lock")["level"] == "ok"
    lock_holder()
    lock = next(f for f in findings(cli) if f["topic"] == "lock")
    assert lock["level"] == "note" and "another cimsig is writing" in lock["message"]


def test_an_own_activity_under_a_step_the_guide_lacks(cli, cli_json, state_path: Path) -> None:
    assert cli("add", "SELPA review", "--step", "step2", "--due", "2024-09-15").exit_code == 0
    text = state_path.read_text().replace("step: step2", "step: step9")
    state_path.write_text(text)
    shown = cli("show", "selpa", "--as-of", "2024-09-01")
    assert shown.exit_code == 0, shown.output
    assert "step9" in shown.stdout
    assert cli_json("list", "--as-of", "2024-09-01")[-1]["step_name"] == "step9"
    messages = " ".join(f["message"] for f in findings(cli, "--as-of", "2024-09-01"))
    assert "filed under 'step9', which is not a step of this guide" in messages
