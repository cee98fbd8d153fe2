"""What the command line takes from the world around it: the clock, folders, environment.

The only module that reads the clock. The domain takes "today" as an argument (`as_of`).
"""

import datetime as dt
import os
from pathlib import Path

from cimsig.errors import UsageError
from cimsig.store import LOCK_TIMEOUT_SECONDS, STATE_FILE_NAME


def today_in(zone: str, now: dt.datetime | None = None) -> dt.date:
    """The date it is in `zone` (the guide's time zone) at the moment `now` (default: now).

    The guide's deadlines are California dates: at 5 p.m. in Los Angeles it is already tomorrow
    in UTC, and a reminder sent from a server keeping UTC must not call today's deadline late.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    moment = now if now is not None else dt.datetime.now(dt.timezone.utc)
    try:
        return moment.astimezone(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):  # guides are checked; this is a last resort
        return moment.astimezone().date()


def now() -> dt.datetime:
    """This moment, with the computer's UTC offset: when a change is recorded."""
    return dt.datetime.now().astimezone()


# Where `cimsig init --me NAME` keeps the name this computer's changes are recorded under.
ME_FILE_NAME = "me.txt"
MAX_NAME_LENGTH = 100


def user_name() -> str:
    """Who makes the changes on this computer: the name set with `cimsig init --me`, else the
    computer's user name (what `by` in a history entry says)."""
    try:
        saved = (app_dir() / ME_FILE_NAME).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        saved = ""
    if saved:
        return saved[:MAX_NAME_LENGTH]
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):  # no user name in the environment or the system
        return "unknown"


def save_user_name(name: str) -> Path:
    """Keep `name` as this computer's name for the history; the file it is kept in."""
    from cimsig.fileio import atomic_write_text

    path = app_dir() / ME_FILE_NAME
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write_text(path, name + "\n")
    return path


def app_dir() -> Path:
    """cimsig's settings folder (the platform's usual place, as click finds it)."""
    import typer

    return Path(typer.get_app_dir("cimsig"))


def default_state_path(guide_id: str | None = None, bundled: bool = True) -> Path:
    """The default progress file for a guide: `state.yaml` for the bundled guide (or whatever
    guide it already holds), `state-<guide id>.yaml` for any other, so that a district in two
    cohorts keeps one default file per guide."""
    plain = app_dir() / STATE_FILE_NAME
    if guide_id is None or bundled:
        return plain
    own = app_dir() / f"state-{safe_file_name(guide_id)}.yaml"
    if own.exists():
        return own
    return plain if _guide_line(plain) in (guide_id, "") else own


def safe_file_name(text: str) -> str:
    """Text (a guide id) as part of a file name: words, dots and dashes; anything else is -."""
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-") or "guide"


def progress_guide_id(path: Path) -> str | None:
    """The id of the guide a progress file records progress on ("" when it names none); None
    when there is no readable file. Read from its first lines, without parsing it."""
    return _guide_line(path)


def _guide_line(path: Path) -> str | None:
    """The guide id a progress file names in its first lines ("" when none); None when there is
    no readable file."""
    from cimsig.fileio import read_head

    try:
        raw = read_head(path, 4096)  # never blocks on a FIFO
    except OSError:
        return None
    # The byte-order mark Notepad may add, stripped by hand: the utf-8-sig codec is an import.
    head = (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8", errors="replace")
    for line in head.splitlines():
        if line.startswith("guide:"):
            return line[len("guide:") :].strip().strip("'\"")
    return ""


def districts_dir() -> Path:
    """Where `cimsig district add` keeps each district's progress files."""
    return app_dir() / "districts"


def guides_dir() -> Path:
    """Where the districts' guide files are kept (a copy of each one not bundled)."""
    return app_dir() / "guides"


def cache_dir() -> Path:
    return app_dir() / "cache"


def lock_timeout() -> float:
    """How long to wait for another cimsig writing the progress file (CIMSIG_LOCK_TIMEOUT)."""
    text = os.environ.get("CIMSIG_LOCK_TIMEOUT")
    if not text:
        return LOCK_TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        raise UsageError(
            f"CIMSIG_LOCK_TIMEOUT must be a number of seconds, not '{text}'."
        ) from None
    if not 0 <= seconds <= 3600:
        raise UsageError("CIMSIG_LOCK_TIMEOUT must be from 0 to 3600 seconds.")
    return seconds


def can_ask() -> bool:
    """Whether a person is at the keyboard to answer a question (standard input is a terminal)."""
    import sys

    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
