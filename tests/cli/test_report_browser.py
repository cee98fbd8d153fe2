"""The HTML report in a real browser: headless Chromium driven by Playwright (the system's
Chromium, no browser download), with axe-core (axe-playwright-python) for WCAG 2.1 AA.

Skipped, saying what to install, where Playwright or Chromium is missing. Slow: one browser for
the module, five widths, one PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

pytestmark = pytest.mark.slow

AS_OF = "2024-10-15"
WIDTHS = [1280, 900, 768, 740, 390]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
EMAIL_OWNER = "maria.lopez-director@alpha-unified.k12.ca.us"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium is not installed: apt-get install chromium")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="pip install -e '.[test]' (Playwright from PyPI)"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def report_file(cli: Callable[..., Result], tmp_path: Path) -> Path:
    """Alpha USD in October 2024, with what made the page too wide at tablet widths: an owner
    that is an e-mail address, a long word in a note, a note of several lines."""

    def run(*args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, result.output

    run("init", "--lea", "Alpha USD", "--track", "new")
    run("done", "--through", "2024-07-10", "--on", "2024-07-10", "--yes", "--as-of", "2024-07-10")
    run("assign", "step2-root-causes-meeting", EMAIL_OWNER)
    run("assign", "step2-submit-stepwell", "Sam Chen")
    run("note", "step2-theory-of-action", "Draft sent:\n- to the SELPA\n" + "x" * 80)
    target = tmp_path / "report.html"
    run("export", "html", "--as-of", AS_OF, "-o", str(target))
    return target


@pytest.mark.parametrize("width", WIDTHS)
def test_no_sideways_scrolling_and_no_axe_violation(browser, report_file: Path, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(report_file.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        violations = results.response["violations"]
        assert [(v["id"], len(v["nodes"])) for v in violations] == []
    finally:
        page.close()


def test_the_first_screen_says_where_the_plan_stands(browser, report_file: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(report_file.as_uri())
        figures = page.locator(".figures")
        box = figures.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800  # seen without scrolling
        text = " ".join(figures.inner_text().split())
        assert "42% done 17 of 40 activities" in text
        assert "2 overdue Sam Chen: 1 · no owner yet: 1" in text
        assert "16 days left to the next deadline Thu Oct 31, 2024" in text
    finally:
        page.close()


def test_printed_every_page_names_the_district_and_its_number(
    browser, report_file: Path, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    page = browser.new_page()
    try:
        page.goto(report_file.as_uri())
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(page.pdf(format="Letter"))
    finally:
        page.close()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert 1 < len(pages) <= 12
    for number, content in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in content
        assert "Alpha USD · As of Tue Oct 15, 2024" in content
    # A note keeps its line breaks on paper too.
    assert re.search(r"Draft sent:\s*\n\s*- to the SELPA", text)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_all_districts_index_page(
    browser, cli: Callable[..., Result], tmp_path: Path, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for name in ("Alpha <b>USD</b>", "Beta USD"):
        assert cli("district", "add", name, "--track", "new").exit_code == 0
    out = tmp_path / "reports"
    result = cli("export", "html", "--all-districts", "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((out / "index.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        results = Axe().run(page)
        assert [v["id"] for v in results.response["violations"]] == []
        page.get_by_role("link", name="Alpha <b>USD</b>").click()
        assert page.url.endswith("alpha-b-usd-b-cim-sigdis-2024.html")
        assert page.locator("h1").inner_text() == "Alpha <b>USD</b>: progress on the pacing guide"
    finally:
        page.close()
