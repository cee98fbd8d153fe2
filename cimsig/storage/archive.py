"""The side file old history is archived to (`cimsig history --archive`): its name, its
header, its text, and reading it back (the same one-JSON-line-per-change history as a progress
file's, checked the same way)."""

import contextlib
from pathlib import Path
from typing import Any

from cimsig.errors import StateError
from cimsig.storage import codec
from cimsig.storage.state_format import HEADER, begins_with, dump, entry_problem, history_lines

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
    from cimsig.storage.yamlio import YamlProblem, load_yaml

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
    if not isinstance(history, list) or any(entry_problem(e) for e in history):
        raise fail("its history is damaged")
    return history if quick else codec.plain(history)


def begins_as_archive(path: Path) -> bool:
    """Whether a file begins as cimsig begins a history archive (`archive_text`)."""
    return begins_with(path, ARCHIVE_HEADER)
