"""How names and files are shown: a trailing backslash once, a district by its short name, a
person by a unique part of their name, a district whose file is a FIFO."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AS_OF = "2024-05-01"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# -- how names and files are shown ----------------------------------------------------------------


def test_a_trailing_backslash_shows_once_everywhere(cli, monkeypatch) -> None:
    ok(cli("init", "--me", "X\\"))
    ok(cli("district", "add", "Back\\", "--short", "B\\"))
    ok(cli("assign", "case-study", "Own\\", "--district", "back"))
    ok(cli("note", "case-study", "note\\", "--district", "back"))
    shown = {
        "history": ok(cli("history", "--district", "back")).stdout,
        "show": ok(cli("show", "case-study", "--district", "back")).stdout,
        "overview": ok(cli("overview", "--as-of", AS_OF)).stdout,
        "district list": ok(cli("district", "list")).stdout,
    }
    for view, text in shown.items():
        assert "\\\\" not in text, (view, text)
    assert " X\\ " in shown["history"] and "note\\ " in shown["history"]
    assert "Own\\" in shown["show"] and "note\\" in shown["show"]
    assert "B\\ " in shown["overview"] and "B\\ " in shown["district list"]


def test_a_district_is_reached_by_the_short_name_the_tables_show(cli, monkeypatch) -> None:
    ok(cli("district", "add", "Alpha Unified School District", "--short", "Alpha USD"))
    ok(cli("district", "add", "Beta Unified School District", "--short", "Beta USD"))
    status = ok(cli("status", "--district", "Alpha USD", "--as-of", AS_OF))
    assert status.stdout.startswith("Alpha Unified School District")
    assert ok(cli("status", "--district", "beta usd", "--as-of", AS_OF)).stdout.startswith("Beta")
    both = cli("status", "--district", "USD", "--as-of", AS_OF)
    assert both.exit_code == 2 and "matches several districts" in both.stderr


def test_history_by_takes_a_unique_part_of_a_name_in_whole_words(cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    ok(cli("init", "--me", "Ana Ruiz"))
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    ok(cli("init", "--me", "Anabel Cruz"))
    ok(cli("assign", "case-study", "Jo", "--state", str(plan)))
    ok(cli("init", "--me", "Luis Ana"))
    ok(cli("note", "case-study", "hi", "--state", str(plan)))
    ok(cli("init", "--me", "Ana Ruiz"))
    ana = ok(cli("history", "--by", "Ruiz", "--state", str(plan))).stdout
    assert "set the district profile" in ana and "owner" not in ana
    cruz = ok(cli("history", "--by", "anabel", "--state", str(plan))).stdout
    assert "owner: Jo" in cruz and "profile" not in cruz and "note" not in cruz
    several = cli("history", "--by", "Ana", "--state", str(plan))  # Ana Ruiz and Luis Ana
    assert several.exit_code == 2
    assert "Ana Ruiz" in several.stderr and "Luis Ana" in several.stderr
    assert "Anabel" not in several.stderr  # a whole word, not a part of one


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_district_whose_progress_file_is_a_fifo_gets_a_note(cli, state_path: Path) -> None:
    ok(cli("district", "add", "Alpha USD"))
    ok(cli("district", "add", "Beta USD"))
    beta = state_path.parent / "districts" / "beta-usd" / "cim-sigdis-2024.yaml"
    beta.unlink()
    os.mkfifo(beta)
    for args in (("overview", "--as-of", AS_OF), ("district", "list")):
        result = ok(cli(*args))  # (a read of the FIFO would hang here)
        assert "Alpha USD" in result.stdout
        assert f"district beta-usd left out: {beta} is not a plain file" in " ".join(
            result.stderr.split()
        ), args
