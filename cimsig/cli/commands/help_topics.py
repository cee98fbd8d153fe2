"""`cimsig help [COMMAND]`: the same screens as `--help`, for people who type the word."""

from typing import Annotated, Any

import typer

from cimsig.cli.options import PlainCommand
from cimsig.errors import UsageError

commands = typer.Typer()


@commands.command("help", cls=PlainCommand, rich_help_panel="The guide")
def help_(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[COMMAND]",
            show_default=False,
            help="A command (or a command and its subcommand, like: export html).",
        ),
    ] = None,
) -> None:
    """Help on cimsig or on one command: `cimsig help status` is `cimsig status --help`."""
    root = ctx.find_root()
    command: Any = root.command
    context: Any = root
    for name in names or []:
        sub = command.get_command(context, name) if hasattr(command, "get_command") else None
        if sub is None:
            import difflib

            known = (
                list(command.list_commands(context)) if hasattr(command, "list_commands") else []
            )
            close = difflib.get_close_matches(name.lower(), known, n=3)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise UsageError(f"There is no command '{name}'.{hint} `cimsig help` lists them.")
        context = typer.Context(sub, info_name=name, parent=context)
        command = sub
    text = command.get_help(context)
    if text:  # Typer draws its Rich help itself and returns nothing
        typer.echo(text)
