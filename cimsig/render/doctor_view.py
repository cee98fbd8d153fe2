"""`doctor`'s findings, one per line, by how much they matter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass
from cimsig.render.terminal import console, escape_markup

_FINDING_STYLE = {"ok": "green", "note": "cyan", "warning": "yellow", "problem": "bold red"}


def render_findings(findings: Sequence[Any]) -> None:
    """`cimsig doctor`'s findings, one per line, the level first."""
    from rich.table import Table

    out = console()
    # The level in a column of its own: a long finding wraps at spaces under its own text.
    for finding in findings:
        style = _FINDING_STYLE.get(finding.level, "")
        first, *rest = finding.message.split("\n")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=8)
        grid.add_column(overflow="fold")  # a long path is folded onto the next line, never cut
        grid.add_row(
            f"[{style}]{finding.level}[/]",
            f"{escape_markup(finding.topic)}: {escape_markup(first)}",
        )
        out.print(grid)
        for line in rest:
            # A command to paste is never broken onto two lines (the terminal wraps it).
            out.print(escape_markup(line), soft_wrap=line.lstrip().startswith("Run: "))
    problems = sum(f.level == "problem" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    out.print()
    if problems:
        out.print(f"[bold red]{problems} problem(s) stop cimsig from working with your files.[/]")
    elif warnings:
        out.print(f"[yellow]{warnings} warning(s); cimsig works, but have a look.[/]")
    else:
        out.print("[green]All is well.[/]")
