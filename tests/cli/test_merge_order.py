"""Which change wins `cimsig merge`, and the paths around it (issue 24, and point 7 of 25):
through the command line, with copies whose computers' clocks disagree."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import RECORDED

AS_OF = "2024-05-01"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set the computer's clock, in minutes from the fixed moment (negative: behind)."""

    def set_to(minutes: float) -> None:
        moment = RECORDED + dt.timedelta(minutes=minutes)
        monkeypatch.setattr("cimsig.environment.now", lambda: moment)

    return set_to


@pytest.fixture
def started(cli, clock, state_path: Path) -> Path:
    clock(0)
    ok(cli("init", "--lea", "Sunnyvale USD", "--track", "new"))
    return state_path


def rows(cli_json, state: Path) -> dict[str, dict]:
    found = cli_json("status", "--as-of", AS_OF, "--state", str(state))
    return {row["id"]: row for row in found}


def test_a_reopening_on_a_slow_clock_wins_in_both_directions(
    cli, cli_json, clock, started: Path
) -> None:
    """Point 1: done, copied; the copy (its clock 3 minutes slow) reopens it; each merges the
    other: both reopened, no conflict and no 'differs, with no change recorded'."""
    clock(10)
    ok(cli("done", "prep-assurance", "--as-of", AS_OF))
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    clock(7)  # the copy's computer: 3 minutes behind
    ok(cli("undo", "prep-assurance", "--state", str(copy)))
    mine = started.with_name("mine.yaml")
    shutil.copyfile(started, mine)
    clock(30)
    result = ok(cli("merge", str(copy)))
    assert "Conflict" not in result.stdout and "Differs" not in result.stdout
    ok(cli("merge", str(mine), "--state", str(copy)))
    assert rows(cli_json, started)["prep-assurance"]["status"] != "done"
    assert rows(cli_json, copy)["prep-assurance"]["status"] != "done"


def test_a_copy_whose_clock_says_2199_does_not_win_later_decisions(
    cli, cli_json, clock, monkeypatch: pytest.MonkeyPatch, started: Path
) -> None:
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    future = dt.datetime(2199, 1, 1, tzinfo=dt.timezone.utc)
    monkeypatch.setattr("cimsig.environment.now", lambda: future)
    ok(cli("assign", "prep-assurance", "Future", "--state", str(copy)))
    clock(5)
    ok(cli("merge", str(copy)))  # taken: nothing else changed it
    clock(6)
    ok(cli("assign", "prep-assurance", "Maria"))  # decided after the merge: later
    clock(7)
    ok(cli("merge", str(started), "--state", str(copy)))
    assert rows(cli_json, copy)["prep-assurance"]["owner"] == "Maria"
    assert rows(cli_json, started)["prep-assurance"]["owner"] == "Maria"


def test_merging_again_writes_nothing_and_undo_takes_back_the_same_change(
    cli, cli_json, clock, started: Path
) -> None:
    """Point 2: a merge that brings nothing writes nothing (same bytes, same numbers), and
    undo then takes back the change it took back before."""
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    clock(20)
    ok(cli("assign", "prep-assurance", "Jo", "--state", str(copy)))
    ok(cli("note", "prep-assurance", "from the copy", "--state", str(copy)))
    clock(21)
    ok(cli("merge", str(copy)))
    clock(2)  # this computer's clock now behind the copy's changes
    ok(cli("assign", "prep-mou-meeting", "Maria"))
    before = started.read_bytes()
    clock(3)
    again = ok(cli("merge", str(copy)))
    assert "holds nothing your progress file lacks; nothing changed" in again.stdout
    assert started.read_bytes() == before
    undone = ok(cli("undo"))
    assert "prep-mou-meeting" in undone.stdout
    assert rows(cli_json, started)["prep-assurance"]["owner"] == "Jo"


def test_a_copy_whose_merge_was_undone_says_so_and_is_not_removed(
    cli, cli_json, clock, started: Path
) -> None:
    """Point 3: after `undo` of a merge, merging the copy again says its changes are in the
    history, undone by change N, and how to take them again; --remove keeps the copy."""
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    clock(20)
    ok(cli("assign", "prep-assurance", "Jo", "--state", str(copy)))
    ok(cli("merge", str(copy)))
    ok(cli("undo"))
    number = ok(cli("history", "--json")).stdout
    undo_seq = json.loads(number)[0]["seq"]
    result = ok(cli("merge", str(copy), "--remove"))
    assert "holds nothing your progress file lacks" not in result.stdout
    assert f"change {undo_seq} (undo) took back the merge" in result.stdout
    assert "owner of prep-assurance" in result.stdout
    assert "--again" in result.stdout
    assert copy.exists() and "Kept" in result.stderr
    assert rows(cli_json, started)["prep-assurance"]["owner"] is None
    ok(cli("merge", str(copy), "--again", "--remove"))
    assert rows(cli_json, started)["prep-assurance"]["owner"] == "Jo"
    assert not copy.exists()


