"""The hardening issue, point by point, through the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.test_faults import cimsig, env_for

AS_OF = "2024-04-20"


def parallel(state: Path, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once; wait for all."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cimsig", *args],
            env=env_for(state),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    results = []
    for proc, args in zip(procs, commands, strict=True):
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return results


def load(state: Path) -> dict:
    return yaml.safe_load(state.read_text())


# -- ids resolved under the lock ------------------------------------------------------------


def test_two_parallel_adds_of_the_same_title_are_both_kept(state_path: Path) -> None:
    add = ["add", "Board meeting", "--step", "prep", "--due", "2024-05-01"]
    for result in parallel(state_path, add, add):
        assert result.returncode == 0, result.stderr
    custom = load(state_path)["custom"]
    assert len(custom) == 2
    assert {c["title"] for c in custom.values()} == {"Board meeting"}


def test_parallel_init_of_the_name_and_the_track_are_both_kept(state_path: Path) -> None:
    for result in parallel(state_path, ["init", "--lea", "X"], ["init", "--track", "continuing"]):
        assert result.returncode == 0, result.stderr
    assert load(state_path)["profile"] == {"lea": "X", "track": "continuing"}


# -- history entries are checked when the file is read ---------------------------------------

_WITH_SEQ = """\
version: 2
guide: cim-sigdis-2024
done:
  prep-assurance:
    date: '2024-04-01'
    recorded: '2024-04-01T09:00:00-07:00'
history:
- at: '2024-04-01T09:00:00-07:00'
  action: done
  id: prep-assurance
  seq: {seq}
  changes:
  - field: done
    before: null
    after: {{date: '2024-04-01', recorded: '2024-04-01T09:00:00-07:00', note: null}}
"""


@pytest.mark.parametrize("seq", ["abc", ".inf", "null", "[1, 2]"])
@pytest.mark.parametrize(
    "command",
    [
        ["done", "prep-mou", "--as-of", AS_OF],
        ["note", "prep-mou", "a note"],
        ["undo", "--as-of", AS_OF],
        ["undo", "prep-assurance", "--as-of", AS_OF],
    ],
)
def test_a_history_entry_without_a_whole_number_seq_is_refused(
    cli, state_path: Path, seq: str, command: list[str]
) -> None:
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(_WITH_SEQ.format(seq=seq))
    before = state_path.read_bytes()
    result = cli(*command)
    assert result.exit_code == 3, result.output
    assert "line 11" in result.stderr and "seq" in result.stderr
    assert "Traceback" not in result.stderr
    assert state_path.read_bytes() == before


# -- only regular files are read ---------------------------------------------------------------


def _quick(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = cimsig(state, *args)
    assert time.monotonic() - started < 20, "it hung"
    return result


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_as_progress_file_or_guide_exits_3_at_once(state_path: Path) -> None:
    result = _quick(state_path, "status", "--state", "/dev/zero", "--as-of", AS_OF)
    assert result.returncode == 3 and "not a progress file" in result.stderr
    result = _quick(state_path, "status", "--guide", "/dev/zero", "--as-of", AS_OF)
    assert result.returncode == 3 and "not a guide file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_progress_file_or_guide_exits_3_without_waiting(
    state_path: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = _quick(state_path, "done", "prep-mou", "--state", str(fifo), "--as-of", AS_OF)
    assert result.returncode == 3 and "not a progress file" in result.stderr
    result = _quick(state_path, "status", "--guide", str(fifo), "--as-of", AS_OF)
    assert result.returncode == 3 and "not a guide file" in result.stderr
    assert fifo.exists() and not fifo.is_file()


def test_a_folder_as_progress_file_or_guide_exits_3(cli, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for command in (["status"], ["done", "prep-mou"], ["doctor"]):
        result = cli(*command, "--state", str(folder), "--as-of", AS_OF)
        assert result.exit_code == 3, result.output
        assert "not a progress file" in " ".join(result.output.split())
    result = cli("status", "--guide", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 3 and "not a guide file" in result.stderr
    assert folder.is_dir() and list(folder.iterdir()) == []
