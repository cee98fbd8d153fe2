"""schedule.weekly(): the one selection behind the status table, the web page's home and
`next` (coming_up), made for a given day (as_of is a parameter; no clock)."""

from __future__ import annotations

import datetime as dt

from cimsig import schedule
from cimsig.guide import Activity

D = dt.date


def act(activity_id: str, **kw: object) -> Activity:
    base = {"id": activity_id, "step": "prep", "title": activity_id.title(), "target": "t"}
    return Activity(**{**base, **kw})  # type: ignore[arg-type]


ACTIVITIES = [
    act("late", due=D(2024, 9, 6)),  # due last Friday: overdue
    act("today", due=D(2024, 9, 9)),  # due today: not overdue, due soon
    act("window", start=D(2024, 9, 1), due=D(2024, 9, 20)),  # open, due within 14 days
    act("edge", due=D(2024, 9, 23)),  # the 14th day: still in the window
    act("after", due=D(2024, 9, 24)),  # the 15th day: the next deadline after it
    act("done", due=D(2024, 9, 10)),
    act("always", start=D(2024, 1, 1), ongoing=True),
]
AS_OF = D(2024, 9, 9)


def items() -> list[schedule.ActivityStatus]:
    done = {"done": type("Done", (), {"on": D(2024, 9, 2), "note": None})()}
    return [schedule.status_of(a, AS_OF, done.get(a.id)) for a in ACTIVITIES]


def ids(selection: list[schedule.ActivityStatus]) -> list[str]:
    return [i.activity.id for i in selection]


def test_weekly_sorts_the_check_in_into_its_lists() -> None:
    week = schedule.weekly(items(), AS_OF)
    assert week.last == D(2024, 9, 23)
    assert ids(week.overdue) == ["late"]
    assert ids(week.in_progress) == ["window"]
    # Due today is due soon, not overdue; the 14th day is inside; done work is not listed.
    assert ids(week.due_in_window) == ["today", "window", "edge"]
    assert ids(week.due_soon) == ["today", "edge"]  # the work in progress is listed once
    assert ids(week.ongoing) == ["always"]
    assert week.next_deadline is not None and week.next_deadline.activity.id == "after"


def test_weekly_follows_the_day_it_is_made_for() -> None:
    later = D(2024, 9, 10)
    moved = [schedule.status_of(a, later) for a in ACTIVITIES]
    week = schedule.weekly(moved, later, days=0)
    assert ids(week.overdue) == ["late", "today"]  # overdue from the next day on
    assert ids(week.due_in_window) == ["done"]  # not done as of this list
    assert week.next_deadline is not None and week.next_deadline.activity.id == "window"


def test_coming_up_is_what_next_lists() -> None:
    hits, extra = schedule.coming_up(items(), AS_OF, 3)
    assert (ids(hits), extra) == (["today"], [])
    hits, extra = schedule.coming_up(items(), AS_OF, 3, everything=True)
    assert ids(extra) == ["late", "window", "always"]


def test_each_activity_is_shown_in_one_list_of_the_check_in() -> None:
    week = schedule.weekly(items(), AS_OF)
    shown = {a.id: week.shown_in(a.id) for a in ACTIVITIES}
    assert shown == {
        "late": "overdue", "today": "due_soon", "window": "in_progress", "edge": "due_soon",
        "after": None, "done": None, "always": "ongoing",
    }  # fmt: skip
