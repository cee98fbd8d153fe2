"""A district's progress: what it did, planned, assigned, noted and added, with a history.

Every change goes through `State`'s methods, each recording one entry in the history (what each
section was before and after), which is what `undo` walks back. Pure: no files, no clock (`now`
is an argument), no YAML. The file format is `state_format`; the file on disk is `store`.
"""

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cimsig.errors import StateError
from cimsig.records import (
    Change,
    CustomActivity,
    DoneRecord,
    FieldChange,
    Note,
    Plan,
    Profile,
    Section,
)
from cimsig.storage import codec

if TYPE_CHECKING:
    from typing import Literal, Protocol

    class UnreadHistory(Protocol):
        """What a history not read yet offers (the storage's lazy reader,
        `state_format.HistoryLines`, is one): described here, so that state, which reads no
        file, does not import the storage that imports it."""

        first_line: int  # the file's line number of the first entry

        def read(self) -> list[dict[str, Any]]: ...
        def problem(self) -> str | None: ...
        def problem_as_found(self) -> str | Literal[False] | None: ...
        def newest_first(self, *, past_damage: bool = False) -> Iterator[dict[str, Any]]: ...
        def uids(self) -> set[str]: ...
        def highest_clock(self) -> int: ...
        def archive_entries(self) -> list[dict[str, Any]]: ...
        def highest_seq(self) -> int: ...


def new_uid() -> str:
    """A history entry's id, unique across every copy of a progress file (64 random bits): what
    merging two copies goes by, since each copy numbers its entries (`seq`) on its own."""
    # (os.urandom is what `secrets` uses; importing `secrets` costs every command its
    # hashlib and random modules)
    return os.urandom(8).hex()


def stamp(now: dt.datetime) -> str:
    """How a moment is written in the file: ISO 8601 to the second, with its UTC offset."""
    return now.isoformat(timespec="seconds")


# Entries that record something other than a change of the plan: `undo` passes over them.
NOT_UNDONE = ("revert", "archive")

# The order changes were made in, across copies of one file (a Lamport clock): each change
# records as its `clock` one more than the highest clock of the changes its copy held, so a change
# made after its copy had seen another comes after it, whatever the computers' clocks said. Changes
# made without knowing of each other are told apart by this count, then by their ids: never by the
# time a computer wrote, which may be minutes, or centuries, off.
OrderKey = tuple[int, float, str]


def entry_clock(entry: dict[str, Any]) -> int | None:
    """The clock an entry recorded; None for one written before clocks (or without a valid one)."""
    clock = entry.get("clock")
    if isinstance(clock, bool) or not isinstance(clock, int) or not 0 <= clock < 10**12:
        return None
    return clock


def clocks(history: list[dict[str, Any]]) -> list[int]:
    """Each entry's clock. An entry written without one (by a cimsig from before clocks) counts
    as 0 while no entry before it in its file has a clock (a file older than clocks keeps its
    old order), and as one more than the highest before it otherwise (an older cimsig adding to
    a newer file adds after what it read)."""
    found: list[int] = []
    top = 0
    for entry in history:
        clock = entry.get("clock")
        if type(clock) is not int or not 0 <= clock < 10**12:  # (entry_clock, inlined: quicker)
            clock = top + 1 if top else 0
        top = max(top, clock)
        found.append(clock)
    return found


def order_key(entry: dict[str, Any], clock: int) -> OrderKey:
    """Where an entry with `clock` stands in the order changes were made. Entries from before
    clocks (0) keep the order cimsig gave them then: the moment recorded, then the id."""
    moment = 0.0
    if clock == 0:
        try:
            at = dt.datetime.fromisoformat(str(entry.get("at")))
            if at.tzinfo is None:
                at = at.replace(tzinfo=dt.timezone.utc)
            moment = at.timestamp()
        except (ValueError, OverflowError, OSError):
            moment = 0.0
    return clock, moment, str(entry.get("uid", ""))


