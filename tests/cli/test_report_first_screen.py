"""The HTML report's first screen and details a reader notices, read back from the page that
`cimsig export html` writes (fast: no browser)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from typer.testing import Result


def squash(html: str) -> str:
    """The page's words, tags and runs of white space left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def page(cli: Callable[..., Result]) -> Callable[..., str]:
    def run(*args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, result.output

    run("init", "--lea", "Beta USD", "--track", "continuing")
    run("done", "--through", "2024-04-30", "--on", "2024-04-30", "--yes", "--as-of", "2024-04-30")
    run("assign", "step1-data-drill-down", "Maria Lopez")
    run("assign", "step1-infrastructure-analysis", "Maria Lopez")
    run("assign", "step2-theory-of-action", "Sam Chen")
    run("note", "step2-theory-of-action", "Line one\nLine two")

    def export(as_of: str = "2024-10-15") -> str:
        result = cli("export", "html", "--as-of", as_of)
        assert result.exit_code == 0, result.output
        return result.stdout

    return export


def test_the_first_screen_answers_where_the_plan_stands(page) -> None:
    html = page()
    glance = squash(section(html, "glance"))
    # Before anything else on the page but the title.
    assert html.index('id="glance"') < html.index('class="facts"')
    assert "19% done 7 of 37 activities" in glance
    assert "9 overdue no owner yet: 7 · Maria Lopez: 2" in glance
    assert "16 days left to the next deadline Thu Oct 31, 2024 : Conduct Educational" in glance
    # The totals are the steps' totals added up.
    progress = squash(section(html, "progress"))
    steps = re.findall(r"(\d+) of (\d+) \(\d+%\)", progress)
    assert sum(int(done) for done, _ in steps) == 7
    assert sum(int(total) for _, total in steps) == 37
    assert "(37 activities counted; " in progress


def test_bars_show_done_overdue_and_what_is_left(page) -> None:
    progress = section(page(), "progress")
    step1 = progress[progress.index("#step-step1") :]
    step1 = step1[: step1.index("</tr>")]
    done = re.search(r'part-done" style="width: ([\d.]+)%', step1)
    late = re.search(r'part-overdue" style="width: ([\d.]+)%', step1)
    assert done and late
    # Step 1 as of Oct 15: 10 counted, 3 done (in April), the other 7 overdue.
    assert (float(done.group(1)), float(late.group(1))) == (30.0, 70.0)
    assert 'class="c-overdue">7<' in step1


def test_a_workload_table_with_the_unassigned(page) -> None:
    workload = squash(section(page(), "workload"))
    assert "Maria Lopez 2 2" in workload
    assert "Sam Chen 1 0" in workload
    assert re.search(r"No owner yet 29 7", workload)


def test_optional_work_is_never_late_and_notes_keep_their_lines(page) -> None:
    html = page("2026-11-29")
    checklist = squash(section(html, "checklist"))
    recommended = re.findall(r"☆ Recommended (.{0,40})", checklist)
    assert recommended
    assert not any("late" in text.split("Recommended")[0] for text in recommended)
    assert '<span class="text">Line one\nLine two</span>' in html
    assert ".text { white-space: pre-line; }" in html


def test_the_report_time_is_the_guides_and_the_timeline_can_be_focused(page) -> None:
    html = page()
    assert "Report made</dt><dd><time" in html
    made = re.search(r"Report made</dt><dd><time[^>]*>([^<]+)<", html)
    assert made and made.group(1).endswith("PST")  # the fixed test clock, 09:00 Pacific
    assert re.search(r'<div class="scroll" tabindex="0" role="region" aria-label="[^"]+">', html)


def test_a_district_name_cannot_break_out_of_the_printed_footer(cli) -> None:
    hostile = 'Alpha "USD" </style><script>alert(1)</script> \\ \x1b[2J'
    assert cli("init", "--lea", hostile).exit_code == 0
    result = cli("export", "html", "--as-of", "2024-10-15")
    assert result.exit_code == 0, result.output
    html = result.stdout
    style = html[html.index("<style>") : html.index("</style>")]
    footer = re.search(r'@bottom-left \{ content: "([^"]*)";', style)
    assert footer is not None
    # Every character but letters, digits and spaces is a CSS escape; the words remain.
    assert re.fullmatch(r"(?:[A-Za-z0-9 ]|\\[0-9a-f]+ )*", footer.group(1))
    assert footer.group(1).startswith("Alpha \\22 USD\\22  \\3c \\2f style\\3e")
    assert "<script>" not in html and html.count("</style>") == 1
