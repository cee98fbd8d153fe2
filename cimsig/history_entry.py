"""One change in a progress file's history, as the readers of the history see it.

The file keeps the history as one JSON object per line, in the order below (the store writes
it; `State` records it); this class is the read form, so the schema is written down once and
the readers do not guess at keys. (A module of its own: only the commands that show the
history import it, so `next` and `status` do not pay for the class at start-up.)
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of a district's records, recorded by `State` (`cimsig/state.py`).

    Fields, as the file holds them (keys in this order; absent keys are None here):

    - `seq`: the change's number in this copy, 1, 2, 3 ... (what people read and `undo`
      names); whole, checked when read.
    - `uid`: the change's id, 16 hex digits, unique across every copy of the file: what merges
      and reverts go by. (Files before format 3 had none: they are given one when read.)
    - `clock`: the Lamport clock of the change (one more than the highest the copy had seen),
      which orders changes across copies; files from before it have none (their order is the
      file's).
    - `at`: when it was recorded, ISO 8601 with the offset (`2024-09-09T09:30:00-07:00`).
    - `by`: who recorded it (the name the district set with `init --me`, or the computer's
      user name); absent when not known.
    - `action`: what the change was: done, correct, undo (reopened), plan, assign, note, add,
      remove, init (the profile), revert (an undo of an earlier change), merge, archive.
    - `id`: the activity it changed; "" for the profile, a merge and an archive.
    - `changes`: one item per record changed, `{"field": F, "before": B, "after": A}` with F one
      of done, plans, owners, notes, custom, profile and B/A the record as
      `codec.encode` writes it (null: none); a note added is `{"field": "notes",
      "added": NOTE}` (the note alone, not the whole list twice).
    - `reverts`: for a revert, the `uid` of the change it undid.
    - `batch`: the `uid` of the first change of one command that made several (`done a b c`,
      a catch-up): `undo` takes the whole batch back.
    - `merged_in`: true on a merge that another copy recorded and this copy took in (its
      changes are this copy's already: `undo` passes over it).
    - `archived`: for an archive, what it moved to the side file: `before` (the date),
      `count`, `file` (the side file's name), `uids` (the changes moved), `last` (for each
      record, the last change moved: field, id, uid, clock, at, by, so that a merge can still
      order against it) and, when any, `notes` (notes taken away by the moved changes:
      `{"id", "changes"}`).
    """

    seq: Any
    uid: Any
    clock: Any
    at: Any
    by: Any
    action: Any
    id: Any
    changes: "list[Any] | None"
    reverts: Any
    batch: Any
    merged_in: bool
    archived: Any
    record: Mapping[str, Any]  # the line as read (its identity marks it in `undo_group`)

    @classmethod
    def read(cls, record: Mapping[str, Any]) -> "HistoryEntry":
        """The entry of one history line (a mapping as the file holds it)."""
        return cls(
            seq=record.get("seq"),
            uid=record.get("uid"),
            clock=record.get("clock"),
            at=record.get("at"),
            by=record.get("by"),
            action=record.get("action"),
            id=record.get("id"),
            changes=record.get("changes"),
            reverts=record.get("reverts"),
            batch=record.get("batch"),
            merged_in=bool(record.get("merged_in")),
            archived=record.get("archived"),
            record=record,
        )

    @property
    def first_change(self) -> Mapping[str, Any]:
        """The first record it changed (`{}` when none), which is what a person is told."""
        changes = self.changes or []
        return changes[0] if changes and isinstance(changes[0], dict) else {}
