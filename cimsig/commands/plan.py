"""The district's own plan: init, plan, assign, note, add, remove."""

from typing import Annotated

import typer

from cimsig import render
from cimsig.app import (
    TRACK_WORDS,
    AsOfOption,
    GuideOption,
    JsonOption,
    StateOption,
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
from cimsig.errors import UsageError
from cimsig.state import Change, CustomActivity, Plan, Profile


@app.command("init", rich_help_panel="Your district's plan")
def init(
    lea: Annotated[
        str | None, typer.Option("--lea", metavar="NAME", help="Your district's name.")
    ] = None,
    track: Annotated[
        str | None,
        typer.Option("--track", metavar="new|continuing",
                     help="new: identified for the first time; continuing: identified before."),
    ] = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Set up the district profile: its name (shown in every header and export) and its track."""
    if track is not None and track not in TRACK_WORDS:
        raise UsageError(f"--track must be 'new' or 'continuing', not '{track}'.")
    if lea is not None and not lea.strip():
        raise UsageError("--lea needs the district's name.")
    ws = workspace(guide, state, None)
    current = ws.state.profile or Profile()
    profile = Profile(
        lea=lea.strip() if lea is not None else current.lea,
        track=track if track is not None else current.track,
    )
    existed = ws.state_file.exists()
    ws, changes = edit(ws, lambda st: {"": st.change("init", "", {"profile": profile}, now())})
    if json_out:
        render.print_json({**(profile_json(ws) or {}), "changed": changes[""] is not None})
        return
    if changes[""] is None:
        typer.echo(f"The district profile is already {profile_words(ws)}; nothing changed.")
    else:
        typer.echo(f"Saved the district profile: {profile_words(ws)}.")
    if not existed:
        typer.echo(f"Created the progress file {ws.state_file.path}.")
    if profile.track is None:
        typer.echo("Tip: add --track new or --track continuing so cimsig knows which activities "
                   "the guide requires of your district.")  # fmt: skip


@app.command("plan", rich_help_panel="Your district's plan")
def plan(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or part of one.")],
    due: Annotated[
        str | None, typer.Option("--due", metavar="DATE", help="Your own due date for it.")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="When your team starts on it.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Go back to the guide's dates.")] = False,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Set your district's own target date for an activity (the guide's date stays on record)."""
    ws = workspace(guide, state, as_of)
    activity = ws.resolve(activity_id)
    if clear == (due is not None) or (clear and start is not None):
        raise UsageError("Give either --due DATE (and perhaps --start DATE), or --clear.")
    new_plan = None
    if due is not None:
        new_plan = Plan(
            user_date(due, "--due", ws.guide.time_zone),
            user_date(start, "--start", ws.guide.time_zone) if start else None,
        )
        if new_plan.start is not None and new_plan.start > new_plan.due:
            raise UsageError(f"--start {new_plan.start} is after --due {new_plan.due}.")
    original = ws.extras(activity.id)
    ws, changes = edit(
        ws, lambda st: {activity.id: st.change("plan", activity.id, {"plans": new_plan}, now())}
    )
    guide_due = original.guide_due
    if new_plan is not None and guide_due is not None and new_plan.due > guide_due:
        typer.echo(
            f"Warning: {render.fmt_date(new_plan.due)} is after the guide's deadline for "
            f"{activity.id} ({render.fmt_date(guide_due)}).",
            err=True,
        )

    def say(i: str, change: Change | None) -> str:
        if new_plan is None:
            if change is None:
                return f"{i} had no date of your own; nothing changed."
            back = render.fmt_date(guide_due) if guide_due else "ongoing"
            return f"Cleared your date for {i}: it follows the guide again ({back})."
        if change is None:
            return f"{i} is already planned for {render.fmt_date(new_plan.due)}; nothing changed."
        said = f"Planned: {i} ({title_of(ws, i)}) due {render.fmt_date(new_plan.due)}"
        if new_plan.start:
            said += f", starting {render.fmt_date(new_plan.start)}"
        return said + (f" (the guide: {render.fmt_date(guide_due)})." if guide_due else ".")

    report(ws, changes, json_out, say)


@app.command("assign", rich_help_panel="Your district's plan")
def assign(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or part of one.")],
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="Who owns it.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the owner.")] = False,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Name the person who owns an activity (`--clear` to remove)."""
    if clear == (name is not None) or (name is not None and not name.strip()):
        raise UsageError('Give a NAME, or --clear: cimsig assign step1-case-study "Ana Ruiz".')
    ws = workspace(guide, state, None)
    activity = ws.resolve(activity_id)
    owner = name.strip() if name is not None else None
    ws, changes = edit(
        ws, lambda st: {activity.id: st.change("assign", activity.id, {"owners": owner}, now())}
    )

    def say(i: str, change: Change | None) -> str:
        if change is None:
            return f"{i} already has that owner; nothing changed."
        return f"{i} is assigned to {owner}." if owner else f"{i} has no owner now."

    report(ws, changes, json_out, say)


@app.command("note", rich_help_panel="Your district's plan")
def note_(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or part of one.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note (in quotes).")],
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Add a dated note to an activity (`cimsig show ID` lists them)."""
    if not text.strip():
        raise UsageError("The note is empty.")
    ws = workspace(guide, state, None)
    activity = ws.resolve(activity_id)
    ws, changes = edit(ws, lambda st: {activity.id: st.add_note(activity.id, text.strip(), now())})
    count = len(ws.state.notes.get(activity.id, ()))
    report(ws, changes, json_out, lambda i, c: f"Added a note to {i} ({count} in all).")


@app.command("add", rich_help_panel="Your district's plan")
def add(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What is to be done (in quotes).")],
    step: Annotated[str, typer.Option("--step", help="The step it belongs to: prep, step1 ...")],
    due: Annotated[str, typer.Option("--due", metavar="DATE", help="Its due date.")],
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="When it starts.")
    ] = None,
    new_id: Annotated[
        str | None, typer.Option("--id", help="The id to give it (default: made from the title).")
    ] = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Add an activity of your district's own (a board meeting, a SELPA review ...)."""
    ws = workspace(guide, state, as_of)
    step_ids = [s.id for s in ws.guide.steps]
    if step not in step_ids:
        raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
    if not title.strip():
        raise UsageError("The title is empty.")
    due_date = user_date(due, "--due", ws.guide.time_zone)
    start_date = user_date(start, "--start", ws.guide.time_zone) if start else None
    if start_date is not None and start_date > due_date:
        raise UsageError(f"--start {start_date} is after --due {due_date}.")
    activity_id = ws.new_activity_id(title, new_id)
    custom = CustomActivity(activity_id, step, " ".join(title.split()), due_date, start_date)
    ws, changes = edit(
        ws, lambda st: {activity_id: st.change("add", activity_id, {"custom": custom}, now())}
    )
    step_name = ws.guide.step(step).name

    def say(i: str, change: Change | None) -> str:
        return f"Added {i}: {custom.title}, due {render.fmt_date(due_date)} ({step_name})."

    report(ws, changes, json_out, say)


@app.command("remove", rich_help_panel="Your district's plan")
def remove(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="The id of an added activity.")],
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Remove an activity your district added (the guide's own cannot be removed)."""
    ws = workspace(guide, state, None)
    activity = ws.resolve(activity_id)
    if activity.origin != "district":
        raise UsageError(
            f"{activity.id} is part of the pacing guide and cannot be removed. You can plan "
            f"your own date for it (cimsig plan {activity.id} --due DATE) or mark it done."
        )
    # Its done record, date, owner and notes go with it, in one change that `undo` restores.
    fields = {"custom": None, "done": None, "plans": None, "owners": None, "notes": None}
    ws, changes = edit(
        ws, lambda st: {activity.id: st.change("remove", activity.id, fields, now())}
    )
    report(ws, changes, json_out, lambda i, c: f"Removed {i} ({activity.title}) from your plan.")
