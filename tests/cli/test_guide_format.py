"""A guide for every cohort: deadlines relative to a period or another activity, repeating
reports, optional work, through the real command line. Every expected date is worked out by
hand in the comments."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

COHORT = """\
format: 1
guide:
  id: cceis-2021-cohort
  title: CCEIS 2021 cohort reporting schedule
  cohort: LEAs identified in 2020
  budget_period: {start: 2020-07-01, end: 2022-09-30, months: 27}
  steps:
    - {id: plan, name: Plan}
    - {id: report, name: Reports}
activities:
  - id: plan-submit
    step: plan
    title: Submit the Plan for Improvement
    target: Prior to October 1, 2020
    due: 2020-09-30
  - id: report-1
    step: report
    title: Expenditure report, first half
    period: {start: 2020-07-01, end: 2020-12-31}
    due: {days: 30, after: period}
  - id: report-2
    step: report
    title: Expenditure report, to February
    period: {start: 2021-01-01, end: 2021-02-28}
    due: {days: 30, after: period}
  - id: follow-up
    step: report
    title: Follow-up call
    due: {days: 14, after: report-1}
  - id: second-follow-up
    step: report
    title: Second follow-up
    due: {days: 7, after: follow-up}
  - id: closing
    step: report
    title: Closing letter
    target: Ten days after the budget year
    due: {days: 10, after: 2021-06-30}
  - id: survey
    step: report
    title: Family survey
    required_for: optional
    target: By March 1, 2021
    due: 2021-03-01
"""


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    path = tmp_path / "cceis-2021.yaml"
    path.write_text(COHORT, encoding="utf-8")
    return path


def rows(cli, guide: Path, *args: str, as_of: str = "2021-05-01") -> dict[str, dict]:
    result = cli("list", "--json", "--guide", str(guide), "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.stdout)}


def write(tmp_path: Path, text: str, name: str = "guide.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- deadlines relative to a period, an activity or a date ---------------------------------------


def test_period_relative_deadlines_give_the_dates_worked_out_by_hand(cli, cohort: Path) -> None:
    found = rows(cli, cohort)
    # Dec 31, 2020 + 30 days: Jan 30, 2021 (a period ending on the 31st).
    assert found["report-1"]["due"] == "2021-01-30"
    # Feb 28, 2021 + 30 days: Mar 30, 2021 (a period ending in February).
    assert found["report-2"]["due"] == "2021-03-30"
    # 14 days after Jan 30, 2021: Feb 13; 7 days after that: Feb 20.
    assert found["follow-up"]["due"] == "2021-02-13"
    assert found["second-follow-up"]["due"] == "2021-02-20"
    # 10 days after Jun 30, 2021: Jul 10.
    assert found["closing"]["due"] == "2021-07-10"
    assert (found["report-1"]["period_start"], found["report-1"]["period_end"]) == (
        "2020-07-01",
        "2020-12-31",
    )
    assert found["report-1"]["due_rule"] == "30 days after Dec 31, 2020"
    assert found["follow-up"]["due_rule"] == "14 days after report-1 (due Jan 30, 2021)"
    # Without a target of its own, the target is the rule as the guide says it.
    assert found["report-2"]["target"] == "30 days after Feb 28, 2021"
    assert found["closing"]["target"] == "Ten days after the budget year"
    assert found["plan-submit"]["period_start"] is None


def test_a_period_ending_on_february_29_of_a_leap_year(cli, tmp_path: Path) -> None:
    guide = write(
        tmp_path,
        COHORT.replace("2021-01-01, end: 2021-02-28", "2024-01-01, end: 2024-02-29"),
    )
    # Feb 29, 2024 + 30 days: Mar 30, 2024.
    assert rows(cli, guide)["report-2"]["due"] == "2024-03-30"


def test_show_gives_the_rule_the_date_and_the_period(cli, cohort: Path) -> None:
    result = cli("show", "report-1", "--guide", str(cohort), "--as-of", "2021-01-04")
    assert result.exit_code == 0, result.output
    assert "30 days after Dec 31, 2020" in result.stdout
    assert "Sat Jan 30, 2021" in result.stdout
    assert "Period" in result.stdout and "Jul 1 - Dec 31, 2020" in result.stdout
    follow = cli("show", "follow-up", "--guide", str(cohort), "--as-of", "2021-01-04")
    assert "14 days after report-1 (due Jan 30, 2021)" in follow.stdout
    assert "Sat Feb 13, 2021" in follow.stdout
    listed = cli("list", "--guide", str(cohort), "--as-of", "2021-01-04")
    assert "Period: Jan 1 - Feb 28, 2021" in listed.stdout


def test_the_period_is_exported(cli, cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    result = cli("export", "csv", "-o", str(out), "--guide", str(cohort), "--as-of", "2021-01-04")
    assert result.exit_code == 0, result.output
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert table["report-2"]["period_start"] == "2021-01-01"
    assert table["report-2"]["period_end"] == "2021-02-28"
    assert table["report-2"]["due"] == "2021-03-30"
    md = cli("export", "md", "--guide", str(cohort), "--as-of", "2021-01-04")
    assert "Period: Jul 1 - Dec 31, 2020" in md.stdout
    page = tmp_path / "report.html"
    html = cli("export", "html", "-o", str(page), "--guide", str(cohort), "--as-of", "2021-01-04")
    assert html.exit_code == 0, html.output
    assert "Period: Jan 1 - Feb 28, 2021" in page.read_text(encoding="utf-8")


QUARTERLY = """\
  - id: quarterly
    step: report
    title: Quarterly progress report
    period: {start: 2021-07-01, end: 2021-09-30}
    due: {days: 30, after: period}
    repeat: quarterly
    until: 2022-12-31
  - id: monthly
    step: report
    title: Monthly count
    period: {start: 2024-01-01, end: 2024-01-31}
    due: {days: 15, after: period}
    repeat: monthly
    until: 2024-04-30
