"""Which district, which guide and which progress file a run uses (--district, --state,
CIMSIG_STATE, the default file); `workspace()`, which opens them as of a date; how a message
names that file back (`reach`), and the notes about it (`say_file_notes`)."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cimsig import environment
from cimsig.errors import CimsigError, StateError, UsageError
from cimsig.storage.store import StateFile
from cimsig.workspace import Workspace, check_belongs

if TYPE_CHECKING:
    from cimsig.guide import Guide
from cimsig.cli.errors import ARGV
from cimsig.cli.options import user_date
from cimsig.cli.output import say, say_unfinished_git_merge
from cimsig.environment import cohort_guide_path

# -- which district, which guide, which progress file ------------------------------------------


def _district_source() -> str:
    """How the district was named: `--district` on the command line, or `CIMSIG_DISTRICT`."""
    typed = any(word == "--district" or word.startswith("--district=") for word in ARGV)
    return "--district" if typed or not os.environ.get("CIMSIG_DISTRICT") else "CIMSIG_DISTRICT"


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
    from cimsig.storage import loading

    cache = environment.cache_dir()
    root = environment.districts_dir()
    typed = district
    if typed:
        from cimsig.storage import districts

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
        from cimsig.storage import districts

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
    from cimsig.storage import loading

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
    from cimsig.storage import districts

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
    from cimsig.storage import loading

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


def say_not_plain_cohorts() -> None:
    """A word about each district left out because its progress file is no plain file (a FIFO
    would hang a read, so it is never opened), as about one that cannot be read."""
    from cimsig.storage import districts, loading

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
    from cimsig.storage import districts, loading

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
    from cimsig.storage import loading

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


def reach(where: "Location | Workspace") -> str:
    """The options that reach this progress file from any window, for the commands a message
    shows: `--district NAME` (with `--guide` when it follows several guides), else
    `--state "PATH"` (with `--guide` for a guide not bundled). A hint without them would act on
    whatever file a bare command finds: another one, or a new one in the settings folder."""
    from cimsig.environment import cohort_guide_path
    from cimsig.guide import bundled_guide_path
    from cimsig.render.formatting import shell_quote

    if isinstance(where, Location):
        district, path, guide = where.district, where.state, where.guide
    else:
        district, path, guide = where.district, where.state_file.path, where.guide
    guide_path = guide.path
    bundled = guide_path is None or _same_file(guide_path, bundled_guide_path())
    if district is not None:
        from cimsig.storage import districts

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


def say_file_notes(ws: Workspace) -> None:
    """A word on stderr about each copy a sync service left beside the progress file, and
    about a damaged line in its history (which only the commands that read all of it refuse)."""
    from cimsig.storage import sync_copies

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
