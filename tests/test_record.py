"""Records: immutable, compared by value, and strict about their fields, as a frozen dataclass."""

from __future__ import annotations

import datetime as dt

import pytest

from cimsig.guide import Activity, Step
from cimsig.record import Record
from cimsig.state import DoneRecord, Note, Plan

D = dt.date


def test_fields_come_in_order_with_their_defaults() -> None:
    assert Plan._fields == ("due", "start")
    assert Plan(D(2024, 5, 1)) == Plan(due=D(2024, 5, 1), start=None)
    assert Step("prep", "Preparation").summary == ""
    activity = Activity("a-1", "prep", "Title", "Target")
    assert activity.resources == () and activity.origin == "guide" and activity.line is None


def test_a_record_cannot_be_changed() -> None:
    plan = Plan(D(2024, 5, 1))
    with pytest.raises(AttributeError):
        plan.due = D(2025, 1, 1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        plan.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del plan.due  # type: ignore[misc]
    assert plan.due == D(2024, 5, 1)


def test_equal_by_value_and_class_only() -> None:
    assert Note("2024-05-01", "hi") == Note("2024-05-01", "hi")
    assert Note("2024-05-01", "hi") != Note("2024-05-01", "bye")
    assert Plan(D(2024, 5, 1)) != (D(2024, 5, 1), None)  # not a tuple
    assert (Note("a", "b"),) == (Note("a", "b"),)
    assert len({Note("a", "b"), Note("a", "b"), Note("a", "c")}) == 2


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Plan(), "needs a value for 'due'"),
        (lambda: Plan(D(2024, 5, 1), None, 3), "takes 2 values, not 3"),
        (lambda: Plan(D(2024, 5, 1), when=1), "no field 'when'"),
        (lambda: Plan(D(2024, 5, 1), due=D(2024, 5, 2)), "two values for 'due'"),
        (lambda: Plan._make([D(2024, 5, 1)]), "takes 2 values, not 1"),
        (lambda: Plan(D(2024, 5, 1))._replace(when=1), "no field 'when'"),
    ],
)
def test_wrong_fields_are_refused(make, words: str) -> None:
    with pytest.raises(TypeError, match=words):
        make()


def test_replace_asdict_make_and_repr() -> None:
    done = DoneRecord(D(2024, 5, 1), "2024-05-01T09:00:00-07:00")
    later = done._replace(note="signed")
    assert later.note == "signed" and done.note is None
    assert later._asdict() == {
        "on": D(2024, 5, 1),
        "recorded": "2024-05-01T09:00:00-07:00",
        "note": "signed",
    }
    assert DoneRecord._make(later._asdict().values()) == later
    assert repr(Plan(D(2024, 5, 1))) == "Plan(due=datetime.date(2024, 5, 1), start=None)"


def test_a_field_without_default_after_one_with_is_a_mistake() -> None:
    with pytest.raises(TypeError, match="'b' without a default"):

        class Wrong(Record):
            a: int = 0
            b: int
