"""The progress file's format: a `State` to and from the YAML text of the file, checked.

A file of an older format is read and brought up to date (written in the new format at the next
change); a file of a newer format is refused and left alone. Every problem names the file and,
where it can, the line.
"""

import json
import re
from pathlib import Path
from typing import Any

from cimsig import codec
from cimsig.errors import StateError
from cimsig.records import ACTIVITY_SECTIONS
from cimsig.state import State

STATE_FORMAT = 3
# Format history: 1 had version, guide, done, history (changes of `done` only). 2 adds profile,
# plans, owners, notes and custom activities; a history entry lists the fields it changed.
# 3: each history entry has a unique `uid` and `by` (who made it); `reverts` and `batch` hold
# entry ids instead of numbers, which collide when two copies of a file are merged.
_ROOT_KEYS = ("version", "guide", "profile", *ACTIVITY_SECTIONS, "history")
HEADER = (
    "# cimsig progress record: what is done, the district's own plan, and a history of every\n"
    "# change. Written by cimsig. Keep a copy with your compliance records; edit by hand only\n"
    "# with care.\n"
)


def to_document(state: State) -> dict[str, Any]:
    """The state as plain data, as the file holds it."""
    document: dict[str, Any] = {
        "version": STATE_FORMAT,
        "guide": state.guide,
        "profile": codec.encode("profile", state.profile),
    }
    for section in ACTIVITY_SECTIONS:
        records: dict[str, Any] = getattr(state, section)
        keys = list(records) if section == "custom" else sorted(records)
        document[section] = {key: codec.encode(section, records[key]) for key in keys}
    document.update(state.extra)
    document["history"] = state.history
    return document


# The history is written last, one change per line, each a JSON object: JSON is YAML too (a flow
# mapping), so the file stays one YAML document, and a long history is read and written by the
# json module in a fraction of the time YAML takes (50,000 changes: about 0.2 s, not 25 s).
_HISTORY_KEY = "\nhistory:\n"
# Characters JSON leaves as they are but YAML does not allow in a file, or reads as a line break.
# (A pattern, not compiled here: `re` compiles it on first use, so reading pays nothing for it.)
_NOT_YAML_PRINTABLE = "[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]"