def time_zone(name: str) -> dt.tzinfo:
    """The time zone named `name` (a guide's), or UTC when this computer does not know it."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # guides are checked; this is a last resort
        return dt.timezone.utc


def end_of_day(day: dt.date, zone: str) -> dt.datetime:
    """Midnight at the end of `day` in the time zone named `zone` (the guide's)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), time_zone(zone))


def recorded_before(at: Any, moment: dt.datetime) -> bool:
    """Whether a change or note recorded `at` (as cimsig writes it: ISO text with the UTC offset
    of the computer that recorded it) was recorded before `moment`, whatever clock recorded
    it. A time written without its offset is compared by its date; one that is not a time
    at all (edited by hand) counts as recorded before, so that a note is never hidden for good."""
    text = str(at)
    try:
        return dt.datetime.fromisoformat(text) < moment
    except (TypeError, ValueError):
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            return True
        return day < moment.date()


def moment_on(day: dt.date, now: dt.datetime, zone: str) -> dt.datetime:
    """The moment a change typed `now` with `--as-of day` is dated: `now` itself when it is
    that day in the time zone named `zone` (the guide's), else the same time of day on `day`."""
    local = now.astimezone(time_zone(zone))
    if local.date() == day:
        return now
    return dt.datetime.combine(day, local.time().replace(microsecond=0), local.tzinfo)


def day_recorded(at: Any, zone: str) -> str | None:
    """The day (ISO) in the time zone named `zone` on which `at` was recorded: its own date
    when it was written without its offset; None when nothing was recorded."""
    text = str(at or "")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text[:10] or None
    if moment.tzinfo is None:
        return text[:10]
    return moment.astimezone(time_zone(zone)).date().isoformat()


class State:
    """A district's progress on one guide."""

    def __init__(self, guide: str | None = None, profile: Profile | None = None) -> None:
        self.guide = guide
        self.profile = profile
        self.done: dict[str, DoneRecord] = {}
        self.plans: dict[str, Plan] = {}
        self.owners: dict[str, str] = {}
        self.notes: dict[str, tuple[Note, ...]] = {}
        self.custom: dict[str, CustomActivity] = {}
        # The history, read from the file only when something needs it (see `history`): a long
        # one takes a while, and most commands need only its last entries, or none.
        self._history: list[dict[str, Any]] | None = []
        self._unread: UnreadHistory | None = None
        self._pending: list[dict[str, Any]] = []  # recorded while the history was unread
        # Top-level keys this cimsig does not know are kept as they are, never dropped.
        self.extra: dict[str, Any] = {}
        # While a command changes several activities at once: the id its entries share (the
        # `uid` of none of them: ids, unlike numbers, stay unique when copies are merged).
        self._batch: str | None = None
        # Who makes the changes (written as `by` in each history entry); None: not known.
        self.author: str | None = None
        # How many changes were made since this state was read: a write is needed when not 0.
        self.revision = 0
        self._last_seq: int | None = None  # the history's highest seq, found once
        self._last_clock: int | None = None  # the history's highest clock, found once

    # -- the history, read when needed ------------------------------------------------------------

    @property
    def history(self) -> list[dict[str, Any]]:
        """Every change, oldest first (read and checked now if it was not yet)."""
        if self._history is None:
            assert self._unread is not None
            self._history = [*self._unread.read(), *self._pending]
            self._unread, self._pending = None, []
        return self._history

    @history.setter
    def history(self, entries: list[dict[str, Any]]) -> None:
        self._history, self._unread, self._pending = entries, None, []

    def leave_history_unread(self, unread: "UnreadHistory") -> None:
        """Keep the file's history as it was read, to be read only if needed; a change then
        adds its entry without reading it, and the file is written with those lines as they
        were (`unread_history`)."""
        self._history, self._unread, self._pending = None, unread, []

    def unread_history(self) -> "tuple[UnreadHistory, list[dict[str, Any]]] | None":
        """The history as read from the file and the entries recorded since, while it has not
        been read; None once it has been."""
        if self._history is not None or self._unread is None:
            return None
        return self._unread, self._pending

    def history_uids(self) -> set[str]:
        """The ids of every entry (without reading a history not read yet)."""
        if self._history is not None or self._unread is None:
            return {str(e.get("uid")) for e in self.history}
        return self._unread.uids() | {str(e.get("uid")) for e in self._pending}

    def history_problem(self) -> str | None:
        """What is wrong in a history not read yet, with its line, when it was checked
        (`HistoryLines.problem`); None when nothing is known to be wrong."""
        if self._history is not None or self._unread is None:
            return None
        return self._unread.problem()

    def recent_history(self, *, past_damage: bool = False) -> Iterator[dict[str, Any]]:
        """The history newest first, reading only as far back as the caller goes.

        `past_damage`: a damaged line is passed over rather than refused (a look back and the
        overview: `status` names the line, and `undo` and `history` refuse it)."""
        if self._history is not None or self._unread is None:
            yield from reversed(self.history)
            return
        yield from reversed(self._pending)
        yield from self._unread.newest_first(past_damage=past_damage)

    def _append(self, entry: dict[str, Any]) -> None:
        if self._history is None:
            self._pending.append(entry)
        else:
            self._history.append(entry)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make the changes inside one change: one `undo` takes them all back."""
        self._batch = new_uid()
        try:
            yield
        finally:
            self._batch = None

    def as_it_stood(self, day: dt.date, zone: str) -> "State":
        """The progress as it stands on `day` (`--as-of`): the day moves, not the record.

        An activity counts as done if its done date (`--on`) is on or before `day`, and a note
        shows if it is dated on or before `day` (its date is the guide's: a note written at
        7 p.m. in Los Angeles on a computer that keeps UTC, where it is already tomorrow, is
        dated today). The owners, the district's own dates and its own activities are the
        ones on record now, whenever they were typed: when they were recorded stays in the
        history, for the record, and does not decide what a look back shows.
        """
        end = end_of_day(day, zone)
        past = State(self.guide, self.profile)
        past.done = {i: r for i, r in self.done.items() if r.on <= day}
        past.plans, past.owners = dict(self.plans), dict(self.owners)
        past.custom, past.extra = dict(self.custom), dict(self.extra)
        # Its own lists: a change made to this state afterwards is not in the look back.
        past._history = None if self._history is None else list(self._history)
        past._unread, past._pending = self._unread, list(self._pending)
        notes = {
            i: tuple(n for n in ns if recorded_before(n.at, end)) for i, ns in self.notes.items()
        }
        past.notes = {i: ns for i, ns in notes.items() if ns}
        return past

    # -- one record -----------------------------------------------------------------------------

    def get(self, section: Section, activity_id: str) -> Any:
        if section == "profile":
            return self.profile
        records: dict[str, Any] = getattr(self, section)
        return records.get(activity_id)

    def _put(self, section: Section, activity_id: str, value: Any) -> None:
        if section == "profile":
            self.profile = value
            return
        records: dict[str, Any] = getattr(self, section)
        if value is None:
            records.pop(activity_id, None)
        else:
            records[activity_id] = value

    # -- changes: each is one entry in the history, or None when nothing would change ----------

    def mark_done(
        self, activity_id: str, on: dt.date, now: dt.datetime, note: str | None = None
    ) -> Change | None:
        """Record an activity as done; None when it already was (nothing changes)."""
        if activity_id in self.done:
            return None
        record = DoneRecord(on=on, recorded=stamp(now), note=note or None)
        return self._change("done", activity_id, {"done": record}, now)

    def correct_done(
        self, activity_id: str, now: dt.datetime, on: dt.date | None, note: str | None
    ) -> Change | None:
        """Change the date or the note of a done record; None when nothing would change."""
        record = self.done.get(activity_id)
        if record is None:
            return None
        corrected = replace(
            record, on=on if on is not None else record.on, note=note if note else record.note
        )
        return self._change("correct", activity_id, {"done": corrected}, now)

    def reopen(self, activity_id: str, now: dt.datetime) -> Change | None:
        """Mark an activity as not done; None when it was not done."""
        return self._change("undo", activity_id, {"done": None}, now)

    def set_plan(self, activity_id: str, plan: Plan | None, now: dt.datetime) -> Change | None:
        """The district's own dates for an activity; None goes back to the guide's."""
        plan = self._keep_extra(self.plans.get(activity_id), plan)
        return self._change("plan", activity_id, {"plans": plan}, now)

    def assign(self, activity_id: str, owner: str | None, now: dt.datetime) -> Change | None:
        """Name the person who owns an activity; None removes the owner."""
        return self._change("assign", activity_id, {"owners": owner}, now)

    def add_note(
        self, activity_id: str, text: str, now: dt.datetime, dated: dt.datetime | None = None
    ) -> Change | None:
        """A note, dated `dated` (typed with `--as-of`: that day) or when it is written."""
        notes = (*self.notes.get(activity_id, ()), Note(stamp(dated or now), text))
        return self._change("note", activity_id, {"notes": notes}, now)

    def add_activity(self, activity: CustomActivity, now: dt.datetime) -> Change | None:
        return self._change("add", activity.id, {"custom": activity}, now)

    def remove_activity(self, activity_id: str, now: dt.datetime) -> Change | None:
        """Remove a district activity with its done record, dates, owner and notes: one change
        that `undo` restores whole."""
        sections: dict[Section, Any] = dict.fromkeys(("custom", "done", "plans", "owners", "notes"))
        return self._change("remove", activity_id, sections, now)

    def set_profile(self, profile: Profile, now: dt.datetime) -> Change | None:
        profile = self._keep_extra(self.profile, profile)
        return self._change("init", "", {"profile": profile}, now)

    def adopt(
        self, activity_id: str, values: dict[Section, Any], now: dt.datetime
    ) -> Change | None:
        """Take records from another copy of the progress file: one `merge` entry (see
        `cimsig.merging`); None when nothing would change."""
        return self._change("merge", activity_id, values, now)

    def note_merge(self, now: dt.datetime) -> Change:
        """A merge that brought other changes into the history but changed no record: an entry
        of its own all the same, so that `undo` right after it takes back the merge (nothing),
        not a change made before it."""
        return self._record("merge", "", (), now)

    def replace_history(self, history: list[dict[str, Any]]) -> None:
        """The history of a merge: this copy's entries as they were, the other's added."""
        self.history = history
        self._last_seq = self._last_clock = None
        self.revision += 1

    def known_uids(self) -> set[str]:
        """The ids of every change this copy knows: in its history, or moved to an archive."""
        return self.history_uids() | self.archived()[0]

    def archived(
        self,
    ) -> "tuple[set[str], dict[tuple[str, str], dict[str, Any]], list[dict[str, Any]]]":
        """What the archiving records in the history say of the changes they moved: their ids;
        for each record the last change of it moved (with `clock`, `uid`, `at`, `by`); and
        the changes that took notes away, as entries (`id`, `changes`)."""
        if self._history is None and self._unread is not None:
            entries = [*self._unread.archive_entries(), *self._pending]
        else:
            entries = self.history
        uids: set[str] = set()
        last: dict[tuple[str, str], dict[str, Any]] = {}
        notes: list[dict[str, Any]] = []
        for entry in entries:
            moved = entry.get("archived") if entry.get("action") == "archive" else None
            if not isinstance(moved, dict):
                continue
            uids.update(str(u) for u in moved.get("uids") or () if isinstance(u, str))
            notes += [n for n in moved.get("notes") or () if isinstance(n, dict)]
            for item in moved.get("last") or ():
                if not isinstance(item, dict) or entry_clock(item) is None:
                    continue
                key = (str(item.get("field")), str(item.get("id", "")))
                item_key = order_key(item, int(item["clock"]))
                known = last.get(key)
                if known is None or order_key(known, int(known["clock"])) < item_key:
                    last[key] = item
        return uids, last, notes

    def undo_group(self) -> list[dict[str, Any]]:
        """The history entries `undo` takes back next: the most recent change not already
        undone (every entry of it, when one command changed several activities)."""
        reverted = {e.get("reverts") for e in self.history if e.get("action") == "revert"}
        open_entries = [
            e
            for e in self.history
            if e.get("action") not in NOT_UNDONE
            and e.get("uid") not in reverted
            and not e.get("merged_in")  # another copy's merge (see `merging.plan_merge`)
        ]
        if not open_entries:
            return []
        last = open_entries[-1]
        if last.get("batch") is None:
            return [last]
        return [e for e in open_entries if e.get("batch") == last.get("batch")]

    def revert_last(self, now: dt.datetime) -> list[Change]:
        """Revert the most recent change not already reverted (all of it, when one command
        changed several activities); an empty list when there is none."""
        group = self.undo_group()
        if not group:
            return []
        with self.batch():
            return [self._revert(entry, now) for entry in reversed(group)]

    def archive_before(
        self, cutoff: dt.datetime, now: dt.datetime, where: str
    ) -> list[dict[str, Any]]:
        """Take the changes recorded before the moment `cutoff` out of the history (to be kept
        in the side file `where`), and record that they were. What is done and planned stays as
        it is; a change made by one command stays whole, as does an undo with the change it
        undid; earlier archiving records stay. Returns the entries taken out, oldest first."""

        def early(entry: dict[str, Any]) -> bool:
            return recorded_before(entry.get("at", ""), cutoff)

        kept = [e for e in self.history if not early(e) or e.get("action") == "archive"]
        kept_batches = {e.get("batch") for e in kept}
        kept_reverted = {e.get("reverts") for e in kept if e.get("action") == "revert"}
        kept_uids = {e.get("uid") for e in kept}
        moved = [
            e
            for e in self.history
            if early(e)
            and e.get("action") != "archive"
            and (e.get("batch") is None or e.get("batch") not in kept_batches)
            and e.get("uid") not in kept_reverted  # a change stays with the undo of it ...
            and e.get("reverts") not in kept_uids  # ... and an undo with the change it undid
        ]
        if not moved:
            return []
        moved_ids = {id(e) for e in moved}
        # What a merge needs to know of the changes moved, so that a copy made before this
        # brings none of them back: their ids, and for each record the last one that changed it.
        clock_of = {id(e): c for e, c in zip(self.history, clocks(self.history), strict=True)}
        last: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in moved:
            if entry.get("action") == "merge":
                continue
            clock = clock_of[id(entry)]
            for key in change_keys(entry):
                known = last.get(key)
                if known is None or order_key(known, known["clock"]) < order_key(entry, clock):
                    last[key] = {
                        "field": key[0], "id": key[1], "uid": entry.get("uid"), "clock": clock,
                        "at": entry.get("at"), "by": entry.get("by"),
                    }  # fmt: skip
        self._next_seq()  # the numbering goes on from the highest number, archived ones included
        self._next_clock()  # and the clock from the highest, archived ones included
        self.history = [e for e in self.history if id(e) not in moved_ids]
        self._record("archive", "", (), now)
        self.history[-1]["archived"] = {
            "before": cutoff.date().isoformat(),
            "count": len(moved),
            "file": where,
            "uids": [str(e.get("uid")) for e in moved],
            "last": list(last.values()),
        }
        # Notes taken away (an undo of a note, an activity removed): a copy from before must
        # not bring them back.
        notes = [
            {"id": e.get("id"), "changes": [c]}
            for e in moved
            for c in e.get("changes", ())
            if isinstance(c, dict) and c.get("field") == "notes" and "added" not in c
        ]
        if notes:
            self.history[-1]["archived"]["notes"] = notes
        return moved

    def _revert(self, entry: dict[str, Any], now: dt.datetime) -> Change:
        activity_id = str(entry["id"])
        try:
            changes = tuple(
                FieldChange(
                    c["field"],
                    self.get(c["field"], activity_id),
                    self._before(c, activity_id),
                )
                for c in entry["changes"]
                if codec.is_section(c["field"])
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            changes = ()
        if not changes and not (entry.get("action") == "merge" and entry.get("changes") == []):
            raise StateError(
                f"The last change in the history (number {entry.get('seq')}) cannot be "
                "undone: its record is damaged. Make the change again by hand instead "
                "(for example `cimsig done ID` or `cimsig undo ID`)."
            )
        return self._record("revert", activity_id, changes, now, reverts=entry)

    @staticmethod
    def _keep_extra(current: Any, new: Any) -> Any:
        """A record replacing `current` keeps the fields cimsig does not know of the old one."""
        if current is None or new is None or new.extra or not current.extra:
            return new
        return dataclasses.replace(new, extra=current.extra)

    def unknown_fields(self) -> list[str]:
        """Where the file holds fields this cimsig does not know (kept through every write)."""
        found = [f"'{key}' at the top of the file" for key in self.extra]
        if self.profile is not None and self.profile.extra:
            found.append(f"{', '.join(self.profile.extra)} in the profile")
        for section in ("done", "plans", "custom"):
            records: dict[str, Any] = getattr(self, section)
            for activity_id, record in records.items():
                if record.extra:
                    found.append(f"{', '.join(record.extra)} in {section} of {activity_id}")
        for activity_id, notes in self.notes.items():
            for note in notes:
                if note.extra:
                    found.append(f"{', '.join(note.extra)} in a note on {activity_id}")
        return found

    def _before(self, change: dict[str, Any], activity_id: str) -> Any:
        """What a field was before a change in the history, as far as `undo` goes back."""
        if change["field"] == "notes" and "added" in change:
            # The entry holds only the note added: taking it back removes that note (the last
            # one equal to it), whatever other notes were added since.
            added = codec.decode("notes", [change["added"]], activity_id)[0]
            notes = list(self.notes.get(activity_id, ()))
            for index in range(len(notes) - 1, -1, -1):
                if notes[index] == added:
                    del notes[index]
                    return tuple(notes) or None
            # Already gone (an undo of the merge that brought it in took it back too): there
            # is nothing left to take back, and the undo goes on to the change before.
            return self.notes.get(activity_id) or None
        return codec.decode(change["field"], change.get("before"), activity_id)

    # -- the history ----------------------------------------------------------------------------

    def _change(
        self, action: str, activity_id: str, values: dict[Section, Any], now: dt.datetime
    ) -> Change | None:
        changes = tuple(
            FieldChange(section, self.get(section, activity_id), value)
            for section, value in values.items()
            if self.get(section, activity_id) != value
        )
        if not changes:
            return None
        return self._record(action, activity_id, changes, now)

    def _record(
        self,
        action: str,
        activity_id: str,
        changes: tuple[FieldChange, ...],
        now: dt.datetime,
        reverts: dict[str, Any] | None = None,
    ) -> Change:
        for item in changes:
            self._put(item.section, activity_id, item.after)
        seq, clock = self._next_seq(), self._next_clock()
        self._last_seq, self._last_clock = seq, clock
        self.revision += 1
        entry: dict[str, Any] = {"seq": seq, "uid": new_uid(), "clock": clock, "at": stamp(now)}
        if self.author:
            entry["by"] = self.author
        entry.update(action=action, id=activity_id, changes=[_encode_change(c) for c in changes])
        if reverts is not None:
            entry["reverts"] = reverts.get("uid")
        if self._batch is not None:
            entry["batch"] = self._batch
        self._append(entry)
        return Change(action, activity_id, changes, reverts)

    def _next_seq(self) -> int:
        # The highest number in the history (checked to be whole numbers when read), found once.
        if self._last_seq is None:
            if self._history is None and self._unread is not None:
                self._last_seq = self._unread.highest_seq()
            else:
                self._last_seq = max((int(e["seq"]) for e in self.history), default=0)
        return self._last_seq + 1

    def _next_clock(self) -> int:
        # One more than the highest clock of the history, found once (see `clocks`).
        if self._last_clock is None:
            if self._history is None and self._unread is not None:
                self._last_clock = self._unread.highest_clock()
            else:
                self._last_clock = max(clocks(self.history), default=0)
        return self._last_clock + 1


# The records a change of each field is a change of (the profile is one record).
RECORD_FIELDS = ("done", "plans", "owners", "custom", "profile")


def change_keys(entry: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The records (section, activity id; "" for the profile) an entry changed, notes aside."""
    activity_id = str(entry.get("id", ""))
    for change in entry.get("changes", ()):
        section = change.get("field") if isinstance(change, dict) else None
        if section in RECORD_FIELDS:
            yield section, "" if section == "profile" else activity_id


def _encode_change(change: FieldChange) -> dict[str, Any]:
    """One field's change as the history holds it: before and after, except for a note added,
    which holds only that note (the whole list twice would grow the file quadratically)."""
    before, after = change.before, change.after
    if change.section == "notes" and after and after[:-1] == (before or ()):
        return {"field": "notes", "added": codec.encode("notes", after[-1:])[0]}
    return {
        "field": change.section,
        "before": codec.encode(change.section, before),
        "after": codec.encode(change.section, after),
    }
