"""Copies a sync service left: a real conflict copy among many backups is found, the service's
own name read first, and `merge --remove` deletes the copy's lock file too."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

AS_OF = "2024-05-01"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# -- a real conflict copy among many backups ------------------------------------------------------


def _old(path: Path) -> None:
    os.utime(path, (1_000_000, 1_000_000))  # older than every backup


def test_backups_named_like_onedrive_copies_never_hide_a_dropbox_copy(
    cli, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    plan = tmp_path / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    copy = tmp_path / "state (Luis's conflicted copy 2024-12-02).yaml"
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))
    _old(copy)
    for day in range(1, 26):  # the same bytes as the progress file: nothing new in them
        shutil.copyfile(plan, tmp_path / f"state-backup-2024-12-{day:02d}.yaml")
    for args in (("where",), ("status", "--as-of", AS_OF)):
        result = ok(cli(*args, "--state", str(plan)))
        said = result.stdout + result.stderr
        assert f"{copy} is a conflict copy made by Dropbox" in said, args
        assert "were not looked into" not in said, args
        assert "state-backup" not in said, args


def test_a_services_own_copy_name_is_read_before_the_loose_onedrive_one(
    cli, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    plan = tmp_path / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    copy = tmp_path / "state (Luis's conflicted copy 2024-12-02).yaml"
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))
    _old(copy)
    # Newer backups that do hold a change the progress file lacks (made on another day).
    changed = tmp_path / "elsewhere.yaml"
    shutil.copyfile(plan, changed)
    ok(cli("assign", "case-study", "Ana", "--state", str(changed)))
    for day in range(1, 26):
        shutil.copyfile(changed, tmp_path / f"state-backup-2024-12-{day:02d}.yaml")
    changed.unlink()
    status = ok(cli("status", "--as-of", AS_OF, "--state", str(plan)))
    assert f"{copy} is a conflict copy made by Dropbox" in status.stderr
    assert "were not looked into" in status.stderr  # the cut among the backups is said


def test_merge_remove_deletes_the_copys_lock_file_too(cli, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    plan = drive / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    copy = drive / "state (1).yaml"
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))  # (which makes its lock file)
    assert (drive / "state (1).yaml.lock").exists()
    ok(cli("merge", str(copy), "--remove", "--state", str(plan)))
    assert sorted(p.name for p in drive.iterdir()) == ["state.yaml", "state.yaml.lock"]
