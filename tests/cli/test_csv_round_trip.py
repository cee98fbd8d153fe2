"""`export csv` then `done --from` of the same file changes nothing, whatever the notes and
titles hold: the reader takes the delimiter from the header line and reads quotes the standard
way, never guessing the file's punctuation from the rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from cimsig.cli import app

AS_OF = "2024-12-01"
# An early row and the last rows of the file: a note after the first 4 KB is read too.
NOTED = ("step2-theory-of-action", "step4-budget-amendment", "step3-budget-forms")


def run(state: Path, *args: str) -> Result:
    words = list(args)
    at = words.index("--") if "--" in words else len(words)
    words[at:at] = ["--as-of", AS_OF]
    env = {"CIMSIG_STATE": str(state)}
    return CliRunner().invoke(app, words, env=env, catch_exceptions=False)


def round_trip(folder: Path, notes: dict[str, str], title: str | None = None) -> Result:
    """Record `notes` (id -> note, each done on Nov 1), export csv, read it back with --yes."""
    state = folder / "plan.yaml"
    assert run(state, "init", "--lea", "Sierra USD", "--track", "new").exit_code == 0
    if title is not None:
        added = run(state, "add", "--step=step3", "--due=2024-12-20", "--", title)
        assert added.exit_code == 0, added.output
    for activity_id, note in notes.items():
        done = run(state, "done", activity_id, "--on", "2024-11-01", f"--note={note}")
        assert done.exit_code == 0, done.output
    exported = run(state, "export", "csv", "-o", str(folder / "plan.csv"))
    assert exported.exit_code == 0, exported.output
    before = state.read_bytes()
    result = run(state, "done", "--from", str(folder / "plan.csv"), "--yes")
    assert result.exit_code == 0, result.output
    assert "Corrected" not in result.output, result.output
    assert "Nothing to record" in result.output, result.output
    assert state.read_bytes() == before
    return result


def test_a_quoted_word_in_a_note_after_the_first_4_kb_is_kept(tmp_path: Path) -> None:
    # The trial's case: the note of a row after the first 4 KB, with a quoted word and a comma.
    result = round_trip(tmp_path, {"step4-budget-amendment": 'Board said "yes", approved 5-0'})
    assert "2 already recorded so" not in result.output
    assert "1 already recorded so" in result.output


def test_a_semicolon_file_from_excel_in_europe_is_still_read(tmp_path: Path) -> None:
    """The delimiter comes from the header: a semicolon file (commas inside notes quoted) is
    read, and a note's semicolons stay in the note."""
    state = tmp_path / "plan.yaml"
    assert run(state, "init", "--lea", "Sierra USD", "--track", "new").exit_code == 0
    sheet = tmp_path / "eu.csv"
    sheet.write_text(
        'id;done_on;note\nstep2-theory-of-action;2024-11-01;"a; b, ""c"""\n', encoding="utf-8"
    )
    result = run(state, "done", "--from", str(sheet), "--yes")
    assert result.exit_code == 0, result.output
    shown = run(state, "show", "step2-theory-of-action")
    assert 'a; b, "c"' in shown.output, shown.output


NOTE_TEXT = st.text(
    alphabet=st.sampled_from(list("\"',;\n\t\r =+-@ab Zé€中\u05d0\u0627👩🏽\u200d🏫\u202e\x1b|\\")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(notes=st.lists(NOTE_TEXT, min_size=3, max_size=3), title=NOTE_TEXT)
def test_export_csv_then_done_from_changes_nothing(notes: list[str], title: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        round_trip(Path(folder), dict(zip(NOTED, notes, strict=True)), title)
