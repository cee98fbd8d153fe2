"""`cimsig merge`, `cimsig merge-driver`, `init --me`, and the conflict copies that status,
where and doctor find: through the command line, with real files, processes and git."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.conftest import RECORDED

AS_OF = "2024-05-01"
ROOT = Path(__file__).parents[2]


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Move the fixed clock on: a change made later is recorded later."""

    def set_to(minutes: int) -> None:
        moment = RECORDED + dt.timedelta(minutes=minutes)
        monkeypatch.setattr("cimsig.environment.now", lambda: moment)

    return set_to


@pytest.fixture
def two_copies(cli, clock, state_path: Path, tmp_path: Path) -> Path:
    """The progress file and a copy of it, each changed on its own after the copy was made:
    this file assigns ir-like work to Maria, the copy (later) to Jo and marks more done."""
    clock(0)
    ok(cli("init", "--lea", "Sunnyvale USD", "--track", "new"))
    ok(cli("done", "prep-assurance", "--as-of", AS_OF))
    copy = state_path.with_name("state (conflicted copy 2024-05-01).yaml")
    shutil.copyfile(state_path, copy)
    clock(10)
    ok(cli("assign", "prep-mou-meeting", "Maria"))
    ok(cli("note", "prep-assurance", "Sent by Maria"))
    clock(20)
    ok(cli("done", "prep-fmta-meeting", "--state", str(copy), "--as-of", AS_OF))
    ok(cli("assign", "prep-mou-meeting", "Jo", "--state", str(copy)))  # after one more change
    ok(cli("note", "prep-assurance", "Jo called CDE", "--state", str(copy)))
    clock(30)
    return copy


def status(cli_json, state: Path | None = None) -> dict[str, dict]:
    args = ["status", "--as-of", AS_OF] + (["--state", str(state)] if state else [])
    return {row["id"]: row for row in cli_json(*args)}


def test_merge_brings_in_the_other_copys_changes_and_lists_the_conflict(
    cli, cli_json, two_copies: Path, state_path: Path
) -> None:
    copy_bytes = two_copies.read_bytes()
    result = ok(cli("merge", str(two_copies)))
    assert "Conflict: both copies changed owner of prep-mou-meeting." in result.stdout
    assert "This copy:  Maria" in result.stdout and "Other copy: Jo  <- kept" in result.stdout
    assert "cimsig undo" in result.stdout
    rows = status(cli_json)
    assert rows["prep-fmta-meeting"]["status"] == "done"
    assert rows["prep-mou-meeting"]["owner"] == "Jo"  # made after more changes
    assert [n["text"] for n in rows["prep-assurance"]["notes"]] == [
        "Sent by Maria", "Jo called CDE"
    ]  # fmt: skip
    assert two_copies.read_bytes() == copy_bytes  # the other copy is never changed
    again = ok(cli("merge", str(two_copies)))
    assert "holds nothing your progress file lacks; nothing changed" in again.stdout


