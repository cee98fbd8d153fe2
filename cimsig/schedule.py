"""Pure date logic: yearly occurrences and the status of every activity as of a date.

Nothing here reads the clock, a file or the terminal: "today" is always the `as_of` argument.
A due date is inclusive: an activity due on `as_of` is not overdue; it is overdue from the next day.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cimsig.guide import AFTER_PERIOD, REPEAT_MONTHS, Activity, Step, due_words

if TYPE_CHECKING:
    # What the schedule needs of a recorded completion: its date and its note.
    from cimsig.records import DoneRecord as DoneLike

DONE, OVERDUE, OPEN, UPCOMING, ONGOING = "done", "overdue", "open", "upcoming", "ongoing"
# Not done, and only recommended for the district's track (say, the Step 2 workshop for a
# district with continuing significant disproportionality): never overdue.
RECOMMENDED = "recommended"
# Not done, and optional for every district (`required_for: optional`): never overdue, never
# counted in the progress, done or not.
OPTIONAL = "optional"
STATUSES = (DONE, OVERDUE, OPEN, UPCOMING, ONGOING, RECOMMENDED, OPTIONAL)

# Far enough for any real guide, and a guard against looping forever on a bad `until`.
_MAX_YEARS = 100


@dataclass(frozen=True, slots=True)
class ActivityStatus:
    """An activity's status as of a date, and when it was done."""

    activity: Activity
    status: str
    days_left: int | None  # negative when late, None when there is no due date
    done_on: dt.date | None = None
    note: str | None = None
    # When the district set a date of its own for a guide activity (`cimsig plan`): that date,
    # and the guide's deadline. The status counts from the earlier of the two (`activity.due`):
    # a later district date never hides the guide's deadline.
    own_due: dt.date | None = None
    guide_due: dt.date | None = None

    @property
    def measured_against(self) -> str | None:
        """Which date the status counts from: "guide" (the guide's deadline), "district" (the
        district's own date, or its own activity), or None for work with no due date."""
        due = self.activity.due
        if due is None:
            return None
        if self.activity.origin == "district":
            return "district"
        if self.own_due is not None and self.own_due == due and self.guide_due != due:
            return "district"
        return "guide"

    @property
    def dates_differ(self) -> bool:
        """Whether the district's own date and the guide's deadline differ."""
        return (
            self.own_due is not None
            and self.guide_due is not None
            and self.own_due != self.guide_due
        )

    @property
    def own_date_only(self) -> bool:
        """Whether the district set its own date for guide work the guide gives no date (ongoing
        work): a target of its own, overdue against that date once past it."""
        return self.own_due is not None and self.guide_due is None

    @property
    def days_late(self) -> int | None:
        """How many days after its due date the activity was done; None when on time."""
        due = self.activity.due
        if self.done_on is None or due is None or self.done_on <= due:
            return None
        return (self.done_on - due).days


@dataclass(frozen=True, slots=True)
class StepProgress:
    """How many of a step's counted activities are done."""

    step: Step
    done: int
    total: int
    ongoing: int = 0  # ongoing activities of the step: shown beside the bar, never counted

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


# -- yearly items -------------------------------------------------------------------------------


