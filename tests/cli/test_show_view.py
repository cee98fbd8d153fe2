"""`show`: notes in date order, and candidates when nothing matches."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


# -- smaller slips ----------------------------------------------------------------------


def test_show_lists_notes_in_date_order(cli) -> None:
    ok(cli("note", "case-study", "Second, typed first", "--as-of", "2024-06-12"))
    ok(cli("note", "case-study", "First, typed later", "--as-of", "2024-06-03"))
    shown = ok(cli("show", "case-study", "--as-of", "2024-06-30"))
    assert shown.index("First, typed later") < shown.index("Second, typed first")


def test_show_with_no_match_lists_candidates_and_a_loose_read_says_which(cli) -> None:
    none = cli("show", "rep", "--as-of", "2024-06-30")
    assert none.exit_code == 2, none.output
    assert "step4-report-2025apr-jun" in none.stderr and "No activity has the id 'rep'" in (
        none.stderr
    )
    loose = cli("show", "case-study", "--as-of", "2024-06-30")
    assert loose.exit_code == 0 and "Note: showing step1-case-study." in loose.stderr
    exact = cli("show", "step1-case-study", "--as-of", "2024-06-30")
    assert "Note:" not in exact.stderr
