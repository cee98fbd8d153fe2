"""The progress file's format: a `State` to and from the YAML text of the file, checked.

A file of an older format is read and brought up to date (written in the new format at the next
change); a file of a newer format is refused and left alone. Every problem names the file and,
where it can, the line.
"""

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from cimsig import codec
from cimsig.errors import FileProblem, StateError
from cimsig.guide import ID_PATTERN
from cimsig.records import ACTIVITY_SECTIONS
from cimsig.state import State, entry_clock

STATE_FORMAT = 3
# Format history: 1 had version, guide, done, history (changes of `done` only). 2 adds profile,
# plans, owners, notes and custom activities; a history entry lists the fields it changed.
# 3: each history entry has a unique `uid` and `by` (who made it); `reverts` and `batch` hold
# entry ids instead of numbers, which collide when two copies of a file are merged. Still 3, as
# fields a format-3 reader passes over: an entry's `clock` (the order changes were made in, see
# `state.clocks`), and in an archiving record the ids of the changes it moved (`uids`, `last`).
_ROOT_KEYS = ("version", "guide", "profile", *ACTIVITY_SECTIONS, "history")
HEADER = (
    "# cimsig progress record: what is done, the district's own plan, and a history of every\n"
    "# change. Written by cimsig. Keep a copy with your compliance records; edit by hand only\n"
    "# with care.\n"
)


def begins_as_progress_file(path: Path) -> bool:
    """Whether a file begins as cimsig begins a progress file (its first bytes only)."""
    return _begins_with(path, HEADER)


def begins_as_archive(path: Path) -> bool:
    """Whether a file begins as cimsig begins a history archive (`archive_text`)."""
    return _begins_with(path, ARCHIVE_HEADER)


def _begins_with(path: Path, header: str) -> bool:
    from cimsig.fileio import read_head

    mark = header.splitlines()[0].encode("utf-8")
    try:
        # (a FIFO is refused without waiting for a writer: a scan of a folder never hangs)
        start = read_head(path, len(mark) + 3)
    except OSError:  # a folder, a FIFO, a file that cannot be opened
        return False
    return start.removeprefix(b"\xef\xbb\xbf").startswith(mark)


def to_document(state: State, *, history: bool = True) -> dict[str, Any]:
    """The state as plain data, as the file holds it (without the history: the rest)."""
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
    if history:
        document["history"] = state.history
    return document


# The history is written last, one change per line, each a JSON object: JSON is YAML too (a flow
# mapping), so the file stays one YAML document, and a long history is read and written by the
# json module in a fraction of the time YAML takes (50,000 changes: about 0.2 s, not 25 s).
_HISTORY_KEY = "\nhistory:\n"
# Characters JSON leaves as they are but YAML does not allow in a file, or reads as a line break.
# (A pattern, not compiled here: `re` compiles it on first use, so reading pays nothing for it.)
_NOT_YAML_PRINTABLE = "[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]"


def _yaml_options() -> dict[str, Any]:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return {"Dumper": dumper, "sort_keys": False, "allow_unicode": True}


def _dump_block(data: dict[str, Any]) -> str:
    import yaml

    return str(yaml.dump(data, default_flow_style=False, width=100, **_yaml_options()))


def dump(document: dict[str, Any]) -> str:
    """The text of a progress file holding `document`."""
    import yaml

    options = _yaml_options()
    body = _dump_block({key: value for key, value in document.items() if key != "history"})
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
    unread = state.unread_history()
    if unread is None:
        return dump(to_document(state))
    # The history was never read: its lines are written back as they were, then the new ones.
    lines, pending = unread
    assert isinstance(lines, HistoryLines)
    head = _head_text(to_document(state, history=False), lines)
    new = "".join(f"- {_json_text(entry)}\n" for entry in pending)
    if not lines.segment and not new:
        return head + "history: []\n"
    return head + "history:\n" + lines.segment + new


