"""What a user can do to a district's plan, as plain functions: the command line and the web page
(`cimsig serve`) both call these, never the store directly.

Each takes a Workspace (the guide and the progress file as of a date) and typed arguments, and
returns what changed. None prints, none knows Typer or Flask, none reads the clock or the
computer's user name: `now` and `author` are arguments. A change goes through `commit`, the one
writer: the store's lock held for the whole read-modify-write and an atomic replace, so two
front ends (or two people) changing the file at once lose nothing. Every error a user can cause
is a CimsigError with a message in plain words.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cimsig import schedule
from cimsig.errors import StateError, UsageError
from cimsig.records import Change, CustomActivity, DoneRecord, Plan
from cimsig.schedule import ActivityStatus
from cimsig.workspace import Workspace, check_belongs

if TYPE_CHECKING:
    from cimsig.catch_up import SheetRow

Changes = dict[str, Change | None]


@dataclass
class Result:
    """What an operation did: the workspace as it is afterwards and, per activity id, the
    change recorded (None: nothing needed changing). `started_file`: this change created the
    progress file. `before`: each activity's done record before (for `mark_done`'s words)."""

    workspace: Workspace
    changes: Changes
    started_file: bool = False
    before: dict[str, DoneRecord | None] = field(default_factory=dict)

    @property
    def changed(self) -> list[str]:
        return [i for i, c in self.changes.items() if c is not None]


def no_file_words(path: Path) -> str:
    from cimsig.formatting import shell_quote

    return (
        f"there is no progress file at {path}. Check the name; to start a new one there, run "
        f"cimsig init --state {shell_quote(str(path))}."
    )


def commit(
    ws: Workspace,
    change: Callable[[Workspace], Changes],
    *,
    author: str,
    start_named_file: bool = False,
) -> Result:
    """Apply a change to the progress file under its lock: the one way a change is written.

    `change` gets the workspace over the file as it is now, read under the lock: ids are
    resolved and new ids chosen there, so two writers at once never lose a change. A file named
    with --state is created only by `init` (`start_named_file`); the default file by the first
    change (`started_file` says so). The history records `author` as who made it.
    """
    existed = ws.state_file.exists()
    if not existed and ws.named_file and not start_named_file:
        raise UsageError(f"Nothing was changed: {no_file_words(ws.state_file.path)}")
    with ws.state_file.edit() as st:
        check_belongs(st, ws.guide, ws.state_file.path)
        st.guide = ws.guide.id
        st.author = author
        changes = change(ws.with_state(st))
    started = not existed and ws.state_file.exists() and not start_named_file
    return Result(ws.with_state(st), changes, started_file=started)


# -- done, correct, reopen -------------------------------------------------------------------


def check_done_date(ws: Workspace, done_on: dt.date | None, *, today: dt.date) -> None:
    """A day work was done: not after the as-of date, not before the guide begins."""
    if done_on is None:
        return
    if done_on > ws.as_of:
        raise UsageError(
            f"--on {done_on} is after {ws.as_of}: cimsig records work that is done. "
            + (
                "Use --on with today's date or an earlier one."
                if ws.as_of == today
                else f"Use --on with the as-of date ({ws.as_of}) or an earlier one."
            )
        )
    first = ws.guide.first_date
    if first is not None and done_on < first:
        raise UsageError(
            f"--on {done_on} is before this guide begins ({first}). Is the year a typo?"
        )


def mark_done(
    ws: Workspace,
    ids: list[str],
    *,
    now: dt.datetime,
    author: str,
    on: dt.date | None = None,
    note: str | None = None,
    after_note: list[str] | None = None,
) -> Result:
    """Mark activities done on `on` (default: the as-of date), with a note; an activity done
    already has its record corrected instead (its date to `on`, its note to `note`, where
    given). All in one change: one undo takes it back. `after_note`: the words typed after
    --note on a command line, for the hint when a loose note was taken for ids."""
    ws.resolve_all(ids, note_option="--note", note=note, after_note=after_note)  # checked unlocked
    before = {i: ws.state.done.get(i) for i in ws.resolve_all(ids)}

    def mark(now_ws: Workspace) -> Changes:
        targets = now_ws.resolve_all(ids, note_option="--note", note=note, after_note=after_note)
        st = now_ws.state
        with st.batch():
            return {
                i: st.correct_done(i, now, on, note)
                if i in st.done
                else st.mark_done(i, on or ws.as_of, now, note)
                for i in targets
            }

    result = commit(ws, mark, author=author)
    result.before = before
    return result


def correct_done(
    ws: Workspace,
    activity_id: str,
    *,
    now: dt.datetime,
    author: str,
    on: dt.date | None = None,
    note: str | None = None,
) -> Result:
    """Correct the record of a done activity: its date, its note. Refused when it is not done."""
    target = ws.change_target(activity_id).id
    if target not in ws.state.done:
        raise UsageError(f"{target} is not marked done, so there is no record to correct.")
    return mark_done(ws, [target], now=now, author=author, on=on, note=note)


def others_done(ws: Workspace, ids: list[str], me: str) -> dict[str, dict[str, Any]]:
    """Of these activities, the ones marked done by someone other than `me` (on a shared file):
    id -> the history entry that marked it done."""
    pending = {i for i in ids if ws.state.done.get(i) is not None}
    others: dict[str, dict[str, Any]] = {}
    for entry in ws.state.recent_history(past_damage=True):
        if not pending:
            break
        activity_id = str(entry.get("id"))
        changes = entry.get("changes")
        if activity_id not in pending or not isinstance(changes, list):
            continue
        if any(isinstance(c, dict) and c.get("field") == "done" for c in changes):
            pending.discard(activity_id)
            if entry.get("by") and not same_person(entry["by"], me):
                others[activity_id] = entry
    return others


def same_person(one: object, other: object) -> bool:
    return " ".join(str(one).split()).casefold() == " ".join(str(other).split()).casefold()


def reopen(
    ws: Workspace,
    ids: list[str],
    *,
    now: dt.datetime,
    author: str,
    agreed: dict[str, Any] | None = None,
) -> Result:
    """Reopen done activities (no longer done). `agreed`: the done records the person agreed
    to reopen (when someone else made them); if any changed meanwhile, nothing is reopened."""
    asked = agreed or {}

    def do_reopen(now_ws: Workspace) -> Changes:
        st = now_ws.state
        if any(st.done.get(i) != record for i, record in asked.items()):
            raise StateError(
                "Nothing was reopened: the activity was changed while you were asked. Run "
                "`cimsig history` to see it, then `cimsig undo` again."
            )
        with st.batch():
            return {i: st.reopen(i, now) for i in now_ws.resolve_all(ids)}

    return commit(ws, do_reopen, author=author)


# -- undo ------------------------------------------------------------------------------------


def entry_uids(group: list[dict[str, Any]]) -> list[Any]:
    return [e.get("uid") for e in group]


@dataclass
class UndoPreview:
    """What `undo` would take back now: the entries of the latest change (empty: nothing),
    and who made them other than `me`."""

    group: list[dict[str, Any]]
    others: list[str]

    @property
    def uids(self) -> list[Any]:
        return entry_uids(self.group)


def undo_preview(ws: Workspace, me: str) -> UndoPreview:
    group = ws.state.undo_group()
    others = sorted({str(e["by"]) for e in group if e.get("by") and not same_person(e["by"], me)})
    return UndoPreview(group, others)


@dataclass
class UndoResult:
    workspace: Workspace
    undone: list[Change]
    started_file: bool = False


def undo(
    ws: Workspace, *, now: dt.datetime, author: str, agreed: list[Any] | None = None
) -> UndoResult:
    """Take back the latest change of any kind. `agreed`: the entries (their uids, from
    `undo_preview`) the person saw and agreed to; if another change was recorded meanwhile,
    nothing is undone (StateError)."""
    undone: list[Change] = []

    def revert(now_ws: Workspace) -> Changes:
        if agreed is not None and entry_uids(now_ws.state.undo_group()) != agreed:
            raise StateError(
                "Nothing was undone: another change was recorded while you were asked. Run "
                "`cimsig history` to see it, then `cimsig undo` again."
            )
        undone.extend(now_ws.state.revert_last(now))
        return {}

    result = commit(ws, revert, author=author)
    return UndoResult(result.workspace, undone, result.started_file)


def nothing_to_undo_words(ws: Workspace) -> str:
    history = ws.state.history
    if not history:
        return "There is nothing to undo: no change has been recorded yet."
    if any(e.get("action") == "archive" for e in history):
        return (
            "There is nothing undo can take back: the changes still in the history are undone "
            "already or are records of archiving, and older ones were moved to a side file "
            "(`cimsig history --archive`), which undo does not reach."
        )
    return "There is nothing to undo: every recorded change has been undone already."


# -- the district's own plan ------------------------------------------------------------------


def assign(
    ws: Workspace, activity_id: str, owner: str | None, *, now: dt.datetime, author: str
) -> Result:
    """Name who owns an activity (None: no owner)."""
    owner = owner.strip() if owner is not None else None
    if owner == "":
        raise UsageError('Give a NAME, or --clear: cimsig assign step1-case-study "Ana Ruiz".')

    def set_owner(now_ws: Workspace) -> Changes:
        target = now_ws.change_target(activity_id).id
        return {target: now_ws.state.assign(target, owner, now)}

    return commit(ws, set_owner, author=author)


def check_plan(ws: Workspace, plan: Plan) -> None:
    if plan.start is not None and plan.start > plan.due:
        raise UsageError(f"--start {plan.start} is after --due {plan.due}.")
    first = ws.guide.first_date
    for option, day in (("--due", plan.due), ("--start", plan.start)):
        if first is not None and day is not None and day < first:
            raise UsageError(
                f"{option} {day} is before this guide begins ({first}). Is the year a "
                "typo? Nothing was changed."
            )


def plan(
    ws: Workspace, activity_id: str, new_plan: Plan | None, *, now: dt.datetime, author: str
) -> Result:
    """Set the district's own dates for an activity (None: back to the guide's)."""
    activity = ws.change_target(activity_id)
    if new_plan is not None:
        check_plan(ws, new_plan)
    return commit(
        ws,
        lambda w: {activity.id: w.state.set_plan(w.resolve(activity.id).id, new_plan, now)},
        author=author,
    )


def add_note(
    ws: Workspace,
    activity_id: str,
    text: str,
    *,
    now: dt.datetime,
    author: str,
    dated: dt.datetime | None = None,
) -> Result:
    """Add a dated note to an activity (dated `dated`, default `now`)."""
    if not text.strip():
        raise UsageError("The note is empty.")
    activity = ws.change_target(activity_id)

    def add(w: Workspace) -> Changes:
        return {activity.id: w.state.add_note(w.resolve(activity.id).id, text.strip(), now, dated)}

    return commit(ws, add, author=author)


def add_activity(
    ws: Workspace,
    title: str,
    step: str,
    due: dt.date,
    *,
    now: dt.datetime,
    author: str,
    start: dt.date | None = None,
    new_id: str | None = None,
) -> Result:
    """Add an activity of the district's own; its id is made from the title unless given."""
    step_ids = [s.id for s in ws.guide.steps]
    if step not in step_ids:
        raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
    if not title.strip():
        raise UsageError("The title is empty.")
    if start is not None and start > due:
        raise UsageError(f"--start {start} is after --due {due}.")
    ws.new_activity_id(title, new_id)  # a bad id is refused before the file is locked
    clean_title = " ".join(title.split())

    def add_one(now_ws: Workspace) -> Changes:
        made_id = now_ws.new_activity_id(title, new_id)
        custom = CustomActivity(made_id, step, clean_title, due, start)
        return {made_id: now_ws.state.add_activity(custom, now)}

    return commit(ws, add_one, author=author)


