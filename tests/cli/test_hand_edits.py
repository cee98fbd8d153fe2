"""A progress file edited by hand: keys given twice, duplicate ids, unknown fields kept through
writes, and keys that are not ids."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

AS_OF = "2024-04-20"


def load(state: Path) -> dict:
    return yaml.safe_load(state.read_text())


# -- hand-edited data is never silently dropped -------------------------------------------

_TWO_DONE_BLOCKS = """\
version: 2
done:
  prep-assurance: {date: '2024-04-01', recorded: '2024-04-01T09:00:00-07:00'}
plans: {}
done:
  prep-mou-meeting: {date: '2024-04-02', recorded: '2024-04-02T09:00:00-07:00'}
"""


def _write(state: Path, text: str) -> bytes:
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(text)
    return state.read_bytes()


@pytest.mark.parametrize(
    "command",
    [["status"], ["done", "step1-identify-team"], ["doctor"], ["undo"], ["list", "--json"]],
)
def test_a_key_given_twice_is_exit_3_naming_the_line(
    cli, state_path: Path, command: list[str]
) -> None:
    before = _write(state_path, _TWO_DONE_BLOCKS)
    result = cli(*command, "--as-of", AS_OF)
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "line 5" in said and "'done' is given twice" in said
    assert state_path.read_bytes() == before


def test_a_duplicate_id_inside_a_section_is_refused_too(cli, state_path: Path) -> None:
    before = _write(
        state_path,
        "version: 2\nowners:\n  prep-mou-meeting: Ana\n  prep-mou-meeting: Ben\n",
    )
    result = cli("assign", "step1-identify-team", "Cy")
    assert result.exit_code == 3 and "line 4" in result.stderr
    assert state_path.read_bytes() == before


_SIGNED = """\
version: 2
guide: cim-sigdis-2024
profile: {lea: Lakeside USD, track: new, county: Marin}
done:
  prep-assurance:
    date: '2024-04-01'
    recorded: '2024-04-01T09:00:00-07:00'
    note: null
    signed_by: Superintendent
plans:
  prep-mou-meeting: {due: '2024-05-01', start: null, approved: true}
notes:
  prep-mou-meeting:
  - {at: '2024-04-01T09:00:00-07:00', text: first, by: Ana}
"""


def test_unknown_fields_in_records_are_kept_through_writes_and_noted(cli, state_path: Path) -> None:
    _write(state_path, _SIGNED)
    for command in (
        ["done", "prep-mou-meeting", "--as-of", AS_OF],
        ["note", "prep-mou-meeting", "second"],
        ["plan", "prep-mou-meeting", "--due", "2024-05-10"],
        ["init", "--track", "continuing"],
        ["undo", "--as-of", AS_OF],  # takes back the init
    ):
        assert cli(*command).exit_code == 0, command
    data = load(state_path)
    assert data["done"]["prep-assurance"]["signed_by"] == "Superintendent"
    assert data["plans"]["prep-mou-meeting"]["approved"] is True
    assert data["plans"]["prep-mou-meeting"]["due"] == "2024-05-10"
    assert data["notes"]["prep-mou-meeting"][0]["by"] == "Ana"
    assert data["profile"] == {"lea": "Lakeside USD", "track": "new", "county": "Marin"}
    doctor = cli("doctor", "--as-of", AS_OF)
    said = " ".join(doctor.stdout.split())
    assert "does not know (kept as they are)" in said
    assert "signed_by in done of prep-assurance" in said and "county in the profile" in said


@pytest.mark.parametrize("key", ["~", "null", "yes", "''"])
def test_an_id_that_is_not_an_id_is_refused(cli, state_path: Path, key: str) -> None:
    before = _write(
        state_path,
        f"version: 2\ndone:\n  {key}: {{date: '2024-04-01', recorded: x}}\n",
    )
    result = cli("done", "prep-mou-meeting", "--as-of", AS_OF)
    assert result.exit_code == 3, result.output
    assert "line 3" in result.stderr and "without an activity id" in result.stderr
    assert state_path.read_bytes() == before
