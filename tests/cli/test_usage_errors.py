"""Slips at the keyboard: usage errors in one plain line, hints that quote what was typed,
misspelt commands, Ctrl-C and closed pipes."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def test_usage_errors_are_one_plain_line_on_stderr(cli) -> None:
    for args in (("status", "--bogus"), ("init", "--track"), ("next", "--days", "two")):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert "╭" not in result.stderr and "Usage:" not in result.stderr
    assert "`cimsig init --help`" in cli("init", "--track").stderr


def test_a_misspelt_command_gets_did_you_mean_and_case_does_not_matter(cli) -> None:
    result = cli("stauts")
    assert result.exit_code == 2
    assert "No such command 'stauts'. Did you mean status?" in result.stderr
    assert "Did you mean status?" in cli("help", "stauts").stderr
    upper = cli("Status", "--as-of", "2024-09-09")
    assert upper.exit_code == 0, upper.output
    assert "As of Mon Sep 9, 2024" in upper.stdout


def test_an_unquoted_note_is_refused_with_the_words_quoted(cli, state_path: Path) -> None:
    assert cli("init", "--lea", "Riverbend Unified").exit_code == 0
    before = state_path.read_bytes()
    result = cli("note", "step1-case-study", "Waiting", "on", "fiscal")
    assert result.exit_code == 2
    assert 'cimsig note step1-case-study "Waiting on fiscal"' in result.stderr
    dash = cli("note", "step1-case-study", "- call back")
    assert dash.exit_code == 2 and "after --" in dash.stderr and "No such option" not in dash.stderr
    assert state_path.read_bytes() == before
    # ... and what the message says works.
    ok = cli("note", "step1-case-study", "--", "- call back")
    assert ok.exit_code == 0, ok.output


def test_the_note_hint_quotes_exactly_the_words_typed_after_note(cli) -> None:
    went = cli("done", "prep-assurance", "--note", "Went", "with", "Ana", "and", "Jim",
               "--as-of", "2024-07-01")  # fmt: skip
    assert went.exit_code == 2
    assert '--note "Went with Ana and Jim"' in went.stderr
    # No --note typed: no hint about one.
    plain = cli("done", "policies", "case-study", "parent-input", "--on", "2024-06-28",
                "--as-of", "2024-07-01")  # fmt: skip
    assert plain.exit_code == 2 and "'policies' is not an id" in plain.stderr
    assert "--note" not in plain.stderr


def test_a_date_cut_at_a_space_is_named_with_a_form_that_works(cli, cli_json) -> None:
    result = cli("done", "assurance", "--on", "April", "19,", "2024", "--as-of", "2024-07-01")
    assert result.exit_code == 2
    assert '--on "April 19, 2024"' in result.stderr and "2024-04-19" in result.stderr
    # The form suggested for a month without its day reads.
    month = cli("done", "assurance", "--on", "April", "--as-of", "2024-07-01")
    assert month.exit_code == 2 and "such as April 1, 2024" in month.stderr
    suggested = cli("done", "assurance", "--on", "April 1, 2024", "--as-of", "2024-07-01")
    assert suggested.exit_code == 0, suggested.output


def test_a_question_left_unanswered_changes_nothing_and_exits_130(cli, monkeypatch) -> None:
    monkeypatch.setattr("cimsig.environment.can_ask", lambda: True)
    result = cli("done", "--through", "2024-04-19", "--as-of", "2024-09-09", input="")
    assert result.exit_code == 130, result.output
    assert "Stopped: nothing was changed." in result.stderr


def test_the_help_lists_status_on_whole_lines(cli) -> None:
    text = cli("--help").stdout
    lines = [line.strip("│ ") for line in text.splitlines()]
    # No line that holds only the end of one (a docstring's line break was kept: "and").
    assert "and" not in lines
    start = next(i for i, line in enumerate(lines) if line.startswith("status"))
    assert " ".join(lines[start : start + 2]).endswith("what falls due in the next 14 days.")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "APPDATA": str(tmp_path / "home"),
        "COLUMNS": "80",
    }
    env.pop("CIMSIG_STATE", None)
    env.pop("PYTHONUNBUFFERED", None)
    return env


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "2024-09-09"),
        pytest.param(("list", "--as-of", "2024-09-09"), marks=pytest.mark.slow),
        pytest.param(("--help",), marks=pytest.mark.slow),
        pytest.param(("status", "--help"), marks=pytest.mark.slow),
    ],
)
def test_a_closed_pipe_is_not_overdue_work(tmp_path: Path, args: tuple[str, ...]) -> None:
    """`cimsig status | head -3`: the reader goes away; exit 0, quietly (not 1: overdue)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", *args],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, errors
    assert errors == ""


def test_ctrl_c_at_a_question_exits_130_and_says_nothing_changed(tmp_path: Path) -> None:
    main, other = os.openpty()  # standard input is a terminal: cimsig asks
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", "done", "--through", "2024-04-19", "--as-of",
         "2024-09-09"],
        env=_env(tmp_path), stdin=other, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(other)
    assert proc.stdout is not None and proc.stderr is not None
    seen, deadline = b"", time.monotonic() + 60
    while b"Mark these" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
    assert b"Mark these 5 as done on Mon Sep 9, 2024?" in seen, seen
    time.sleep(0.2)  # at the question
    proc.send_signal(signal.SIGINT)
    errors = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    os.close(main)
    assert code == 130, errors
    assert "nothing was changed" in errors and "Aborted" not in errors
    assert not (tmp_path / "home" / ".config" / "cimsig" / "state.yaml").exists()
