"""Exports of every district at once: an index page for the reports, JSON like the others, and
-o naming the folder."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

AS_OF = "2024-10-15"


@pytest.fixture
def two(cli) -> None:
    assert cli("district", "add", "Alpha <b>USD</b>", "--track", "new").exit_code == 0
    assert cli("district", "add", "Beta USD", "--track", "continuing").exit_code == 0
    done = cli("done", "prep-assurance", "--district", "beta", "--as-of", "2024-04-01")
    assert done.exit_code == 0, done.output


class Links(HTMLParser):
    """The links of a page and the text of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.rows: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append(re.sub(r"\s+", " ", " ".join(self._row)).strip())
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row.append(data)


def test_the_html_reports_get_an_index_with_the_overviews_numbers(
    cli, cli_json, tmp_path: Path, two
) -> None:
    out = tmp_path / "reports"
    result = cli("export", "html", "--all-districts", "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["alpha-b-usd-b-cim-sigdis-2024.html", "beta-usd-cim-sigdis-2024.html",
                     "index.html"]  # fmt: skip
    page = Links()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    # Every link opens a report that is there.
    assert sorted(page.links) == names[:2]
    rows = page.rows[1:]
    overview = cli_json("overview", "--as-of", AS_OF)
    assert len(rows) == len(overview) == 2
    for row, numbers in zip(rows, overview, strict=True):
        assert row.startswith(numbers["district"])  # the name as text: <b> is not markup
        assert f"{numbers['done']} of {numbers['total']}" in row
    assert rows[0].startswith("Alpha <b>USD</b> 0 of 40 (0%) 19 8 Thu Oct 31, 2024 (16 days left)")
    assert "<b>" not in (out / "index.html").read_text(encoding="utf-8")


def test_json_for_every_district(cli, tmp_path: Path, two) -> None:
    out = tmp_path / "json"
    result = cli("export", "json", "--all-districts", "--folder", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    beta = json.loads((out / "beta-usd-cim-sigdis-2024.json").read_text(encoding="utf-8"))
    assert beta["district"]["lea"] == "Beta USD"
    assert {a["district"] for a in beta["activities"]} == {"Beta USD"}
    assert sum(p["done"] for p in beta["progress"]) == 1


def test_o_names_the_folder_with_all_districts(cli, tmp_path: Path, two) -> None:
    out = tmp_path / "csv"
    result = cli("export", "csv", "--all-districts", "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.csv"))) == 2
    a_file = out / "beta-usd-cim-sigdis-2024.csv"
    refused = cli("export", "csv", "--all-districts", "-o", str(a_file))
    assert refused.exit_code == 2 and "names the folder" in refused.stderr
    both = cli("export", "csv", "--all-districts", "-o", str(out), "--folder", str(out))
    assert both.exit_code == 2 and "give one of them" in both.stderr
    one = cli("export", "csv", "--district", "beta", "-o", str(out))
    assert one.exit_code == 2 and "is a folder; give a file name" in one.stderr
