"""A district's progress: what it did, planned, assigned, noted and added, with a history.

Every change goes through `State`'s methods, each recording one entry in the history (what each
section was before and after), which is what `undo` walks back. Pure: no files, no clock (`now`
is an argument), no YAML. The file format is `state_format`; the file on disk is `store`.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from cimsig import codec
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


def stamp(now: dt.datetime) -> str:
    """How a moment is written in the file: ISO 8601 to the second, with its UTC offset."""
    return now.isoformat(timespec="seconds")


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
        self.history: list[dict[str, Any]] = []
        # Top-level keys this cimsig does not know are kept as they are, never dropped.
        self.extra: dict[str, Any] = {}
        # While a command changes several activities at once: the number its entries share.
        self._batch: int | None = None

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make the changes inside one change: one `undo` takes them all back."""
        self._batch = self._next_seq()
        try:
            yield
        finally:
            self._batch = None

    def as_it_stood(self, day: dt.date) -> "State":
        """The progress as it stood at the end of `day`, for a look back (`--as-of`).

        An activity counts as done from the day it was done (`--on`), whenever that was
        recorded; a note from the day it was written; the district's own dates, owners, own
        activities from the day they were recorded (later changes are taken back
        with their `before` values). The profile (who the district is) is not looked back on.
        """
        last = day.isoformat()
        past = State(self.guide, self.profile)
        past.done, past.plans, past.owners = dict(self.done), dict(self.plans), dict(self.owners)
        past.custom, past.history, past.extra = dict(self.custom), self.history, self.extra
        for entry in reversed(self.history):
            if str(entry.get("at", ""))[:10] <= last:
                break
            for change in entry.get("changes", ()):
                section = change.get("field")
                if section in ("done", "notes", "profile") or not codec.is_section(section):
                    continue
                with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                    past._put(
                        section,
                        str(entry["id"]),
                        codec.decode(section, change.get("before"), str(entry["id"])),
                    )
        past.done = {i: r for i, r in past.done.items() if r.on <= day}
        notes = {i: tuple(n for n in ns if n.at[:10] <= last) for i, ns in self.notes.items()}
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
        return self._change("plan", activity_id, {"plans": plan}, now)

    def assign(self, activity_id: str, owner: str | None, now: dt.datetime) -> Change | None:
        """Name the person who owns an activity; None removes the owner."""
        return self._change("assign", activity_id, {"owners": owner}, now)

    def add_note(self, activity_id: str, text: str, now: dt.datetime) -> Change | None:
        notes = (*self.notes.get(activity_id, ()), Note(stamp(now), text))
        return self._change("note", activity_id, {"notes": notes}, now)

    def add_activity(self, activity: CustomActivity, now: dt.datetime) -> Change | None:
        return self._change("add", activity.id, {"custom": activity}, now)

    def remove_activity(self, activity_id: str, now: dt.datetime) -> Change | None:
        """Remove a district activity with its done record, dates, owner and notes: one change
        that `undo` restores whole."""
        sections: dict[Section, Any] = dict.fromkeys(("custom", "done", "plans", "owners", "notes"))
        return self._change("remove", activity_id, sections, now)

    def set_profile(self, profile: Profile, now: dt.datetime) -> Change | None:
        return self._change("init", "", {"profile": profile}, now)

    def revert_last(self, now: dt.datetime) -> list[Change]:
        """Revert the most recent change not already reverted (all of it, when one command
        changed several activities); an empty list when there is none."""
        reverted = {e.get("reverts") for e in self.history if e.get("action") == "revert"}
        open_entries = [
            e for e in self.history if e.get("action") != "revert" and e.get("seq") not in reverted
        ]
        if not open_entries:
            return []
        last = open_entries[-1]
        group = [last]
        if last.get("batch") is not None:
            group = [e for e in open_entries if e.get("batch") == last.get("batch")]
        with self.batch():
            return [self._revert(entry, now) for entry in reversed(group)]

    def _revert(self, entry: dict[str, Any], now: dt.datetime) -> Change:
        activity_id = str(entry["id"])
        try:
            changes = tuple(
                FieldChange(
                    c["field"],
                    self.get(c["field"], activity_id),
                    codec.decode(c["field"], c.get("before"), activity_id),
                )
                for c in entry["changes"]
                if codec.is_section(c["field"])
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            changes = ()
        if not changes:
            raise StateError(
                f"The last change in the history (number {entry.get('seq')}) cannot be "
                "undone: its record is damaged. Make the change again by hand instead "
                "(for example `cimsig done ID` or `cimsig undo ID`)."
            )
        return self._record("revert", activity_id, changes, now, reverts=entry)

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
        entry: dict[str, Any] = {
            "seq": self._next_seq(),
            "at": stamp(now),
            "action": action,
            "id": activity_id,
            "changes": [
                {
                    "field": c.section,
                    "before": codec.encode(c.section, c.before),
                    "after": codec.encode(c.section, c.after),
                }
                for c in changes
            ],
        }
        if reverts is not None:
            entry["reverts"] = reverts.get("seq")
        if self._batch is not None:
            entry["batch"] = self._batch
        self.history.append(entry)
        return Change(action, activity_id, changes, reverts)

    def _next_seq(self) -> int:
        # The history is in the order recorded, so the last entry has the highest number.
        return int(self.history[-1]["seq"]) + 1 if self.history else 1