def remove_activity(ws: Workspace, activity_id: str, *, now: dt.datetime, author: str) -> Result:
    """Remove an activity the district added (the guide's own cannot be removed)."""
    activity = ws.change_target(activity_id)
    if activity.origin != "district":
        raise UsageError(
            f"{activity.id} is part of the pacing guide and cannot be removed. You can plan "
            f"your own date for it (cimsig plan {activity.id} --due DATE) or mark it done."
        )
    return commit(
        ws,
        lambda w: {activity.id: w.state.remove_activity(w.resolve(activity.id).id, now)},
        author=author,
    )


# -- catch up ---------------------------------------------------------------------------------


@dataclass
class CatchUpPreview:
    """What a catch-up (`done --through` / `--step`) would mark: `items`, and `later`, the
    activities in scope not started by `day` (left out unless `include_upcoming`); `scope`
    says which in words ("due on or before ...", "in Step 1 ...")."""

    items: list[ActivityStatus]
    later: list[ActivityStatus]
    scope: str
    day: dt.date

    @property
    def ids(self) -> list[str]:
        return [i.activity.id for i in self.items]


def catch_up_preview(
    ws: Workspace,
    *,
    through: dt.date | None,
    step: str | None,
    day: dt.date,
    include_upcoming: bool = False,
) -> CatchUpPreview:
    """The required activities due on or before `through` and/or in `step`, not done yet and
    started by `day` (the day they would be recorded done), unless `include_upcoming`."""
    from cimsig.formatting import fmt_date

    step_ids = [s.id for s in ws.guide.steps]
    if step is not None and step not in step_ids:
        raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
    found = schedule.to_catch_up(ws.statuses, through=through, step=step)
    # Started: its window has begun, or (with no window) its day has come.
    started = [i for i in found if (i.activity.start or i.activity.due or day) <= day]
    later = [i for i in found if i not in started]
    scope = " and ".join(
        ([f"due on or before {fmt_date(through)}"] if through else [])
        + ([f"in {ws.guide.step(step).name}"] if step else [])
    )
    return CatchUpPreview(found if include_upcoming else started, later, scope, day)