def _head_text(document: dict[str, Any], lines: "HistoryLines") -> str:
    """The text of the file before its history: each part (`done:`, `notes:` ...) the change
    left as it was is written back as it was read, and only the others are written anew. A
    district's notes are most of it, and writing them as YAML would cost a change on a long
    plan more than everything else it does.

    A part is kept only when what it was read as equals what it holds now, so keeping its text
    writes exactly what writing it anew would mean; the whole is written anew when the parts
    were not read from this text in this order (a file cimsig did not write, a copy)."""
    read = lines.head_data
    key_lines = getattr(read, "key_lines", None)
    if key_lines is None or not lines.head.startswith(HEADER) or list(read) != list(document):
        return dump(document)
    starts = [key_lines.get(str(key), 0) for key in read]
    if starts != sorted(set(starts)) or starts[0] <= HEADER.count("\n"):
        return dump(document)
    text_lines = lines.head.splitlines(keepends=True)
    ends = [*starts[1:], len(text_lines) + 1]
    parts = []
    for (key, value), start, end in zip(document.items(), starts, ends, strict=True):
        if read[key] == value:
            parts.append("".join(text_lines[start - 1 : end - 1]))
        else:
            parts.append(_dump_block({key: value}))
    return HEADER + "".join(parts)


def failure(path: Path, message: str, line: int | None = None) -> StateError:
    where = f"{path}, line {line}" if line else str(path)
    return FileProblem(
        f"The progress file {where} cannot be used: {message}. cimsig has not changed it; "
        "fix it, or move it aside and restore your backup.",
        where,
        message,
    )


def git_conflict_line(text: str) -> int | None:
    """The line where git's conflict marks begin (`<<<<<<< HEAD` ... `>>>>>>> other`), if the
    text holds them: what a `git pull` leaves when both sides changed the file."""
    start = 0 if text.startswith("<<<<<<< ") else text.find("\n<<<<<<< ") + 1
    if start == 0 and not text.startswith("<<<<<<< "):
        return None
    if "\n=======" not in text[start:] or "\n>>>>>>> " not in text[start:]:
        return None
    return text.count("\n", 0, start) + 1


def git_conflict(path: Path, line: int) -> StateError:
    """A progress file git left with both sides of a merge in it, and how to finish it."""
    from cimsig.formatting import shell_quote

    quoted = shell_quote(str(path))
    return StateError(
        f"The progress file {path} holds git's conflict marks (from line {line}): a `git pull` "
        "or `git merge` met changes on both sides and left both in the file. Nothing is lost, "
        f"and no backup is needed: merge the two sides with cimsig merge --git {quoted}, then "
        f"git add {quoted} and finish with git commit. (cimsig's merge driver does this "
        'during every merge: see "In git" in cimsig\'s docs/sharing.md.)'
    )


def parse_state(text: str, path: Path) -> State:
    """Read the text of a progress file, or raise StateError saying what is wrong and where.

    The history of a file in the shape cimsig writes is left unread until something needs it
    (`HistoryLines`): most commands need only its last entries, or none."""
    from cimsig.yamlio import YamlProblem, load_yaml

    if not text or text.isspace():  # (stops at the first letter; strip would copy 13 MB)
        raise failure(path, "it is empty")
    conflict_line = git_conflict_line(text)
    if conflict_line is not None:
        raise git_conflict(path, conflict_line)
    lines = history_lines(text, path)
    if lines is not None:
        try:
            data = load_yaml(lines.head, strict=True)
            if isinstance(data, dict) and "history" not in data:
                if data.get("version") == STATE_FORMAT:
                    state = from_document(data, path)
                    lines.highest_seq()  # every entry's number checked now, cheaply
                    lines.head_data = data  # its parts written back as they were if unchanged
                    state.leave_history_unread(lines)
                    return state
                data["history"] = lines.entries()  # an older format: read it all to migrate
                return from_document(data, path, history_is_plain=True)
        except (YamlProblem, StateError, ValueError):
            pass  # read it all as YAML below, which names the line that is wrong
    try:
        data = load_yaml(text, strict=True)
    except YamlProblem as exc:
        if lines is not None and exc.line is not None and exc.line >= lines.first_line:
            raise failure(path, *lines._first_bad_line(exc.message, exc.line)) from None
        raise failure(path, exc.message, exc.line) from None
    history = data.get("history") if isinstance(data, dict) else None
    if isinstance(history, list):
        # A change that is not a mapping (`- 42`) has no line of its own in what YAML gives:
        # with one change per line, it is named at its line, not at `history:`.
        bad = next((n for n, e in enumerate(history) if not isinstance(e, dict)), None)
        at = text.rfind(_HISTORY_KEY)
        if bad is not None and at >= 0:
            shape = HistoryLines(text, at + len(_HISTORY_KEY), path)
            if shape._line_count() == len(history):
                message = "a change in the history is not a mapping"
                raise failure(path, message, shape.first_line + bad)
    return from_document(data, path)


