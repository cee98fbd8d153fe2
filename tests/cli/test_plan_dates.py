"""`plan`: a year typo refused, an own date on ongoing work a target of its own, the quoting hint
for an unquoted date, and doctor once the work is done."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plan_with_a_year_typo_is_refused_and_a_date_before_the_window_warned(cli) -> None:
    typo = cli("plan", "case-study", "--due", "2019-01-01", "--as-of", "2024-05-01")
    assert typo.exit_code == 2, typo.output
    assert "Is the year a typo?" in typo.stderr
    early = cli("plan", "step3-approvals", "--due", "2024-10-15", "--as-of", "2024-05-01")
    assert early.exit_code == 0, early.output
    assert "before step3-approvals's window opens (Fri Nov 1, 2024)" in " ".join(
        early.stderr.split()
    )


# -- your own date on ongoing work -------------------------------------------------------


def test_an_own_date_on_ongoing_work_is_a_target_of_its_own(cli, cli_json) -> None:
    planned = cli("plan", "step1-team-meetings", "--due", "2024-10-01", "--as-of", "2024-09-01")
    assert planned.exit_code == 0, planned.output
    assert "the guide sets none" in " ".join(planned.stdout.split())
    shown = cli("show", "step1-team-meetings", "--as-of", "2024-11-01")
    said = " ".join(shown.stdout.split())
    assert "the guide's too" not in said
    assert "your own date; the guide sets none (ongoing work)" in said
    assert "overdue against your own date" in said
    row = cli_json("show", "step1-team-meetings", "--as-of", "2024-11-01")
    assert row["guide_due"] is None and row["own_due"] == "2024-10-01"
    assert row["measured_against"] == "district"
    # Counted by --check once past your own date (the README says so), not before.
    assert cli("status", "--check", "--as-of", "2024-03-20").exit_code == 0
    late = cli("status", "--check", "--as-of", "2024-11-01")
    assert late.exit_code == 1
    assert "Your own date; the guide sets none" in " ".join(late.stdout.split())


def test_plan_due_with_an_unquoted_date_gets_the_quoting_hint(cli) -> None:
    result = cli("plan", "case-study", "--due", "June", "14,", "2024", "--as-of", "2024-05-01")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert '--due "June 14, 2024", or as 2024-06-14' in said


def test_doctor_says_nothing_of_a_later_own_date_once_the_work_is_done(cli) -> None:
    ok(cli("plan", "case-study", "--due", "2024-07-30", "--as-of", "2024-05-01"))
    before = cli("doctor")
    assert "your date for step1-case-study" in " ".join(before.output.split())
    ok(cli("done", "case-study", "--on", "2024-06-20", "--as-of", "2024-06-25"))
    after = cli("doctor")
    assert "your date for step1-case-study" not in " ".join(after.output.split())
