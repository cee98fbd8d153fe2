"""The workspace: a guide and a district's progress as of a date, what every view is made of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cimsig.errors import UsageError
from cimsig.guide_reader import load_guide
from cimsig.records import Plan, Profile
from cimsig.state import State
from cimsig.storage.store import StateFile
from cimsig.workspace import Workspace

NOW = dt.datetime(2024, 9, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
AS_OF = dt.date(2024, 9, 9)


def workspace(tmp_path: Path, state: State, as_of: dt.date = AS_OF) -> Workspace:
    return Workspace(load_guide(None), StateFile(tmp_path / "plan.yaml"), state, as_of)


def status(ws: Workspace, activity_id: str) -> str:
    return next(i.status for i in ws.statuses if i.activity.id == activity_id)


def test_a_districts_own_date_decides_its_status(tmp_path: Path) -> None:
    guide_only = workspace(tmp_path, State())
    late = next(i.activity for i in guide_only.statuses if i.status == "overdue")
    later = next(
        i.activity for i in guide_only.statuses if i.status == "upcoming" and i.activity.due
    )
    planned = State()
    # An own date earlier than the guide's is a target of its own: overdue from the next day.
    planned.set_plan(later.id, Plan(due=AS_OF - dt.timedelta(days=1)), NOW)
    # A later one never moves the guide's deadline, which the district answers to the state for.
    planned.set_plan(late.id, Plan(due=AS_OF + dt.timedelta(days=30)), NOW)
    ws = workspace(tmp_path, planned)
    assert status(ws, later.id) == "overdue"
    assert status(ws, late.id) == "overdue"
    item = next(i for i in ws.statuses if i.activity.id == later.id)
    assert item.activity.due == AS_OF - dt.timedelta(days=1)


def test_the_track_makes_what_it_does_not_require_optional(tmp_path: Path) -> None:
    guide = load_guide(None)
    new_only = next(a for a in guide.activities if a.required_for == "new" and a.due)
    late = new_only.due + dt.timedelta(days=1)
    continuing = State(profile=Profile(lea="Beta USD", track="continuing"))
    new = State(profile=Profile(lea="Alpha USD", track="new"))
    assert status(workspace(tmp_path, new, late), new_only.id) == "overdue"
    assert status(workspace(tmp_path, continuing, late), new_only.id) != "overdue"


def test_an_id_typed_in_part_is_resolved_or_refused(tmp_path: Path) -> None:
    ws = workspace(tmp_path, State())
    assert ws.resolve("prep-assurance").id == "prep-assurance"
    with pytest.raises(UsageError):
        ws.resolve("no-such-activity-anywhere")
