"""Every command, subcommand, option and argument explains itself in --help, and every command is
in the README's table of commands (as sqlite-utils checks its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from cimsig.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def _walk(
    command: Any, ctx: typer.Context, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The command and, for a group, every command under it (Click's public group methods)."""
    yield path, command
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _walk(sub, typer.Context(sub, info_name=name, parent=ctx), (*path, name))


def _commands() -> list[tuple[tuple[str, ...], Any]]:
    root = typer.main.get_command(app)
    return list(_walk(root, typer.Context(root, info_name="cimsig"), ()))


COMMANDS = _commands()


def test_there_are_subcommands() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {("status",), ("district", "add"), ("guide", "new"), ("export", "ics")} <= paths


@pytest.mark.parametrize(
    "path, command", COMMANDS, ids=[" ".join(p) or "cimsig" for p, _ in COMMANDS]
)
def test_every_command_and_option_has_help(path: tuple[str, ...], command: Any) -> None:
    assert (command.help or "").strip(), f"`cimsig {' '.join(path)}` has no help text"
    for param in command.params:
        if getattr(param, "hidden", False) or param.name in {"help"}:
            continue
        text = getattr(param, "help", None)
        assert text and text.strip(), f"`cimsig {' '.join(path)}`: {param.opts[0]} has no help text"


def test_every_command_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [" ".join(p) for p, _ in COMMANDS if len(p) == 1 and f"cimsig {p[0]}" not in readme]
    assert not missing, f"the README's table of commands does not name {missing}"
