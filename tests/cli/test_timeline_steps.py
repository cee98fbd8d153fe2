"""A district's own activities sit under their own step in every timeline (the picture, the
report's and the terminal's), not under a second "Step 3" heading after Step 4."""

from __future__ import annotations

import re

import pytest

AS_OF = "2024-12-01"
STEP_NAMES = ["Preparation", "Step 1", "Step 2", "Step 3", "Step 4"]


@pytest.fixture
def own_work(cli) -> None:
    assert cli("init", "--lea", "Sierra USD", "--track", "new").exit_code == 0
    for step, due, title in (("step3", "2024-12-20", "Brief the board"),
                             ("step2", "2024-10-20", "Visit the SELPA")):  # fmt: skip
        added = cli("add", "--step", step, "--due", due, "--", title)
        assert added.exit_code == 0, added.output


def headings(svg: str) -> list[str]:
    return re.findall(r'font-weight="bold">((?:Step \d|Preparation)[^<]*)<', svg)


def row_titles(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", svg)


def test_the_timeline_picture_has_each_step_heading_once_in_order(cli, own_work, tmp_path):
    result = cli("timeline", "--svg", str(tmp_path / "t.svg"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "t.svg").read_text(encoding="utf-8")
    assert headings(svg) == STEP_NAMES
    titles = row_titles(svg)
    brief = next(n for n, t in enumerate(titles) if t.startswith("Brief the board"))
    visit = next(n for n, t in enumerate(titles) if t.startswith("Visit the SELPA"))
    first_step3 = next(n for n, t in enumerate(titles) if "(step3-" in t)
    first_step4 = next(n for n, t in enumerate(titles) if "(step4-" in t)
    assert visit < first_step3 < brief < first_step4


def test_the_reports_timeline_has_each_step_heading_once(cli, own_work, tmp_path):
    result = cli("export", "html", "-o", str(tmp_path / "r.html"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert headings(svg) == STEP_NAMES


def test_the_terminal_timeline_lists_own_work_with_its_step(cli, own_work):
    result = cli("timeline", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    ids = re.findall(r"^\S (\S+)", result.stdout, flags=re.M)
    ids = [i for i in ids if i.startswith(("prep-", "step", "district-"))]
    steps = [
        {"prep": 0, "step1": 1, "step2": 2, "step3": 3, "step4": 4}.get(i.split("-")[0])
        for i in ids
    ]
    own = {"district-visit-the-selpa": 2, "district-brief-the-board": 3}
    steps = [own.get(i, s) for i, s in zip(ids, steps, strict=True)]
    assert set(own) <= set(ids), ids
    assert steps == sorted(steps), ids
