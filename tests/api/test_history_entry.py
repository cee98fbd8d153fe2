"""HistoryEntry: the read form of a history line. Its fields are the schema: every key the
commands write has a field, and reading changes nothing on disk."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from cimsig.history_entry import HistoryEntry


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch):
    def set_clock(day: str) -> None:
        moment = dt.datetime.fromisoformat(day + "T10:00:00-07:00")
        monkeypatch.setattr("cimsig.environment.now", lambda: moment)

    return set_clock


def _every_kind_of_change(cli, at) -> None:
    at("2024-04-20")
    assert cli("init", "--lea", "Alpha USD", "--track", "new", "--me", "Ana").exit_code == 0
    assert cli("done", "prep-assurance", "prep-mou-meeting", "--as-of", "2024-04-20").exit_code == 0
    at("2024-09-03")
    assert cli("assign", "step3-action-plan", "Maria Lopez").exit_code == 0
    assert cli("note", "step3-action-plan", "Waiting on data").exit_code == 0
    assert cli("undo", "--yes").exit_code == 0
    at("2025-03-01")
    assert cli("history", "--archive", "2024-05-01").exit_code == 0


def test_every_key_the_commands_write_is_a_field(cli, at, state_path: Path) -> None:
    _every_kind_of_change(cli, at)
    lines = yaml.safe_load(state_path.read_text())["history"]
    fields = {f.name for f in dataclasses.fields(HistoryEntry)} - {"record"}
    written = {key for line in lines for key in line}
    assert written <= fields, written - fields
    assert {"by", "batch", "reverts", "archived", "clock"} <= written
    entries = [HistoryEntry.read(line) for line in lines]
    assert [e.action for e in entries][-1] == "archive"
    assert entries[-1].archived["count"] == 3  # the profile and the two done (April 20)
    revert = next(e for e in entries if e.action == "revert")
    assert revert.reverts in {e.uid for e in entries} and revert.by == "Ana"


def test_reading_the_history_leaves_the_file_byte_for_byte(cli, at, state_path: Path) -> None:
    _every_kind_of_change(cli, at)
    before = state_path.read_bytes()
    shown = cli("history", "--all", "--json")
    assert shown.exit_code == 0, shown.output
    assert [row["seq"] for row in json.loads(shown.stdout)][-1] == 4  # 1-3 archived
    assert state_path.read_bytes() == before
