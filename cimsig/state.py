"""The state file: what the district has done, with a history of every change.

The file is YAML, meant to be readable and diffable. It is written atomically (a temp file in the
same folder, flushed and fsynced, then `os.replace`) under a cross-platform lock held for the whole
read-modify-write, so two `cimsig done` at the same moment both land and a crash never leaves half
a file. A state file that cannot be read is never overwritten: the user gets a message naming the
file and what is wrong, and the file stays byte-for-byte as it was.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cimsig.errors import StateError
from cimsig.fileio import atomic_write_text
from cimsig.record import Record
from cimsig.yamlio import Mapping, YamlProblem, load_yaml, parse_iso_date, plain

STATE_FORMAT = 2
STATE_FILE_NAME = "state.yaml"
# A state file holds a few hundred lines; anything far larger is not one of ours.
MAX_STATE_BYTES = 20 * 1024 * 1024
# How long a command waits for another cimsig that is writing the same state file.
LOCK_TIMEOUT_SECONDS = 15.0
TRACKS = ("new", "continuing")

_HEADER = (
    "# cimsig progress record: what is done, the district's own plan, and a history of every\n"
    "# change. Written by cimsig. Keep a copy with your compliance records; edit by hand only\n"
    "# with care.\n"
)
# Format history: 1 had version, guide, done, history (changes of `done` only). 2 adds profile,
# plans, owners, notes and custom activities; a history entry lists the fields it changed.
_SECTIONS = ("done", "plans", "owners", "notes", "custom")
_ROOT_KEYS = ("version", "guide", "profile", *_SECTIONS, "history")


class DoneRecord(Record):
    on: dt.date
    recorded: str
    note: str | None = None


class Plan(Record):
    """The district's own dates for an activity (the guide's stay in the guide)."""

    due: dt.date
    start: dt.date | None = None


class Note(Record):
    at: str
    text: str


class CustomActivity(Record):
    """An activity the district added to its own plan."""

    id: str
    step: str
    title: str
    due: dt.date
    start: dt.date | None = None


class Profile(Record):
    lea: str | None = None
    track: str | None = None  # new | continuing


class FieldChange(Record):
    field: str  # done, plans, owners, notes, custom, profile
    before: Any
    after: Any


class Change(Record):
    """What one command changed, for its message and for `undo`."""

    action: str  # done, undo, plan, assign, note, add, remove, init, revert
    activity_id: str
    changes: tuple[FieldChange, ...]
    reverted: dict[str, Any] | None = None  # for a revert: the history entry it reverted


# -- the YAML form of each kind of record -------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _date_or_none(raw: Any) -> dt.date | None:
    return parse_iso_date(raw) if raw is not None else None


def _text(raw: Any, what: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)) or not str(raw).strip():
        raise ValueError(f"{what} must be text")
    return str(raw)


def _encode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "done":
        # `date`, not `on`: YAML 1.1 reads an unquoted `on` as true, a trap for hand edits.
        return {"date": value.on.isoformat(), "recorded": value.recorded, "note": value.note}
    if name == "plans":
        return {"due": value.due.isoformat(), "start": _iso(value.start)}
    if name == "owners":
        return value
    if name == "notes":
        return [{"at": n.at, "text": n.text} for n in value]
    if name == "custom":
        return {"id": value.id, "step": value.step, "title": value.title,
                "due": value.due.isoformat(), "start": _iso(value.start)}  # fmt: skip
    if name == "profile":
        return {"lea": value.lea, "track": value.track}
    raise KeyError(name)


def _decode(name: str, raw: Any, key: str = "") -> Any:
    """A record from its YAML form; ValueError (or KeyError, TypeError) when it is damaged."""
    if raw is None:
        return None
    if name == "done":
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise ValueError("the note must be text")
        return DoneRecord(parse_iso_date(raw["date"]), str(raw.get("recorded") or ""), note)
    if name == "plans":
        plan = Plan(parse_iso_date(raw["due"]), _date_or_none(raw.get("start")))
        if plan.start is not None and plan.start > plan.due:
            raise ValueError("the planned start is after the planned due date")
        return plan
    if name == "owners":
        return _text(raw, "the owner")
    if name == "notes":
        if not isinstance(raw, list):
            raise ValueError("notes must be a list")
        return tuple(Note(str(n["at"]), _text(n["text"], "a note")) for n in raw)
    if name == "custom":
        return CustomActivity(
            id=key or str(raw["id"]), step=_text(raw["step"], "the step"),
            title=_text(raw["title"], "the title"), due=parse_iso_date(raw["due"]),
            start=_date_or_none(raw.get("start")),
        )  # fmt: skip
    if name == "profile":
        track = raw.get("track")
        if track is not None and track not in TRACKS:
            raise ValueError(f"the track must be one of: {', '.join(TRACKS)}")
        lea = raw.get("lea")
        return Profile(
            lea=_text(lea, "the district name") if lea is not None else None, track=track
        )
    raise KeyError(name)


class State:
    """A district's progress: what it did, planned, assigned, noted and added, with a history.

    A plain class rather than a dataclass: `dataclass` compiles its methods at every start.
    """

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

    # -- reading and setting one record ---------------------------------------------------------

    def get(self, name: str, activity_id: str) -> Any:
        if name == "profile":
            return self.profile
        section: dict[str, Any] = getattr(self, name)
        return section.get(activity_id)

    def _set(self, name: str, activity_id: str, value: Any) -> None:
        if name == "profile":
            self.profile = value
            return
        section: dict[str, Any] = getattr(self, name)
        if value is None:
            section.pop(activity_id, None)
        else:
            section[activity_id] = value

    # -- changes --------------------------------------------------------------------------------

    def change(
        self, action: str, activity_id: str, values: dict[str, Any], now: dt.datetime
    ) -> Change | None:
        """Set records (field name -> new value, None to remove) as one change in the history.

        None when nothing would change.
        """
        changes = tuple(
            FieldChange(name, self.get(name, activity_id), value)
            for name, value in values.items()
            if self.get(name, activity_id) != value
        )
        if not changes:
            return None
        return self._record(action, activity_id, changes, now)

    def _record(
        self, action: str, activity_id: str, changes: tuple[FieldChange, ...], now: dt.datetime,
        reverts: dict[str, Any] | None = None,
    ) -> Change:  # fmt: skip
        for item in changes:
            self._set(item.field, activity_id, item.after)
        entry: dict[str, Any] = {
            "seq": max((int(e.get("seq", 0)) for e in self.history), default=0) + 1,
            "at": _stamp(now),
            "action": action,
            "id": activity_id,
            "changes": [
                {
                    "field": c.field,
                    "before": _encode(c.field, c.before),
                    "after": _encode(c.field, c.after),
                }
                for c in changes
            ],
        }
        if reverts is not None:
            entry["reverts"] = reverts.get("seq")
        self.history.append(entry)
        return Change(action, activity_id, changes, reverts)

    def mark_done(
        self, activity_id: str, on: dt.date, now: dt.datetime, note: str | None = None
    ) -> Change | None:
        """Record an activity as done; None when it already was (nothing changes)."""
        if activity_id in self.done:
            return None
        record = DoneRecord(on=on, recorded=_stamp(now), note=note or None)
        return self.change("done", activity_id, {"done": record}, now)

    def reopen(self, activity_id: str, now: dt.datetime) -> Change | None:
        """Mark an activity as not done; None when it was not done."""
        return self.change("undo", activity_id, {"done": None}, now)

    def add_note(self, activity_id: str, text: str, now: dt.datetime) -> Change | None:
        notes = (*self.notes.get(activity_id, ()), Note(_stamp(now), text))
        return self.change("note", activity_id, {"notes": notes}, now)

    def revert_last(self, now: dt.datetime) -> Change | None:
        """Revert the most recent change not already reverted; None when there is none."""
        reverted = {e.get("reverts") for e in self.history if e.get("action") == "revert"}
        for entry in reversed(self.history):
            if entry.get("action") == "revert" or entry.get("seq") in reverted:
                continue
            activity_id = str(entry["id"])
            try:
                changes = tuple(
                    FieldChange(c["field"], self.get(c["field"], activity_id),
                                _decode(c["field"], c.get("before"), activity_id))
                    for c in entry["changes"]
                )  # fmt: skip
            except (KeyError, TypeError, ValueError, AttributeError):
                raise StateError(
                    f"The last change in the history (number {entry.get('seq')}) cannot be "
                    "undone: its record is damaged. Make the change again by hand instead "
                    "(for example `cimsig done ID` or `cimsig undo ID`)."
                ) from None
            return self._record("revert", activity_id, changes, now, reverts=entry)
        return None

    # -- file format ----------------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        """The state as plain data, as the file holds it."""
        document: dict[str, Any] = {
            "version": STATE_FORMAT,
            "guide": self.guide,
            "profile": _encode("profile", self.profile),
        }
        for name in _SECTIONS:
            section: dict[str, Any] = getattr(self, name)
            keys = list(section) if name == "custom" else sorted(section)
            document[name] = {key: _encode(name, section[key]) for key in keys}
        document.update(self.extra)
        document["history"] = self.history
        return document

    def to_yaml(self) -> str:
        return _dump(self.to_document())


def _dump(document: dict[str, Any]) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(
        document, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
        width=100,
    )  # fmt: skip
    return _HEADER + body


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def _migrate_history(history: list[Any], version: int) -> list[Any]:
    """Format 1 history entries changed `done` only, with their before/after at the top."""
    if version >= 2:
        return history
    migrated = []
    for entry in history:
        if "changes" not in entry:
            entry = dict(entry)
            before, after = entry.pop("before", None), entry.pop("after", None)
            entry["changes"] = [{"field": "done", "before": before, "after": after}]
        migrated.append(entry)
    return migrated


def _failure(path: Path, message: str, line: int | None = None) -> StateError:
    where = f"{path}, line {line}" if line else str(path)
    return StateError(
        f"The state file {where} cannot be used: {message}. cimsig has not changed it; "
        "fix it, or move it aside and restore your backup."
    )


def _line_of(data: dict[str, Any], key: str | None = None) -> int | None:
    """The line of a key (or of the mapping) in the file; None for data not read from YAML."""
    if not isinstance(data, Mapping):
        return None
    return data.line if key is None else data.line_of(key)


def parse_state(text: str, path: Path) -> State:
    """Read the text of a state file, or raise StateError saying what is wrong and where.

    A file of an older format is read and brought up to date (written in the new format at the
    next change); a file of a newer format is refused and left alone.
    """
    if not text.strip():
        raise _failure(path, "it is empty")
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        raise _failure(path, exc.message, exc.line) from None
    return state_from_document(data, path)


def state_from_document(data: Any, path: Path) -> State:
    """The state from a state file's data (as YAML reads it, or from the cache), checked."""

    def fail(message: str, line: int | None = None) -> StateError:
        return _failure(path, message, line)

    if not isinstance(data, dict):
        raise fail("it is not a cimsig state file (expected a mapping with 'version')")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise fail("it has no format 'version' (is it a cimsig state file?)", _line_of(data))
    if version > STATE_FORMAT:
        raise fail(
            f"it was written by a newer cimsig (state format {version}; this cimsig reads up to "
            f"{STATE_FORMAT}). Update cimsig to use it",
            _line_of(data, "version"),
        )
    if version < 1:
        raise fail(f"state format {version} does not exist", _line_of(data, "version"))
    guide = data.get("guide")
    if guide is not None and not isinstance(guide, str):
        raise fail("'guide' must be the id of a guide", _line_of(data, "guide"))
    state = State(guide=guide)
    try:
        state.profile = _decode("profile", data.get("profile"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise fail(f"the district profile is damaged ({exc})", _line_of(data, "profile")) from None
    for name in _SECTIONS:
        raw_section = data.get(name)
        if raw_section is None:
            continue
        if not isinstance(raw_section, dict):
            raise fail(f"'{name}' must be a mapping of activity ids", _line_of(data, name))
        section: dict[str, Any] = getattr(state, name)
        for key, raw in raw_section.items():
            if name != "owners" and name != "notes" and not isinstance(raw, dict):
                raise fail(
                    f"the {name} record for '{key}' must be a mapping",
                    _line_of(raw_section, str(key)),
                )
            try:
                section[str(key)] = _decode(name, raw, str(key))
            except KeyError as exc:
                raise fail(
                    f"the {name} record for '{key}' needs {exc}", _line_of(raw_section, str(key))
                ) from None
            except (TypeError, ValueError, AttributeError) as exc:
                raise fail(
                    f"the {name} record for '{key}': {exc}", _line_of(raw_section, str(key))
                ) from None
    history = data.get("history")
    if history is None:
        history = []
    if not isinstance(history, list) or not all(
        isinstance(e, dict) and isinstance(e.get("id"), str) for e in history
    ):
        raise fail(
            "'history' must be a list of changes, each with an 'id'", _line_of(data, "history")
        )
    extra = {k: v for k, v in data.items() if k not in _ROOT_KEYS}
    if isinstance(data, Mapping):  # from YAML: back to plain dicts (data from the cache is)
        history, extra = plain(history), plain(extra)
    state.history = _migrate_history(history, version)
    state.extra = extra
    return state


class StateFile:
    """One state file on disk: read it, or change it under the lock."""

    def __init__(
        self,
        path: Path,
        lock_timeout: float = LOCK_TIMEOUT_SECONDS,
        *,
        cache_dir: Path | None = None,
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.lock_path = path.with_name(path.name + ".lock")
        # Where a copy of the file's data is kept as JSON, read much faster than the YAML.
        self.cache_dir = cache_dir

    def exists(self) -> bool:
        return self.path.exists()

    def lock_is_free(self) -> bool:
        """Whether no cimsig is writing this state file right now (for `cimsig doctor`)."""
        from filelock import FileLock, Timeout

        if not self.path.parent.is_dir():
            return True
        lock = FileLock(str(self.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return False
        except OSError:
            return True  # a folder we cannot write to: doctor reports that on its own
        lock.release()
        return True

    def stray_temp_files(self) -> list[Path]:
        """Temp files left by a write that was interrupted; never read as state."""
        if not self.path.parent.is_dir():
            return []
        return sorted(self.path.parent.glob(f".{self.path.name}.*.tmp"))

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
        return self._parse(text)

    def _parse(self, text: str) -> State:
        if self.cache_dir is None:
            return parse_state(text, self.path)
        from cimsig import cache

        document = cache.load_state(self.path, text, self.cache_dir)
        if document is not None:
            with contextlib.suppress(StateError):  # a damaged cache: read the file instead
                return state_from_document(document, self.path)
        state = parse_state(text, self.path)
        cache.store_state(self.path, text, state.to_document(), self.cache_dir)
        return state

    @contextlib.contextmanager
    def edit(self) -> Iterator[State]:
        """Read, let the caller change, and write back, all under the lock.

        If the caller raises, or changes nothing, nothing is written.
        """
        with self._locked():
            state = self.read()
            before = state.to_yaml()
            yield state
            document = state.to_document()
            after = _dump(document)
            if after != before or not self.exists():
                self._write(after)
                if self.cache_dir is not None:
                    from cimsig import cache

                    cache.store_state(self.path, after, document, self.cache_dir)

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
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise StateError(
                f"Another cimsig command has been writing {self.path} for more than "
                f"{self.lock_timeout:g} seconds. Wait for it to finish and try again. (A cimsig "
                "that was stopped does not hold the lock: the system releases it.)"
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
