"""Caches of the guide and of the progress file, so a command does not parse the same YAML twice.

Parsing YAML in Python is the slowest step of a command: about 10 ms for a district's progress
file half-way through the guide, most of a second for a guide of thousands of activities, where
reading the same data as JSON takes a fiftieth of that. The caches live in cimsig's settings
folder and are only ever copies: one that cannot be read or written is ignored, and the YAML file
is read instead.

- A checked guide is keyed by the guide file's full path, size and modification time and by the
  cimsig version: any change to the file, or a new cimsig, makes a miss.
- A progress file's cache holds the file's whole text next to its data, and is used only when
  the file's text is exactly that text (a modification time can stay the same across an edit).
  The data is checked again on every use, as the file's would be.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import zlib
from pathlib import Path
from typing import Any

from cimsig import __version__
from cimsig.guide import Activity, BudgetPeriod, Guide, Step

CACHE_FORMAT = 2


def _key(path: Path, stat: os.stat_result) -> str:
    return f"{CACHE_FORMAT}|{__version__}|{path}|{stat.st_size}|{stat.st_mtime_ns}"


def _cache_file(cache_dir: Path, kind: str, path: Path) -> Path:
    # A short name per file path. crc32, not sha256: hashlib costs more to import than the
    # whole lookup; two paths sharing a name only cost a miss, since the key inside is checked.
    digest = zlib.crc32(str(path).encode("utf-8"))
    return cache_dir / f"{kind}-{digest:08x}.json"


def _read(cache_dir: Path, kind: str, path: Path) -> Any:
    """The cache file's JSON, or None when there is none or it is not JSON."""
    try:
        return json.loads(_cache_file(cache_dir, kind, path).read_bytes())
    except (OSError, ValueError):
        return None


def _write(cache_dir: Path, kind: str, path: Path, document: dict[str, Any]) -> None:
    """Keep a cache file; never fails the command."""
    from cimsig.fileio import atomic_write_text

    with contextlib.suppress(OSError):
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(_cache_file(cache_dir, kind, path), json.dumps(document))


# -- the guide ----------------------------------------------------------------------------------


def load_guide(path: Path, stat: os.stat_result, cache_dir: Path) -> Guide | None:
    """The cached guide for this exact file, or None."""
    data = _read(cache_dir, "guide", path)
    try:
        if not isinstance(data, dict) or data.get("key") != _key(path, stat):
            return None
        return _guide_from(data["guide"], path)
    except (ValueError, KeyError, TypeError):
        return None


def store_guide(guide: Guide, path: Path, stat: os.stat_result, cache_dir: Path) -> None:
    """Keep a checked guide for next time; never fails the command."""
    _write(cache_dir, "guide", path, {"key": _key(path, stat), "guide": _guide_to(guide)})


# -- the progress file --------------------------------------------------------------------------


def _state_key(path: Path) -> str:
    return f"{CACHE_FORMAT}|{__version__}|{path}"


def load_state(path: Path, text: str, cache_dir: Path) -> Any:
    """The data of the progress file at `path` whose text is `text`, or None if not cached."""
    data = _read(cache_dir, "state", path)
    if not isinstance(data, dict) or data.get("key") != _state_key(path):
        return None
    if data.get("text") != text:
        return None
    return data.get("data")


def store_state(path: Path, text: str, document: dict[str, Any], cache_dir: Path) -> None:
    """Keep a progress file's data (plain data, as in the file) next to its text.

    Data that JSON would change (a hand-written key that is a number, say) is not cached.
    """
    try:
        same = json.loads(json.dumps(document)) == document
    except (TypeError, ValueError):
        same = False
    if same:
        _write(cache_dir, "state", path, {"key": _state_key(path), "text": text, "data": document})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _guide_to(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.id,
        "title": guide.title,
        "source": guide.source,
        "cohort": guide.cohort,
        "time_zone": guide.time_zone,
        "budget_period": (
            None
            if guide.budget_period is None
            else {
                "start": guide.budget_period.start.isoformat(),
                "end": guide.budget_period.end.isoformat(),
                "months": guide.budget_period.months,
            }
        ),
        "steps": [[s.id, s.name, s.summary] for s in guide.steps],
        # Rows in the order of Activity's fields, named once: reading them back is twice as
        # fast as one mapping per activity.
        "fields": list(Activity._fields),
        "activities": [[_plain(value) for value in a._asdict().values()] for a in guide.activities],
    }


_DATES = [Activity._fields.index(name) for name in ("start", "due", "until")]
_TUPLES = [Activity._fields.index(name) for name in ("resources", "submit_to")]


def _activity_from(row: list[Any]) -> Activity:
    for index in _DATES:
        if row[index] is not None:
            row[index] = dt.date.fromisoformat(row[index])
    for index in _TUPLES:
        row[index] = tuple(row[index])
    return Activity._make(row)


def _guide_from(raw: dict[str, Any], path: Path) -> Guide:
    if raw["fields"] != list(Activity._fields):  # written by another version of the code
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
    )
