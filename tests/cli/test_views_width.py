"""The tables at the widths people have: 80 columns (the Windows console's default) is the design
width, 60 still reads, 120 gives the id a column of its own. Golden files at each width
(`pytest --update-golden` rewrites them); titles are whole (wrapped, never cut with an
ellipsis), no line is wider than the window, and user text with [brackets], an escape
character and a very long word is shown as typed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from typer.testing import Result

AS_OF = "2024-09-09"  # a Monday, mid Step 2
HOSTILE_TITLE = "Board review [red]x[/] \x1b[31mred Supercalifragilisticexpialidociousboardmeeting"


@pytest.fixture
def district(cli: Callable[..., Result]) -> Callable[..., Result]:
    """A district mid-plan: its profile, a few things done, an owner, a note, its own activity."""
    steps = [
        ("init", "--lea", "Sample [bold]Unified[/] SD", "--track", "new"),
        ("done", "prep-intro-recordings", "prep-virtual-meeting", "--on", "2024-04-02"),
        ("done", "step1-submit-stepwell", "--on", "2024-07-10", "--note", "Sent [via] Stepwell"),
        ("assign", "step2-theory-of-action", "Ana [Lead] Pérez"),
        ("note", "step2-theory-of-action", "draft \x1b[31m shared [link]"),
        ("add", HOSTILE_TITLE, "--due", "2024-09-16", "--step", "step2"),
    ]
    for args in steps:
        result = cli(*args, "--as-of", AS_OF) if args[0] == "done" else cli(*args)
        assert result.exit_code == 0, result.output
    return cli


VIEWS = {
    "status": ("status",),
    "list": ("list", "--step", "step2"),
    "next": ("next",),
    "show": ("show", "step1-data-drill-down"),
    "show-own": ("show", "district-board"),
    "status-owner": ("status", "--owner", "ana"),
}


def _run(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, width: int, *args: str
) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli(*args, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_views_at_three_widths(
    district, monkeypatch: pytest.MonkeyPatch, golden, view: str, width: int
) -> None:
    out = _run(district, monkeypatch, width, *VIEWS[view])
    for line in out.splitlines():
        assert len(line) <= width, f"wider than {width}: {line!r}"
    assert "…" not in out
    assert "\x1b" not in out  # an escape character typed into a title or note is shown, inert
    if view in ("status", "list", "next", "show-own"):
        assert "\\x1b[31m" in out and "[red]x[/]" in out
    text = "\n".join(line.rstrip() for line in out.splitlines()).rstrip("\n")
    # The temporary folder's name changes from run to run (and wraps differently).
    text = re.sub(r"Progress file:.*?\n\n", "Progress file: STATE\n\n", text, flags=re.DOTALL)
    golden(f"{view}_{width}.txt", text)


@pytest.mark.parametrize("width", [60, 80])
def test_the_activity_column_stays_and_wraps_by_words(
    district, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    out = _run(district, monkeypatch, width, "status")
    assert "Activity" in out
    assert "id: step2-theory-of-action" in out  # the id gives way: its own line under the title
    assert "Conduct Educational Partners" in out  # words kept whole, not one per line
    words = " ".join(out.split())
    assert "Conduct Educational Partners Group Meeting: Data Analysis & Root Causes" in words


def test_at_120_columns_the_id_has_its_column(district, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(district, monkeypatch, 120, "status")
    header = next(line for line in out.splitlines() if line.startswith("Due"))
    assert header.split() == ["Due", "Left", "ID", "Activity"]
    assert "id: " not in out
