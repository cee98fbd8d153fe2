"""Slips around a team's shared plan that an adversarial trial of issue 25's work found: undo
after a merge, conflict copies among backups, hints safe to paste into a shell, a merge driver
that is stopped, and how names and files are shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

AS_OF = "2024-05-01"


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def history_rows(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text("utf-8"))["history"]


# -- undo after a merge that brought in a note ----------------------------------------------------


def test_undo_goes_on_after_undoing_a_merge_that_brought_a_note(cli, tmp_path: Path) -> None:
    plan = tmp_path / "r.yaml"
    ok(cli("init", "--lea", "R", "--state", str(plan)))
    copy = tmp_path / "r (1).yaml"
    shutil.copyfile(plan, copy)
    ok(cli("note", "case-study", "hi", "--state", str(copy)))
    ok(cli("merge", str(copy), "--state", str(plan)))
    # Every change can be taken back, one undo after the other, until nothing is left.
    for _ in range(len(history_rows(plan))):
        result = cli("undo", "--yes", "--state", str(plan))
        assert result.exit_code == 0, result.output
        assert "damaged" not in result.output
    data = yaml.safe_load(plan.read_text("utf-8"))
    assert not data.get("notes")
    nothing = ok(cli("undo", "--yes", "--state", str(plan)))
    assert "nothing" in nothing.output.lower()
