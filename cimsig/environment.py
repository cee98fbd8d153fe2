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


def app_dir() -> Path:
    """cimsig's settings folder (the platform's usual place, as click finds it)."""
    import typer

    return Path(typer.get_app_dir("cimsig"))


def default_state_path() -> Path:
    return app_dir() / STATE_FILE_NAME


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
