"""Hints safe to paste into a shell: nothing from a file's name runs (bash), and names
PowerShell would expand are in single quotes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2024-05-01"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# -- hints safe to paste into a shell -------------------------------------------------------------


def _pasted_into_bash(command: str) -> list[str]:
    """The arguments bash gives a command pasted into it (printed, never run)."""
    done = subprocess.run(["bash", "-c", f"printf '%s\\0' {command}"], capture_output=True,
                          check=True, timeout=30)  # fmt: skip
    return done.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.skipif(shutil.which("bash") is None or sys.platform == "win32", reason="no bash")
def test_a_hint_pasted_into_a_shell_runs_nothing_from_a_files_name(cli, tmp_path: Path) -> None:
    drive = tmp_path / "drive $HOME !x"
    drive.mkdir()
    plan = drive / "state.yaml"
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    copy = drive / 'state (Mia "M$HOME" `id` \\ conflicted copy 2024-10-01).yaml'
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))
    status = ok(cli("status", "--as-of", AS_OF, "--state", str(plan)))
    line = next(x for x in status.stderr.splitlines() if x.strip().startswith("Run: cimsig "))
    args = _pasted_into_bash(line.strip()[len("Run: ") :])
    assert args == ["cimsig", "merge", str(copy), "--state", str(plan)]
    merged = ok(cli(*args[1:]))  # and it does what it says
    undo = next(x for x in merged.stdout.splitlines() if "cimsig undo" in x)
    assert _pasted_into_bash(undo.split(": ", 1)[1]) == ["cimsig", "undo", "--state", str(plan)]


def test_on_windows_a_name_powershell_would_expand_is_in_single_quotes(monkeypatch) -> None:
    from cimsig.render.formatting import shell_quote

    monkeypatch.setattr(sys, "platform", "win32")
    assert shell_quote(r"S:\CIM\state (1).yaml") == r'"S:\CIM\state (1).yaml"'
    assert shell_quote(r"S:\CIM\it's $(calc).yaml") == r"'S:\CIM\it''s $(calc).yaml'"
    assert shell_quote("alpha-unified", bare=True) == "alpha-unified"
