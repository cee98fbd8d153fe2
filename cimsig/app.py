"""The options and helpers the commands share, and the one error handler.

A command parses its options, calls the domain and hands the result to a renderer; the commands
themselves are in `cimsig.commands`, loaded by `cimsig.cli` only when run. Every error a user can
cause is a CimsigError; one handler (CimsigGroup.invoke) prints it on stderr and exits with its
code.
"""

import datetime as dt
import errno
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from cimsig import environment, jsonout
from cimsig.errors import EXIT_BUG, CimsigError, StateError, UsageError
from cimsig.records import Change
from cimsig.schedule import ActivityStatus
from cimsig.store import StateFile
from cimsig.workspace import Workspace, check_belongs

if TYPE_CHECKING:
    from cimsig.guide import Guide

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 `status --check` found overdue work; 2 bad command-line input "
    "(unknown or ambiguous id, bad date); 3 a problem with the guide or the progress file; "
    "4 cimsig itself failed (a bug: run again with CIMSIG_DEBUG=1 and report what it prints); "
    "130 stopped with Ctrl-C. A reader that stops early (`cimsig status | more`) changes "
    "nothing: the command goes on (a change is saved) and ends as it would have."
)


class CimsigGroup(TyperGroup):
    """The one error handler: a CimsigError becomes a message on stderr and its exit code; any
    other exception is a bug of cimsig's, exit 4, with the traceback only under CIMSIG_DEBUG=1
    (exit 1 is `status --check` finding overdue work, which a crash must never look like)."""

    def main(
        self,
        args: "Sequence[str] | None" = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run, ending the way every cimsig message does: a usage error (an unknown option, an
        extra argument, a bad choice, a command that does not exist) is one plain line on
        stderr and exit 2, not a boxed panel; Ctrl-C (at a question or anywhere) is exit 130
        and says so; a reader that went away (`cimsig list | head -3`) is exit 0, quietly."""
        import sys

        ARGV[:] = list(args) if args is not None else sys.argv[1:]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        keep_going_after_reader_left()
        stdout_before = _stdout_identity()
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as exc:  # click's errors: usage, bad option, bad value ...
            if exc.format_message().strip():
                typer.echo(usage_error_line(exc, ARGV), err=True)
            # (no message: `cimsig` alone, which has shown the help)
            sys.exit(exc.exit_code)
        except typer.Abort:  # Ctrl-C or the end of input at a question
            typer.echo("\nStopped: nothing was changed.", err=True)
            sys.exit(EXIT_STOPPED)
        except SystemExit as exc:
            # Rich ends a write to a closed pipe with exit 1 (after pointing stdout at nothing):
            # the reader going away is not overdue work.
            if exc.code == 1 and _stdout_identity() != stdout_before and _stdout_is_null():
                sys.exit(0)
            raise
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        from typer.exceptions import TyperException  # click's errors (usage, bad option ...)

        try:
            return super().invoke(ctx)
        except CimsigError as exc:
            say(f"Error: {exc}", err=True, indent=2)
            raise typer.Exit(exc.exit_code) from None
        except (TyperException, typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`cimsig list | more`, quit early): not an error of ours.
            silence_stdout()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            # A change is written whole or not at all (the store's atomic write).
            typer.echo(
                "\nStopped. A change is saved whole or not at all: if it was not finished, "
                "nothing was changed (`cimsig history` shows the last change).",
                err=True,
            )
            raise typer.Exit(EXIT_STOPPED) from None
        except Exception as exc:
            if os.environ.get("CIMSIG_DEBUG"):
                raise
            typer.echo(
                f"Error: cimsig failed unexpectedly ({type(exc).__name__}: {exc}). This is a "
                "bug in cimsig, not in your files; nothing was half-written. Run the same "
                "command with CIMSIG_DEBUG=1 set to see the details, and report them.",
                err=True,
            )
            raise typer.Exit(EXIT_BUG) from None


# The words of this run's command line, as typed (for a hint that quotes them back).
ARGV: list[str] = []


def words_after(option: str) -> list[str] | None:
    """The words typed after `option` on the command line, up to the next option; None when
    the option was not typed."""
    for index, word in enumerate(ARGV):
        if word == option:
            rest = ARGV[index + 1 :]
            end = next((i for i, w in enumerate(rest) if w.startswith("-")), len(rest))
            return rest[:end]
        if word.startswith(option + "="):
            return [word.split("=", 1)[1]]
    return None


EXIT_STOPPED = 130  # Ctrl-C: what shells report for a program stopped by it


def _stdout_identity() -> tuple[int, int] | None:
    try:
        info = os.fstat(1)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _stdout_is_null() -> bool:
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return _stdout_identity() == (null.st_dev, null.st_ino)


def usage_error_line(exc: Exception, argv: list[str] | None = None) -> str:
    """A usage error of click's as one plain line: what is wrong, and where the help is."""
    import re

    message = " ".join(str(getattr(exc, "format_message", lambda: str(exc))()).split())
    # "Invalid value for '--days': --days needs a whole number ..." says --days once.
    message = re.sub(r"^Invalid value for '([^']+)': (?=\1 )", "", message)
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None)
    if not path:
        words = [w for w in (argv or []) if not w.startswith("-")][:1]
        path = " ".join(["cimsig", *(w.lower() for w in words)])
    option = getattr(exc, "option_name", None)
    if isinstance(option, str) and message.startswith("No such option"):
        hint = _dash_text_hint(option, argv or [])
        if hint is not None:
            return hint
    if isinstance(option, str) and (option.strip() == "-" or " " in option):
        return (
            "Error: text that starts with a dash (a note, a title) is taken for an option. "
            f'Put it in quotes after --, as in: {path} ID -- "- waiting on fiscal"'
        )
    if not message.endswith((".", "?", "!")):
        message += "."
    if "unexpected extra argument" in message.lower():
        cut = cut_date_hint(argv or [])
        if cut is not None:
            return f"Error: {cut}"
        message += " If these words belong together (a note, a title, a name), put them in quotes."
    return f"Error: {message} (`{path} --help` shows what it takes.)"


