"""The everyday commands: done, undo, status, next."""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cimsig import environment, formatting, jsonout, schedule, views
from cimsig.app import (
    AsOfOption,
    GuideOption,
    JsonOption,
    OwnerOption,
    StateOption,
    activity_rows,
    check_not_after_today,
    profile_json,
    profile_words,
    report,
    say,
    say_file_notes,
    say_started,
    title_of,
    user_date,
    whole_number,
    words_after,
    workspace,
    wrap_for_terminal,
)
from cimsig.errors import EXIT_OVERDUE, UsageError
from cimsig.records import Change
from cimsig.workspace import Workspace

if TYPE_CHECKING:
    from cimsig import operations
    from cimsig.records import DoneRecord

commands = typer.Typer()

STATUS_DAYS = 14  # how far ahead `status` looks


@commands.command("done", rich_help_panel="Every week")
def done(
    activity_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID...]", show_default=False,
                       help="One or more ids, or whole words of one."),
    ] = None,
    through: Annotated[
        str | None,
        typer.Option("--through", metavar="DATE", show_default=False,
                     help="Catch up: every required activity due on or before DATE, started and "
                     "not done yet."),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option("--step", metavar="STEP", show_default=False,
                     help="Catch up: every started required activity of a step, named by its id "
                     "in the guide in use (a wrong id lists the guide's steps)."),
    ] = None,
    include_upcoming: Annotated[
        bool,
        typer.Option("--include-upcoming",
                     help="Catch up also on activities that have not started by the as-of date."),
    ] = False,
    from_file: Annotated[
        Path | None,
        typer.Option("--from", metavar="FILE", show_default=False,
                     help="Catch up from a spreadsheet: a CSV with id, done date and note columns "
                     "(fill in the one `cimsig export csv` writes), or the .xlsx workbook "
                     "`cimsig export xlsx` writes."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Mark without asking (--through, --step, --from).")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", show_default=False,
                     help="The day it was done (default: the as-of date, normally today)."),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="A note to keep with it.")
    ] = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Mark activities as done; on a done activity, --on or --note corrects its record.
    --through DATE or --step STEP catch up on many at once, --from FILE from a spreadsheet (one
    change: one undo)."""
    from cimsig import operations

    for option, value in (("--on", on), ("--as-of", as_of)):
        check_date_not_cut(option, value, activity_ids or [])
    ws = workspace(guide, state, as_of, changing=True)
    if as_of is not None:
        check_not_after_today(ws.as_of, "--as-of", ws.guide.time_zone)
    if from_file is not None:
        if activity_ids or through or step or on or note or include_upcoming:
            raise UsageError(
                "--from FILE takes the ids, dates and notes from the file: give no ids, "
                "--through, --step, --on or --note with it."
            )
        _done_from_sheet(ws, from_file, yes=yes, json_out=json_out)
        return
    done_on = user_date(on, "--on", ws.guide.time_zone, ws.as_of) if on is not None else None
    if done_on is not None:
        check_not_after_today(done_on, "--on", ws.guide.time_zone)
    check_done_date(ws, done_on)
    if include_upcoming and through is None and step is None:
        raise UsageError("--include-upcoming goes with --through DATE or --step STEP.")
    if through is not None or step is not None:
        if activity_ids:
            raise UsageError("Give ids, or --through / --step, not both.")
        activity_ids = _catch_up_ids(
            ws, through, step, done_on or ws.as_of, on_given=on is not None,
            include_upcoming=include_upcoming, yes=yes, json_out=json_out,
        )  # fmt: skip
        if not activity_ids:
            return
    if not activity_ids:
        raise UsageError(
            "Name what is done: one or more ids (cimsig done step1-case-study), or catch up "
            "with --through DATE, --step STEP or --from FILE.csv."
        )
    ids = activity_ids
    after_note = words_after("--note")
    ws.resolve_all(ids, note_option="--note", note=note, after_note=after_note)  # checked unlocked
    check_note_not_cut(ids, note, after_note)
    result = operations.mark_done(
        ws, ids, on=done_on, note=note, after_note=after_note,
        now=environment.now(), author=environment.user_name(),
    )  # fmt: skip
    _report_done(result, json_out)


def _report_done(result: "operations.Result", json_out: bool) -> None:
    """What `done` says: each activity marked, corrected or already done; early dates."""
    ws, changes = result.workspace, result.changes
    say_started(result.started_file, ws)
    report(ws, changes, json_out, lambda i, c: _done_message(ws, result.before.get(i), i, c))
    say_early_done(ws, result.changed)
    if len(changes) > 1 and result.changed and not json_out:
        say("One change: `cimsig undo` takes it all back.")


def _done_message(ws: Workspace, old: "DoneRecord | None", i: str, change: Change | None) -> str:
    """What `done` says of one activity: marked, corrected (old and new), or already done."""
    if change is None:
        recorded = ws.state.done.get(i)
        if recorded is None:
            return f"{i} was already done; nothing changed."
        on = formatting.fmt_date(recorded.on)
        if recorded.on > ws.as_of:
            return (
                f"{i} is recorded as done on {on}, after {formatting.fmt_date(ws.as_of)} (so "
                f"as of that day it shows as not done); nothing changed. If it was done "
                f"earlier, correct the date: cimsig done {i} --on DATE."
            )
        return (
            f"{i} was already done; nothing changed (done on {on}; to correct the date: "
            f"cimsig done {i} --on DATE)."
        )
    new = ws.state.done[i]
    if change.action == "correct" and old is not None:
        parts = []
        if old.on != new.on:
            parts.append(
                f"done on {formatting.fmt_date(new.on)} (was {formatting.fmt_date(old.on)})"
            )
        if old.note != new.note:
            parts.append(f"note '{new.note}' (was '{old.note or 'none'}')")
        return f"Corrected {i}: {'; '.join(parts)}."
    return f"Marked done: {i} ({title_of(ws, i)}), done on {formatting.fmt_date(new.on)}."


def say_early_done(ws: Workspace, ids: list[str]) -> None:
    """A warning for each activity just recorded done on a day before it could be (before its
    window opens, or before the period it reports on ends): kept, but likely a slip."""
    by_id = {a.id: a for a in ws.unplanned}  # the guide's dates, not the district's own
    for i in ids:
        record, activity = ws.state.done.get(i), by_id.get(i)
        if record is None or activity is None:
            continue
        earliest = schedule.earliest_done(activity)
        if earliest is not None and record.on < earliest[0]:
            say(
                f"Warning: {i} is recorded as done on {formatting.fmt_date(record.on)}, before "
                f"{earliest[1]} ({formatting.fmt_date(earliest[0])}). If that is a slip, "
                f"correct it: cimsig done {i} --on DATE.",
                err=True,
                indent=2,
            )


def _say_item(day: dt.date | None, activity_id: str, title: str, *lines: str, err: bool) -> None:
    """One activity of a list shown before a question: its date and id, then its title (and
    more) on lines of their own, wrapped at spaces to the window, indented under the id."""
    import shutil
    import textwrap

    head = f"  {formatting.fmt_date(day):<17} "
    say(f"{head}{activity_id}", err=err)
    width = max(40, shutil.get_terminal_size((80, 24)).columns - 1)
    indent = " " * len(head)
    for text in (title, *lines):
        wrapped = textwrap.wrap(
            text, width, initial_indent=indent, subsequent_indent=indent + "  ",
            break_long_words=False, break_on_hyphens=False,
        )  # fmt: skip
        for line in wrapped:
            say(line, err=err)


def _ask(question: str, *, yes: bool, json_out: bool) -> bool:
    """Whether to go ahead: --yes, or the person at the terminal says so."""
    if yes:
        return True
    if not environment.can_ask():
        raise UsageError(
            "Nothing was changed: there is no one to ask whether to mark these done. "
            "Add --yes to mark them without asking."
        )
    if typer.confirm(question, default=False, err=json_out):
        return True
    say("Nothing was changed.", err=json_out)
    if json_out:
        jsonout.print_json([])
    return False


def _catch_up_ids(
    ws: Workspace,
    through: str | None,
    step: str | None,
    day: dt.date,
    *,
    on_given: bool,
    include_upcoming: bool,
    yes: bool,
    json_out: bool,
) -> list[str]:
    """The ids `done --through` / `--step` marks, after showing them and asking (unless --yes).
    Only activities started by the as-of date, unless `include_upcoming`: a catch-up records
    work that has happened."""
    from cimsig import operations

    through_date = (
        user_date(through, "--through", ws.guide.time_zone, ws.as_of) if through else None
    )
    # (started by the day it is recorded as done: `--on` may be earlier than the as-of date)
    preview = operations.catch_up_preview(
        ws, through=through_date, step=step, day=day, include_upcoming=include_upcoming
    )
    items, later, scope = preview.items, preview.later, preview.scope
    as_of_words = formatting.fmt_date(day)
    if later and not include_upcoming:
        what = "activity has" if len(later) == 1 else "activities have"
        say(
            f"Left out: {len(later)} {what} not started by {as_of_words} "
            f"({', '.join(i.activity.id for i in later[:3])}{', ...' if len(later) > 3 else ''})"
            ". Add --include-upcoming to mark work ahead of its time.",
            err=True,
            indent=2,
        )
    if not items:
        say(
            f"Nothing to mark: every required activity {scope} that has started by "
            f"{as_of_words} is done already.",
            err=json_out,
        )
        if json_out:
            jsonout.print_json([])
        return []
    if later and include_upcoming:
        say(
            f"Warning: {len(later)} of these have not started by {as_of_words}; they are "
            f"marked done all the same (--include-upcoming): "
            f"{', '.join(i.activity.id for i in later)}.",
            err=True,
            indent=2,
        )
    what = "activity" if len(items) == 1 else "activities"
    say(f"{len(items)} required {what} {scope} not marked done yet:", err=json_out, indent=2)
    for item in items:
        _say_item(item.activity.due, item.activity.id, item.activity.title, err=json_out)
    other = "" if on_given else " Use --on DATE for another date."
    these = "this one" if len(items) == 1 else f"these {len(items)}"
    question = f"Mark {these} as done on {formatting.fmt_date(day)}?{other}"
    if not _ask(question, yes=yes, json_out=json_out):
        return []
    return [i.activity.id for i in items]


def _done_from_sheet(ws: Workspace, path: Path, *, yes: bool, json_out: bool) -> None:
    """`done --from FILE.csv`: every row with a done date, shown, asked, recorded in one change."""
    from cimsig import operations

    preview = operations.sheet_preview(ws, path)
    todo = preview.todo
    counted = f"{preview.same} already recorded so, {preview.without_date} without a done date"
    if not todo:
        say(f"Nothing to record from {path}: {counted}.", err=json_out)
        if json_out:
            jsonout.print_json([])
        return
    marks = sum(1 for r in todo if r.activity_id not in ws.state.done)
    fixes = len(todo) - marks
    say(
        f"From {path}: {marks} to mark done, {fixes} to correct ({counted}):",
        err=json_out,
        indent=2,
    )
    for row in todo:
        current = ws.state.done.get(row.activity_id)
        was = f" (recorded: {formatting.fmt_date(current.on)})" if current else ""
        _say_item(
            row.done_on, row.activity_id, title_of(ws, row.activity_id) + was,
            *([f"Note: {row.note}"] if row.note else []), err=json_out,
        )  # fmt: skip
    these = "this one" if len(todo) == 1 else f"these {len(todo)}"
    if not _ask(f"Record {these} in one change?", yes=yes, json_out=json_out):
        return
    result = operations.apply_sheet(
        ws, preview, now=environment.now(), author=environment.user_name()
    )
    _report_done(result, json_out)


def check_date_not_cut(option: str, value: str | None, words: list[str]) -> None:
    """A date typed without quotes (`--on April 19, 2024`) reaches the option only up to the
    first space; the rest is taken for ids. Say so, with the date in quotes and as 2024-04-19."""
    import re

    from cimsig.dates import parse_user_date
    from cimsig.errors import BadDateError

    if value is None:
        return
    rest = [w for w in words if re.fullmatch(r"\d{1,4},?", w.strip())]
    if not rest:
        return
    try:
        parse_user_date(value, dt.date(2024, 1, 1), option=option)
        return  # a whole date on its own
    except BadDateError:
        pass
    whole = " ".join([value, *rest])
    try:
        iso = f", or as {parse_user_date(whole, dt.date(2024, 1, 1), option=option)}"
    except BadDateError:
        iso = ""
    raise UsageError(
        f"{option} got only '{value}': a date with spaces must be in quotes, or the words after "
        f'the first space ("{" ".join(rest)}") are taken for ids. Type it as '
        f'{option} "{whole}"{iso}. Nothing was changed.'
    )


def check_note_not_cut(ids: list[str], note: str | None, after_note: list[str] | None) -> None:
    """Ids typed before and after a one-word note (`done case-study --note Finished
    parent-input`): the words after it may be the rest of the note, typed without quotes, which
    would mark another activity done. Refused, with both readings as whole commands. A note in
    quotes with spaces is plainly whole, and the ids after it are ids; so are ids all typed
    after the note (`done --note Sent a b`)."""
    from cimsig.app import ARGV
    from cimsig.formatting import shell_quote

    if note is None or len(ids) < 2 or not after_note or len(after_note) < 2:
        return
    if after_note[0] != note or len(note.split()) != 1 or "--note" not in ARGV:
        return
    rest = after_note[1:]
    if len(rest) >= len(ids) or not all(w in ids for w in rest):
        return  # (`done --note Sent a b`: every id after the note, none can be the note's)
    at = ARGV.index("--note")
    before, after = ARGV[:at], ARGV[at + 1 + len(after_note) :]

    def command(words: list[str]) -> str:
        return " ".join(["cimsig", *(shell_quote(w, bare=True) for w in words)])

    whole = " ".join([note, *rest])
    # (each command on a line of its own, so that a window wraps it least)
    readings = [
        f"a note of several words, in quotes:\n      {command([*before, '--note', whole, *after])}"
    ]
    all_done = command([*before, *rest, "--note", note, *after])
    readings.append(f"all {len(ids)} done, with the note '{note}':\n      {all_done}")
    raise UsageError(
        f"--note got only '{note}': the words after it ({' '.join(rest)}) were taken for "
        "ids of activities to mark done. Nothing was changed. Did you mean:",
        problems=readings,
    )


def check_done_date(ws: Workspace, done_on: dt.date | None) -> None:
    """A day work was done: not after the as-of date, not before the guide begins."""
    from cimsig import operations

    operations.check_done_date(ws, done_on, today=environment.today_in(ws.guide.time_zone))


@commands.command("undo", rich_help_panel="Every week")
def undo(
    activity_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID...]",
                       help="Activities to reopen. Without an id: undo the most recent change."),
    ] = None,
    as_of: AsOfOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Undo or reopen what another did, without asking.")
    ] = False,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Reopen activities, or (with no id) undo the most recent change of any kind."""
    from cimsig import operations

    ws = workspace(guide, state, as_of, changing=True)
    if activity_ids:
        ids = activity_ids
        asked = _agree_to_reopen(ws, ws.resolve_all(ids), yes)
        result = operations.reopen(
            ws, ids, agreed=asked, now=environment.now(), author=environment.user_name()
        )
        ws, changes = result.workspace, result.changes
        say_started(result.started_file, ws)

        def message(i: str, change: Change | None) -> str:
            if change is None:
                return f"{i} was not marked done; nothing changed."
            return f"Reopened: {i} ({title_of(ws, i)}). It is no longer marked done."

        report(ws, changes, json_out, message)
        return
    agreed = _agree_to_undo(ws, yes)
    undid_now = operations.undo(
        ws, agreed=agreed, now=environment.now(), author=environment.user_name()
    )
    ws, undone = undid_now.workspace, undid_now.undone
    say_started(undid_now.started_file, ws)
    if not undone:
        if json_out:
            jsonout.print_json([])
        else:
            say(operations.nothing_to_undo_words(ws))
        return
    if json_out and not undone[0].activity_id:  # the district profile, not an activity
        jsonout.print_json([{"id": None, "changed": True, "profile": profile_json(ws)}])
        return

    def undid(i: str, c: Change | None) -> str:
        reverted = (c.reverted if c else None) or {}
        label = f"{reverted.get('action')} {i}".strip()
        if not c or not c.changes:  # a merge that changed no record: nor does its undo
            return f"Undid change {reverted.get('seq')} ({label}): it had changed nothing."
        return f"Undid change {reverted.get('seq')} ({label}). {_now_state(ws, i)}"

    report(ws, {c.activity_id: c for c in undone}, json_out, undid)


