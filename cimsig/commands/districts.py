"""For those who follow several districts: district add, list, import, remove; overview."""

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cimsig import districts, environment, jsonout, schedule, views
from cimsig.app import (
    AsOfOption,
    GuideOption,
    JsonOption,
    cohort_guide_path,
    default_file_district,
    say,
    shared_plan_warning,
)
from cimsig.errors import EXIT_OVERDUE, StateError, UsageError
from cimsig.formatting import shell_quote

commands = typer.Typer()
district = typer.Typer(
    help="Add, list, import and remove the districts you follow (each with its own progress "
    "file). Every other command takes --district NAME."
)
commands.add_typer(district, name="district", rich_help_panel="Several districts")

TrackOption = Annotated[
    str | None,
    typer.Option("--track", metavar="new|continuing", show_default=False,
                 help="newly identified (new) or continuing significant disproportionality."),
]  # fmt: skip
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; go ahead.")]


def _track(text: str | None) -> str | None:
    if text is None:
        return None
    track = text.strip().lower()
    if track not in ("new", "continuing"):
        raise UsageError(f"--track must be new or continuing, not '{text}'.")
    return track


def _kept_guide(guide: Path | None) -> Any:
    """The guide a district follows: the bundled one, or the file given, of which a copy is
    kept in the guides folder so that `--district` finds it again by its id."""
    from cimsig.guide_catalog import keep_guide

    return keep_guide(guide)


@district.command("add")
def add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The district's name.")],
    track: TrackOption = None,
    short: Annotated[
        str | None,
        typer.Option("--short", metavar="NAME", show_default=False,
                     help="A short name for calendar titles and tables (for a long name)."),
    ] = None,
    guide: GuideOption = None,
    yes: YesOption = False,
) -> None:  # fmt: skip
    """Start following a district: its own progress file, with its name and track."""
    folder = districts.folder_name(name)
    if not folder or not name.strip():
        raise UsageError("A district needs a name with letters or digits, such as 'Alpha USD'.")
    chosen = _track(track)
    loaded = _kept_guide(guide)
    path = environment.districts_dir() / folder / f"{districts.safe_id(loaded.id)}.yaml"
    _check_own_folder(name.strip(), folder)
    if path.exists():
        raise UsageError(
            f"District {folder} already follows the guide '{loaded.id}' ({path}). To change "
            "its name or track: cimsig init --district "
            f"{shell_quote(folder, bare=True)} --lea NAME --track TRACK."
        )
    own = default_file_district(guide)
    if own is not None and districts.folder_name(own[1]) == folder:
        _take_over(own[0], path, own[1], folder, yes=yes)
        return
    from cimsig import operations

    operations.add_district(
        path, loaded.id, folder, name, track=chosen, short=short, now=environment.now()
    )
    say(f"Added {name.strip()} ({_track_words(chosen)}) on {loaded.title}.")
    say(f"Its progress file: {path}")
    example = f"cimsig status --district {shell_quote(folder, bare=True)}"
    say(f"Work on it with --district, for example: {example}")


def _check_own_folder(name: str, folder: str) -> None:
    """A name whose folder is another district's (the names differ in case, accents or
    punctuation only) is refused: two districts never share a folder."""
    from cimsig import loading
    from cimsig.errors import CimsigError
    from cimsig.store import StateFile

    root = environment.districts_dir()
    for cohort in districts.cohorts(root):
        if cohort.district != folder:
            continue
        try:
            state = loading.load_state(StateFile(cohort.path), environment.cache_dir())
        except CimsigError:
            continue
        lea = state.profile.lea if state.profile else None
        if lea and " ".join(lea.split()).casefold() != " ".join(name.split()).casefold():
            raise UsageError(
                f"'{name}' would share the folder {folder} with the district {lea}. To add a "
                "guide to that district, use its name: cimsig district add "
                f"{shell_quote(lea)} --guide PATH. For another district, choose a name that "
                "differs in more than case, accents or punctuation."
            )


def _take_over(default: Path, path: Path, lea: str, folder: str, *, yes: bool) -> None:
    """`district add NAME` when the default progress file already holds NAME's plan: move that
    file to be the district's (nothing lost), rather than start a second, empty plan."""
    import os

    from cimsig.store import StateFile

    question = (
        f"Your default progress file ({default}) already holds {lea}'s plan. Move it to be "
        f"the district {folder}'s progress file ({path})? Nothing in it is lost."
    )
    if not yes:
        if not environment.can_ask():
            raise UsageError(
                f"Nothing was changed: your default progress file ({default}) already holds "
                f"{lea}'s plan, and a second plan of the same district would drift apart from it. "
                f"Add --yes to move that file to be the district's ({path}), with nothing lost."
            )
        if not typer.confirm(question, default=False):
            say("Nothing was changed: one district keeps one plan.")
            return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with StateFile(default, environment.lock_timeout()).edit():
        if path.exists():
            raise UsageError(f"District {folder} already has a progress file ({path}).")
        os.replace(default, path)  # the same folder tree: one step, whole or not at all
    say(f"Moved {lea}'s plan from {default} to {path}: it is the district {folder} now.")
    say(f"Work on it with --district, for example: cimsig status --district {folder}")


