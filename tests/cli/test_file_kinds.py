"""What cimsig reads and writes as a progress file: regular files only (no device, FIFO or
folder), a link followed to the shared file, a read-only file never overwritten, a linked lock
file, and temp files a killed save left."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.cli.test_faults import cimsig

AS_OF = "2024-04-20"


def load(state: Path) -> dict:
    return yaml.safe_load(state.read_text())


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


# -- a symlinked progress file ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="no symlinks here")
def test_a_linked_progress_file_changes_the_shared_file_not_the_link(
    state_path: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "share" / "s.yaml"
    shared.parent.mkdir()
    local = tmp_path / "mine" / "local.yaml"
    local.parent.mkdir()
    local.symlink_to(shared)  # dangling: `init` makes the shared file, not a file in its place
    assert cimsig(state_path, "init", "--state", str(local)).returncode == 0
    assert local.is_symlink() and shared.is_file()
    for activity_id in ("prep-assurance", "prep-mou-meeting"):
        result = cimsig(state_path, "done", activity_id, "--state", str(local), "--as-of", AS_OF)
        assert result.returncode == 0, result.stderr
    assert local.is_symlink() and os.readlink(local) == str(shared)
    assert set(load(shared)["done"]) == {"prep-assurance", "prep-mou-meeting"}
    assert (shared.parent / "s.yaml.lock").exists()
    assert sorted(p.name for p in local.parent.iterdir()) == ["local.yaml"]


# -- a read-only progress file ---------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_read_only_progress_file_is_never_overwritten(state_path: Path) -> None:
    assert cimsig(state_path, "done", "prep-assurance", "--as-of", AS_OF).returncode == 0
    state_path.chmod(0o444)  # root too: the mode bits are checked, not only os.access
    before = state_path.read_bytes()
    for command in (["done", "prep-mou-meeting"], ["note", "prep-mou-meeting", "x"], ["undo"]):
        result = cimsig(state_path, *command)
        assert result.returncode == 3, result.stderr
        assert "is read-only" in result.stderr
    assert state_path.read_bytes() == before
    assert state_path.stat().st_mode & 0o777 == 0o444
    doctor = cimsig(state_path, "doctor", "--as-of", AS_OF)
    assert "is read-only: marking work done will fail" in " ".join(doctor.stdout.split())


def test_a_lock_file_that_is_a_link_is_named_and_doctor_sees_it(
    cli, state_path: Path, tmp_path: Path
) -> None:
    assert cli("done", "prep-assurance", "--as-of", AS_OF).exit_code == 0
    lock = Path(str(state_path) + ".lock")
    lock.unlink(missing_ok=True)
    lock.symlink_to(tmp_path / "elsewhere")
    before = state_path.read_bytes()
    result = cli("done", "step1-case-study", "--as-of", AS_OF)
    assert result.exit_code == 3
    assert "is a link" in result.stderr and "Delete it and try again" in result.stderr
    assert state_path.read_bytes() == before
    doctor = cli("doctor", "--as-of", AS_OF)
    assert doctor.exit_code == 3 and "is a link" in " ".join(doctor.stdout.split())
    lock.unlink()
    assert cli("done", "step1-case-study", "--as-of", AS_OF).exit_code == 0


def test_a_temp_file_left_by_a_killed_save_goes_at_the_next_save(cli, state_path: Path) -> None:
    assert cli("done", "prep-assurance", "--as-of", AS_OF).exit_code == 0
    stale = state_path.with_name(f".{state_path.name}.k1ll3d.tmp")
    fresh = state_path.with_name(f".{state_path.name}.sav1ng.tmp")  # a save going on, say
    for left in (stale, fresh):
        left.write_text(state_path.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    precious = state_path.with_name("precious.txt")
    precious.write_text("not cimsig's", encoding="utf-8")
    link = state_path.with_name(f".{state_path.name}.l1nk.tmp")  # cimsig never makes a link
    link.symlink_to(precious)
    os.utime(link, (time.time() - 7200, time.time() - 7200), follow_symlinks=False)
    assert "was left by a save" in " ".join(cli("doctor", "--as-of", AS_OF).stdout.split())
    assert cli("note", "prep-assurance", "signed").exit_code == 0
    assert not stale.exists() and fresh.exists()
    assert link.is_symlink() and precious.read_text(encoding="utf-8") == "not cimsig's"
