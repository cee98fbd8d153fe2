"""Crashes, two writers, a full disk, a read-only folder, a lock left behind."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]


def env_for(state: Path, **extra: str) -> dict[str, str]:
    # The default progress file of a settings folder of its own (XDG_CONFIG_HOME/cimsig/).
    env = {**os.environ, "XDG_CONFIG_HOME": str(state.parent.parent), "PYTHONPATH": str(ROOT)}
    env.pop("CIMSIG_STATE", None)
    env.update(extra)
    env.pop("CIMSIG_GUIDE", None)
    return env


def cimsig(state: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cimsig", *args],
        env=env_for(state, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_DIE_BEFORE_RENAME = """
import os, sys
import cimsig.storage.fileio
replace = cimsig.storage.fileio._replace
def crash(source, target):
    if target.name != "state.yaml":
        return replace(source, target)  # the cache's copies are written as usual
    os._exit(9)  # the power goes out: the temp file is written, the rename never happens
cimsig.storage.fileio._replace = crash
from cimsig.cli import main
main(sys.argv[1:])
"""


def test_a_crash_between_write_and_rename_keeps_the_old_state(state_path: Path) -> None:
    assert cimsig(state_path, "done", "prep-assurance", "--as-of", "2024-04-20").returncode == 0
    before = state_path.read_bytes()
    crashed = subprocess.run(
        [sys.executable, "-c", _DIE_BEFORE_RENAME, "done", "prep-mou", "--as-of", "2024-04-20"],
        env=env_for(state_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert crashed.returncode == 9
    assert state_path.read_bytes() == before  # untouched
    strays = list(state_path.parent.glob(".state.yaml.*.tmp"))
    assert len(strays) == 1 and "prep-mou-meeting" in strays[0].read_text()
    # The next command reads the real file, not the stray one, and writes normally.
    listing = cimsig(state_path, "list", "--json", "--as-of", "2024-04-20")
    done = {r["id"] for r in json.loads(listing.stdout) if r["status"] == "done"}
    assert done == {"prep-assurance"}
    assert cimsig(state_path, "done", "prep-mou", "--as-of", "2024-04-20").returncode == 0
    doctor = cimsig(state_path, "doctor", "--as-of", "2024-04-20")
    assert doctor.returncode == 0
    assert "was left by a save that was interrupted" in " ".join(doctor.stdout.split())


@pytest.mark.slow
def test_twenty_done_and_twenty_undo_at_once(state_path: Path) -> None:
    ids = [r["id"] for r in json.loads(cimsig(state_path, "list", "--json").stdout)][:20]

    def all_at_once(command: str) -> None:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "cimsig", command, activity_id, "--as-of", "2024-12-31"],
                env=env_for(state_path),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for activity_id in ids
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err

    def done_ids() -> set[str]:
        rows = json.loads(cimsig(state_path, "list", "--json", "--as-of", "2024-12-31").stdout)
        return {r["id"] for r in rows if r["status"] == "done"}

    all_at_once("done")
    assert done_ids() == set(ids)
    all_at_once("undo")
    assert done_ids() == set()
    history = yaml.safe_load(state_path.read_text())["history"]
    assert sorted(entry["seq"] for entry in history) == list(range(1, 41))  # every change, once


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
        (PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        (OSError(errno.EROFS, "Read-only file system"), "Read-only file system"),
    ],
)
def test_a_failed_save_exits_3_and_keeps_the_old_state(
    cli, state_path: Path, monkeypatch: pytest.MonkeyPatch, failure: OSError, words: str
) -> None:
    assert cli("done", "prep-assurance", "--as-of", "2024-04-20").exit_code == 0
    before = state_path.read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    result = cli("done", "prep-mou", "--as-of", "2024-04-20")
    assert result.exit_code == 3
    assert "could not be saved" in result.stderr and words in result.stderr
    assert "the previous version is unchanged" in result.stderr
    assert state_path.read_bytes() == before
    assert list(state_path.parent.glob("*.tmp")) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_folder(cli, state_path: Path) -> None:
    assert cli("done", "prep-assurance", "--as-of", "2024-04-20").exit_code == 0
    before = state_path.read_bytes()
    state_path.parent.chmod(0o555)
    try:
        result = cli("done", "prep-mou", "--as-of", "2024-04-20")
    finally:
        state_path.parent.chmod(0o755)
    assert result.exit_code == 3 and str(state_path) in result.stderr
    assert state_path.read_bytes() == before


def test_a_lock_held_too_long_gives_up_with_a_message(state_path: Path, lock_holder) -> None:
    lock_holder()
    started = time.monotonic()
    result = cimsig(state_path, "done", "prep-assurance", CIMSIG_LOCK_TIMEOUT="1")
    assert time.monotonic() - started < 60
    assert result.returncode == 3
    assert "Nothing was changed: other cimsig commands were saving" in result.stderr
    assert "the whole 1 second this one waits" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_lock_left_by_a_killed_process_does_not_block(state_path: Path, lock_holder) -> None:
    holder = lock_holder()
    holder.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no chance to clean up
    holder.wait()
    assert Path(str(state_path) + ".lock").exists()  # the file stays; the lock does not
    result = cimsig(
        state_path, "done", "prep-assurance", "--as-of", "2024-04-20", CIMSIG_LOCK_TIMEOUT="5"
    )
    assert result.returncode == 0, result.stderr


def test_a_read_only_folder_simulated(
    cli, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as above for root (CI): the lock file cannot be created in the folder."""
    import filelock

    assert cli("done", "prep-assurance", "--as-of", "2024-04-20").exit_code == 0
    before = state_path.read_bytes()

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    result = cli("done", "prep-mou", "--as-of", "2024-04-20")
    assert result.exit_code == 3
    assert "cannot be locked for writing: Permission denied" in result.stderr
    assert "Is its folder read-only?" in result.stderr
    assert state_path.read_bytes() == before
