"""Sharing the plan: export (ics, csv, md, json, html) and timeline."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from cimsig import environment
from cimsig.cli.errors import CimsigGroup
from cimsig.cli.locating import workspace
from cimsig.cli.options import (
    AsOfOption,
    DistrictOption,
    GuideOption,
    PlainCommand,
    StateOption,
    user_date,
    whole_number,
)
from cimsig.cli.output import activity_rows, profile_json, say
from cimsig.errors import UsageError
from cimsig.guide import DEFAULT_TIME_ZONE
from cimsig.render import timeline_view
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
        "--output", "-o", show_default=False, metavar="FILE",
        help="Write to this file (in one step: never half a file). Default: the screen. "
        "With --all-districts: the folder to write the files to.",
    ),
]  # fmt: skip


AllDistrictsOption = Annotated[
    bool,
    typer.Option("--all-districts", help="One file for every district you follow, written to "
                 "the folder -o or --folder names (file names: DISTRICT-GUIDE.EXT)."),
]  # fmt: skip
FolderOption = Annotated[
    Path | None,
    typer.Option("--folder", file_okay=False, metavar="FOLDER", show_default=False,
                 help="With --all-districts: where to write the files (default: here)."),
]  # fmt: skip


def _districts_folder(folder: Path | None, output: Path | None) -> Path:
    """Where --all-districts writes: -o FOLDER or --folder FOLDER (not both), else here."""
    if output is not None and folder is not None:
        raise UsageError("-o and --folder both name the folder: give one of them.")
    chosen = output if output is not None else folder
    if chosen is None:
        return Path(".")
    if chosen.exists() and not chosen.is_dir():
        raise UsageError(
            f"{chosen} is a file; with --all-districts, -o names the folder to write one file "
            "per district to."
        )
    return chosen


def _each_district(
    extension: str,
    build: "Callable[[Workspace], bytes]",
    folder: Path | None,
    output: Path | None,
    as_of: str | None,
    district: str | None,
) -> "list[tuple[Workspace, str]]":
    """Write one export per district and cohort into the folder; each district's file name."""
    from cimsig.cli.locating import district_workspaces
    from cimsig.environment import safe_file_name
    from cimsig.render import export

    where = _districts_folder(folder, output)
    if district:
        raise UsageError("--all-districts is every district: leave out --district.")
    spaces = district_workspaces(as_of)
    if not spaces:
        raise UsageError("There are no districts yet: add one with `cimsig district add NAME`.")
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from cimsig.errors import ExportError

        raise ExportError(f"The folder {where} could not be made: {exc.strerror or exc}.") from None
    written = []
    for ws in spaces:
        name = f"{ws.district}-{safe_file_name(ws.guide.id)}.{extension}"
        export.write_output(build(ws), where / name)
        written.append((ws, name))
    files = "1 file" if len(spaces) == 1 else f"{len(spaces)} files"
    say(f"Wrote {files} to {where.absolute()}: one per district.", err=True)
    return written


# What each export writes, by the file name's ending: a name that says another kind of file is
# refused (a CSV named report.xlsx is a file Excel will not open).
_KINDS = {
    ".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx", ".ics": "ics",
    ".ical": "ics", ".md": "md", ".markdown": "md", ".json": "json", ".html": "html",
    ".htm": "html",
}  # fmt: skip
_KIND_NAMES = {
    "csv": "a CSV", "xlsx": "an Excel", "ics": "a calendar", "md": "a Markdown",
    "json": "a JSON", "html": "a web page (HTML)",
}  # fmt: skip


def check_file_kind(output: Path | None, kind: str) -> None:
    """Refuse `-o FILE` whose ending names another kind of file, naming the right command."""
    if output is None:
        return
    if output.is_dir():
        raise UsageError(
            f"{output} is a folder; give a file name, like {output / ('plan.' + kind)} "
            "(a folder goes with --all-districts)."
        )
    meant = _KINDS.get(output.suffix.lower())
    if meant is None or meant == kind:
        return
    raise UsageError(
        f"{output.name} is named as {_KIND_NAMES[meant]} file, but `cimsig export {kind}` writes "
        f"{_KIND_NAMES[kind]} file. For {_KIND_NAMES[meant]} file: "
        f"cimsig export {meant} -o {output}. Or name this one {output.stem}.{kind}."
    )


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
    district: str | None,
    text: bool = False,
) -> "list[tuple[Workspace, str]]":
    """One export of the district in use, or (--all-districts) one for every district: then
    each district's file name."""
    if folder is not None and not all_districts:
        raise UsageError("--folder goes with --all-districts; for one file, use -o FILE.")
    if all_districts:
        return _each_district(extension, build, folder, output, as_of, district)
    check_file_kind(output, extension)
    _write(build(workspace(guide, state, as_of, district=district)), output, text=text)
    return []


