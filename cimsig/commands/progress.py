"""The everyday commands: done, undo, status, next."""

import datetime as dt
from typing import Annotated, Any

import typer

from cimsig import environment, formatting, jsonout, schedule, views
from cimsig.app import (
    AsOfOption,
    GuideOption,
    JsonOption,
    OwnerOption,
    StateOption,
    activity_rows,
    edit,
    profile_json,
    profile_words,
    report,
    say,
    say_file_notes,
    title_of,
    user_date,
    whole_number,
    workspace,
)
from cimsig.errors import EXIT_OVERDUE, StateError, UsageError
from cimsig.records import Change
from cimsig.workspace import Workspace

commands = typer.Typer()

STATUS_DAYS = 14  # how far ahead `status` looks


@commands.command("done", rich_help_panel="Every week")
def done(
    activity_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID...]", show_default=False,
                       help="One or more ids, or parts of ids."),
    ] = None,
    through: Annotated[
        str | None,
        typer.Option("--through", metavar="DATE", show_default=False,
                     help="Catch up: every required activity due on or before DATE not done yet."),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option("--step", metavar="STEP", show_default=False,
                     help="Catch up: every required activity of a step, named by its id in the "
                          "guide in use (a wrong id lists the guide's steps)."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Mark without asking (--through, --step).")
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
    --through DATE or --step STEP catch up on many at once (one change: one undo)."""
    ws = workspace(guide, state, as_of, changing=True)
    done_on = user_date(on, "--on", ws.guide.time_zone, ws.as_of) if on is not None else None
    check_done_date(ws, done_on)
    if through is not None or step is not None:
        if activity_ids:
            raise UsageError("Give ids, or --through / --step, not both.")
        activity_ids = _catch_up_ids(ws, through, step, yes=yes, json_out=json_out)
        if not activity_ids:
            return
    if not activity_ids:
        raise UsageError(
            "Name what is done: one or more ids (cimsig done step1-case-study), or catch up "
            "with --through DATE or --step STEP."
        )
    ids = activity_ids
    ws.resolve_all(ids, note_option="--note")  # refused before the file is locked
    before = {i: ws.state.done.get(i) for i in ws.resolve_all(ids)}

    def mark(now_ws: Workspace) -> dict[str, Change | None]:
        targets = now_ws.resolve_all(ids, note_option="--note")
        st, moment = now_ws.state, environment.now()
        with st.batch():
            return {
                i: st.correct_done(i, moment, done_on, note)
                if i in st.done
                else st.mark_done(i, done_on or ws.as_of, moment, note)
                for i in targets
            }

    ws, changes = edit(ws, mark)

    def message(i: str, change: Change | None) -> str:
        old = before.get(i)
        if change is None:
            return f"{i} was already done; nothing changed."
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

    report(ws, changes, json_out, message)
    if len(changes) > 1 and not json_out:
        say("One change: `cimsig undo` takes it all back.")


def _catch_up_ids(
    ws: Workspace, through: str | None, step: str | None, *, yes: bool, json_out: bool
) -> list[str]:
    """The ids `done --through` / `--step` marks, after showing them and asking (unless --yes)."""
    through_date = (
        user_date(through, "--through", ws.guide.time_zone, ws.as_of) if through else None
    )
    step_ids = [s.id for s in ws.guide.steps]
    if step is not None and step not in step_ids:
        raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
    items = schedule.to_catch_up(ws.statuses, through=through_date, step=step)
    scope = " and ".join(
        ([f"due on or before {formatting.fmt_date(through_date)}"] if through_date else [])
        + ([f"in {ws.guide.step(step).name}"] if step else [])
    )
    if not items:
        say(f"Nothing to mark: every required activity {scope} is done already.", err=json_out)
        if json_out:
            jsonout.print_json([])
        return []
    what = "activity" if len(items) == 1 else "activities"
    say(f"{len(items)} required {what} {scope} not marked done yet:", err=json_out)
    for item in items:
        say(f"  {formatting.fmt_date(item.activity.due)}  {item.activity.id}", err=json_out)
    if not yes:
        if not environment.can_ask():
            raise UsageError(
                "Nothing was changed: there is no one to ask whether to mark these done. "
                "Add --yes to mark them without asking."
            )
        if not typer.confirm(f"Mark these {len(items)} as done?", default=False, err=json_out):
            say("Nothing was changed.", err=json_out)
            if json_out:
                jsonout.print_json([])
            return []
    return [i.activity.id for i in items]


def check_done_date(ws: Workspace, done_on: dt.date | None) -> None:
    """A day work was done: not after the as-of date, not before the guide begins."""
    if done_on is None:
        return
    if done_on > ws.as_of:
        raise UsageError(
            f"--on {done_on} is after {ws.as_of}: cimsig records work that is done. "
            "Use --on with today's date or an earlier one."
        )
    first = ws.guide.first_date
    if first is not None and done_on < first:
        raise UsageError(
            f"--on {done_on} is before this guide begins ({first}). Is the year a typo?"
        )


@commands.command("undo", rich_help_panel="Every week")
def undo(
    activity_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID...]",
                       help="Activities to reopen. Without an id: undo the most recent change."),
    ] = None,
    as_of: AsOfOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Undo a change someone else made without asking.")
    ] = False,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Reopen activities, or (with no id) undo the most recent change of any kind."""
    ws = workspace(guide, state, as_of, changing=True)
    if activity_ids:
        ids = activity_ids
        ws.resolve_all(ids)

        def reopen(now_ws: Workspace) -> dict[str, Change | None]:
            st, moment = now_ws.state, environment.now()
            with st.batch():
                return {i: st.reopen(i, moment) for i in now_ws.resolve_all(ids)}

        ws, changes = edit(ws, reopen)

        def message(i: str, change: Change | None) -> str:
            if change is None:
                return f"{i} was not marked done; nothing changed."
            return f"Reopened: {i} ({title_of(ws, i)}). It is no longer marked done."

        report(ws, changes, json_out, message)
        return
    undone: list[Change] = []
    agreed = _agree_to_undo(ws, yes)

    def revert(now_ws: Workspace) -> dict[str, Change | None]:
        if agreed is not None and _uids(now_ws.state.undo_group()) != agreed:
            raise StateError(
                "Nothing was undone: another change was recorded while you were asked. Run "
                "`cimsig history` to see it, then `cimsig undo` again."
            )
        undone.extend(now_ws.state.revert_last(environment.now()))
        return {}

    ws, _ = edit(ws, revert)
    if not undone:
        if json_out:
            jsonout.print_json([])
        else:
            say(_nothing_to_undo(ws))
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


def _uids(group: list[dict[str, Any]]) -> list[Any]:
    return [e.get("uid") for e in group]


def _agree_to_undo(ws: Workspace, yes: bool) -> list[Any] | None:
    """When the change undo would take back was made by someone else (on a shared file), say
    who, and ask first; with no terminal to ask at, --yes is needed. The change agreed to (its
    entries' ids), or None when it is this person's own or --yes was given."""
    group = ws.state.undo_group()

    def plain(name: object) -> str:
        return " ".join(str(name).split()).casefold()

    me = plain(environment.user_name())
    others = sorted({str(e["by"]) for e in group if e.get("by") and plain(e["by"]) != me})
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
    if not typer.confirm(f"The latest change is {what}. Undo it?"):
        say("Nothing was undone.")
        raise typer.Exit(0)
    return _uids(group)


def _nothing_to_undo(ws: Workspace) -> str:
    history = ws.state.history
    if not history:
        return "There is nothing to undo: no change has been recorded yet."
    archived = [e for e in history if e.get("action") == "archive"]
    if archived:
        return (
            "There is nothing undo can take back: the changes still in the history are undone "
            "already or are records of archiving, and older ones were moved to a side file "
            "(`cimsig history --archive`), which undo does not reach."
        )
    return "There is nothing to undo: every recorded change has been undone already."


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
