"""The HTML report (cimsig export html): its structure and escaping read back with the standard
library's html.parser, then the page itself opened in headless Chromium (skipped, with how to
install it, where Chromium is missing)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import Result

from cimsig import report_html, schedule
from cimsig.guide import load_guide
from cimsig.store import StateFile
from cimsig.workspace import Workspace


def open_workspace(guide, path: Path, as_of: dt.date) -> Workspace:
    state_file = StateFile(path)
    return Workspace(
        guide, state_file, state_file.read().as_it_stood(as_of, guide.time_zone), as_of
    )


AS_OF = "2024-10-15"
MADE_AT = dt.datetime(2024, 10, 15, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7), "PDT"))
NOTE = '<script>alert(1)</script> draft [v2] & "final" {{ review }}'
OWNER = "J. Park <Special Ed>"
PREPARATION = (
    "prep-intro-recordings", "prep-virtual-meeting", "prep-assurance", "prep-mou-meeting",
    "prep-fmta-meeting",
)  # fmt: skip
STEP1_DONE = (
    "step1-identify-team", "step1-workshop-a-prework", "step1-workshop", "step1-data-drill-down",
    "step1-infrastructure-analysis", "step1-step2-prework", "step1-step2-workshop",
    "step1-policies-practices", "step1-case-study", "step1-parent-input", "step1-fmta-checkin",
    "step1-submit-stepwell",
)  # fmt: skip


# -- a district half-way through the guide --------------------------------------------------------


@pytest.fixture
def district(cli: Callable[..., Result], state_path: Path) -> Path:
    """Alpha USD on October 15, 2024: Preparation and Step 1 done, Step 2 begun; two owners,
    a note that looks like markup, a date of its own and an activity of its own."""

    def run(*args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, result.output

    run("init", "--lea", "Alpha USD", "--track", "new")
    run("done", *PREPARATION, "--as-of", "2024-04-20", "--on", "2024-04-18", "--note", "Signed")
    run("done", *STEP1_DONE, "--as-of", "2024-07-10")
    run("done", "step2-root-causes", "step2-initiative-inventory", "--as-of", "2024-10-01")
    run("assign", "step2-theory", "Dr. Rosa Medina")
    run("assign", "step3-action-plan", OWNER)
    run("note", "step2-theory", NOTE)
    run("plan", "step3-finalize-plan", "--due", "2024-10-25")
    run("add", "Present the plan to the school board", "--step", "step3", "--due", "2024-11-14")
    return state_path  # fmt: skip


def context(state: Path, as_of: str = AS_OF) -> dict[str, object]:
    ws = open_workspace(load_guide(), state, dt.date.fromisoformat(as_of))
    return report_html.report_context(ws, MADE_AT)


def report(state: Path, as_of: str = AS_OF) -> str:
    return report_html.render_report(context(state, as_of))


# -- reading the page back ------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a page the tests look at: elements, headings, tables, text."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "br",
        "link",
        "img",
        "input",
        "hr",
        "col",
        "source",
        "wbr",
        "area",
    }

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.open: list[str] = []
        self.chunks: list[str] = []
        self.tables: list[dict[str, int]] = []
        self._heading: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag == "table":
            self.tables.append({"thead_th": 0, "th": 0, "td": 0, "th_no_scope": 0})
        if tag in ("th", "td") and self.tables:
            self.tables[-1][tag] += 1
            if tag == "th" and "thead" in self.open:
                self.tables[-1]["thead_th"] += 1
            if tag == "th" and "scope" not in dict(attrs):
                self.tables[-1]["th_no_scope"] += 1
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading).split())))
            self._heading = None
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "style" in self.open:
            return
        self.chunks.append(data)
        if self._heading is not None:
            self._heading.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- structure and escaping (fast: the standard library's parser) ---------------------------------


def test_the_page_names_the_district_guide_and_dates(district: Path) -> None:
    page = Page(report(district))
    assert page.named("html") == [{"lang": "en"}]
    assert page.headings[0] == (1, "Alpha USD: progress on the pacing guide")
    text = page.text
    assert "2024 CIM for Sig Dis Plan for Improvement Development Pacing Guide" in text
    assert "As of Tue Oct 15, 2024" in text
    assert "Report made Tue Oct 15, 2024 at 09:30 PDT" in text
    assert [h for h in page.headings if h[0] == 2][:6] == [
        (2, "At a glance"),
        (2, "Progress by step"),
        (2, "Who has what"),
        (2, "Overdue (2)"),
        (2, "In progress now (6)"),
        (2, "Due in the next 30 days (7)"),
    ]


def test_one_h1_and_headings_never_skip_a_level(district: Path) -> None:
    page = Page(report(district))
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), page.headings


def test_every_table_has_header_cells_with_a_scope(district: Path) -> None:
    page = Page(report(district))
    assert len(page.tables) >= 9  # progress, workload, 3 summaries, 5 steps
    for table in page.tables:
        assert table["thead_th"] >= 3, table
        assert table["th_no_scope"] == 0, table


def test_a_note_that_looks_like_markup_is_shown_as_text(district: Path) -> None:
    html = report(district)
    page = Page(html)
    assert page.named("script") == []
    assert _squash(NOTE) in page.text
    assert OWNER in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<Special Ed>" not in html
    # Jinja2 does not read template syntax inside a value either.
    assert "{{ review }}" in page.text


def test_self_contained_no_script_no_network(district: Path) -> None:
    html = report(district)
    page = Page(html)
    assert page.named("link") == [] and page.named("img") == [] and page.named("iframe") == []
    assert all("src" not in attrs for _, attrs in page.tags)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html)
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert len(page.named("style")) == 1
    assert len(page.named("svg")) == 1  # the timeline, inline


def test_under_300_kb(district: Path) -> None:
    assert len(report(district).encode("utf-8")) < 300_000


def test_every_activity_is_in_the_checklist_with_its_facts(district: Path) -> None:
    ctx = context(district)
    page = Page(report(district))
    rows = {attrs["id"] for attrs in page.named("tr") if attrs.get("id")}
    ws = open_workspace(load_guide(), district, dt.date.fromisoformat(AS_OF))
    assert rows == {f"a-{a.id}" for a in ws.activities}
    assert len(rows) == 45  # the guide's 44 and the district's own
    for activity in ws.activities:
        assert _squash(activity.title) in page.text
        assert _squash(activity.target) in page.text
    steps = ctx["steps"]
    assert isinstance(steps, list)
    # Ongoing work is beside the count, not in it: the same counts as `status` and `export md`
    # (Step 4's, implementing the plan, begins with the approved plan, after Oct 15).
    assert [(s["name"], s["done"], s["total"], s["ongoing"]) for s in steps] == [
        ("Preparation", 5, 5, 0), ("Step 1", 12, 12, 2), ("Step 2", 2, 5, 0),
        ("Step 3", 0, 9, 0), ("Step 4", 0, 10, 0),
    ]  # fmt: skip
    assert "Ongoing work (2) is not counted." in page.text
    hrefs = {attrs.get("href") for attrs in page.named("a")}
    assert {"https://spptap.org/", "https://spptap.org/2024-cceis-materials/step-1/",
            "https://www.cde.ca.gov/sp/se/qa/sigdisp.asp"} <= hrefs  # fmt: skip


def test_checklist_rows_say_status_late_dates_owner(district: Path) -> None:
    ctx = context(district)
    rows = {r["id"]: r for s in ctx["steps"] for r in s["activities"]}  # type: ignore[attr-defined]
    intro = rows["prep-intro-recordings"]
    assert (intro["status_label"], intro["done_text"]) == ("Done", "Thu Apr 18, 2024")
    assert intro["late"] == "done 17 days late"  # due April 1
    assert rows["step3-fmta-checkin-october"]["late"] == "6 days late"
    finalize = rows["step3-finalize-plan"]
    assert finalize["guide_dates"] == "Oct 1 - Oct 31, 2024"
    assert finalize["own_dates"] == "Oct 1 - Oct 25, 2024"
    theory = rows["step2-theory-of-action"]
    assert theory["owner"] == "Dr. Rosa Medina"
    assert [n["text"] for n in theory["notes"]] == [NOTE]
    own = rows["district-present-the-plan"]
    assert (own["guide_dates"], own["own_dates"]) == ("", "Thu Nov 14, 2024")
    assert rows["prep-assurance"]["submit_to"] == [
        {"text": "intensivemonitoring@cde.ca.gov", "href": "mailto:intensivemonitoring@cde.ca.gov",
         "address": None}
    ]  # fmt: skip


def test_in_progress_overdue_and_next_30_days(district: Path) -> None:
    ctx = context(district)

    def ids(key: str) -> list[str]:
        return [r["id"] for r in ctx[key]]  # type: ignore[attr-defined]

    assert ids("overdue") == ["step3-fmta-checkin-october", "step2-submit-stepwell"]
    in_progress = ctx["in_progress"]
    assert all(r["status"] == schedule.OPEN for r in in_progress)  # type: ignore[attr-defined]
    assert ids("in_progress")[0] == "step3-finalize-plan"  # its own date, Oct 25, comes first
    dues = [r["due"] for r in in_progress]  # type: ignore[attr-defined]
    assert dues == sorted(dues)
    assert ids("soon")[-1] == "district-present-the-plan"  # Nov 14: the 30th day counts
    assert ctx["in_progress"][0]["days_text"] == "10 days left"  # type: ignore[index]


def test_the_page_on_the_first_day_without_a_district(state_path: Path) -> None:
    page = Page(report(state_path, "2024-03-01"))
    assert page.headings[0] == (1, "progress on the pacing guide")
    assert "Nothing is overdue." in page.text
    assert "District Not set ( cimsig init --lea NAME )" in page.text


def test_resources_with_a_web_address_become_links_that_print_it() -> None:
    assert report_html._link("Step 1 Materials Page") == {
        "text": "Step 1 Materials Page",
        "href": None,
        "address": None,
    }
    assert report_html._link("Step 1 Materials: https://www.cde.ca.gov/sp/se/") == {
        "text": "Step 1 Materials", "href": "https://www.cde.ca.gov/sp/se/",
        "address": "https://www.cde.ca.gov/sp/se/"}  # fmt: skip
    assert report_html._link("https://example.org/x")["address"] is None


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colors_reach_wcag_aa() -> None:
    page, stripe = report_html.PAGE_COLOR, "#f6f8fa"  # the timeline's every other row
    for text in (report_html.TEXT_COLOR, report_html.MUTED_COLOR, "#0550ae", "#6639ba"):
        assert contrast(text, page) >= 4.5, text
        assert contrast(text, stripe) >= 4.5, text
    for status, (text, tint, _) in report_html.STATUS_COLORS.items():
        for background in (page, tint, stripe):
            assert contrast(text, background) >= 4.5, (status, background)


def test_every_status_has_a_word_and_a_symbol() -> None:
    assert set(report_html.STATUS_LABEL) == set(schedule.STATUSES)
    assert len(set(report_html.STATUS_SYMBOL.values())) == len(schedule.STATUSES)


def test_export_html_command(cli: Callable[..., Result], district: Path, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr("cimsig.environment.now", lambda: MADE_AT)
    out = tmp_path / "report.html"
    result = cli("export", "html", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}." in result.stderr
    assert out.read_text(encoding="utf-8") == report(district)
    shown = cli("export", "html", "--as-of", AS_OF)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("<!DOCTYPE html>")


def test_export_html_help(cli: Callable[..., Result]) -> None:
    result = cli("export", "html", "--help")
    assert result.exit_code == 0, result.output
    assert "web browser" in result.stdout


# -- in a real browser: headless Chromium ---------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed: apt-get install chromium")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / "chromium-profile"
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-extensions", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done


def write_report(state: Path, tmp_path: Path, *, extra_head: str = "") -> Path:
    html = report(state)
    if extra_head:
        html = html.replace("</head>", extra_head + "</head>", 1)
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.slow
def test_browser_dom_holds_the_district_titles_and_the_escaped_note(
    district: Path, tmp_path: Path
) -> None:
    page_file = write_report(district, tmp_path)
    dom = run_chromium(tmp_path, "--dump-dom", page_file.as_uri()).stdout.decode("utf-8")
    page = Page(dom)
    assert "Alpha USD" in page.text
    ws = open_workspace(load_guide(), district, dt.date.fromisoformat(AS_OF))
    missing = [a.id for a in ws.activities if _squash(a.title) not in page.text]
    assert missing == []
    assert _squash(NOTE) in page.text
    assert page.named("script") == []


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.slow
def test_browser_screenshot(district: Path, tmp_path: Path) -> None:
    page_file = write_report(district, tmp_path)
    shot = tmp_path / "report.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600",
                 "--hide-scrollbars", page_file.as_uri())  # fmt: skip
    assert png_size(shot) == (1280, 1600)
    assert shot.stat().st_size > 20_000  # a page, not a blank


def narrow_window(report_html_text: str, width: int) -> str:
    """A test-only page holding the report in a frame `width` pixels wide, and a script that
    writes into the DOM how wide the report lays out. (Headless Chromium will not make its
    window narrower than 500 pixels, so a phone's width is a frame's.)"""
    import html

    return (
        '<!DOCTYPE html><html lang="en"><body style="margin:0">'
        f'<iframe id="report" style="border:0;width:{width}px;height:900px" '
        f'srcdoc="{html.escape(report_html_text, quote=True)}"></iframe>'
        "<script>addEventListener('load', () => {"
        " const view = document.getElementById('report').contentWindow;"
        " document.body.dataset.innerWidth = view.innerWidth;"
        " document.body.dataset.scrollWidth = view.document.documentElement.scrollWidth;"
        "});</script></body></html>"
    )


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 400])
def test_browser_no_horizontal_scrolling(district: Path, tmp_path: Path, width: int) -> None:
    harness = tmp_path / "narrow.html"
    harness.write_text(narrow_window(report(district), width), encoding="utf-8")
    dom = run_chromium(tmp_path, f"--window-size={width + 100},1000", "--dump-dom",
                       harness.as_uri()).stdout.decode("utf-8")  # fmt: skip
    body = Page(dom).named("body")[0]
    assert body.get("data-inner-width") == str(width)
    assert int(body["data-scroll-width"] or 0) <= width


def pdf_pages(path: Path) -> int:
    """The number of pages in a PDF: its page objects (`/Type /Page`, not `/Pages`)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", path.read_bytes()))


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["letter", "A4"])
def test_browser_prints_the_whole_guide_in_at_most_12_pages(
    district: Path, tmp_path: Path, paper: str
) -> None:
    # The page leaves the paper to the printer; the test picks it with one CSS rule in a copy.
    page_file = write_report(district, tmp_path, extra_head=f"<style>@page {{ size: {paper}; }}"
                                                           "</style>")  # fmt: skip
    pdf = tmp_path / "report.pdf"
    run_chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page_file.as_uri())
    pages = pdf_pages(pdf)
    assert 4 <= pages <= 12, pages
    width = {"letter": b"612", "A4": b"59"}[paper]  # 612 x 792 pt; 595 x 842 pt
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+" + width, pdf.read_bytes())
