"""A cache of checked guides, so a command does not parse and check the same YAML on every run.

Parsing YAML in Python is the slowest step of a command: a few milliseconds for the 2024 guide,
most of a second for a guide of thousands of activities. The cache holds the checked guide as
JSON, keyed by the guide file's full path, size and modification time and by the cimsig version;
any change to the file, or a new cimsig, makes a miss and the YAML is read and checked again.
The cache is only ever a copy: a cache that cannot be read or written is ignored.
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

CACHE_FORMAT = 1
_DATE_FIELDS = {"start", "due", "until"}


def _key(path: Path, stat: os.stat_result) -> str:
    return f"{CACHE_FORMAT}|{__version__}|{path}|{stat.st_size}|{stat.st_mtime_ns}"


def _cache_file(cache_dir: Path, path: Path) -> Path:
    # A short name per guide path. crc32, not sha256: hashlib costs more to import than the
    # whole lookup; two paths sharing a name only cost a miss, since the key inside is checked.
    digest = zlib.crc32(str(path).encode("utf-8"))
    return cache_dir / f"guide-{digest:08x}.json"


def load(path: Path, stat: os.stat_result, cache_dir: Path) -> Guide | None:
    """The cached guide for this exact file, or None."""
    try:
        data = json.loads(_cache_file(cache_dir, path).read_bytes())
        if data.get("key") != _key(path, stat):
            return None
        return _guide_from(data["guide"], path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(guide: Guide, path: Path, stat: os.stat_result, cache_dir: Path) -> None:
    """Keep a checked guide for next time; never fails the command."""
    from cimsig.fileio import atomic_write_text

    document = {"key": _key(path, stat), "guide": _guide_to(guide)}
    with contextlib.suppress(OSError):
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(_cache_file(cache_dir, path), json.dumps(document))


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
        "activities": [
            {name: _plain(value) for name, value in a._asdict().items()} for a in guide.activities
        ],
    }


def _activity_from(raw: dict[str, Any]) -> Activity:
    for name in _DATE_FIELDS:
        if raw.get(name) is not None:
            raw[name] = dt.date.fromisoformat(raw[name])
    raw["resources"] = tuple(raw["resources"])
    raw["submit_to"] = tuple(raw["submit_to"])
    return Activity(**raw)


def _guide_from(raw: dict[str, Any], path: Path) -> Guide:
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
