"""The `cimsig` command: parse the options, call the domain, hand the result to a renderer.

Every error a user can cause is a CimsigError; one handler (CimsigGroup.invoke) prints it on
stderr and exits with its code. Only this module reads the clock.
"""

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cimsig import __version__, render, schedule
from cimsig.errors import EXIT_OVERDUE, CimsigError, UsageError
from cimsig.guide import bundled_guide_path, load_guide
from cimsig.schedule import ActivityStatus
from cimsig.state import (
    STATE_FILE_NAME,
    Change,
    CustomActivity,
    Plan,
    Profile,
    State,
    StateFile,
)
from cimsig.workspace import Workspace, check_belongs, open_workspace

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 `status --check` found overdue work; 2 bad command-line input "
    "(unknown or ambiguous id, bad date); 3 a problem with the guide or the progress file."
)


class CimsigGroup(TyperGroup):
    """The one error handler: a CimsigError becomes a message on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CimsigError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=CimsigGroup,
    name="cimsig",
    help=(
        "A checklist for the 2024 CIM for Sig Dis Plan for Improvement pacing guide: what is "
        "overdue, what comes next, and a record of what your district has done."
    ),
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# -- options shared by the commands -------------------------------------------------------------

GuideOption = Annotated[
    Path | None,
    typer.Option(
        "--guide",
        envvar="CIMSIG_GUIDE",
        show_default=False,
        dir_okay=False,
        help="Guide file to use instead of the bundled 2024 guide (or set CIMSIG_GUIDE).",
    ),
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        envvar="CIMSIG_STATE",
        show_default=False,
        dir_okay=False,
        help="Progress file to use (or set CIMSIG_STATE). Default: see `cimsig where`.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        show_default=False,
        metavar="DATE",
        help="Show things as they stand on this date instead of today (2024-10-01, 10/1/2024, "
        "Oct 1 2024).",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for other programs instead of a table.")
]


OwnerOption = Annotated[
    str | None,
    typer.Option("--owner", metavar="NAME", help="Only the activities assigned to this person."),
]


def _today(zone: str) -> dt.date:
    from cimsig.dates import today_in

    return today_in(zone, dt.datetime.now(dt.timezone.utc))


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _date(text: str | None, option: str, zone: str) -> dt.date:
    if text is None:
        return _today(zone)
    from cimsig.dates import parse_user_date

    return parse_user_date(text, lambda: _today(zone), option=option)


def _state_path(state: Path | None) -> Path:
    if state is not None:
        return state
    return Path(typer.get_app_dir("cimsig")) / STATE_FILE_NAME


def _cache_dir() -> Path:
    return Path(typer.get_app_dir("cimsig")) / "cache"


def _lock_timeout() -> float | None:
    text = os.environ.get("CIMSIG_LOCK_TIMEOUT")
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise UsageError(
            f"CIMSIG_LOCK_TIMEOUT must be a number of seconds, not '{text}'."
        ) from None
    if not 0 <= seconds <= 3600:
        raise UsageError("CIMSIG_LOCK_TIMEOUT must be from 0 to 3600 seconds.")
    return seconds


def _workspace(guide: Path | None, state: Path | None, as_of: str | None) -> Workspace:
    loaded = load_guide(guide, cache_dir=_cache_dir())
    as_of_date = _date(as_of, "--as-of", loaded.time_zone)
    return open_workspace(
        loaded, _state_path(state), as_of_date, _lock_timeout(), cache_dir=_cache_dir()
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cimsig {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    # A Windows console that cannot show a dash or an accent must not crash the program.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


# -- the guide ----------------------------------------------------------------------------------


@app.command("list", rich_help_panel="The guide")
def list_(
    step: Annotated[
        str | None, typer.Option("--step", help="Only this step: prep, step1 ... step4.")
    ] = None,
    owner: OwnerOption = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """The whole checklist, grouped by step, with each activity's status."""
    ws = _workspace(guide, state, as_of)
    items = ws.for_owner(ws.statuses, owner)
    if step is not None:
        step_ids = [s.id for s in ws.guide.steps]
        if step not in step_ids:
            raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
        items = [i for i in items if i.activity.step == step]
    if json_out:
        render.print_json(_rows(ws, items))
    else:
        render.render_list(ws.guide, items, ws.as_of, ws.state.owners, ws.lea)