@dataclass
class SheetPreview:
    """What `done --from FILE` would record: `todo` (rows that mark or correct), how many rows
    are recorded so already (`same`) and how many have no done date (`without_date`)."""

    path: Path
    todo: "list[SheetRow]"
    same: int
    without_date: int

    @property
    def marks(self) -> int:
        return sum(1 for r in self.todo if r.activity_id not in self._done_ids)

    _done_ids: frozenset[str] = frozenset()


def sheet_change(current: DoneRecord | None, row: "SheetRow") -> str | None:
    """What a row of the spreadsheet would do: "mark", "correct", or None (recorded so)."""
    if current is None:
        return "mark"
    if current.on == row.done_on and (row.note is None or row.note == current.note):
        return None
    return "correct"


def recorded_note_kept(current: DoneRecord | None, row: "SheetRow") -> "SheetRow":
    """The row, with the recorded note in place of its note cell when the cell holds that note
    as cimsig's own export wrote it (without control characters and outer spaces): a round
    trip through the spreadsheet changes nothing."""
    import dataclasses

    from cimsig import catch_up

    if current is None or not current.note or row.note is None:
        return row
    if row.note == catch_up.as_read_back(current.note):
        return dataclasses.replace(row, note=current.note)
    return row


def sheet_preview(ws: Workspace, path: Path) -> SheetPreview:
    """Read a filled-in spreadsheet (CSV or cimsig's .xlsx): the rows that would change the
    record. Ongoing work with a done date is refused (a catch-up leaves it alone)."""
    from cimsig import catch_up

    rows, without_date = catch_up.read_sheet(
        path, [a.id for a in ws.activities], as_of=ws.as_of,
        first_date=ws.guide.first_date, district=ws.lea,
    )  # fmt: skip
    rows = [recorded_note_kept(ws.state.done.get(r.activity_id), r) for r in rows]
    todo = [r for r in rows if sheet_change(ws.state.done.get(r.activity_id), r) is not None]
    ongoing = {i.activity.id for i in ws.statuses if schedule.is_ongoing(i)}
    endless = [r for r in todo if r.activity_id in ongoing]
    if endless:
        titles = {a.id: a.title for a in ws.activities}
        raise UsageError(
            f"--from: {path} gives a done date for ongoing work, which a catch-up leaves "
            "alone; nothing was changed. Clear the date in these rows, and mark such work "
            "done on its own if it has really ended (cimsig done ID --on DATE):",
            problems=[
                f"{'row' if path.suffix.lower() in ('.xlsx', '.xlsm') else 'line'} {r.line}: "
                f"{r.activity_id} ({titles.get(r.activity_id, '')})"
                for r in endless
            ],
        )
    return SheetPreview(path, todo, len(rows) - len(todo), without_date, frozenset(ws.state.done))


