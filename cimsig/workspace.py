"""A guide together with its state file, as of a date: what every command starts from.

The CLI reads the clock and the options; this module turns them into the district's activities
(the guide's, yearly items expanded, plus the district's own, with the district's planned dates)
and the status of each, and checks that the state belongs to the guide.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from cimsig import schedule
from cimsig.errors import AmbiguousIdError, StateError, UsageError
from cimsig.guide import ID_PATTERN, Activity, Guide, resolve_id
from cimsig.records import CustomActivity, Note
from cimsig.schedule import ActivityStatus
from cimsig.state import State
from cimsig.store import StateFile

# The longest id cimsig makes from a title (the guide's own ids are up to 29 characters).
MAX_MADE_ID = 30
_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


@dataclass(frozen=True, slots=True)
class PlanDetails:
    """What the district's plan adds to an activity, for tables, JSON and exports."""

    owner: str | None
    notes: tuple[Note, ...]
    guide_start: dt.date | None
    guide_due: dt.date | None
    planned: bool


def custom_activity(custom: CustomActivity) -> Activity:
    due = f"{custom.due:%B} {custom.due.day}, {custom.due.year}"
    return Activity(
        id=custom.id,
        step=custom.step,
        title=custom.title,
        target=f"District plan: {due}",
        start=custom.start,
        due=custom.due,
        origin="district",
    )


