"""`cimsig history`: every change newest first, what undo takes back next, and archiving old
changes to a side file without losing the plan or the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from tests.cli.test_faults import cimsig


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch):
    def set_clock(day: str) -> None:
        moment = dt.datetime.fromisoformat(day + "T10:00:00-07:00")
        monkeypatch.setattr("cimsig.environment.now", lambda: moment)

    return set_clock


def _a_year_of_work(cli, at) -> None:
    at("2024-04-20")
    assert cli("init", "--lea", "Alpha USD", "--track", "new").exit_code == 0
    assert cli("done", "prep-assurance", "prep-mou-meeting", "--as-of", "2024-04-20").exit_code == 0
    at("2024-09-03")
    assert cli("assign", "step3-action-plan", "Maria Lopez").exit_code == 0
    assert cli("note", "step3-action-plan", "Waiting on [SIS] data \x1b[31m").exit_code == 0
    at("2025-02-10")
    assert cli("done", "step3-submit-documents", "--as-of", "2025-02-10").exit_code == 0


def test_history_lists_changes_newest_first_and_marks_what_undo_takes_back(cli, at) -> None:
    _a_year_of_work(cli, at)
    shown = cli("history").stdout
    lines = [line for line in shown.splitlines() if line.strip()]
    numbers = [line.split()[0] for line in lines[2:] if line.split()[0].isdigit()]
    assert numbers == ["6", "5", "4", "3", "2", "1"]
    assert "step3-submit-documents: marked done (done on Feb 10, 2025)" in shown
    assert "Feb 10, 2025 09:00 PST" in shown  # when it was recorded, in California time
    assert "owner: Maria Lopez" in shown
    assert "[SIS]" in shown and "\x1b" not in shown and "\\x1b" in shown  # shown harmlessly
    after_six = shown.split("step3-submit-documents", 1)[1]
    assert after_six.split("\n", 2)[1].strip() == "`cimsig undo` takes this back next"

    assert cli("undo").exit_code == 0
    shown = cli("history").stdout
    assert "undid change 6" in shown and "undone by change 7" in shown
    # the next undo is the note (change 5): that is what is marked now
    marked = shown.split("`cimsig undo` takes this back next")[0].rsplit("\n", 3)
    assert "added a note" in "".join(marked)


def test_one_command_changing_several_activities_is_marked_whole(cli, at) -> None:
    _a_year_of_work(cli, at)
    cli("undo")  # takes back change 6 ...
    cli("undo")  # ... then the note ...
    cli("undo")  # ... then the owner: next is the two done at once (changes 2 and 3)
    rows = {r["seq"]: r for r in _json(cli, "history")}
    assert [s for s, r in rows.items() if r["undo_next"]] == [3, 2]
    assert rows[2]["batch"] == rows[3]["batch"] is not None


def test_history_json_is_every_change_with_its_meaning(cli, at) -> None:
    _a_year_of_work(cli, at)
    rows = _json(cli, "history", "--all")
    assert [r["seq"] for r in rows] == [6, 5, 4, 3, 2, 1]
    first = rows[0]
    assert set(first) == {"seq", "uid", "by", "at", "action", "id", "summary", "changes", "batch",
                          "reverts", "undo_next", "undone_by"}  # fmt: skip
    assert first["action"] == "done" and first["id"] == "step3-submit-documents"
    assert first["at"] == "2025-02-10T10:00:00-07:00" and first["undo_next"] is True
    assert rows[-1]["id"] is None and rows[-1]["summary"] == "set the district profile"


def test_history_shows_the_latest_few_and_says_how_many_more(cli, at) -> None:
    _a_year_of_work(cli, at)
    shown = cli("history", "--limit", "2").stdout
    assert "4 older changes are not shown: add --all to see them." in shown
    assert len(_json(cli, "history", "--limit", "2")) == 2
    empty = cli("history")
    assert empty.exit_code == 0  # a history of a file not started yet is not an error
    bad = cli("history", "--limit", "0")
    assert bad.exit_code == 2


def test_no_history_yet(cli) -> None:
    result = cli("history")
    assert result.exit_code == 0 and "No change has been recorded yet." in result.stdout
    assert _json(cli, "history") == []


def test_archive_moves_old_changes_keeps_the_plan_and_the_record(
    cli, at, cli_json, state_path: Path
) -> None:
    _a_year_of_work(cli, at)
    before = {r["id"]: (r["status"], r["owner"]) for r in cli_json("list", "--as-of", "2025-03-01")}
    at("2025-03-01")
    result = cli("history", "--archive", "2025-01-01")
    assert result.exit_code == 0, result.stderr
    side = state_path.with_name("state-history-before-2025-01-01.yaml")
    said = " ".join(result.stdout.split())
    assert f"Moved 5 changes recorded before Wed Jan 1, 2025 to {side}" in said
    assert "and the 1 later change." in said
    # the plan is as it was
    after = {r["id"]: (r["status"], r["owner"]) for r in cli_json("list", "--as-of", "2025-03-01")}
    assert after == before
    # the side file holds the five changes, readable as YAML, and says where they came from
    archived = yaml.safe_load(side.read_text())
    assert archived["archive_of"] == "state.yaml" and archived["district"] == "Alpha USD"
    assert [e["seq"] for e in archived["history"]] == [1, 2, 3, 4, 5]
    # the progress file keeps the later change and a record of the archiving
    kept = yaml.safe_load(state_path.read_text())["history"]
    assert [(e["seq"], e["action"]) for e in kept] == [(6, "done"), (7, "archive")]
    assert "moved 5 changes recorded before Jan 1, 2025" in cli("history").stdout
    # undo takes back the later change, then says older ones are out of its reach
    assert cli("undo").exit_code == 0
    nothing = cli("undo")
    assert nothing.exit_code == 0 and "moved to a side file" in nothing.stdout
    # a later archive makes its own side file
    at("2025-03-02")
    again = cli("history", "--archive", "2025-03-02")
    assert again.exit_code == 0, again.stderr
    side2 = state_path.with_name("state-history-before-2025-03-02.yaml")
    # (the record of the first archiving stays in the progress file; a change goes with its undo)
    assert [e["seq"] for e in yaml.safe_load(side2.read_text())["history"]] == [6, 8]


def test_status_does_not_read_an_archive_as_a_sync_copy(
    cli, at, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive is named like a OneDrive copy (state-history-before-...) and holds a plan's
    whole history: read as a possible conflict copy, it cost every status half a minute."""
    from cimsig.storage import loading

    _a_year_of_work(cli, at)
    at("2025-03-01")
    assert cli("history", "--archive", "2025-01-01").exit_code == 0
    side = state_path.with_name("state-history-before-2025-01-01.yaml")
    renamed = state_path.with_name("state-old.yaml")  # (an archive renamed by hand)
    renamed.write_bytes(side.read_bytes())
    read = []
    real = loading.load_state
    monkeypatch.setattr(
        loading, "load_state", lambda file, *a, **k: read.append(file.path) or real(file, *a, **k)
    )
    result = cli("status", "--as-of", "2025-03-01")
    assert result.exit_code == 0 and "conflict copy" not in result.stderr
    assert read == [state_path]


