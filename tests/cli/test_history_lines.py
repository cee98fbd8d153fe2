"""The history in the progress file: every line checked when read, a damaged line named at its
line, a note's entry holding only that note, and the size limit that archiving brings back under."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml


def _write(state: Path, text: str) -> bytes:
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(text)
    return state.read_bytes()


AS_OF = "2024-04-20"


def load(state: Path) -> dict:
    return yaml.safe_load(state.read_text())


# -- history entries are checked when the file is read ---------------------------------------

_WITH_SEQ = """\
version: 2
guide: cim-sigdis-2024
done:
  prep-assurance:
    date: '2024-04-01'
    recorded: '2024-04-01T09:00:00-07:00'
history:
- at: '2024-04-01T09:00:00-07:00'
  action: done
  id: prep-assurance
  seq: {seq}
  changes:
  - field: done
    before: null
    after: {{date: '2024-04-01', recorded: '2024-04-01T09:00:00-07:00', note: null}}
"""


@pytest.mark.parametrize("seq", ["abc", ".inf", "null", "[1, 2]"])
@pytest.mark.parametrize(
    "command",
    [
        ["done", "prep-mou", "--as-of", AS_OF],
        ["note", "prep-mou", "a note"],
        ["undo", "--as-of", AS_OF],
        ["undo", "prep-assurance", "--as-of", AS_OF],
    ],
)
def test_a_history_entry_without_a_whole_number_seq_is_refused(
    cli, state_path: Path, seq: str, command: list[str]
) -> None:
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(_WITH_SEQ.format(seq=seq))
    before = state_path.read_bytes()
    result = cli(*command)
    assert result.exit_code == 3, result.output
    assert "line 11" in result.stderr and "seq" in result.stderr
    assert "Traceback" not in result.stderr
    assert state_path.read_bytes() == before


# -- notes: the history holds the note added, not the list twice --------------------------


def test_a_note_entry_holds_only_the_note_and_undo_removes_it(cli, state_path: Path) -> None:
    for text in ("first", "second", "third"):
        assert cli("note", "prep-mou-meeting", text).exit_code == 0
    entry = load(state_path)["history"][-1]
    assert entry["changes"] == [{"field": "notes", "added": entry["changes"][0]["added"]}]
    assert entry["changes"][0]["added"]["text"] == "third"
    assert cli("undo", "--as-of", AS_OF).exit_code == 0
    notes = load(state_path)["notes"]["prep-mou-meeting"]
    assert [n["text"] for n in notes] == ["first", "second"]


def test_an_old_note_entry_with_before_and_after_still_undoes(cli, state_path: Path) -> None:
    note = "{at: '2024-04-01T09:00:00-07:00', text: old}"
    _write(
        state_path,
        "version: 2\nnotes:\n  prep-mou-meeting:\n  - " + note + "\n"
        "history:\n- {seq: 1, at: '2024-04-01T09:00:00-07:00', action: note, "
        "id: prep-mou-meeting, changes: [{field: notes, before: null, after: [" + note + "]}]}\n",
    )
    assert cli("undo", "--as-of", AS_OF).exit_code == 0
    assert "prep-mou-meeting" not in (load(state_path)["notes"] or {})


def test_300_notes_of_200_characters_keep_the_file_small(state_path: Path) -> None:
    import datetime as dt

    from cimsig.state import State
    from cimsig.storage.state_format import to_text

    state = State()
    now = dt.datetime(2024, 4, 1, 9, tzinfo=dt.timezone.utc)
    for index in range(300):
        state.add_note("prep-mou-meeting", f"{index:03} " + "n" * 196, now)
    size = len(to_text(state).encode())
    # (about 700 bytes a note: the note twice, in the notes and in its change; was about 18 MB
    # with the whole list twice in each entry)
    assert size < 210_000, size


def test_a_change_never_takes_the_file_past_the_limit_and_archiving_brings_it_back(
    cli, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit is lowered to 60 KB so the test is quick; the rules are the real ones."""
    import datetime as dt

    from cimsig.state import State
    from cimsig.storage.state_format import to_text

    state = State(guide="cim-sigdis-2024")
    moment = dt.datetime(2024, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    for index in range(200):  # a busy history: done, then taken back, again and again
        if index % 2 == 0:
            state.mark_done("prep-assurance", dt.date(2024, 3, 1), moment)
        else:
            state.reopen("prep-assurance", moment)
    state.mark_done("prep-mou-meeting", dt.date(2024, 3, 1), moment)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(to_text(state), encoding="utf-8")
    size = state_path.stat().st_size
    monkeypatch.setattr("cimsig.storage.store.MAX_STATE_BYTES", size + 2_000)
    before = state_path.read_bytes()

    result = cli("note", "prep-mou-meeting", "x" * 3_000)
    assert result.exit_code == 3
    assert "would make the progress file" in result.stderr and "--archive" in result.stderr
    assert state_path.read_bytes() == before

    monkeypatch.setattr(
        "cimsig.storage.store.MAX_STATE_BYTES", size - 1_000
    )  # (grown past it by hand)
    result = cli("status", "--as-of", AS_OF)
    assert result.exit_code == 3 and "history --archive" in result.stderr
    assert cli("note", "prep-mou-meeting", "short").exit_code == 3
    assert state_path.read_bytes() == before
    too_early = cli("history", "--archive", "2024-02-01")  # moves nothing: the file stays over
    assert too_early.exit_code == 0 and "Nothing to archive" in too_early.stdout
    assert "is still" in too_early.stderr and "Archive again with a later date" in too_early.stderr
    archived = cli("history", "--archive", "2024-03-02")
    assert archived.exit_code == 0, archived.output
    assert state_path.stat().st_size < size - 1_000 and "is still" not in archived.stderr
    assert "prep-mou-meeting" in cli_done_ids(cli)
    assert cli("note", "prep-mou-meeting", "short").exit_code == 0


def cli_done_ids(cli) -> set[str]:
    import json

    rows = json.loads(cli("list", "--as-of", AS_OF, "--json").stdout)
    return {r["id"] for r in rows if r["status"] == "done"}


def test_a_damaged_change_is_named_by_status_each_time_and_by_undo(cli, state_path: Path) -> None:
    """A history line whose number and id are right but whose rest is damaged: `done` still
    works (it writes the line back as it was), and `status` says so, from the cache too."""
    assert cli("done", "prep-assurance", "--as-of", AS_OF).exit_code == 0
    assert cli("done", "step1-case-study", "--as-of", AS_OF).exit_code == 0
    text = state_path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith('- {"seq": 1,'))
    state_path.write_text(
        text.replace(first, first.replace('"changes": [', '"changes": 5, "x": ['))
    )
    number = (
        state_path.read_text(encoding="utf-8")
        .splitlines()
        .index(first.replace('"changes": [', '"changes": 5, "x": ['))
        + 1
    )
    for _ in range(2):  # the first status makes the copy, the second reads it
        result = cli("status", "--as-of", AS_OF)
        assert result.exit_code == 0
        assert f"is damaged (line {number}: a change in the history has no list" in result.stderr
        assert "cimsig doctor" in result.stderr
    assert cli("done", "step1-identify-team", "--as-of", AS_OF).exit_code == 0
    result = cli("undo", "--as-of", AS_OF)
    assert result.exit_code == 3 and "a change in the history has no list" in result.stderr
    fixed = state_path.read_text(encoding="utf-8").replace('"changes": 5, "x": [', '"changes": [')
    state_path.write_text(fixed)
    assert "damaged" not in cli("status", "--as-of", AS_OF).stderr


def test_a_change_cut_short_is_named_at_its_own_line(cli, state_path: Path) -> None:
    """YAML notices a line cut short only where the next one begins; the line named is the one
    a user has to fix."""
    for activity in ("prep-assurance", "step1-case-study", "step1-identify-team"):
        assert cli("done", activity, "--as-of", AS_OF).exit_code == 0
    lines = state_path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith('- {"seq": 2,'))
    lines[number] = lines[number][:60] + " BROKEN"
    state_path.write_text("\n".join(lines), encoding="utf-8")
    where = f"line {number + 1}"
    status = cli("status", "--as-of", AS_OF)
    assert status.exit_code == 0 and f"is damaged ({where}: a change" in status.stderr
    for command in (["undo", "--as-of", AS_OF], ["history"]):
        result = cli(*command)
        assert result.exit_code == 3 and f"{where} cannot be used" in result.stderr
    doctor = cli("doctor", "--as-of", AS_OF)
    assert doctor.exit_code == 3 and f"{where} cannot be used" in " ".join(doctor.stdout.split())


@pytest.mark.parametrize(
    ("damage", "works"),
    [
        ("the last change cut short", True),  # its number and id intact: status and done work
        ("a line that is only a number", False),
        ("broken JSON after the number", False),
    ],
)
def test_a_damaged_history_line_is_named_at_its_line(
    cli, state_path: Path, damage: str, works: bool
) -> None:
    for activity in ("prep-assurance", "step1-case-study", "step1-identify-team"):
        assert cli("done", activity, "--as-of", AS_OF).exit_code == 0
    lines = state_path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    number = len(lines) - 1 if damage == "the last change cut short" else len(lines) - 2
    if damage == "the last change cut short":
        lines[number] = lines[number][:70]
    elif damage == "a line that is only a number":
        lines[number] = "- 42"
    else:
        lines[number] = lines[number].replace('"uid": ', '"uid":: ', 1)
    state_path.write_text("\n".join(lines), encoding="utf-8")
    before = state_path.read_bytes()
    where = f"line {number + 1}"
    status = cli("status", "--as-of", AS_OF)
    if works:
        assert status.exit_code == 0 and f"is damaged ({where}:" in status.stderr
        assert cli("done", "step1-data-drill-down", "--as-of", AS_OF).exit_code == 0
        now = state_path.read_text(encoding="utf-8").split("\n")
        where = f"line {now.index(lines[number]) + 1}"  # (the done: part grew above it)
    else:
        assert status.exit_code == 3 and f"{where} cannot be used" in status.stderr
        assert "a change in the history" in status.stderr
        assert state_path.read_bytes() == before
    undo = cli("undo", "--as-of", AS_OF)
    assert undo.exit_code == 3 and f"{where} cannot be used" in undo.stderr
