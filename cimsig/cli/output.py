"""What the commands print: words wrapped to the terminal, the rows of `--json`, the words for
a change, a profile and an unfinished git merge."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from cimsig.records import Change
from cimsig.render import jsonout
from cimsig.schedule import ActivityStatus
from cimsig.workspace import Workspace

# -- helpers of the commands ---------------------------------------------------------------------


def activity_rows(ws: Workspace, items: list[ActivityStatus]) -> list[dict[str, Any]]:
    return [jsonout.activity_json(ws.guide, i, ws.details(i.activity.id)) for i in items]


def say_started(started: bool, ws: Workspace) -> None:
    """The first change to the default progress file creates it, and says so."""
    if started:
        typer.echo(f"Started a new progress file: {ws.state_file.path}", err=True)


def report(
    ws: Workspace,
    changes: dict[str, Change | None],
    json_out: bool,
    message: Callable[[str, Change | None], str],
) -> None:
    label = ws.district_label
    if json_out:
        known = {a.id for a in ws.activities}
        rows = [
            {**activity_rows(ws, [ws.status(i)])[0], "changed": c is not None}
            if i in known
            else {"id": i, "changed": c is not None, "removed": True}
            for i, c in changes.items()
        ]
        if label is not None:
            rows = [{**row, "district": label} for row in rows]
        jsonout.print_json(rows)
        return
    # Whose plan changed: a coordinator may keep several districts' progress files.
    name = label if label is not None else ws.lea
    whose = f"{name}: " if name else ""
    for activity_id, change in changes.items():
        say(whose + message(activity_id, change), indent=2)


def say(text: str, *, err: bool = False, indent: int | None = None) -> None:
    """A message for the user; text from users and files in it is shown harmlessly.

    With `indent`, a message to a terminal is wrapped at spaces to the window, its continuation
    lines indented by that much (the terminal would cut words in the middle: "Pre-Wo / rk");
    to a file or a pipe it stays on one line, for scripts."""
    from cimsig.render.formatting import terminal_safe

    text = terminal_safe(text)
    if indent is not None:
        text = wrap_for_terminal(text, indent, err=err)
    typer.echo(text, err=err)


def wrap_for_terminal(text: str, indent: int, *, err: bool = False) -> str:
    """`text` wrapped at spaces to the terminal's width (continuation lines indented), when the
    stream it goes to is a terminal; as it is otherwise."""
    import shutil
    import sys
    import textwrap

    stream = sys.stderr if err else sys.stdout
    try:
        if not stream.isatty():
            return text
    except (AttributeError, ValueError):
        return text
    width = max(20, shutil.get_terminal_size().columns - 1)
    lines = []
    for paragraph in text.split("\n"):
        lead = len(paragraph) - len(paragraph.lstrip(" "))
        wrapped = textwrap.wrap(
            paragraph, width, subsequent_indent=" " * (lead + indent),
            break_long_words=False, break_on_hyphens=False,
        )  # fmt: skip
        lines.extend(wrapped or [""])
    return "\n".join(lines)


def say_unfinished_git_merge(path: Path, *, err: bool = False) -> None:
    """A word when git stopped merging the progress file (its index keeps both sides): the
    file then holds this side's version only, and nothing else would say so."""
    from cimsig.storage import git_merge

    if git_merge.unfinished(path):
        say(f"Note: {git_merge.describe_unfinished(path.absolute())}", err=err)


def title_of(ws: Workspace, activity_id: str) -> str:
    return next((a.title for a in ws.activities if a.id == activity_id), "")


TRACK_WORDS = {
    "new": "newly identified",
    "continuing": "continuing significant disproportionality",
}


def profile_words(ws: Workspace) -> str:
    profile = ws.state.profile
    if profile is None:
        return "none"
    track = TRACK_WORDS.get(profile.track or "", "track not set")
    return f"{profile.lea or 'district name not set'} ({track})"


def profile_json(ws: Workspace) -> dict[str, Any] | None:
    profile = ws.state.profile
    return None if profile is None else {"lea": profile.lea, "track": profile.track}