def apply_sheet(ws: Workspace, preview: SheetPreview, *, now: dt.datetime, author: str) -> Result:
    """Record the rows of a sheet preview, in one change (one undo takes it back)."""
    todo = preview.todo
    before = {r.activity_id: ws.state.done.get(r.activity_id) for r in todo}

    def record(now_ws: Workspace) -> Changes:
        st = now_ws.state
        known = {a.id for a in now_ws.activities}
        with st.batch():
            result: Changes = {}
            for row in todo:
                if row.activity_id not in known:
                    raise UsageError(
                        f"{row.activity_id} (line {row.line}) is no longer in your plan; "
                        "nothing was changed."
                    )
                current = st.done.get(row.activity_id)
                result[row.activity_id] = (
                    st.mark_done(row.activity_id, row.done_on, now, row.note)
                    if current is None
                    else st.correct_done(row.activity_id, now, row.done_on, row.note)
                )
            return result

    result = commit(ws, record, author=author)
    result.before = before
    return result


# -- archive ---------------------------------------------------------------------------------


def archive_path(progress: Path, before: dt.date) -> Path:
    """Where the changes before `before` go: beside the progress file, named after it."""
    from cimsig.state_format import ARCHIVE_MARK

    return progress.with_name(f"{progress.stem}{ARCHIVE_MARK}{before.isoformat()}.yaml")