@app.command("show", rich_help_panel="The guide")
def show(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or part of one.")],
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Everything about one activity: dates, details, resources, where to submit, status."""
    ws = _workspace(guide, state, as_of)
    item = ws.status(ws.resolve(activity_id).id)
    if json_out:
        render.print_json(_rows(ws, [item])[0])
    else:
        render.render_show(ws.guide, item, ws.as_of, ws.extras(item.activity.id))


@app.command("validate", rich_help_panel="The guide")
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The guide file to check (default: the guide in use).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    guide: GuideOption = None,
) -> None:
    """Check a guide file; list every problem (exit 3), or say it is fine (exit 0)."""
    loaded = load_guide(path or guide)
    weekend = [a.id for a in loaded.activities if a.weekend]
    typer.echo(
        f"OK: {loaded.path} is a valid guide: '{loaded.id}', {len(loaded.activities)} activities "
        f"in {len(loaded.steps)} steps."
    )
    if weekend:
        typer.echo(f"Due on a weekend ({len(weekend)}): {', '.join(weekend)}")


@app.command("where", rich_help_panel="The guide")
def where(
    json_out: JsonOption = False, guide: GuideOption = None, state: StateOption = None
) -> None:
    """Which guide file and which progress file are in use."""
    guide_path = guide or bundled_guide_path()
    state_file = StateFile(_state_path(state))
    info = {
        "guide": str(guide_path),
        "guide_source": "--guide or CIMSIG_GUIDE" if guide else "bundled",
        "state": str(state_file.path),
        "state_exists": state_file.exists(),
        "state_source": _state_source(state),
        "cache": str(_cache_dir()),
    }
    if json_out:
        render.print_json(info)
        return
    typer.echo(f"Guide:    {info['guide']} ({info['guide_source']})")
    exists = "" if info["state_exists"] else " (not created yet: `cimsig done` creates it)"
    typer.echo(f"Progress: {info['state']} ({info['state_source']}){exists}")
    typer.echo(f"Cache:    {info['cache']} (a copy of the checked guide; safe to delete)")


def _state_source(state: Path | None) -> str:
    if state is None:
        return "default"
    if os.environ.get("CIMSIG_STATE") and Path(os.environ["CIMSIG_STATE"]) == state:
        return "CIMSIG_STATE"
    return "--state"


# -- progress -----------------------------------------------------------------------------------


def _rows(ws: Workspace, items: list[ActivityStatus]) -> list[dict[str, Any]]:
    return [render.activity_json(ws.guide, i, ws.extras(i.activity.id)) for i in items]


def _edit(
    ws: Workspace, change: Callable[[State], dict[str, Change | None]]
) -> tuple[Workspace, dict[str, Change | None]]:
    """Apply a change to the state file under its lock; the workspace as it is afterwards."""
    with ws.state_file.edit() as st:
        check_belongs(st, ws.guide, ws.state_file.path)
        st.guide = ws.guide.id
        changes = change(st)
    return ws.with_state(st), changes


def _report(
    ws: Workspace,
    changes: dict[str, Change | None],
    json_out: bool,
    message: Callable[[str, Change | None], str],
) -> None:
    if json_out:
        known = {a.id for a in ws.activities}
        render.print_json(
            [
                {**_rows(ws, [ws.status(i)])[0], "changed": c is not None}
                if i in known
                else {"id": i, "changed": c is not None, "removed": True}
                for i, c in changes.items()
            ]
        )
        return
    for activity_id, change in changes.items():
        typer.echo(message(activity_id, change))


def _title(ws: Workspace, activity_id: str) -> str:
    return next((a.title for a in ws.activities if a.id == activity_id), "")


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
    ws = _workspace(guide, state, as_of)
    done_on = _date(on, "--on", ws.guide.time_zone) if on is not None else ws.as_of
    if done_on > ws.as_of:
        raise UsageError(
            f"--on {done_on} is after {ws.as_of}: cimsig records work that is done. "
            "Use --on with today's date or an earlier one."
        )
    targets = dict.fromkeys(ws.resolve(text).id for text in activity_ids)
    ws, changes = _edit(ws, lambda st: {i: st.mark_done(i, done_on, _now(), note) for i in targets})

    def say(i: str, change: Change | None) -> str:
        if change is None:
            return f"{i} was already done; nothing changed."
        return f"Marked done: {i} ({_title(ws, i)}), done on {render.fmt_date(done_on)}."

    _report(ws, changes, json_out, say)


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
    ws = _workspace(guide, state, as_of)
    if activity_ids:
        targets = dict.fromkeys(ws.resolve(text).id for text in activity_ids)
        ws, changes = _edit(ws, lambda st: {i: st.reopen(i, _now()) for i in targets})

        def say(i: str, change: Change | None) -> str:
            if change is None:
                return f"{i} was not marked done; nothing changed."
            return f"Reopened: {i} ({_title(ws, i)}). It is no longer marked done."

        _report(ws, changes, json_out, say)
        return
    ws, changes = _edit(ws, lambda st: {"": st.revert_last(_now())})
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
        render.print_json([{"id": None, "changed": True, "profile": _profile_json(ws)}])
        return
    _report(ws, {change.activity_id: change}, json_out, said)


def _now_state(ws: Workspace, activity_id: str) -> str:
    if not activity_id:
        return "District profile: " + _profile_words(ws) + "."
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
    ws = _workspace(guide, state, as_of)
    items = ws.for_owner(ws.statuses, owner)
    late = schedule.overdue(items)
    soon_days = 14
    soon = schedule.due_between(items, ws.as_of, ws.as_of + dt.timedelta(days=soon_days))
    if json_out:
        render.print_json(_rows(ws, items))
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
    ws = _workspace(guide, state, as_of)
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
        render.print_json(_rows(ws, [*hits, *extra]))
    else:
        following = schedule.first_due_after(items, last) if not hits else None
        render.render_next(ws.as_of, last, hits, following, extra, ws.state.owners, ws.lea)


# -- your district's plan -----------------------------------------------------------------------

_TRACK_WORDS = {
    "new": "newly identified",
    "continuing": "continuing significant disproportionality",
}


def _profile_words(ws: Workspace) -> str:
    profile = ws.state.profile
    if profile is None:
        return "none"
    track = _TRACK_WORDS.get(profile.track or "", "track not set")
    return f"{profile.lea or 'district name not set'} ({track})"


def _profile_json(ws: Workspace) -> dict[str, Any] | None:
    profile = ws.state.profile
    return None if profile is None else {"lea": profile.lea, "track": profile.track}


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
    if track is not None and track not in _TRACK_WORDS:
        raise UsageError(f"--track must be 'new' or 'continuing', not '{track}'.")
    if lea is not None and not lea.strip():
        raise UsageError("--lea needs the district's name.")
    ws = _workspace(guide, state, None)
    current = ws.state.profile or Profile()
    profile = Profile(
        lea=lea.strip() if lea is not None else current.lea,
        track=track if track is not None else current.track,
    )
    existed = ws.state_file.exists()
    ws, changes = _edit(ws, lambda st: {"": st.change("init", "", {"profile": profile}, _now())})
    if json_out:
        render.print_json({**(_profile_json(ws) or {}), "changed": changes[""] is not None})
        return
    if changes[""] is None:
        typer.echo(f"The district profile is already {_profile_words(ws)}; nothing changed.")
    else:
        typer.echo(f"Saved the district profile: {_profile_words(ws)}.")
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
    ws = _workspace(guide, state, as_of)
    activity = ws.resolve(activity_id)
    if clear == (due is not None) or (clear and start is not None):
        raise UsageError("Give either --due DATE (and perhaps --start DATE), or --clear.")
    new_plan = None
    if due is not None:
        new_plan = Plan(
            _date(due, "--due", ws.guide.time_zone),
            _date(start, "--start", ws.guide.time_zone) if start else None,
        )
        if new_plan.start is not None and new_plan.start > new_plan.due:
            raise UsageError(f"--start {new_plan.start} is after --due {new_plan.due}.")
    original = ws.extras(activity.id)
    ws, changes = _edit(
        ws, lambda st: {activity.id: st.change("plan", activity.id, {"plans": new_plan}, _now())}
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
        said = f"Planned: {i} ({_title(ws, i)}) due {render.fmt_date(new_plan.due)}"
        if new_plan.start:
            said += f", starting {render.fmt_date(new_plan.start)}"
        return said + (f" (the guide: {render.fmt_date(guide_due)})." if guide_due else ".")

    _report(ws, changes, json_out, say)


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
    ws = _workspace(guide, state, None)
    activity = ws.resolve(activity_id)
    owner = name.strip() if name is not None else None
    ws, changes = _edit(
        ws, lambda st: {activity.id: st.change("assign", activity.id, {"owners": owner}, _now())}
    )

    def say(i: str, change: Change | None) -> str:
        if change is None:
            return f"{i} already has that owner; nothing changed."
        return f"{i} is assigned to {owner}." if owner else f"{i} has no owner now."

    _report(ws, changes, json_out, say)


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
    ws = _workspace(guide, state, None)
    activity = ws.resolve(activity_id)
    ws, changes = _edit(
        ws, lambda st: {activity.id: st.add_note(activity.id, text.strip(), _now())}
    )
    count = len(ws.state.notes.get(activity.id, ()))
    _report(ws, changes, json_out, lambda i, c: f"Added a note to {i} ({count} in all).")


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
    ws = _workspace(guide, state, as_of)
    step_ids = [s.id for s in ws.guide.steps]
    if step not in step_ids:
        raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
    if not title.strip():
        raise UsageError("The title is empty.")
    due_date = _date(due, "--due", ws.guide.time_zone)
    start_date = _date(start, "--start", ws.guide.time_zone) if start else None
    if start_date is not None and start_date > due_date:
        raise UsageError(f"--start {start_date} is after --due {due_date}.")
    activity_id = ws.new_activity_id(title, new_id)
    custom = CustomActivity(activity_id, step, " ".join(title.split()), due_date, start_date)
    ws, changes = _edit(
        ws, lambda st: {activity_id: st.change("add", activity_id, {"custom": custom}, _now())}
    )
    step_name = ws.guide.step(step).name

    def say(i: str, change: Change | None) -> str:
        return f"Added {i}: {custom.title}, due {render.fmt_date(due_date)} ({step_name})."

    _report(ws, changes, json_out, say)


@app.command("remove", rich_help_panel="Your district's plan")
def remove(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="The id of an added activity.")],
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Remove an activity your district added (the guide's own cannot be removed)."""
    ws = _workspace(guide, state, None)
    activity = ws.resolve(activity_id)
    if activity.origin != "district":
        raise UsageError(
            f"{activity.id} is part of the pacing guide and cannot be removed. You can plan "
            f"your own date for it (cimsig plan {activity.id} --due DATE) or mark it done."
        )
    # Its done record, date, owner and notes go with it, in one change that `undo` restores.
    fields = {"custom": None, "done": None, "plans": None, "owners": None, "notes": None}
    ws, changes = _edit(
        ws, lambda st: {activity.id: st.change("remove", activity.id, fields, _now())}
    )
    _report(ws, changes, json_out, lambda i, c: f"Removed {i} ({activity.title}) from your plan.")


@app.command("doctor", rich_help_panel="The guide")
def doctor(
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Check the guide and your progress file together, and say what needs attention.

    Exit code 0 unless a file cannot be used (3).
    """
    from cimsig import doctor as checks

    loaded = load_guide(guide, cache_dir=_cache_dir())
    state_file = StateFile(_state_path(state))
    findings = checks.examine(loaded, state_file, _date(as_of, "--as-of", loaded.time_zone))
    if json_out:
        render.print_json([f._asdict() for f in findings])
    else:
        render.render_findings(findings)
    if any(f.level == checks.PROBLEM for f in findings):
        raise typer.Exit(3)


# -- sharing ------------------------------------------------------------------------------------

export_app = typer.Typer(
    cls=CimsigGroup,
    help="Write the plan as a calendar, a spreadsheet, a printable checklist or JSON.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export", rich_help_panel="Sharing")

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", dir_okay=False, show_default=False, metavar="FILE",
        help="Write to this file (in one step: never half a file). Default: the screen.",
    ),
]  # fmt: skip


def _write(data: bytes, output: Path | None) -> None:
    """An export to the screen, or to a file in one step (and a word on stderr that it did)."""
    from cimsig import export

    export.write_output(data, output)
    if output is not None:
        typer.echo(f"Wrote {output}.", err=True)


@export_app.command("ics")
def export_ics(
    output: OutputOption = None,
    include_done: Annotated[
        bool, typer.Option("--include-done", help="Also export done activities, marked done.")
    ] = False,
    spans: Annotated[
        bool, typer.Option("--spans", help="Also add each window (July-October) as one event.")
    ] = False,
    remind: Annotated[
        str | None,
        typer.Option(
            "--remind", metavar="7d|2w", help="Add a reminder this long before each deadline."
        ),
    ] = None,
    todo: Annotated[
        bool, typer.Option("--todo", help="Write tasks (VTODO) instead of events, for task apps.")
    ] = False,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A calendar file for Outlook, Google Calendar or Apple Calendar: one event per deadline."""
    from cimsig import export

    remind_days = export.parse_remind(remind) if remind is not None else None
    ws = _workspace(guide, state, as_of)
    data, left_out = export.build_ics(
        ws.guide, ws.statuses, now=_now(), include_done=include_done, spans=spans,
        remind_days=remind_days, todo=todo, lea=ws.lea, owners=ws.state.owners,
    )  # fmt: skip
    _write(data, output)
    if left_out:
        typer.echo(
            f"{left_out} ongoing activities have no date and are not in the calendar.", err=True
        )


@export_app.command("csv")
def export_csv(
    output: OutputOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A spreadsheet (CSV, opens in Excel): one row per activity with its status."""
    from cimsig import export

    ws = _workspace(guide, state, as_of)
    _write(export.build_csv(_rows(ws, ws.statuses)), output)


@export_app.command("md")
def export_md(
    output: OutputOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A printable checklist (Markdown) for a team meeting or a board report."""
    from cimsig import export

    ws = _workspace(guide, state, as_of)
    text = export.build_markdown(ws.guide, ws.statuses, ws.as_of, ws.lea, ws.state.owners)
    _write(text.encode("utf-8"), output)


@export_app.command("json")
def export_json(
    output: OutputOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """One JSON document: the guide, progress per step, and every activity with its status."""
    from cimsig import export

    ws = _workspace(guide, state, as_of)
    rows = _rows(ws, ws.statuses)
    text = export.build_json(ws.guide, ws.statuses, ws.as_of, rows, _profile_json(ws))
    _write(text.encode("utf-8"), output)


@app.command("timeline", rich_help_panel="Sharing")
def timeline_(
    by_step: Annotated[bool, typer.Option("--by-step", help="One row per step.")] = False,
    from_: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="Start the chart here.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="End the chart here.")
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", dir_okay=False, metavar="FILE", help="Also save the picture as SVG."),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option("--width", min=40, help="Width in characters (default: the terminal's)."),
    ] = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A Gantt chart of the plan: a bar per window, a diamond per deadline, a line at today."""
    from cimsig import timeline

    ws = _workspace(guide, state, as_of)
    first, last = timeline.date_range(ws.statuses, ws.as_of)
    first = _date(from_, "--from", ws.guide.time_zone) if from_ else first
    last = _date(to, "--to", ws.guide.time_zone) if to else last
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}.")
    _, columns = render.timeline_width(width)
    chart = timeline.layout(
        ws.guide, ws.statuses, ws.as_of, columns=columns, first=first, last=last, by_step=by_step
    )
    picture = render.render_timeline(
        ws.guide, chart, ws.as_of, width=width, svg=str(svg) if svg else None, lea=ws.lea
    )
    if svg is not None and picture is not None:
        _write(picture.encode("utf-8"), svg)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `cimsig` command and of `python -m cimsig`."""
    args = sys.argv[1:] if argv is None else argv
    _build_only(_command_name(args))
    app(args=args, prog_name="cimsig")


def _command_name(args: list[str]) -> str | None:
    return next((a for a in args if not a.startswith("-")), None)


def _build_only(name: str | None) -> None:
    """Keep just the command being run.

    Typer builds the parser of every command before it runs one (about 1.5 ms each); a command
    typed many times a day should pay for itself only. Help and unknown names keep them all.
    """
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups
