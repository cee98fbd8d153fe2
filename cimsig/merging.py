"""Two copies of one district's progress file made into one: the union of their histories.

A sync service (OneDrive, Google Drive, Dropbox, Syncthing) or git can leave two copies of one
plan, each with changes the other lacks. Every change is an entry of the history with an id of
its own (`uid`), so the copies can be merged without losing any. For each record (an activity's
done record, dates, owner or own activity; the district profile):

- equal in both copies: it stays;
- else the copy holding the last recorded change of it wins: changes are ordered by the moment
  they were recorded, then by their ids, so merging A into B and B into A give the same plan.
  A merge's own entries (what it changed, for `undo`) are not changes of anyone's and do not
  count; an `undo` does;
- when both copies changed it since they parted, that is a conflict: the later change wins and
  the conflict is listed with both values, so a person can check it;
- when neither copy recorded a change of it (a hand edit, or history moved aside) this copy's
  stays, also listed as a conflict.

Notes are added, not replaced: a note either copy holds is kept, unless a recorded change
removed it (an `undo` of it, or its activity removed).

Pure: no files, no clock (`now` is an argument), no printing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cimsig import codec
from cimsig.errors import StateError
from cimsig.records import Change, Note, Section
from cimsig.state import State

Key = tuple[Section, str]  # a record: its section and its activity id ("" for the profile)
# The sections merged record by record; notes are merged note by note.
RECORD_SECTIONS: tuple[Section, ...] = ("done", "plans", "owners", "custom", "profile")
MERGE_ACTION = "merge"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A record both copies changed (or that differs with no recorded change)."""

    section: Section
    activity_id: str
    ours: Any  # the record in this copy (None: none)
    theirs: Any  # the record in the other copy
    kept: str  # "ours" or "theirs"
    ours_entry: dict[str, Any] | None  # this copy's last change of it, if recorded
    theirs_entry: dict[str, Any] | None
    recorded: bool  # False: neither copy recorded the difference (a hand edit)


@dataclass(frozen=True, slots=True)
class MergePlan:
    """What merging another copy into this one does."""

    values: dict[Key, Any]  # the records that change in this copy, and their new values
    history: list[dict[str, Any]]  # both copies' entries in recording order, numbered anew
    new_entries: int  # how many entries the other copy has that this one lacks
    conflicts: list[Conflict]

    @property
    def changes_anything(self) -> bool:
        return bool(self.values or self.new_entries)


def same_plan(ours: State, theirs: State) -> str | None:
    """Why `theirs` is not a copy of the plan `ours` is (another guide, another district), or
    None when it is. Copies that share a change are one plan, even if one renamed the district."""
    if ours.guide is not None and theirs.guide is not None and ours.guide != theirs.guide:
        return f"it records progress on the guide '{theirs.guide}', not '{ours.guide}'"
    ours_lea, theirs_lea = _lea(ours), _lea(theirs)
    different = ours_lea and theirs_lea and ours_lea.casefold() != theirs_lea.casefold()
    if different and not shares_entries(ours, theirs):
        return f"it is the plan of {theirs_lea}, not of {ours_lea}"
    return None


def check_same_plan(ours: State, theirs: State, theirs_name: str) -> None:
    reason = same_plan(ours, theirs)
    if reason is not None:
        raise StateError(
            f"{theirs_name} cannot be merged: {reason}. Neither file was changed. Merge only "
            "copies of the same district's progress file."
        )


def shares_entries(ours: State, theirs: State) -> bool:
    return not ours.history_uids().isdisjoint(theirs.history_uids())


def new_entries(ours: State, theirs: State) -> int:
    """How many changes `theirs` holds that `ours` lacks (from the entries' ids alone: a long
    history is not read for it)."""
    return len(theirs.history_uids() - ours.history_uids())


def _lea(state: State) -> str | None:
    return state.profile.lea.strip() if state.profile and state.profile.lea else None


def plan_merge(ours: State, theirs: State) -> MergePlan:
    """What merging `theirs` into `ours` changes; neither is modified."""
    ours_uids = {e.get("uid") for e in ours.history}
    theirs_uids = {e.get("uid") for e in theirs.history}
    incoming: list[dict[str, Any]] = []
    seen = set(ours_uids)
    for entry in theirs.history:
        uid = entry.get("uid")
        if uid not in seen:
            seen.add(uid)
            incoming.append(entry)
    union = sorted([*ours.history, *incoming], key=_order)
    history = [e if e.get("seq") == n else {**e, "seq": n} for n, e in enumerate(union, 1)]

    latest: dict[Key, dict[str, Any]] = {}  # in recording order, so the last one stays
    ours_last: dict[Key, dict[str, Any]] = {}
    theirs_last: dict[Key, dict[str, Any]] = {}
    ours_only: set[Key] = set()
    theirs_only: set[Key] = set()
    for entry in union:
        if entry.get("action") == MERGE_ACTION:
            continue
        uid = entry.get("uid")
        in_ours, in_theirs = uid in ours_uids, uid in theirs_uids
        for key in _keys(entry):
            latest[key] = entry
            if in_ours:
                ours_last[key] = entry
            if in_theirs:
                theirs_last[key] = entry
            if in_ours and not in_theirs:
                ours_only.add(key)
            if in_theirs and not in_ours:
                theirs_only.add(key)

    values: dict[Key, Any] = {}
    conflicts: list[Conflict] = []
    for key in _record_keys(ours, theirs):
        section, activity_id = key
        mine, other = ours.get(section, activity_id), theirs.get(section, activity_id)
        if mine == other:
            continue
        winner = latest.get(key)
        recorded = winner is not None and (winner.get("uid") not in theirs_uids or
                                           winner.get("uid") not in ours_uids)  # fmt: skip
        take_theirs = recorded and winner is not None and winner.get("uid") not in ours_uids
        if take_theirs:
            values[key] = other
        if not recorded or (key in ours_only and key in theirs_only):
            conflicts.append(
                Conflict(
                    section, activity_id, mine, other, "theirs" if take_theirs else "ours",
                    ours_last.get(key), theirs_last.get(key), recorded,
                )
            )  # fmt: skip
    # The union's entries that changed notes other than by adding one, by activity: found in
    # one pass, not one pass per activity.
    notes_changes: dict[str, list[dict[str, Any]]] = {}
    for entry in union:
        if any(c.get("field") == "notes" and "added" not in c for c in entry.get("changes", ())):
            notes_changes.setdefault(str(entry.get("id")), []).append(entry)
    for activity_id in sorted(ours.notes.keys() | theirs.notes.keys()):
        mine_notes = ours.notes.get(activity_id, ())
        notes = _merge_notes(
            mine_notes,
            theirs.notes.get(activity_id, ()),
            functools.partial(_removed_notes, notes_changes.get(activity_id, []), activity_id),
        )
        if notes != mine_notes:
            values[("notes", activity_id)] = notes or None
    return MergePlan(values, history, len(incoming), conflicts)