def _same_day_in(year: int, day: dt.date) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # February 29 in a year that has none
        return day.replace(year=year, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (Jan 31 + 1 month
    is Feb 28 or 29)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def period_of(start: dt.date, repeat: str, index: int) -> tuple[dt.date, dt.date]:
    """The `index`-th period (0 is the first) of a repeating activity whose first period starts
    on `start`: each one starts `index` steps of the repeat after the first one's start (on the
    month's last day when the month is shorter), and ends the day before the next one starts.
    Worked out from the first period, never from the one before, so the periods tile with no
    gap and no overlap and nothing drifts (Mar 1 - Feb 28, Mar 1 - Feb 29 in a leap year;
    Jan 31 - Feb 28, Feb 29 - Mar 30, Mar 31 - Apr 29 ...)."""
    months = REPEAT_MONTHS[repeat]
    first = add_months(start, months * index)
    following = add_months(start, months * (index + 1))
    return first, following - dt.timedelta(days=1)


def _occurrence(activity: Activity, index: int) -> Activity:
    """The `index`-th occurrence (0 is the first) of a repeating activity."""
    months = REPEAT_MONTHS[activity.repeat or "yearly"] * index
    first = activity.due
    assert first is not None
    period_start, period_end = activity.period_start, activity.period_end
    if period_start is not None and period_end is not None and index:
        period_start, period_end = period_of(period_start, activity.repeat or "yearly", index)
    if activity.due_after == AFTER_PERIOD and period_end is not None:
        due = period_end + dt.timedelta(days=activity.due_days or 0)
    elif activity.repeat == "yearly":
        due = _same_day_in(first.year + index, first)
    else:
        base = first - dt.timedelta(days=activity.due_days or 0)
        due = add_months(base, months) + dt.timedelta(days=activity.due_days or 0)
    start = None
    if activity.start is not None:
        start = (
            _same_day_in(activity.start.year + index, activity.start)
            if activity.repeat == "yearly"
            else add_months(activity.start, months)
        )
    if activity.repeat == "yearly":
        suffix = f"{due.year}"
    else:
        named = period_end if period_end is not None else due
        suffix = f"{named.year}-{named.month:02d}"
    target = activity.target
    occurrence = replace(
        activity,
        id=f"{activity.id}-{suffix}",
        start=start,
        due=due,
        repeat=None,
        series=activity.id,
        period_start=period_start,
        period_end=period_end,
    )
    if not target or target == due_words(activity):  # the rule's words: say this one's
        own = due_words(occurrence) or f"{due:%B} {due.day}, {due.year}"
        occurrence = replace(occurrence, target=own)
    elif index and _names_one_date(target):
        # The first occurrence's date ("February 29, 2024"): wrong for every later one, whose
        # own due date is said instead (`cimsig validate` asks the author to fix the target).
        occurrence = replace(occurrence, target=f"{due:%B} {due.day}, {due.year}")
    return occurrence


def _names_one_date(target: str) -> bool:
    from cimsig.guide_review import named_date

    return named_date(target) is not None


def occurrences(activity: Activity, as_of: dt.date) -> list[Activity]:
    """The concrete activities of a repeating item (the item itself when it does not repeat).

    One per year (quarter, month ...) from its first due date: up to `until` when the guide
    gives one, else through the first occurrence due after `as_of`, so the next one is always
    on the list. A yearly item's id ends in the year, any other's in the year and month (of its
    period's end, else of its due date).
    """
    if activity.repeat not in REPEAT_MONTHS or activity.due is None:
        return [activity]
    result: list[Activity] = []
    for index in range(_MAX_YEARS * 12 // REPEAT_MONTHS[activity.repeat]):
        occurrence = _occurrence(activity, index)
        due = occurrence.due
        assert due is not None
        if activity.until is not None:
            if due > activity.until:
                break
        elif result and result[-1].due is not None and result[-1].due > as_of:
            break
        result.append(occurrence)
    return result


def occurrence_named(activity: Activity, occurrence_id: str) -> Activity | None:
    """The occurrence of a repeating activity with this id (`expenditure-report-2023-09`), or
    None when it has none by that id (within its `until`)."""
    suffix = occurrence_id.removeprefix(activity.id + "-")
    if activity.repeat not in REPEAT_MONTHS or activity.due is None or suffix == occurrence_id:
        return None
    year = suffix[:4]
    if not year.isdigit():
        return None
    for index in range(_MAX_YEARS * 12 // REPEAT_MONTHS[activity.repeat]):
        occurrence = _occurrence(activity, index)
        due = occurrence.due
        assert due is not None
        if (activity.until is not None and due > activity.until) or due.year > int(year) + 2:
            return None
        if occurrence.id == occurrence_id:
            return occurrence
    return None


def expand(activities: Iterable[Activity], as_of: dt.date) -> list[Activity]:
    """Every concrete activity as of a date, in guide order, yearly items expanded."""
    return [occ for activity in activities for occ in occurrences(activity, as_of)]


def unknown_ids(ids: Iterable[str], activities: Iterable[Activity]) -> list[str]:
    """The ids (recorded in a state file) that name no activity of the guide, sorted.

    A yearly occurrence beyond today's horizon (say, done early for next year) is still known.
    """
    activities = list(activities)
    plain = {a.id for a in activities if a.repeat is None}
    yearly = {a.id: a for a in activities if a.repeat == "yearly" and a.due is not None}
    monthly = {a.id: a for a in activities if a.repeat not in (None, "yearly") and a.due}
    unknown = []
    for activity_id in ids:
        if activity_id in plain:
            continue
        if monthly and _is_occurrence_of(activity_id, monthly):
            continue
        base, _, year = activity_id.rpartition("-")
        series = yearly.get(base)
        if series is not None and len(year) == 4 and year.isdigit() and series.due is not None:
            last = series.until.year if series.until else series.due.year + _MAX_YEARS
            if series.due.year <= int(year) <= last:
                continue
        unknown.append(activity_id)
    return sorted(unknown)


def _is_occurrence_of(activity_id: str, series: "Mapping[str, Activity]") -> bool:
    """Whether the id is `SERIES-YYYY-MM` of a quarterly (monthly ...) series, within the
    years it can reach."""
    base, year, month = activity_id[:-8], activity_id[-7:-3], activity_id[-2:]
    found = series.get(base)
    if found is None or activity_id[-8] != "-" or activity_id[-3] != "-":
        return False
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12) or found.due is None:
        return False
    last = found.until.year if found.until else found.due.year + _MAX_YEARS
    return found.due.year - 1 <= int(year) <= last


# -- status -------------------------------------------------------------------------------------


def is_optional(activity: Activity, track: str | None) -> bool:
    """Whether the guide only recommends this activity for a district on `track`.

    Without a track (no district profile) everything counts.
    """
    required = activity.required_for
    if required == OPTIONAL:
        return True
    return track is not None and required is not None and required not in ("all", track)


def with_plan(activity: Activity, due: dt.date, start: dt.date | None = None) -> Activity:
    """The activity with the district's own dates: due by the earlier of its own date and the
    guide's deadline. A district date earlier than the guide's is a target of its own; a later
    one never moves the guide's deadline, which is what the district answers to the state for."""
    if activity.due is not None and activity.due < due:
        due = activity.due
        if start is not None and start > due:
            start = None
    if start is None and activity.start is not None and activity.start <= due:
        start = activity.start
    # A meeting's time belongs to the meeting's day; a district date elsewhere has no time.
    time = activity.time if due == activity.due and start in (None, due) else None
    return replace(activity, due=due, start=start, ongoing=False, time=time)


def with_starts(activities: Sequence[Activity], done: "Mapping[str, DoneLike]") -> list[Activity]:
    """Activities that start with another (`starts_with`) get their start date: the day that
    one was done, or its due date while it is not done (the district's date, if it planned one).
    """
    by_id = {a.id: a for a in activities}
    result = []
    for activity in activities:
        other = by_id.get(activity.starts_with) if activity.starts_with else None
        if other is not None:
            record = done.get(other.id)
            begins = record.on if record is not None else other.due
            activity = replace(activity, start=begins)
        result.append(activity)
    return result


def status_of(
    activity: Activity, as_of: dt.date, done: "DoneLike | None" = None, *, optional: bool = False
) -> ActivityStatus:
    """Where one activity stands on `as_of`."""
    days_left = (activity.due - as_of).days if activity.due is not None else None
    if done is not None:
        return ActivityStatus(activity, DONE, days_left, done.on, done.note)
    if optional:
        status = OPTIONAL if activity.required_for == OPTIONAL else RECOMMENDED
        return ActivityStatus(activity, status, days_left)
    started = activity.start is None or activity.start <= as_of
    if activity.due is None:
        status = ONGOING if started else UPCOMING
    elif activity.due < as_of:
        status = OVERDUE
    elif activity.start is not None and activity.start <= as_of:
        status = OPEN
    else:
        status = UPCOMING
    return ActivityStatus(activity, status, days_left)


def statuses(
    activities: Iterable[Activity], as_of: dt.date, done: "Mapping[str, DoneLike]"
) -> list[ActivityStatus]:
    """The status of every activity (yearly items expanded) as of a date, in guide order."""
    return [
        status_of(a, as_of, done.get(a.id), optional=a.required_for == OPTIONAL)
        for a in expand(activities, as_of)
    ]


def progress_by_step(steps: Sequence[Step], items: Sequence[ActivityStatus]) -> list[StepProgress]:
    """Done / total for each step, in the guide's step order.

    Recommended-only activities count only once they are done. Ongoing work (team meetings,
    implementing the plan) never counts: it has no end, so a step could never reach 100%.
    Optional work (`required_for: optional`) never counts, done or not. `ongoing` is how much
    of a step's ongoing work is going on as of the date (begun, not done).
    """
    result = []
    for step in steps:
        in_step = [
            s
            for s in items
            if s.activity.step == step.id
            and s.status != RECOMMENDED
            and not is_ongoing(s)
            and s.activity.required_for != OPTIONAL
        ]
        # Beside the count: the work going on now (begun, not done), as the Ongoing line
        # lists it; work that starts later (implementing the approved plan) is upcoming.
        ongoing = sum(1 for s in items if s.activity.step == step.id and s.status == ONGOING)
        result.append(
            StepProgress(step, sum(s.status == DONE for s in in_step), len(in_step), ongoing)
        )
    return result


def is_ongoing(item: ActivityStatus) -> bool:
    """Work with no end (the guide's "ongoing"), whatever its status today."""
    return item.activity.due is None


def in_progress(items: Iterable[ActivityStatus]) -> list[ActivityStatus]:
    """Not-done activities whose window has started and whose due date has not passed,
    soonest due first."""
    hits = [s for s in items if s.status == OPEN]
    return sorted(hits, key=lambda s: s.activity.due or dt.date.max)


def overdue(items: Iterable[ActivityStatus]) -> list[ActivityStatus]:
    """Overdue activities, the longest overdue first."""
    late = [s for s in items if s.status == OVERDUE]
    return sorted(late, key=lambda s: s.activity.due or dt.date.max)


def due_between(
    items: Iterable[ActivityStatus], first: dt.date, last: dt.date
) -> list[ActivityStatus]:
    """Not-done activities due from `first` through `last` (both inclusive), soonest first."""
    hits = [
        s
        for s in items
        if s.status != DONE and s.activity.due is not None and first <= s.activity.due <= last
    ]
    return sorted(hits, key=lambda s: s.activity.due or dt.date.max)


def first_due_after(items: Iterable[ActivityStatus], day: dt.date) -> ActivityStatus | None:
    """The first not-done activity due after `day`, so "next" never comes back empty-handed."""
    later = [
        s for s in items if s.status != DONE and s.activity.due is not None and s.activity.due > day
    ]
    return min(later, key=lambda s: s.activity.due or dt.date.max, default=None)


def to_catch_up(
    items: Iterable[ActivityStatus], *, through: dt.date | None = None, step: str | None = None
) -> list[ActivityStatus]:
    """What `done --through` / `done --step` marks: required activities not done yet with a due
    date (ongoing work is never done; a recommended-only one is the district's choice), due on or
    before `through` and in `step` when given; soonest due first."""
    hits = [
        s
        for s in items
        if s.status in (OVERDUE, OPEN, UPCOMING)
        and s.activity.due is not None
        and (through is None or s.activity.due <= through)
        and (step is None or s.activity.step == step)
    ]
    return sorted(hits, key=lambda s: s.activity.due or dt.date.max)


def earliest_done(activity: Activity) -> tuple[dt.date, str] | None:
    """The first day on which an activity can have been done, and why: its window's first day,
    or the end of the period it reports on (a report on a quarter comes once it is over).
    None when the guide gives neither."""
    if activity.period_end is not None:
        return activity.period_end, "the period it reports on ends"
    if activity.start is not None:
        return activity.start, "its window opens"
    return None
