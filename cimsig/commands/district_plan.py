"""The district's own plan: init, plan, assign, note, add, remove."""

from typing import TYPE_CHECKING, Annotated

import typer

from cimsig import environment, formatting, jsonout
from cimsig.app import (
    TRACK_WORDS,
    AsOfOption,
    GuideOption,
    JsonOption,
    StateOption,
    check_not_after_today,
    profile_json,
    profile_words,
    report,
    say,
    say_started,
    title_of,
    user_date,
    workspace,
)
from cimsig.errors import StateError, UsageError
from cimsig.records import Change, Plan, Profile
from cimsig.state import moment_on
from cimsig.workspace import Workspace

if TYPE_CHECKING:
    from cimsig import operations

commands = typer.Typer()


@commands.command("init", rich_help_panel="Your district's plan")
def init(
    lea: Annotated[
        str | None, typer.Option("--lea", metavar="NAME", help="Your district's name.")
    ] = None,
    track: Annotated[
        str | None,
        typer.Option("--track", metavar="new|continuing",
                     help="new: identified for the first time; continuing: identified before."),
    ] = None,
    me: Annotated[
        str | None,
        typer.Option("--me", metavar="NAME",
                     help="Your name, recorded with each change you make on this computer "
                     "(default: the computer's user name)."),
    ] = None,
    short: Annotated[
        str | None,
        typer.Option("--short", metavar="NAME", show_default=False,
                     help="A short name for calendar titles and tables, when the district's "
                     "name is long ('' removes it)."),
    ] = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Set up the district profile: its name (shown in every header and export) and its track."""
    from cimsig import operations

    if me is not None:
        _save_me(me)
        if lea is None and track is None and short is None:
            return  # only the name: the progress file is not touched
    if track is not None:
        track = track.strip().lower()  # `--track New` is `--track new`
    if track is not None and track not in TRACK_WORDS:
        raise UsageError(f"--track must be 'new' or 'continuing', not '{track}'.")
    if lea is not None and not lea.strip():
        raise UsageError("--lea needs the district's name.")
    if guide is not None:
        from cimsig.guide_catalog import keep_guide

        # A copy in the guides folder, as for a district's guide: later commands on this
        # progress file, and --guide ID, find the guide without the original file.
        keep_guide(guide)
    ws = workspace(guide, state, as_of, changing=True)
    existed = ws.state_file.exists()
    saved = operations.set_profile(
        ws, lea=lea, track=track, short=short, now=environment.now(),
        author=environment.user_name(),
    )  # fmt: skip
    ws, changes = _done_by(saved)
    profile = ws.state.profile or Profile()
    if json_out:
        jsonout.print_json({**(profile_json(ws) or {}), "changed": changes[""] is not None})
        return
    if changes[""] is None:
        say(f"The district profile is already {profile_words(ws)}; nothing changed.")
    else:
        say(f"Saved the district profile: {profile_words(ws)}.")
    if not existed:
        say(f"Created the progress file {ws.state_file.path}.")
    if profile.track is None:
        say("Tip: add --track new or --track continuing so cimsig knows which activities "
                   "the guide requires of your district.")  # fmt: skip


def _save_me(name: str) -> None:
    """Keep the name this computer's changes are recorded under."""
    name = formatting.export_safe(name).strip()
    if not name or len(name) > environment.MAX_NAME_LENGTH or "\n" in name:
        raise UsageError(
            f"--me needs your name, on one line, at most {environment.MAX_NAME_LENGTH} characters."
        )
    try:
        environment.save_user_name(name)
    except OSError as exc:
        raise StateError(f"Your name could not be saved: {exc.strerror or exc}.") from None
    say(f"Changes you make on this computer are recorded as made by {name}.", err=True)


@commands.command("plan", rich_help_panel="Your district's plan")
def plan(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or whole words of one.")],
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
    from cimsig import operations

    ws = workspace(guide, state, as_of, changing=True)
    activity = ws.change_target(activity_id)
    if clear == (due is not None) or (clear and start is not None):
        raise UsageError("Give either --due DATE (and perhaps --start DATE), or --clear.")
    new_plan = None
    if due is not None:
        new_plan = Plan(
            user_date(due, "--due", ws.guide.time_zone, ws.as_of),
            user_date(start, "--start", ws.guide.time_zone, ws.as_of) if start else None,
        )
    original = ws.details(activity.id)
    ws, changes = _done_by(
        operations.plan(
            ws, activity.id, new_plan, now=environment.now(), author=environment.user_name()
        )
    )
    guide_due = original.guide_due
    opens = next((a.start for a in ws.unplanned if a.id == activity.id), None)  # the guide's
    if new_plan is not None and opens is not None and new_plan.due < opens:
        say(
            f"Warning: {formatting.fmt_date(new_plan.due)} is before {activity.id}'s window "
            f"opens ({formatting.fmt_date(opens)}) in the guide. Is that the date you mean?",
            err=True,
            indent=2,
        )
    if new_plan is not None and guide_due is not None and new_plan.due > guide_due:
        say(
            f"Warning: {formatting.fmt_date(new_plan.due)} is after the guide's deadline for "
            f"{activity.id} ({formatting.fmt_date(guide_due)}). The guide's deadline still "
            "counts: from the day after it, the activity is overdue and `status --check` "
            "exits 1, whatever your date.",
            err=True,
        )

    def message(i: str, change: Change | None) -> str:
        if new_plan is None:
            if change is None:
                return f"{i} had no date of your own; nothing changed."
            back = formatting.fmt_date(guide_due) if guide_due else "ongoing"
            return f"Cleared your date for {i}: it follows the guide again ({back})."
        if change is None:
            return (
                f"{i} is already planned for {formatting.fmt_date(new_plan.due)}; nothing changed."
            )
        said = f"Planned: {i} ({title_of(ws, i)}) due {formatting.fmt_date(new_plan.due)}"
        if new_plan.start:
            said += f", starting {formatting.fmt_date(new_plan.start)}"
        if guide_due is None and activity.origin == "guide":
            return said + (
                ": your own date; the guide sets none (ongoing work). From the day after it, "
                "it is overdue against your own date and `status --check` exits 1."
            )
        return said + (f" (the guide: {formatting.fmt_date(guide_due)})." if guide_due else ".")

    report(ws, changes, json_out, message)


@commands.command("assign", rich_help_panel="Your district's plan")
def assign(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or whole words of one.")],
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="Who owns it.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the owner.")] = False,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Name the person who owns an activity (`--clear` to remove)."""
    from cimsig import operations

    if clear == (name is not None) or (name is not None and not name.strip()):
        raise UsageError('Give a NAME, or --clear: cimsig assign step1-case-study "Ana Ruiz".')
    ws = workspace(guide, state, as_of, changing=True)
    owner = name.strip() if name is not None else None
    ws, changes = _done_by(
        operations.assign(
            ws, activity_id, owner, now=environment.now(), author=environment.user_name()
        )
    )

    def message(i: str, change: Change | None) -> str:
        if change is None:
            return f"{i} already has that owner; nothing changed."
        return f"{i} is assigned to {owner}." if owner else f"{i} has no owner now."

    report(ws, changes, json_out, message)


@commands.command("note", rich_help_panel="Your district's plan")
def note_(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or whole words of one.")],
    words: Annotated[list[str], typer.Argument(metavar="TEXT", help="The note (in quotes).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", show_default=False, metavar="DATE",
                     help="Date the note on this day instead of today."),
    ] = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Add a dated note to an activity (`cimsig show ID` lists them)."""
    from cimsig import operations

    if len(words) > 1:
        _refuse_loose_note(activity_id, words)
    text = words[0]
    if not text.strip():
        raise UsageError("The note is empty.")
    ws = workspace(guide, state, as_of, changing=True)
    if as_of is not None:
        check_not_after_today(ws.as_of, "--as-of", ws.guide.time_zone)
    activity = ws.change_target(activity_id)
    moment = environment.now()
    dated = moment_on(ws.as_of, moment, ws.guide.time_zone) if as_of is not None else None
    ws, changes = _done_by(
        operations.add_note(
            ws, activity.id, text, dated=dated, now=moment, author=environment.user_name()
        )
    )
    count = len(ws.state.notes.get(activity.id, ()))
    report(ws, changes, json_out, lambda i, c: f"Added a note to {i} ({count} in all).")


# The options of `note` (those taking a value first): typed after `--`, they are taken for
# words of the note.
_NOTE_VALUE_OPTIONS = ("--as-of", "--guide", "--state", "--district")
_NOTE_FLAGS = ("--json",)


def _refuse_loose_note(activity_id: str, words: list[str]) -> None:
    """A note typed as several words: say how to type it as one, with any options typed after
    `--` (which make them words of the note) moved before it."""
    from cimsig.formatting import shell_quote

    text: list[str] = []
    options: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        name = word.split("=", 1)[0]
        if name in _NOTE_VALUE_OPTIONS and "=" not in word and index + 1 < len(words):
            options += [word, words[index + 1]]
            index += 2
            continue
        if name in _NOTE_VALUE_OPTIONS or word in _NOTE_FLAGS:
            options.append(word)
        else:
            text.append(word)
        index += 1
    typed = " ".join(text)
    dash = "-- " if typed.startswith("-") else ""
    command = " ".join(
        ["cimsig note", shell_quote(activity_id, bare=True),
         *(shell_quote(o, bare=True) for o in options)]
    )  # fmt: skip
    if options:
        raise UsageError(
            f"{', '.join(o for o in options if o.startswith('--'))} came after --, so it was "
            f"taken for words of the note. Put options before --: {command} "
            f"{dash}{shell_quote(typed)}. Nothing was changed."
        )
    raise UsageError(
        f"Put the note in quotes, so that it is one: {command} {dash}{shell_quote(typed)} "
        "(and -- before a note that starts with a dash). Nothing was changed."
    )


@commands.command("add", rich_help_panel="Your district's plan")
def add(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What is to be done (in quotes).")],
    step: Annotated[
        str,
        typer.Option(
            "--step",
            help="The step it belongs to, by its id in the guide in use (a wrong id lists "
            "the guide's steps).",
        ),
    ],
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
    from cimsig import operations

    ws = workspace(guide, state, as_of, changing=True)
    step_ids = [s.id for s in ws.guide.steps]
    if step not in step_ids:
        raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
    if not title.strip():
        raise UsageError("The title is empty.")
    due_date = user_date(due, "--due", ws.guide.time_zone, ws.as_of)
    start_date = user_date(start, "--start", ws.guide.time_zone, ws.as_of) if start else None
    clean_title = " ".join(title.split())
    added = operations.add_activity(
        ws, title, step, due_date, start=start_date, new_id=new_id,
        now=environment.now(), author=environment.user_name(),
    )  # fmt: skip
    ws, changes = _done_by(added)
    step_name = ws.guide.step(step).name

    def message(i: str, change: Change | None) -> str:
        return f"Added {i}: {clean_title}, due {formatting.fmt_date(due_date)} ({step_name})."

    report(ws, changes, json_out, message)


@commands.command("remove", rich_help_panel="Your district's plan")
def remove(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="The id of an added activity.")],
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Remove an activity your district added (the guide's own cannot be removed)."""
    from cimsig import operations

    ws = workspace(guide, state, as_of, changing=True)
    activity = ws.change_target(activity_id)
    ws, changes = _done_by(
        operations.remove_activity(
            ws, activity_id, now=environment.now(), author=environment.user_name()
        )
    )
    report(ws, changes, json_out, lambda i, c: f"Removed {i} ({activity.title}) from your plan.")


def _done_by(result: "operations.Result") -> tuple[Workspace, dict[str, Change | None]]:
    """An operation's result, saying when it started a new progress file."""
    say_started(result.started_file, result.workspace)
    return result.workspace, result.changes
