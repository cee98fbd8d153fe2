"""The store (StateFile): the one reader and writer of a progress file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cimsig.errors import CimsigError
from cimsig.storage.store import StateFile

NOW = dt.datetime(2024, 9, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=-7)))


def test_reading_a_missing_file_is_an_empty_plan_and_creates_nothing(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "plan.yaml")
    assert store.read().done == {}
    assert list(tmp_path.iterdir()) == []


def test_a_change_is_written_whole_and_read_back(tmp_path: Path) -> None:
    store = StateFile(tmp_path / "plan.yaml")
    with store.edit() as state:
        state.mark_done("prep-assurance", dt.date(2024, 9, 3), NOW, note="Sent")
    again = StateFile(tmp_path / "plan.yaml").read()
    assert again.done["prep-assurance"].note == "Sent"
    assert [e["action"] for e in again.history] == ["done"]
    # No temp file or lock left behind, only the file itself.
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == ["plan.yaml"]


def test_changing_nothing_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    store = StateFile(path)
    with store.edit() as state:
        state.mark_done("prep-assurance", dt.date(2024, 9, 3), NOW)
    before = path.read_bytes()
    with store.edit() as state:
        assert state.mark_done("prep-assurance", dt.date(2024, 9, 4), NOW) is None  # done already
    assert path.read_bytes() == before


def test_a_file_that_cannot_be_read_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"done:\n  prep-assurance: {on: 2024-09-03}\n\xff\xfe not text\n")
    before = path.read_bytes()
    with pytest.raises(CimsigError), StateFile(path).edit() as state:
        state.mark_done("prep-mou-meeting", dt.date(2024, 9, 3), NOW)
    assert path.read_bytes() == before
