"""The pure checks behind `cimsig validate` and the arithmetic of repeating periods."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from cimsig.guide import Activity
from cimsig.guide_review import budget_months, named_date, target_contradiction
from cimsig.schedule import add_months, occurrences

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(days, st.sampled_from(["", "By ", "Due ", "DUE: ", "Target: "]))
def test_a_written_date_agrees_only_with_that_day(day: dt.date, lead: str) -> None:
    target = f"{lead}{calendar.month_name[day.month]} {day.day}, {day.year}"
    assert target_contradiction(target, day) is None
    assert target_contradiction(target, day + dt.timedelta(days=1)) is not None
    assert target_contradiction(target, day - dt.timedelta(days=1)) is not None


@given(days)
def test_prior_to_means_the_day_before(day: dt.date) -> None:
    target = f"Prior to {calendar.month_abbr[day.month]} {day.day}, {day.year}"
    assert target_contradiction(target, day - dt.timedelta(days=1)) is None
    assert target_contradiction(target, day) is not None


@given(days)
def test_a_month_allows_each_of_its_days_and_no_other(day: dt.date) -> None:
    target = f"{calendar.month_name[day.month]} {day.year}"
    assert target_contradiction(target, day) is None
    first = day.replace(day=1)
    assert target_contradiction(target, first - dt.timedelta(days=1)) is not None


def test_texts_that_name_no_single_dated_day_are_left_alone() -> None:
    for target in ("Late March - April", "April 11 - 25, 2024", "Ongoing, post approval",
                   "Due July 10 each year", "July-October 2024", "LEAs may start now"):  # fmt: skip
        assert named_date(target) is None, target


@given(days, st.integers(min_value=1, max_value=120))
def test_budget_months_of_whole_months(start: dt.date, months: int) -> None:
    first = start.replace(day=1)
    end = add_months(first, months) - dt.timedelta(days=1)
    assert budget_months(first, end) == (months, months)


@given(st.integers(min_value=2000, max_value=2080), st.integers(min_value=1, max_value=12),
       st.sampled_from(["monthly", "quarterly", "half-yearly", "yearly"]),
       st.integers(min_value=0, max_value=60))  # fmt: skip
def test_periods_that_end_on_a_months_last_day_keep_doing_so(
    year: int, month: int, repeat: str, after: int
) -> None:
    start = dt.date(year, month, 1)
    step = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}[repeat]
    end = add_months(start, step) - dt.timedelta(days=1)
    item = Activity(
        id="report", step="s", title="t", target="", due=end + dt.timedelta(days=after),
        repeat=repeat, period_start=start, period_end=end, due_days=after, due_after="period",
        until=add_months(start, step * 8) + dt.timedelta(days=61),
    )  # fmt: skip
    found = occurrences(item, start)
    assert len(found) >= 8  # the periods of 8 steps at least, each due by `until`
    for previous, following in itertools.pairwise(found):
        assert following.period_start == previous.period_end + dt.timedelta(days=1)
    for occurrence in found:
        last = occurrence.period_end
        assert last.day == calendar.monthrange(last.year, last.month)[1]
        assert occurrence.due == last + dt.timedelta(days=after)
    assert len({o.id for o in found}) == len(found)