def _csv_rows(ws: "Workspace") -> list[dict[str, Any]]:
    return [{**row, "district": ws.lea} for row in activity_rows(ws, ws.statuses)]


def _write(data: bytes, output: Path | None, *, text: bool = False) -> None:
    """An export to the screen, or to a file in one step (and a word on stderr that it did)."""
    from cimsig.render import export

    export.write_output(data, output, text=text)
    if output is not None:
        say(f"Wrote {output}.", err=True)


@export_app.command("ics", cls=PlainCommand)
def export_ics(
    output: OutputOption = None,
    without_done: Annotated[
        bool,
        typer.Option(
            "--without-done",
            help="Leave done activities out (by default they stay in, marked done, so a "
            "calendar that imported them earlier is updated).",
        ),
    ] = False,
    # Done activities are in by default now; the old switch still works and does nothing.
    _include_done: Annotated[bool, typer.Option("--include-done", hidden=True)] = False,
    spans: Annotated[
        bool, typer.Option("--spans", help="Also add each window (July-October) as one event.")
    ] = False,
    remind: Annotated[
        str | None,
        typer.Option(
            "--remind", metavar="7d|2w",
            help="Add a reminder this long before each deadline, at 9 a.m. that day.",
        ),
    ] = None,
    todo: Annotated[
        bool, typer.Option("--todo", help="Write tasks (VTODO) instead of events, for task apps.")
    ] = False,
    no_prefix: Annotated[
        bool, typer.Option("--no-district-prefix",
                           help="Leave the district's name out of the event titles."),
    ] = False,
    owner: Annotated[
        str | None,
        typer.Option("--owner", metavar="NAME", show_default=False,
                     help="Only this person's activities: a calendar of their own."),
    ] = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:  # fmt: skip
    """A calendar file for Outlook, Google Calendar or Apple Calendar: one event per deadline."""
    from cimsig.render import export

    remind_days = export.parse_remind(remind) if remind is not None else None
    if owner is not None and all_districts:
        raise UsageError("--owner is one district's person: use --district NAME, not "
                         "--all-districts.")  # fmt: skip

    def build(ws: Workspace) -> tuple[bytes, int]:
        name = ws.owner_named(owner) if owner is not None else None
        return export.build_ics(
            ws.guide, ws.for_owner(ws.statuses, owner), now=environment.now(),
            include_done=not without_done, spans=spans, remind_days=remind_days, todo=todo,
            lea=ws.lea, owners=ws.state.owners, district_prefix=not no_prefix,
            notes=ws.state.notes, owner=name,
            short=ws.state.profile.short if ws.state.profile else None,
            guide_times={a.id: a.time for a in ws.unplanned if a.id in ws.state.plans},
        )  # fmt: skip

    left_out: list[int] = []

    def calendar(ws: Workspace) -> bytes:
        data, without_date = build(ws)
        left_out.append(without_date)
        return data

    _export("ics", calendar, all_districts, folder, output, as_of, guide, state, district=district)
    if not all_districts and left_out[0]:
        say(f"{left_out[0]} ongoing activities have no date and are not in the calendar.", err=True)


@export_app.command("csv", cls=PlainCommand)
def export_csv(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:
    """A spreadsheet (CSV, opens in Excel): one row per activity with its status."""
    from cimsig import operations

    def build(ws: Workspace) -> bytes:
        return operations.export_bytes(ws, "csv", now=environment.now())

    _export("csv", build, all_districts, folder, output, as_of, guide, state, district=district)


@export_app.command("xlsx", cls=PlainCommand)
def export_xlsx(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:
    """An Excel workbook: every activity with its owner, notes and status, and a summary."""
    import sys

    from cimsig import operations

    if output is None and not all_districts and sys.stdout.isatty():
        raise UsageError("An Excel workbook cannot be shown on the screen: add -o FILE, like "
                         "-o plan.xlsx.")  # fmt: skip
    _need_openpyxl()
    from cimsig.render import spreadsheet

    def build(ws: Workspace) -> bytes:
        return operations.export_bytes(ws, "xlsx", now=environment.now())

    _export("xlsx", build, all_districts, folder, output, as_of, guide, state, district=district)
    if all_districts:
        from cimsig.cli.commands.districts import overview_rows

        day = user_date(as_of, "--as-of", DEFAULT_TIME_ZONE)
        where = _districts_folder(folder, output) / "overview.xlsx"
        _write(spreadsheet.overview_xlsx(overview_rows(as_of), day), where)


def _need_openpyxl() -> None:
    """An Excel file needs openpyxl: a sentence, not a traceback, without it."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        from cimsig.errors import ExportError

        raise ExportError(
            "Writing an Excel file needs the openpyxl package, which is missing: reinstall "
            "cimsig, or run: pip install openpyxl"
        ) from None


@export_app.command("md", cls=PlainCommand)
def export_md(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:
    """A printable checklist (Markdown) for a team meeting or a board report."""
    from cimsig import operations

    def build(ws: Workspace) -> bytes:
        return operations.export_bytes(ws, "md", now=environment.now())

    _export(
        "md",
        build,
        all_districts,
        folder,
        output,
        as_of,
        guide,
        state,
        text=True,
        district=district,
    )


@export_app.command("json", cls=PlainCommand)
def export_json(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:
    """One JSON document: the guide, progress per step, and every activity with its status."""
    from cimsig.render import export

    def build(ws: Workspace) -> bytes:
        rows = _csv_rows(ws)
        text = export.build_json(ws.guide, ws.statuses, ws.as_of, rows, profile_json(ws))
        return text.encode("utf-8")

    _export("json", build, all_districts, folder, output, as_of, guide, state, district=district)


@export_app.command("html", cls=PlainCommand)
def export_html(
    output: OutputOption = None,
    all_districts: AllDistrictsOption = False,
    folder: FolderOption = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:
    """A report to open in a web browser, e-mail or print: progress, what is due, the checklist."""
    from cimsig import operations
    from cimsig.render import report_html

    made_at = environment.now()

    def build(ws: Workspace) -> bytes:
        return operations.export_bytes(ws, "html", now=made_at)

    written = _export(
        "html", build, all_districts, folder, output, as_of, guide, state, district=district
    )
    if all_districts:
        from cimsig.cli.commands.districts import overview_rows

        files = {(ws.district_label, ws.guide.id): name for ws, name in written}
        rows = [{**row, "file": files.get((row["district"], row["guide"]))}
                for row in overview_rows(as_of)]  # fmt: skip
        day = user_date(as_of, "--as-of", DEFAULT_TIME_ZONE)
        zones = [ws.guide.time_zone for ws, _ in written] or [DEFAULT_TIME_ZONE]
        index = report_html.build_index(rows, day, made_at, zones[0])
        _write(index.encode("utf-8"), _districts_folder(folder, output) / "index.html")


@commands.command("timeline", cls=PlainCommand, rich_help_panel="Sharing")
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
            parser=whole_number("--width", "characters", 100, 40, 10000),
            metavar="COLUMNS",
            help="Width in characters, at least 40 (default: the terminal's).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:
    """A Gantt chart of the plan: a bar per window, a diamond per deadline, a line at today."""
    from cimsig.render import timeline

    ws = workspace(guide, state, as_of, district=district)
    first, last = timeline.date_range(ws.statuses, ws.as_of)
    first = user_date(from_, "--from", ws.guide.time_zone, ws.as_of) if from_ else first
    last = user_date(to, "--to", ws.guide.time_zone, ws.as_of) if to else last
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}.")
    _, columns = timeline_view.timeline_width(width)
    chart = timeline.layout(
        ws.guide, ws.statuses, ws.as_of, columns=columns, first=first, last=last, by_step=by_step
    )
    timeline_view.render_timeline(ws.guide, chart, ws.as_of, width=width, svg=None, lea=ws.lea)
    if svg is not None:
        # The picture the HTML report embeds, from the same template: light, labelled with
        # titles under their steps, with a title and a description, and nothing fetched.
        from cimsig.render import report_html

        picture = report_html.timeline_svg(ws, first=first, last=last, by_step=by_step)
        _write(picture.encode("utf-8"), svg)
