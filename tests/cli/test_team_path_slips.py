"""Slips around a team's shared plan that an adversarial trial of issue 25's work found: undo
after a merge, conflict copies among backups, hints safe to paste into a shell, a merge driver
that is stopped, and how names and files are shown."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

AS_OF = "2024-05-01"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def history_rows(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text("utf-8"))["history"]


# -- undo after a merge that brought in a note ----------------------------------------------------


def test_undo_goes_on_after_undoing_a_merge_that_brought_a_note(cli, tmp_path: Path) -> None:
    plan = tmp_path / "r.yaml"
    ok(cli("init", "--lea", "R", "--state", str(plan)))
    copy = tmp_path / "r (1).yaml"
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))
    ok(cli("merge", str(copy), "--state", str(plan)))
    # Every change can be taken back, one undo after the other, until nothing is left.
    for _ in range(len(history_rows(plan))):
        result = cli("undo", "--yes", "--state", str(plan))
        assert result.exit_code == 0, result.output
        assert "damaged" not in result.output
    data = yaml.safe_load(plan.read_text("utf-8"))
    assert not data.get("notes")
    nothing = ok(cli("undo", "--yes", "--state", str(plan)))
    assert "nothing" in nothing.output.lower()


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


# -- hints safe to paste into a shell -------------------------------------------------------------


def _pasted_into_bash(command: str) -> list[str]:
    """The arguments bash gives a command pasted into it (printed, never run)."""
    done = subprocess.run(["bash", "-c", f"printf '%s\\0' {command}"], capture_output=True,
                          check=True, timeout=30)  # fmt: skip
    return done.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.skipif(shutil.which("bash") is None or sys.platform == "win32", reason="no bash")
def test_a_hint_pasted_into_a_shell_runs_nothing_from_a_files_name(cli, tmp_path: Path) -> None:
    drive = tmp_path / "drive $HOME !x"
    drive.mkdir()
    plan = drive / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    copy = drive / 'state (Mia "M$HOME" `id` \\ conflicted copy 2024-10-01).yaml'
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))
    status = ok(cli("status", "--as-of", AS_OF, "--state", str(plan)))
    line = next(x for x in status.stderr.splitlines() if x.strip().startswith("Run: cimsig "))
    args = _pasted_into_bash(line.strip()[len("Run: ") :])
    assert args == ["cimsig", "merge", str(copy), "--state", str(plan)]
    merged = ok(cli(*args[1:]))  # and it does what it says
    undo = next(x for x in merged.stdout.splitlines() if "cimsig undo" in x)
    assert _pasted_into_bash(undo.split(": ", 1)[1]) == ["cimsig", "undo", "--state", str(plan)]


def test_on_windows_a_name_powershell_would_expand_is_in_single_quotes(monkeypatch) -> None:
    from cimsig.render.formatting import shell_quote

    monkeypatch.setattr(sys, "platform", "win32")
    assert shell_quote(r"S:\CIM\state (1).yaml") == r'"S:\CIM\state (1).yaml"'
    assert shell_quote(r"S:\CIM\it's $(calc).yaml") == r"'S:\CIM\it''s $(calc).yaml'"
    assert shell_quote("alpha-unified", bare=True) == "alpha-unified"


# -- git: a merge driver that was stopped, a rebase, a file with nothing to finish ----------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.slow
@needs_git
def test_a_killed_merge_driver_is_noticed_and_merge_git_finishes_it(tmp_path: Path) -> None:
    from tests.cli.test_team_paths import _cimsig, _git, _two_clones_that_disagree

    clone, jo = _two_clones_that_disagree(tmp_path, driver=True)
    # The driver is stopped as `kill -9` would stop it: git keeps this side in the file.
    _git(clone, "config", "merge.cimsig.driver", "sh -c 'kill -9 $$' %O %A %B %P", env=jo)
    _git(clone, "pull", "--no-rebase", "--no-edit", env=jo, check=False)
    assert _git(clone, "status", "--porcelain", env=jo).startswith("UU plan.yaml")
    assert "<<<<<<<" not in (clone / "plan.yaml").read_text("utf-8")
    plan = clone / "plan.yaml"
    for args in (
        ("status", "--as-of", "2024-09-09"),
        ("where",),
        ("doctor", "--as-of", "2024-09-09"),
    ):
        shown = _cimsig(clone, jo, *args, "--state", "plan.yaml")
        assert shown.returncode == 0, shown.stderr
        said = " ".join((shown.stdout + shown.stderr).split())  # (doctor wraps its lines)
        assert f"git has not finished merging {plan}" in said, args
        assert f'cimsig merge --git "{plan}"' in said, args
    merged = _cimsig(clone, jo, "merge", "--git", "plan.yaml")
    assert merged.returncode == 0, merged.stderr
    data = yaml.safe_load(plan.read_text("utf-8"))
    assert data["owners"] == {"prep-mou-meeting": "Maria"}  # the teammate's work is back
    _git(clone, "add", "plan.yaml", env=jo)
    _git(clone, "commit", "-qm", "merged", env=jo)
    after = _cimsig(clone, jo, "status", "--as-of", "2024-09-09", "--state", "plan.yaml")
    assert "git has not finished" not in after.stderr


@pytest.mark.slow
@needs_git
def test_merge_git_during_a_rebase_says_rebase_continue(tmp_path: Path) -> None:
    from tests.cli.test_team_paths import _cimsig, _git, _two_clones_that_disagree

    clone, jo = _two_clones_that_disagree(tmp_path, driver=False)
    assert "CONFLICT" in _git(clone, "pull", "--rebase", env=jo, check=False)
    status = _cimsig(clone, jo, "status", "--as-of", "2024-09-09", "--state", "plan.yaml")
    assert status.returncode == 3 and "git's conflict marks" in status.stderr
    merged = _cimsig(clone, jo, "merge", "--git", "plan.yaml")
    assert merged.returncode == 0, merged.stderr
    assert "git rebase --continue" in merged.stdout
    assert "git commit" not in merged.stdout and "merge --continue" not in merged.stdout


@needs_git
def test_merge_git_with_nothing_unfinished_says_so_in_plain_words(cli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    plan = repo / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    before = plan.read_bytes()
    result = cli("merge", "--git", str(plan))
    assert result.exit_code == 2, result.output
    assert f"git has no unfinished merge of {plan}" in result.stderr
    assert "hint:" not in result.stderr and "fatal" not in result.stderr
    assert "Did you mean" not in result.stderr
    assert plan.read_bytes() == before


def test_where_names_git_conflict_marks(cli, tmp_path: Path) -> None:
    plan = tmp_path / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    text = plan.read_text("utf-8")
    plan.write_text(text + "<<<<<<< HEAD\n=======\n>>>>>>> theirs\n", "utf-8")
    result = ok(cli("where", "--state", str(plan)))
    assert "git's conflict marks" in result.stdout
    assert 'cimsig merge --git "' in result.stdout


# -- how names and files are shown ----------------------------------------------------------------


def test_a_trailing_backslash_shows_once_everywhere(cli, monkeypatch) -> None:
    ok(cli("init", "--me", "X\\"))
    ok(cli("district", "add", "Back\\", "--short", "B\\"))
    ok(cli("assign", "case-study", "Own\\", "--district", "back"))
    ok(cli("note", "case-study", "note\\", "--district", "back"))
    shown = {
        "history": ok(cli("history", "--district", "back")).stdout,
        "show": ok(cli("show", "case-study", "--district", "back")).stdout,
        "overview": ok(cli("overview", "--as-of", AS_OF)).stdout,
        "district list": ok(cli("district", "list")).stdout,
    }
    for view, text in shown.items():
        assert "\\\\" not in text, (view, text)
    assert " X\\ " in shown["history"] and "note\\ " in shown["history"]
    assert "Own\\" in shown["show"] and "note\\" in shown["show"]
    assert "B\\ " in shown["overview"] and "B\\ " in shown["district list"]


def test_a_district_is_reached_by_the_short_name_the_tables_show(cli, monkeypatch) -> None:
    ok(cli("district", "add", "Alpha Unified School District", "--short", "Alpha USD"))
    ok(cli("district", "add", "Beta Unified School District", "--short", "Beta USD"))
    status = ok(cli("status", "--district", "Alpha USD", "--as-of", AS_OF))
    assert status.stdout.startswith("Alpha Unified School District")
    assert ok(cli("status", "--district", "beta usd", "--as-of", AS_OF)).stdout.startswith("Beta")
    both = cli("status", "--district", "USD", "--as-of", AS_OF)
    assert both.exit_code == 2 and "matches several districts" in both.stderr


def test_history_by_takes_a_unique_part_of_a_name_in_whole_words(cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    ok(cli("init", "--me", "Ana Ruiz"))
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    ok(cli("init", "--me", "Anabel Cruz"))
    ok(cli("assign", "case-study", "Jo", "--state", str(plan)))
    ok(cli("init", "--me", "Luis Ana"))
    ok(cli("note", "case-study", "hi", "--state", str(plan)))
    ok(cli("init", "--me", "Ana Ruiz"))
    ana = ok(cli("history", "--by", "Ruiz", "--state", str(plan))).stdout
    assert "set the district profile" in ana and "owner" not in ana
    cruz = ok(cli("history", "--by", "anabel", "--state", str(plan))).stdout
    assert "owner: Jo" in cruz and "profile" not in cruz and "note" not in cruz
    several = cli("history", "--by", "Ana", "--state", str(plan))  # Ana Ruiz and Luis Ana
    assert several.exit_code == 2
    assert "Ana Ruiz" in several.stderr and "Luis Ana" in several.stderr
    assert "Anabel" not in several.stderr  # a whole word, not a part of one


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_district_whose_progress_file_is_a_fifo_gets_a_note(cli, state_path: Path) -> None:
    ok(cli("district", "add", "Alpha USD"))
    ok(cli("district", "add", "Beta USD"))
    beta = state_path.parent / "districts" / "beta-usd" / "cim-sigdis-2024.yaml"
    beta.unlink()
    os.mkfifo(beta)
    for args in (("overview", "--as-of", AS_OF), ("district", "list")):
        result = ok(cli(*args))  # (a read of the FIFO would hang here)
        assert "Alpha USD" in result.stdout
        assert f"district beta-usd left out: {beta} is not a plain file" in " ".join(
            result.stderr.split()
        ), args


def test_undo_of_an_activity_someone_else_marked_done_asks_first(cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    ok(cli("init", "--me", "Maria Lopez"))
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(plan)))
    ok(cli("init", "--me", "Jo"))
    ok(cli("done", "prep-mou-meeting", "--as-of", AS_OF, "--state", str(plan)))
    before = plan.read_bytes()
    refused = cli("undo", "prep-assurance", "--state", str(plan))
    assert refused.exit_code == 2, refused.output
    assert "marked done by Maria Lopez" in refused.stderr and "--yes" in refused.stderr
    assert plan.read_bytes() == before
    mine = ok(cli("undo", "prep-mou-meeting", "--state", str(plan)))  # Jo's own: no question
    assert "Reopened: prep-mou-meeting" in mine.stdout
    ok(cli("undo", "prep-assurance", "--yes", "--state", str(plan)))
    assert not yaml.safe_load(plan.read_text("utf-8"))["done"]


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
