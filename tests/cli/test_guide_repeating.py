"""Repeating activities in a guide: periods that do not start on the 1st (no drift, no overlap),
weekends of every occurrence, a one-date target on repeating work, and `after:` an occurrence.
Dates worked out by hand."""

from __future__ import annotations

from pathlib import Path

from tests.cli.guide_texts import CCEIS, HEAD, write


def rows(cli, guide: Path, as_of: str = "2021-01-01") -> dict[str, dict]:
    import json

    result = cli("list", "--json", "--guide", str(guide), "--as-of", as_of)
    assert result.exit_code == 0, result.output
    return {r["id"]: r for r in json.loads(result.stdout)}


# -- periods that do not start on the 1st ---------------------------------------------------


def test_monthly_periods_from_the_31st_tile_with_no_gap_or_overlap(cli, tmp_path) -> None:
    # Occurrence k starts on Jan 31 + k months (the month's last day when shorter) and ends the
    # day before the next starts; due 1 day after. Worked out by hand:
    # Jan 31 - Feb 28 (next starts Feb 29), Feb 29 - Mar 30, Mar 31 - Apr 29, Apr 30 - May 30.
    guide = write(tmp_path, HEAD + """\
  - id: m
    step: r
    title: Monthly
    period: {start: 2024-01-31, end: 2024-02-28}
    due: {days: 1, after: period}
    repeat: monthly
    until: 2024-05-31
""")  # fmt: skip
    found = rows(cli, guide, "2024-01-01")
    periods = [(r["period_start"], r["period_end"], r["due"]) for r in found.values()]
    assert periods == [
        ("2024-01-31", "2024-02-28", "2024-02-29"),
        ("2024-02-29", "2024-03-30", "2024-03-31"),
        ("2024-03-31", "2024-04-29", "2024-04-30"),
        ("2024-04-30", "2024-05-30", "2024-05-31"),
    ]


def test_a_repeating_period_that_overlaps_the_next_is_a_problem(cli, tmp_path) -> None:
    # A yearly period from Mar 1, 2023 ends the day before Mar 1, 2024: Feb 29, 2024 (leap).
    guide = write(tmp_path, HEAD + """\
  - id: y
    step: r
    title: Yearly
    period: {start: 2023-03-01, end: 2024-02-28}
    due: {days: 0, after: period}
    repeat: yearly
""")  # fmt: skip
    result = cli("list", "--guide", str(guide), "--as-of", "2024-01-01")
    assert result.exit_code == 3
    assert "line 11, activity 'y': a yearly period that starts on 2023-03-01 ends on " in (
        result.stderr
    )
    assert "2024-02-29, the day before the next one starts (2024-03-01), not on 2024-02-28" in (
        result.stderr
    )


def test_guide_new_moves_a_february_period_end_to_the_months_last_day(cli, tmp_path) -> None:
    source = write(tmp_path, HEAD.replace("  steps:", "  budget_period: {start: 2022-03-01, "
                   "end: 2023-02-28, months: 12}\n  steps:") + """\
  - id: y
    step: r
    title: Yearly
    period: {start: 2022-03-01, end: 2023-02-28}
    due: {days: 0, after: period}
    repeat: yearly
    until: 2026-03-01
""")  # fmt: skip
    draft = tmp_path / "next.yaml"
    made = cli("guide", "new", str(draft), "--from", str(source), "--years", "1")
    assert made.exit_code == 0, made.output
    text = draft.read_text(encoding="utf-8")
    assert "period: {start: 2023-03-01, end: 2024-02-29}" in text  # not Feb 28: a leap year
    assert "budget_period: {start: 2023-03-01, end: 2024-02-29, months: 12}" in text
    kept = [line for line in text.splitlines() if "# REVIEW:" not in line]
    resolved = write(tmp_path, "\n".join(kept) + "\n", "resolved.yaml")
    assert cli("validate", str(resolved)).exit_code == 0
    # Mar 1, 2023 - Feb 29, 2024, then Mar 1 - Feb 28 each year, up to the moved `until`
    # (Mar 1, 2027): no drift to Feb 27.
    found = rows(cli, resolved, "2023-01-01")
    assert [(r["period_start"], r["period_end"], r["due"]) for r in found.values()] == [
        ("2023-03-01", "2024-02-29", "2024-02-29"),
        ("2024-03-01", "2025-02-28", "2025-02-28"),
        ("2025-03-01", "2026-02-28", "2026-02-28"),
        ("2026-03-01", "2027-02-28", "2027-02-28"),
    ]