def apply_merge(state: State, plan: MergePlan, now: dt.datetime) -> list[Change]:
    """Make `state` the merged plan: the merged history, then one `merge` entry per activity
    changed, all in one batch, so that one `undo` takes the merge back."""
    if plan.new_entries or plan.history != state.history:
        state.replace_history(plan.history)
    by_activity: dict[str, dict[Section, Any]] = {}
    for (section, activity_id), value in plan.values.items():
        by_activity.setdefault(activity_id, {})[section] = value
    changes: list[Change] = []
    with state.batch():
        for activity_id, values in by_activity.items():
            change = state.adopt(activity_id, values, now)
            if change is not None:
                changes.append(change)
        if not changes and plan.new_entries:
            changes.append(state.note_merge(now))
    return changes


def merged(
    ours: State, theirs: State, now: dt.datetime, author: str | None = None
) -> tuple[State, MergePlan, list[Change]]:
    """A new state: `theirs` merged into a copy of `ours` (neither is modified)."""
    result = copy_state(ours)
    result.author = author
    plan = plan_merge(result, theirs)
    return result, plan, apply_merge(result, plan, now)


def copy_state(state: State) -> State:
    copy = State(state.guide, state.profile)
    copy.done, copy.plans, copy.owners = dict(state.done), dict(state.plans), dict(state.owners)
    copy.notes, copy.custom = dict(state.notes), dict(state.custom)
    copy.history, copy.extra = list(state.history), dict(state.extra)
    return copy


# -- the parts ----------------------------------------------------------------------------------


def _order(entry: dict[str, Any]) -> tuple[float, str]:
    """Recording order across computers: the moment (whatever the computer's UTC offset), then
    the entry's id, the same in every copy."""
    at = entry.get("at")
    try:
        moment = dt.datetime.fromisoformat(str(at))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        stamp = moment.timestamp()
    except (ValueError, OverflowError, OSError):
        stamp = 0.0
    return stamp, str(entry.get("uid", ""))


def _keys(entry: dict[str, Any]) -> Iterable[Key]:
    activity_id = str(entry.get("id", ""))
    for change in entry.get("changes", ()):
        section = change.get("field") if isinstance(change, dict) else None
        if section in RECORD_SECTIONS:
            yield section, "" if section == "profile" else activity_id


def _record_keys(ours: State, theirs: State) -> list[Key]:
    keys: list[Key] = [("profile", "")]
    for section in RECORD_SECTIONS:
        if section == "profile":
            continue
        mine: dict[str, Any] = getattr(ours, section)
        other: dict[str, Any] = getattr(theirs, section)
        # Own activities keep this copy's order, the other copy's new ones after them.
        ids = list(mine) + [i for i in other if i not in mine]
        keys += [(section, i) for i in (ids if section == "custom" else sorted(set(ids)))]
    return keys


def _merge_notes(
    mine: tuple[Note, ...], other: tuple[Note, ...], removed: Callable[[], Counter[Note]]
) -> tuple[Note, ...]:
    """Every note either copy holds (as many times as the copy holding more), except those a
    recorded change removed; this copy's order when nothing is added, else by time written."""
    if mine == other:
        return mine
    have, got = Counter(mine), Counter(other)
    gone: Counter[Note] | None = None
    result: Counter[Note] = Counter()
    for note in have.keys() | got.keys():
        if have[note] == got[note]:
            result[note] = have[note]
            continue
        gone = removed() if gone is None else gone
        more, fewer = max(have[note], got[note]), min(have[note], got[note])
        result[note] = fewer if gone[note] else more
    if result == have:
        return mine
    ordered = []
    for note in (*mine, *other):
        if result[note] > 0:
            result[note] -= 1
            ordered.append(note)
    return tuple(sorted(ordered, key=lambda n: (n.at, n.text)))


def _removed_notes(history: list[dict[str, Any]], activity_id: str) -> Counter[Note]:
    """The notes of an activity that recorded changes took away (an undo, a removal)."""
    gone: Counter[Note] = Counter()
    for entry in history:
        if entry.get("id") != activity_id:
            continue
        for change in entry.get("changes", ()):
            if change.get("field") != "notes" or "added" in change:
                continue
            try:
                before = codec.decode("notes", change.get("before"), activity_id) or ()
                after = codec.decode("notes", change.get("after"), activity_id) or ()
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
            gone += Counter(before) - Counter(after)
    return gone