def test_merging_either_way_gives_the_same_plan(
    cli, cli_json, two_copies: Path, state_path: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.yaml"
    shutil.copyfile(state_path, mine)
    ok(cli("merge", str(two_copies)))
    ok(cli("merge", str(mine), "--state", str(two_copies)))
    assert status(cli_json) == status(cli_json, two_copies)


def test_dry_run_writes_nothing_and_json_lists_both_values(
    cli, two_copies: Path, state_path: Path
) -> None:
    before = state_path.read_bytes()
    result = ok(cli("merge", str(two_copies), "--dry-run", "--json"))
    report = json.loads(result.stdout)
    assert state_path.read_bytes() == before
    assert report["dry_run"] is True and report["changed"] is False
    assert report["new_changes"] == 3
    [conflict] = report["conflicts"]
    assert conflict["this_copy"] == "Maria" and conflict["other_copy"] == "Jo"
    assert conflict["kept"] == "other_copy" and conflict["id"] == "prep-mou-meeting"
    assert {r["id"] for r in report["records"]} == {
        "prep-mou-meeting", "prep-fmta-meeting", "prep-assurance"
    }  # fmt: skip
    text = ok(cli("merge", str(two_copies), "--dry-run")).stdout
    assert "Would merge" in text and "Nothing was changed (--dry-run)." in text


def test_one_undo_takes_the_merge_back(cli, cli_json, two_copies: Path) -> None:
    before = status(cli_json)
    ok(cli("merge", str(two_copies)))
    assert status(cli_json) != before
    ok(cli("undo"))
    assert status(cli_json) == before


def test_remove_deletes_the_copy_once_merged(cli, two_copies: Path) -> None:
    result = ok(cli("merge", str(two_copies), "--remove"))
    assert not two_copies.exists() and "Deleted" in result.stdout
    assert cli("merge", str(two_copies), "--dry-run", "--remove").exit_code == 2


@pytest.mark.parametrize("other", ["district", "guide", "newer", "missing", "damaged"])
def test_a_copy_that_is_not_this_plan_is_refused_both_files_untouched(
    cli, two_copies: Path, state_path: Path, other: str
) -> None:
    text = two_copies.read_text("utf-8")
    if other == "district":
        text = text.replace("Sunnyvale USD", "Other USD")
        data = yaml.safe_load(text)
        data["history"] = [{**e, "uid": e["uid"] + "x"} for e in data["history"]]
        text = yaml.safe_dump(data)
    elif other == "guide":
        text = text.replace("guide: cim-sigdis-2024", "guide: another-guide")
    elif other == "newer":
        text = text.replace("version: 3", "version: 4")
    elif other == "damaged":
        text = text[: len(text) // 2] + "\n  - [unclosed"
    if other == "missing":
        two_copies.unlink()
    else:
        two_copies.write_text(text, "utf-8")
    before = state_path.read_bytes()
    result = cli("merge", str(two_copies), "--remove")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output and result.stderr.startswith("Error:")
    assert state_path.read_bytes() == before
    if other != "missing":
        assert two_copies.read_text("utf-8") == text


def test_merging_the_file_with_itself_is_a_usage_error(cli, state_path: Path, clock) -> None:
    ok(cli("done", "prep-assurance", "--as-of", AS_OF))
    result = cli("merge", str(state_path))
    assert result.exit_code == 2 and "your progress file itself" in result.stderr


def test_init_me_names_who_made_each_change(cli, state_path: Path) -> None:
    result = ok(cli("init", "--me", "Maria Lopez"))
    assert "Maria Lopez" in result.stderr and not state_path.exists()
    ok(cli("done", "prep-assurance", "--as-of", AS_OF))
    [entry] = yaml.safe_load(state_path.read_text("utf-8"))["history"]
    assert entry["by"] == "Maria Lopez" and len(entry["uid"]) == 16
    assert cli("init", "--me", " ").exit_code == 2


# -- conflict copies found ----------------------------------------------------------------------

COPY_NAMES = {
    "Dropbox": "state (Maria's conflicted copy 2024-05-01).yaml",
    "OneDrive": "state-DESKTOP-7Q2K.yaml",
    "Google Drive": "state (1).yaml",
    "Syncthing": "state.sync-conflict-20240501-093000-ABCDEFG.yaml",
    "a renamed copy": "plan from Jo's laptop.yaml",
}


@pytest.mark.parametrize("service", list(COPY_NAMES))
def test_status_where_and_doctor_find_a_conflict_copy(cli, two_copies: Path, service: str) -> None:
    copy = two_copies.rename(two_copies.with_name(COPY_NAMES[service]))
    hint = f'cimsig merge "{copy}"'
    assert hint in ok(cli("status", "--as-of", AS_OF)).stderr
    assert hint in ok(cli("where")).stdout
    findings = json.loads(ok(cli("doctor", "--as-of", AS_OF, "--json")).stdout)
    [warning] = [f for f in findings if f["topic"] == "sync copy"]
    assert warning["level"] == "warning" and hint in warning["message"]
    [found] = json.loads(ok(cli("where", "--json")).stdout)["conflict_copies"]
    assert found == {"path": str(copy), "made_by": service, "new_changes": 3}
    ok(cli("merge", str(copy), "--remove"))
    assert "cimsig merge" not in ok(cli("status", "--as-of", AS_OF)).stderr


def test_a_backup_with_nothing_new_and_another_districts_file_are_not_mentioned(
    cli, two_copies: Path, state_path: Path
) -> None:
    ok(cli("merge", str(two_copies)))  # the copy now holds nothing new
    other = state_path.with_name("state (1).yaml")
    text = state_path.read_text("utf-8").replace("Sunnyvale USD", "Other USD")
    data = yaml.safe_load(text)
    data["history"] = [{**e, "uid": e["uid"] + "x"} for e in data["history"]]
    other.write_text(yaml.safe_dump(data), "utf-8")
    state_path.with_name("notes.yaml").write_text("just: some yaml\n", "utf-8")
    assert "cimsig merge" not in ok(cli("status", "--as-of", AS_OF)).stderr
    assert json.loads(ok(cli("where", "--json")).stdout)["conflict_copies"] == []


# -- real processes, real git -------------------------------------------------------------------

_MARKER = textwrap.dedent(
    """
    import sys
    from cimsig.cli import main
    path, *ids = sys.argv[1:]
    for activity_id in ids:
        try:
            main(["done", activity_id, "--as-of", "2024-05-01", "--state", path])
        except SystemExit as exc:
            assert not exc.code, exc.code
    """
)
IDS_A = ["prep-intro-recordings", "prep-virtual-meeting", "step1-identify-team"]
IDS_B = ["step1-workshop-a-prework", "step1-workshop", "step1-data-drill-down"]


def _env(tmp_path: Path, name: str) -> dict[str, str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / name), "HOME": str(tmp_path / name)}
    env["USER"] = env["LOGNAME"] = env["USERNAME"] = name
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_two_computers_mark_work_at_once_on_two_copies_then_merge(
    cli, cli_json, two_copies: Path, state_path: Path, tmp_path: Path
) -> None:
    """Two people, two processes, each writing its own copy of the synced file at the same
    time (as two computers do before the sync catches up); one merge, and nothing is lost."""
    runs = [
        subprocess.Popen([sys.executable, "-c", _MARKER, str(path), *ids], env=_env(tmp_path, who))
        for path, ids, who in ((state_path, IDS_A, "maria"), (two_copies, IDS_B, "jo"))
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    ok(cli("merge", str(two_copies)))
    rows = status(cli_json)
    assert all(rows[i]["status"] == "done" for i in [*IDS_A, *IDS_B, "prep-fmta-meeting"])
    history = yaml.safe_load(state_path.read_text("utf-8"))["history"]
    assert {e["by"] for e in history if e["action"] == "done"} >= {"maria", "jo"}
    copy_history = yaml.safe_load(two_copies.read_text("utf-8"))["history"]
    assert {e["uid"] for e in copy_history} <= {e["uid"] for e in history}


def _git(repo: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_merges_two_branches_that_changed_the_plan(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **_env(tmp_path, "git-user"),
        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
    }  # fmt: skip
    cimsig = f"{sys.executable} -m cimsig"
    plan = repo / "plan.yaml"

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "cimsig", *args, "--state", str(plan)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    _git(repo, "init", "-q", "-b", "main", env=env)
    (repo / ".gitattributes").write_text("plan.yaml merge=cimsig\n", "utf-8")
    _git(repo, "config", "merge.cimsig.driver", f"{cimsig} merge-driver %O %A %B", env=env)
    run("init", "--lea", "Sunnyvale USD")
    _git(repo, "add", ".", env=env)
    _git(repo, "commit", "-qm", "start", env=env)
    _git(repo, "checkout", "-qb", "jo", env=env)
    run("done", "prep-assurance", "--as-of", AS_OF)
    run("assign", "prep-mou-meeting", "Jo")
    _git(repo, "commit", "-qam", "jo's work", env=env)
    _git(repo, "checkout", "-q", "main", env=env)
    run("done", "prep-fmta-meeting", "--as-of", AS_OF)
    run("note", "prep-assurance", "Maria sent it")
    _git(repo, "commit", "-qam", "maria's work", env=env)
    _git(repo, "merge", "-q", "--no-edit", "jo", env=env)
    text = plan.read_text("utf-8")
    assert "<<<<<<<" not in text
    data = yaml.safe_load(text)
    assert set(data["done"]) == {"prep-assurance", "prep-fmta-meeting"}
    assert data["owners"] == {"prep-mou-meeting": "Jo"}
    assert [n["text"] for n in data["notes"]["prep-assurance"]] == ["Maria sent it"]
    assert _git(repo, "status", "--porcelain", env=env) == ""
