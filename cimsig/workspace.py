"""A guide together with its state file, as of a date: what every command starts from.

The CLI reads the clock and the options; this module turns them into the guide, the state and the
status of every activity, and checks that the state belongs to the guide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cimsig import schedule
from cimsig.errors import StateError
from cimsig.guide import Activity, Guide, load_guide, resolve_id
from cimsig.schedule import ActivityStatus
from cimsig.state import State, StateFile


@dataclass
class Workspace:
    guide: Guide
    state_file: StateFile
    state: State
    as_of: dt.date

    @cached_property
    def activities(self) -> list[Activity]:
        """Every concrete activity as of the date (yearly items expanded), in guide order."""
        return schedule.expand(self.guide.activities, self.as_of)

    @cached_property
    def statuses(self) -> list[ActivityStatus]:
        return [
            schedule.status_of(a, self.as_of, self.state.done.get(a.id)) for a in self.activities
        ]

    def resolve(self, text: str) -> Activity:
        """The activity a user meant by the id they typed (exact, prefix, or substring)."""
        wanted = resolve_id(text, [a.id for a in self.activities])
        return next(a for a in self.activities if a.id == wanted)

    def status(self, activity_id: str) -> ActivityStatus:
        return next(s for s in self.statuses if s.activity.id == activity_id)

    def unknown_ids(self) -> list[str]:
        """Ids recorded in the state that this guide does not have: kept, and reported."""
        return schedule.unknown_ids(self.state.done, self.guide.activities)


def open_workspace(
    guide_path: Path | None, state_path: Path, as_of: dt.date, cache_dir: Path | None = None
) -> Workspace:
    guide = load_guide(guide_path, cache_dir=cache_dir)
    state_file = StateFile(state_path)
    state = state_file.read()
    check_belongs(state, guide, state_path)
    return Workspace(guide, state_file, state, as_of)


def check_belongs(state: State, guide: Guide, state_path: Path) -> None:
    """Refuse to mix one guide's progress with another guide."""
    if state.guide is not None and state.guide != guide.id:
        raise StateError(
            f"The state file {state_path} records progress on the guide '{state.guide}', but the "
            f"guide in use is '{guide.id}'. Use --state to choose the state file for this guide, "
            "or --guide to choose the guide this state file belongs to."
        )
