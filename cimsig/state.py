"""The state file: what the district has done, with a history of every change.

The file is YAML, meant to be readable and diffable. It is written atomically (a temp file in the
same folder, flushed and fsynced, then `os.replace`) under a cross-platform lock held for the whole
read-modify-write, so two `cimsig done` at the same moment both land and a crash never leaves half
a file. A state file that cannot be read is never overwritten: the user gets a message naming the
file and what is wrong, and the file stays byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cimsig.errors import StateError
from cimsig.fileio import atomic_write_text
from cimsig.yamlio import Mapping, YamlProblem, load_yaml, parse_iso_date, plain

STATE_FORMAT = 1
STATE_FILE_NAME = "state.yaml"
# A state file holds a few hundred lines; anything far larger is not one of ours.
MAX_STATE_BYTES = 20 * 1024 * 1024
# How long a command waits for another cimsig that is writing the same state file.
LOCK_TIMEOUT_SECONDS = 15.0

_HEADER = (
    "# cimsig progress record: what is done, and a history of every change.\n"
    "# Written by cimsig. Keep a copy with your compliance records; edit by hand only with care.\n"
)
_ROOT_KEYS = ("version", "guide", "done", "history")


@dataclass(frozen=True)
class DoneRecord:
    on: dt.date
    recorded: str
    note: str | None = None

    def to_yaml(self) -> dict[str, Any]:
        # `date`, not `on`: YAML 1.1 reads an unquoted `on` as true, a trap for hand edits.
        return {"date": self.on.isoformat(), "recorded": self.recorded, "note": self.note}


@dataclass(frozen=True)
class Change:
    """What one command changed, for its message and for `undo`."""

    action: str  # done, undo, revert
    activity_id: str
    before: DoneRecord | None
    after: DoneRecord | None
    reverted: dict[str, Any] | None = None  # for a revert: the history entry it reverted


@dataclass
class State:
    guide: str | None = None
    done: dict[str, DoneRecord] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    # Top-level keys this cimsig does not know are kept as they are, never dropped.
    extra: dict[str, Any] = field(default_factory=dict)

    # -- changes --------------------------------------------------------------------------------

    def mark_done(
        self, activity_id: str, on: dt.date, now: dt.datetime, note: str | None = None
    ) -> Change | None:
        """Record an activity as done; None when it already was (nothing changes)."""
        if activity_id in self.done:
            return None
        record = DoneRecord(on=on, recorded=_stamp(now), note=note or None)
        return self._apply("done", activity_id, record, now)

    def reopen(self, activity_id: str, now: dt.datetime) -> Change | None:
        """Mark an activity as not done; None when it was not done."""
        if activity_id not in self.done:
            return None
        return self._apply("undo", activity_id, None, now)

    def revert_last(self, now: dt.datetime) -> Change | None:
        """Revert the most recent change not already reverted; None when there is none."""
        reverted = {e.get("reverts") for e in self.history if e.get("action") == "revert"}
        for entry in reversed(self.history):
            if entry.get("action") == "revert" or entry.get("seq") in reverted:
                continue
            try:
                before = _record_from(entry.get("before"))
            except (KeyError, TypeError, ValueError):
                raise StateError(
                    f"The last change in the history (number {entry.get('seq')}) cannot be "
                    "reverted: its record is damaged. Use `cimsig done` or `cimsig undo ID`."
                ) from None
            return self._apply("revert", str(entry["id"]), before, now, reverts=entry)
        return None

    def _apply(
        self,
        action: str,
        activity_id: str,
        after: DoneRecord | None,
        now: dt.datetime,
        reverts: dict[str, Any] | None = None,
    ) -> Change:
        before = self.done.get(activity_id)
        if after is None:
            self.done.pop(activity_id, None)
        else:
            self.done[activity_id] = after
        entry: dict[str, Any] = {
            "seq": max((int(e.get("seq", 0)) for e in self.history), default=0) + 1,
            "at": _stamp(now),
            "action": action,
            "id": activity_id,
            "before": before.to_yaml() if before else None,
            "after": after.to_yaml() if after else None,
        }
        if reverts is not None:
            entry["reverts"] = reverts.get("seq")
        self.history.append(entry)
        return Change(action, activity_id, before, after, reverts)

    # -- file format ----------------------------------------------------------------------------

    def to_yaml(self) -> str:
        import yaml

        document: dict[str, Any] = {
            "version": STATE_FORMAT,
            "guide": self.guide,
            "done": {key: self.done[key].to_yaml() for key in sorted(self.done)},
            **self.extra,
            "history": self.history,
        }
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        body = yaml.dump(
            document,
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
        return _HEADER + body


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def _record_from(raw: Any) -> DoneRecord | None:
    if raw is None:
        return None
    return DoneRecord(
        on=parse_iso_date(raw["date"]), recorded=str(raw.get("recorded", "")), note=raw.get("note")
    )


def parse_state(text: str, path: Path) -> State:
    """Read the text of a state file, or raise StateError saying what is wrong and where."""

    def fail(message: str, line: int | None = None) -> StateError:
        where = f"{path}, line {line}" if line else str(path)
        return StateError(
            f"The state file {where} cannot be used: {message}. cimsig has not changed it; "
            "fix it, or move it aside and restore your backup."
        )

    if not text.strip():
        raise fail("it is empty")
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        raise fail(exc.message, exc.line) from None
    if not isinstance(data, Mapping):
        raise fail("it is not a cimsig state file (expected a mapping with 'version')")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise fail("it has no format 'version' (is it a cimsig state file?)", data.line)
    if version > STATE_FORMAT:
        raise fail(
            f"it was written by a newer cimsig (state format {version}; this cimsig reads up to "
            f"{STATE_FORMAT}). Update cimsig to use it",
            data.line_of("version"),
        )
    if version < 1:
        raise fail(f"state format {version} does not exist", data.line_of("version"))
    guide = data.get("guide")
    if guide is not None and not isinstance(guide, str):
        raise fail("'guide' must be the id of a guide", data.line_of("guide"))
    done_raw = data.get("done")
    if done_raw is None:
        done_raw = Mapping()
        done_raw.key_lines = {}
    if not isinstance(done_raw, Mapping):
        raise fail("'done' must be a mapping of activity ids", data.line_of("done"))
    done: dict[str, DoneRecord] = {}
    for key, raw in done_raw.items():
        line = done_raw.line_of(str(key))
        if not isinstance(raw, Mapping) or "date" not in raw:
            raise fail(f"the record for '{key}' needs a 'date' (YYYY-MM-DD)", line)
        try:
            record = _record_from(raw)
        except ValueError as exc:
            raise fail(f"'{key}': {exc}", raw.line_of("date")) from None
        if record is None or (record.note is not None and not isinstance(record.note, str)):
            raise fail(f"the note for '{key}' must be text", line)
        done[str(key)] = record
    history = data.get("history")
    if history is None:
        history = []
    if not isinstance(history, list) or not all(
        isinstance(e, Mapping) and isinstance(e.get("id"), str) for e in history
    ):
        raise fail(
            "'history' must be a list of changes, each with an 'id'", data.line_of("history")
        )
    extra = {k: v for k, v in data.items() if k not in _ROOT_KEYS}
    return State(guide=guide, done=done, history=plain(history), extra=plain(extra))


class StateFile:
    """One state file on disk: read it, or change it under the lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> State:
        """The state as it is on disk (an empty state when there is no file yet).

        No lock is needed to read: writes replace the file in one step, so a reader sees the old
        file or the new one, never half of one.
        """
        try:
            size = self.path.stat().st_size
            if size > MAX_STATE_BYTES:
                raise StateError(
                    f"The state file {self.path} is {size / 1024 / 1024:.1f} MB, far larger than "
                    "a cimsig state file. Is it the right file? cimsig has not changed it."
                )
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return State()
        except IsADirectoryError:
            raise StateError(f"{self.path} is a folder, not a state file.") from None
        except OSError as exc:
            raise StateError(
                f"The state file {self.path} cannot be read: {exc.strerror or exc}."
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise StateError(
                f"The state file {self.path} cannot be used: it is not UTF-8 text. "
                "cimsig has not changed it; move it aside and restore your backup."
            ) from None
        return parse_state(text, self.path)

    @contextlib.contextmanager
    def edit(self) -> Iterator[State]:
        """Read, let the caller change, and write back, all under the lock.

        If the caller raises, or changes nothing, nothing is written.
        """
        with self._locked():
            state = self.read()
            before = state.to_yaml()
            yield state
            after = state.to_yaml()
            if after != before or not self.exists():
                self._write(after)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"The folder for the state file, {self.path.parent}, cannot be created: "
                f"{exc.strerror or exc}."
            ) from None
        # An operating-system lock: it is released when the process holding it ends, however it
        # ends, so a killed cimsig never leaves a lock that blocks the next one.
        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_SECONDS)
        try:
            lock.acquire()
        except Timeout:
            raise StateError(
                f"Another cimsig command has been writing {self.path} for more than "
                f"{LOCK_TIMEOUT_SECONDS:.0f} seconds. Wait for it to finish and try again."
            ) from None
        except OSError as exc:
            raise StateError(
                f"The state file {self.path} cannot be locked for writing: "
                f"{exc.strerror or exc}. Is its folder read-only?"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _write(self, text: str) -> None:
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise StateError(
                f"The state file {self.path} could not be saved ({exc.strerror or exc}); "
                "the previous version is unchanged."
            ) from None