# How cimsig begins each line of the history: the change's number, then its id. (Matched after
# a line break rather than with ^ and re.M, which is several times slower on a long history.)
_LINE_START = r'\n- \{"seq": ([1-9][0-9]{0,11}), "uid": "([^"\\]*)", '
# The same, the number only: half the time to scan 50,000 lines.
_SEQ_START = r'\n- \{"seq": ([1-9][0-9]{0,11}), "uid": "'
# The clock written after the id ('' for a line without one).
_CLOCK_START = r'\n- \{"seq": [1-9][0-9]{0,11}, "uid": "[^"\\]*", (?:"clock": ([0-9]{1,12}), )?'


# A history up to this size (about 4,000 changes) is checked whole when a command reads the file
# and keeps a copy (`problem`); a longer one only by what reads all of it.
CHECK_WHOLE_BYTES = 1024 * 1024


class HistoryLines:
    """The history of a progress file in the shape cimsig writes it (the last key, one change
    per line, each a JSON object), not read yet. Reading it checks every entry and names the
    line of a bad one."""

    def __init__(self, text: str, start: int, path: Path) -> None:
        self.text, self.start, self.path = text, start, path
        self.head = text[: start - len(_HISTORY_KEY) + 1]
        self.segment = text[start:]
        if self.segment and not self.segment.endswith("\n"):
            self.segment += "\n"
        # the line number of the first entry
        self.first_line = self.head.count("\n") + 2
        self._index: list[tuple[str, str]] | bool | None = None
        self._highest: int | None = None
        self._count: int | None = None
        # What `problem` found: False until it looked.
        self._problem: str | Literal[False] | None = False
        # The part before the history as YAML read it (`parse_state`), when it was read here.
        self.head_data: Any = None
        self._split: list[str] | None = None

    def _lines(self) -> list[str]:
        if self._split is None:
            self._split = self.segment[:-1].split("\n") if self.segment else []
        return self._split

    def entries(self) -> list[Any]:
        """The entries as JSON reads them, not checked (ValueError when a line is not JSON)."""
        lines = self._lines()
        listed = "[" + ", ".join(line[2:] for line in lines) + "]"
        history = json.loads(listed)  # one call for the whole list: a call per line costs twice
        # A key given twice is refused, as everywhere in the file. Written as cimsig writes
        # them, the lines are exactly what dumping the list gives (one call, no hook per
        # object); only lines written some other way are read again, key by key.
        if _json_text(history) != listed:
            history = json.loads(listed, object_pairs_hook=_unique_keys)
        if not isinstance(history, list):
            raise ValueError("not a list")
        return history

    def read(self) -> list[dict[str, Any]]:
        history, problem = self._checked()
        if problem is not None:
            raise failure(self.path, *problem)
        return _give_ids(history, STATE_FORMAT)

    def _checked(self) -> tuple[list[Any], tuple[str, int | None] | None]:
        """The entries, and what is wrong with the first bad one and its line (or None)."""
        try:
            history = self.entries()
        except ValueError:
            # Written by hand some other way (YAML that is not JSON, say): read the whole file
            # as YAML, which names the line that is wrong.
            from cimsig.yamlio import YamlProblem, load_yaml

            try:
                data = load_yaml(self.text, strict=True)
            except YamlProblem as exc:
                return [], self._first_bad_line(exc.message, exc.line)
            return from_document(data, self.path).history, None
        for number, entry in enumerate(history):
            problem = _entry_problem(entry)
            if problem:
                return history, (f"a change in the history {problem[0]}", self.first_line + number)
        return history, None

    def _first_bad_line(self, message: str, line: int | None) -> tuple[str, int | None]:
        """What YAML found wrong, named at the line that is: YAML notices a change cut short
        only where the next line begins, so the first line up to there which is not a whole
        change is the one named."""
        for number, text in enumerate(self._lines(), start=self.first_line):
            if line is not None and number > line:
                break
            try:
                json.loads(text[2:])
            except ValueError:
                return f"a change in the history is damaged or cut short ({message})", number
        return message, line

    def problem(self) -> str | None:
        """What is wrong in the history, with its line, when reading all of it would refuse the
        file; None when it reads, or when it was not checked: a history of more than
        CHECK_WHOLE_BYTES is checked by `cimsig doctor` and by what reads it all, not here."""
        if self._problem is False:
            if len(self.segment) > CHECK_WHOLE_BYTES:
                return None
            try:
                found = self._checked()[1]
            except StateError as exc:  # a hand-written history YAML refuses: its own words
                self._problem = exc.message
            else:
                line = f"line {found[1]}: " if found and found[1] else ""
                self._problem = None if found is None else line + found[0]
        return self._problem

    def problem_as_found(self) -> str | Literal[False] | None:
        """What `problem` found (False: not looked), for a copy (`known_history_lines`)."""
        return self._problem

    def newest_first(self, *, past_damage: bool = False) -> Iterator[dict[str, Any]]:
        """The entries, the newest first, each read as it is reached (a look back to last week
        reads a few lines of a long history, not all of them). A damaged line is refused
        (StateError naming it), or passed over with `past_damage`."""
        segment, end = self.segment, len(self.segment) - 1  # (the segment ends with a break)
        index = self._line_count()
        while end > 0:
            begin = segment.rfind("\n", 0, end) + 1
            index -= 1
            try:
                entry = json.loads(segment[begin + 2 : end])
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or _entry_problem(entry):
                if not past_damage:
                    yield from reversed(self.read()[: index + 1])  # raises for a bad line
                    return
            else:
                yield entry
            end = begin - 1

    def _scan(self, pattern: str) -> list[Any] | None:
        """What `pattern` finds at the start of each line (scanned from the line break before
        the first one, without copying the text); None when a line does not match."""
        found = re.compile(pattern).findall(self.text, self.start - 1)
        return found if len(found) == self._line_count() else None

    def _line_count(self) -> int:
        if self._count is None:
            self._count = self.segment.count("\n")
        return self._count

    def _numbers(self) -> list[tuple[str, str]] | None:
        """Each line's change number and id, read from the start of the line where cimsig
        writes them (no JSON parsed); None when a line does not begin that way."""
        if self._index is None:
            found = self._scan(_LINE_START)
            self._index = found if found is not None else False
        return self._index if isinstance(self._index, list) else None

    def uids(self) -> set[str]:
        numbers = self._numbers()
        if numbers is not None:
            return {uid for _, uid in numbers}
        return {str(e.get("uid")) for e in self.read()}

    def highest_clock(self) -> int:
        """The highest clock of the entries (`state.clocks`), from the start of each line where
        cimsig writes it; when a line does not begin that way, the whole history is read."""
        from cimsig.state import clocks

        found = self._scan(_CLOCK_START)
        if found is not None and "" in found and '"clock": ' in self.segment:
            # A line with its clock somewhere else (edited by hand) is read as it is.
            lines = self._lines()
            if any('"clock": ' in lines[n] for n, text in enumerate(found) if not text):
                found = None
        if found is None:
            return max(clocks(self.read()), default=0)
        if "" not in found:  # every line has its clock: the usual case
            return max(map(int, found), default=0)
        top = 0
        for text in found:
            clock = int(text) if text else (top + 1 if top else 0)
            top = max(top, clock)
        return top

    def archive_entries(self) -> list[dict[str, Any]]:
        """The archiving records of the history (found by their words, each line read alone)."""
        found: list[dict[str, Any]] = []
        segment, at = self.segment, self.segment.find('"action": "archive"')
        while at >= 0:
            begin = segment.rfind("\n", 0, at) + 1
            end = segment.find("\n", at)
            try:
                entry = json.loads(segment[begin + 2 : end])
            except ValueError:
                entry = None
            if isinstance(entry, dict) and entry.get("action") == "archive":
                found.append(entry)
            at = segment.find('"action": "archive"', end)
        return found

    def highest_seq(self) -> int:
        """The highest change number. Every line must begin with its whole number, as cimsig
        writes it; when one does not, the whole history is read and checked now (a bad entry
        is StateError naming its line), so a damaged number is caught when the file is read."""
        if self._highest is None:
            numbers = self._scan(_SEQ_START)
            if numbers is not None:
                self._highest = max(map(int, numbers), default=0)
            else:
                self._highest = max((int(e["seq"]) for e in self.read()), default=0)
        return self._highest