def test_archiving_again_after_an_interruption_keeps_each_change_once(
    cli, at, state_path: Path
) -> None:
    _a_year_of_work(cli, at)
    unarchived = state_path.read_text()
    at("2025-03-01")
    assert cli("history", "--archive", "2025-01-01").exit_code == 0
    # as if the side file was written but the progress file was not (a crash between the two)
    state_path.write_text(unarchived)
    assert cli("history", "--archive", "2025-01-01").exit_code == 0
    side = state_path.with_name("state-history-before-2025-01-01.yaml")
    assert [e["seq"] for e in yaml.safe_load(side.read_text())["history"]] == [1, 2, 3, 4, 5]


def test_archive_with_nothing_before_the_date_changes_nothing(cli, at, state_path: Path) -> None:
    _a_year_of_work(cli, at)
    text = state_path.read_text()
    result = cli("history", "--archive", "2024-01-01")
    assert result.exit_code == 0 and "Nothing to archive" in result.stdout
    assert state_path.read_text() == text
    assert not list(state_path.parent.glob("*history-before*"))


def test_archive_refuses_to_overwrite_a_side_file_it_cannot_read(cli, at, state_path: Path) -> None:
    _a_year_of_work(cli, at)
    side = state_path.with_name("state-history-before-2025-01-01.yaml")
    side.write_text("my own notes: not an archive\n")
    text = state_path.read_text()
    result = cli("history", "--archive", "2025-01-01")
    assert result.exit_code == 3 and "is not a cimsig history archive" in result.stderr
    assert side.read_text() == "my own notes: not an archive\n"
    assert state_path.read_text() == text


def test_archive_with_a_bad_date_or_no_file(cli) -> None:
    assert cli("history", "--archive", "someday").exit_code == 2
    missing = cli("history", "--archive", "2025-01-01")
    assert missing.exit_code == 2 and "no progress file" in missing.stderr


