"""Who may read and write: the default folder and its files are private, a shared file keeps its
mode and owner, doctor warns about an open folder or lock and about stale cache temp files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_faults import cimsig, env_for

AS_OF = "2024-04-20"


# -- cache temp files -----------------------------------------------------------------------


def test_doctor_reports_a_stale_cache_temp_file(cli, tmp_path: Path) -> None:
    assert cli("status", "--as-of", AS_OF).exit_code == 0  # makes the cache folder
    cache = tmp_path / "home" / ".config" / "cimsig" / "cache"
    stale = cache / ".state-0000abcd.json.x1y2.tmp"
    stale.write_text("{}")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    compact = "".join(cli("doctor", "--as-of", AS_OF).stdout.split())  # long paths wrap
    assert ".state-0000abcd.json.x1y2.tmpwasleftbyacopywhosesavewasinterrupted" in compact


# -- permissions -----------------------------------------------------------------------------

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def _default_place(tmp_path: Path) -> dict[str, str]:
    env = env_for(tmp_path / "unused", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("CIMSIG_STATE", None)
    return env


@posix_only
def test_the_default_folder_and_its_files_are_private(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cimsig", "done", "prep-assurance", "--as-of", AS_OF],
        env=_default_place(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    subprocess.run(
        [sys.executable, "-m", "cimsig", "status", "--as-of", AS_OF],
        env=_default_place(tmp_path),
        capture_output=True,
        timeout=120,
        check=True,
        umask=0o022,
    )
    folder = tmp_path / "cfg" / "cimsig"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "state.yaml").stat().st_mode & 0o777 == 0o600
    assert (folder / "state.yaml.lock").stat().st_mode & 0o777 == 0o600
    cache = folder / "cache"
    assert cache.stat().st_mode & 0o777 == 0o700
    copies = list(cache.iterdir())
    assert copies and all(p.stat().st_mode & 0o777 == 0o600 for p in copies)


@posix_only
def test_a_shared_file_keeps_its_mode_and_owner_and_doctor_warns(
    state_path: Path, tmp_path: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2775)
    shared = team / "s.yaml"
    assert cimsig(state_path, "init", "--state", str(shared)).returncode == 0
    first = cimsig(state_path, "done", "prep-assurance", "--state", str(shared), "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    shared.chmod(0o664)
    if os.geteuid() == 0:
        os.chown(shared, 4321, 4321)
    result = cimsig(
        state_path, "done", "prep-mou-meeting", "--state", str(shared), "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr
    assert shared.stat().st_mode & 0o777 == 0o664
    if os.geteuid() == 0:
        assert (shared.stat().st_uid, shared.stat().st_gid) == (4321, 4321)
    doctor = cimsig(state_path, "doctor", "--state", str(shared), "--as-of", AS_OF)
    said = " ".join(doctor.stdout.split())
    assert "s.yaml can be changed by the group" in said
    assert "the folder of " in said and "chmod go-w" in said


@posix_only
def test_doctor_warns_about_a_world_writable_folder_and_an_open_lock(
    state_path: Path,
) -> None:
    assert cimsig(state_path, "done", "prep-assurance", "--as-of", AS_OF).returncode == 0
    said = " ".join(cimsig(state_path, "doctor", "--as-of", AS_OF).stdout.split())
    assert "permissions" not in said.split("ok ")[0]
    assert "can be changed by" not in said
    lock = Path(str(state_path) + ".lock")
    lock.chmod(0o644)  # anyone who can read it can hold it
    state_path.parent.chmod(0o777)
    try:
        said = " ".join(cimsig(state_path, "doctor", "--as-of", AS_OF).stdout.split())
    finally:
        state_path.parent.chmod(0o700)
    assert "can be changed by every user of this computer" in said
    assert "can be opened by users who cannot change the progress file" in said
