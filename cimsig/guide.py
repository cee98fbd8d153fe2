"""The pacing guide's records: steps, the budget period, activities and the guide itself
(frozen dataclasses), the format's constants, where the bundled guide is, and a rule-based
due date in words. The guide file is the only place the guide's dates live; guide_reader
reads and checks it.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cimsig.errors import GuideError
from cimsig.storage.yamlio import parse_iso_date

# The time zone of a guide that names none (the California guides): the one fallback.
DEFAULT_TIME_ZONE = "America/Los_Angeles"

GUIDE_FORMAT = 1
# A real guide is a few dozen kilobytes; refusing anything far larger keeps a wrong file (a video,
# a database dump) from hanging the tool. Documented in docs/files.md and docs/guide-format.md.
MAX_GUIDE_BYTES = 10 * 1024 * 1024
BUNDLED_GUIDE_NAME = "pacing_2024.yaml"

# Patterns as text: `re` compiles them on first use, which a guide read from the cache never needs.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
TIME_PATTERN = r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$"
# "optional": listed and can be done, never overdue, never counted in the progress.
REQUIRED_FOR = ("all", "new", "continuing", "optional")
# How many months apart the occurrences of a repeating activity are.
REPEAT_MONTHS = {"yearly": 12, "half-yearly": 6, "quarterly": 3, "monthly": 1}
REPEATS = tuple(REPEAT_MONTHS)
# `due: {days: N, after: period}`: N days after the last day of the activity's `period`.
AFTER_PERIOD = "period"
MAX_DUE_DAYS = 3660
LINK_PATTERN = r"^https://[^\s<>\"]+$"

# The guide's records are Records, like every record in cimsig: immutable and compared by value,
# as a frozen dataclass is, but made without compiling code at every start (see record.py).


@dataclass(frozen=True, slots=True)
class Step:
    """A step of the guide (preparation, step 1 ... step 4)."""

    id: str
    name: str
    summary: str = ""


@dataclass(frozen=True, slots=True)
class BudgetPeriod:
    """The CCEIS budget period the guide names."""

    start: dt.date
    end: dt.date
    months: int | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """One line of the pacing guide (or, for a yearly item, one year's occurrence of it)."""

    id: str
    step: str
    title: str
    target: str
    start: dt.date | None = None
    due: dt.date | None = None
    time: str | None = None
    ongoing: bool = False
    repeat: str | None = None
    until: dt.date | None = None
    details: str | None = None
    resources: tuple[str, ...] = ()
    submit_to: tuple[str, ...] = ()
    required_for: str | None = None
    # Begins on the day this other activity was done (else on its due date): work that starts
    # with the approved plan, not on a date of its own.
    starts_with: str | None = None
    # (resource, web address) for the resources that have a link.
    links: tuple[tuple[str, str], ...] = ()
    # For one year's occurrence of a yearly item: the id of the item in the guide.
    series: str | None = None
    # "guide" for the guide's activities, "district" for those a district added to its plan.
    origin: str = "guide"
    # Where the activity is in the guide file, for messages.
    line: int | None = None
    # The period the activity reports on (a quarter, a budget year ...), when the guide says.
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    # A due date the guide gives as "`due_days` days after `due_after`": after the period's end
    # ("period"), after another activity's due date (its id), or after a date (YYYY-MM-DD).
    # `due` is then the date cimsig worked out from it.
    due_days: int | None = None
    due_after: str | None = None

    @property
    def weekend(self) -> bool:
        """True when the due date is a Saturday or a Sunday."""
        return self.due is not None and self.due.weekday() >= 5

    def link(self, resource: str) -> str | None:
        """The web address of one of its resources, when the guide gives one."""
        return dict(self.links).get(resource)


@dataclass(frozen=True, slots=True)
class Guide:
    """A checked pacing guide: its steps and activities, in the guide's order."""

    id: str
    title: str
    steps: tuple[Step, ...]
    activities: tuple[Activity, ...]
    source: str = ""
    cohort: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    budget_period: BudgetPeriod | None = None
    path: Path | None = None
    # What the guide's introduction points to (the SPP-TAP website ...), with their links.
    resources: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()

    def link(self, resource: str) -> str | None:
        return dict(self.links).get(resource)

    @property
    def first_date(self) -> dt.date | None:
        """The earliest date the guide names (its first start or due date)."""
        days = [d for a in self.activities for d in (a.start, a.due) if d is not None]
        return min(days, default=None)

    def step(self, step_id: str) -> Step:
        """The step with this id; a step the guide lacks (a district activity filed under a
        step a newer guide dropped) gets a plain stand-in rather than an error."""
        for step in self.steps:
            if step.id == step_id:
                return step
        return Step(step_id, step_id, "not a step of this guide")


def bundled_guide_path() -> Path:
    """Where the guide that ships with cimsig is.

    An installed wheel carries it inside the package (`cimsig/data/`); a source checkout and an
    editable install read it from the repository's top-level `data/` folder.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "data" / BUNDLED_GUIDE_NAME
    if packaged.is_file():
        return packaged
    return here.parent / "data" / BUNDLED_GUIDE_NAME


def due_words(activity: Activity, guide_due: dt.date | None = None) -> str | None:
    """The due date as the guide gives it, when the guide gives it as a rule: "30 days after
    Dec 31, 2020" (the period's last day), "14 days after report-1 (due Jan 30, 2021)".
    `guide_due`: the guide's date, when a district planned its own (`due` is then that)."""
    days, after = activity.due_days, activity.due_after
    due = guide_due or activity.due
    if days is None or after is None or due is None:
        return None
    count = "1 day" if days == 1 else f"{days} days"
    base = due - dt.timedelta(days=days)
    if after == AFTER_PERIOD and activity.period_end is not None:
        base = activity.period_end
    when = f"{base:%b} {base.day}, {base.year}"
    if after == AFTER_PERIOD or _as_date(after) is not None:
        return f"{count} after {when}"
    return f"{count} after {after} (due {when})"


def _as_date(text: str | None) -> dt.date | None:
    """The date a `due: {after: ...}` names, or None when it names something else."""
    if text is None:
        return None
    try:
        return parse_iso_date(text)
    except ValueError:
        return None


def read_guide_text(path: Path) -> str:
    """The text of a guide file: a regular file of at most MAX_GUIDE_BYTES, in UTF-8."""
    from cimsig.storage.fileio import FileTooLarge, NotARegularFile, decode_text, read_regular_file

    try:
        raw = read_regular_file(path, MAX_GUIDE_BYTES)
    except FileNotFoundError:
        raise GuideError(f"There is no guide file at {path}.") from None
    except (IsADirectoryError, NotARegularFile):
        raise GuideError(f"{path} is not a guide file: it is a folder or a device.") from None
    except FileTooLarge:
        raise GuideError(
            f"The guide file {path} is larger than {MAX_GUIDE_BYTES // 1024 // 1024} MB, the "
            "most a guide can be. Is this the right file?"
        ) from None
    except OSError as exc:
        raise GuideError(f"The guide file {path} cannot be read: {exc.strerror or exc}.") from None
    if b"\x00" in raw:
        raise GuideError(f"The guide file {path} is not a text file (is it the right file?).")
    try:
        return decode_text(raw)
    except UnicodeDecodeError as exc:
        raise GuideError(
            f"The guide file {path} is not UTF-8 text (byte {exc.start} cannot be read). "
            "Save it as UTF-8 and try again."
        ) from None
