"""Sharing the plan: export (ics, csv, md, json, html) and timeline."""

from pathlib import Path
from typing import Annotated

import typer

from cimsig import environment, views
from cimsig.app import (
    AsOfOption,
    CimsigGroup,
    GuideOption,
    StateOption,
    activity_rows,
    profile_json,
    say,
    user_date,
    whole_number,
    workspace,
)
from cimsig.errors import UsageError

commands = typer.Typer()

export_app = typer.Typer(
    cls=CimsigGroup,
    help="Write the plan as a calendar, a spreadsheet, a checklist, JSON or a web page.",
    no_args_is_help=True,
)
commands.add_typer(export_app, name="export", rich_help_panel="Sharing")

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
        say(f"Wrote {output}.", err=True)


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
    ws = workspace(guide, state, as_of)
    data, left_out = export.build_ics(
        ws.guide, ws.statuses, now=environment.now(), include_done=include_done, spans=spans,
        remind_days=remind_days, todo=todo, lea=ws.lea, owners=ws.state.owners,
    )  # fmt: skip
    _write(data, output)
    if left_out:
        say(f"{left_out} ongoing activities have no date and are not in the calendar.", err=True)


@export_app.command("csv")
def export_csv(
    output: OutputOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A spreadsheet (CSV, opens in Excel): one row per activity with its status."""
    from cimsig import export

    ws = workspace(guide, state, as_of)
    _write(export.build_csv(activity_rows(ws, ws.statuses)), output)


@export_app.command("md")
def export_md(
    output: OutputOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A printable checklist (Markdown) for a team meeting or a board report."""
    from cimsig import export

    ws = workspace(guide, state, as_of)
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

    ws = workspace(guide, state, as_of)
    rows = activity_rows(ws, ws.statuses)
    text = export.build_json(ws.guide, ws.statuses, ws.as_of, rows, profile_json(ws))
    _write(text.encode("utf-8"), output)


@export_app.command("html")
def export_html(
    output: OutputOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A report to open in a web browser, e-mail or print: progress, what is due, the checklist."""
    from cimsig import report_html

    ws = workspace(guide, state, as_of)
    _write(report_html.build_report(ws, environment.now()).encode("utf-8"), output)


@commands.command("timeline", rich_help_panel="Sharing")
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
        typer.Option(
            "--width",
            click_type=whole_number("--width", "characters", 100, 40, 10000),
            metavar="COLUMNS",
            help="Width in characters, at least 40 (default: the terminal's).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A Gantt chart of the plan: a bar per window, a diamond per deadline, a line at today."""
    from cimsig import timeline

    ws = workspace(guide, state, as_of)
    first, last = timeline.date_range(ws.statuses, ws.as_of)
    first = user_date(from_, "--from", ws.guide.time_zone, ws.as_of) if from_ else first
    last = user_date(to, "--to", ws.guide.time_zone, ws.as_of) if to else last
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}.")
    _, columns = views.timeline_width(width)
    chart = timeline.layout(
        ws.guide, ws.statuses, ws.as_of, columns=columns, first=first, last=last, by_step=by_step
    )
    picture = views.render_timeline(
        ws.guide, chart, ws.as_of, width=width, svg=str(svg) if svg else None, lea=ws.lea
    )
    if svg is not None and picture is not None:
        _write(picture.encode("utf-8"), svg)
