"""The program as a user runs it: `python -m cimsig` in a real process: all of the output, the
exit codes and the progress file arrive, and a reader that goes away early gets no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cimsig.storage.store import StateFile


@pytest.fixture
def run(tmp_path: Path, state_path: Path):
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "APPDATA": str(tmp_path / "home"),
        "COLUMNS": "100",
    }
    env.pop("CIMSIG_GUIDE", None)
    env.pop("PYTHONUNBUFFERED", None)  # buffered output, as on a user's computer

    def cimsig(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cimsig", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )

    return cimsig


def test_a_change_is_on_disk_when_the_program_ends(run, state_path: Path) -> None:
    result = run("done", "prep-assurance", "--on", "2024-04-05", "--as-of", "2024-04-20")
    assert result.returncode == 0, result.stderr
    assert "Marked done: prep-assurance" in result.stdout
    assert StateFile(state_path).read().done["prep-assurance"].on.isoformat() == "2024-04-05"
    shown = json.loads(run("show", "prep-assurance", "--json", "--as-of", "2024-04-20").stdout)
    assert shown["status"] == "done"


def test_all_of_a_long_output_arrives(run) -> None:
    result = run("list", "--json", "--as-of", "2024-06-01")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 44
    ids = [row["id"] for row in json.loads(result.stdout)]
    table = run("list", "--as-of", "2024-06-01").stdout
    assert [i for i in ids if i not in table] == []  # the last rows too


@pytest.mark.parametrize(
    ("args", "code", "stream", "words"),
    [
        (("status", "--check", "--as-of", "2025-01-01"), 1, "stdout", "Overdue (30)"),
        (("show", "no-such-activity"), 2, "stderr", "No activity has the id"),
        (("next", "--days", "-5"), 2, "stderr", "--days"),
        (("--version",), 0, "stdout", "cimsig "),
        (("no-such-command",), 2, "stderr", "No such command"),
    ],
)
def test_exit_codes_and_messages(
    run, args: tuple[str, ...], code: int, stream: str, words: str
) -> None:
    result = run(*args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert words in getattr(result, stream)
    assert "Traceback" not in result.stderr


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path, state_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2])
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", "list", "--json", "--as-of", "2024-06-01"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `cimsig list --json | more` does when one quits at once
    errors = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in errors and "Exception ignored" not in errors
