"""Copies of the checked guide and of the progress file's data as JSON, so a command does not
parse the same YAML twice.

Parsing YAML in Python is the slowest step of a command: about 10 ms for a district's progress
file half-way through the guide, most of a second for a guide of thousands of activities, where
reading the same data as JSON takes a fiftieth of that. The copies live in cimsig's settings
folder, private to the user (folder 0700, files 0600), and are only ever copies:

- A copy is used only for the exact text it was made from: it holds that text, and the file's
  text must be equal to it (a size and a modification time can stay the same across an edit).
  For a large file (a long history) it holds the SHA-256 digest of the text instead, so a read
  does not load a second copy of megabytes of text. It is keyed by the file's absolute path and
  by cimsig's version.
- A copy carries a checksum of its contents; a damaged copy is discarded, never used.
- Only reads use a copy. A change always reads the file itself, under the lock (`store`).

This module is wired in at one place, `cimsig.loading`; the domain never imports it.
"""

import contextlib
import datetime as dt
import json
import os
import zlib
from dataclasses import fields
from pathlib import Path
from typing import Any

from cimsig import __version__, state_format
from cimsig.guide import Activity, BudgetPeriod, Guide, Step
from cimsig.state import State

CACHE_FORMAT = 8  # 8: guides checked by the rules of issue 26b (repeating periods, ...)
# From this size on a copy keeps the digest of the text it was made from, not the text itself:
# hashing 13 MB takes 10 ms, reading a second copy of it as JSON ten times that. (Below it,
# hashlib is not imported at all: its import costs a small file's whole lookup.)
DIGEST_FROM_BYTES = 256 * 1024


def _cache_file(cache_dir: Path, kind: str, path: Path) -> Path:
    # A short name per file path. crc32, not sha256: hashlib costs more to import than the
    # whole lookup; two paths sharing a name only cost a miss, since the key inside is checked.
    digest = zlib.crc32(str(path).encode("utf-8"))
    return cache_dir / f"{kind}-{digest:08x}.json"


def _key(path: Path) -> str:
    return f"{CACHE_FORMAT}|{__version__}|{path}"


def is_trusted(cache_dir: Path) -> bool:
    """Whether the cache folder is the user's own and no one else can change it: copies in a
    folder others can write to are neither read nor written (another user could put a copy
    there that shows the district a different plan). Windows keeps the profile folder private
    by its own means."""
    if not hasattr(os, "geteuid"):
        return True
    try:
        found = os.stat(cache_dir)
    except OSError:
        return True  # not made yet: `_write` makes it private
    return found.st_uid == os.geteuid() and not found.st_mode & 0o022


def _read(cache_dir: Path, kind: str, path: Path, text: str) -> Any:
    """The data kept for `path` when it was made from exactly `text`; else None."""
    from cimsig.fileio import read_regular_file

    if not is_trusted(cache_dir):
        return None
    try:
        raw = read_regular_file(_cache_file(cache_dir, kind, path), 64 * 1024 * 1024)
        header, _, payload = raw.partition(b"\n")
        meta = json.loads(header)
        if meta.get("key") != _key(path) or meta.get("crc") != zlib.crc32(payload):
            return None
        body = json.loads(payload)
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(body, dict) or body.get("made_from") != _fingerprint(text):
        return None
    return body.get("data")


def _fingerprint(text: str) -> list[str]:
    """What a copy keeps of the text it was made from: the text, or for a large file its
    SHA-256 digest (a different text with the same digest is not a practical possibility)."""
    if len(text) < DIGEST_FROM_BYTES:
        return ["text", text]
    import hashlib

    return ["sha256", hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()]


def _write(cache_dir: Path, kind: str, path: Path, text: str, data: Any) -> None:
    """Keep a copy; never fails the command."""
    from cimsig.fileio import atomic_write_bytes

    if not is_trusted(cache_dir):
        return
    payload = json.dumps({"made_from": _fingerprint(text), "data": data}).encode("utf-8")
    header = json.dumps({"key": _key(path), "crc": zlib.crc32(payload)}).encode("utf-8")
    with contextlib.suppress(OSError):
        # cimsig's own folder, when this makes it, is as private as the cache inside it.
        cache_dir.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        cache_dir.mkdir(mode=0o700, exist_ok=True)
        atomic_write_bytes(_cache_file(cache_dir, kind, path), header + b"\n" + payload, mode=0o600)
        if cache_dir not in _CLEANED:  # once a run: a glob per write cost 1,001 globs at 1,000
            _CLEANED.add(cache_dir)  # districts, each of a folder growing to 1,001 files
            remove_stale_temp_files(cache_dir)


_CLEANED: set[Path] = set()  # cache folders this run has cleaned of stale temp files


def stale_temp_files(cache_dir: Path, now: float | None = None) -> list[Path]:
    """Temp files of copies whose write was killed half-way (each a copy of a file's text)."""
    from cimsig.fileio import stale_files

    try:
        return stale_files(cache_dir.glob(".*.json.*.tmp"), now)
    except OSError:
        return []


