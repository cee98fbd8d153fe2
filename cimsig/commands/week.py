"""The everyday commands: done, undo, status, next."""

import datetime as dt
from typing import Annotated

import typer

from cimsig import render, schedule
from cimsig.app import (
    AsOfOption,
    GuideOption,
    JsonOption,
    OwnerOption,
    StateOption,
    activity_rows,
    app,
    edit,
    now,
    profile_json,
    profile_words,
    report,
    title_of,
    user_date,
    workspace,
)
from cimsig.errors import EXIT_OVERDUE, UsageError
from cimsig.state import Change
from cimsig.workspace import Workspace


@app.command("done", rich_help_panel="Every week")
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
    targets = dict.fromkeys(ws.resolve(text).id for text in activity_ids)
    ws, changes = edit(ws, lambda st: {i: st.mark_done(i, done_on, now(), note) for i in targets})

    def say(i: str, change: Change | None) -> str:
        if change is None:
            return f"{i} was already done; nothing changed."
        return f"Marked done: {i} ({title_of(ws, i)}), done on {render.fmt_date(done_on)}."

    report(ws, changes, json_out, say)


@app.command("undo", rich_help_panel="Every week")
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
        targets = dict.fromkeys(ws.resolve(text).id for text in activity_ids)
        ws, changes = edit(ws, lambda st: {i: st.reopen(i, now()) for i in targets})

        def say(i: str, change: Change | None) -> str:
            if change is None:
                return f"{i} was not marked done; nothing changed."
            return f"Reopened: {i} ({title_of(ws, i)}). It is no longer marked done."

        report(ws, changes, json_out, say)
        return
    ws, changes = edit(ws, lambda st: {"": st.revert_last(now())})
    change = changes[""]
    if change is None:
        if json_out:
            render.print_json([])
        else:
            typer.echo("There is nothing to undo: every recorded change has been undone already.")
        return
    reverted = change.reverted or {}
    label = f"{reverted.get('action')} {change.activity_id}".strip()

    def said(i: str, c: Change | None) -> str:
        return f"Undid change {reverted.get('seq')} ({label}). {_now_state(ws, i)}"

    if json_out and not change.activity_id:  # the district profile, not an activity
        render.print_json([{"id": None, "changed": True, "profile": profile_json(ws)}])
        return
    report(ws, {change.activity_id: change}, json_out, said)


def _now_state(ws: Workspace, activity_id: str) -> str:
    if not activity_id:
        return "District profile: " + profile_words(ws) + "."
    if activity_id not in {a.id for a in ws.activities}:
        return f"{activity_id} is not in your plan now."
    item = ws.status(activity_id)
    extras = ws.extras(activity_id)
    words = [f"{activity_id} is {render.status_words(item)}"]
    if item.activity.due is not None:
        words.append(f"due {render.fmt_date(item.activity.due)}")
    if extras.owner:
        words.append(f"owner {extras.owner}")
    return ", ".join(words) + "."


@app.command("status", rich_help_panel="Every week")
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
        render.print_json(activity_rows(ws, items))
    else:
        render.render_status(ws, items, late, soon, soon_days, ws.unknown_ids(), owner)
    if check and late:
        raise typer.Exit(EXIT_OVERDUE)


@app.command("next", rich_help_panel="Every week")
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
        render.print_json(activity_rows(ws, [*hits, *extra]))
    else:
        following = schedule.first_due_after(items, last) if not hits else None
        render.render_next(ws.as_of, last, hits, following, extra, ws.state.owners, ws.lea)
