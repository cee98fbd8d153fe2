"""The state file: round trips, undo, damaged files left alone, many writers at once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cimsig.errors import StateError
from cimsig.state import State, day_recorded, end_of_day, recorded_before
from cimsig.storage.state_format import parse_state
from cimsig.storage.store import StateFile

NOW = dt.datetime(2024, 4, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
D = dt.date


def test_a_missing_file_is_an_empty_state(tmp_path: Path) -> None:
    state = StateFile(tmp_path / "none.yaml").read()
    assert state.done == {} and state.history == []


def test_done_is_written_read_back_and_readable_by_people(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "s" / "state.yaml")
    with store.edit() as state:
        state.guide = "cim-sigdis-2024"
        change = state.mark_done("prep-assurance", D(2024, 4, 18), NOW, "Sent by Maria")
    assert change is not None and change.changes[0].before is None
    text = store.path.read_text(encoding="utf-8")
    assert "version: 3" in text and "prep-assurance:" in text and "date: '2024-04-18'" in text
    again = store.read()
    record = again.done["prep-assurance"]
    assert (record.on, record.note, record.recorded) == (
        D(2024, 4, 18),
        "Sent by Maria",
        "2024-04-20T09:30:00-07:00",
    )
    assert [e["action"] for e in again.history] == ["done"]


def test_already_done_changes_nothing() -> None:
    state = State()
    assert state.mark_done("a", D(2024, 4, 18), NOW) is not None
    assert state.mark_done("a", D(2024, 4, 19), NOW) is None
    assert state.done["a"].on == D(2024, 4, 18) and len(state.history) == 1


def test_undo_reopens_and_revert_walks_back_through_history() -> None:
    state = State()
    state.mark_done("a", D(2024, 4, 1), NOW, "first")
    state.mark_done("b", D(2024, 4, 2), NOW)
    state.reopen("a", NOW)
    assert set(state.done) == {"b"}
    (reverted,) = state.revert_last(NOW)  # brings a back, with its date and note
    assert reverted.activity_id == "a"
    assert state.done["a"].on == D(2024, 4, 1) and state.done["a"].note == "first"
    assert [c.activity_id for c in state.revert_last(NOW)] == ["b"]
    assert set(state.done) == {"a"}
    assert [c.activity_id for c in state.revert_last(NOW)] == ["a"]
    assert state.done == {}
    assert state.revert_last(NOW) == []
    assert [e["action"] for e in state.history] == [
        "done",
        "done",
        "undo",
        "revert",
        "revert",
        "revert",
    ]


def test_nothing_is_written_when_nothing_changes(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "state.yaml")
    with store.edit() as state:
        state.mark_done("a", D(2024, 4, 1), NOW)
    before = store.path.stat().st_mtime_ns, store.path.read_bytes()
    with store.edit() as state:
        assert state.mark_done("a", D(2024, 4, 1), NOW) is None
    assert (store.path.stat().st_mtime_ns, store.path.read_bytes()) == before


def test_a_change_starts_from_the_file_as_it_is_under_the_lock(tmp_path: Path) -> None:
    """A command reads the file, then changes it under the lock: when another cimsig changed
    the file in between, the change is made to the file as it is then, not as it was read."""
    mine, theirs = StateFile(tmp_path / "state.yaml"), StateFile(tmp_path / "state.yaml")
    with mine.edit() as state:
        state.mark_done("a", D(2024, 4, 1), NOW)
    seen = mine.read(for_change=True)
    with theirs.edit() as state:
        state.mark_done("b", D(2024, 4, 2), NOW)
    with mine.edit() as state:
        assert sorted(state.done) == ["a", "b"]
        state.mark_done("c", D(2024, 4, 3), NOW)
    assert sorted(seen.done) == ["a"]
    assert sorted(StateFile(tmp_path / "state.yaml").read().done) == ["a", "b", "c"]
    # unchanged in between: the change starts from what was read, and writes it with its own
    seen = mine.read(for_change=True)
    with mine.edit() as state:
        assert state is seen
        state.mark_done("d", D(2024, 4, 4), NOW)
    final = StateFile(tmp_path / "state.yaml").read()
    assert sorted(final.done) == ["a", "b", "c", "d"] and len(final.history) == 4


def test_an_error_inside_edit_writes_nothing(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "state.yaml")
    with pytest.raises(RuntimeError), store.edit() as state:
        state.mark_done("a", D(2024, 4, 1), NOW)
        raise RuntimeError("boom")
    assert not store.path.exists()


BAD_STATES = {
    "empty": ("", "it is empty"),
    "blank lines only": ("\n  \n\t\n", "it is empty"),
    "a list": ("- a\n- b\n", "not a cimsig progress file"),
    "truncated": ("version: 1\ndone:\n  a: {date: '2024-04-0", "line 3"),
    "no version": ("done: {}\n", "no format 'version'"),
    "newer": ("version: 99\n", "written by a newer cimsig (format 99"),
    "bad date": ("version: 1\ndone:\n  a: {date: '2024-02-30'}\n", "not a real calendar date"),
    "wrong type": ("version: 1\ndone: [a, b]\n", "'done' must be a mapping"),
    "python tag": ("version: 1\nx: !!python/object/apply:os.system [ls]\n", "is not allowed"),
}


@pytest.mark.parametrize("name", list(BAD_STATES))
def test_a_damaged_state_is_refused_and_left_byte_for_byte(tmp_path: Path, name: str) -> None:
    text, expected = BAD_STATES[name]
    path = tmp_path / "state.yaml"
    path.write_bytes(text.encode())
    store = StateFile(path)
    with pytest.raises(StateError) as info, store.edit() as state:
        state.mark_done("a", D(2024, 4, 1), NOW)
    assert expected in str(info.value) and str(path) in str(info.value)
    assert info.value.exit_code == 3
    assert path.read_bytes() == text.encode()


def test_unknown_keys_and_ids_survive_a_write(tmp_path: Path) -> None:
    path = tmp_path / "state.yaml"
    path.write_text(
        "version: 1\nguide: g\ndone:\n  gone-activity: {date: '2024-01-02', recorded: x}\n"
        "custom_section: {keep: me}\nhistory: []\n",
        encoding="utf-8",
    )
    store = StateFile(path)
    with store.edit() as state:
        state.mark_done("a", D(2024, 4, 1), NOW)
    state = store.read()
    assert set(state.done) == {"a", "gone-activity"}
    assert state.extra == {"custom_section": {"keep": "me"}}


def test_parse_state_accepts_a_hand_written_file() -> None:
    state = parse_state("version: 1\ndone:\n  a:\n    date: 2024-04-18\n", Path("s.yaml"))
    assert state.done["a"].on == D(2024, 4, 18)


_WORKER = """
import datetime as dt, sys
from pathlib import Path
from cimsig.storage.store import StateFile
path, activity = Path(sys.argv[1]), sys.argv[2]
with StateFile(path).edit() as state:
    state.mark_done(activity, dt.date(2024, 4, 1), dt.datetime(2024, 4, 1, 12))
