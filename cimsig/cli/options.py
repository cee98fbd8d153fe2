"""The options the commands share, declared once with `Annotated` (--guide, --state,
--district, --as-of, --json, --owner), the parsing of dates and whole numbers typed on the
command line, and `PlainCommand`, the commands' class: help in plain words."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from cimsig import environment
from cimsig.errors import UsageError

if TYPE_CHECKING:
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
DistrictOption = Annotated[
    str | None,
    typer.Option(
        "--district",
        envvar="CIMSIG_DISTRICT",
        show_envvar=False,
        show_default=False,
        metavar="NAME",
        help="The district to work on (see `cimsig district list`; or set CIMSIG_DISTRICT).",
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
    from cimsig.render.formatting import fmt_date

    today = environment.today_in(zone)
    if day > today:
        raise UsageError(
            f"{option} {fmt_date(day)} is after today ({fmt_date(today)}): cimsig records work "
            "that is done and notes that are written, not ahead of time. Nothing was changed."
        )


# -- help in plain words ---------------------------------------------------------------------


def whole_number(
    option: str, unit: str, example: int, low: int, high: int
) -> "Callable[[Any], int]":
    """A parser (Typer's `parser=`) for a whole number that says what is wrong in words
    ("--days needs a whole number of days, such as 14"), not "'two' is not a valid integer
    range". Its name is the unit: the help shows it as the option's value (`--days DAYS`)."""

    of_unit, in_unit = (f" of {unit}", f" {unit}") if unit else ("", "")  # (--port: "")

    def parse(value: Any) -> int:
        import re

        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[-+]?\d+", text):
                raise typer.BadParameter(
                    f"{option} needs a whole number{of_unit}, such as {example} (not '{text}')."
                )
            number = int(text)
        if not low <= number <= high:
            raise typer.BadParameter(
                f"{option} must be from {low} to {high}{in_unit}, not {number}."
            )
        return number

    parse.__name__ = unit or "number"
    return parse


class PlainCommand(TyperCommand):
    """A command whose help is in plain words: `ID` where Typer writes `{ID}` in the usage
    line, and no `<str>` or `<path>` beside an argument (its name, like ID, already says what
    to type). Neither means anything to the people cimsig is for. The lazy group gives every
    command this class (click's documented `cls`), so no class of Typer's is changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_arguments(self.params)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [
            piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
            for piece in super().collect_usage_pieces(ctx)
        ]


def plain_arguments(params: "list[Any]") -> None:
    """Arguments without a type beside them in the help: each gets its own copy of its type
    that shows no name (the types themselves are shared by every command, so they stay as
    they are)."""
    import copy

    for param in params:
        if isinstance(param, TyperArgument):
            untyped = copy.copy(param.type)
            untyped.get_metavar = _no_metavar  # type: ignore[method-assign]  # this copy only
            param.type = untyped


def _no_metavar(param: Any = None, ctx: Any = None) -> str:
    return ""
