"""Read a guide file and check it: every problem at once, each naming the file, the line and
the activity, so a person editing next year's guide can fix them in one pass; the records it
hands back are cimsig.guide's.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cimsig.errors import GuideError
from cimsig.guide import (
    AFTER_PERIOD,
    DEFAULT_TIME_ZONE,
    GUIDE_FORMAT,
    ID_PATTERN,
    LINK_PATTERN,
    MAX_DUE_DAYS,
    REPEAT_MONTHS,
    REPEATS,
    REQUIRED_FOR,
    TIME_PATTERN,
    Activity,
    BudgetPeriod,
    Guide,
    Step,
    _as_date,
    bundled_guide_path,
    due_words,
    read_guide_text,
)
from cimsig.storage.yamlio import Mapping, YamlProblem, load_yaml, parse_iso_date

_DUE_RULE_KEYS = {"days", "after"}
_PERIOD_KEYS = {"start", "end"}

_ROOT_KEYS = {"format", "guide", "activities"}
_HEADER_KEYS = {
    "id",
    "title",
    "source",
    "cohort",
    "time_zone",
    "budget_period",
    "steps",
    "resources",
}
_RESOURCE_KEYS = {"name", "link"}
_STEP_KEYS = {"id", "name", "summary"}
_BUDGET_KEYS = {"start", "end", "months"}
_ACTIVITY_KEYS = {
    "id",
    "step",
    "title",
    "details",
    "target",
    "start",
    "due",
    "time",
    "ongoing",
    "repeat",
    "until",
    "resources",
    "submit_to",
    "required_for",
    "starts_with",
    "period",
}


def load_guide(path: Path | None = None) -> Guide:
    """Load and check a guide file (the bundled one when `path` is None)."""
    path = path if path is not None else bundled_guide_path()
    return parse_guide(read_guide_text(path), path)


def parse_guide(text: str, path: Path) -> Guide:
    """Check the text of a guide file and make the guide, or raise GuideError listing every
    problem, each with its line."""
    data = _guide_data(text, path)
    builder = _GuideBuilder(path, [])
    guide = builder.build(data)
    problems = builder.in_line_order()
    if problems or guide is None:
        count = len(problems)
        raise GuideError(
            f"The guide file {path} has {count} problem{'s' if count != 1 else ''}:",
            problems=problems,
        )
    return guide


def check_guide_file(path: Path) -> tuple[Guide, list[str]]:
    """`cimsig validate`: the guide with every check, also of what a person can get wrong
    (cimsig.guide_review) and the review marks of a draft; GuideError lists every problem in
    line order. Returns the guide and the warnings (in line order)."""
    from cimsig.guide_review import review_marks

    text = read_guide_text(path)
    data = _guide_data(text, path)
    builder = _GuideBuilder(path, [], review=True)
    guide = builder.build(data)
    for line, what in review_marks(text):
        builder.problem(line, f"REVIEW: {what} (then delete this mark)")
    problems = builder.in_line_order()
    if problems or guide is None:
        count = len(problems)
        raise GuideError(
            f"The guide file {path} has {count} problem{'s' if count != 1 else ''}:",
            problems=problems,
        )
    return guide, [text for _, text in sorted(builder.warnings, key=lambda w: w[0])]


# What a YAML parser's message means for a person writing a guide, and what to do about it.
_YAML_HINTS = (
    ("mapping values are not allowed",
     "a colon and a space inside a value; put the text in quotes, like "
     'title: "Final report: budget"'),
    ("tab character", "indent with spaces, not tabs"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("could not find expected ':'",
     "a line is not 'key: value'; if a text runs on to the next line, put it in quotes"),
    ("cannot start any token", "put the text in quotes"),
    ("did not find expected key",
     "the indentation does not line up with the lines above, or a quote is not closed"),
    ("expected <block end>",
     "the indentation does not line up with the lines above, or a quote is not closed"),
    ("found unexpected end of stream", "a quote or a bracket is not closed"),
    ("did not find expected ',' or '}'", "a bracket { } is not closed, or a text needs quotes"),
    ("did not find expected ',' or ']'", "a bracket [ ] is not closed, or a text needs quotes"),
)  # fmt: skip


def _guide_data(text: str, path: Path) -> Any:
    """The parsed YAML of a guide file; GuideError in plain words when it is not YAML or empty."""
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        where = f"{path}, line {exc.line}" if exc.line else str(path)
        hint = next((h for found, h in _YAML_HINTS if found in exc.message), None)
        advice = f" ({hint})" if hint else ""
        raise GuideError(
            f"The guide file cannot be read: {where}: {exc.message}{advice}."
        ) from None
    if data is None:
        raise GuideError(
            f"The guide file {path} is empty. A guide file starts with 'format: 1', then "
            "'guide:' and 'activities:' (cimsig's docs/guide-format.md)."
        )
    return data


class _GuideBuilder:
    """Turns the parsed YAML into a Guide, collecting every problem on the way."""

    def __init__(self, path: Path, problems: list[str], *, review: bool = False) -> None:
        self.path = path
        self.problems = problems
        self.lines: list[int] = []  # the line of each problem, to list them in line order
        # `cimsig validate`: also what a person can get wrong (cimsig.guide_review), with
        # warnings (line, text) for what may be right but is worth a look.
        self.review = review
        self.warnings: list[tuple[int, str]] = []
        # (mapping, known key) for each unknown key that looks like a misspelt known one
        # ('tilte'): the known key is then not also reported missing. One mistake, one message.
        self.misspelt: set[tuple[int, str]] = set()

    def is_misspelt(self, data: Mapping, key: str) -> bool:
        return (id(data), key) in self.misspelt

    def problem(self, line: int | None, message: str, activity: str | None = None) -> None:
        where = f"line {line}" if line else "the file"
        who = f", activity '{activity}'" if activity else ""
        self.problems.append(f"{where}{who}: {message}")
        self.lines.append(line or 0)

    def in_line_order(self) -> list[str]:
        """The problems as a person fixes them: from the top of the file down (a problem of
        the whole file first); the order found within one line."""
        order = sorted(range(len(self.problems)), key=lambda i: self.lines[i])
        return [self.problems[i] for i in order]

    def build(self, data: Any) -> Guide | None:
        if not isinstance(data, Mapping):
            self.problem(
                None, "it must be a mapping with 'format', 'guide' and 'activities' (each "
                "followed by a colon), not a list or a single text",
            )  # fmt: skip
            return None
        self._unknown_keys(data, _ROOT_KEYS, None)
        fmt = data.get("format")
        if fmt != GUIDE_FORMAT and not self.is_misspelt(data, "format"):
            self.problem(
                data.line_of("format"),
                f"'format' must be {GUIDE_FORMAT} (this cimsig reads guide format {GUIDE_FORMAT})",
            )
        header = data.get("guide")
        if not isinstance(header, Mapping):
            if not self.is_misspelt(data, "guide"):
                self.problem(
                    data.line_of("guide"),
                    "'guide' is missing" if header is None
                    else "'guide' must be a mapping (id, title, steps, ...)",
                )  # fmt: skip
            return None
        self._unknown_keys(header, _HEADER_KEYS, None)
        steps = self._steps(header)
        resources, links = self._resources(header, None)
        activities = self._activities(data, {s.id for s in steps})
        guide_id = self._text(header, "id", None, required=True)
        if guide_id and not re.match(ID_PATTERN, guide_id):
            self.problem(header.line_of("id"), f"guide id '{guide_id}' {_ID_RULE}")
        budget = self._budget(header)
        if self.review and budget is not None:
            self._outside_budget(activities, budget)
        time_zone = self._text(header, "time_zone", None) or DEFAULT_TIME_ZONE
        if not _is_time_zone(time_zone):
            self.problem(
                header.line_of("time_zone"),
                f"unknown time zone '{time_zone}' (write it like America/Los_Angeles)",
            )
        return Guide(
            id=guide_id or "",
            title=self._text(header, "title", None, required=True) or "",
            source=self._text(header, "source", None) or "",
            cohort=self._text(header, "cohort", None) or "",
            time_zone=time_zone,
            budget_period=budget,
            steps=tuple(steps),
            activities=tuple(activities),
            path=self.path,
            resources=resources,
            links=links,
        )

    # -- pieces ---------------------------------------------------------------------------------

    def _unknown_keys(self, data: Mapping, known: set[str], activity: str | None) -> None:
        for key in data.duplicate_keys:
            self.problem(data.line_of(str(key)), f"'{key}' is given twice", activity)
        import difflib

        for key in data:
            if key not in known:
                close = [
                    k
                    for k in difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.5)
                    if k not in data
                ]
                if close:
                    self.misspelt.add((id(data), close[0]))
                    message = (
                        f"unknown key '{key}': did you mean '{close[0]}'? ('{close[0]}' is missing)"
                    )
                else:
                    message = f"unknown key '{key}' (known keys: {', '.join(sorted(known))})"
                self.problem(data.line_of(str(key)), message, activity)

    def _text(
        self, data: Mapping, key: str, activity: str | None, *, required: bool = False
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if required and not self.is_misspelt(data, key):
                self.problem(data.line, f"'{key}' is missing", activity)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(data.line_of(key), f"'{key}' must be text", activity)
            return None
        text = " ".join(str(value).split())
        if not text:
            if required:
                self.problem(data.line_of(key), f"'{key}' is empty", activity)
            return None
        return text

    def _date(self, data: Mapping, key: str, activity: str | None) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            self.problem(data.line_of(key), f"{key}: {exc}", activity)
            return None

    def _texts(self, data: Mapping, key: str, activity: str | None) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(data.line_of(key), f"'{key}' must be a list of text items", activity)
            return ()
        return tuple(" ".join(v.split()) for v in value)

    def _resources(
        self, data: Mapping, activity: str | None
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """A list of resources, each a name or a mapping {name, link}: (names, links)."""
        value = data.get("resources")
        if value is None:
            return (), ()
        shape = "'resources' must be a list of names or of {name: ..., link: https://...}"
        if not isinstance(value, list):
            self.problem(data.line_of("resources"), shape, activity)
            return (), ()
        names: list[str] = []
        links: list[tuple[str, str]] = []
        for item in value:
            if isinstance(item, str) and item.strip():
                names.append(" ".join(item.split()))
                continue
            if not isinstance(item, Mapping):
                self.problem(data.line_of("resources"), shape, activity)
                continue
            self._unknown_keys(item, _RESOURCE_KEYS, activity)
            name = self._text(item, "name", activity, required=True)
            link = self._text(item, "link", activity)
            if name is None:
                continue
            names.append(name)
            if link is None:
                continue
            if not re.match(LINK_PATTERN, link):
                self.problem(
                    item.line_of("link"),
                    f"link '{link}' must be a web address starting with https://",
                    activity,
                )
                continue
            links.append((name, link))
        return tuple(names), tuple(links)

    def _steps(self, header: Mapping) -> list[Step]:
        raw = header.get("steps")
        if not isinstance(raw, list) or not raw:
            self.problem(header.line_of("steps"), "'steps' must be a list of steps (id, name)")
            return []
        steps: list[Step] = []
        for item in raw:
            if not isinstance(item, Mapping):
                self.problem(header.line_of("steps"), "each step must be a mapping (id, name)")
                continue
            self._unknown_keys(item, _STEP_KEYS, None)
            step_id = self._text(item, "id", None, required=True)
            name = self._text(item, "name", None, required=True)
            if step_id is None or name is None:
                continue
            if any(s.id == step_id for s in steps):
                self.problem(item.line_of("id"), f"step '{step_id}' is listed twice")
                continue
            steps.append(Step(step_id, name, self._text(item, "summary", None) or ""))
        return steps

    def _budget(self, header: Mapping) -> BudgetPeriod | None:
        raw = header.get("budget_period")
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(header.line_of("budget_period"), "'budget_period' must be a mapping")
            return None
        self._unknown_keys(raw, _BUDGET_KEYS, None)
        start, end = self._date(raw, "start", None), self._date(raw, "end", None)
        months = raw.get("months")
        if months is not None and (isinstance(months, bool) or not isinstance(months, int)):
            self.problem(raw.line_of("months"), "'months' must be a whole number")
            months = None
        if start is None or end is None:
            self.problem(raw.line, "'budget_period' needs both 'start' and 'end'")
            return None
        if start > end:
            self.problem(raw.line, "the budget period ends before it starts")
            return None
        if self.review and months is not None:
            from cimsig.guide_review import budget_months

            fewest, most = budget_months(start, end)
            if not fewest <= months <= most:
                counted = str(fewest) if fewest == most else f"{fewest} or {most}"
                self.problem(
                    raw.line_of("months"),
                    f"the budget period says {months} months, but {start} to {end} is "
                    f"{counted} months: correct 'months' or the dates",
                )
        return BudgetPeriod(start, end, months)

    def _activities(self, data: Mapping, step_ids: set[str]) -> list[Activity]:
        raw = data.get("activities")
        if not isinstance(raw, list) or not raw:
            if "activities" not in data:
                if not self.is_misspelt(data, "activities"):
                    self.problem(None, "'activities' is missing (the list of activities)")
            else:
                self.problem(
                    data.line_of("activities"), "'activities' must be a list of activities"
                )
            return []
        activities: list[Activity] = []
        raw_items: list[Mapping] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(raw, start=1):
            if not isinstance(item, Mapping):
                self.problem(
                    data.line_of("activities"), f"activity number {index} must be a mapping"
                )
                continue
            activity = self._activity(item, step_ids, index)
            if activity is None:
                continue
            if activity.id in seen:
                self.problem(
                    item.line_of("id"),
                    f"the id is used twice (first on line {seen[activity.id]})",
                    activity.id,
                )
                continue
            seen[activity.id] = item.line_of("id")
            activities.append(activity)
            raw_items.append(item)
        self._yearly_id_clashes(activities)
        lines = {a.id: item for a, item in zip(activities, raw_items, strict=True)}
        activities = self._due_after_activities(activities, lines)
        activities = [a if a.target else replace(a, target=due_words(a) or "") for a in activities]
        if self.review:
            self._check_targets(activities, lines)
        self._check_starts_with(activities, lines)
        return activities

    def _outside_budget(self, activities: list[Activity], budget: BudgetPeriod) -> None:
        """Warnings: a report period that is not inside the budget period, and a due date more
        than a year from it (a mistyped year, most often)."""
        from cimsig.guide_review import FAR_FROM_BUDGET_DAYS

        far = dt.timedelta(days=FAR_FROM_BUDGET_DAYS)
        for a in activities:
            where = f"line {a.line}, activity '{a.id}'"
            start, end = a.period_start, a.period_end
            if start is not None and end is not None and (start < budget.start or end > budget.end):
                self.warnings.append((a.line or 0, (
                    f"{where}: its period {start} to {end} is not inside the budget period "
                    f"({budget.start} to {budget.end})")))  # fmt: skip
            elif a.due is not None and not budget.start - far <= a.due <= budget.end + far:
                self.warnings.append((a.line or 0, (
                    f"{where}: due {a.due}, more than a year outside the budget period "
                    f"({budget.start} to {budget.end}); is the year right?")))  # fmt: skip

    def _check_targets(self, activities: list[Activity], items: dict[str, Mapping]) -> None:
        """A target text that names one date the due date contradicts (cimsig.guide_review)."""
        from cimsig.guide_review import named_date, target_contradiction

        for activity in activities:
            if activity.due is None or items[activity.id].get("target") is None:
                continue
            if activity.repeat and named_date(activity.target) is not None:
                self.problem(
                    items[activity.id].line_of("target"),
                    f"the target '{activity.target}' names one date, but the activity repeats "
                    f"({activity.repeat}), so every occurrence would show that date: leave "
                    "'target' out (cimsig then shows each occurrence's own due date) or write "
                    "words that fit every one, like 'July 15 each year'",
                    activity.id,
                )
                continue
            found = target_contradiction(activity.target, activity.due)
            if found is not None:
                self.problem(items[activity.id].line_of("target"), found, activity.id)

    def _due_after_activities(
        self, activities: list[Activity], items: dict[str, Mapping]
    ) -> list[Activity]:
        """Work out `due: {days: N, after: ACTIVITY-ID}`: N days after that activity's due
        date (the guide's date; it may itself be after another one)."""
        by_id = {a.id: a for a in activities}
        waiting = [
            a.id
            for a in activities
            if a.due_after not in (None, AFTER_PERIOD) and _as_date(a.due_after) is None
        ]
        for activity_id in list(waiting):
            activity = by_id[activity_id]
            other = by_id.get(activity.due_after or "")
            line = items[activity_id].line_of("due")
            if other is None:
                occurrence = _named_occurrence(activities, activity.due_after or "")
                if occurrence is not None and occurrence.due is not None:
                    # One occurrence of a repeating activity (`expenditure-report-2023-09`, as
                    # `cimsig list` shows it): N days after its due date.
                    due = occurrence.due + dt.timedelta(days=activity.due_days or 0)
                    by_id[activity_id] = replace(activity, due=due)
                    if activity.start is not None and activity.start > due:
                        self.problem(items[activity_id].line_of("start"),
                                     f"start {activity.start} is after the due date {due}",
                                     activity_id)  # fmt: skip
                else:
                    self.problem(line, f"after: no activity has the id '{activity.due_after}'"
                                 f"{_occurrence_hint(activities, activity.due_after or '')}",
                                 activity_id)  # fmt: skip
                waiting.remove(activity_id)
            elif other.id == activity_id:
                self.problem(line, "an activity cannot be due after itself", activity_id)
                waiting.remove(activity_id)
            elif other.repeat:
                self.problem(
                    line,
                    f"after: '{other.id}' repeats ({other.repeat}), so it has many due dates: "
                    f"name one of them by its id, like '{_first_occurrence_id(other)}' "
                    "(`cimsig list` shows them)",
                    activity_id,
                )
                waiting.remove(activity_id)
            elif other.ongoing or other.starts_with:
                self.problem(
                    line,
                    f"after: '{other.id}' must have one due date of its own (not ongoing, "
                    "repeating or starting with another activity)",
                    activity_id,
                )
                waiting.remove(activity_id)
        progress = True
        while waiting and progress:
            progress = False
            for activity_id in list(waiting):
                activity = by_id[activity_id]
                other = by_id[activity.due_after or ""]
                if other.id in waiting:
                    continue
                if other.due is not None and activity.due_days is not None:
                    due = other.due + dt.timedelta(days=activity.due_days)
                    by_id[activity_id] = replace(activity, due=due)
                    if activity.start is not None and activity.start > due:
                        self.problem(
                            items[activity_id].line_of("start"),
                            f"start {activity.start} is after the due date {due}",
                            activity_id,
                        )
                waiting.remove(activity_id)
                progress = True
        for activity_id in waiting:
            self.problem(
                items[activity_id].line_of("due"),
                "its due date depends on itself through 'after' (a circle: "
                f"{' -> '.join(_after_chain(by_id, activity_id))})",
                activity_id,
            )
        return [by_id[a.id] for a in activities]

    def _activity(self, item: Mapping, step_ids: set[str], index: int) -> Activity | None:
        raw_id = item.get("id")
        label = raw_id if isinstance(raw_id, str) and raw_id else f"number {index}"
        self._unknown_keys(item, _ACTIVITY_KEYS, label)
        activity_id = self._text(item, "id", label, required=True)
        if activity_id is not None and not re.match(ID_PATTERN, activity_id):
            self.problem(item.line_of("id"), f"the id {_ID_RULE}", label)
            activity_id = None
        step = self._text(item, "step", label, required=True)
        if step is not None and step_ids and step not in step_ids:
            self.problem(
                item.line_of("step"),
                f"unknown step '{step}' (steps: {', '.join(sorted(step_ids))})",
                label,
            )
        title = self._text(item, "title", label, required=True)
        period = self._period(item, label)
        start = self._date(item, "start", label)
        due_days, due_after = self._due_rule(item, label)
        due = None if due_days is not None else self._date(item, "due", label)
        if due_days is not None and due_after is not None:
            due = _due_from_rule(due_days, due_after, period)
            if (
                due_after == AFTER_PERIOD
                and "period" not in item
                and not self.is_misspelt(item, "period")
            ):
                self.problem(
                    item.line_of("due"),
                    "'after: period' needs the activity's 'period: {start: ..., end: ...}'",
                    label,
                )
        # A rule says the deadline itself; without a target text it is shown as the rule. A
        # repeating activity without one shows each occurrence's own due date.
        required = due_days is None and item.get("repeat") is None
        target = self._text(item, "target", label, required=required) or ""
        until = self._date(item, "until", label)
        ongoing = item.get("ongoing", False)
        if not isinstance(ongoing, bool):
            self.problem(item.line_of("ongoing"), "'ongoing' must be true or false", label)
            ongoing = False
        repeat = self._choice(item, "repeat", REPEATS, label)
        required_for = self._choice(item, "required_for", REQUIRED_FOR, label)
        time = self._text(item, "time", label)
        self._check_dates(item, label, start, due, until, ongoing, repeat, time)
        if repeat and period is not None:
            self._check_repeating_period(item, label, repeat, period)
        if repeat and due_after not in (None, AFTER_PERIOD) and _as_date(due_after) is None:
            self.problem(
                item.line_of("due"),
                f"a {repeat} activity's due date must be a date or 'after: period', not after "
                "another activity",
                label,
            )
        resources, links = self._resources(item, label)
        starts_with = self._text(item, "starts_with", label)
        submit_to = self._texts(item, "submit_to", label)
        if None in (activity_id, step, title):
            return None
        assert activity_id and step and title  # for the type checker
        return Activity(
            id=activity_id,
            step=step,
            title=title,
            target=target,
            start=start,
            due=due,
            time=time,
            ongoing=ongoing,
            repeat=repeat,
            until=until,
            details=self._text(item, "details", label),
            resources=resources,
            submit_to=submit_to,
            required_for=required_for,
            starts_with=starts_with,
            links=links,
            line=item.line,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            due_days=due_days,
            due_after=due_after,
        )

    def _period(self, item: Mapping, label: str) -> tuple[dt.date, dt.date] | None:
        """`period: {start: DATE, end: DATE}`: the span the activity reports on."""
        raw = item.get("period")
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(
                item.line_of("period"), "'period' must be {start: YYYY-MM-DD, end: YYYY-MM-DD}",
                label,
            )  # fmt: skip
            return None
        self._unknown_keys(raw, _PERIOD_KEYS, label)
        start, end = self._date(raw, "start", label), self._date(raw, "end", label)
        if start is None or end is None:
            missing = [k for k in ("start", "end") if k not in raw and not self.is_misspelt(raw, k)]
            if missing:
                self.problem(raw.line, "'period' needs both 'start' and 'end'", label)
            return None
        if start > end:
            self.problem(raw.line, f"the period ends ({end}) before it starts ({start})", label)
            return None
        return start, end

    def _check_repeating_period(
        self, item: Mapping, label: str, repeat: str, period: tuple[dt.date, dt.date]
    ) -> None:
        """A repeating activity's periods follow one another: the first ends the day before
        the second starts (cimsig.schedule.period_of), so none overlaps or leaves a gap."""
        from cimsig.schedule import period_of

        _, end = period_of(period[0], repeat, 0)
        if period[1] != end:
            following = end + dt.timedelta(days=1)
            self.problem(
                item.line_of("period"),
                f"a {repeat} period that starts on {period[0]} ends on {end}, the day before "
                f"the next one starts ({following}), not on {period[1]}: correct 'end' (or "
                "'start')",
                label,
            )

    def _due_rule(self, item: Mapping, label: str) -> tuple[int | None, str | None]:
        """`due: {days: N, after: period | ACTIVITY-ID | YYYY-MM-DD}` as (days, after); (None,
        None) when `due` is a date (or missing). A rule with a mistake still counts as a rule,
        so the plain date check does not complain about it a second time."""
        raw = item.get("due")
        if not isinstance(raw, Mapping):
            return None, None
        self._unknown_keys(raw, _DUE_RULE_KEYS, label)
        days, after = raw.get("days"), raw.get("after")
        line = raw.line
        if days is None and self.is_misspelt(raw, "days"):
            days = 0
        elif isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DUE_DAYS:
            self.problem(
                line, f"'days' must be a whole number from 0 to {MAX_DUE_DAYS}, like days: 30",
                label,
            )  # fmt: skip
            days = 0
        if after is None and self.is_misspelt(raw, "after"):
            return days, None
        if not isinstance(after, str) or not after.strip():
            self.problem(
                line,
                "'after' must be 'period', an activity's id or a date (YYYY-MM-DD), like "
                "after: period",
                label,
            )
            return days, None
        after = after.strip()
        if after != AFTER_PERIOD and _as_date(after) is None and not re.match(ID_PATTERN, after):
            self.problem(
                line, f"after: '{after}' is not 'period', an activity's id or a YYYY-MM-DD date",
                label,
            )  # fmt: skip
            return days, None
        return days, after

    def _choice(self, item: Mapping, key: str, choices: Sequence[str], label: str) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if value not in choices:
            self.problem(item.line_of(key), f"'{key}' must be one of: {', '.join(choices)}", label)
            return None
        return str(value)

    def _check_dates(
        self,
        item: Mapping,
        label: str,
        start: dt.date | None,
        due: dt.date | None,
        until: dt.date | None,
        ongoing: bool,
        repeat: str | None,
        time: str | None,
    ) -> None:
        def has(key: str) -> bool:
            return item.get(key) is not None

        if start and due and start > due:
            self.problem(item.line_of("start"), f"start {start} is after the due date {due}", label)
        if ongoing and has("due"):
            self.problem(item.line_of("due"), "an ongoing activity has no due date", label)
        if not ongoing and not has("due") and not self.is_misspelt(item, "due"):
            self.problem(item.line, "needs a 'due' date, or 'ongoing: true'", label)
        if repeat and not has("due") and not self.is_misspelt(item, "due"):
            self.problem(
                item.line_of("repeat"), f"a {repeat} activity needs its first 'due'", label
            )
        if has("until") and not has("repeat"):
            self.problem(
                item.line_of("until"),
                "'until' is only for a repeating activity (one with 'repeat')",
                label,
            )
        if until and due and until < due:
            self.problem(
                item.line_of("until"), f"until {until} is before the first due date", label
            )
        if time is not None:
            match = re.match(TIME_PATTERN, time)
            # `time: 10:00` unquoted is a number to YAML (600, minutes in base 60).
            start_only = re.match(r"^\d{1,2}:\d{2}$", time) or isinstance(item.get("time"), int)
            if not match and start_only:
                self.problem(
                    item.line_of("time"),
                    "'time' needs the meeting's end too, in quotes, like \"10:00-11:00\" "
                    "(24-hour clock)",
                    label,
                )
            elif not match:
                self.problem(
                    item.line_of("time"), "'time' must look like 12:00-13:30 (24-hour clock)", label
                )
            elif match.group(1, 2) >= match.group(3, 4):
                self.problem(item.line_of("time"), "the meeting ends before it starts", label)
            if not (start and due and start == due):
                self.problem(
                    item.line_of("time"),
                    "a meeting with a time needs start and due on one day",
                    label,
                )

    def _check_starts_with(self, activities: list[Activity], items: dict[str, Mapping]) -> None:
        """`starts_with` names an activity of the guide with a single due date, itself dated."""
        by_id = {a.id: a for a in activities}
        for activity in activities:
            if activity.starts_with is None:
                continue
            line = items[activity.id].line_of("starts_with")
            other = by_id.get(activity.starts_with)
            if other is None:
                self.problem(line, f"starts_with: no activity has the id '{activity.starts_with}'",
                             activity.id)  # fmt: skip
            elif other.due is None or other.repeat or other.starts_with:
                self.problem(
                    line,
                    f"starts_with: '{other.id}' must have one due date of its own (not ongoing, "
                    "yearly or itself starting with another activity)",
                    activity.id,
                )
            if activity.start is not None:
                self.problem(line, "give 'start' or 'starts_with', not both", activity.id)

    def _yearly_id_clashes(self, activities: list[Activity]) -> None:
        ids = {a.id for a in activities}
        for activity in activities:
            if activity.repeat is None:
                continue
            for other in ids:
                suffix = other.removeprefix(activity.id + "-")
                if other != suffix and re.match(_OCCURRENCE_SUFFIX[activity.repeat], suffix):
                    self.problem(
                        activity.line,
                        f"its {activity.repeat} occurrences would clash with the activity "
                        f"'{other}'",
                        activity.id,
                    )


def _named_occurrence(activities: Iterable[Activity], name: str) -> Activity | None:
    """The occurrence of one of the repeating activities that has this id, if any."""
    from cimsig.schedule import occurrence_named

    for activity in activities:
        if activity.repeat and name.startswith(activity.id + "-"):
            found = occurrence_named(activity, name)
            if found is not None:
                return found
    return None


def _first_occurrence_id(activity: Activity) -> str:
    from cimsig.schedule import occurrences

    return occurrences(activity, dt.date.min)[0].id


def _occurrence_hint(activities: Iterable[Activity], name: str) -> str:
    """For an id that starts like a repeating activity's: which of its occurrences there are."""
    from cimsig.schedule import occurrences

    for activity in activities:
        if activity.repeat and activity.due is not None and name.startswith(activity.id + "-"):
            found = occurrences(activity, activity.due)
            if activity.until is not None:
                first, last = found[0].id, found[-1].id
                return f" (the occurrences of '{activity.id}' run from {first} to {last})"
            return f" (the occurrences of '{activity.id}' are named like {found[0].id})"
    return ""


def _after_chain(by_id: dict[str, Activity], first: str) -> list[str]:
    """first -> the activity it is due after -> ... until an id repeats."""
    chain = [first]
    while True:
        following = by_id[chain[-1]].due_after or ""
        chain.append(following)
        if following in chain[:-1] or following not in by_id:
            return chain


def _due_from_rule(days: int, after: str, period: tuple[dt.date, dt.date] | None) -> dt.date | None:
    """The due date of `due: {days, after}` when it does not depend on another activity."""
    if after == AFTER_PERIOD:
        return period[1] + dt.timedelta(days=days) if period else None
    day = _as_date(after)
    return day + dt.timedelta(days=days) if day else None


def _is_time_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# What a repeating activity's occurrences add to its id: the year (yearly), else the year and
# month (of the period's end, or of the due date without a period).
_OCCURRENCE_SUFFIX = {
    repeat: (r"^\d{4}$" if repeat == "yearly" else r"^\d{4}-\d{2}$") for repeat in REPEAT_MONTHS
}

_ID_RULE = "must be lowercase letters, digits and dashes (like step1-data-drill-down)"
