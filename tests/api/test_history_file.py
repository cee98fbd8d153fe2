"""The history in the progress file: one change per line, JSON that is also YAML.

What a user would notice: any text they type survives the round trip exactly, the file stays one
YAML document any YAML tool reads the same, a hand-edited history is still read (and a broken
one named by its line), and a long history does not make every change slow.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cimsig.errors import StateError
from cimsig.records import Plan
from cimsig.state import State
from cimsig.storage import state_format

NOW = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
PATH = Path("progress.yaml")


def _with_note(text: str) -> State:
    state = State(guide="cim-sigdis-2024")
    state.mark_done("prep-assurance", dt.date(2024, 3, 1), NOW)
    state.add_note("prep-assurance", text, NOW)
    state.set_plan("prep-assurance", Plan(dt.date(2024, 6, 1)), NOW)
    return state


# Every character a person could paste, line and paragraph separators, NEL, DEL, C1 controls,
# a BOM and characters outside the BMP included (not lone surrogates: no text holds those).
# (A note is never blank: `cimsig note` refuses one.)
typed = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    str.strip
)


@settings(max_examples=300, deadline=None)
@given(typed)
def test_any_note_reads_back_exactly_and_any_yaml_tool_reads_the_same(text: str) -> None:
    state = _with_note(text)
    written = state_format.to_text(state)
    again = state_format.parse_state(written, PATH)
    assert again.notes["prep-assurance"][0].text == text
    assert again.history == state.history
    assert yaml.safe_load(written)["history"] == state.history  # still one YAML document
    # one change per line, as the quick reader expects: nothing fell back to slow YAML
    assert state_format.history_lines(written, PATH) is not None


def test_each_change_is_one_line_after_the_rest_of_the_file() -> None:
    written = state_format.to_text(_with_note("Called the \u2028 SELPA [b] \\ \x85 done"))
    tail = written.split("\nhistory:\n", 1)[1].splitlines()
    assert len(tail) == 3 and all(line.startswith("- {") for line in tail)


def test_a_hand_edited_history_is_still_read(tmp_path: Path) -> None:
    written = state_format.to_text(_with_note("first"))
    head, lines = written.split("\nhistory:\n", 1)
    # a comment and an entry in block style, as a person might write them
    edited = (
        head
        + "\nhistory:\n# checked by hand, March 2024\n"
        + lines
        + "- seq: 4\n  at: '2024-03-02T09:00:00-08:00'\n  action: assign\n  id: prep-assurance\n"
        + "  changes:\n  - {field: owners, before: null, after: Maria}\n"
    )
    state = state_format.parse_state(edited, PATH)
    assert [e["seq"] for e in state.history] == [1, 2, 3, 4]
    assert state.history[-1]["changes"][0]["after"] == "Maria"


def test_a_key_given_twice_in_a_change_is_refused_with_its_line() -> None:
    written = state_format.to_text(_with_note("first"))
    broken = written.replace('"action": "note", ', '"action": "note", "action": "done", ', 1)
    twice = '"action": "note", "action": "done"'
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if twice in text)
    state = state_format.parse_state(broken, PATH)  # what is done and planned reads as it is
    with pytest.raises(StateError) as caught:
        state.history  # the history, once something needs it (undo, doctor)
    assert f"line {line}" in str(caught.value) and "given twice" in str(caught.value)


def test_a_damaged_change_number_is_caught_when_the_file_is_read() -> None:
    written = state_format.to_text(_with_note("first"))
    broken = written.replace('{"seq": 2, ', '{"seq": "two", ', 1)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if '"two"' in text)
    with pytest.raises(StateError) as caught:
        state_format.parse_state(broken, PATH)
    assert f"line {line}" in str(caught.value)


def test_a_change_written_back_unread_keeps_its_lines_exactly() -> None:
    written = state_format.to_text(_with_note("Caf\u00e9 \u2028 [b]"))
    state = state_format.parse_state(written, PATH)
    state.mark_done("prep-mou-meeting", dt.date(2024, 3, 2), NOW)
    again = state_format.to_text(state)
    old_lines = written.split("\nhistory:\n")[1]
    assert again.split("\nhistory:\n")[1].startswith(old_lines)  # the old lines, as they were
    reread = state_format.parse_state(again, PATH)
    assert [e["seq"] for e in reread.history] == [1, 2, 3, 4]
    assert reread.history[:3] == state_format.parse_state(written, PATH).history


def test_a_bad_change_on_a_json_line_names_its_line() -> None:
    written = state_format.to_text(_with_note("first"))
    broken = written.replace('{"seq": 3, ', '{"seq": "three", ', 1)
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if '"three"' in text)
    with pytest.raises(StateError) as caught:
        state_format.parse_state(broken, PATH)
    assert f"line {line}" in str(caught.value)


# -- a change to a long plan: the parts it did not touch are written back as they were ----------


def _a_plan_of_every_kind() -> State:
    state = _with_note("first [note]")
    state.assign("prep-assurance", "Maria", NOW)
    state.add_note("step1-case-study", "Sam: 'case' study — ok", NOW)
    state.mark_done("step1-case-study", dt.date(2024, 2, 28), NOW)
    return state


def _changes() -> list:
    later = NOW + dt.timedelta(days=1)
    return [
        lambda s: s.mark_done("prep-fmta-meeting", dt.date(2024, 3, 2), later),
        lambda s: s.add_note("prep-assurance", "second", later),
        lambda s: s.set_plan("step1-case-study", Plan(dt.date(2024, 7, 1)), later),
        lambda s: s.assign("step1-case-study", "Jo", later),
        lambda s: s.reopen("prep-assurance", later),
        lambda s: s.revert_last(later),
    ]


@pytest.mark.parametrize("change", range(len(_changes())))
def test_a_change_writes_what_writing_the_whole_file_anew_would(change: int) -> None:
    written = state_format.to_text(_a_plan_of_every_kind())
    state = state_format.parse_state(written, PATH)
    assert state.unread_history() is not None  # the quick path: history and parts kept
    _changes()[change](state)
    quick = state_format.to_text(state)
    # reading the history makes the state write every part anew, the slow way
    assert quick == state_format.dump(state_format.to_document(state))
    assert state.unread_history() is None
    assert state_format.to_text(state_format.parse_state(quick, PATH)) == quick


def test_a_part_the_change_does_not_touch_keeps_a_hand_written_comment() -> None:
    written = state_format.to_text(_a_plan_of_every_kind())
    edited = written.replace("notes:\n", "notes:\n  # checked with the SELPA\n", 1)
    state = state_format.parse_state(edited, PATH)
    state.mark_done("prep-fmta-meeting", dt.date(2024, 3, 2), NOW)
    after = state_format.to_text(state)
    assert "  # checked with the SELPA\n" in after  # notes untouched: kept as written
    assert "prep-fmta-meeting:\n    date: '2024-03-02'" in after  # done: written anew
    state = state_format.parse_state(after, PATH)
    state.add_note("prep-assurance", "third", NOW)
    after = state_format.to_text(state)
    assert "# checked with the SELPA" not in after  # notes changed: written anew
    assert [n.text for n in state_format.parse_state(after, PATH).notes["prep-assurance"]] == [
        "first [note]",
        "third",
    ]