def remove_stale_temp_files(cache_dir: Path) -> None:
    from cimsig.fileio import remove_files

    remove_files(stale_temp_files(cache_dir))


# -- the guide ----------------------------------------------------------------------------------


def load_guide(path: Path, text: str, cache_dir: Path) -> Guide | None:
    """The checked guide made from `text` (the file at `path`), or None when not kept."""
    data = _read(cache_dir, "guide", path.absolute(), text)
    try:
        return None if data is None else _guide_from(data, path)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def store_guide(guide: Guide, path: Path, text: str, cache_dir: Path) -> None:
    _write(cache_dir, "guide", path.absolute(), text, _guide_to(guide))


# -- the progress file --------------------------------------------------------------------------


def load_state(path: Path, text: str, cache_dir: Path) -> State:
    """The state the progress file's `text` holds: from its copy when there is a good one,
    else parsed (and a copy kept for next time). Raises StateError as parsing does.

    A history in the shape cimsig writes is not copied: it stays in the file's text, read
    only when something needs it, so a long history costs a copy nothing. The copy keeps where
    it begins, its highest change number and what is wrong in it (`HistoryLines.problem`), all
    found when the copy was made."""
    from cimsig.errors import StateError

    key_path = path.absolute()
    kept = _read(cache_dir, "state", key_path, text)
    if isinstance(kept, dict):
        with contextlib.suppress(StateError, KeyError, TypeError, ValueError):
            document, lines_at = kept["document"], kept["history"]
            if lines_at is None:
                return state_format.from_document(document, path, history_is_plain=True)
            lines = state_format.known_history_lines(
                text, lines_at["at"], lines_at["highest"], lines_at["problem"], path
            )
            state = state_format.from_document(document, path)
            state.leave_history_unread(lines)
            return state
    state = state_format.parse_state(text, path)
    unread = state.unread_history()
    document = state_format.to_document(state, history=unread is None)
    try:
        same = json.loads(json.dumps(document)) == document
    except (TypeError, ValueError):
        same = False
    if same:  # data that JSON would change (a hand-written numeric key, say) is not kept
        history = None
        if unread is not None:
            lines = unread[0]
            assert isinstance(lines, state_format.HistoryLines)
            lines.problem()  # a history of a usual size is checked whole, once per version
            history = {
                "at": lines.start,
                "highest": lines.highest_seq(),
                "problem": lines.problem_as_found(),
            }
        _write(cache_dir, "state", key_path, text, {"document": document, "history": history})
    return state


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


_ACTIVITY_FIELDS = [f.name for f in fields(Activity)]
_DATES = [
    _ACTIVITY_FIELDS.index(name) for name in ("start", "due", "until", "period_start", "period_end")
]
_TUPLES = [_ACTIVITY_FIELDS.index(name) for name in ("resources", "submit_to")]
_LINKS = _ACTIVITY_FIELDS.index("links")


def _guide_to(guide: Guide) -> dict[str, Any]:
    budget = guide.budget_period
    return {
        "id": guide.id,
        "title": guide.title,
        "source": guide.source,
        "cohort": guide.cohort,
        "time_zone": guide.time_zone,
        "budget_period": (
            None
            if budget is None
            else {
                "start": budget.start.isoformat(),
                "end": budget.end.isoformat(),
                "months": budget.months,
            }
        ),
        "steps": [[s.id, s.name, s.summary] for s in guide.steps],
        "resources": list(guide.resources),
        "links": [list(pair) for pair in guide.links],
        # Rows in the order of Activity's fields, named once: reading them back is twice as
        # fast as one mapping per activity.
        "fields": _ACTIVITY_FIELDS,
        "activities": [
            [_plain(getattr(a, name)) for name in _ACTIVITY_FIELDS] for a in guide.activities
        ],
    }


def _activity_from(row: list[Any]) -> Activity:
    for index in _DATES:
        if row[index] is not None:
            row[index] = dt.date.fromisoformat(row[index])
    for index in _TUPLES:
        row[index] = tuple(row[index])
    row[_LINKS] = _pairs(row[_LINKS])
    return Activity(*row)


def _pairs(rows: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, link) for name, link in rows)


def _guide_from(raw: dict[str, Any], path: Path) -> Guide:
    if raw["fields"] != _ACTIVITY_FIELDS:  # written by another version of the code
        raise KeyError("fields")
    budget = raw["budget_period"]
    return Guide(
        id=raw["id"],
        title=raw["title"],
        source=raw["source"],
        cohort=raw["cohort"],
        time_zone=raw["time_zone"],
        budget_period=(
            None
            if budget is None
            else BudgetPeriod(
                dt.date.fromisoformat(budget["start"]),
                dt.date.fromisoformat(budget["end"]),
                budget["months"],
            )
        ),
        steps=tuple(Step(*s) for s in raw["steps"]),
        activities=tuple(_activity_from(a) for a in raw["activities"]),
        path=path,
        resources=tuple(raw["resources"]),
        links=_pairs(raw["links"]),
    )
