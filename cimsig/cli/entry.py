"""The `cimsig` command's entry point: the root group, which loads a command's module only when
that command runs (click's lazy-group pattern, on Typer's TyperGroup).

A run imports the module of its own command and builds that command's parser alone; the help
screen lists every command and so loads them all.
"""

import contextlib
import importlib
import sys
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
import typer.main

if TYPE_CHECKING:
    from typer.core import TyperCommand as Command  # the commands' class (a click command)

from cimsig import __version__
from cimsig.cli.errors import EXIT_CODES_HELP, CimsigGroup, silence_stdout

# Where each command is defined, in the order of the help screen.
COMMAND_MODULES = {
    "status": "progress",
    "next": "progress",
    "done": "progress",
    "undo": "progress",
    "history": "history",
    "init": "district_plan",
    "plan": "district_plan",
    "assign": "district_plan",
    "note": "district_plan",
    "add": "district_plan",
    "remove": "district_plan",
    "district": "districts",
    "overview": "districts",
    "export": "sharing",
    "timeline": "sharing",
    "merge": "copies",
    "merge-driver": "copies",
    "list": "guide_info",
    "show": "guide_info",
    "validate": "guide_info",
    "where": "guide_info",
    "doctor": "guide_info",
    "guide": "guides",
    "help": "help_topics",
    "serve": "serve",
}


class LazyGroup(CimsigGroup):
    """The root group: knows its commands by name, imports a command's module when asked."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMAND_MODULES:
            cmd_name = cmd_name.lower()  # `cimsig Status` is `cimsig status`
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        commands = importlib.import_module(f"cimsig.cli.commands.{module_name}").commands
        command = build_command(commands, cmd_name)
        _one_paragraph_lines(command)
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> "tuple[str | None, Any, list[str]]":
        typed = args[0] if args else ""
        if typed and not typed.startswith("-") and typed.lower() not in COMMAND_MODULES:
            import difflib

            from cimsig.errors import UsageError

            close = difflib.get_close_matches(typed.lower(), list(COMMAND_MODULES), n=3)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise UsageError(
                f"No such command '{typed}'.{hint} `cimsig --help` lists the commands."
            )
        return super().resolve_command(ctx, args)


def _one_paragraph_lines(command: "Command") -> None:
    """A docstring's line breaks are not the help's: a paragraph is one line that the help
    screen wraps to the window ("what is overdue, and / what falls due" was two)."""
    import re

    for cmd in [command, *getattr(command, "commands", {}).values()]:
        if cmd.help:
            cmd.help = re.sub(r"(?<!\n)[ \t]*\n[ \t]*(?!\n)", " ", cmd.help.strip())


def build_command(commands: typer.Typer, name: str) -> "Command":
    """The click command `name` of a module's Typer app, without building its neighbours: the
    command (or group) alone goes into an app of its own, which Typer's documented
    `typer.main.get_command` turns into click's command (a start-up saving: `next` would
    otherwise also build `status`, `done` and `undo`)."""
    one = typer.Typer(
        add_completion=False,  # (the root group has no completion options either)
        rich_markup_mode=commands.rich_markup_mode,
        pretty_exceptions_short=commands.pretty_exceptions_short,
    )
    one.registered_commands = [c for c in commands.registered_commands if c.name == name]
    one.registered_groups = [g for g in commands.registered_groups if g.name == name]
    if not (one.registered_commands or one.registered_groups):
        raise LookupError(f"cimsig.cli.commands has no command '{name}'")
    built: Any = typer.main.get_command(one)
    return cast("Command", built.commands[name] if one.registered_groups else built)


app = typer.Typer(
    cls=LazyGroup,
    name="cimsig",
    help=(
        "A checklist for the CIM for Sig Dis Plan for Improvement pacing guide: what is "
        "overdue, what comes next, and a record of what your district has done."
    ),
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `cimsig` command and of `python -m cimsig`; may be called again in the
    same process (each call builds the command it runs)."""
    try:
        return app(args=sys.argv[1:] if argv is None else argv, prog_name="cimsig")
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away after the last write
            silence_stdout()
        except (OSError, ValueError):
            pass
