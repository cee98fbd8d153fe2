"""`cimsig guide list` and `cimsig guide new`: the guides cimsig knows, and a draft of the next
cohort's guide."""

from pathlib import Path
from typing import Annotated

import typer

from cimsig.cli.options import JsonOption, PlainCommand, whole_number
from cimsig.cli.output import say
from cimsig.errors import UsageError
from cimsig.render import jsonout
from cimsig.render.formatting import shell_quote

commands = typer.Typer()
guide_group = typer.Typer(
    help="The guides cimsig knows (`guide list`) and a draft of the next cohort's guide "
    "(`guide new`).",
    no_args_is_help=True,
)
commands.add_typer(guide_group, name="guide", rich_help_panel="The guide")


@guide_group.command("list", cls=PlainCommand)
def list_guides(json_out: JsonOption = False) -> None:
    """The guides cimsig knows: id, title, cohort, file, and the districts on each.

    Any of these ids works with --guide.
    """
    from cimsig.guide_catalog import known_guides

    guides = known_guides()
    if json_out:
        jsonout.print_json(
            [
                {
                    "id": g.id,
                    "title": g.title,
                    "cohort": g.cohort,
                    "path": str(g.path.absolute()),
                    "bundled": g.bundled,
                    "districts": list(g.districts),
                    "problem": g.problem,
                }
                for g in guides
            ]
        )
        return
    for g in guides:
        kind = "bundled with cimsig" if g.bundled else "kept copy"
        say(f"{g.id}  ({kind})")
        if g.problem is not None:
            say(f"  cannot be used: {g.problem}")
        if g.title:
            say(f"  {g.title}")
        if g.cohort:
            say(f"  Cohort: {g.cohort}")
        say(f"  File: {g.path.absolute()}")
        followers = ", ".join(g.districts) if g.districts else "none"
        say(f"  Districts: {followers}")
    say("Use one with --guide ID (for example: cimsig list --guide " + guides[-1].id + ").")


YearsType = whole_number("--years", "years", 1, 1, 50)


@guide_group.command("new", cls=PlainCommand)
def new_guide(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The new guide file to write (must not exist yet)."),
    ],
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="FILE|ID",
            help="The guide to start from: its id (`cimsig guide list`) or its file.",
        ),
    ],
    years: Annotated[
        int,
        typer.Option(
            "--years", metavar="N", parser=YearsType, help="Move every date N years later."
        ),
    ] = 1,
) -> None:
    """Write a draft of a new cohort's guide from an existing one.

    Activity ids are kept; every date and year moves N years later.

    A line a person must check gets a `# REVIEW:` line above it.

    `cimsig validate FILE` lists the marks still there.
    """
    from cimsig.guide import read_guide_text
    from cimsig.guide_catalog import guide_file
    from cimsig.guide_draft import draft_guide
    from cimsig.guide_reader import load_guide
    from cimsig.storage.fileio import atomic_write_text

    if file.exists() or file.is_symlink():
        raise UsageError(f"{file} already exists; give the new guide a file name of its own.")
    if not file.parent.is_dir():
        raise UsageError(f"There is no folder {file.parent} to write {file.name} in.")
    origin = guide_file(Path(source))
    loaded = load_guide(origin)
    draft = draft_guide(read_guide_text(origin), years, loaded.id)
    try:
        atomic_write_text(file, draft.text)
    except OSError as exc:
        from cimsig.errors import StateError

        raise StateError(f"{file} could not be written: {exc.strerror or exc}.") from None
    say(
        f"Wrote {file}: a draft from '{loaded.id}' with {draft.moved} dates and years moved "
        f"{years} year{'s' if years != 1 else ''} later, {draft.marks} line"
        f"{'s' if draft.marks != 1 else ''} marked for review."
    )
    say(
        "Next: open it in a text editor, check each line under a `# REVIEW:` mark against the "
        "new cohort's schedule, delete the mark, and run: cimsig validate "
        f"{shell_quote(str(file))}"
    )