def _agree_to_undo(ws: Workspace, yes: bool) -> list[Any] | None:
    """When the change undo would take back was made by someone else (on a shared file), say
    who, and ask first; with no terminal to ask at, --yes is needed. The change agreed to (its
    entries' ids), or None when it is this person's own or --yes was given."""
    from cimsig import operations

    preview = operations.undo_preview(ws, environment.user_name())
    group, others = preview.group, preview.others
    if not others or yes:
        return None
    last = group[-1]
    from cimsig.commands.history import describe
    from cimsig.views import recorded_at

    what = (
        f"change {last.get('seq')} ({describe(last)}), made by {' and '.join(others)} "
        f"on {recorded_at(str(last.get('at', '')), ws.guide.time_zone)}"
    )
    if not environment.can_ask():
        raise UsageError(
            f"Nothing was undone: the latest change is {what}, not yours. To take it back "
            "anyway, add --yes (`cimsig history` shows who made each change)."
        )
    if not typer.confirm(wrap_for_terminal(f"The latest change is {what}. Undo it?", 2)):
        say("Nothing was undone.")
        raise typer.Exit(0)
    return preview.uids


def _agree_to_reopen(ws: Workspace, ids: list[str], yes: bool) -> dict[str, Any]:
    """Reopening an activity someone else marked done (on a shared file) names them and asks
    first, as a bare undo does; with no terminal to ask at, --yes is needed. The done records
    agreed to be reopened (empty when all are this person's own or --yes was given)."""
    from cimsig import operations

    if yes:
        return {}
    others = operations.others_done(ws, ids, environment.user_name())
    if not others:
        return {}
    from cimsig.views import recorded_at

    what = "; ".join(
        f"{i} was marked done by {e['by']} on "
        f"{recorded_at(str(e.get('at', '')), ws.guide.time_zone)}"
        for i, e in others.items()
    )
    if not environment.can_ask():
        raise UsageError(
            f"Nothing was reopened: {what}, not by you. To reopen it anyway, add --yes "
            "(`cimsig history` shows who made each change)."
        )
    if not typer.confirm(wrap_for_terminal(f"{what}. Reopen it?", 2)):
        say("Nothing was reopened.")
        raise typer.Exit(0)
    return {i: ws.state.done.get(i) for i in others}


