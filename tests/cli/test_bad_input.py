"""Bad input of every kind: the exact exit code, a message on stderr, never a traceback."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cimsig.errors import StateError
from cimsig.storage import state_format
from cimsig.storage.state_format import parse_state

STATE_FILES = {
    "empty": (b"", "it is empty"),
    "a YAML list": (b"- prep-assurance\n- prep-mou-meeting\n", "not a cimsig progress file"),
    "truncated": (b"version: 2\ndone:\n  prep-assurance: {date: '2024-04-1", "line 3"),
    "wrong types": (b"version: 2\ndone:\n  prep-assurance: 42\n", "must be a mapping"),
    "a date that does not exist": (
        b"version: 2\ndone:\n  prep-assurance: {date: '2024-02-30'}\n",
        "not a real calendar date",
    ),
    "a future format": (b"version: 9\n", "written by a newer cimsig (format 9"),
    "a version that is text": (b"version: two\n", "no format 'version'"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
    "a python tag": (b"version: 2\nx: !!python/object/apply:os.system [ls]\n", "is not allowed"),
}


@pytest.mark.parametrize("name", list(STATE_FILES))
def test_state_files_that_cannot_be_used_exit_3(cli, state_path: Path, name: str) -> None:
    content, words = STATE_FILES[name]
    state_path.parent.mkdir(parents=True)
    state_path.write_bytes(content)
    for args in (("status", "--as-of", "2024-04-20"), ("done", "prep-assurance")):
        result = cli(*args)
        assert result.exit_code == 3, result.output
        assert words in result.stderr and result.stdout == ""
        assert "Traceback" not in result.output
    assert state_path.read_bytes() == content  # never overwritten


GUIDE_HEAD = "format: 1\nguide: {id: g, title: G, steps: [{id: s, name: S}]}\n"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (GUIDE_HEAD + "activities:\n  - !!python/object:os.system {}\n", "is not allowed"),
        (
            GUIDE_HEAD + "activities: [{id: a, step: s, title: A, target: x, due: 2024-02-30}]\n",
            "not a real calendar date",
        ),
        ("\x00\x01\x02binary", "not a text file"),
        ("", "is empty"),
    ],
)
def test_guides_that_cannot_be_used_exit_3(cli, tmp_path: Path, content: str, words: str) -> None:
    guide = tmp_path / "guide.yaml"
    guide.write_text(content, encoding="utf-8")
    result = cli("status", "--guide", str(guide))
    assert result.exit_code == 3 and words in result.stderr and "Traceback" not in result.output


def test_a_50_mb_guide_is_refused_without_reading_it_all(cli, tmp_path: Path) -> None:
    guide = tmp_path / "huge.yaml"
    with guide.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB that take no room
    result = cli("list", "--guide", str(guide))
    assert result.exit_code == 3
    assert "larger than 10 MB, the most a guide can be" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("show", "prep assurance"), "No activity has the id 'prep assurance'"),
        (("done", "étape-1"), "No activity has the id 'étape-1'"),
        (("done", "📅"), "No activity has the id"),
        (("next", "--days", "-5"), "-5"),
        (("next", "--as-of", "2024-02-30"), "not a real calendar date"),
        (
            ("done", "prep-assurance", "--as-of", "2024-04-20", "--on", "2024-04-21"),
            "is after 2024-04-20",
        ),
        (("status", "--as-of", "tomorrowish"), "is not a date cimsig can read"),
        (("export", "ics", "--remind", "3 months"), "like 7d or 2w"),
    ],
)
def test_bad_command_line_input_exits_2(cli, args: tuple[str, ...], words: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output


def test_a_bad_lock_timeout_setting_exits_2(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIMSIG_LOCK_TIMEOUT", "soon")
    result = cli("status", "--as-of", "2024-04-20")
    assert result.exit_code == 2 and "CIMSIG_LOCK_TIMEOUT" in result.stderr


# -- any state file at all ----------------------------------------------------------------------

_keys = st.sampled_from(
    [
        "version",
        "guide",
        "done",
        "plans",
        "owners",
        "notes",
        "custom",
        "profile",
        "history",
        "date",
        "due",
        "start",
        "id",
        "step",
        "title",
        "changes",
        "field",
        "before",
        "after",
        "lea",
        "track",
        "x",
    ]
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=8),
    st.sampled_from(["2024-04-01", "2024-02-30", "new", "done", "prep"]),
)
_values = st.recursive(
    _scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(_keys | st.text(max_size=5), c, max_size=5),
    max_leaves=30,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.dictionaries(_keys, _values, max_size=8), version=st.sampled_from([1, 2, None]))
def test_any_state_document_loads_or_raises_our_error(document: dict, version: int | None) -> None:
    if version is not None:
        document["version"] = version
    with contextlib.suppress(StateError):
        state = parse_state(yaml.safe_dump(document), Path("state.yaml"))
        state_format.to_text(state)  # whatever loads can be written back


@settings(max_examples=200)
@given(text=st.text(max_size=120))
def test_any_text_as_a_state_file_loads_or_raises_our_error(text: str) -> None:
    with contextlib.suppress(StateError):
        parse_state(text, Path("state.yaml"))


_ids = st.sampled_from(
    [
        "prep-assurance",
        "step1-case-study",
        "step4-unduplicated-count-2026",
        "unknown-thing",
        "district-x",
        "step4-unduplicated-count",
    ]
)
_days = st.sampled_from(["2024-04-01", "2024-06-30", "2025-07-10", "2027-01-10"])
_records = st.fixed_dictionaries(
    {},
    optional={
        "done": st.dictionaries(_ids, st.fixed_dictionaries({"date": _days})),
        "plans": st.dictionaries(
            _ids, st.fixed_dictionaries({"due": _days}, optional={"start": _days})
        ),
        "owners": st.dictionaries(_ids, st.sampled_from(["Ana", "Ben Ortiz"])),
        "notes": st.dictionaries(
            _ids, st.lists(st.fixed_dictionaries({"at": _days, "text": st.just("n")}))
        ),
        "custom": st.dictionaries(
            _ids,
            st.fixed_dictionaries(
                {"step": st.sampled_from(["step1", "step9"]), "title": st.just("T"), "due": _days},
                optional={"start": _days},
            ),
        ),
        "profile": st.fixed_dictionaries(
            {}, optional={"lea": st.just("X USD"), "track": st.sampled_from(["new", "continuing"])}
        ),
    },
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=_records)
def test_any_well_formed_state_works_in_every_view(cli, state_path: Path, records: dict) -> None:
    """Hand-edited combinations (plans for unknown ids, own activities clashing with the
    guide's, dates in any order) never end in a traceback."""
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(yaml.safe_dump({"version": 2, **records}), encoding="utf-8")
    for args in (
        ("status", "--as-of", "2025-01-01"),
        ("list", "--json", "--as-of", "2025-01-01"),
        ("next", "--all", "--as-of", "2024-06-01"),
        ("timeline", "--by-step"),
        ("export", "md"),
        ("doctor",),
    ):
        result = cli(*args)
        assert result.exit_code in (0, 1, 3), (args, result.output)
