"""The `cimsig` command's entry point: the root group, which loads a command's module only when
that command runs (click's lazy-group pattern, on Typer's TyperGroup).

A run imports the module of its own command and builds that command's parser alone; the help
screen lists every command and so loads them all.
"""

import contextlib
import importlib
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main

if TYPE_CHECKING:
    from typer import _click as click  # Typer's own copy of click (see pyproject.toml)

from cimsig import __version__
from cimsig.app import EXIT_CODES_HELP, CimsigGroup, plain_help, silence_stdout

plain_help()

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

    def list_commands(self, ctx: "click.Context") -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: "click.Context", cmd_name: str) -> "click.Command | None":
        if cmd_name not in COMMAND_MODULES:
            cmd_name = cmd_name.lower()  # `cimsig Status` is `cimsig status`
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        commands = importlib.import_module(f"cimsig.commands.{module_name}").commands
        command = build_command(commands, cmd_name)
        _one_paragraph_lines(command)
        if cmd_name not in WITHOUT_DISTRICT:
            _add_district_option(command)
        return command

    def resolve_command(
        self, ctx: "click.Context", args: list[str]
    ) -> "tuple[str | None, click.Command | None, list[str]]":
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


def _one_paragraph_lines(command: "click.Command") -> None:
    """A docstring's line breaks are not the help's: a paragraph is one line that the help
    screen wraps to the window ("what is overdue, and / what falls due" was two)."""
    import re

    for cmd in [command, *getattr(command, "commands", {}).values()]:
        if cmd.help:
            cmd.help = re.sub(r"(?<!\n)[ \t]*\n[ \t]*(?!\n)", " ", cmd.help.strip())


def _add_district_option(command: "click.Command") -> None:
    """--district on a command, or on every command of a group (`export ics` ...)."""
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        command.params.append(district_option())
        return
    for sub in subcommands.values():
        _add_district_option(sub)


# Commands about districts as a whole: every other command takes --district.
WITHOUT_DISTRICT = ("district", "overview", "merge-driver", "help", "guide")


def district_option() -> "click.Parameter":
    """`--district NAME` (or CIMSIG_DISTRICT), which every command takes: it picks the district
    whose progress file the command uses. Its value is left in the context for `app.locate`,
    so the commands' own signatures stay as they are."""
    from typer import _click as click
    from typer.core import TyperOption

    from cimsig.app import DISTRICT_META

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        ctx.meta[DISTRICT_META] = value
        source = ctx.get_parameter_source("district")
        ctx.meta[DISTRICT_META + ".source"] = (
            "CIMSIG_DISTRICT"
            if source is not None and source.name == "ENVIRONMENT"
            else "--district"
        )

    return TyperOption(
        param_decls=["--district"],
        type=str,
        envvar="CIMSIG_DISTRICT",
        metavar="NAME",
        expose_value=False,
        callback=remember,
        help="The district to work on (see `cimsig district list`; or set CIMSIG_DISTRICT).",
    )


def build_command(commands: typer.Typer, name: str) -> "click.Command":
    """The click command `name` of a module's Typer app, without building its neighbours."""
    short, markup = commands.pretty_exceptions_short, commands.rich_markup_mode
    for info in commands.registered_commands:
        if info.name == name:
            return typer.main.get_command_from_info(
                info, pretty_exceptions_short=short, rich_markup_mode=markup
            )
    for group in commands.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=short,
                suggest_commands=commands.suggest_commands,
                rich_markup_mode=markup,
            )
    raise LookupError(f"cimsig.commands has no command '{name}'")


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