def _now_state(ws: Workspace, activity_id: str) -> str:
    if not activity_id:
        return "District profile: " + profile_words(ws) + "."
    if activity_id not in {a.id for a in ws.activities}:
        return f"{activity_id} is not in your plan now."
    item = ws.status(activity_id)
    details = ws.details(activity_id)
    words = [f"{activity_id} is {formatting.status_words(item)}"]
    if item.activity.due is not None:
        words.append(f"due {formatting.fmt_date(item.activity.due)}")
    if details.owner:
        words.append(f"owner {details.owner}")
    return ", ".join(words) + "."


@commands.command("status", rich_help_panel="Every week")
def status(
    check: Annotated[
        bool, typer.Option("--check", help="Exit with code 1 when anything is overdue.")
    ] = False,
    owner: OwnerOption = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """The weekly check-in: progress per step, the work in progress now, what is overdue, and
    what falls due in the next 14 days."""
    ws = workspace(guide, state, as_of)
    items = ws.for_owner(ws.statuses, owner)
    if json_out:
        jsonout.print_json(activity_rows(ws, items))
    else:
        views.render_status(
            ws.guide, ws.as_of, items, STATUS_DAYS, ws.unknown_ids(), owner,
            lea=ws.lea, track=ws.track, progress_file=str(ws.state_file.path),
            owners=ws.state.owners, has_profile=ws.state.profile is not None,
        )  # fmt: skip
    say_file_notes(ws)
    if check and schedule.overdue(items):
        raise typer.Exit(EXIT_OVERDUE)


@commands.command("next", rich_help_panel="Every week")
def next_(
    days: Annotated[
        int,
        typer.Option(
            "--days",
            click_type=whole_number("--days", "days", 14, 0, 3660),
            metavar="DAYS",
            help="How many days ahead to look (at most 3660).",
        ),
    ] = 30,
    all_: Annotated[
        bool, typer.Option("--all", help="Also list overdue, open and ongoing work.")
    ] = False,
    owner: OwnerOption = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """What falls due next: not-done activities due in the coming days, soonest first."""
    ws = workspace(guide, state, as_of)
    items = ws.for_owner(ws.statuses, owner)
    last = ws.as_of + dt.timedelta(days=days)
    hits = schedule.due_between(items, ws.as_of, last)
    extra = []
    if all_:
        shown = {i.activity.id for i in hits}
        extra = [
            i for i in items
            if i.activity.id not in shown
            and i.status in (schedule.OVERDUE, schedule.OPEN, schedule.ONGOING)
        ]  # fmt: skip
    if json_out:
        jsonout.print_json(activity_rows(ws, [*hits, *extra]))
    else:
        following = schedule.first_due_after(items, last) if not hits else None
        views.render_next(
            ws.as_of, last, hits, following, extra, ws.state.owners, ws.lea,
            days=days, in_progress=len(schedule.in_progress(items)), zone=ws.guide.time_zone,
        )  # fmt: skip
