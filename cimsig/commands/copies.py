"""One plan in several places: merge another copy of the progress file, and git's merge driver."""

from pathlib import Path
from typing import Annotated, Any

import typer

from cimsig import app, codec, environment, formatting, jsonout, loading, merging
from cimsig.app import GuideOption, JsonOption, StateOption, locate, say
from cimsig.errors import StateError, UsageError
from cimsig.formatting import shell_quote
from cimsig.state import State
from cimsig.store import StateFile
from cimsig.workspace import Workspace, check_belongs

commands = typer.Typer()


@commands.command("merge", rich_help_panel="Sharing")
def merge(
    other: Annotated[
        Path,
        typer.Argument(metavar="OTHER", dir_okay=False, show_default=False,
                       help="Another copy of your progress file (a sync service's conflict copy)."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Delete the other copy once it is merged.")
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Take again what an undone merge of it had taken.")
    ] = False,
    unrelated: Annotated[
        bool, typer.Option("--unrelated",
                           help="Merge a file that shares no change with yours (not a copy).")
    ] = False,
    git: Annotated[
        bool, typer.Option("--git", help="OTHER is a progress file a git merge left with conflict "
                           "marks: merge git's two sides of it, ready for `git add`.")
    ] = False,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Merge another copy of your progress file into it: nothing either copy recorded is lost.

    A change made after its copy had seen another wins, whatever the clocks say.
    Where both copies changed a thing apart, one rule picks it, and it is listed.
    One `cimsig undo` takes the merge back.
    The other copy is never changed (--remove deletes it after).
    """
    from cimsig import operations

    if dry_run and remove:
        raise UsageError("--dry-run changes nothing, so it cannot --remove the other copy.")
    if git:
        from cimsig.git_merge import merge_git_sides

        if remove or state is not None or dry_run or json_out:
            raise UsageError("--git merges the file named itself: leave out --remove, --dry-run, "
                             "--json and --state.")  # fmt: skip
        _say_git_merge(merge_git_sides(other))
        return
    ws = _workspace(guide, state)
    if not ws.state_file.exists():
        raise UsageError(_no_target(ws, other))
    other_file = StateFile(other)
    if other_file.target == ws.state_file.target:
        raise UsageError(f"{other} is your progress file itself: name another copy of it.")
    theirs = _read_copy(other_file, environment.cache_dir(), other=True)
    if theirs.guide is not None and theirs.guide != ws.guide.id:
        merging.check_same_plan(State(ws.guide.id), theirs, str(other))
    if dry_run:
        ours = loading.load_state(ws.state_file, environment.cache_dir())
        check_belongs(ours, ws.guide, ws.state_file.path)
        ws = ws.with_state(ours)
    merged = operations.merge_copy(
        ws, theirs, other, again=again, unrelated=unrelated, dry_run=dry_run,
        now=environment.now(), author=environment.user_name(),
        warn=lambda words: say(words, err=True),
    )  # fmt: skip
    ws, plan = merged.workspace, merged.plan
    found = {"before": merged.before}
    removed = False
    not_in_effect = bool(plan.undone) and not again  # never removed: said after the report
    if remove and not not_in_effect and not any(not c.recorded for c in plan.conflicts):
        try:
            copy_file = StateFile(other)
            other.unlink()
            removed = True
            copy_file.remove_free_lock()
        except OSError as exc:
            say(f"Warning: {other} could not be deleted ({exc.strerror or exc}).", err=True)
    elif remove and not not_in_effect:
        say(f"Kept {other}: it differs from your file in ways neither file recorded; "
            "check the differences listed above, then delete it.", err=True)  # fmt: skip
    if json_out:
        jsonout.print_json(_as_json(ws, other, plan, dry_run, removed))
    else:
        _say_merge(ws.state_file.path, other, plan, found["before"], dry_run, removed,
                   ws.guide.time_zone, app.reach(ws))  # fmt: skip
        if not_in_effect:
            _say_undone(ws, other, plan)
    if remove and not_in_effect:
        say(f"Kept {other}: some of its records are not in effect in yours (see above).",
            err=True)  # fmt: skip


@commands.command("merge-driver", rich_help_panel="Sharing")
def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="The common version (git's %O).")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="This branch's version (%A).")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="The other branch's (%B).")],
    path: Annotated[
        str | None,
        typer.Argument(metavar="PATH", help="The file's name in the repository (git's %P)."),
    ] = None,
) -> None:
    """For git: merge the other branch's progress file into this one's, without conflict marks.

    Set it up once in the repository: a line `*.yaml merge=cimsig` in .gitattributes, and
    `git config merge.cimsig.driver "cimsig merge-driver %O %A %B %P"`. Exit 0 when merged (OURS
    holds the result); 3 when a version cannot be read or is another district's (git then
    reports a conflict and leaves the file to you).
    """
    ours_file = StateFile(ours)
    mine = _read_copy(ours_file)
    other = _read_copy(StateFile(theirs), other=True)
    merging.check_same_plan(mine, other, str(theirs))
    if merging.unrelated(mine, other):
        raise StateError(
            f"{theirs} cannot be merged: it shares no change with {ours}, so it is not a copy "
            "of the same progress file but a plan started on its own. Neither file was changed; "
            "git leaves the conflict to you."
        )
    from cimsig.git_merge import zone_of

    # BASE is not needed: every change in either version is an entry with an id of its own.
    result, plan, _ = merging.merged(mine, other, environment.now(), environment.user_name())
    if plan.changes_anything:
        from cimsig.fileio import atomic_write_bytes
        from cimsig.state_format import to_text
        from cimsig.store import MAX_STATE_BYTES

        data = to_text(result).encode("utf-8")
        if len(data) > MAX_STATE_BYTES:  # as `merge` refuses: every command would refuse it
            raise StateError(
                f"The merged progress file would be larger than {MAX_STATE_BYTES // 2**20} MB, "
                f"the most cimsig reads, so {ours} was not changed and git leaves the conflict "
                "to you. Move old history to a side file on each branch first (`cimsig history "
                "--archive DATE`), commit that, and merge again."
            )
        atomic_write_bytes(ours_file.target, data)
    conflicts = len(plan.conflicts)
    # git hands the driver a temporary file (%A); the file people know is %P
    name = path or ours.name
    say(f"cimsig: merged {plan.new_entries} change(s) into {name}; "
        f"{conflicts} conflict(s), each decided by the merge rule.", err=True)  # fmt: skip
    _say_conflicts(plan, zone_of(mine), err=True)
    if plan.conflicts:
        say("", err=True)
        say(f"Check the conflicts above in {name}, and correct any that are wrong.", err=True)


def _no_target(ws: Workspace, other: Path) -> str:
    """Why a merge into a file that does not exist is refused, with the command that is right:
    a merge never starts a new progress file (the copy's work would land in a private file)."""
    from cimsig import districts, sync_copies

    message = f"Nothing was merged: there is no progress file at {ws.state_file.path}."
    original = sync_copies.original_of(other.absolute())
    if original is None:
        return (
            f"{message} Name the progress file {other} is a copy of: "
            f"cimsig merge {shell_quote(str(other))} --state PATH (or --district NAME)."
        )
    root = environment.districts_dir().absolute()
    folder = original.parent
    if folder.parent == root and original.stem in {c.guide_id for c in districts.cohorts(root)}:
        where = f"--district {shell_quote(folder.name, bare=True)}"
    else:
        where = f"--state {shell_quote(str(original))}"
    return (
        f"{message} {other} is a copy of {original}; run: cimsig merge "
        f"{shell_quote(str(other))} {where}"
    )


def _read_copy(
    state_file: StateFile, cache_dir: Path | None = None, *, other: bool = False
) -> State:
    """A copy of the progress file, for reading only (its copy in the cache will do), its
    history read and checked. `other`: the copy merged in, named so in what is wrong with it."""
    from cimsig.errors import FileProblem
    from cimsig.store import MAX_STATE_BYTES

    path = state_file.path
    if not state_file.exists():
        raise StateError(f"There is no file {path}. Check the name.")

    def refuse(problem: str) -> StateError:
        return StateError(
            f"The other copy {problem}. cimsig has changed neither file: merge another copy, "
            "or ask whoever made this one for a good one."
        )

    try:
        target = state_file.target
        if other and target.is_file() and target.stat().st_size > MAX_STATE_BYTES:
            raise refuse(f"{path} is larger than {MAX_STATE_BYTES // 2**20} MB, the most cimsig "
                         "reads: is it the right file?")  # fmt: skip
        state = loading.load_state(state_file, cache_dir)
        unread = state.unread_history()
        first_line = unread[0].first_line if unread is not None else None
        history = state.history
    except FileProblem as exc:
        if not other:
            raise
        raise refuse(f"{exc.where} cannot be used: {exc.problem}") from None
    twice = merging.duplicate_uid(history)
    if twice is not None:
        entry = history[twice]
        line = f", line {first_line + twice}" if first_line is not None else ""
        what = "The other copy" if other else "The progress file"
        raise StateError(
            f"{what} {path}{line} cannot be merged: its change number {entry.get('seq')} has "
            f"the id '{entry.get('uid')}' of an earlier change in it, so one of them would be "
            "lost. cimsig has changed neither file; remove the repeated line, or merge another "
            "copy."
        )
    return state


def _workspace(guide: Path | None, state: Path | None) -> Workspace:
    """The guide and the progress file, not read yet: a merge reads it once, under the lock
    (a long history takes a while to read)."""
    where = locate(guide, state, changing=True)
    state_file = StateFile(where.state, environment.lock_timeout())
    ws = Workspace(where.guide, state_file, State(), environment.today_in(where.guide.time_zone))
    ws.named_file, ws.district = where.named, where.district
    return ws


# -- what it says ------------------------------------------------------------------------------


def _say_merge(
    path: Path,
    other: Path,
    plan: merging.MergePlan,
    before: dict[merging.Key, Any],
    dry_run: bool,
    removed: bool,
    zone: str,
    reach: str = "",
) -> None:
    if not plan.changes_anything and plan.undone:
        say(f"{other} holds no change your progress file lacks; nothing changed.")
    elif not plan.changes_anything:
        say(f"{other} holds nothing your progress file lacks; nothing changed.")
    else:
        verb = "Would merge" if dry_run else "Merged"
        say(f"{verb} {other}")
        say(f"  into {path}:")
        say(f"  {plan.new_entries} change(s) of the other copy added to the history.")
        for (section, activity_id), value in plan.values.items():
            was = _words(section, before.get((section, activity_id)))
            say(f"  {_label(section, activity_id)}:")
            say(f"    {_words(section, value)} (was: {was})")
    _say_conflicts(plan, zone)
    if plan.conflicts:
        say("")
        say("Check the conflicts above, and correct any that are wrong.")
    if plan.changes_anything and not dry_run:
        say(f"To take the merge back: cimsig undo {reach}".rstrip())
    if dry_run:
        say("Nothing was changed (--dry-run).")
    elif removed:
        say(f"Deleted {other}.")
    elif plan.changes_anything:
        say(f"{other} was not changed; delete it when you are done (or merge with --remove).")
    elif not plan.conflicts and not plan.undone:
        say("You can delete it (or merge with --remove).")


def _say_undone(ws: Workspace, other: Path, plan: merging.MergePlan) -> None:
    """The other copy's records that are not in effect here because a merge was undone."""
    numbers = sorted({int(e.get("seq", 0)) for e in plan.undone.values()})
    changes = ", ".join(str(n) for n in numbers)
    say("")
    say(f"Its changes are in your history, but change {changes} (undo) took back the merge that "
        f"brought them in, so these records of it are not in effect:")  # fmt: skip
    for section, activity_id in plan.undone:
        say(f"  {_label(section, activity_id)}")
    say(f'To take them again: cimsig merge "{other}" --again {app.reach(ws)}'.rstrip())


def _say_conflicts(plan: merging.MergePlan, zone: str, *, err: bool = False) -> None:
    """Each conflict: what, both values, who recorded each and when (in the guide's time
    zone, named), and which was kept."""
    for conflict in plan.conflicts:
        say("", err=err)
        if conflict.recorded:
            say(f"Conflict: both copies changed {_label(conflict.section, conflict.activity_id)}.",
                err=err)  # fmt: skip
        else:
            say(f"Differs, with no change recorded: "
                f"{_label(conflict.section, conflict.activity_id)}.", err=err)  # fmt: skip
        for side, value, entry in (
            ("ours", conflict.ours, conflict.ours_entry),
            ("theirs", conflict.theirs, conflict.theirs_entry),
        ):
            name = "This copy: " if side == "ours" else "Other copy:"
            kept = "  <- kept" if conflict.kept == side else ""
            say(f"  {name} {_words(conflict.section, value)}{kept}", err=err)
            if entry is not None:
                say(f"    (recorded {_when(entry, zone)})", err=err)


def _say_git_merge(done: Any) -> None:
    file, plan = done.file, done.plan
    say(f"Merged git's two sides of {file}: {done.added} change(s) of the other side added to "
        "this side's history.")  # fmt: skip
    _say_conflicts(plan, done.zone)
    if plan.conflicts:
        say("")
        say("Check the conflicts above, and correct any that are wrong.")
    then = "git rebase --continue" if done.rebasing else "git commit (or git merge --continue)"
    say(f"The file is ready: git add {shell_quote(str(file))}, then {then}.")


def _label(section: str, activity_id: str) -> str:
    what = {"done": "done record", "plans": "dates", "owners": "owner", "notes": "notes",
            "custom": "activity", "profile": "district profile"}[section]  # fmt: skip
    return what if section == "profile" else f"{what} of {activity_id}"


def _words(section: str, value: Any) -> str:
    if value is None:
        return {"done": "not done", "plans": "the guide's dates", "owners": "no owner",
                "notes": "no notes", "custom": "not in the plan",
                "profile": "not set"}.get(section, "none")  # fmt: skip
    if section == "done":
        note = f", note '{value.note}'" if value.note else ""
        return f"done on {formatting.fmt_date(value.on)}{note}"
    if section == "plans":
        start = f", start {formatting.fmt_date(value.start)}" if value.start else ""
        return f"due {formatting.fmt_date(value.due)}{start}"
    if section == "notes":
        return f"{len(value)} note(s)"
    if section == "custom":
        return f"'{value.title}', due {formatting.fmt_date(value.due)}"
    if section == "profile":
        return f"{value.lea or 'no name'} ({value.track or 'no track'})"
    return str(value)


def _when(entry: dict[str, Any], zone: str) -> str:
    from cimsig.views import recorded_at

    at = recorded_at(str(entry.get("at", "?")), zone)
    by = entry.get("by")
    return f"{at} by {by}" if by else at


def _as_json(
    ws: Workspace, other: Path, plan: merging.MergePlan, dry_run: bool, removed: bool
) -> dict[str, Any]:
    def record(section: Any, value: Any) -> Any:
        return codec.encode(section, value)

    return {
        "progress_file": str(ws.state_file.path),
        "other": str(other),
        "dry_run": dry_run,
        "changed": plan.changes_anything and not dry_run,
        "removed": removed,
        "new_changes": plan.new_entries,
        "not_in_effect": [
            {"id": activity_id or None, "field": section, "undone_by": entry.get("seq")}
            for (section, activity_id), entry in plan.undone.items()
        ],
        "records": [
            {"id": activity_id or None, "field": section, "value": record(section, value)}
            for (section, activity_id), value in plan.values.items()
        ],
        "conflicts": [
            {
                "id": c.activity_id or None,
                "field": c.section,
                "this_copy": record(c.section, c.ours),
                "other_copy": record(c.section, c.theirs),
                "kept": "this_copy" if c.kept == "ours" else "other_copy",
                "recorded": c.recorded,
                "this_change": _entry_json(c.ours_entry),
                "other_change": _entry_json(c.theirs_entry),
            }
            for c in plan.conflicts
        ],
    }


def _entry_json(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {"at": entry.get("at"), "by": entry.get("by"), "uid": entry.get("uid")}