def _track_words(track: str | None) -> str:
    return {"new": "newly identified", "continuing": "continuing"}.get(track or "", "track not set")


@district.command("list")
def list_(json_out: JsonOption = False) -> None:
    """The districts you follow: name, track, guide and progress file."""
    from cimsig.app import say_not_plain_cohorts

    rows = [row for c in districts.cohorts(environment.districts_dir()) if (row := _row(c))]
    say_not_plain_cohorts()
    if json_out:
        jsonout.print_json(rows)
        return
    if not rows:
        say("No districts yet. Add one with: cimsig district add NAME --track new|continuing")
        return
    views.render_districts(rows)


def _row(cohort: districts.Cohort) -> dict[str, Any] | None:
    from cimsig import loading
    from cimsig.errors import CimsigError
    from cimsig.store import StateFile

    try:
        state = loading.load_state(StateFile(cohort.path), environment.cache_dir())
    except CimsigError as exc:  # one file that cannot be read does not hide the others
        say(f"Note: district {cohort.district} left out: {exc}", err=True)
        return None
    if state.guide not in (None, cohort.guide_id):
        say(f"Note: {cohort.path} is not {cohort.district}'s progress on '{cohort.guide_id}' "
            f"(it holds '{state.guide}'): left out.", err=True)  # fmt: skip
        return None
    profile = state.profile
    return {
        "district": (profile.lea if profile and profile.lea else None) or cohort.district,
        "short": profile.short if profile else None,
        "name": cohort.district,
        "track": profile.track if profile else None,
        "guide": cohort.guide_id,
        "progress_file": str(cohort.path),
    }


@district.command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A progress file a district sent.")],
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="The district's name (default: the name "
                     "in the file)."),
    ] = None,
    guide: GuideOption = None,
) -> None:  # fmt: skip
    """Follow a district from a progress file it sent (copied; the file itself is not changed)."""
    from cimsig import loading, operations

    def check_guide(guide_id: str) -> None:
        bundled = loading.load_guide(None, environment.cache_dir())
        if guide is not None:
            loaded = _kept_guide(guide)
            if loaded.id != guide_id:
                raise StateError(
                    f"{file} follows the guide '{guide_id}', but {guide} is '{loaded.id}'."
                )
        elif guide_id != bundled.id and cohort_guide_path(guide_id) is None:
            raise StateError(
                f"{file} follows the guide '{guide_id}', which cimsig does not have yet: add "
                "--guide PATH with that guide file."
            )

    done = operations.import_district(
        file, environment.districts_dir(), name=name, check_guide=check_guide,
        now=environment.now(), author=environment.user_name(),
    )  # fmt: skip
    say(f"Imported {done.lea} from {file} (copied; {file.name} is unchanged).")
    if done.renamed_from:
        say(f"Its name in the copy is now {done.lea} (it was {done.renamed_from}).")
    say(f"Its progress file: {done.target}")


@district.command("rename")
def rename(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The district's name now.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Its new name.")],
) -> None:  # fmt: skip
    """Rename a district: its name in its progress files, its folder, and its calendar ids."""
    from cimsig import operations

    root = environment.districts_dir()
    done = operations.rename_district(
        root, old, new, now=environment.now(), author=environment.user_name()
    )
    say(f"Renamed {done.folder} to {done.name}; work on it with --district {done.new_folder}.")
    if done.new_folder != done.folder:
        say(f"Its folder is now {root / done.new_folder}.")
    say("Its calendar events now have new ids: export its calendar again, and in your calendar "
        "program delete the events of the old file before importing the new one.")  # fmt: skip


