"""`cimsig validate` checks what a person writing a guide can get wrong; guides are found by
id (`--guide ID`, `cimsig guide list`); `cimsig guide new` drafts the next cohort's guide."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from cimsig.guide import bundled_guide_path
from cimsig.guide_reader import check_guide_file

SMALL = """\
format: 1
guide:
  id: small-2021
  title: Small guide
  budget_period: {start: 2020-07-01, end: 2022-09-30, months: 27}
  steps:
    - {id: plan, name: Plan}
activities:
  - id: plan-submit
    step: plan
    title: Submit the plan
    target: "September 30, 2021"
    due: 2021-09-30
"""


def write(tmp_path: Path, text: str, name: str = "guide.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def validate(cli, path: Path):
    return cli("validate", str(path))


# -- validate ---------------------------------------------------------------------------------


def test_the_bundled_guide_passes_every_check_without_a_warning(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output and result.stderr == ""
    _, warnings = check_guide_file(bundled_guide_path())
    assert warnings == []


def test_a_target_naming_another_date_than_the_due_date_is_a_problem(cli, tmp_path) -> None:
    guide = write(tmp_path, SMALL.replace("due: 2021-09-30", "due: 2021-10-30"))
    result = validate(cli, guide)
    assert result.exit_code == 3, result.output
    assert "line 12, activity 'plan-submit'" in result.stderr
    assert "names Sep 30, 2021" in result.stderr and "Oct 30, 2021 (2021-10-30)" in result.stderr
    # Every other command still uses the guide: a wording never stops a district's work.
    assert cli("list", "--guide", str(guide), "--as-of", "2021-01-01").exit_code == 0


@pytest.mark.parametrize(
    ("target", "due"),
    [
        ("Prior to October 1, 2021", "2021-09-30"),
        ("By September 30, 2021", "2021-09-30"),
        ("Due September 30, 2021", "2021-09-30"),
        ("DUE: September 30, 2021", "2021-09-30"),
        ("September 2021", "2021-09-30"),
        ("September 2021", "2021-09-01"),
        ("Prior to September 2021", "2021-08-31"),
        ("Sept. 30, 2021", "2021-09-30"),
        ("9/30/2021", "2021-09-30"),
        ("July - September 2021", "2021-06-01"),  # names two months: not one date
        ("Due July 10 each year", "2021-06-01"),  # no year
        ("April 2, 2024 12 p.m.-1:30 p.m.", "2024-04-02"),
        ("LEAs may send it by October 2021", "2021-10-31"),  # "may" is not May
    ],
)
def test_targets_that_agree_with_the_due_date_pass(cli, tmp_path, target: str, due: str) -> None:
    text = SMALL.replace('"September 30, 2021"', f'"{target}"').replace("2021-09-30\n", due + "\n")
    result = validate(cli, write(tmp_path, text))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("target", "due", "words"),
    [
        ("Prior to October 1, 2021", "2021-10-01", "the day before October 1, 2021, Sep 30, 2021"),
        ("Prior to October 1, 2021", "2021-09-20", "but the due date is Sep 20, 2021"),
        ("By September 30, 2021", "2021-10-01", "names Sep 30, 2021"),
        ("September 2021", "2021-10-01", "names September 2021"),
        ("prior to September 2021", "2021-09-01", "the day before September 2021, Aug 31, 2021"),
    ],
)
def test_targets_that_contradict_the_due_date_fail(cli, tmp_path, target, due, words) -> None:
    text = SMALL.replace('"September 30, 2021"', f'"{target}"').replace("2021-09-30\n", due + "\n")
    result = validate(cli, write(tmp_path, text))
    assert result.exit_code == 3, result.output
    assert words in result.stderr


def test_a_target_is_checked_against_a_computed_due_date(cli, tmp_path) -> None:
    text = SMALL.replace("due: 2021-09-30", "period: {start: 2021-01-01, end: 2021-06-30}\n"
                         "    due: {days: 30, after: period}")  # fmt: skip
    result = validate(cli, write(tmp_path, text))
    # Jun 30 + 30 days is Jul 30, 2021, not the target's Sep 30.
    assert result.exit_code == 3
    assert "Jul 30, 2021 (2021-07-30)" in result.stderr


def test_budget_months_that_do_not_match_the_dates_are_a_problem(cli, tmp_path) -> None:
    guide = write(tmp_path, SMALL.replace("months: 27", "months: 12"))
    result = validate(cli, guide)
    assert result.exit_code == 3
    assert "says 12 months, but 2020-07-01 to 2022-09-30 is 27 months" in result.stderr


def test_activities_outside_the_budget_period_are_warned_about(cli, tmp_path) -> None:
    text = SMALL + (
        "  - id: report-late\n    step: plan\n    title: A report on a later period\n"
        "    period: {start: 2022-07-01, end: 2022-12-31}\n    due: {days: 30, after: period}\n"
        "  - id: typo\n    step: plan\n    title: A mistyped year\n    target: Soon\n"
        "    due: 2012-09-30\n"
    )
    result = validate(cli, write(tmp_path, text))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stdout.splitlines() if line.startswith("Warning")]
    assert len(warnings) == 2
    assert "report-late" in warnings[0] and "not inside the budget period" in warnings[0]
    assert "typo" in warnings[1] and "is the year right?" in warnings[1]


def test_problems_are_listed_in_line_order(cli, tmp_path) -> None:
    text = (
        SMALL.replace("months: 27", "months: 12")
        .replace("due: 2021-09-30", "due: 2021-10-30")
        .replace("  steps:", "  colour: blue\n  steps:")
        + "  - id: Bad Id\n    step: nowhere\n    title: x\n    target: x\n    due: 2021-01-01\n"
    )
    result = validate(cli, write(tmp_path, text))
    assert result.exit_code == 3
    lines = [int(n) for n in re.findall(r"^  - line (\d+)", result.stderr, re.M)]
    assert len(lines) >= 5 and lines == sorted(lines), result.stderr


# -- guides by id -----------------------------------------------------------------------------


def test_guide_takes_the_bundled_guides_id(cli) -> None:
    result = cli("list", "--json", "--guide", "cim-sigdis-2024", "--as-of", "2024-05-01")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 44
    assert cli("validate", "cim-sigdis-2024").exit_code == 0


def test_guide_takes_a_kept_guides_id(cli, tmp_path: Path, state_path: Path) -> None:
    original = write(tmp_path, SMALL, "small.yaml")
    added = cli("district", "add", "Alpha Unified", "--guide", str(original))
    assert added.exit_code == 0, added.output
    original.unlink()  # the kept copy is enough
    own = str(tmp_path / "own.yaml")
    shown = cli("show", "plan-submit", "--guide", "small-2021", "--state", own, "--as-of",
                "2021-01-01")  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "Submit the plan" in shown.stdout
    # A district on two guides: the error lists the ids, and the id now picks one.
    assert cli("district", "add", "Alpha Unified").exit_code == 0
    both = cli("status", "--district", "alpha", "--as-of", "2021-01-01")
    assert both.exit_code == 2 and "add --guide with one of these ids" in both.stderr
    assert "cim-sigdis-2024, small-2021" in both.stderr
    picked = cli("status", "--district", "alpha", "--guide", "small-2021", "--as-of", "2021-01-01")
    assert picked.exit_code == 0, picked.output
    assert "Small guide" in picked.stdout
    assert cli("validate", "small-2021").exit_code == 0


def test_an_unknown_guide_id_lists_the_guides(cli) -> None:
    result = cli("status", "--guide", "cceis-2019", "--as-of", "2024-05-01")
    assert result.exit_code == 3  # no such guide, as for a missing file named by its path
    assert "no guide cimsig knows has that id" in result.stderr
    assert "cim-sigdis-2024" in result.stderr and "cimsig guide list" in result.stderr
    # A file name is still a file name: its message is about the file.
    missing = cli("status", "--guide", "next.yaml", "--as-of", "2024-05-01")
    assert missing.exit_code == 3 and "There is no guide file at next.yaml" in missing.stderr


def test_guide_list_shows_ids_files_and_districts(cli, tmp_path: Path) -> None:
    original = write(tmp_path, SMALL, "small.yaml")
    assert cli("district", "add", "Alpha Unified", "--guide", str(original)).exit_code == 0
    assert cli("district", "add", "Beta USD").exit_code == 0
    result = cli("guide", "list")
    assert result.exit_code == 0, result.output
    assert "cim-sigdis-2024  (bundled with cimsig)" in result.stdout
    assert "small-2021  (kept copy)" in result.stdout
    rows = {r["id"]: r for r in json.loads(cli("guide", "list", "--json").stdout)}
    assert rows["cim-sigdis-2024"]["districts"] == ["beta-usd"]
    assert rows["small-2021"]["districts"] == ["alpha-unified"]
    assert Path(rows["small-2021"]["path"]).read_text(encoding="utf-8") == SMALL
    assert rows["cim-sigdis-2024"]["path"] == str(bundled_guide_path().absolute())


# -- guide new --------------------------------------------------------------------------------


def resolve_marks(path: Path) -> str:
    """What the author does: check each marked line, then delete the mark."""
    text = "".join(
        line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if "# REVIEW:" not in line
    )  # fmt: skip
    path.write_text(text, encoding="utf-8")
    return text


def test_guide_new_drafts_the_next_cohort_from_the_bundled_guide(cli, tmp_path: Path) -> None:
    draft = tmp_path / "cohort-2025.yaml"
    result = cli("guide", "new", str(draft), "--from", "cim-sigdis-2024")
    assert result.exit_code == 0, result.output
    assert "marked for review" in result.stdout
    marked = validate(cli, draft)
    assert marked.exit_code == 3
    assert "REVIEW: the new guide's id ('cim-sigdis-2025', was 'cim-sigdis-2024')" in marked.stderr
    # The Apr 2, 2024 virtual meeting (a Tuesday) is on a Wednesday in 2025.
    assert "a meeting on Tuesday 2024-04-02, now Wednesday 2025-04-02" in marked.stderr
    assert "2025-05-31 is a Saturday" in marked.stderr
    resolve_marks(draft)
    checked = validate(cli, draft)
    assert checked.exit_code == 0, checked.output
    new = yaml.safe_load(draft.read_text(encoding="utf-8"))
    old = yaml.safe_load(bundled_guide_path().read_text(encoding="utf-8"))
    assert new["guide"]["id"] == "cim-sigdis-2025"
    assert new["guide"]["budget_period"] == {"start": dt.date(2025, 7, 1),
                                             "end": dt.date(2027, 9, 30), "months": 27}  # fmt: skip
    assert "March 2025" in new["guide"]["cohort"]
    assert [a["id"] for a in new["activities"]] == [a["id"] for a in old["activities"]]
    first = new["activities"][0]
    assert (first["target"], first["due"]) == ("Prior to April 2, 2025", dt.date(2025, 4, 1))
    # Links are kept as they are.
    assert new["activities"][1]["resources"] == old["activities"][1]["resources"]


def test_guide_new_from_a_kept_guide_over_years_and_february_29(cli, tmp_path: Path) -> None:
    leap = (
        SMALL.replace('"September 30, 2021"', '"February 29, 2024"')
        .replace("due: 2021-09-30", "due: 2024-02-29")
        .replace("2022-09-30", "2024-09-30")
        .replace("months: 27", "months: 51")
    )
    original = write(tmp_path, leap, "small.yaml")
    assert cli("district", "add", "Alpha Unified", "--guide", str(original)).exit_code == 0
    draft = tmp_path / "next.yaml"
    result = cli("guide", "new", str(draft), "--from", "small-2021", "--years", "2")
    assert result.exit_code == 0, result.output
    marked = validate(cli, draft)
    assert "February 29 has no 2026: moved to February 28" in marked.stderr
    text = resolve_marks(draft)
    assert "id: small-2023" in text and "due: 2026-02-28" in text
    assert '"February 28, 2026"' in text
    assert validate(cli, draft).exit_code == 0


def test_guide_new_never_overwrites_a_file(cli, tmp_path: Path) -> None:
    existing = write(tmp_path, "mine\n", "mine.yaml")
    result = cli("guide", "new", str(existing), "--from", "cim-sigdis-2024")
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert existing.read_text() == "mine\n"
    bad = cli("guide", "new", str(tmp_path / "x.yaml"), "--from", "cim-sigdis-2024",
              "--years", "two")  # fmt: skip
    assert bad.exit_code == 2 and "--years needs a whole number of years" in bad.stderr


def test_step_help_names_no_fixed_step_ids(cli) -> None:
    for command in ("done", "list", "add"):
        text = cli(command, "--help").stdout
        assert "step1 ..." not in text and "step4" not in text, command


def test_the_guide_new_draft_reads_as_the_guide_it_came_from(tmp_path: Path) -> None:
    """Block text (a folded title) keeps its words: marks never land inside it."""
    from cimsig.guide_draft import draft_guide
    from cimsig.guide_reader import load_guide

    source = bundled_guide_path()
    copy = tmp_path / "copy.yaml"
    shutil.copy(source, copy)
    draft = draft_guide(copy.read_text(encoding="utf-8"), 1, "cim-sigdis-2024")
    path = write(tmp_path, draft.text, "draft.yaml")
    titles = [a.title for a in load_guide(path).activities]
    assert not any("REVIEW" in t for t in titles)
    assert "(July 1, 2025 - March 31, 2026)" in titles[titles.index(next(
        t for t in titles if "July 1, 2025 - March 31, 2026" in t))]  # fmt: skip


def test_guide_list_names_a_second_copy_of_a_kept_guide(cli, tmp_path: Path) -> None:
    original = write(tmp_path, SMALL, "small.yaml")
    assert cli("district", "add", "Alpha Unified", "--guide", str(original)).exit_code == 0
    kept = Path(json.loads(cli("guide", "list", "--json").stdout)[1]["path"])
    shutil.copy(kept, kept.with_name("small-2021 (1).yaml"))
    (kept.parent / "folder.yaml").mkdir()  # not files: never opened
    if hasattr(os, "mkfifo"):
        os.mkfifo(kept.parent / "fifo.yaml")
    rows = json.loads(cli("guide", "list", "--json").stdout)
    assert [r["id"] for r in rows] == ["cim-sigdis-2024", "small-2021", "small-2021 (1)"]
    assert "second file with the guide 'small-2021'" in rows[2]["problem"]
    assert rows[1]["problem"] is None and Path(rows[1]["path"]) == kept
    listed = cli("guide", "list")
    assert "cannot be used: a second file" in listed.stdout
