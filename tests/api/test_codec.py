"""The codec: records to plain data and back, as the progress file holds them."""

from __future__ import annotations

import datetime as dt

import pytest

from cimsig.records import DoneRecord, Note, Plan, Profile
from cimsig.storage import codec


@pytest.mark.parametrize(
    ("section", "record"),
    [
        ("done", DoneRecord(on=dt.date(2024, 9, 3), recorded="2024-09-03T10:00:00-07:00",
                            note="Sent [to] CDE")),
        ("plans", Plan(due=dt.date(2024, 10, 1), start=dt.date(2024, 9, 15))),
        ("notes", (Note(at="2024-09-03T10:00:00-07:00", text="Waiting on data"),)),
        ("profile", Profile(lea="Alpha USD", track="new", short="AUSD")),
        ("owners", "Maria Lopez"),
    ],
)  # fmt: skip
def test_a_record_comes_back_as_it_was_written(section: str, record: object) -> None:
    raw = codec.encode(section, record)  # type: ignore[arg-type]
    assert codec.decode(section, raw, "step1-workshop") == record  # type: ignore[arg-type]


def test_fields_this_cimsig_does_not_know_are_kept() -> None:
    raw = {"date": "2024-09-03", "recorded": "2024-09-03T10:00:00-07:00", "signed_by": "Ana"}
    record = codec.decode("done", raw, "step1-workshop")
    assert record.on == dt.date(2024, 9, 3)
    assert codec.encode("done", record)["signed_by"] == "Ana"  # written back, never dropped


def test_nothing_stays_nothing_and_a_damaged_record_is_refused() -> None:
    assert codec.encode("done", None) is None
    assert codec.decode("done", None) is None
    with pytest.raises(ValueError, match="mapping"):
        codec.decode("done", "2024-09-03", "step1-workshop")
    with pytest.raises((ValueError, TypeError)):
        codec.decode("done", {"date": "not a date", "recorded": "x"}, "step1-workshop")
