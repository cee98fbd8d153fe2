"""Narrow windows and legacy encodings: ids broken only at a dash, messages wrapped at spaces,
ASCII where a Windows code page cannot show a mark, user text shown as typed."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _joined(text: str) -> str:
    """The output with each line that ends in a dash joined to the next (an id broken there)."""
    lines = [line.strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("-") and re.fullmatch(r"[a-z0-9-]+", line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("columns", ["55", "60", "80"])
def test_an_id_is_never_broken_but_at_a_dash(cli, cli_json, monkeypatch, columns: str) -> None:
    ids = [r["id"] for r in cli_json("list", "--as-of", "2024-05-15")]
    monkeypatch.setenv("COLUMNS", columns)
    for command in (("list",), ("status",), ("next", "--days", "400")):
        result = cli(*command, "--as-of", "2024-05-15")
        assert result.exit_code == 0, result.output
        # Every word that starts as an id does is a whole id (once broken lines are joined).
        found = re.findall(r"(?<![\w-])(?:prep|step\d)-[a-z0-9-]*", _joined(result.stdout))
        assert found, command
        assert [w for w in found if w not in ids] == [], command


def test_doctor_wraps_a_finding_under_its_own_text(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = cli("doctor", "--as-of", "2024-09-09").stdout
    lines = text.splitlines()
    weekend = next(i for i, line in enumerate(lines) if "weekend: step3-approvals" in line)
    assert lines[weekend + 1].startswith(" " * 9)  # the next line, under the text
    assert all(len(line.rstrip()) <= 80 for line in lines)


def test_user_text_is_shown_as_typed(cli) -> None:
    note = "Board said :thumbsup: but :warning: budget [bold]"
    assert cli("note", "step1-case-study", note).exit_code == 0
    shown = cli("show", "step1-case-study", "--as-of", "2024-06-01").stdout
    assert note in " ".join(shown.split())


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "APPDATA": str(tmp_path / "home"),
        "COLUMNS": "80",
        **extra,
    }
    env.pop("CIMSIG_STATE", None)
    env.pop("NO_COLOR", None)
    return env


def test_a_windows_code_page_gets_ascii_marks_not_question_marks(tmp_path: Path) -> None:
    env = _env(tmp_path, PYTHONIOENCODING="cp1252", NO_COLOR="1")
    args = [sys.executable, "-m", "cimsig"]
    chart = subprocess.run([*args, "timeline", "--as-of", "2024-09-09"], env=env,
                           capture_output=True, timeout=60, check=False)  # fmt: skip
    assert chart.returncode == 0, chart.stderr
    text = chart.stdout.decode("cp1252")
    # Each row starts with its status symbol, in ASCII too ("!" overdue).
    row = next(line for line in text.splitlines() if line.startswith("! prep-fmta-meeting"))
    assert "#" in row and "*" in row and "?" not in row
    assert "# window  * deadline" in text
    md = subprocess.run([*args, "export", "md", "--as-of", "2024-09-09"], env=env,
                        capture_output=True, timeout=60, check=False)  # fmt: skip
    assert md.returncode == 0, md.stderr
    md.stdout.decode("cp1252")  # what a cp1252 screen shows, without UTF-8 bytes in it
    assert b"\xc2\xb7" not in md.stdout and b"\xe2\x80" not in md.stdout
    assert b"Apr 1 - May 31, 2024 \xb7 **OVERDUE**" in md.stdout  # the middle dot, in cp1252


def test_a_marked_done_message_wraps_at_spaces_in_a_terminal(tmp_path: Path) -> None:
    main, other = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", "done", "step1-workshop-a-prework", "--as-of",
         "2024-09-09"],
        env=_env(tmp_path, NO_COLOR="1"), stdin=subprocess.DEVNULL, stdout=other,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(other)
    seen, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    assert proc.wait(timeout=60) == 0
    os.close(main)
    lines = seen.decode().replace("\r", "").splitlines()
    message = [line for line in lines if line.strip()]
    assert message[0].startswith("Marked done: step1-workshop-a-prework")
    assert len(message) > 1 and all(line.startswith("  ") for line in message[1:])
    assert all(len(line) < 80 for line in message)
    assert "pre-work" in " ".join(line.strip() for line in message)
    # and in a pipe it stays on one line, for scripts
    piped = json.dumps(lines)
    assert "Pre-Wo\\n" not in piped