"""


def test_quarterly_and_monthly_reports_move_their_period_and_deadline(cli, tmp_path: Path) -> None:
    guide = write(tmp_path, COHORT + QUARTERLY)
    found = rows(cli, guide, as_of="2021-08-01")
    quarters = {k: (v["period_start"], v["period_end"], v["due"]) for k, v in found.items()
                if k.startswith("quarterly")}  # fmt: skip
    # Each quarter ends on its month's last day; + 30 days. The quarter ending Dec 31, 2022 is
    # due Jan 30, 2023, after `until`.
    assert quarters == {
        "quarterly-2021-09": ("2021-07-01", "2021-09-30", "2021-10-30"),
        "quarterly-2021-12": ("2021-10-01", "2021-12-31", "2022-01-30"),
        "quarterly-2022-03": ("2022-01-01", "2022-03-31", "2022-04-30"),
        "quarterly-2022-06": ("2022-04-01", "2022-06-30", "2022-07-30"),
        "quarterly-2022-09": ("2022-07-01", "2022-09-30", "2022-10-30"),
    }
    assert found["quarterly-2022-03"]["due_rule"] == "30 days after Mar 31, 2022"
    assert found["quarterly-2022-03"]["target"] == "30 days after Mar 31, 2022"
    months = {k: (v["period_end"], v["due"]) for k, v in found.items() if k.startswith("monthly")}
    # Jan 31 + 15 = Feb 15; Feb 29 (2024 is a leap year) + 15 = Mar 15; Mar 31 + 15 = Apr 15;
    # Apr 30 + 15 = May 15 is after `until`.
    assert months == {
        "monthly-2024-01": ("2024-01-31", "2024-02-15"),
        "monthly-2024-02": ("2024-02-29", "2024-03-15"),
        "monthly-2024-03": ("2024-03-31", "2024-04-15"),
    }
    done = cli("done", "quarterly-2022-03", "--guide", str(guide), "--as-of", "2022-04-20")
    assert done.exit_code == 0, done.output
    again = rows(cli, guide, as_of="2022-04-20")
    assert again["quarterly-2022-03"]["status"] == "done"


def test_a_quarterly_report_without_until_always_shows_the_next_one(cli, tmp_path: Path) -> None:
    guide = write(tmp_path, COHORT + QUARTERLY.split("  - id: monthly")[0].replace(
        "    until: 2022-12-31\n", ""))  # fmt: skip
    ids = [k for k in rows(cli, guide, as_of="2023-02-01") if k.startswith("quarterly")]
    # Through the first one due after Feb 1, 2023: the quarter ending Dec 31, 2022 (due Jan 30,
    # 2023) is past; the one ending Mar 31, 2023 (due Apr 30) is next.
    assert ids[-2:] == ["quarterly-2022-12", "quarterly-2023-03"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    period: {start: 2020-07-01, end: 2020-12-31}\n", ""), "'after: period' needs"),
        (("after: report-1}", "after: report-9}"), "no activity has the id 'report-9'"),
        (("after: report-1}", "after: second-follow-up}"), "depends on itself"),
        (
            (
                "{days: 30, after: period}\n  - id: report-2",
                "{days: -3, after: period}\n  - id: report-2",
            ),
            "'days' must be a whole number",
        ),
        (("after: 2021-06-30", "after: tomorrow"), "no activity has the id 'tomorrow'"),
        (("2020-07-01, end: 2020-12-31", "2020-12-31, end: 2020-07-01"), "the period ends"),
    ],
)
def test_a_wrong_rule_is_named_with_its_line(cli, tmp_path: Path, change, message) -> None:
    guide = write(tmp_path, COHORT.replace(*change, 1))
    result = cli("validate", str(guide))
    assert result.exit_code == 3, result.output
    assert message in result.stderr
    assert "line " in result.stderr


def test_a_repeating_report_cannot_be_due_after_another_activity(cli, tmp_path: Path) -> None:
    text = COHORT + QUARTERLY.replace("{days: 30, after: period}", "{days: 30, after: report-1}")
    result = cli("validate", str(write(tmp_path, text)))
    assert result.exit_code == 3
    assert "quarterly activity's due date must be a date or 'after: period'" in result.stderr


# -- optional work ----------------------------------------------------------------------------


def test_optional_work_is_never_overdue_and_never_fails_check(cli, cohort: Path) -> None:
    # Everything but the survey done; the survey was due Mar 1, 2021, long past.
    args = ("--guide", str(cohort))
    ids = ["plan-submit", "report-1", "report-2", "follow-up", "second-follow-up", "closing"]
    done = cli("done", *ids, "--on", "2021-01-04", "--as-of", "2021-08-01", *args)
    assert done.exit_code == 0, done.output
    found = rows(cli, cohort, as_of="2021-08-01")
    assert found["survey"]["status"] == "optional"
    assert found["survey"]["required_for"] == "optional"
    check = cli("status", "--check", "--as-of", "2021-08-01", *args)
    assert check.exit_code == 0, check.output
    assert "Nothing is overdue" in check.stdout
    exported = json.loads(cli("export", "json", "--as-of", "2021-08-01", *args).stdout)
    # 6 of the 7 counted, and the survey is not one of them: 100% of the required work.
    counted = {s["step"]: (s["done"], s["total"]) for s in exported["progress"]}
    assert counted == {"plan": (1, 1), "report": (5, 5)}
    assert "5/5" in check.stdout and "100%" in check.stdout
    listed = cli("list", "--as-of", "2021-08-01", *args)
    assert "Optional: never overdue, not counted in the progress" in listed.stdout
    shown = cli("show", "survey", "--as-of", "2021-08-01", *args)
    assert "optional" in shown.stdout


def test_optional_work_can_be_done_and_still_does_not_count(cli, cohort: Path) -> None:
    args = ("--guide", str(cohort), "--as-of", "2021-03-02")
    assert cli("done", "survey", *args).exit_code == 0
    assert rows(cli, cohort, as_of="2021-03-02")["survey"]["status"] == "done"
    exported = json.loads(cli("export", "json", *args).stdout)
    assert {s["step"]: (s["done"], s["total"]) for s in exported["progress"]} == {
        "plan": (0, 1),
        "report": (0, 5),
    }


def test_catching_up_leaves_optional_work_alone(cli, cohort: Path) -> None:
    result = cli("done", "--through", "2021-12-31", "--yes", "--guide", str(cohort),
                 "--as-of", "2021-12-31")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert rows(cli, cohort, as_of="2021-12-31")["survey"]["status"] == "optional"


def test_optional_applies_whatever_the_track(cli, cohort: Path) -> None:
    for track in ("new", "continuing"):
        state = cohort.parent / f"{track}.yaml"
        init = cli("init", "--lea", "Sample", "--track", track, "--guide", str(cohort),
                   "--state", str(state))  # fmt: skip
        assert init.exit_code == 0, init.output
        found = rows(cli, cohort, "--state", str(state), as_of="2021-08-01")
        assert found["survey"]["status"] == "optional"


def test_required_for_names_every_value_when_wrong(cli, cohort: Path, tmp_path: Path) -> None:
    guide = write(tmp_path, COHORT.replace("required_for: optional", "required_for: maybe"))
    result = cli("validate", str(guide))
    assert result.exit_code == 3
    assert "all, new, continuing, optional" in result.stderr