def test_a_copy_from_before_an_archive_brings_no_old_decision_back(
    cli, cli_json, clock, started: Path
) -> None:
    """Point 4: decisions made after the copy was made survive; archived changes stay
    archived, and nothing is listed as a conflict."""
    ok(cli("assign", "prep-assurance", "Maria"))
    ok(cli("done", "prep-mou-meeting", "--as-of", AS_OF))
    ok(cli("plan", "prep-fmta-meeting", "--due", "2024-06-01"))
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    clock(60 * 24)
    ok(cli("assign", "prep-assurance", "Jo"))
    ok(cli("undo", "prep-mou-meeting"))
    ok(cli("plan", "prep-fmta-meeting", "--clear"))
    clock(60 * 24 * 3)
    ok(cli("history", "--archive", "2024-03-04"))
    archived = {e["uid"] for e in json.loads(ok(cli("history", "--json", "--all")).stdout)}
    result = ok(cli("merge", str(copy)))
    assert "Conflict" not in result.stdout
    found = rows(cli_json, started)
    assert found["prep-assurance"]["owner"] == "Jo"
    assert found["prep-mou-meeting"]["status"] != "done"
    assert found["prep-fmta-meeting"]["due"] != "2024-06-01"
    after = {e["uid"] for e in json.loads(ok(cli("history", "--json", "--all")).stdout)}
    assert after == archived  # none of the archived changes came back
    # The other direction too: the copy takes the later decisions.
    ok(cli("merge", str(started), "--state", str(copy)))
    assert rows(cli_json, copy) == found


def test_a_file_that_shares_no_history_is_not_a_copy(cli, cli_json, clock, started: Path) -> None:
    """Point 5: a progress file started on its own (no district name) beside the team's is not
    offered as a copy, and merging it needs --unrelated after a warning."""
    stranger = started.with_name("other.yaml")
    ok(cli("init", "--track", "new", "--state", str(stranger)))
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(stranger)))
    for command in ("status", "where", "doctor"):
        result = cli(command, *(["--as-of", AS_OF] if command == "status" else []))
        assert "other.yaml" not in result.output, command
    before = started.read_bytes()
    refused = cli("merge", str(stranger))
    assert refused.exit_code == 3, refused.output
    assert "shares no change" in refused.stderr and "--unrelated" in refused.stderr
    assert started.read_bytes() == before
    result = ok(cli("merge", str(stranger), "--unrelated"))
    assert "Warning" in result.stderr and "shares no change" in result.stderr
    assert rows(cli_json, started)["prep-assurance"]["status"] == "done"


def test_merge_driver_refuses_a_result_past_the_size_limit(
    cli, clock, monkeypatch: pytest.MonkeyPatch, started: Path, tmp_path: Path
) -> None:
    """Point 6: two copies, each under the limit, whose merge is over it: the driver refuses
    (exit 3), ours untouched, as `merge` does. (The limit is lowered for the test; the real one
    is 20 MB.)"""
    base = tmp_path / "base.yaml"
    shutil.copyfile(started, base)
    ours, theirs = tmp_path / "ours.yaml", tmp_path / "theirs.yaml"
    shutil.copyfile(started, ours)
    shutil.copyfile(started, theirs)
    for number in range(40):
        clock(number)
        ok(cli("note", "prep-assurance", f"ours {number} " + "x" * 200, "--state", str(ours)))
        ok(cli("note", "prep-assurance", f"theirs {number} " + "y" * 200, "--state", str(theirs)))
    size = max(ours.stat().st_size, theirs.stat().st_size)
    monkeypatch.setattr("cimsig.storage.store.MAX_STATE_BYTES", size + 1000)
    before = ours.read_bytes()
    result = cli("merge-driver", str(base), str(ours), str(theirs))
    assert result.exit_code == 3, result.output
    assert "larger than" in result.stderr and "not changed" in result.stderr
    assert ours.read_bytes() == before


def test_a_repeated_change_id_in_the_other_copy_is_refused_naming_the_line(
    cli, clock, started: Path
) -> None:
    """Point 7: the other copy has two changes with one id (one would be lost): refused,
    naming the line; the message calls it the other copy, not 'your progress file'."""
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    clock(5)
    ok(cli("assign", "prep-assurance", "Jo", "--state", str(copy)))
    ok(cli("assign", "prep-mou-meeting", "Sam", "--state", str(copy)))
    lines = copy.read_text().splitlines(keepends=True)
    first = next(n for n, line in enumerate(lines) if '"action": "assign"' in line)
    uid = json.loads(lines[first][2:])["uid"]
    second = json.loads(lines[first + 1][2:])
    lines[first + 1] = "- " + json.dumps({**second, "uid": uid}) + "\n"
    copy.write_text("".join(lines))
    before = started.read_bytes()
    result = cli("merge", str(copy))
    assert result.exit_code == 3, result.output
    assert f"The other copy {copy}, line {first + 2} cannot be merged" in result.stderr
    assert "restore your backup" not in result.stderr
    assert started.read_bytes() == before