def history_lines(text: str, path: Path) -> HistoryLines | None:
    """The history of `text` when the file has the shape cimsig writes; None otherwise (a
    hand-edited file, read as YAML)."""
    at = text.rfind(_HISTORY_KEY)
    if at < 0:
        return None
    start = at + len(_HISTORY_KEY)
    found = HistoryLines(text, start, path)
    numbers = found._scan(_SEQ_START)
    if numbers is not None:  # every line begins as cimsig begins it: the usual case
        found._highest = max(map(int, numbers), default=0)
        return found
    # (counted in C, from the line break before the first line: a long history is quick)
    if text.count("\n- {", start - 1) != found._line_count():
        return None
    return found


def known_history_lines(
    text: str, start: Any, highest: Any, problem: Any, path: Path
) -> HistoryLines:
    """The history of `text` as found when this same text was read before (a copy made from
    it, `cache`): where its lines start, the highest change number and what `problem` found,
    all checked then. ValueError when they cannot be right."""
    if problem is not False and problem is not None and not isinstance(problem, str):
        raise ValueError("not a problem")
    if isinstance(start, bool) or not isinstance(start, int) or not 0 < start <= len(text):
        raise ValueError("not a place in the text")
    if text[start - len(_HISTORY_KEY) : start] != _HISTORY_KEY:
        raise ValueError("the history does not start there")
    if isinstance(highest, bool) or not isinstance(highest, int) or highest < 0:
        raise ValueError(f"{highest!r} is not a change number")
    found = HistoryLines(text, start, path)
    found._highest, found._problem = highest, problem
    return found


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
            if not _is_id(str(key)):
                # cimsig makes every id itself; anything else came from an edit or a hostile
                # copy, and would be written into calendars, spreadsheets and Markdown.
                raise fail(
                    f"'{section}' has a record whose activity id {_shown(key)} is not an id "
                    "cimsig makes (lowercase letters, digits and dashes, like step1-data-review)",
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
    if entry["id"] and not _is_id(entry["id"]):
        return f"has the activity id {_shown(entry['id'])}, which is not an id cimsig makes", "id"
    seq = entry.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 10**12:
        return "has no whole number 'seq'", "seq"
    changes = entry.get("changes")
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        return "has no list of 'changes'", "changes"
    if "clock" in entry and entry_clock(entry) is None:
        return "has a 'clock' that is not a whole number", "clock"
    return None


_ID = re.compile(ID_PATTERN.strip("^$"))


def _is_id(text: str) -> bool:
    """An activity id as cimsig makes them (and the guide's loader checks them)."""
    return _ID.fullmatch(text) is not None


def _shown(text: Any) -> str:
    """An id quoted in a message: control characters shown as escapes, and cut short."""
    from cimsig.formatting import terminal_safe

    shown = terminal_safe(str(text))
    return repr(shown if len(shown) <= 60 else shown[:57] + "...")


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

ARCHIVE_MARK = "-history-before-"  # in the name of a side file `history --archive` writes
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

    lines = history_lines(text, path)
    quick: list[Any] | None = None
    if lines is not None:
        with contextlib.suppress(ValueError):
            quick = lines.entries()
    try:
        data = load_yaml(
            lines.head if lines is not None and quick is not None else text, strict=True
        )
    except YamlProblem as exc:
        raise fail(exc.message, exc.line) from None
    if not isinstance(data, dict) or "archive_of" not in data:
        raise fail("it is not a cimsig history archive")
    history = quick if quick is not None else data.get("history") or []
    if not isinstance(history, list) or any(_entry_problem(e) for e in history):
        raise fail("its history is damaged")
    return history if quick else _plain(history)
