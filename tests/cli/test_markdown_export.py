"""The Markdown checklist rendered as a reader sees it (markdown-it, CommonMark): a summary line
first, every note with its date inside its activity, and no note line turned into markup."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt


def checklist(cli, as_of: str = "2024-09-09") -> str:
    result = cli("export", "md", "--as-of", as_of)
    assert result.exit_code == 0, result.output
    return result.stdout


def item_html(html: str, activity_id: str) -> str:
    """The rendered list item of one activity (up to the next activity's item)."""
    start = html.index(f"<code>{activity_id}</code>")
    following = html.find("<li>[", start)
    return html[start : following if following != -1 else len(html)]


def test_every_note_is_listed_with_its_date_inside_its_activity(cli) -> None:
    assert cli("done", "prep-assurance", "--on", "2024-04-18", "--note", "Mailed").exit_code == 0
    notes = ["Board asked for the draft", "Draft sent:\n- to the SELPA\n# not a heading", "Seen"]
    for text in notes:
        assert cli("note", "prep-assurance", text).exit_code == 0
    html = MarkdownIt("commonmark").render(checklist(cli))
    item = item_html(html, "prep-assurance")
    assert "Note: Mailed" in item
    # One list inside the item: the three notes, dated, and nothing more.
    inner = re.findall(r"<li>(.*?)</li>", item, re.S)
    assert len(inner) == 3
    assert inner[0] == "Fri Mar 1, 2024: Board asked for the draft"
    # The note's second and third lines stay words in the same note, each on its own line.
    assert inner[1] == "Fri Mar 1, 2024: Draft sent:<br />\n- to the SELPA<br />\n# not a heading"
    assert "<h1>not a heading" not in html


def test_a_summary_line_first(cli) -> None:
    for activity in ("prep-intro-recordings", "prep-virtual-meeting", "prep-assurance"):
        assert cli("done", activity, "--on", "2024-04-01").exit_code == 0
    text = checklist(cli, as_of="2024-10-15")
    lines = [line for line in text.splitlines() if line]
    assert lines[2] == (
        "**Summary: 3 of 40 done (8%) · 16 overdue · next deadline Thu Oct 31, 2024 (16 days "
        "left): Conduct Educational Partners Group Meeting: Data Analysis & Root Causes.**"
    )
    # The summary's totals are the steps' totals added up.
    steps = re.findall(r"\*\*Progress: (\d+) of (\d+) done", text)
    assert sum(int(done) for done, _ in steps) == 3
    assert sum(int(total) for _, total in steps) == 40