def _dash_text_hint(option: str, argv: list[str]) -> str | None:
    """For "No such option: -2" when the word typed is text that starts with a dash (an owner
    `-2+3`, a district `-Minus USD`): the command again, with `--` before that text, so that it
    is read as words. None for what looks like a mistyped option (`--ownr`)."""
    import re

    from cimsig.formatting import shell_quote

    short = not option.startswith("--")
    at = next(
        (n for n, w in enumerate(argv) if w == option or (short and w.startswith(option))), None
    )
    if at is None:
        return None
    word = argv[at]
    if re.fullmatch(r"--[A-Za-z][\w-]*(=.*)?", word):
        return None  # a long option mistyped: click's message (with its suggestions) says it
    rest = argv[at:]
    more = next((n for n, w in enumerate(rest) if n and w.startswith("-")), len(rest))
    # Options typed after the text keep working before the `--`; the text goes after it.
    words = [*argv[:at], *rest[more:], "--", *rest[:more]]
    command = " ".join(["cimsig", *(shell_quote(w, bare=True) for w in words)])
    lead = (
        f"Error: {option} is not an option of this command. If {shell_quote(word, bare=True)} "
        "is text (a note, a title, a name)"
        if re.fullmatch(r"-[A-Za-z]", word)
        else f"Error: {shell_quote(word, bare=True)} starts with a dash, so it is taken for an "
        "option. If it is text (a note, a title, a name)"
    )
    return f"{lead}, put it after --: {command}"


class _ReaderMayLeave(io.RawIOBase):
    """Standard output into a pipe whose reader may go away (`cimsig done ... | head -3`):
    once it has, whatever is written is dropped (stdout then points at nothing) and the
    command carries on, so a change is saved (or refused) whatever became of its reader."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.reader_left = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        size = len(memoryview(data).cast("B"))
        if self.reader_left:
            return size
        try:
            return os.write(self._fd, data)
        except OSError as exc:
            # (Windows reports a pipe whose reader left as EINVAL)
            if not isinstance(exc, BrokenPipeError) and exc.errno != errno.EINVAL:
                raise
            self.reader_left = True
            silence_stdout()
            return size


def keep_going_after_reader_left() -> None:
    """When standard output is a pipe or a file (not a terminal, not a test's capture), write
    to it through `_ReaderMayLeave`, with the same encoding."""
    import sys

    if sys.stdout is not sys.__stdout__:
        return
    stream = sys.stdout
    if stream is None:
        return
    try:
        fd = stream.fileno()
        if os.isatty(fd):
            return
        stream.flush()
    except (OSError, ValueError, AttributeError):
        return
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_ReaderMayLeave(fd)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
    )


DATE_OPTIONS = ("--due", "--start", "--on", "--as-of", "--through")


def cut_date_hint(argv: list[str]) -> str | None:
    """A date typed without quotes (`--due June 14, 2024`): the option got only its first word
    and the rest were extra arguments. What to say (the date in quotes, and as 2024-06-14), or
    None when no date option was cut so."""
    import re

    from cimsig.dates import parse_user_date
    from cimsig.errors import BadDateError

    for index, word in enumerate(argv[:-2]):
        if word not in DATE_OPTIONS:
            continue
        value, rest = argv[index + 1], []
        for more in argv[index + 2 :]:
            if not re.fullmatch(r"\d{1,4},?", more.strip()):
                break
            rest.append(more)
        if not rest:
            continue
        whole = " ".join([value, *rest])
        try:
            iso = f", or as {parse_user_date(whole, dt.date(2024, 1, 1), option=word)}"
        except BadDateError:
            iso = ""
        return (
            f"{word} got only '{value}': a date with spaces must be in quotes, or the words "
            f'after the first space ("{" ".join(rest)}") are taken for other words of the '
            f'command. Type it as {word} "{whole}"{iso}. Nothing was changed.'
        )
    return None


def silence_stdout() -> None:
    """Point standard output at nothing, so that Python's last flush of a closed pipe is quiet."""
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# -- options shared by the commands -------------------------------------------------------------


def _guide_by_id(value: Path | None) -> Path | None:
    """`--guide` takes a guide's id (`cimsig guide list`) as well as a file."""
    if value is None:
        return None
    from cimsig.guide_catalog import guide_file

    return guide_file(value)


GuideOption = Annotated[
    Path | None,
    typer.Option(
        "--guide",
        envvar="CIMSIG_GUIDE",
        show_default=False,
        metavar="FILE|ID",
        callback=_guide_by_id,
        help="Guide file, or a guide's id (`cimsig guide list`), to use instead of the bundled "
        "guide (or set CIMSIG_GUIDE).",
    ),
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        envvar="CIMSIG_STATE",
        show_default=False,
        metavar="FILE",
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


def user_date(
    text: str | None, option: str, zone: str, as_of: "dt.date | None" = None
) -> "dt.date":
    """A date typed by the user; None is the as-of date (default: today in the guide's time
    zone), which is also what today, yesterday and tomorrow count from."""
    if text is None:
        return as_of if as_of is not None else environment.today_in(zone)
    from cimsig.dates import parse_user_date

    anchor = as_of if as_of is not None else (lambda: environment.today_in(zone))
    return parse_user_date(text, anchor, option=option)


def check_not_after_today(day: "dt.date", option: str, zone: str) -> None:
    """A day a change is dated (a done date, a note's date) cannot be later than today: cimsig
    records what has happened. Only the command line reads the clock (exit 2 otherwise)."""
    from cimsig.formatting import fmt_date

    today = environment.today_in(zone)
    if day > today:
        raise UsageError(
            f"{option} {fmt_date(day)} is after today ({fmt_date(today)}): cimsig records work "
            "that is done and notes that are written, not ahead of time. Nothing was changed."
        )


# -- which district, which guide, which progress file ------------------------------------------

DISTRICT_META = "cimsig.district"  # where the --district option leaves its value (ctx.meta)


def selected_district() -> str | None:
    """The district named with --district or CIMSIG_DISTRICT, if any."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    value = ctx.meta.get(DISTRICT_META) if ctx is not None else None
    return value or None


def _district_source() -> str:
    """How the district was named: `--district` or `CIMSIG_DISTRICT`."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    found = ctx.meta.get(DISTRICT_META + ".source") if ctx is not None else None
    return str(found or "--district")


class Location:
    """The guide and the progress file a command works on, and how they were chosen.

    (A plain class: made once per run, it is not worth a dataclass's cost at start-up.)
    """

    __slots__ = ("district", "guide", "source", "state")

    def __init__(
        self, guide: "Guide", state: Path, source: str, district: str | None = None
    ) -> None:
        self.guide = guide
        self.state = state
        self.source = source  # "default", "--state", "CIMSIG_STATE" or "district"
        self.district = district

    @property
    def named(self) -> bool:
        return self.source != "default"


def locate(
    guide: Path | None,
    state: Path | None,
    *,
    changing: bool = False,
    ask: bool = True,
    district: str | None = None,
) -> Location:
    """The guide and progress file of this run: a district's (--district), a named file
    (--state), or the default file for the guide. With districts added and none chosen, a
    change must say which district; a look may use the default file when there is one (`ask`
    False: never ask, for `where`)."""
    from cimsig import loading

    cache = environment.cache_dir()
    root = environment.districts_dir()
    typed = district or selected_district()
    if typed:
        from cimsig import districts

        if state is not None:
            raise UsageError(
                f"{_district_source()} and {_state_source(state)} both name a progress file: "
                "use one of them."
            )
        try:
            name = districts.find(root, typed)
        except UsageError:
            # The district of the default progress file, named as any other: that file.
            own = default_file_district(guide)
            if own is not None and districts.names_match(typed, own[1]):
                return Location(loading.load_guide(guide, cache), own[0], "default")
            raise
        guide_id = loading.load_guide(guide, cache).id if guide is not None else None
        cohort = districts.cohort_of(root, name, guide_id)
        if guide is None:
            guide = cohort_guide_path(cohort.guide_id)
        return Location(loading.load_guide(guide, cache), cohort.path, "district", name)
    loaded = loading.load_guide(guide, cache)
    if state is not None:
        return Location(_guide_of(state, guide, loaded), state, _state_source(state))
    path = environment.default_state_path(loaded.id, bundled=guide is None)
    if guide is None and not path.exists():
        path = _only_kept_guides_progress(path)
    loaded = _guide_of(path, guide, loaded)
    if ask and (changing or not path.exists()) and root.is_dir():
        from cimsig import districts

        known = districts.names(root)
        if known:
            own = default_file_district(guide)
            also = (
                f" The default progress file ({own[0]}) holds {own[1]}'s plan: "
                f'--district "{own[1]}" uses it.'
                if own is not None
                else ""
            )
            raise UsageError(
                "Which district? Add --district NAME (or set CIMSIG_DISTRICT). Districts: "
                f"{', '.join(known)}.{also}"
            )
    return Location(loaded, path, "default")


def default_file_district(guide: Path | None) -> tuple[Path, str] | None:
    """The default progress file for the guide, and the district named in its profile, when
    it has one (None when there is no such file, or it names no district, or cannot be read)."""
    from cimsig import loading

    cache = environment.cache_dir()
    try:
        loaded = loading.load_guide(guide, cache)
        path = environment.default_state_path(loaded.id, bundled=guide is None)
        if not path.is_file():
            return None
        profile = loading.load_state(StateFile(path), cache).profile
    except CimsigError:
        return None
    lea = profile.lea if profile is not None else None
    return (path, lea) if lea else None


def shared_plan_warning(guide: Path | None = None) -> str | None:
    """When the default progress file holds the plan of a district that also has a folder of
    its own: two plans of one district, which drift apart. What to say, or None."""
    from cimsig import districts

    own = default_file_district(guide)
    if own is None:
        return None
    folder = districts.folder_name(own[1])
    if folder not in districts.names(environment.districts_dir()):
        return None
    return (
        f"two plans share the name {own[1]}: the default progress file ({own[0]}) and the "
        f"district {folder}. Work done in one is not in the other: keep one (`cimsig merge` "
        "brings the other's records in), and move or remove the other."
    )


def _guide_of(state: Path, guide: Path | None, loaded: "Guide") -> "Guide":
    """Without --guide, the guide a progress file names, when cimsig keeps a copy of it
    (`cimsig init --guide FILE` keeps one); else `loaded` (the bundled guide, or --guide's)."""
    if guide is not None or not state.is_file():  # (a FIFO is never opened: it would block)
        return loaded
    named = environment.progress_guide_id(state)
    kept = cohort_guide_path(named) if named and named != loaded.id else None
    if kept is None:
        return loaded
    from cimsig import loading

    return loading.load_guide(kept, environment.cache_dir())


def _only_kept_guides_progress(default: Path) -> Path:
    """With no `state.yaml` yet: the default progress file of a kept guide (`cimsig init
    --guide FILE` starts `state-<guide id>.yaml`), when there is exactly one; else `default`."""
    kept = environment.guides_dir()
    found = [
        own
        for guide_file in (sorted(kept.glob("*.yaml")) if kept.is_dir() else [])
        if (own := environment.default_state_path(guide_file.stem, bundled=False)).is_file()
        and own != default
    ]
    return found[0] if len(found) == 1 else default


def _check_guide_of(progress: Any, loaded: "Guide", path: Path, guide: Path | None) -> None:
    """A progress file on another guide than the one in use: say exactly what to type."""
    named = progress.guide
    if named is None or named == loaded.id:
        return
    if cohort_guide_path(named) is not None:
        fix = (
            f"leave out --guide (or type --guide {named}) to use it, or add --state with the "
            f"progress file of the guide '{loaded.id}'"
        )
    else:
        fix = (
            f"cimsig keeps no copy of the guide '{named}', so add --guide FILE, FILE being that "
            "guide's file. To have cimsig keep a copy, so that --guide is no longer needed, run "
            f'once: cimsig init --guide FILE --state "{path}"'
        )
    raise StateError(
        f"The progress file {path} records progress on the guide '{named}', but the guide in "
        f"use is '{loaded.id}': {fix}."
    )


def cohort_guide_path(guide_id: str) -> Path | None:
    """The guide file of a district's cohort: the copy kept in the guides folder, or None for
    the bundled guide."""
    kept = environment.guides_dir() / f"{environment.safe_file_name(guide_id)}.yaml"
    return kept if kept.is_file() else None


def say_not_plain_cohorts() -> None:
    """A word about each district left out because its progress file is no plain file (a FIFO
    would hang a read, so it is never opened), as about one that cannot be read."""
    from cimsig import districts, loading

    root = environment.districts_dir()
    if not root.is_dir():
        return
    try:
        ids = {loading.load_guide(None, environment.cache_dir()).id}
    except CimsigError:
        ids = set()
    guides = environment.guides_dir()
    if guides.is_dir():
        ids |= {p.stem for p in guides.glob("*.yaml") if not p.name.startswith(".")}
    for district, path in districts.not_plain_cohorts(root, ids):
        say(f"Note: district {district} left out: {path} is not a plain file (a FIFO, a device "
            "or a folder), so cimsig does not open it. Put the district's progress file back "
            "there.", err=True)  # fmt: skip


def district_workspaces(as_of: str | None) -> "list[Workspace]":
    """A workspace for every district's every cohort, as of a date (each in its guide's time
    zone), for the views of all districts at once."""
    from cimsig import districts, loading

    cache = environment.cache_dir()
    guides: dict[str, Guide] = {}
    result = []
    for cohort in districts.cohorts(environment.districts_dir()):
        try:
            if cohort.guide_id not in guides:
                path = cohort_guide_path(cohort.guide_id)
                guides[cohort.guide_id] = loading.load_guide(path, cache)
            guide = guides[cohort.guide_id]
            day = user_date(as_of, "--as-of", guide.time_zone)
            state_file = StateFile(cohort.path)
            state = loading.load_state(state_file, cache)
            if state.guide not in (None, cohort.guide_id):
                raise StateError(
                    f"{cohort.path} holds progress on the guide '{state.guide}', not the guide "
                    "its name says; move it out of the districts folder"
                )
            check_belongs(state, guide, cohort.path)
            ws = Workspace(guide, state_file, state.as_it_stood(day, guide.time_zone), day)
            ws.statuses  # noqa: B018 -- a file that fails, fails here, not in the middle of a view
        except UsageError:
            raise
        except CimsigError as exc:
            # One district's file that cannot be read does not hide the others.
            say(f"Note: district {cohort.district} left out: {exc}", err=True)
            continue
        ws.named_file, ws.district = True, cohort.district
        result.append(ws)
    say_not_plain_cohorts()
    return result


def _state_source(state: Path) -> str:
    env = os.environ.get("CIMSIG_STATE")
    return "CIMSIG_STATE" if env and Path(env) == state else "--state"


def workspace(
    guide: Path | None,
    state: Path | None,
    as_of: str | None,
    *,
    changing: bool = False,
    archiving: bool = False,
    district: str | None = None,
) -> Workspace:
    """The guide and the progress file as they stood on the as-of date (default: today).

    A progress file named with --state or CIMSIG_STATE that does not exist is a typo until
    `cimsig init` starts it: reading says so (and shows the guide); a command `changing` it
    refuses (`operations.commit`), or `init` starts it, so neither prints the note.
    `archiving` reads a progress file past the size limit (`cimsig history --archive`, which
    brings it back under).
    """
    from cimsig import loading

    where = locate(guide, state, changing=changing, district=district)
    loaded = where.guide
    as_of_date = user_date(as_of, "--as-of", loaded.time_zone)
    state_file = StateFile(where.state, environment.lock_timeout(), archiving=archiving)
    progress = loading.load_state(state_file, environment.cache_dir(), for_change=changing)
    if where.district is None:
        _check_guide_of(progress, loaded, state_file.path, guide)
    check_belongs(progress, loaded, state_file.path)
    ws = Workspace(
        loaded, state_file, progress.as_it_stood(as_of_date, loaded.time_zone), as_of_date
    )
    ws.named_file, ws.district = where.named, where.district
    missing = not state_file.exists() and not state_file.path.is_symlink()
    if ws.named_file and missing and not changing:
        typer.echo(f"Note: {_no_file(state_file.path)}", err=True)
    return ws


def _no_file(path: Path) -> str:
    from cimsig.operations import no_file_words

    return no_file_words(path)


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
    from cimsig.formatting import terminal_safe

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


def reach(where: "Location | Workspace") -> str:
    """The options that reach this progress file from any window, for the commands a message
    shows: `--district NAME` (with `--guide` when it follows several guides), else
    `--state "PATH"` (with `--guide` for a guide not bundled). A hint without them would act on
    whatever file a bare command finds: another one, or a new one in the settings folder."""
    from cimsig.formatting import shell_quote
    from cimsig.guide import bundled_guide_path

    if isinstance(where, Location):
        district, path, guide = where.district, where.state, where.guide
    else:
        district, path, guide = where.district, where.state_file.path, where.guide
    guide_path = guide.path
    bundled = guide_path is None or _same_file(guide_path, bundled_guide_path())
    if district is not None:
        from cimsig import districts

        root = environment.districts_dir()
        if sum(c.district == district for c in districts.cohorts(root)) > 1:
            chosen = (cohort_guide_path(guide.id) or bundled_guide_path()).absolute()
            named = shell_quote(district, bare=True)
            return f"--district {named} --guide {shell_quote(str(chosen))}"
        return f"--district {shell_quote(district, bare=True)}"
    guide_at = "" if bundled else shell_quote(str(Path(str(guide_path)).absolute()))
    guide_words = f" --guide {guide_at}" if guide_at else ""
    return f"--state {shell_quote(str(Path(path).absolute()))}{guide_words}"


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


def say_unfinished_git_merge(path: Path, *, err: bool = False) -> None:
    """A word when git stopped merging the progress file (its index keeps both sides): the
    file then holds this side's version only, and nothing else would say so."""
    from cimsig import git_merge

    if git_merge.unfinished(path):
        say(f"Note: {git_merge.describe_unfinished(path.absolute())}", err=err)


def say_file_notes(ws: Workspace) -> None:
    """A word on stderr about each copy a sync service left beside the progress file, and
    about a damaged line in its history (which only the commands that read all of it refuse)."""
    from cimsig import sync_copies

    found = sync_copies.scan(ws.state_file, ws.state, environment.cache_dir())
    for copy in found.copies:
        say(f"Note: {sync_copies.describe(copy, reach(ws))}", err=True)
    if found.unread:
        say(f"Note: {sync_copies.describe_unread(found.unread, reach(ws))}", err=True)
    say_unfinished_git_merge(ws.state_file.path, err=True)
    problem = ws.state.history_problem()
    if problem is not None:
        say(
            f"Note: the history in the progress file {ws.state_file.path} is damaged "
            f"({problem}). What is done and planned is shown as the file records it, and "
            "marking work done still works; `cimsig undo`, `cimsig history` and `cimsig merge` "
            "refuse the file until that line is fixed. `cimsig doctor` checks the whole file.",
            err=True,
        )


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


# -- help in plain words ---------------------------------------------------------------------


def whole_number(option: str, unit: str, example: int, low: int, high: int) -> Any:
    """A click type for a whole number that says what is wrong in words ("--days needs a whole
    number of days, such as 14"), not "'two' is not a valid integer range"."""
    from typer._click.types import ParamType

    of_unit, in_unit = (f" of {unit}", f" {unit}") if unit else ("", "")  # (--port: "")

    class WholeNumber(ParamType):
        name = unit or "number"

        def get_metavar(self, param: Any, ctx: Any = None) -> str | None:
            return None

        def convert(self, value: Any, param: Any, ctx: Any) -> int:
            import re

            if isinstance(value, int):
                number = value
            else:
                text = str(value).strip()
                if not re.fullmatch(r"[-+]?\d+", text):
                    self.fail(
                        f"{option} needs a whole number{of_unit}, such as {example} (not '{text}')."
                    )
                number = int(text)
            if not low <= number <= high:
                self.fail(f"{option} must be from {low} to {high}{in_unit}, not {number}.")
            return number

    return WholeNumber()


def plain_help() -> None:
    """Help screens in plain words: `ID` where Typer writes `{ID}` and `ID  <str>`.

    Typer marks a required argument with braces in the usage line and shows each argument's
    type; neither means anything to the people cimsig is for. Applied once, by cimsig.cli.
    """
    from typer.core import TyperArgument

    if getattr(TyperArgument, "_cimsig_plain", False):
        return
    make_metavar = TyperArgument.make_metavar

    def plain_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
        text: str = make_metavar(self, ctx, usage=usage)
        return text[1:-1] if text.startswith("{") and text.endswith("}") else text

    TyperArgument.make_metavar = plain_metavar  # type: ignore[method-assign]

    # An argument's type (`<str>`, `<file>`) is shown when its type has no metavar of its own:
    # give arguments an empty one (their name, like ID, already says what to type).
    from typer._click.types import ParamType

    type_metavar = ParamType.get_metavar

    def no_type_for_arguments(self: Any, param: Any, ctx: Any = None) -> str | None:
        if isinstance(param, TyperArgument):
            return ""
        return type_metavar(self, param, ctx)

    ParamType.get_metavar = no_type_for_arguments  # type: ignore[method-assign]
    TyperArgument._cimsig_plain = True  # type: ignore[attr-defined]
