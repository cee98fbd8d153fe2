"""A team on one plan: the paths people take around a merge (issue 25). Conflict copies named as
OneDrive, Dropbox, Google Drive and Syncthing name them, districts' folders, git without and with
cimsig's merge driver, who made each change, and the files a scan must never hang on."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AS_OF = "2024-05-01"
ROOT = Path(__file__).parents[2]

# What each service names a conflict copy of `state.yaml` (seen on real accounts).
COPY_NAMES = {
    "OneDrive": "{stem}-LAPTOP-1.yaml",
    "Dropbox": "{stem} (Maria's conflicted copy 2024-10-01).yaml",
    "Google Drive": "{stem} (1).yaml",
    "Syncthing": "{stem}.sync-conflict-20241001-093000-ABCDEFG.yaml",
}


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def done_ids(path: Path) -> set[str]:
    return set(yaml.safe_load(path.read_text("utf-8"))["done"])


def run_hint(cli, stderr: str, *extra: str):
    """Run the command a note shows (`Run: cimsig merge ...`), as a user would paste it."""
    line = next(x for x in stderr.splitlines() if x.strip().startswith("Run: cimsig "))
    args = shlex.split(line.strip()[len("Run: cimsig ") :])
    return cli(*args, *extra)


# -- 1. the conflict-copy hint names the progress file it is about --------------------------------


@pytest.mark.parametrize("service", sorted(COPY_NAMES))
def test_following_the_hint_merges_the_copy_into_the_shared_file(
    cli, tmp_path: Path, state_path: Path, service: str
) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    shared = drive / "state.yaml"
    ok(cli("init", "--lea", "Sunnyvale USD", "--track", "new", "--state", str(shared)))
    copy = drive / COPY_NAMES[service].format(stem="state")
    shutil.copyfile(shared, copy)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(copy)))

    for command in ("status", "where", "doctor"):
        shown = ok(cli(command, "--state", str(shared), "--as-of", AS_OF) if command != "where"
                   else cli(command, "--state", str(shared)))  # fmt: skip
        text = shown.stderr + shown.stdout
        assert f"made by {service}" in text, command
        assert f'--state "{shared}"' in text, command

    status = ok(cli("status", "--state", str(shared), "--as-of", AS_OF))
    merged = ok(run_hint(cli, status.stderr, "--remove"))
    assert f'To take the merge back: cimsig undo --state "{shared}"' in merged.stdout
    assert "prep-assurance" in done_ids(shared)  # the team's file has the teammate's work
    assert not copy.exists()
    assert not state_path.exists()  # and no private progress file was started


def test_the_hint_names_the_file_chosen_with_cimsig_state(
    cli, tmp_path: Path, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "drive" / "state.yaml"
    shared.parent.mkdir()
    ok(cli("init", "--lea", "Sunnyvale USD", "--state", str(shared)))
    copy = shared.with_name("state (1).yaml")
    shutil.copyfile(shared, copy)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(copy)))
    monkeypatch.setenv("CIMSIG_STATE", str(shared))
    status = ok(cli("status", "--as-of", AS_OF))
    monkeypatch.delenv("CIMSIG_STATE")  # another window, where it is not set
    ok(run_hint(cli, status.stderr))
    assert "prep-assurance" in done_ids(shared)
    assert not state_path.exists()


def test_merge_never_starts_a_new_progress_file(cli, tmp_path: Path, state_path: Path) -> None:
    shared = tmp_path / "drive" / "state.yaml"
    shared.parent.mkdir()
    ok(cli("init", "--lea", "Sunnyvale USD", "--state", str(shared)))
    copy = shared.with_name("state-LAPTOP-1.yaml")
    shutil.copyfile(shared, copy)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(copy)))

    result = cli("merge", str(copy), "--remove")
    assert result.exit_code == 2, result.output
    assert "Nothing was merged" in result.stderr
    assert f'--state "{shared}"' in result.stderr  # the command that would be right
    assert not state_path.exists()
    assert copy.exists()  # --remove deletes only after a real merge
    assert "prep-assurance" not in done_ids(shared)


# -- 2. district import --name, district rename ---------------------------------------------------


def test_import_under_a_new_name_is_that_district_everywhere(cli, cli_json, tmp_path: Path) -> None:
    sent = tmp_path / "sierra.yaml"
    ok(cli("init", "--lea", "Sierra Vista Unified", "--track", "new", "--state", str(sent)))
    ok(cli("district", "import", str(sent)))
    ok(cli("district", "import", str(sent), "--name", "Mountain Empire Unified"))

    rows = cli_json("overview", "--as-of", AS_OF)
    assert sorted(r["district"] for r in rows) == [
        "Mountain Empire Unified",
        "Sierra Vista Unified",
    ]
    status = ok(cli("status", "--district", "mountain", "--as-of", AS_OF))
    assert status.stdout.startswith("Mountain Empire Unified:")
    uids = []
    for name in ("mountain", "sierra"):
        out = tmp_path / f"{name}.ics"
        ok(cli("export", "ics", "--district", name, "--as-of", AS_OF, "--output", str(out)))
        uids.append({x for x in out.read_text("utf-8").splitlines() if x.startswith("UID:")})
    assert uids[0] and uids[0].isdisjoint(uids[1])  # one calendar never overwrites the other
    assert "Sierra Vista Unified" in sent.read_text("utf-8")  # the file sent is unchanged

    # Sierra Vista's next update belongs to Sierra Vista, not to the district imported from it.
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(sent)))
    refused = cli("merge", str(sent), "--district", "mountain")
    assert refused.exit_code == 3, refused.output
    assert "imported from a copy of it" in refused.stderr
    ok(cli("merge", str(sent), "--district", "sierra"))
    mountain = [r for r in cli_json("district", "list") if r["name"] == "mountain-empire-unified"]
    backwards = cli("merge", mountain[0]["progress_file"], "--district", "sierra")
    assert backwards.exit_code == 3, backwards.output
    assert "a district imported from a copy of this one" in backwards.stderr


def test_district_rename_moves_folder_name_and_calendar_ids(cli, cli_json, tmp_path: Path) -> None:
    ok(cli("district", "add", "Alpha USD", "--track", "new"))
    before = tmp_path / "before.ics"
    ok(cli("export", "ics", "--district", "alpha", "--as-of", AS_OF, "--output", str(before)))
    result = ok(cli("district", "rename", "alpha", "Beta Unified"))
    assert "delete the events of the old file" in result.stdout
    [row] = cli_json("district", "list")
    assert (row["district"], row["name"]) == ("Beta Unified", "beta-unified")
    assert cli("status", "--district", "alpha", "--as-of", AS_OF).exit_code == 2
    after = tmp_path / "after.ics"
    ok(cli("export", "ics", "--district", "beta", "--as-of", AS_OF, "--output", str(after)))
    assert "@beta-unified." in after.read_text("utf-8")
    assert "@alpha-usd." in before.read_text("utf-8")


# -- 3. a sync service's conflict copy inside a district's folder --------------------------------


@pytest.mark.parametrize("service", sorted(COPY_NAMES))
def test_a_conflict_copy_in_a_district_folder_is_named_not_a_second_guide(
    cli, service: str
) -> None:
    ok(cli("district", "add", "Sierra Vista Unified", "--track", "new"))
    [row] = [r for r in cli("district", "list", "--json").stdout.split('"progress_file": ')[1:]]
    path = Path(row.split('"')[1])
    copy = path.with_name(COPY_NAMES[service].format(stem=path.stem))
    shutil.copyfile(path, copy)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(copy)))

    status = ok(cli("status", "--district", "sierra", "--as-of", AS_OF))
    assert f"{copy} is a conflict copy made by {service}" in status.stderr
    assert "--district sierra-vista-unified" in status.stderr
    overview = ok(cli("overview", "--as-of", AS_OF))
    assert str(copy) in overview.stderr and "--district sierra-vista-unified" in overview.stderr
    doctor = ok(cli("doctor", "--district", "sierra", "--as-of", AS_OF))
    assert str(copy) in " ".join(doctor.stdout.split())

    ok(run_hint(cli, status.stderr, "--remove"))
    assert "prep-assurance" in done_ids(path)
    assert not copy.exists()


def test_a_conflict_copy_of_a_kept_guide_is_named_by_doctor(
    cli, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # doctor's lines whole, long paths and all
    guide = tmp_path / "next.yaml"
    text = (ROOT / "data" / "pacing_2024.yaml").read_text("utf-8")
    guide.write_text(text.replace("  id: cim-sigdis-2024", "  id: cceis-2025", 1), "utf-8")
    ok(cli("district", "add", "Alpha USD", "--guide", str(guide)))
    kept = next((tmp_path / "home" / ".config" / "cimsig" / "guides").glob("*.yaml"))
    copy = kept.with_name(f"{kept.stem}-LAPTOP-1.yaml")
    shutil.copyfile(kept, copy)
    doctor = ok(cli("doctor", "--district", "alpha", "--as-of", AS_OF))
    said = " ".join(doctor.stdout.split())  # (doctor wraps its lines to the window)
    assert f"{copy} is a conflict copy made by OneDrive of the kept guide {kept}" in said
    assert ok(cli("status", "--district", "alpha", "--as-of", AS_OF))


# -- 4 and 5. git: conflict marks, merge --git, and the merge driver ------------------------------


def _git(repo: Path, *args: str, env: dict[str, str], check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _git_env(tmp_path: Path, who: str) -> dict[str, str]:
    home = tmp_path / who
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "HOME": str(home)}
    env.pop("CIMSIG_STATE", None)
    env["USER"] = env["LOGNAME"] = env["USERNAME"] = who
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        GIT_AUTHOR_NAME=who, GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME=who,
        GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
    )  # fmt: skip
    return env


def _cimsig(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cimsig", *args], cwd=cwd, env=env, capture_output=True,
        text=True, check=False, timeout=120,
    )  # fmt: skip


def _two_clones_that_disagree(tmp_path: Path, driver: bool) -> tuple[Path, dict[str, str]]:
    """Two clones of a repository holding plan.yaml: Maria's marks an activity done on Sep 1
    and assigns one; Jo's, later, marks it done on Sep 3. Jo's clone has pulled (the merge
    stopped or the driver ran). Returns Jo's clone and Jo's environment."""
    maria, jo = _git_env(tmp_path, "maria"), _git_env(tmp_path, "jo")
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main", env=maria)
    assert (
        _cimsig(origin, maria, "init", "--lea", "Sunnyvale USD", "--state", "plan.yaml").returncode
        == 0
    )
    (origin / ".gitignore").write_text("*.lock\n", "utf-8")
    _git(origin, "add", ".", env=maria)
    _git(origin, "commit", "-qm", "start", env=maria)
    _git(tmp_path, "clone", "-q", str(origin), "jo-clone", env=jo)
    clone = tmp_path / "jo-clone"
    if driver:
        (clone / ".gitattributes").write_text("*.yaml merge=cimsig\n", "utf-8")
        _git(clone, "config", "merge.cimsig.driver",
             f"{sys.executable} -m cimsig merge-driver %O %A %B %P", env=jo)  # fmt: skip
        _git(clone, "add", ".gitattributes", env=jo)
        _git(clone, "commit", "-qm", "cimsig merges plan.yaml", env=jo)
    for args in (("done", "prep-assurance", "--on", "2024-09-01", "--as-of", "2024-09-09"),
                 ("assign", "prep-mou-meeting", "Maria")):  # fmt: skip
        assert _cimsig(origin, maria, *args, "--state", "plan.yaml").returncode == 0
    _git(origin, "commit", "-qam", "maria's work", env=maria)
    done = _cimsig(clone, jo, "done", "prep-assurance", "--on", "2024-09-03", "--as-of",
                   "2024-09-09", "--state", "plan.yaml")  # fmt: skip
    assert done.returncode == 0, done.stderr
    _git(clone, "commit", "-qam", "jo's work", env=jo)
    return clone, jo


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_conflict_marks_are_named_and_merge_git_finishes_the_merge(tmp_path: Path) -> None:
    clone, jo = _two_clones_that_disagree(tmp_path, driver=False)
    pulled = _git(clone, "pull", "--no-rebase", "-q", env=jo, check=False)
    assert "CONFLICT" in pulled
    assert "<<<<<<<" in (clone / "plan.yaml").read_text("utf-8")

    status = _cimsig(clone, jo, "status", "--state", "plan.yaml", "--as-of", "2024-09-09")
    assert status.returncode == 3
    assert "git's conflict marks" in status.stderr
    assert "restore your backup" not in status.stderr
    assert 'cimsig merge --git "plan.yaml"' in status.stderr
    assert "*.lock" not in _git(clone, "status", "--porcelain", env=jo)

    merged = _cimsig(clone, jo, "merge", "--git", "plan.yaml")
    assert merged.returncode == 0, merged.stderr
    assert "Conflict: both copies changed done record of prep-assurance" in merged.stdout
    assert "by maria" in merged.stdout and "by jo" in merged.stdout
    assert "PST" in merged.stdout or "PDT" in merged.stdout
    assert 'git add "plan.yaml"' in merged.stdout
    data = yaml.safe_load((clone / "plan.yaml").read_text("utf-8"))
    assert set(data["done"]) == {"prep-assurance"}
    assert data["owners"] == {"prep-mou-meeting": "Maria"}  # the teammate's work is kept
    _git(clone, "add", "plan.yaml", env=jo)
    _git(clone, "commit", "-qm", "merged", env=jo)
    assert _git(clone, "status", "--porcelain", env=jo) == ""
    ok_status = _cimsig(clone, jo, "status", "--state", "plan.yaml", "--as-of", "2024-09-09")
    assert ok_status.returncode == 0, ok_status.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_merge_driver_names_the_real_file_and_each_conflict(tmp_path: Path) -> None:
    clone, jo = _two_clones_that_disagree(tmp_path, driver=True)
    pulled = _git(clone, "pull", "--no-rebase", "--no-edit", env=jo)
    assert "into plan.yaml" in pulled and ".merge_file" not in pulled
    assert "Conflict: both copies changed done record of prep-assurance" in pulled
    assert "by maria" in pulled and "by jo" in pulled and "<- kept" in pulled
    data = yaml.safe_load((clone / "plan.yaml").read_text("utf-8"))
    assert data["owners"] == {"prep-mou-meeting": "Maria"}
    assert _git(clone, "status", "--porcelain", env=jo) == ""


def test_merge_git_outside_a_merge_says_so(cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    ok(cli("init", "--lea", "Sunnyvale USD", "--state", str(plan)))
    before = plan.read_bytes()
    result = cli("merge", "--git", str(plan))
    assert result.exit_code == 2, result.output
    assert f"git has no unfinished merge of {plan}" in result.stderr
    assert plan.read_bytes() == before


# -- 6. who did what ------------------------------------------------------------------------------


@pytest.fixture
def shared_by_two(cli, tmp_path: Path) -> Path:
    plan = tmp_path / "plan.yaml"
    ok(cli("init", "--me", "Maria Lopez"))
    ok(cli("init", "--lea", "Sunnyvale USD", "--state", str(plan)))
    ok(cli("assign", "prep-mou-meeting", "Ana", "--state", str(plan)))
    ok(cli("init", "--me", "Jo"))
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(plan)))
    ok(cli("init", "--me", "Maria Lopez"))
    ok(cli("note", "prep-assurance", "Sent to [CDE]", "--state", str(plan)))
    return plan


def test_history_shows_who_made_each_change(cli, shared_by_two: Path, monkeypatch) -> None:
    for columns in ("80", "140"):
        monkeypatch.setenv("COLUMNS", columns)
        table = ok(cli("history", "--state", str(shared_by_two))).stdout
        assert "Who" in table.splitlines()[0]
        jo_line = next(x for x in table.splitlines() if "marked done" in x)
        assert " Jo " in jo_line
    monkeypatch.setenv("COLUMNS", "60")
    narrow = ok(cli("history", "--state", str(shared_by_two))).stdout
    assert "by Jo" in narrow and "by Maria Lopez" in narrow
    assert max(len(x) for x in narrow.splitlines()) <= 60
    only = ok(cli("history", "--by", "maria lopez", "--state", str(shared_by_two))).stdout
    assert "owner: Ana" in only and "added a note" in only and "marked done" not in only
    nobody = ok(cli("history", "--by", "Kim", "--state", str(shared_by_two))).stdout
    assert "No change was recorded by 'Kim'" in nobody and "Jo" in nobody


def test_undo_of_someone_elses_change_names_them_and_needs_yes(cli, shared_by_two: Path) -> None:
    ok(cli("init", "--me", "Jo"))
    before = shared_by_two.read_bytes()
    refused = cli("undo", "--state", str(shared_by_two))
    assert refused.exit_code == 2, refused.output
    assert "made by Maria Lopez" in refused.stderr and "--yes" in refused.stderr
    assert shared_by_two.read_bytes() == before
    ok(cli("undo", "--yes", "--state", str(shared_by_two)))
    asked = cli("undo", "--state", str(shared_by_two))  # the next one is Jo's own: no question
    assert asked.exit_code == 0, asked.output
    assert "Undid change" in asked.stdout


def test_conflict_times_are_in_the_guides_time_zone(cli, clock_free_copy) -> None:
    result = ok(cli("merge", str(clock_free_copy)))
    assert "Conflict: both copies changed" in result.stdout
    assert "09:20 PST by" in result.stdout  # recorded 17:20 UTC
    assert "+00:00" not in result.stdout and "T17:20" not in result.stdout


@pytest.fixture
def clock_free_copy(cli, state_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import datetime as dt

    utc = dt.timezone.utc
    monkeypatch.setattr(
        "cimsig.environment.now", lambda: dt.datetime(2024, 3, 1, 17, 0, tzinfo=utc)
    )
    ok(cli("init", "--lea", "Sunnyvale USD"))
    copy = state_path.with_name("state (1).yaml")
    shutil.copyfile(state_path, copy)
    monkeypatch.setattr(
        "cimsig.environment.now", lambda: dt.datetime(2024, 3, 1, 17, 10, tzinfo=utc)
    )
    ok(cli("assign", "prep-mou-meeting", "Maria"))
    monkeypatch.setattr(
        "cimsig.environment.now", lambda: dt.datetime(2024, 3, 1, 17, 20, tzinfo=utc)
    )
    ok(cli("assign", "prep-mou-meeting", "Jo", "--state", str(copy)))
    return copy


# -- found by an adversarial pass -----------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
           "HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("CIMSIG_STATE", None)
    return env


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_beside_the_progress_file_or_in_a_district_never_hangs(
    cli, state_path: Path, tmp_path: Path
) -> None:
    ok(cli("init", "--lea", "Sunnyvale USD"))
    os.mkfifo(state_path.with_name("other.yaml"))
    os.mkfifo(state_path.with_name("state-LAPTOP.yaml"))
    env = _env(tmp_path)
    for args in (("status", "--check", "--as-of", "2024-03-01"), ("where",), ("doctor",)):
        done = subprocess.run([sys.executable, "-m", "cimsig", *args], env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, (args, done.stderr)
    ok(cli("district", "add", "Alpha USD"))
    folder = state_path.parent / "districts" / "alpha-usd"
    os.mkfifo(folder / "notes.yaml")
    os.mkfifo(folder / "cim-sigdis-2024-LAPTOP.yaml")
    for args in (("overview", "--as-of", AS_OF), ("district", "list"),
                 ("status", "--district", "alpha", "--as-of", AS_OF)):  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "cimsig", *args], env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, (args, done.stderr)


def test_twenty_backups_do_not_hide_a_conflict_copy(cli, state_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # doctor's lines whole, long paths and all
    ok(cli("init", "--lea", "Sunnyvale USD"))
    for day in range(1, 26):
        shutil.copyfile(state_path, state_path.with_name(f"state-2024-09-{day:02d}.yaml"))
    copy = state_path.with_name("state.sync-conflict-20241001-093000-ABCDEFG.yaml")
    shutil.copyfile(state_path, copy)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(copy)))
    for args in (("status", "--as-of", AS_OF), ("where",), ("doctor", "--as-of", AS_OF)):
        result = ok(cli(*args))
        said = " ".join((result.stdout + result.stderr).split())  # (doctor wraps its lines)
        assert f"{copy} is a conflict copy made by Syncthing" in said


def test_a_copy_among_many_backups_is_found_or_the_cut_is_said(cli, state_path: Path) -> None:
    ok(cli("init", "--lea", "Sunnyvale USD"))
    renamed = state_path.with_name("aaa-old-plan.yaml")  # a renamed copy, named like no service
    shutil.copyfile(state_path, renamed)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(renamed)))
    os.utime(renamed, (1_000_000, 1_000_000))  # the oldest file there
    for day in range(1, 26):
        shutil.copyfile(state_path, state_path.with_name(f"state-2024-09-{day:02d}.yaml"))
    status = ok(cli("status", "--as-of", AS_OF))
    assert "were not looked into" in status.stderr and "cimsig doctor" in status.stderr
    doctor = ok(cli("doctor", "--as-of", AS_OF))
    assert str(renamed) in " ".join(doctor.stdout.split())  # doctor reads them all


@pytest.mark.parametrize(("first", "second"), [("東京 2", "大阪 2"), ("Гимназия №1", "Школа №1")])
def test_distinct_district_names_never_share_a_folder(
    cli, cli_json, first: str, second: str
) -> None:
    ok(cli("district", "add", first, "--track", "new"))
    unknown = cli("note", "step1-data-drill-down", "zebra-note", "--district", second)
    assert unknown.exit_code == 2, unknown.output
    assert f"There is no district '{second}'" in unknown.stderr
    ok(cli("district", "add", second, "--track", "new"))
    rows = cli_json("district", "list")
    assert sorted(r["district"] for r in rows) == sorted([first, second])
    assert len({r["name"] for r in rows}) == 2
    ok(cli("note", "step1-data-drill-down", "zebra-note", "--district", second))
    first_status = cli_json("status", "--district", first, "--as-of", AS_OF)
    assert "zebra-note" not in str(first_status)


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "LPT1", "AUX", "PRN", "Alpha.", "Beta "])
def test_windows_reserved_names_get_a_safe_folder(cli, cli_json, name: str) -> None:
    ok(cli("district", "add", name))
    [row] = cli_json("district", "list")
    folder = Path(row["progress_file"]).parent.name
    assert folder.split(".")[0].upper() not in {"CON", "NUL", "COM1", "LPT1", "AUX", "PRN"}
    assert not folder.endswith((".", " "))
    assert row["district"] == name.strip()
    ok(cli("status", "--district", name, "--as-of", AS_OF))


def test_a_short_name_titles_the_calendar_and_the_tables(cli, cli_json, tmp_path: Path) -> None:
    long_name = "Los Angeles County Office of Education " * 3
    ok(cli("district", "add", long_name.strip(), "--short", "LACOE", "--track", "new"))
    out = tmp_path / "la.ics"
    ok(cli("export", "ics", "--district", "los", "--as-of", AS_OF, "--output", str(out)))
    text = out.read_text("utf-8")
    assert "SUMMARY:LACOE: Preparation" in text and "SUMMARY:Los Angeles" not in text
    assert "@los-angeles-county-office" in text  # the event ids keep the district's name
    overview = ok(cli("overview", "--as-of", AS_OF)).stdout
    assert "LACOE" in overview and "Los Angeles" not in overview
    ok(cli("init", "--district", "los", "--lea", "LA County Office"))  # a new name keeps it
    [row] = cli_json("district", "list")
    assert (row["district"], row["short"]) == ("LA County Office", "LACOE")
    ok(cli("init", "--district", "los", "--short", ""))
    [row] = cli_json("district", "list")
    assert row["short"] is None


# -- three copies, merged in any order -----------------------------------------------------------

_IDS = ["prep-assurance", "prep-mou-meeting", "step1-identify-team"]
_OPS = st.tuples(
    st.integers(0, 2),  # which copy
    st.sampled_from(["done", "assign", "note"]),
    st.integers(0, len(_IDS) - 1),
    st.integers(1, 9),
)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_OPS, min_size=1, max_size=9))
def test_three_copies_merged_in_any_order_reach_the_same_records(ops: list[Any]) -> None:
    """Three computers change their own copy (named as OneDrive, Dropbox and Syncthing name
    theirs); merging them through the command line in different orders gives the same records,
    with every change of every copy in the history."""
    import datetime as dt
    import tempfile

    from typer.testing import CliRunner

    from cimsig.cli import app

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        root = Path(folder)
        mp.setenv("XDG_CONFIG_HOME", str(root / "home"))
        moment = [dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone.utc)]

        def tick() -> dt.datetime:
            moment[0] += dt.timedelta(minutes=1)
            return moment[0]

        mp.setattr("cimsig.environment.now", tick)

        def cli(*args: str) -> Any:
            result = runner.invoke(app, list(args), catch_exceptions=False)
            assert result.exit_code == 0, result.output
            return result

        base = root / "state.yaml"
        cli("init", "--lea", "Sunnyvale USD", "--track", "new", "--state", str(base))
        names = [
            "state-LAPTOP-1.yaml",
            "state (conflicted copy).yaml",
            "state.sync-conflict-1.yaml",
        ]
        copies = [root / n for n in names]
        for copy in copies:
            shutil.copyfile(base, copy)
        for which, kind, activity, value in ops:
            target = ["--state", str(copies[which])]
            if kind == "done":
                cli("done", _IDS[activity], "--on", f"2024-04-0{value}", "--as-of", AS_OF, *target)
            elif kind == "assign":
                cli("assign", _IDS[activity], f"Person {value}", *target)
            else:
                cli("note", _IDS[activity], f"note {value} [x]", *target)
        results = []
        for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
            merged = root / f"merged-{''.join(map(str, order))}" / "plan.yaml"
            merged.parent.mkdir()
            shutil.copyfile(copies[order[0]], merged)
            for which in order[1:]:
                cli("merge", str(copies[which]), "--state", str(merged))
            data = yaml.safe_load(merged.read_text("utf-8"))
            records = {k: data[k] for k in ("done", "owners", "notes", "plans", "profile")}
            for entry in records["done"].values():
                entry.pop("recorded", None)
            records["notes"] = {k: sorted(n["text"] for n in v) for k, v in data["notes"].items()}
            results.append((records, {e["uid"] for e in data["history"]}))
        every_change = set().union(
            *({e["uid"] for e in yaml.safe_load(c.read_text("utf-8"))["history"]} for c in copies)
        )
        assert results[0][0] == results[1][0] == results[2][0]
        assert all(every_change <= uids for _, uids in results)


def test_a_name_that_would_share_another_districts_folder_is_refused(cli, tmp_path: Path) -> None:
    ok(cli("district", "add", "Alpha USD", "--track", "new"))
    guide = tmp_path / "next.yaml"
    text = (ROOT / "data" / "pacing_2024.yaml").read_text("utf-8")
    guide.write_text(text.replace("  id: cim-sigdis-2024", "  id: cceis-2025", 1), "utf-8")
    refused = cli("district", "add", "Alpha, USD", "--guide", str(guide))
    assert refused.exit_code == 2, refused.output
    assert "would share the folder alpha-usd with the district Alpha USD" in refused.stderr
    ok(cli("district", "add", "Alpha USD", "--guide", str(guide)))