def _json(cli, *args: str):
    import json

    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_archive_refuses_a_date_after_tomorrow(cli, at, state_path: Path) -> None:
    _a_year_of_work(cli, at)
    at("2025-03-01")
    text = state_path.read_text()
    result = cli("history", "--archive", "2030-01-01")
    assert result.exit_code == 2 and "after today" in result.stderr
    assert state_path.read_text() == text


def test_an_archive_in_a_district_is_not_taken_for_a_second_guide(cli, at) -> None:
    import json

    at("2024-04-20")
    assert cli("district", "add", "Alpha USD").exit_code == 0
    assert (
        cli("done", "prep-assurance", "--district", "alpha", "--as-of", "2024-04-20").exit_code == 0
    )
    at("2024-05-01")
    archived = cli("history", "--archive", "2024-05-01", "--district", "alpha")
    assert archived.exit_code == 0 and archived.stdout.startswith("Alpha USD: Moved 2 changes")
    rows = json.loads(cli("district", "list", "--json").stdout)
    assert [r["guide"] for r in rows] == ["cim-sigdis-2024"]
    assert cli("status", "--district", "alpha", "--as-of", "2024-05-01").exit_code == 0


def test_a_file_written_before_one_line_changes_is_read_and_rewritten(
    state_path: Path,
) -> None:
    old_style = (
        "version: 2\nguide: cim-sigdis-2024\ndone:\n  prep-assurance:\n    date: '2024-03-01'\n"
        "    recorded: '2024-03-01T09:00:00-08:00'\n    note: null\n"
        "history:\n- seq: 1\n  at: '2024-03-01T09:00:00-08:00'\n  action: done\n"
        "  id: prep-assurance\n  changes:\n  - field: done\n    before: null\n"
        "    after: {date: '2024-03-01', recorded: '2024-03-01T09:00:00-08:00', note: null}\n"
    )
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(old_style)
    result = cimsig(state_path, "done", "prep-mou-meeting", "--as-of", "2024-03-05")
    assert result.returncode == 0, result.stderr
    text = state_path.read_text()
    history = text.split("\nhistory:\n", 1)[1].splitlines()
    assert [line[:12] for line in history] == ['- {"seq": 1,', '- {"seq": 2,']
    assert set(yaml.safe_load(text)["done"]) == {"prep-assurance", "prep-mou-meeting"}


def test_archiving_again_moves_nothing_new_and_counts_right(cli, at, state_path: Path) -> None:
    import json

    _a_year_of_work(cli, at)
    at("2025-03-01")
    assert cli("history", "--archive", "2025-01-01").exit_code == 0  # 1-5 go; 6 and 7 stay
    again = cli("history", "--archive", "2025-01-01", "--json")
    assert json.loads(again.stdout) == {"archived": 0, "before": "2025-01-01", "file": None,
                                        "left": 2}  # fmt: skip
    third = cli("history", "--archive", "2025-03-01")
    assert "Moved 1 change recorded" in third.stdout  # the done of Feb 10; archive records stay


def test_archive_refuses_a_read_only_side_file(cli, at, state_path: Path) -> None:
    _a_year_of_work(cli, at)
    at("2025-03-01")
    assert cli("history", "--archive", "2025-01-01").exit_code == 0
    side = state_path.with_name("state-history-before-2025-01-01.yaml")
    side.chmod(0o444)
    before = side.read_bytes()
    state_path.write_text(state_path.read_text())  # (unchanged)
    result = cli("history", "--archive", "2025-01-01")
    assert result.exit_code in (0, 3)  # nothing left to move, or refused: never replaced
    assert side.read_bytes() == before and side.stat().st_mode & 0o777 == 0o444


def test_an_undo_stays_with_the_change_it_undid_when_archiving(cli, at, state_path: Path) -> None:
    from cimsig.history_entry import HistoryEntry
    from cimsig.render.history_view import describe

    _a_year_of_work(cli, at)
    at("2025-02-11")
    assert cli("undo").exit_code == 0  # takes back the done of Feb 10
    at("2025-03-01")
    assert cli("history", "--archive", "2025-02-11").exit_code == 0
    kept = [e["seq"] for e in yaml.safe_load(state_path.read_text())["history"]]
    assert 6 in kept and 7 in kept  # the done (Feb 10) stayed with its undo (Feb 11)
    archived = HistoryEntry.read({"action": "revert", "reverts": "gone"})
    assert describe(archived, {}) == "undid a change now archived"
