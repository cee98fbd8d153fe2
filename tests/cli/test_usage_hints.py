"""Options typed after `--`: named, and the hint puts them first."""

from __future__ import annotations


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


# -- options typed after `--` ------------------------------------------------------------


def test_options_after_double_dash_are_named_and_the_hint_puts_them_first(cli, cli_json) -> None:
    result = cli("note", "theory-of-action", "--", "- call back", "--as-of", "2024-10-15")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    hint = 'cimsig note theory-of-action --as-of 2024-10-15 -- "- call back"'
    assert hint in said and '--as-of 2024-10-15"' not in said
    assert cli_json("show", "theory-of-action", "--as-of", "2024-10-20")["notes"] == []
    # The hint, followed, works: the note is dated Oct 15.
    ok(cli("note", "theory-of-action", "--as-of", "2024-10-15", "--", "- call back"))
    notes = cli_json("show", "theory-of-action", "--as-of", "2024-10-20")["notes"]
    assert [n["text"] for n in notes] == ["- call back"] and notes[0]["at"].startswith("2024-10-15")