# -- weekends of every occurrence ----------------------------------------------------------


def test_validate_names_every_occurrence_due_on_a_weekend(cli, tmp_path) -> None:
    # Quarterly, 30 days after Sep 30, 2021 ... Jun 30, 2023: Oct 30, 2021 is a Saturday, Jan 30,
    # 2022 a Sunday, Apr 30, 2022 a Saturday, Jul 30, 2022 a Saturday, Oct 30, 2022 a Sunday,
    # Jan 30, 2023 a Monday, Apr 30, 2023 a Sunday, Jul 30, 2023 a Sunday, Oct 30, 2023 a Monday.
    result = cli("validate", str(write(tmp_path, CCEIS)))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("Due on a weekend (7):")
    assert lines[at + 1 :] == [
        "  expenditure-report-2021-09 (Sat Oct 30, 2021)",
        "  expenditure-report-2021-12 (Sun Jan 30, 2022)",
        "  expenditure-report-2022-03 (Sat Apr 30, 2022)",
        "  expenditure-report-2022-06 (Sat Jul 30, 2022)",
        "  expenditure-report-2022-09 (Sun Oct 30, 2022)",
        "  expenditure-report-2023-03 (Sun Apr 30, 2023)",
        "  expenditure-report-2023-06 (Sun Jul 30, 2023)",
    ]
    assert "3 activities in 2 steps." in result.stdout


# -- a one-date target on repeating work ---------------------------------------------------


def test_a_target_naming_one_date_on_repeating_work_is_a_problem(cli, tmp_path) -> None:
    guide = write(tmp_path, HEAD + """\
  - id: h
    step: r
    title: Half-yearly report
    target: February 29, 2024
    due: 2024-02-29
    repeat: half-yearly
    until: 2025-03-01
""")  # fmt: skip
    result = cli("validate", str(guide))
    assert result.exit_code == 3
    assert "line 11, activity 'h': the target 'February 29, 2024' names one date, but the " \
        "activity repeats (half-yearly)" in result.stderr  # fmt: skip
    # Other commands carry on, and a later occurrence says its own date, not Feb 29, 2024.
    found = rows(cli, guide, "2024-01-01")
    assert found["h-2024-02"]["target"] == "February 29, 2024"
    assert found["h-2024-08"]["target"] == "August 29, 2024"
    # Without a target, each occurrence shows its own due date.
    plain = write(tmp_path, guide.read_text().replace("    target: February 29, 2024\n", ""),
                  "plain.yaml")  # fmt: skip
    assert cli("validate", str(plain)).exit_code == 0
    assert rows(cli, plain, "2024-01-01")["h-2025-02"]["target"] == "February 28, 2025"


# -- after: an occurrence -----------------------------------------------------------------


def test_due_after_one_occurrence_of_a_repeating_activity(cli, tmp_path) -> None:
    # 60 days after the last quarterly report (due Oct 30, 2023): Dec 29, 2023.
    guide = write(
        tmp_path, CCEIS.replace("after: 2023-10-30}", "after: expenditure-report-2023-09}")
    )
    assert cli("validate", str(guide)).exit_code == 0
    shown = cli("show", "final-report", "--guide", str(guide), "--as-of", "2023-01-01")
    assert shown.exit_code == 0, shown.output
    assert "60 days after expenditure-report-2023-09 (due Oct 30, 2023)" in shown.stdout
    assert "Fri Dec 29, 2023" in shown.stdout
    # The series itself has many due dates: the message says which id to write instead.
    series = write(tmp_path, CCEIS.replace("after: 2023-10-30}", "after: expenditure-report}"),
                   "series.yaml")  # fmt: skip
    result = cli("validate", str(series))
    assert result.exit_code == 3
    assert "name one of them by its id, like 'expenditure-report-2021-09'" in result.stderr
    wrong_id = CCEIS.replace("after: 2023-10-30}", "after: expenditure-report-2023-10}")
    wrong = write(tmp_path, wrong_id, "wrong.yaml")
    result = cli("validate", str(wrong))
    assert result.exit_code == 3
    assert "run from expenditure-report-2021-09 to expenditure-report-2023-09" in result.stderr
