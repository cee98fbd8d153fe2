"""`cimsig serve` for real: waitress on a free port (in a thread), headless Chromium driven by
Playwright (the system's Chromium), axe-core on every page at three widths; the terminal and the
page changing the same file. Slow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WIDTHS = [1280, 768, 390]


@pytest.fixture
def server(state_path: Path) -> Iterator[Any]:
    waitress = pytest.importorskip("waitress")
    from cimsig.web import ServeSettings, create_app
    from cimsig.web.server import free_port

    settings = ServeSettings(free_port())
    httpd = waitress.create_server(
        create_app(settings), host="127.0.0.1", port=settings.port, threads=4
    )
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield settings
    httpd.close()


@pytest.fixture
def page(server: Any) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Chromium is not installed: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True)
        tab = context.new_page()
        tab.goto(server.url)
        yield tab
        browser.close()


def cimsig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cimsig", *args], capture_output=True, text=True, check=False,
        timeout=120,
    )  # fmt: skip


def first_activity_link(page: Any) -> Any:
    return page.locator("section[aria-labelledby=overdue-h] a").first


def test_the_weekly_work_by_keyboard_and_mouse(page: Any, state_path: Path) -> None:
    from cimsig.store import StateFile

    assert page.url.endswith("/") and "key=" not in page.url
    assert page.get_by_role("heading", name=re.compile("Weekly check-in")).is_visible()
    link = first_activity_link(page)
    link.click()
    target = page.url.rsplit("/", 1)[1]
    page.get_by_label("Done on").fill("2024-09-03")
    page.get_by_label("Note (optional)").fill("Sent <b>to</b> CDE")
    page.get_by_role("button", name="Mark done").click()
    assert "Marked done" in page.locator("main").inner_text(), page.content()
    assert StateFile(state_path).read().done[target].note == "Sent <b>to</b> CDE"
    page.get_by_label("Who owns it").fill("Ana Ruiz")
    page.get_by_label("Who owns it").press("Enter")  # the keyboard submits the form
    page.get_by_label("Your due date").fill("2025-01-15")
    page.get_by_role("button", name="Plan").click()
    page.get_by_label("A note").fill("Called the SELPA")
    page.get_by_role("button", name="Add note").click()
    state = StateFile(state_path).read()
    assert state.owners[target] == "Ana Ruiz" and target in state.plans
    assert [n.text for n in state.notes[target]] == ["Called the SELPA"]
    page.get_by_role("link", name="History and undo").click()
    assert page.get_by_text("Undo will take back").is_visible()
    page.get_by_role("button", name="Undo").click()
    assert "Undid the last change" in page.get_by_role("status").inner_text()
    assert target not in StateFile(state_path).read().notes
    # catch up: the list first, then one change
    page.get_by_role("link", name="Catch up").click()
    page.get_by_label("Due on or before").fill("2024-09-30")
    page.get_by_role("button", name="Show the list").click()
    confirm = page.get_by_role("button", name=re.compile(r"Mark these \d+ done"))
    confirm.click()
    assert "in one change" in page.get_by_role("status").inner_text()
    # own activities
    page.get_by_role("link", name="Your own activities").click()
    page.get_by_label("Title").fill("Board meeting")
    page.get_by_label("Due").fill("2024-11-05")
    page.get_by_role("button", name="Add activity").click()
    assert page.get_by_role("link", name="Board meeting").is_visible()
    page.get_by_role("button", name="Remove Board meeting").click()
    assert page.get_by_role("link", name="Board meeting").count() == 0
    # a download
    page.get_by_role("link", name="Downloads").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the Spreadsheet (.csv)").click()
    assert info.value.suggested_filename.endswith(".csv")


def test_axe_finds_nothing_on_any_page_at_three_widths(page: Any, server: Any, cli: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = f"http://127.0.0.1:{server.port}"
    first_activity_link(page).click()
    activity = page.url
    page.get_by_role("button", name="Mark done").click()
    assert cli("district", "add", "North Unified").exit_code == 0
    assert cli("district", "add", "South Valley").exit_code == 0
    pages = [f"{base}/?district=north-unified", activity + "?district=north-unified",
             f"{base}/catch-up", f"{base}/own", f"{base}/history", f"{base}/downloads",
             f"{base}/districts", f"{base}/activity/no-such-thing"]  # fmt: skip
    page.goto(f"{base}/")
    page.get_by_role("link", name="North Unified").click()
    assert page.get_by_role("heading", name="Weekly check-in: North Unified").is_visible()
    page.get_by_role("link", name="All districts").click()
    assert page.get_by_role("link", name="South Valley").is_visible()
    axe = Axe()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in pages:
            page.goto(url)
            results = axe.run(page)
            assert results.violations_count == 0, (width, url, results.generate_report())
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (width, url, wide)


def test_the_terminal_and_the_page_at_once_lose_nothing(page: Any, server: Any) -> None:
    """Changes from the page (through the browser's forms) and from `cimsig` in a terminal,
    at the same moment: every one is in the file; the page shows the terminal's."""
    from cimsig.store import StateFile
    from tests.conftest import SEED  # noqa: F401 -- (the seed guide is bundled)

    base = f"http://127.0.0.1:{server.port}"
    page.goto(f"{base}/")
    ids = [a.get_attribute("href").rsplit("/", 1)[1]
           for a in page.locator("section[aria-labelledby=all-h] a").all()[:8]]  # fmt: skip
    terminal = [
        subprocess.Popen([sys.executable, "-m", "cimsig", "note", i, "from the terminal"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in ids[:4]
    ]  # fmt: skip
    for i in ids[4:]:
        page.goto(f"{base}/activity/{i}")
        page.get_by_label("A note").fill("from the page")
        page.get_by_role("button", name="Add note").click()
    for proc in terminal:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    notes = StateFile(server_state()).read().notes
    assert all(i in notes for i in ids), (ids, notes.keys())
    page.goto(f"{base}/activity/{ids[0]}")
    assert "from the terminal" in page.content()


def server_state() -> Path:
    import os

    from cimsig import environment

    env = os.environ.get("CIMSIG_STATE")
    return Path(env) if env else environment.default_state_path("cim-sigdis-2024", bundled=True)
