"""Two copies of one district's progress file made into one: the union of their histories.

A sync service (OneDrive, Google Drive, Dropbox, Syncthing) or git can leave two copies of one
plan, each with changes the other lacks. Every change is an entry of the history with an id of
its own (`uid`), so the copies can be merged without losing any. For each record (an activity's
done record, dates, owner or own activity; the district profile):

- equal in both copies: it stays;
- else the copy holding the last change of it wins. Changes are ordered as they were made, not
  by the computers' clocks: each records a logical clock (`state.clocks`, one more than the
  highest its copy knew), so a change made after its copy had seen another comes after it.
  Changes made without knowing of each other are ordered by that count, then by their ids: the
  same rule in every order and direction of merging. A merge's own entries (what it changed,
  for `undo`) are not changes of anyone's and do not count; an `undo` does;
- when both copies changed it since they parted, that is a conflict: the rule above decides
  (the higher count, then the id, never a clock) and the conflict is listed with both values,
  so a person can check it;
- when neither copy recorded a change of it (a hand edit) this copy's stays, also listed as a
  conflict.

Changes moved to an archive (`history --archive`) stay known by their ids and, for each record,
the last one that changed it, so a copy made before the archive brings none of them back.
The history keeps this copy's entries and their numbers as they are; the other copy's new ones
are numbered on and placed in the order they were made. A merge that brings nothing changes
nothing.

Notes are added, not replaced: a note either copy holds is kept, unless a recorded change
removed it (an `undo` of it, or its activity removed).

Pure: no files, no clock (`now` is an argument), no printing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from cimsig import codec
from cimsig.errors import StateError
from cimsig.records import Change, Note, Section
from cimsig.state import OrderKey, State, change_keys, clocks, entry_clock, order_key

Key = tuple[Section, str]  # a record: its section and its activity id ("" for the profile)
# The sections merged record by record; notes are merged note by note.
RECORD_SECTIONS: tuple[Section, ...] = ("done", "plans", "owners", "custom", "profile")
MERGE_ACTION = "merge"
# Entries that record merging and archiving, not a change of anyone's plan.
BOOKKEEPING = (MERGE_ACTION, "archive")


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
    history: list[dict[str, Any]]  # this copy's entries, and the other's new ones among them
    new_entries: int  # how many entries the other copy has that this one lacks
    conflicts: list[Conflict]
    # Records the other copy holds differently because a merge that took them was undone here:
    # the entry of that undo (`merge --again` takes them again).
    undone: dict[Key, dict[str, Any]] = field(default_factory=dict)
    dropped: int = 0  # entries of this copy that the other moved to an archive
    bookkeeping: int = 0  # of the new entries, those of other merges and archiving

    @property
    def changes_anything(self) -> bool:
        return bool(self.values or self.new_entries or self.dropped)


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
    return not ours.known_uids().isdisjoint(theirs.known_uids())


def unrelated(ours: State, theirs: State) -> bool:
    """Whether two files with a history each share none of it: not copies of one file (two
    plans started apart), which merging would mix."""
    mine, other = ours.known_uids(), theirs.known_uids()
    return bool(mine) and bool(other) and mine.isdisjoint(other)


def new_entries(ours: State, theirs: State) -> int:
    """How many changes `theirs` holds that `ours` lacks (from the entries' ids alone: a long
    history is not read for it), archived ones not counted."""
    return len(theirs.history_uids() - ours.known_uids())


def _lea(state: State) -> str | None:
    return state.profile.lea.strip() if state.profile and state.profile.lea else None


def plan_merge(ours: State, theirs: State, *, again: bool = False) -> MergePlan:
    """What merging `theirs` into `ours` changes; neither is modified.

    `again`: take again the other copy's records that an undone merge had taken (`undone`)."""
    ours_history, theirs_history = ours.history, theirs.history
    ours_archived, ours_archived_last, ours_archived_notes = ours.archived()
    theirs_archived, theirs_archived_last, theirs_archived_notes = theirs.archived()
    ours_uids = {str(e.get("uid")) for e in ours_history}
    theirs_uids = {str(e.get("uid")) for e in theirs_history}
    ours_known, theirs_known = ours_uids | ours_archived, theirs_uids | theirs_archived

    # Where each change stands in the order changes were made (its clock, then its id).
    key_of: dict[str, OrderKey] = {}
    theirs_clocks = clocks(theirs_history)
    for history, history_clocks in (
        (ours_history, clocks(ours_history)), (theirs_history, theirs_clocks)
    ):  # fmt: skip
        for entry, clock in zip(history, history_clocks, strict=True):
            uid, where = str(entry.get("uid")), order_key(entry, clock)
            if uid not in key_of or key_of[uid] < where:
                key_of[uid] = where

    # The history: this copy's entries as they were (their numbers too), the other copy's new
    # ones numbered on from the highest and placed in the order they were made; entries the
    # other copy moved to an archive are left out here too.
    highest = max((int(e["seq"]) for e in ours_history), default=0)
    incoming: list[dict[str, Any]] = []
    seen = set(ours_known)
    new: list[tuple[dict[str, Any], int]] = []
    for entry, clock in zip(theirs_history, theirs_clocks, strict=True):
        uid = str(entry.get("uid"))
        if uid not in seen:
            seen.add(uid)
            new.append((entry, clock))
    new.sort(key=lambda pair: key_of[str(pair[0].get("uid"))])
    for entry, clock in new:
        highest += 1
        placed: dict[str, Any] = {"seq": highest, "uid": entry.get("uid")}
        if entry_clock(entry) is None and clock:
            placed["clock"] = clock  # (what it stood at in its own file, kept from now on)
        placed.update((k, v) for k, v in entry.items() if k not in ("seq", "uid"))
        if entry.get("action") == MERGE_ACTION:
            # Another copy's merge: what it took is that copy's business; `undo` here passes
            # over it (taking it back would set this copy's records to the other's old ones).
            placed["merged_in"] = True
        incoming.append(placed)
    dropped = theirs_archived - theirs_uids
    kept = [e for e in ours_history if str(e.get("uid")) not in dropped]
    history = _interleave(kept, incoming, key_of) if incoming else kept

    # Every recorded change of each record that differs, in either copy or archived by either.
    differing = [
        key for key in _record_keys(ours, theirs) if ours.get(*key) != theirs.get(*key)
    ]  # fmt: skip
    wanted = {activity_id for _, activity_id in differing}
    events: dict[Key, list[tuple[OrderKey, str, dict[str, Any]]]] = {}
    for entry in (*ours_history, *(e for e in theirs_history if e.get("uid") not in ours_uids)):
        if entry.get("action") == MERGE_ACTION or entry.get("id") not in wanted:
            continue  # (the profile's changes have the id "")
        uid = str(entry.get("uid"))
        for record in change_keys(entry):
            events.setdefault(cast(Key, record), []).append((key_of[uid], uid, entry))
    for archived_last in (ours_archived_last, theirs_archived_last):
        for record, item in archived_last.items():
            if record[0] in RECORD_SECTIONS:
                stamp = order_key(item, int(item["clock"]))
                events.setdefault(cast(Key, record), []).append((stamp, stamp[2], item))

    merge_uids = {e.get("uid") for e in ours_history if e.get("action") == MERGE_ACTION}
    values: dict[Key, Any] = {}
    conflicts: list[Conflict] = []
    undone: dict[Key, dict[str, Any]] = {}
    for key in differing:
        section, activity_id = key
        mine, other = ours.get(section, activity_id), theirs.get(section, activity_id)
        found = sorted(events.get(key, ()), key=lambda e: e[0])
        ours_side = [e for e in found if e[1] in ours_known]
        theirs_side = [e for e in found if e[1] in theirs_known]
        latest = found[-1] if found else None
        recorded = latest is not None and not (
            latest[1] in ours_known and latest[1] in theirs_known
        )
        take_theirs = latest is not None and latest[1] not in ours_known
        if not take_theirs and ours_side:
            last = ours_side[-1][2]
            if last.get("action") == "revert" and last.get("reverts") in merge_uids:
                undone[key] = last  # this copy took the other's record, then undid that
                take_theirs = again
        if take_theirs:
            values[key] = other
        ours_new = any(e[1] not in theirs_known for e in ours_side)
        theirs_new = any(e[1] not in ours_known for e in theirs_side)
        if not recorded or (ours_new and theirs_new):
            conflicts.append(
                Conflict(
                    section, activity_id, mine, other, "theirs" if take_theirs else "ours",
                    ours_side[-1][2] if ours_side else None,
                    theirs_side[-1][2] if theirs_side else None, recorded,
                )
            )  # fmt: skip
    # The entries that changed notes other than by adding one, by activity: found in one pass,
    # not one pass per activity.
    notes_changes: dict[str, list[dict[str, Any]]] = {}
    for entry in (*ours_history, *incoming, *ours_archived_notes, *theirs_archived_notes):
        if any(c.get("field") == "notes" and "added" not in c for c in entry.get("changes", ())):
            if again and entry.get("reverts") in merge_uids:
                continue
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
        elif theirs.notes.get(activity_id, ()) != mine_notes:
            undoing = [
                e for e in notes_changes.get(activity_id, ()) if e.get("reverts") in merge_uids
            ]
            if undoing:
                undone[("notes", activity_id)] = undoing[-1]
    dropped_here = len(ours_history) - len(kept)
    bookkeeping = sum(e.get("action") in BOOKKEEPING for e in incoming)
    return MergePlan(values, history, len(incoming), conflicts, undone, dropped_here, bookkeeping)