@dataclass
class ArchiveResult:
    """What `archive` did: the entries it `moved` to the side file `target`, how many changes
    are `left` in the history, and the progress file's `size` afterwards."""

    workspace: Workspace
    moved: list[dict[str, Any]]
    target: Path
    left: int
    size: int
    started_file: bool = False


def archive(ws: Workspace, before: dt.date, *, now: dt.datetime, author: str) -> ArchiveResult:
    """Move the changes recorded before `before` (midnight in the guide's time zone) to a side
    file beside the progress file; what is done and planned stays. The archive is written
    first, inside the progress file's lock: a change is in both files or one, never neither."""
    from cimsig import state_format
    from cimsig.fileio import atomic_write_text
    from cimsig.state import time_zone
    from cimsig.store import MAX_ARCHIVING_BYTES

    target = archive_path(ws.state_file.target, before)
    moved: list[dict[str, Any]] = []

    def move(now_ws: Workspace) -> Changes:
        st = now_ws.state
        cutoff = dt.datetime.combine(before, dt.time(0), time_zone(ws.guide.time_zone))
        taken = st.archive_before(cutoff, now, target.name)
        if not taken:
            return {}
        kept: list[Any] = []
        if target.exists():  # archived before with the same date: keep both, each change once
            from cimsig.fileio import decode_text, read_regular_file

            try:
                text = decode_text(read_regular_file(target, MAX_ARCHIVING_BYTES))
            except (OSError, UnicodeDecodeError) as exc:
                why = getattr(exc, "strerror", None) or exc
                raise StateError(
                    f"The history archive {target} cannot be read ({why}); cimsig has not "
                    "changed it or the progress file."
                ) from None
            kept = state_format.read_archive(text, target)
        seen = {_entry_key(e) for e in kept}
        entries = kept + [e for e in taken if _entry_key(e) not in seen]
        lea = st.profile.lea if st.profile is not None else None
        try:
            atomic_write_text(
                target,
                state_format.archive_text(entries, st.guide, lea, ws.state_file.target.name),
                mode=_mode_of(ws.state_file.target),
            )
        except OSError as exc:
            raise StateError(
                f"The history archive {target} could not be written ({exc.strerror or exc}); "
                "cimsig has not changed the progress file."
            ) from None
        moved.extend(taken)
        return {}

    if not ws.state_file.exists():
        raise UsageError(f"There is no progress file at {ws.state_file.path} to archive from.")
    if ws.state_file.is_read_only():
        raise StateError(
            f"The progress file {ws.state_file.path} is read-only, so nothing was archived."
        )
    if target.exists() and not (_mode_of(target) or 0o200) & 0o222:
        raise StateError(f"The history archive {target} is read-only, so nothing was archived.")
    result = commit(ws, move, author=author)
    after = result.workspace
    # (not counting the entry that records the archiving, when there is one)
    left = len(after.state.history) - (1 if moved else 0)
    try:
        size = after.state_file.target.stat().st_size
    except OSError:
        size = 0
    return ArchiveResult(after, moved, target, left, size, result.started_file)


