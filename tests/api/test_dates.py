"""Dates typed by users."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cimsig.dates import parse_user_date
from cimsig.errors import BadDateError

TODAY = dt.date(2024, 10, 15)
D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-10-01", dt.date(2024, 10, 1)),
        ("10/1/2024", dt.date(2024, 10, 1)),
        ("10/01/2024", dt.date(2024, 10, 1)),
        ("Oct 1 2024", dt.date(2024, 10, 1)),
        ("October 1, 2024", dt.date(2024, 10, 1)),
        ("1 Oct 2024", dt.date(2024, 10, 1)),
        ("today", TODAY),
        (" Yesterday ", dt.date(2024, 10, 14)),
        ("tomorrow", dt.date(2024, 10, 16)),
    ],
)
def test_accepted_forms(text: str, expected: dt.date) -> None:
    assert parse_user_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30",
        "2/30/2024",
        "Feb 30 2024",
        "13/1/2024",
        "next week",
        "",
        "2024",
        "Oct 2024",
        "2024-10-01T10:00",
    ],
)
def test_everything_else_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(BadDateError) as info:
        parse_user_date(text, TODAY, option="--on")
    assert info.value.exit_code == 2
    assert "--on" in str(info.value) and "2024-10-01" in str(info.value)


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_our_error(text: str) -> None:
    with contextlib.suppress(BadDateError):
        assert isinstance(parse_user_date(text, TODAY), dt.date)


def test_today_is_the_date_in_california() -> None:
    from cimsig.environment import today_in

    evening_in_los_angeles = dt.datetime(2024, 4, 20, 1, 30, tzinfo=dt.timezone.utc)
    assert today_in("America/Los_Angeles", evening_in_los_angeles) == dt.date(2024, 4, 19)
    assert today_in("UTC", evening_in_los_angeles) == dt.date(2024, 4, 20)
    morning = dt.datetime(2024, 4, 20, 16, 0, tzinfo=dt.timezone.utc)
    assert today_in("America/Los_Angeles", morning) == dt.date(2024, 4, 20)


def test_today_in_california_on_the_nights_the_clocks_change() -> None:
    from cimsig.environment import today_in

    la = "America/Los_Angeles"
    # 07:30 UTC is 23:30 the day before in winter (UTC-8) but 00:30 the same day in summer.
    assert today_in(la, dt.datetime(2024, 3, 10, 7, 30, tzinfo=dt.timezone.utc)) == D(2024, 3, 9)
    assert today_in(la, dt.datetime(2024, 3, 11, 7, 30, tzinfo=dt.timezone.utc)) == D(2024, 3, 11)
    assert today_in(la, dt.datetime(2024, 11, 3, 7, 30, tzinfo=dt.timezone.utc)) == D(2024, 11, 3)
    assert today_in(la, dt.datetime(2024, 11, 4, 7, 30, tzinfo=dt.timezone.utc)) == D(2024, 11, 3)


def test_today_is_worked_out_only_for_the_relative_words() -> None:
    calls: list[int] = []

    def today() -> dt.date:
        calls.append(1)
        return TODAY

    assert parse_user_date("2024-10-01", today) == dt.date(2024, 10, 1)
    assert calls == []
    assert parse_user_date("yesterday", today) == dt.date(2024, 10, 14) and calls == [1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024/04/19", dt.date(2024, 4, 19)),
        ("4-19-2024", dt.date(2024, 4, 19)),
        ("04/19/24", dt.date(2024, 4, 19)),
        ("4/19/2024", dt.date(2024, 4, 19)),
    ],
)
def test_more_ways_to_write_a_date(text: str, expected: dt.date) -> None:
    assert parse_user_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "example"), [("4/19", "4/19/2024"), ("April 19", "April 19 2024"), ("Oct 1", "Oct 1")]
)
def test_a_date_without_its_year_says_so(text: str, example: str) -> None:
    with pytest.raises(BadDateError) as info:
        parse_user_date(text, TODAY, option="--on")
    assert "has no year" in str(info.value) and example in str(info.value)


@pytest.mark.parametrize("text", ["9999-12-31", "1999-01-01", "12/31/2200"])
def test_years_outside_2000_to_2199_are_refused(text: str) -> None:
    with pytest.raises(BadDateError, match="from 2000 to 2199"):
        parse_user_date(text, TODAY, option="--as-of")