@district.command("remove")
def remove(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The district to stop following.")],
    yes: YesOption = False,
) -> None:  # fmt: skip
    """Stop following a district. Its progress files are moved aside, not deleted."""
    root = environment.districts_dir()
    folder = districts.find(root, name)
    files = [c.path for c in districts.cohorts(root) if c.district == folder]
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                f"Removing {folder} needs a yes: run it in a terminal to be asked, or add --yes."
            )
        listing = ", ".join(str(p) for p in files)
        if not typer.confirm(f"Stop following {folder} ({listing})? A copy is kept."):
            say("Nothing was removed.")
            return
    stamp = environment.now().strftime("%Y%m%d-%H%M%S")
    keep = root / districts.REMOVED / f"{folder}-{stamp}"
    keep.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    number = 1
    while keep.exists():  # removed once already this second
        number += 1
        keep = root / districts.REMOVED / f"{folder}-{stamp}-{number}"
    (root / folder).rename(keep)
    say(f"Removed {folder}. Its progress files are kept in {keep}; to follow it again, move "
        f"that folder back into {root} and rename it {folder}.")  # fmt: skip


# -- overview ----------------------------------------------------------------------------------


@commands.command("overview", rich_help_panel="Several districts")
def overview(
    check: Annotated[
        bool, typer.Option("--check", help="Exit with code 1 when any district has overdue work.")
    ] = False,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
) -> None:  # fmt: skip
    """Every district you follow, one row per district and guide, overdue work first."""
    rows = overview_rows(as_of)
    _say_copies()
    shared = shared_plan_warning()
    if shared is not None:
        say(f"Warning: {shared}", err=True)
    if json_out:
        jsonout.print_json(rows)
    elif not rows:
        say("No districts yet. Add one with: cimsig district add NAME --track new|continuing")
    else:
        views.render_overview(rows)
    if check and any(r["overdue"] for r in rows):
        raise typer.Exit(EXIT_OVERDUE)


def _say_copies() -> None:
    """A word on stderr about each sync service's conflict copy in a district's folder (and in
    the kept guides' folder), with the command that merges it into that district's file."""
    from cimsig.guide import bundled_guide_path
    from cimsig.sync_copies import describe_district_copy

    root = environment.districts_dir()
    counts: dict[str, int] = {}
    for cohort in districts.cohorts(root):
        counts[cohort.district] = counts.get(cohort.district, 0) + 1
    several = {name for name, count in counts.items() if count > 1}
    for folder in sorted(root.glob("*/")):
        if folder.name.startswith("."):
            continue
        for copy, original, service in districts.conflict_copies(folder):
            reach = f"--district {shell_quote(folder.name, bare=True)}"
            if folder.name in several:  # which of its guides: the one the copy's name says
                kept = cohort_guide_path(original.stem)
                reach += f" --guide {shell_quote(str(kept or bundled_guide_path()))}"
            say(f"Note: {describe_district_copy(copy, original, service, reach)}", err=True)
    for copy, original, service in districts.conflict_copies(environment.guides_dir()):
        say(f"Note: {copy} is a conflict copy made by {service} of the kept guide {original}. "
            f"Keep the right one as {original.name} and delete the other.", err=True)  # fmt: skip


def _sort_name(name: Any) -> str:
    """A name as a person sorts it: "École" with the E's, in any case."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(name))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def overview_rows(as_of_text: str | None) -> list[dict[str, Any]]:
    """One row per district and cohort, counted as that district's own `status` counts."""
    from cimsig.app import district_workspaces
    from cimsig.state import day_recorded, end_of_day, recorded_before

    rows = []
    for ws in district_workspaces(as_of_text):
        items = ws.statuses
        steps = schedule.progress_by_step(ws.guide.steps, items)
        following = schedule.first_due_after(items, ws.as_of - dt.timedelta(days=1))
        due = following.activity.due if following is not None else None
        # The last change recorded by the as-of date: the history is in the order recorded, so
        # it is the first one found from the end (the rest of a long history is not read).
        end = end_of_day(ws.as_of, ws.guide.time_zone)
        last = next(
            (
                a
                for e in ws.state.recent_history(past_damage=True)
                if recorded_before(a := e.get("at", ""), end)
            ),
            "",
        )
        rows.append(
            {
                "district": ws.district_label,
                "short": ws.state.profile.short if ws.state.profile else None,
                "name": ws.district,
                "track": ws.track,
                "guide": ws.guide.id,
                "done": sum(p.done for p in steps),
                "total": sum(p.total for p in steps),
                "overdue": len(schedule.overdue(items)),
                "open": sum(i.status == schedule.OPEN for i in items),
                "next_due": due.isoformat() if due else None,
                "next_days_left": (due - ws.as_of).days if due else None,
                "next_id": following.activity.id if following is not None else None,
                "last_change": day_recorded(last, ws.guide.time_zone),
                "progress_file": str(ws.state_file.path),
            }
        )
    rows.sort(key=lambda r: (-int(str(r["overdue"])), _sort_name(r["district"]), str(r["guide"])))
    return rows
