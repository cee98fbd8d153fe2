"""The one error handler and the ending of every run: a CimsigError becomes a plain message on
stderr and its exit code; click's usage errors one plain line and exit 2; Ctrl-C exit 130; a
reader that went away exit 0; anything else a bug, exit 4. Also the hints that quote the
command line back (a date cut in two, a text starting with a dash)."""

import datetime as dt
import errno
import io
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from cimsig.errors import EXIT_BUG, CimsigError

if TYPE_CHECKING:
    pass
from cimsig.cli.output import say

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

    from cimsig.render.formatting import shell_quote

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
