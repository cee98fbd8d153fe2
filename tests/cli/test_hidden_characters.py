"""Characters that reorder or hide text never reach a document or a terminal as they are (an
owner "Bob<U+202E> nimdA" would show as "BobAdmin"), while the joiner that builds an emoji
("👩🏽‍🏫": woman, skin tone, U+200D, school) is kept in every export."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

AS_OF = "2024-12-01"
POSING_OWNER = "Bob\u202e nimdA"
TEACHER = "👩🏽\u200d🏫"
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def plan(cli) -> None:
    assert cli("init", "--lea", "Sierra USD", "--track", "new").exit_code == 0
    assert cli("assign", "step3-budget-forms", POSING_OWNER).exit_code == 0
    noted = cli("note", "step3-budget-forms", f"Ask {TEACHER} \u2067first\u2069 \u200eplease")
    assert noted.exit_code == 0, noted.output
    done = cli("done", "step2-theory-of-action", "--on", "2024-11-01", f"--note=By {TEACHER}")
    assert done.exit_code == 0, done.output
    added = cli("add", "--step", "step3", "--due", "2024-12-20", "--", f"Visit {TEACHER} \u202bx")
    assert added.exit_code == 0, added.output


def exported_text(cli, kind: str, folder: Path) -> str:
    target = folder / f"plan.{kind}"
    result = cli("export", kind, "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    if kind == "xlsx":
        with zipfile.ZipFile(target) as book:
            return "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    return target.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("kind", ["csv", "md", "ics", "xlsx", "html"])
def test_exports_keep_emoji_whole_and_drop_direction_changes(cli, plan, tmp_path, kind) -> None:
    text = exported_text(cli, kind, tmp_path)
    assert BIDI.findall(text) == []
    assert "Bob nimdA" in text  # the owner reads as typed, not as "BobAdmin"
    assert TEACHER in text


def test_the_timeline_picture_drops_direction_changes(cli, plan, tmp_path) -> None:
    result = cli("timeline", "--svg", str(tmp_path / "t.svg"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "t.svg").read_text(encoding="utf-8")
    assert BIDI.findall(text) == []
    assert f"Visit {TEACHER}" in text


@pytest.mark.parametrize("view", [["list"], ["show", "step3-budget-forms"], ["status"]])
def test_terminal_shows_a_direction_change_as_a_code(cli, plan, view) -> None:
    result = cli(*view, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert BIDI.findall(result.output) == []
    assert "\\u202e" in result.output
