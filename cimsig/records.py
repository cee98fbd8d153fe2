"""The records of a district's progress: immutable values, compared by value.

What a district did (`DoneRecord`), planned (`Plan`), noted (`Note`), added (`CustomActivity`)
and who it is (`Profile`); and what one command changed (`Change`, made of `FieldChange`s), for
its message and for `undo`.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

# The parts of a progress file a change can touch: one mapping per activity id, and the profile.
Section = Literal["done", "plans", "owners", "notes", "custom", "profile"]
ACTIVITY_SECTIONS: tuple[Section, ...] = ("done", "plans", "owners", "notes", "custom")
TRACKS = ("new", "continuing")


@dataclass(frozen=True, slots=True)
class DoneRecord:
    """An activity marked done: the day it was done, when that was recorded, a note."""

    # Every record's `extra`: the fields this cimsig does not know (added by hand, or by a newer
    # cimsig), kept as they are and written back, never dropped.
    on: dt.date
    recorded: str
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Plan:
    """The district's own dates for an activity (the guide's stay in the guide)."""

    due: dt.date
    start: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)  # see DoneRecord


@dataclass(frozen=True, slots=True)
class Note:
    """A dated note on an activity."""

    at: str
    text: str
    extra: dict[str, Any] = field(default_factory=dict, hash=False)  # see DoneRecord


@dataclass(frozen=True, slots=True)
class CustomActivity:
    """An activity the district added to its own plan."""

    id: str
    step: str
    title: str
    due: dt.date
    start: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)  # see DoneRecord


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the district is: its name and its track (new or continuing)."""

    lea: str | None = None
    track: str | None = None  # new | continuing
    extra: dict[str, Any] = field(default_factory=dict, hash=False)  # see DoneRecord
    # A short name for calendar titles and tables, when the name is long ("LA County Office of
    # Education" -> "LACOE"); written in the file only when set.
    short: str | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One section's record of one activity, before and after a change."""

    section: Section
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Change:
    """What one command changed, for its message and for `undo`."""

    action: str  # done, undo, plan, assign, note, add, remove, init, revert
    activity_id: str
    changes: tuple[FieldChange, ...]
    reverted: dict[str, Any] | None = None  # for a revert: the history entry it reverted