def test_a_damaged_other_copy_is_named_as_the_other_copy(cli, clock, started: Path) -> None:
    copy = started.with_name("state (1).yaml")
    copy.write_text(started.read_text().replace("version: 3", "version: [3"))
    result = cli("merge", str(copy))
    assert result.exit_code == 3, result.output
    assert f"The other copy {copy}, line 5 cannot be used" in result.stderr
    assert "restore your backup" not in result.stderr and "archive" not in result.stderr
    assert "changed neither file" in result.stderr


def test_an_other_copy_past_the_size_limit_is_named_as_the_other_copy(
    cli, clock, monkeypatch: pytest.MonkeyPatch, started: Path
) -> None:
    copy = started.with_name("state (1).yaml")
    shutil.copyfile(started, copy)
    monkeypatch.setattr("cimsig.storage.store.MAX_STATE_BYTES", copy.stat().st_size - 1)
    result = cli("merge", str(copy), "--state", str(started))
    assert result.exit_code == 3, result.output
    assert f"The other copy {copy} is larger than" in result.stderr
    assert "--archive" not in result.stderr and "restore your backup" not in result.stderr


def test_undo_after_four_merges_in_one_second_takes_back_the_newest_first(
    cli, cli_json, clock, started: Path
) -> None:
    """Issue 25, point 7: four merges in the same second; each undo takes back the latest one
    left, and the history lists changes in the order they were made."""
    copies = []
    for number, (activity, owner) in enumerate(
        [("prep-assurance", "Maria"), ("prep-mou-meeting", "Jo"),
         ("prep-fmta-meeting", "Sam"), ("prep-assurance", "Lee")]
    ):  # fmt: skip
        copy = started.with_name(f"state ({number + 1}).yaml")
        shutil.copyfile(started, copy)
        clock(-10 * number)  # each computer's clock further behind
        ok(cli("assign", activity, owner, "--state", str(copy)))
        copies.append(copy)
    owners = []
    clock(30)
    for copy in copies:
        owners.append({k: v["owner"] for k, v in rows(cli_json, started).items()})
        ok(cli("merge", str(copy)))
    for expected in reversed(owners):
        ok(cli("undo"))
        assert {k: v["owner"] for k, v in rows(cli_json, started).items()} == expected
    history = json.loads(ok(cli("history", "--json", "--all")).stdout)  # newest first
    merges = [e for e in history if e["action"] == "merge"]
    assert len(merges) == 4
    # the newest merge was undone first: the later a merge, the earlier the undo of it
    undone_by = [e["undone_by"] for e in merges]
    assert undone_by == sorted(undone_by)
    made = [e for e in history if e["action"] != "revert"]
    assert [e["action"] for e in made][:4] == ["merge"] * 4  # listed in the order made


@pytest.mark.slow
def test_merge_driver_refuses_two_11_mb_copies_whose_merge_is_past_20_mb(
    cli, tmp_path: Path
) -> None:
    """Point 6 at its real size: two 11 MB copies of one plan (each under the 20 MB limit)."""
    from cimsig import merging
    from cimsig.records import Profile
    from cimsig.state import State
    from cimsig.storage import state_format

    base = State("cim-sigdis-2024")
    base.set_profile(Profile("Sunnyvale USD", "new"), RECORDED)
    files = {}
    for side in ("ours", "theirs"):
        copy = merging.copy_state(base)
        names = [f"{side} {n} " + "x" * 150 for n in range(2)]
        number = 0
        while number % 1000 or len(state_format.to_text(copy)) < 11 * 2**20:
            copy.assign("prep-assurance", names[number % 2], RECORDED)
            number += 1
        files[side] = tmp_path / f"{side}.yaml"
        files[side].write_text(state_format.to_text(copy))
    before = files["ours"].read_bytes()
    result = cli("merge-driver", str(files["ours"]), str(files["ours"]), str(files["theirs"]))
    assert result.exit_code == 3, result.output
    assert "larger than 20 MB" in result.stderr
    assert files["ours"].read_bytes() == before


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_merge_git_refuses_a_result_past_the_size_limit(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`merge --git` writes what the driver would: past the limit, it refuses the same way,
    and the file (with git's conflict marks) is left as it was."""
    from tests.cli.test_team_paths import _git, _two_clones_that_disagree

    clone, jo = _two_clones_that_disagree(tmp_path, driver=False)
    _git(clone, "pull", "--no-rebase", "-q", env=jo, check=False)
    conflicted = clone / "plan.yaml"
    before = conflicted.read_bytes()
    sides = [_git(clone, "show", f":{n}:plan.yaml", env=jo) for n in (2, 3)]
    monkeypatch.setattr(
        "cimsig.storage.store.MAX_STATE_BYTES", max(len(s.encode()) for s in sides) + 10
    )
    monkeypatch.chdir(clone)
    result = cli("merge", "--git", "plan.yaml")
    assert result.exit_code == 3, result.output
    assert "larger than" in result.stderr and "unchanged" in result.stderr
    assert conflicted.read_bytes() == before
