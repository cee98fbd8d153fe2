"""YAML aliases: a progress file with one is refused (an alias bomb at once), a guide may use
them within bounds, and text with ampersands and stars is just text."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.cli.test_faults import cimsig


def _quick(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = cimsig(state, *args)
    assert time.monotonic() - started < 20, "it hung"
    return result


def _write(state: Path, text: str) -> bytes:
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(text)
    return state.read_bytes()


AS_OF = "2024-04-20"


def load(state: Path) -> dict:
    return yaml.safe_load(state.read_text())


# -- YAML alias bombs -----------------------------------------------------------------------


def _bomb(levels: int) -> str:
    lines = ["version: 2", "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"x{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "command", [["status"], ["doctor"], ["done", "prep-mou-meeting"], ["list", "--json"]]
)
def test_a_progress_file_with_an_alias_bomb_is_refused_at_once(
    state_path: Path, command: list[str]
) -> None:
    before = _write(state_path, _bomb(9))
    assert len(before) < 600
    result = _quick(state_path, *command, "--as-of", AS_OF)
    assert result.returncode == 3, result.stderr + result.stdout
    said = " ".join((result.stderr + result.stdout).split())
    assert "anchor or alias" in said and "line 2" in said
    assert state_path.read_bytes() == before


def test_a_single_alias_in_a_progress_file_is_refused(cli, state_path: Path) -> None:
    before = _write(
        state_path,
        "version: 2\nplans:\n"
        "  prep-mou-meeting: &p {due: '2024-05-01'}\n"
        "  step1-identify-team: *p\n",
    )
    result = cli("done", "prep-mou-meeting", "--as-of", AS_OF)
    assert result.exit_code == 3 and "anchor or alias" in result.stderr
    assert state_path.read_bytes() == before


def test_notes_with_ampersands_and_stars_are_fine(cli, state_path: Path) -> None:
    for text in ("R&D budget", "*important* & &urgent", "&x", "*x"):
        assert cli("note", "prep-mou-meeting", text).exit_code == 0
    assert [n["text"] for n in load(state_path)["notes"]["prep-mou-meeting"]][-1] == "*x"
    assert cli("status", "--as-of", AS_OF).exit_code == 0


def test_a_guide_may_use_aliases_but_not_expand_without_bound(
    state_path: Path, tmp_path: Path
) -> None:
    guide = tmp_path / "bomb-guide.yaml"
    guide.write_text(_bomb(9))
    result = _quick(state_path, "validate", "--guide", str(guide))
    assert result.returncode == 3
    assert "expand into more than" in result.stderr
    guide.write_text("a: &a [*a]\n")
    result = _quick(state_path, "validate", "--guide", str(guide))
    assert result.returncode == 3 and "inside the part it names" in result.stderr
