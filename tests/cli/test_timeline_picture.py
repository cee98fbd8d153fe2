"""The timeline: the SVG file is the HTML report's picture, and the terminal chart reads without
colour, keeps its title and legend whole, and leaves out rows with nothing in the range."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def picture(cli, tmp_path: Path, *args: str) -> tuple[str, ET.Element]:
    target = tmp_path / "timeline.svg"
    result = cli("timeline", "--as-of", "2024-10-15", "--svg", str(target), *args)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    return text, ET.fromstring(text.encode("utf-8"))


def row_labels(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def test_the_svg_is_the_reports_light_labelled_picture(cli, tmp_path: Path) -> None:
    assert cli("init", "--lea", "Alpha USD").exit_code == 0
    text, root = picture(cli, tmp_path)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text is not None
    assert title.text.startswith("Alpha USD: timeline of the plan, Mar 1, 2024 to Jan 31, 2027")
    assert desc is not None and "✓ Done" in (desc.text or "")
    # Light, and nothing fetched: no fonts, style sheets or images from anywhere.
    assert root.find(f"{SVG}rect").get("fill") == "#ffffff"
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text)
    assert "@font-face" not in text and "<image" not in text and "<style" not in text
    # Rows are titles under their step's name, not ids; the id is in the tooltip.
    at = {"".join(t.itertext()).strip(): float(t.get("y") or 0) for t in root.iter(f"{SVG}text")}
    row = at["! Identify members of CIM for Sig Dis Team and…"]
    assert at["Step 1"] < row < at["Step 2"]
    assert "step1-identify-team" not in at
    assert "(step1-identify-team)" in text


def test_the_svg_by_step_draws_a_finished_step_done(cli, tmp_path: Path) -> None:
    caught_up = cli("done", "--step", "step1", "--yes", "--as-of", "2024-07-10")
    assert caught_up.exit_code == 0, caught_up.output
    _, root = picture(cli, tmp_path, "--by-step")
    labels = row_labels(root)
    # Step 1's two ongoing activities do not keep it from being done.
    assert "✓ Step 1" in labels
    terminal = cli("timeline", "--as-of", "2024-10-15", "--by-step", "--width", "100")
    assert "✓ Step 1 " in terminal.stdout


def test_the_terminal_chart_reads_without_colour(cli) -> None:
    result = cli("timeline", "--as-of", "2024-10-15", "--width", "100")
    rows = {line[2:].split()[0]: line[0] for line in result.stdout.splitlines()[4:] if "-" in line}
    assert rows["prep-assurance"] == "!"
    assert rows["step1-team-meetings"] == "↻"
    assert rows["step3-approvals"] == "○"
    assert "✓ done  ! overdue  ▶ open  ○ upcoming  ↻ ongoing  ☆ recommended" in result.stdout


def test_from_and_to_leave_out_rows_with_nothing_in_the_range(cli) -> None:
    result = cli("timeline", "--as-of", "2025-01-15", "--from", "2025-01-01", "--to", "2025-06-30")
    assert result.exit_code == 0, result.output
    shown = result.stdout
    assert "step4-budget-amendment" in shown  # due March 31, 2025
    assert "step4-report-2024jul-2025mar" in shown  # due April 10, 2025
    assert "step4-implement" in shown  # ongoing through the range
    assert "prep-assurance" not in shown and "step1-workshop" not in shown
    assert "step4-report-2026apr-jun" not in shown


@pytest.mark.parametrize("columns", ["60", "80"])
def test_the_title_and_legend_are_never_cut(cli, monkeypatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert cli("init", "--lea", "Sample Unified School District of the Valley").exit_code == 0
    result = cli("timeline", "--as-of", "2024-10-15")
    words = " ".join(result.stdout.split())
    assert (
        "Sample Unified School District of the Valley: 2024 CIM for Sig Dis Plan for "
        "Improvement Development Pacing Guide: timeline"
    ) in words
    assert "☆ recommended" in words
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
