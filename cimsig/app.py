"""The Typer app the commands hang on, and what the commands share: options and helpers.

A command parses its options, calls the domain and hands the result to a renderer; the commands
themselves are in `cimsig.commands`, one module per group, loaded by `cimsig.cli` only when run.
Every error a user can cause is a CimsigError; one handler (CimsigGroup.invoke) prints it on
stderr and exits with its code. Only this module reads the clock.
"""

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cimsig import __version__, render
from cimsig.errors import CimsigError, UsageError
from cimsig.guide import load_guide
from cimsig.schedule import ActivityStatus
from cimsig.state import (
    STATE_FILE_NAME,
    Change,
    State,
)
from cimsig.workspace import Workspace, check_belongs, open_workspace

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 `status --check` found overdue work; 2 bad command-line input "
    "(unknown or ambiguous id, bad date); 3 a problem with the guide or the progress file."
)


class CimsigGroup(TyperGroup):
    """The one error handler: a CimsigError becomes a message on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CimsigError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=CimsigGroup,
    name="cimsig",
    help=(
        "A checklist for the 2024 CIM for Sig Dis Plan for Improvement pacing guide: what is "
        "overdue, what comes next, and a record of what your district has done."
    ),
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# -- options shared by the commands -------------------------------------------------------------

GuideOption = Annotated[
    Path | None,
    typer.Option(
        "--guide",
        envvar="CIMSIG_GUIDE",
        show_default=False,
        dir_okay=False,
        help="Guide file to use instead of the bundled 2024 guide (or set CIMSIG_GUIDE).",
    ),
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        envvar="CIMSIG_STATE",
        show_default=False,
        dir_okay=False,
        help="Progress file to use (or set CIMSIG_STATE). Default: see `cimsig where`.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        show_default=False,
        metavar="DATE",
        help="Show things as they stand on this date instead of today (2024-10-01, 10/1/2024, "
        "Oct 1 2024).",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for other programs instead of a table.")
]


OwnerOption = Annotated[
    str | None,
    typer.Option("--owner", metavar="NAME", help="Only the activities assigned to this person."),
]


def _today(zone: str) -> dt.date:
    from cimsig.dates import today_in

    return today_in(zone, dt.datetime.now(dt.timezone.utc))


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def user_date(text: str | None, option: str, zone: str) -> dt.date:
    if text is None:
        return _today(zone)
    from cimsig.dates import parse_user_date

    return parse_user_date(text, lambda: _today(zone), option=option)


def state_path(state: Path | None) -> Path:
    if state is not None:
        return state
    return Path(typer.get_app_dir("cimsig")) / STATE_FILE_NAME


def cache_dir() -> Path:
    return Path(typer.get_app_dir("cimsig")) / "cache"


def _lock_timeout() -> float | None:
    text = os.environ.get("CIMSIG_LOCK_TIMEOUT")
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise UsageError(
            f"CIMSIG_LOCK_TIMEOUT must be a number of seconds, not '{text}'."
        ) from None
    if not 0 <= seconds <= 3600:
        raise UsageError("CIMSIG_LOCK_TIMEOUT must be from 0 to 3600 seconds.")
    return seconds


def workspace(guide: Path | None, state: Path | None, as_of: str | None) -> Workspace:
    loaded = load_guide(guide, cache_dir=cache_dir())
    as_of_date = user_date(as_of, "--as-of", loaded.time_zone)
    return open_workspace(
        loaded, state_path(state), as_of_date, _lock_timeout(), cache_dir=cache_dir()
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cimsig {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    # A Windows console that cannot show a dash or an accent must not crash the program.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


# -- helpers of the commands ---------------------------------------------------------------------


def activity_rows(ws: Workspace, items: list[ActivityStatus]) -> list[dict[str, Any]]:
    return [render.activity_json(ws.guide, i, ws.extras(i.activity.id)) for i in items]


def edit(
    ws: Workspace, change: Callable[[State], dict[str, Change | None]]
) -> tuple[Workspace, dict[str, Change | None]]:
    """Apply a change to the state file under its lock; the workspace as it is afterwards."""
    with ws.state_file.edit() as st:
        check_belongs(st, ws.guide, ws.state_file.path)
        st.guide = ws.guide.id
        changes = change(st)
    return ws.with_state(st), changes


def report(
    ws: Workspace,
    changes: dict[str, Change | None],
    json_out: bool,
    message: Callable[[str, Change | None], str],
) -> None:
    if json_out:
        known = {a.id for a in ws.activities}
        render.print_json(
            [
                {**activity_rows(ws, [ws.status(i)])[0], "changed": c is not None}
                if i in known
                else {"id": i, "changed": c is not None, "removed": True}
                for i, c in changes.items()
            ]
        )
        return
    for activity_id, change in changes.items():
        typer.echo(message(activity_id, change))


def title_of(ws: Workspace, activity_id: str) -> str:
    return next((a.title for a in ws.activities if a.id == activity_id), "")


TRACK_WORDS = {
    "new": "newly identified",
    "continuing": "continuing significant disproportionality",
}


def profile_words(ws: Workspace) -> str:
    profile = ws.state.profile
    if profile is None:
        return "none"
    track = TRACK_WORDS.get(profile.track or "", "track not set")
    return f"{profile.lea or 'district name not set'} ({track})"


def profile_json(ws: Workspace) -> dict[str, Any] | None:
    profile = ws.state.profile
    return None if profile is None else {"lea": profile.lea, "track": profile.track}
