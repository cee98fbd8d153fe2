"""git and the progress file: a merge driver that was stopped, a rebase, a file with nothing to
finish, and conflict marks that `where` names."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml


def ok(result):
    assert result.exit_code == 0, result.output
    return result


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