def dump(document: dict[str, Any]) -> str:
    """The text of a progress file holding `document`."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    options: dict[str, Any] = {"Dumper": dumper, "sort_keys": False, "allow_unicode": True}
    head = {key: value for key, value in document.items() if key != "history"}
    body: str = yaml.dump(head, default_flow_style=False, width=100, **options)
    history = document.get("history")
    if "history" not in document:
        return HEADER + body
    if not history:
        return HEADER + body + "history: []\n"
    lines = []
    for entry in history:
        try:
            line = _json_text(entry)
        except (TypeError, ValueError):  # a hand-written value JSON has no word for
            line = str(yaml.dump(entry, default_flow_style=True, width=float("inf"), **options))
        lines.append(f"- {line.strip()}\n")
    return HEADER + body + "history:\n" + "".join(lines)


def _json_text(value: Any) -> str:
    """`value` as one line of JSON that is also YAML (every character YAML may not hold raw
    is written as an escape)."""
    line = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return re.sub(_NOT_YAML_PRINTABLE, lambda m: f"\\u{ord(m.group()):04x}", line)


def to_text(state: State) -> str:
    return dump(to_document(state))


def failure(path: Path, message: str, line: int | None = None) -> StateError:
    where = f"{path}, line {line}" if line else str(path)
    return StateError(
        f"The progress file {where} cannot be used: {message}. cimsig has not changed it; "
        "fix it, or move it aside and restore your backup."
    )


def parse_state(text: str, path: Path) -> State:
    """Read the text of a progress file, or raise StateError saying what is wrong and where."""
    from cimsig.yamlio import YamlProblem, load_yaml

    if not text.strip():
        raise failure(path, "it is empty")
    quick = _quick_parts(text)
    if quick is not None:
        head, history = quick
        try:
            data = load_yaml(head, strict=True)
            if isinstance(data, dict) and "history" not in data:
                data["history"] = history
                return from_document(data, path, history_is_plain=True)
        except (YamlProblem, StateError):
            pass  # read it all as YAML below, which names the line that is wrong
    try:
        data = load_yaml(text, strict=True)
    except YamlProblem as exc:
        raise failure(path, exc.message, exc.line) from None
    return from_document(data, path)


def _quick_parts(text: str) -> tuple[str, list[Any]] | None:
    """The text before the history, and the history read as JSON lines, when the file has the
    shape cimsig writes; None otherwise (a hand-edited file), to be read as YAML."""
    at = text.rfind(_HISTORY_KEY)
    if at < 0:
        return None
    lines = text[at + len(_HISTORY_KEY) :].split("\n")
    if lines and not lines[-1]:
        lines.pop()
    if not all(line.startswith("- {") for line in lines):
        return None
    listed = "[" + ", ".join(line[2:] for line in lines) + "]"
    try:  # one call for the whole list: a call per line costs twice as much
        history = json.loads(listed)
        # A key given twice is refused, as everywhere in the file. Written as cimsig writes
        # them, the lines are exactly what dumping the list gives (one call, no hook per
        # object); only lines written some other way are read again, key by key.
        if _json_text(history) != listed:
            history = json.loads(listed, object_pairs_hook=_unique_keys)
    except (ValueError, TypeError):
        return None
    return text[: at + 1], history


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a key given twice")
    return result


def _line_of(data: Any, key: str | None = None) -> int | None:
    """The line of a key (or of the mapping) in the file; None for data not read from YAML."""
    line_of = getattr(data, "line_of", None)
    if line_of is None:
        return None
    return data.line if key is None else int(line_of(key))


def from_document(data: Any, path: Path, *, history_is_plain: bool = False) -> State:
    """The state from a progress file's data (as YAML reads it, or from the cache), checked.
    `history_is_plain`: the history is plain dicts and lists already (read as JSON)."""

    def fail(message: str, line: int | None = None) -> StateError:
        return failure(path, message, line)

    if not isinstance(data, dict):
        raise fail("it is not a cimsig progress file (expected a mapping with 'version')")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise fail("it has no format 'version' (is it a cimsig progress file?)", _line_of(data))
    if version > STATE_FORMAT:
        raise fail(
            f"it was written by a newer cimsig (format {version}; this cimsig reads up to "
            f"{STATE_FORMAT}). Update cimsig to use it",
            _line_of(data, "version"),
        )
    if version < 1:
        raise fail(f"format {version} does not exist", _line_of(data, "version"))
    guide = data.get("guide")
    if guide is not None and not isinstance(guide, str):
        raise fail("'guide' must be the id of a guide", _line_of(data, "guide"))
    state = State(guide=guide)
    try:
        state.profile = codec.decode("profile", data.get("profile"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise fail(f"the district profile is damaged ({exc})", _line_of(data, "profile")) from None
    for section in ACTIVITY_SECTIONS:
        raw_section = data.get(section)
        if raw_section is None:
            continue
        if not isinstance(raw_section, dict):
            raise fail(f"'{section}' must be a mapping of activity ids", _line_of(data, section))
        records: dict[str, Any] = getattr(state, section)
        for key, raw in raw_section.items():
            line = _line_of(raw_section, str(key))
            if key is None or isinstance(key, bool) or not str(key).strip():
                # `~:` or `yes:` would become the id "None" or "True": surely not what was meant.
                raise fail(
                    f"'{section}' has a record without an activity id ({key!r} is not an id)",
                    line,
                )
            try:
                records[str(key)] = codec.decode(section, raw, str(key))
            except KeyError as exc:
                raise fail(f"the {section} record for '{key}' needs {exc}", line) from None
            except (TypeError, ValueError, AttributeError) as exc:
                raise fail(f"the {section} record for '{key}': {exc}", line) from None
    history = data.get("history")
    if history is None:
        history = []
    if not isinstance(history, list):
        raise fail("'history' must be a list of changes", _line_of(data, "history"))
    history = _migrate_history(history, version)
    for entry in history:
        problem = _entry_problem(entry)
        if problem:
            message, key = problem
            line = _line_of(entry, key) if isinstance(entry, dict) else None
            raise fail(f"a change in the history {message}", line or _line_of(data, "history"))
    history = _give_ids(history, version)
    extra = {k: v for k, v in data.items() if k not in _ROOT_KEYS}
    state.history = history if history_is_plain else _plain(history)
    state.extra = _plain(extra)
    return state


def _entry_problem(entry: Any) -> tuple[str, str | None] | None:
    """What is wrong with one history entry, and the key whose line shows it; or None."""
    if not isinstance(entry, dict):
        return "is not a mapping", None
    if not isinstance(entry.get("id"), str):
        return "has no activity 'id'", "id"
    seq = entry.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 10**12:
        return "has no whole number 'seq'", "seq"
    changes = entry.get("changes")
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        return "has no list of 'changes'", "changes"
    return None


def _migrate_history(history: list[Any], version: int) -> list[Any]:
    """Format 1 history entries changed `done` only, with their before/after at the top."""
    if version >= 2:
        return history
    migrated = []
    for entry in history:
        if isinstance(entry, dict) and "changes" not in entry:
            entry = dict(entry)
            before, after = entry.pop("before", None), entry.pop("after", None)
            entry["changes"] = [{"field": "done", "before": before, "after": after}]
        migrated.append(entry)
    return migrated


def _give_ids(history: list[Any], version: int) -> list[Any]:
    """Entries written before format 3 get an id made from their content, so two copies of one
    older file give their shared entries the same ids (and a merge sees them as one); `reverts`
    and `batch` numbers become the ids of the entries they named. Entries are copied, not
    changed in place."""
    if all(isinstance(e, dict) and isinstance(e.get("uid"), str) for e in history):
        return history
    import hashlib
    import json

    given: list[Any] = []
    uid_of_seq: dict[Any, str] = {}
    uid_of_batch: dict[Any, str] = {}
    for entry in history:
        if isinstance(entry, dict) and not isinstance(entry.get("uid"), str):
            content = json.dumps(codec.plain(entry), sort_keys=True, default=str)
            uid = "m" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:15]
            entry = {"seq": entry["seq"], "uid": uid, **entry}
        if isinstance(entry, dict):
            uid_of_seq.setdefault(entry.get("seq"), entry["uid"])
            if version < 3 and entry.get("batch") is not None:
                batch = uid_of_batch.setdefault(entry["batch"], entry["uid"])
                entry = {**entry, "batch": batch}
        given.append(entry)
    if version < 3:
        given = [
            {**e, "reverts": uid_of_seq.get(e["reverts"], str(e["reverts"]))}
            if isinstance(e, dict) and e.get("reverts") is not None
            else e
            for e in given
        ]
    return given


_plain = codec.plain


# -- the side file old history is archived to (`cimsig history --archive`) ----------------------

ARCHIVE_HEADER = (
    "# cimsig history archive: changes moved out of a progress file by `cimsig history\n"
    "# --archive`. What is done and planned is still in the progress file; this file keeps the\n"
    "# record of the changes. Keep it with your compliance records.\n"
)


def archive_text(entries: list[Any], guide: str | None, district: str | None, source: str) -> str:
    """The text of an archive file holding `entries` (oldest first)."""
    document = {"archive_of": source, "guide": guide, "district": district, "history": entries}
    return ARCHIVE_HEADER + dump(document)[len(HEADER) :]


def read_archive(text: str, path: Path) -> list[Any]:
    """The entries an archive file holds, or StateError when it is not one."""
    from cimsig.yamlio import YamlProblem, load_yaml

    def fail(message: str, line: int | None = None) -> StateError:
        where = f"{path}, line {line}" if line else str(path)
        return StateError(
            f"The history archive {where} cannot be used: {message}. cimsig has not changed it; "
            "move it aside (or choose another date) and try again."
        )

    quick = _quick_parts(text)
    try:
        data = load_yaml(quick[0] if quick else text, strict=True)
    except YamlProblem as exc:
        raise fail(exc.message, exc.line) from None
    if not isinstance(data, dict) or "archive_of" not in data:
        raise fail("it is not a cimsig history archive")
    history = quick[1] if quick else data.get("history") or []
    if not isinstance(history, list) or any(_entry_problem(e) for e in history):
        raise fail("its history is damaged")
    return history if quick else _plain(history)