def _interleave(
    kept: list[dict[str, Any]], incoming: list[dict[str, Any]], key_of: dict[str, OrderKey]
) -> list[dict[str, Any]]:
    """This copy's entries in their order, the other copy's new ones placed among them in the
    order changes were made."""
    result: list[dict[str, Any]] = []
    i = j = 0
    while i < len(kept) and j < len(incoming):
        if key_of[str(kept[i].get("uid"))] <= key_of[str(incoming[j].get("uid"))]:
            result.append(kept[i])
            i += 1
        else:
            result.append(incoming[j])
            j += 1
    return [*result, *kept[i:], *incoming[j:]]


def apply_merge(state: State, plan: MergePlan, now: dt.datetime) -> list[Change]:
    """Make `state` the merged plan: the merged history, then one `merge` entry per activity
    changed, all in one batch, so that one `undo` takes the merge back. A merge that brings
    nothing changes nothing (and nothing is written)."""
    if not plan.changes_anything:
        return []
    if plan.new_entries or plan.dropped or plan.history != state.history:
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
        # Other changes brought in, none of them taken: an entry all the same, so that `undo`
        # right after takes back this merge (nothing), not an earlier change. Not for other
        # merges' entries alone: two copies merging each other would never settle.
        if not changes and plan.new_entries > plan.bookkeeping:
            changes.append(state.note_merge(now))
    return changes


def duplicate_uid(history: list[dict[str, Any]]) -> int | None:
    """The index of the first entry whose id an earlier entry has too; None when none does."""
    seen: set[str] = set()
    for index, entry in enumerate(history):
        uid = str(entry.get("uid"))
        if uid in seen:
            return index
        seen.add(uid)
    return None


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
    recorded change removed, ordered by time written."""
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
    # By time written, the same in every order and direction of merging (this copy's order
    # may differ from the other's only where a computer's clock was off).
    return tuple(sorted(result.elements(), key=lambda n: (n.at, n.text, repr(n.extra))))


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
