"""Each kind of record to and from the plain data a progress file holds (one codec a section).

Plain data only: no YAML here, so a history entry can be made without importing a YAML library.
A damaged record raises ValueError, KeyError, TypeError or AttributeError; the caller names the
file and the line.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from cimsig.records import (
    TRACKS,
    CustomActivity,
    DoneRecord,
    Note,
    Plan,
    Profile,
    Section,
)
from cimsig.storage.yamlio import parse_iso_date


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _date_or_none(raw: Any) -> dt.date | None:
    return parse_iso_date(raw) if raw is not None else None


def _text(raw: Any, what: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)) or not str(raw).strip():
        raise ValueError(f"{what} must be text")
    return str(raw)


def plain(value: Any) -> Any:
    """The same data as plain dicts and lists (YAML's line-aware mappings become dicts)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _with_extra(known: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A record's own fields, then those cimsig does not know, as they were read."""
    if extra:
        known.update((key, value) for key, value in extra.items() if key not in known)
    return known


def _extra(raw: Any, known: frozenset[str]) -> dict[str, Any]:
    """The fields of a record cimsig does not know: kept, so a write never drops them."""
    if raw.keys() <= known:
        return {}
    return {str(key): plain(value) for key, value in raw.items() if key not in known}


# The fields of each kind of record, as the file names them.
_DONE_FIELDS = frozenset({"date", "recorded", "note"})
_PLAN_FIELDS = frozenset({"due", "start"})
_NOTE_FIELDS = frozenset({"at", "text"})
_CUSTOM_FIELDS = frozenset({"id", "step", "title", "due", "start"})
_PROFILE_FIELDS = frozenset({"lea", "track", "short"})


# -- encode: record -> plain data -----------------------------------------------------------


def _encode_done(value: DoneRecord) -> dict[str, Any]:
    # `date`, not `on`: YAML 1.1 reads an unquoted `on` as true, a trap for hand edits.
    known = {"date": value.on.isoformat(), "recorded": value.recorded, "note": value.note}
    return _with_extra(known, value.extra)


def _encode_plan(value: Plan) -> dict[str, Any]:
    return _with_extra({"due": value.due.isoformat(), "start": _iso(value.start)}, value.extra)


def _encode_notes(value: tuple[Note, ...]) -> list[dict[str, Any]]:
    return [_with_extra({"at": n.at, "text": n.text}, n.extra) for n in value]


def _encode_custom(value: CustomActivity) -> dict[str, Any]:
    known = {
        "id": value.id,
        "step": value.step,
        "title": value.title,
        "due": value.due.isoformat(),
        "start": _iso(value.start),
    }
    return _with_extra(known, value.extra)


def _encode_profile(value: Profile) -> dict[str, Any]:
    known = {"lea": value.lea, "track": value.track}
    if value.short:
        known["short"] = value.short
    return _with_extra(known, value.extra)


# -- decode: plain data -> record ---------------------------------------------------------------


def _decode_done(raw: Any, key: str) -> DoneRecord:
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise ValueError("the note must be text")
    return DoneRecord(
        parse_iso_date(raw["date"]),
        str(raw.get("recorded") or ""),
        note,
        _extra(raw, _DONE_FIELDS),
    )


def _decode_plan(raw: Any, key: str) -> Plan:
    plan = Plan(
        parse_iso_date(raw["due"]), _date_or_none(raw.get("start")), _extra(raw, _PLAN_FIELDS)
    )
    if plan.start is not None and plan.start > plan.due:
        raise ValueError("the planned start is after the planned due date")
    return plan


def _decode_owner(raw: Any, key: str) -> str:
    return _text(raw, "the owner")


def _decode_notes(raw: Any, key: str) -> tuple[Note, ...]:
    if not isinstance(raw, list):
        raise ValueError("notes must be a list")
    return tuple(_decode_note(n) for n in raw)


def _decode_note(raw: Any) -> Note:
    if not isinstance(raw, dict):
        raise ValueError("each note must be a mapping with 'at' and 'text'")
    return Note(str(raw["at"]), _text(raw["text"], "a note"), _extra(raw, _NOTE_FIELDS))


def _decode_custom(raw: Any, key: str) -> CustomActivity:
    return CustomActivity(
        id=key or str(raw["id"]),
        step=_text(raw["step"], "the step"),
        title=_text(raw["title"], "the title"),
        due=parse_iso_date(raw["due"]),
        start=_date_or_none(raw.get("start")),
        extra=_extra(raw, _CUSTOM_FIELDS),
    )


def _decode_profile(raw: Any, key: str) -> Profile:
    track = raw.get("track")
    if track is not None and track not in TRACKS:
        raise ValueError(f"the track must be one of: {', '.join(TRACKS)}")
    lea = raw.get("lea")
    return Profile(
        lea=_text(lea, "the district name") if lea is not None else None,
        track=track,
        extra=_extra(raw, _PROFILE_FIELDS),
        short=_text(raw["short"], "the short name") if raw.get("short") is not None else None,
    )


_ENCODERS: dict[Section, Callable[[Any], Any]] = {
    "done": _encode_done,
    "plans": _encode_plan,
    "owners": str,
    "notes": _encode_notes,
    "custom": _encode_custom,
    "profile": _encode_profile,
}
_DECODERS: dict[Section, Callable[[Any, str], Any]] = {
    "done": _decode_done,
    "plans": _decode_plan,
    "owners": _decode_owner,
    "notes": _decode_notes,
    "custom": _decode_custom,
    "profile": _decode_profile,
}
# Sections whose records are mappings in the file (owners are text, notes a list).
MAPPING_SECTIONS = frozenset({"done", "plans", "custom", "profile"})


def is_section(name: object) -> bool:
    return name in _ENCODERS


def encode(section: Section, value: Any) -> Any:
    """A record as plain data; None stays None."""
    return None if value is None else _ENCODERS[section](value)


def decode(section: Section, raw: Any, key: str = "") -> Any:
    """A record from plain data; None stays None. Raises when the record is damaged."""
    if raw is None:
        return None
    if section in MAPPING_SECTIONS and not isinstance(raw, dict):
        raise ValueError("it must be a mapping")
    return _DECODERS[section](raw, key)