class Workspace:
    """A guide and a district's progress on it, as of a date: what every view shows."""

    def __init__(self, guide: Guide, state_file: StateFile, state: State, as_of: dt.date) -> None:
        self.guide = guide
        self.state_file = state_file
        self.state = state
        self.as_of = as_of
        # Whether the progress file was named (--state, CIMSIG_STATE) rather than the default.
        self.named_file = False
        # The district (its folder name) when chosen with --district, else None.
        self.district: str | None = None

    def with_state(self, state: State) -> "Workspace":
        """The same workspace over another state (the one just written)."""
        other = Workspace(self.guide, self.state_file, state, self.as_of)
        other.named_file, other.district = self.named_file, self.district
        return other

    @property
    def district_label(self) -> str | None:
        """How messages name the district chosen with --district: its name as written."""
        if self.district is None:
            return None
        return self.lea or self.district

    @property
    def track(self) -> str | None:
        return self.state.profile.track if self.state.profile else None

    @property
    def lea(self) -> str | None:
        return self.state.profile.lea if self.state.profile else None

    @cached_property
    def unplanned(self) -> list[Activity]:
        """Every concrete activity with the guide's dates: the guide's, then the district's."""
        guide = schedule.expand(self.guide.activities, self.as_of)
        return guide + [custom_activity(c) for c in self.state.custom.values()]

    @cached_property
    def activities(self) -> list[Activity]:
        """Every concrete activity, with the district's planned dates where it set some."""
        result = []
        for activity in self.unplanned:
            plan = self.state.plans.get(activity.id)
            result.append(
                activity if plan is None else schedule.with_plan(activity, plan.due, plan.start)
            )
        return schedule.with_starts(result, self.state.done)

    @cached_property
    def statuses(self) -> list[ActivityStatus]:
        done, track = self.state.done, self.track
        result = [
            schedule.status_of(
                a, self.as_of, done.get(a.id), optional=schedule.is_optional(a, track)
            )
            for a in self.activities
        ]
        if not self.state.plans:
            return result
        # Where the district set its own date, the item says so, with the guide's deadline.
        guide_dates = self._unplanned_by_id
        for index, item in enumerate(result):
            plan = self.state.plans.get(item.activity.id)
            original = guide_dates.get(item.activity.id)
            if plan is not None and original is not None and original.origin == "guide":
                result[index] = replace(item, own_due=plan.due, guide_due=original.due)
        return result

    def resolve(self, text: str) -> Activity:
        """The activity a user meant by the id they typed (the full id, or whole words of it:
        see `guide.resolve_id`)."""
        wanted = resolve_id(text, [a.id for a in self.activities])
        return next(a for a in self.activities if a.id == wanted)

    def change_target(self, text: str) -> Activity:
        """The activity a change names: its full id, or whole words of exactly one id that are
        not also words of another activity's title (`final` is not `step3-finalize-plan`: it is
        a word of the FINAL report's title). Anything else is exit 2, listing the candidates
        with their titles, before anything is changed."""
        query = text.strip().lower()
        by_id = {a.id: a for a in self.activities}
        if query in by_id:
            return by_id[query]
        typed = query.split("-")
        whole = [a for a in self.activities if _has_whole_words(a.id, typed)]
        in_titles = [
            a
            for a in self.activities
            if a not in whole and _has_whole_words(_title_words(a), typed)
        ]
        if len(whole) == 1 and not in_titles:
            return whole[0]
        # Ids in which the typed words start words (`final` in `finalize`): candidates too.
        partly = [
            a
            for a in self.activities
            if a not in whole and a not in in_titles and _has_whole_words(a.id, typed, loose=True)
        ]
        candidates = [*whole, *in_titles, *partly]
        if not candidates:
            self.resolve(text)  # no activity at all: the error names the closest ids
        if len(whole) > 1:
            others = len(candidates) - len(whole)
            why = f"matches {len(whole)} activities" + (
                f" (listed first; {others} more have it in their title or start an id's word "
                "with it)"
                if others
                else ""
            )
        elif whole:
            why = f"is in the id {whole[0].id}, but also a word of another activity's title"
        elif in_titles:
            why = "is not a whole word of any id, and it is a word of an activity's title"
        else:
            why = "is only the start of a word of an id"
        shown = candidates[:12]
        more = [f"... and {len(candidates) - 12} more"] if len(candidates) > 12 else []
        raise AmbiguousIdError(
            f"'{text}' {why}; nothing was changed. Type the full id of the one you mean "
            "(`cimsig list` shows them all):",
            problems=[f"{a.id}: {a.title}" for a in shown] + more,
        )

    def resolve_all(
        self,
        texts: Sequence[str],
        *,
        note_option: str | None = None,
        note: str | None = None,
        after_note: Sequence[str] | None = None,
    ) -> list[str]:
        """The ids of several activities typed in one command, each once, in order.

        One id may be typed as whole words of it (`drill`: see `change_target`); when several
        are typed, each must be a full id or at least two of its words joined by a dash
        (`prep-mou`). So a sentence typed without quotes (`--note Finished the case study`)
        can never mark `the` or `case` done. When a `note` was given (with `note_option`), the
        hint quotes exactly the words typed after the option (`after_note`).
        """
        if len(texts) == 1:
            return [self.change_target(texts[0]).id]
        known = {a.id for a in self.activities}

        def is_loose(t: str) -> bool:
            return t.strip().lower() not in known and "-" not in t.strip()

        loose = [t for t in texts if is_loose(t)]
        if loose:
            hint = ""
            if note_option and note is not None:
                typed = [note, *(w for w in (after_note or [])[1:] if w in loose)]
                hint = (
                    f" If these words belong to the {note_option}, put it in quotes: "
                    f'{note_option} "{" ".join(typed)}".'
                )
            raise UsageError(
                f"{', '.join(repr(t) for t in loose)} "
                f"{'is not an id' if len(loose) == 1 else 'are not ids'}. When you name "
                "several activities, type each one's full id, or words of it joined by dashes "
                f"(`cimsig list` shows them); nothing was changed.{hint}"
            )
        return list(dict.fromkeys(self.change_target(t).id for t in texts))

    def status(self, activity_id: str) -> ActivityStatus:
        return next(s for s in self.statuses if s.activity.id == activity_id)

    @cached_property
    def _unplanned_by_id(self) -> dict[str, Activity]:
        return {a.id: a for a in self.unplanned}

    def details(self, activity_id: str) -> PlanDetails:
        original = self._unplanned_by_id.get(activity_id)
        return PlanDetails(
            owner=self.state.owners.get(activity_id),
            notes=self.state.notes.get(activity_id, ()),
            guide_start=original.start if original and original.origin == "guide" else None,
            guide_due=original.due if original and original.origin == "guide" else None,
            planned=activity_id in self.state.plans,
        )

    def for_owner(self, items: Iterable[ActivityStatus], owner: str | None) -> list[ActivityStatus]:
        """One person's activities, or all of them. The name typed matches an owner's whole name
        or a part of it that only one owner has, in any case; no match, or several, is exit 2
        with the owners listed (never an empty, all-clear list)."""
        if owner is None:
            return list(items)
        name = self.owner_named(owner)
        return [i for i in items if self.state.owners.get(i.activity.id) == name]

    def owner_named(self, typed: str) -> str:
        owners = sorted(set(self.state.owners.values()))
        wanted = typed.strip().casefold()
        exact = [o for o in owners if o.strip().casefold() == wanted]
        matches = exact or [o for o in owners if wanted and wanted in o.casefold()]
        if len(matches) == 1:
            return matches[0]
        if not owners:
            raise UsageError(
                f"No activity has an owner yet, so none is '{typed}'. "
                'Name one with: cimsig assign ID "NAME".'
            )
        if matches:
            raise UsageError(
                f"'{typed}' matches several owners; type more of the name:", problems=matches
            )
        raise UsageError(f"No owner is called '{typed}'. The owners are:", problems=owners)

    def unknown_ids(self) -> list[str]:
        """Ids recorded in the state that neither the guide nor the district's plan has."""
        recorded = {*self.state.done, *self.state.plans, *self.state.owners, *self.state.notes}
        return schedule.unknown_ids(recorded - set(self.state.custom), self.guide.activities)

    def new_activity_id(self, title: str, wanted: str | None) -> str:
        """An id for a district activity: the one asked for, or one made from the title."""
        taken = {a.id for a in self.activities} | set(self.state.custom)
        taken |= {a.id for a in self.guide.activities}

        def clashes(candidate: str) -> bool:
            # Taken, or an id the guide has or will have (a later year of a yearly item).
            known = not schedule.unknown_ids([candidate], self.guide.activities)
            return candidate in taken or known

        if wanted is not None:
            wanted = wanted.strip().lower()
            if not re.match(ID_PATTERN, wanted):
                raise UsageError(
                    f"--id '{wanted}' must be lowercase letters, digits and dashes, like "
                    "district-board-meeting."
                )
            if clashes(wanted):
                raise UsageError(f"The id '{wanted}' is already used; choose another with --id.")
            return wanted
        # Whole words, and short enough to type: "district-" and at most 21 more characters.
        base = "district"
        for word in re.findall(r"[a-z0-9]+", title.lower()):
            if word == "district" and base == "district":
                continue
            if len(base) + 1 + len(word) > MAX_MADE_ID and base != "district":
                break
            base = f"{base}-{word}"[:MAX_MADE_ID]
        while base.rsplit("-", 1)[-1] in _SMALL_WORDS and base.count("-") > 1:
            base = base.rsplit("-", 1)[0]  # "district-present-the-plan", not "...-plan-to"
        if base == "district":
            base = "district-activity"
        candidate, number = base, 2
        while clashes(candidate):
            candidate, number = f"{base}-{number}", number + 1
        return candidate


def _title_words(activity: Activity) -> str:
    """An activity's title as its words joined by dashes, as an id's are."""
    return "-".join(re.findall(r"[a-z0-9]+", activity.title.lower()))


def _has_whole_words(joined: str, typed: list[str], *, loose: bool = False) -> bool:
    """Whether the words `typed` come one after another in `joined` (words joined by dashes);
    `loose`: the last one may be the start of a word."""
    parts = joined.split("-")
    if not all(typed):
        return False
    for start in range(len(parts) - len(typed) + 1):
        window = parts[start : start + len(typed)]
        if window == typed or (
            loose and window[:-1] == typed[:-1] and window[-1].startswith(typed[-1])
        ):
            return True
    return False


def check_belongs(state: State, guide: Guide, state_path: Path) -> None:
    """Refuse to mix one guide's progress with another guide."""
    if state.guide is not None and state.guide != guide.id:
        raise StateError(
            f"The progress file {state_path} records progress on the guide '{state.guide}', but "
            f"the guide in use is '{guide.id}'. Use --state to choose the progress file for this "
            "guide, or --guide to choose the guide this progress file belongs to."
        )
