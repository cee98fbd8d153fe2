"""Status as of a date, at the boundaries, and yearly occurrences."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace

import pytest

from cimsig import schedule
from cimsig.guide import Activity
from cimsig.guide_reader import load_guide

D = dt.date


def act(**kw: object) -> Activity:
    base = {"id": "a", "step": "prep", "title": "A", "target": "t"}
    return Activity(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_of", "status", "days_left"),
    [
        (D(2024, 4, 18), "upcoming", 1),  # due tomorrow
        (D(2024, 4, 19), "upcoming", 0),  # due today: not overdue
        (D(2024, 4, 20), "overdue", -1),  # due yesterday
    ],
)
def test_a_due_date_is_inclusive(as_of: dt.date, status: str, days_left: int) -> None:
    item = schedule.status_of(act(due=D(2024, 4, 19)), as_of)
    assert (item.status, item.days_left) == (status, days_left)


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (D(2024, 6, 30), "upcoming"),  # the day before the window opens
        (D(2024, 7, 1), "open"),  # the window's first day
        (D(2024, 10, 31), "open"),  # its last day
        (D(2024, 11, 1), "overdue"),
    ],
)
def test_a_window_opens_on_its_first_day(as_of: dt.date, status: str) -> None:
    item = schedule.status_of(act(start=D(2024, 7, 1), due=D(2024, 10, 31)), as_of)
    assert item.status == status


def test_ongoing_items_have_no_lateness() -> None:
    started = act(start=D(2024, 4, 1), ongoing=True)
    assert schedule.status_of(started, D(2024, 3, 31)).status == "upcoming"
    assert schedule.status_of(started, D(2024, 4, 1)).status == "ongoing"
    item = schedule.status_of(act(ongoing=True), D(2030, 1, 1))
    assert (item.status, item.days_left) == ("ongoing", None)


def test_done_wins_over_every_date() -> None:
    record = SimpleNamespace(on=D(2024, 5, 2), note="late but done")
    item = schedule.status_of(act(due=D(2024, 4, 19)), D(2025, 1, 1), record)
    assert (item.status, item.done_on, item.note) == ("done", D(2024, 5, 2), "late but done")


def test_yearly_items_expand_through_the_first_occurrence_after_as_of() -> None:
    yearly = act(id="count", due=D(2025, 7, 10), repeat="yearly")
    ids = lambda as_of: [a.id for a in schedule.occurrences(yearly, as_of)]  # noqa: E731
    assert ids(D(2024, 12, 1)) == ["count-2025"]
    assert ids(D(2025, 7, 10)) == ["count-2025", "count-2026"]  # due today is not "after"
    assert ids(D(2026, 11, 27)) == ["count-2025", "count-2026", "count-2027"]
    occurrence = schedule.occurrences(yearly, D(2026, 11, 27))[-1]
    assert (occurrence.due, occurrence.series, occurrence.repeat) == (D(2027, 7, 10), "count", None)


def test_yearly_items_stop_at_until_and_survive_february_29() -> None:
    yearly = act(id="leap", due=D(2024, 2, 29), repeat="yearly", until=D(2027, 12, 31))
    dues = [a.due for a in schedule.occurrences(yearly, D(2024, 1, 1))]
    assert dues == [D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28)]


def test_the_bundled_guide_on_april_20_2024() -> None:
    guide = load_guide()
    day = D(2024, 4, 20)
    items = schedule.statuses(schedule.expand(guide.activities, day), day, {})
    late = [i.activity.id for i in schedule.overdue(items)]
    assert late == [
        "prep-intro-recordings",
        "prep-virtual-meeting",
        "step1-workshop-a-prework",
        "prep-assurance",
        "prep-mou-meeting",
    ]
    progress = schedule.progress_by_step(guide.steps, items)
    # The yearly count has one occurrence (2025) on that date: 44 in all, 4 of them ongoing
    # (never counted, so that a step can be finished).
    assert [(p.step.id, p.total, p.ongoing) for p in progress] == [
        ("prep", 5, 0),
        ("step1", 12, 2),
        ("step2", 5, 0),
        ("step3", 8, 0),
        ("step4", 10, 2),
    ]
    soon = schedule.due_between(items, D(2024, 4, 20), D(2024, 5, 4))
    assert [i.activity.id for i in soon] == [
        "step1-workshop",
        "prep-fmta-meeting",
        "step1-identify-team",
    ]


def test_first_due_after_skips_done_work() -> None:
    guide = load_guide()
    done = {"step4-budget-amendment": SimpleNamespace(on=D(2025, 3, 3), note=None)}
    items = schedule.statuses(
        schedule.expand(guide.activities, D(2024, 12, 7)), D(2024, 12, 7), done
    )
    following = schedule.first_due_after(items, D(2025, 1, 6))
    assert following is not None and following.activity.id == "step4-report-2024jul-2025mar"


def test_unknown_ids_exclude_future_yearly_occurrences() -> None:
    guide = load_guide()
    ids = [
        "step4-unduplicated-count-2029",
        "step4-unduplicated-count-2024",
        "step4-unduplicated-count",
        "step9-nothing",
        "prep-assurance",
    ]
    assert schedule.unknown_ids(ids, guide.activities) == [
        "step4-unduplicated-count",
        "step4-unduplicated-count-2024",
        "step9-nothing",
    ]
    bounded = replace(guide.activities[-1], until=D(2026, 12, 31))
    assert schedule.unknown_ids(["step4-unduplicated-count-2027"], [bounded]) == [
        "step4-unduplicated-count-2027"
    ]


def test_a_step_with_only_ongoing_work_left_is_finished() -> None:
    guide = load_guide()
    step1 = [a for a in guide.activities if a.step == "step1"]
    done = {a.id: _Done(D(2024, 7, 1)) for a in step1 if not a.ongoing}
    items = schedule.statuses(
        schedule.expand(guide.activities, D(2024, 7, 11)), D(2024, 7, 11), done
    )
    (p,) = [p for p in schedule.progress_by_step(guide.steps, items) if p.step.id == "step1"]
    assert (p.done, p.total, p.ongoing, p.fraction) == (12, 12, 2, 1.0)


class _Done:
    def __init__(self, on: dt.date, note: str | None = None) -> None:
        self.on, self.note = on, note


def test_post_approval_work_starts_with_the_submitted_plan() -> None:
    """step4-implement and step4-track-students begin when step3-submit-documents was done,
    else on its due date (December 6, 2024): never 'ongoing' from March 2024."""
    guide = load_guide()
    ids = ("step4-implement", "step4-track-students")

    def status_on(day: dt.date, done: dict[str, _Done]) -> list[str]:
        activities = schedule.with_starts(schedule.expand(guide.activities, day), done)
        items = {i.activity.id: i for i in schedule.statuses(activities, day, done)}
        return [items[i].status for i in ids]

    assert status_on(D(2024, 3, 1), {}) == ["upcoming", "upcoming"]
    assert status_on(D(2024, 12, 5), {}) == ["upcoming", "upcoming"]
    assert status_on(D(2024, 12, 6), {}) == ["ongoing", "ongoing"]
    early = {"step3-submit-documents": _Done(D(2024, 11, 20))}
    assert status_on(D(2024, 11, 20), early) == ["ongoing", "ongoing"]
    assert status_on(D(2024, 11, 19), early) == ["upcoming", "upcoming"]
    starts = {a.id: a.start for a in schedule.with_starts(guide.activities, early) if a.id in ids}
    assert starts == {i: D(2024, 11, 20) for i in ids}
