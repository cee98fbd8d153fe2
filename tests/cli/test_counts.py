"""Counts that agree: ongoing work beside a step, an ambiguous word's list, the counted line."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


# -- counts that agree ------------------------------------------------------------------


def _step_line(text: str, step: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(step + " "))


def test_ongoing_beside_a_step_is_the_work_going_on_as_the_footer_lists_it(cli) -> None:
    ok(cli("done", "step1-team-meetings", "--as-of", "2024-11-05"))
    shown = ok(cli("status", "--as-of", "2024-11-05"))
    assert "ongoing" not in _step_line(shown, "Step 4")  # implementing begins Dec 6
    assert "+ 1 ongoing" in _step_line(shown, "Step 1")
    assert "Ongoing (1, not counted in the progress): step1-partner-meetings" in " ".join(
        shown.split()
    )
    later = ok(cli("status", "--as-of", "2025-01-15"))
    assert "+ 2 ongoing" in _step_line(later, "Step 4")


def test_an_ambiguous_word_says_how_many_it_lists(cli) -> None:
    result = cli("note", "plan", "x", "--as-of", "2024-11-05")
    assert result.exit_code == 2, result.output
    listed = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    said = " ".join(result.stderr.split())
    assert "'plan' matches 2 activities" in said
    assert f"{len(listed) - 2} more have it in their title" in said and len(listed) > 2


def test_the_counted_line_says_recommended_work_counts_once_done(cli) -> None:
    ok(cli("init", "--lea", "Beta USD", "--track", "continuing", "--as-of", "2024-04-01"))
    shown = " ".join(ok(cli("status", "--as-of", "2024-11-05")).split())
    assert "work only recommended for your track (until it is done) not counted" in shown
