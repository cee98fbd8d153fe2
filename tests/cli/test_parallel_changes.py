"""Two commands at once on one progress file: ids resolved under the lock, both changes kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.cli.test_faults import env_for


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