def _entry_key(entry: dict[str, Any]) -> Any:
    """What makes an entry the same one in two files: its id (its number and time before ids)."""
    return entry.get("uid") or (entry.get("seq"), entry.get("at"))


def _mode_of(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return None


# -- merge -----------------------------------------------------------------------------------


@dataclass
class MergeResult:
    """A merge: its `plan` (what was taken, the conflicts, what an undone merge had taken) and
    each record's value `before` it."""

    workspace: Workspace
    plan: Any  # merging.MergePlan
    before: dict[Any, Any]


def merge_copy(
    ws: Workspace,
    theirs: Any,
    other: Path,
    *,
    again: bool,
    unrelated: bool,
    dry_run: bool,
    now: dt.datetime,
    author: str,
    warn: Callable[[str], None] | None = None,
) -> MergeResult:
    """Merge another copy of the progress file (`theirs`, read from `other`) into it, in one
    change (one undo takes it back); `dry_run` works out the plan and changes nothing (`ws`
    then holds the file as read). A file that shares no change with ours is merged only with
    `unrelated`, and `warn` is told so."""
    from cimsig import merging

    found: dict[str, Any] = {}

    def merge_in(now_ws: Workspace) -> Changes:
        merging.check_same_plan(now_ws.state, theirs, str(other))
        check_not_imported_from(now_ws.state, theirs, other)
        if merging.unrelated(now_ws.state, theirs):
            check_unrelated(other, ws.state_file.path, unrelated, warn)
        found["plan"] = plan = merging.plan_merge(now_ws.state, theirs, again=again)
        found["before"] = {key: now_ws.state.get(*key) for key in plan.values}
        if not dry_run:
            merging.apply_merge(now_ws.state, plan, now)
        return {}

    if dry_run:
        merge_in(ws)
        after = ws
    else:
        after = commit(ws, merge_in, author=author).workspace
    return MergeResult(after, found["plan"], found["before"])


def check_not_imported_from(ours: Any, theirs: Any, other: Path) -> None:
    """Refuse to merge a district's plan into another district imported from a copy of it
    (`district import FILE --name NEW`): the two share their early history, yet are two
    districts' plans."""
    from cimsig.formatting import shell_quote

    theirs_lea = theirs.profile.lea if theirs.profile else None
    ours_lea = ours.profile.lea if ours.profile else None
    if not theirs_lea or not ours_lea or theirs_lea.casefold() == ours_lea.casefold():
        return

    def imported_from(state: Any, other_state: Any, name: str) -> bool:
        """Whether `state` was imported under its own name from a copy of the plan of `name`
        (an import `other_state` does not share)."""
        uids = other_state.history_uids()
        return any(
            isinstance(e.get(IMPORTED_FROM), str)
            and e.get("uid") not in uids
            and str(e[IMPORTED_FROM]).casefold() == name.casefold()
            for e in state.history
        )

    if imported_from(ours, theirs, theirs_lea):
        raise StateError(
            f"{other} cannot be merged: it is the plan of {theirs_lea}, and this district, "
            f"{ours_lea}, was imported from a copy of it under its own name. Neither file "
            "was changed. Merge it into the district it belongs to: "
            f"cimsig merge {shell_quote(str(other))} --district NAME. (If it really is "
            f"{ours_lea}'s, name it so first: cimsig init --state {shell_quote(str(other))} "
            f"--lea {shell_quote(str(ours_lea))}.)"
        )
    if imported_from(theirs, ours, ours_lea):
        raise StateError(
            f"{other} cannot be merged: it is the plan of {theirs_lea}, a district imported from "
            f"a copy of this one ({ours_lea}) under its own name. Neither file was changed."
        )


def check_unrelated(
    other: Path, path: Path, allowed: bool, warn: Callable[[str], None] | None
) -> None:
    """A file that shares no change with the progress file is not a copy of it: merged only
    with `allowed` (--unrelated), and then with a warning."""
    words = (
        f"{other} shares no change with your progress file {path}: it is not a copy of it but "
        "a plan started on its own"
    )
    if not allowed:
        raise StateError(
            f"{words}. Nothing was changed. If its records belong in yours all the same, merge "
            "it with --unrelated (where both set the same thing, one of them is kept and listed)."
        )
    if warn is not None:
        warn(f"Warning: {words}; merging it as you asked (--unrelated).")


# -- districts: profile, add, import, rename -------------------------------------------------------

IMPORTED_FROM = "imported_from"  # in the history entry of `district import --name`


def set_profile(
    ws: Workspace,
    *,
    lea: str | None,
    track: str | None,
    short: str | None,
    now: dt.datetime,
    author: str,
) -> Result:
    """Set the district profile (`init`): its name, track and short name; None keeps what is
    there, a short name of "" removes it. Starts a progress file named with --state."""
    from cimsig.records import Profile

    def set_it(now_ws: Workspace) -> Changes:
        current = now_ws.state.profile or Profile()
        profile = Profile(
            lea=lea.strip() if lea is not None else current.lea,
            track=track if track is not None else current.track,
            short=(short.strip() or None) if short is not None else current.short,
        )
        return {"": now_ws.state.set_profile(profile, now)}

    return commit(ws, set_it, author=author, start_named_file=True)


def add_district(
    path: Path, guide_id: str, folder: str, name: str, *, track: str | None, short: str | None,
    now: dt.datetime,
) -> None:  # fmt: skip
    """Start a district's progress file at `path` with its profile, under the store's lock;
    refused when another cimsig added it a moment before."""
    from cimsig import environment
    from cimsig.records import Profile
    from cimsig.store import StateFile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with StateFile(path, environment.lock_timeout()).edit() as st:
        if st.profile is not None or st.revision or st.history_uids():
            # added by another cimsig at the same moment, between the check and the lock
            raise UsageError(f"District {folder} already follows the guide '{guide_id}' ({path}).")
        st.guide = guide_id
        short_name = short.strip() if short and short.strip() else None
        st.set_profile(Profile(lea=name.strip(), track=track, short=short_name), now)


def set_district_name(
    path: Path, name: str, *, now: dt.datetime, author: str, imported_from: str | None = None
) -> Change | None:
    """Set the district's name in one of its progress files: one change in its history,
    through the store's lock and atomic write."""
    from cimsig import environment
    from cimsig.records import Profile
    from cimsig.store import StateFile

    with StateFile(path, environment.lock_timeout()).edit() as st:
        st.author = author
        current = st.profile or Profile()
        renamed = Profile(lea=name, track=current.track, short=current.short)
        change = st.set_profile(renamed, now)
        if change is not None and imported_from:
            st.history[-1][IMPORTED_FROM] = imported_from
    return change


@dataclass
class ImportResult:
    """A district imported: its name (`lea`), its progress file (`target`), and the name it
    had in the copy when `--name` gave it another (`renamed_from`)."""

    lea: str
    target: Path
    renamed_from: str | None


def import_district(
    file: Path,
    root: Path,
    *,
    name: str | None,
    check_guide: Callable[[str], None],
    now: dt.datetime,
    author: str,
) -> ImportResult:
    """Follow a district from a progress file it sent: copied into its folder under `root`
    (the file itself is not changed); `name` replaces the name in the copy, as one change.
    `check_guide(guide_id)` refuses a guide cimsig cannot use."""
    from cimsig import districts
    from cimsig.fileio import atomic_write_bytes
    from cimsig.store import StateFile

    source = StateFile(file)
    if not source.exists():
        raise StateError(f"There is no file {file} to import.")
    state = source.read()  # refused (exit 3) when it is not a cimsig progress file
    if state.guide is None:
        raise StateError(f"{file} does not say which guide it follows; it cannot be imported.")
    lea = name or (state.profile.lea if state.profile else None)
    if not lea:
        raise UsageError(f"{file} has no district name: add --name NAME.")
    if not districts.folder_name(lea):
        raise UsageError(f"'{lea}' has no letters or digits to name a folder after: use --name.")
    check_guide(state.guide)
    folder = districts.folder_name(lea)
    target = root / folder / f"{districts.safe_id(state.guide)}.yaml"
    if target.exists():
        raise StateError(
            f"The name {folder} is taken: that district already has progress on "
            f"'{state.guide}' ({target}). Give this one another name with --name, or merge."
        )
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write_bytes(target, file.read_bytes(), mode=0o600)
    was = state.profile.lea if state.profile else None
    renamed_from = None
    if name is not None and name.strip() != (was or ""):
        # The name goes into the file, as one change: its header, overview row and calendar
        # ids are this district's, and a copy of the district it came from is not merged in.
        set_district_name(target, name.strip(), imported_from=was, now=now, author=author)
        renamed_from = was or None
    return ImportResult(lea, target, renamed_from)


@dataclass
class RenameResult:
    folder: str
    name: str
    new_folder: str


def rename_district(
    root: Path, old: str, new: str, *, now: dt.datetime, author: str
) -> RenameResult:
    """Rename a district: its name in each of its progress files (one change each), then its
    folder."""
    from cimsig import districts

    folder = districts.find(root, old)
    new_name = new.strip()
    new_folder = districts.folder_name(new_name)
    if not new_folder:
        raise UsageError("A district needs a name with letters or digits, such as 'Alpha USD'.")
    if new_folder != folder and (root / new_folder).exists():
        raise UsageError(
            f"There is already a district folder {new_folder} ({root / new_folder}): choose "
            "another name, or remove that district first."
        )
    for cohort in districts.cohorts(root):
        if cohort.district == folder:
            set_district_name(cohort.path, new_name, now=now, author=author)
    if new_folder != folder:
        (root / folder).rename(root / new_folder)
    return RenameResult(folder, new_name, new_folder)


# -- exports ----------------------------------------------------------------------------------


EXPORT_KINDS = ("ics", "csv", "xlsx", "md", "html")


def export_bytes(ws: Workspace, kind: str, *, now: dt.datetime) -> bytes:
    """One export of the plan as it stands (calendar, spreadsheet, workbook, checklist, report),
    with the command line's default options, as the bytes of the file."""
    from cimsig import export, jsonout

    rows = [
        {**jsonout.activity_json(ws.guide, i, ws.details(i.activity.id)), "district": ws.lea}
        for i in ws.statuses
    ]
    if kind == "csv":
        return export.build_csv(rows, ws.guide.time_zone)
    if kind == "xlsx":
        from cimsig import spreadsheet

        return spreadsheet.build_xlsx(ws.guide, ws.statuses, rows, ws.as_of, ws.lea)
    if kind == "md":
        text = export.build_markdown(
            ws.guide, ws.statuses, ws.as_of, ws.lea, ws.state.owners, ws.state.notes
        )
        return text.encode("utf-8")
    if kind == "html":
        from cimsig import report_html

        return report_html.build_report(ws, now).encode("utf-8")
    if kind == "ics":
        data, _ = export.build_ics(
            ws.guide, ws.statuses, now=now, include_done=True, spans=False, remind_days=None,
            todo=False, lea=ws.lea, owners=ws.state.owners, district_prefix=True,
            notes=ws.state.notes, owner=None,
            short=ws.state.profile.short if ws.state.profile else None,
            guide_times={a.id: a.time for a in ws.unplanned if a.id in ws.state.plans},
        )  # fmt: skip
        return data
    raise UsageError(f"There is no export '{kind}'. Exports: {', '.join(EXPORT_KINDS)}.")