"""


@pytest.mark.slow
def test_twenty_writers_at_once_all_land(tmp_path: Path) -> None:
    path = tmp_path / "state.yaml"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [
        subprocess.Popen([sys.executable, "-c", _WORKER, str(path), f"activity-{n:02d}"], env=env)
        for n in range(20)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * 20
    state = StateFile(path).read()
    assert sorted(state.done) == [f"activity-{n:02d}" for n in range(20)]
    assert len(state.history) == 20
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_a_day_ends_at_midnight_in_the_guides_time_zone() -> None:
    """Midnight at the end of April 30 in Los Angeles (daylight time) is 07:00 UTC on May 1,
    whatever clock recorded the change; a time written without its offset goes by its date."""
    end = end_of_day(dt.date(2024, 4, 30), "America/Los_Angeles")
    assert recorded_before("2024-05-01T06:59:59+00:00", end)
    assert not recorded_before("2024-05-01T07:00:00+00:00", end)
    assert recorded_before("2024-05-01T02:59:59+04:00", end)  # 22:59:59 UTC on April 30
    assert not recorded_before("2024-04-30T23:30:00-08:30", end)  # 08:00 UTC on May 1
    assert recorded_before("2024-04-30T23:59:59", end)
    assert not recorded_before("2024-05-01T00:00:00", end)
    assert day_recorded("2024-05-01T02:30:00+00:00", "America/Los_Angeles") == "2024-04-30"
    assert day_recorded("2024-05-01T02:30:00", "America/Los_Angeles") == "2024-05-01"
    assert day_recorded("", "America/Los_Angeles") is None
    # a time edited by hand into something that is not one counts as recorded: never hidden
    assert recorded_before("garbage", end) and recorded_before("2024-13-45T10:00", end)
