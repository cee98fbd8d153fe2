"""Undo on a shared plan: it goes on after undoing a merge that brought a note, and asks first
before taking back what someone else marked done."""

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


def test_undo_of_an_activity_someone_else_marked_done_asks_first(cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    ok(cli("init", "--me", "Maria Lopez"))
    ok(cli("init", "--lea", "X", "--state", str(plan)))
    ok(cli("done", "prep-assurance", "--as-of", AS_OF, "--state", str(plan)))
    ok(cli("init", "--me", "Jo"))
    ok(cli("done", "prep-mou-meeting", "--as-of", AS_OF, "--state", str(plan)))
    before = plan.read_bytes()
    refused = cli("undo", "prep-assurance", "--state", str(plan))
    assert refused.exit_code == 2, refused.output
    assert "marked done by Maria Lopez" in refused.stderr and "--yes" in refused.stderr
    assert plan.read_bytes() == before
    mine = ok(cli("undo", "prep-mou-meeting", "--state", str(plan)))  # Jo's own: no question
    assert "Reopened: prep-mou-meeting" in mine.stdout
    ok(cli("undo", "prep-assurance", "--yes", "--state", str(plan)))
    assert not yaml.safe_load(plan.read_text("utf-8"))["done"]
