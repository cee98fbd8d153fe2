"""Sharing the plan: export (ics, csv, md, json, html) and timeline."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

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
from cimsig.workspace import Workspace

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


AllDistrictsOption = Annotated[
    bool,
    typer.Option("--all-districts", help="One file for every district you follow, written to "
                 "--folder (file names: DISTRICT-GUIDE.EXT)."),
]  # fmt: skip
FolderOption = Annotated[
    Path | None,
    typer.Option("--folder", file_okay=False, metavar="FOLDER", show_default=False,
                 help="With --all-districts: where to write the files (default: here)."),
]  # fmt: skip


def _each_district(
    extension: str,
    build: "Callable[[Workspace], bytes]",
    folder: Path | None,
    output: Path | None,
    as_of: str | None,
) -> None:
    """Write one export per district and cohort into `folder`."""
    from cimsig import export
    from cimsig.app import district_workspaces
    from cimsig.environment import safe_file_name

    if output is not None:
        raise UsageError("--all-districts writes one file per district: use --folder, not -o.")
    from cimsig.app import selected_district

    if selected_district() is not None:
        raise UsageError("--all-districts is every district: leave out --district.")
    spaces = district_workspaces(as_of)
    if not spaces:
        raise UsageError("There are no districts yet: add one with `cimsig district add NAME`.")
    folder = folder if folder is not None else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    for ws in spaces:
        name = f"{ws.district}-{safe_file_name(ws.guide.id)}.{extension}"
        export.write_output(build(ws), folder / name)
    say(f"Wrote {len(spaces)} files to {folder.absolute()}: one per district.", err=True)


def _export(
    extension: str,
    build: "Callable[[Workspace], bytes]",
    all_districts: bool,
    folder: Path | None,
    output: Path | None,
    as_of: str | None,
    guide: Path | None,
    state: Path | None,
    *,
    text: bool = False,
) -> None:
    """One export of the district in use, or (--all-districts) one for every district."""
    if folder is not None and not all_districts:
        raise UsageError("--folder goes with --all-districts; for one file, use -o FILE.")
    if all_districts:
        _each_district(extension, build, folder, output, as_of)
        return
    _write(build(workspace(guide, state, as_of)), output, text=text)


def _csv_rows(ws: "Workspace") -> list[dict[str, Any]]:
    return [{**row, "district": ws.lea} for row in activity_rows(ws, ws.statuses)]


def _write(data: bytes, output: Path | None, *, text: bool = False) -> None:
    """An export to the screen, or to a file in one step (and a word on stderr that it did)."""
    from cimsig import export

    export.write_output(data, output, text=text)
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
    no_prefix: Annotated[
        bool, typer.Option("--no-district-prefix",
                           help="Leave the district's name out of the event titles."),
    ] = False,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """A calendar file for Outlook, Google Calendar or Apple Calendar: one event per deadline."""
    from cimsig import export

    remind_days = export.parse_remind(remind) if remind is not None else None

    def build(ws: Workspace) -> tuple[bytes, int]:
        return export.build_ics(
            ws.guide, ws.statuses, now=environment.now(), include_done=include_done,
            spans=spans, remind_days=remind_days, todo=todo, lea=ws.lea,
            owners=ws.state.owners, district_prefix=not no_prefix,
            guide_times={a.id: a.time for a in ws.unplanned if a.id in ws.state.plans},
        )  # fmt: skip

    left_out: list[int] = []

    def calendar(ws: Workspace) -> bytes:
        data, without_date = build(ws)
        left_out.append(without_date)
        return data

    _export("ics", calendar, all_districts, folder, output, as_of, guide, state)
    if not all_districts and left_out[0]:
        say(f"{left_out[0]} ongoing activities have no date and are not in the calendar.", err=True)


@export_app.command("csv")
def export_csv(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A spreadsheet (CSV, opens in Excel): one row per activity with its status."""
    from cimsig import export

    def build(ws: Workspace) -> bytes:
        return export.build_csv(_csv_rows(ws), ws.guide.time_zone)

    _export("csv", build, all_districts, folder, output, as_of, guide, state)


@export_app.command("md")
def export_md(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A printable checklist (Markdown) for a team meeting or a board report."""
    from cimsig import export

    def build(ws: Workspace) -> bytes:
        text = export.build_markdown(ws.guide, ws.statuses, ws.as_of, ws.lea, ws.state.owners)
        return text.encode("utf-8")

    _export("md", build, all_districts, folder, output, as_of, guide, state, text=True)


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
    rows = _csv_rows(ws)
    text = export.build_json(ws.guide, ws.statuses, ws.as_of, rows, profile_json(ws))
    _write(text.encode("utf-8"), output)


@export_app.command("html")
def export_html(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """A report to open in a web browser, e-mail or print: progress, what is due, the checklist."""
    from cimsig import report_html

    def build(ws: Workspace) -> bytes:
        return report_html.build_report(ws, environment.now()).encode("utf-8")

    _export("html", build, all_districts, folder, output, as_of, guide, state)


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
