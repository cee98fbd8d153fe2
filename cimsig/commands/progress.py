"""The everyday commands: done, undo, status, next."""

import datetime as dt
from typing import Annotated

import typer

from cimsig import formatting, jsonout, schedule, views
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
    title_of,
    user_date,
    workspace,
)
from cimsig.environment import now
from cimsig.errors import EXIT_OVERDUE, UsageError
from cimsig.records import Change
from cimsig.workspace import Workspace

commands = typer.Typer()


@commands.command("done", rich_help_panel="Every week")
def done(
    activity_ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="One or more ids, or parts of ids.")
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", show_default=False,
                     help="The day it was done (default: the as-of date, normally today)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note to keep with it.")] = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Mark activities as done."""
    ws = workspace(guide, state, as_of)
    done_on = user_date(on, "--on", ws.guide.time_zone) if on is not None else ws.as_of
    if done_on > ws.as_of:
        raise UsageError(
            f"--on {done_on} is after {ws.as_of}: cimsig records work that is done. "
            "Use --on with today's date or an earlier one."
        )
    for text in activity_ids:
        ws.resolve(text)  # an unknown id is refused before the file is locked

    def mark(now_ws: Workspace) -> dict[str, Change | None]:
        targets = dict.fromkeys(now_ws.resolve(text).id for text in activity_ids)
        return {i: now_ws.state.mark_done(i, done_on, now(), note) for i in targets}

    ws, changes = edit(ws, mark)

    def say(i: str, change: Change | None) -> str:
        if change is None:
            return f"{i} was already done; nothing changed."
        return f"Marked done: {i} ({title_of(ws, i)}), done on {formatting.fmt_date(done_on)}."

    report(ws, changes, json_out, say)


@commands.command("undo", rich_help_panel="Every week")
def undo(
    activity_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID...]",
                       help="Activities to reopen. Without an id: undo the most recent change."),
    ] = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Reopen activities, or (with no id) undo the most recent change of any kind."""
    ws = workspace(guide, state, as_of)
    if activity_ids:
        ids = activity_ids
        for text in ids:
            ws.resolve(text)

        def reopen(now_ws: Workspace) -> dict[str, Change | None]:
            targets = dict.fromkeys(now_ws.resolve(text).id for text in ids)
            return {i: now_ws.state.reopen(i, now()) for i in targets}

        ws, changes = edit(ws, reopen)

        def say(i: str, change: Change | None) -> str:
            if change is None:
                return f"{i} was not marked done; nothing changed."
            return f"Reopened: {i} ({title_of(ws, i)}). It is no longer marked done."

        report(ws, changes, json_out, say)
        return
    ws, changes = edit(ws, lambda w: {"": w.state.revert_last(now())})
    change = changes[""]
    if change is None:
        if json_out:
            jsonout.print_json([])
        else:
            typer.echo("There is nothing to undo: every recorded change has been undone already.")
        return
    reverted = change.reverted or {}
    label = f"{reverted.get('action')} {change.activity_id}".strip()

    def said(i: str, c: Change | None) -> str:
        return f"Undid change {reverted.get('seq')} ({label}). {_now_state(ws, i)}"

    if json_out and not change.activity_id:  # the district profile, not an activity
        jsonout.print_json([{"id": None, "changed": True, "profile": profile_json(ws)}])
        return
    report(ws, {change.activity_id: change}, json_out, said)


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
    """Progress per step, what is overdue, and how much falls due in the next 14 days."""
    ws = workspace(guide, state, as_of)
    items = ws.for_owner(ws.statuses, owner)
    late = schedule.overdue(items)
    soon_days = 14
    soon = schedule.due_between(items, ws.as_of, ws.as_of + dt.timedelta(days=soon_days))
    if json_out:
        jsonout.print_json(activity_rows(ws, items))
    else:
        views.render_status(
            ws.guide, ws.as_of, items, late, soon, soon_days, ws.unknown_ids(), owner,
            lea=ws.lea, track=ws.track, progress_file=str(ws.state_file.path),
            owners=ws.state.owners,
        )  # fmt: skip
    if check and late:
        raise typer.Exit(EXIT_OVERDUE)


@commands.command("next", rich_help_panel="Every week")
def next_(
    days: Annotated[int, typer.Option("--days", min=0, help="How many days ahead to look.")] = 30,
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
        views.render_next(ws.as_of, last, hits, following, extra, ws.state.owners, ws.lea)
