"""The HTML report holds no control characters from user text."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_html_report_has_no_control_characters(cli, tmp_path) -> None:
    ok(cli("init", "--lea", "Esc\x1b[31m USD", "--as-of", "2024-04-01"))
    ok(cli("note", "case-study", "red \x1b[31mtext\x07", "--as-of", "2024-06-01"))
    ok(cli("assign", "case-study", "Ana \x1b[1mB", "--as-of", "2024-06-01"))
    target = tmp_path / "r.html"
    ok(cli("export", "html", "--as-of", "2024-09-09", "-o", str(target)))
    page = target.read_text("utf-8")
    assert "\x1b" not in page and "\x07" not in page
    assert "red [31mtext" in page and "Ana [1mB" in page  # the words kept
