"""The `cimsig` command's entry point: load the command being run, and only that one.

The commands live in `cimsig.commands`, one module per group of the help screen. A run imports
the module of its own command, and Typer builds that command's parser alone: a command typed many
times a week pays for itself only. The help screen, and a name that is not a command, load them
all (then Typer's own message lists the commands).
"""

import contextlib
import importlib
import os
import sys
from typing import NoReturn

import typer

# Where each command is defined. The order of the modules is the order of the help screen.
COMMAND_MODULES = {
    "list": "guide",
    "show": "guide",
    "validate": "guide",
    "where": "guide",
    "doctor": "guide",
    "done": "week",
    "undo": "week",
    "status": "week",
    "next": "week",
    "init": "plan",
    "plan": "plan",
    "assign": "plan",
    "note": "plan",
    "add": "plan",
    "remove": "plan",
    "export": "share",
    "timeline": "share",
}
_MODULE_ORDER = ("guide", "week", "plan", "share")


def load_commands(name: str | None = None) -> typer.Typer:
    """The app with the command `name` on it, or with every command when `name` is None or
    is not a command."""
    from cimsig.app import app

    module = COMMAND_MODULES.get(name or "")
    for group in (module,) if module else _MODULE_ORDER:
        importlib.import_module(f"cimsig.commands.{group}")
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `cimsig` command and of `python -m cimsig`.

    Run as the program (no `argv`), it ends the process itself once the command is over: see
    `_exit_now`. Called with `argv` (from Python), it ends with SystemExit as Typer does.
    """
    args = sys.argv[1:] if argv is None else argv
    name = _command_name(args)
    app = load_commands(name)
    _build_only(app, name)
    if argv is not None:
        app(args=args, prog_name="cimsig")
        return
    try:
        app(args=args, prog_name="cimsig")
    except SystemExit as exc:
        _exit_now(exc.code)
    _exit_now(0)


def _exit_now(code: object) -> NoReturn:
    """End the process without taking the interpreter apart.

    A normal exit frees every object and module one by one: about 35M instructions, a tenth of
    a command, for memory the system takes back at once anyway. By the time a command is over,
    everything cimsig writes is written, synced, renamed and closed (files are only written in
    `with` blocks, locks are released in `finally`), so the standard streams are all that is
    left to flush. mypy ends its runs the same way. An error that escapes a command is not
    caught here: it ends the process the usual way.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # SystemExit("message"), as sys.exit does it
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (`cimsig list | more`, quit early) is not an error of ours.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def _command_name(args: list[str]) -> str | None:
    return next((a for a in args if not a.startswith("-")), None)


def _build_only(app: typer.Typer, name: str | None) -> None:
    """Keep just the command being run.

    Typer builds the parser of every command it has before it runs one (about 1.5 ms each).
    Help and unknown names keep them all.
    """
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups
