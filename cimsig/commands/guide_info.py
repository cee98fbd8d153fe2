"""Commands about the guide itself: list, show, validate, where, doctor."""

from pathlib import Path
from typing import Annotated, Any

import typer

from cimsig import jsonout, views
from cimsig.app import (
    AsOfOption,
    GuideOption,
    JsonOption,
    OwnerOption,
    StateOption,
    activity_rows,
    cohort_guide_path,
    locate,
    reach,
    say,
    say_unfinished_git_merge,
    shared_plan_warning,
    user_date,
    workspace,
)
from cimsig.environment import cache_dir, districts_dir
from cimsig.errors import UsageError
from cimsig.formatting import shell_quote
from cimsig.guide import bundled_guide_path
from cimsig.store import StateFile

commands = typer.Typer()


@commands.command("list", rich_help_panel="The guide")
def list_(
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            metavar="STEP",
            help="Only this step, named by its id in the guide in use (a wrong id lists the "
            "guide's steps).",
        ),
    ] = None,
    owner: OwnerOption = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """The whole checklist, grouped by step, with each activity's status."""
    ws = workspace(guide, state, as_of)
    items = ws.for_owner(ws.statuses, owner)
    if step is not None:
        step_ids = [s.id for s in ws.guide.steps]
        if step not in step_ids:
            raise UsageError(f"There is no step '{step}'. Steps: {', '.join(step_ids)}.")
        items = [i for i in items if i.activity.step == step]
    if json_out:
        jsonout.print_json(activity_rows(ws, items))
    else:
        views.render_list(ws.guide, items, ws.as_of, ws.state.owners, ws.lea)


@commands.command("show", rich_help_panel="The guide")
def show(
    activity_id: Annotated[str, typer.Argument(metavar="ID", help="An id, or part of one.")],
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Everything about one activity: dates, details, resources, where to submit, status."""
    from cimsig.errors import AmbiguousIdError, UnknownIdError

    ws = workspace(guide, state, as_of)
    try:
        found = ws.resolve(activity_id)
    except UnknownIdError as unknown:
        # No id has the words: list what a change would (ids with a word starting so, titles
        # with the word), as `note` does, rather than only "no activity has the id".
        try:
            ws.change_target(activity_id)
        except AmbiguousIdError as exc:
            raise AmbiguousIdError(
                f"No activity has the id '{activity_id}'; these have a word starting with it, "
                "or have it in their title. Type the id of the one you mean:",
                problems=exc.problems,
            ) from None
        except UsageError:
            pass
        raise unknown from None
    item = ws.status(found.id)
    try:
        ws.change_target(activity_id)
    except UsageError:
        # A looser match than a change takes: say which activity this is.
        say(
            f"Note: showing {item.activity.id}, the one id '{activity_id}' is part of. To "
            "change it, type the full id.",
            err=True,
        )
    else:
        if activity_id.strip().lower() != item.activity.id:
            say(f"Note: showing {item.activity.id}.", err=True)
    if json_out:
        jsonout.print_json(activity_rows(ws, [item])[0])
    else:
        views.render_show(ws.guide, item, ws.as_of, ws.details(item.activity.id))


@commands.command("validate", rich_help_panel="The guide")
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE|ID",
            help="The guide file to check, or a guide's id (default: the guide in use).",
            show_default=False,
        ),
    ] = None,
    guide: GuideOption = None,
) -> None:
    """Check a guide file: every problem in line order (exit 3), or OK (exit 0).

    It also finds targets that name another date than their due date.

    And budget months that do not match the budget dates, and `guide new`'s review marks.

    It warns about activities outside the budget period.
    """
    from cimsig.guide import check_guide_file
    from cimsig.guide_catalog import guide_file

    chosen = guide_file(path) if path is not None else guide
    loaded, warnings = check_guide_file(chosen or bundled_guide_path())
    weekend = [f"{a.id} ({a.due:%a %b} {a.due.day}, {a.due.year})" for a in _every_occurrence(
        loaded) if a.due is not None and a.weekend]  # fmt: skip
    activities, steps = len(loaded.activities), len(loaded.steps)
    say(
        f"OK: {loaded.path} is a valid guide: '{loaded.id}', {activities} "
        f"activit{'ies' if activities != 1 else 'y'} in {steps} step{'s' if steps != 1 else ''}."
    )
    if weekend:
        say(f"Due on a weekend ({len(weekend)}):")
        for line in weekend:
            say(f"  {line}")
    for warning in warnings:
        say(f"Warning: {warning}")


def _every_occurrence(loaded: Any) -> list[Any]:
    """Every activity of the guide with each occurrence of a repeating one: up to its `until`,
    else through the first one due after the guide's last date (its budget period's end, or
    its last due date or `until`)."""
    import datetime as dt

    from cimsig.schedule import expand

    days = [d for a in loaded.activities for d in (a.due, a.until) if d is not None]
    if loaded.budget_period is not None:
        days.append(loaded.budget_period.end)
    return expand(loaded.activities, max(days, default=dt.date.min))


@commands.command("where", rich_help_panel="The guide")
def where(
    json_out: JsonOption = False, guide: GuideOption = None, state: StateOption = None
) -> None:
    """Which guide file and which progress file are in use (full paths)."""
    found = locate(guide, state, ask=False)
    guide_path = (guide or bundled_guide_path()).absolute()
    if guide is None:  # a district's guide, or the guide a progress file names: a kept copy
        guide_path = cohort_guide_path(found.guide.id) or bundled_guide_path()
    state_file = StateFile(found.state.absolute())
    info: dict[str, Any] = {
        "guide": str(guide_path),
        "guide_source": "--guide or CIMSIG_GUIDE" if guide else "bundled",
        "state": str(state_file.path),
        "state_exists": state_file.exists(),
        "state_source": found.source,
        "district": found.district,
        "districts": str(districts_dir().absolute()),
        "cache": str(cache_dir().absolute()),
        "conflict_copies": [],
    }
    copies = _sync_copies(state_file)
    info["conflict_copies"] = [
        {"path": str(c.path), "made_by": c.made_by, "new_changes": c.new_changes}
        for c in copies.copies
    ]
    if found.district is not None and guide is None:
        info["guide_source"] = "the district's guide"
    elif guide is None and guide_path != bundled_guide_path():
        info["guide_source"] = "the progress file's guide, kept by cimsig"
    if json_out:
        jsonout.print_json(info)
        return
    say(f"Guide:     {info['guide']} ({info['guide_source']})", indent=11)
    exists = ""
    if not info["state_exists"]:
        exists = (
            " (not created yet: `cimsig done` creates it)"
            if found.source == "default"
            else f" (not created yet: `cimsig init --state {shell_quote(str(state_file.path))}` "
            "starts it)"
        )
        if found.source == "default" and districts_dir().is_dir():
            exists = " (none: you follow districts, so add --district NAME)"
    source = f"district {found.district}" if found.district else info["state_source"]
    say(f"Progress:  {info['state']} ({source}){exists}", indent=11)
    say(f"Districts: {info['districts']} (`cimsig district list`)", indent=11)
    say(
        f"Cache:     {info['cache']} (copies of the guide and of your progress; safe to delete)",
        indent=11,
    )
    from cimsig import sync_copies

    for copy in copies.copies:
        say(f"Note: {sync_copies.describe(copy, reach(found))}")
    if copies.unread:
        say(f"Note: {sync_copies.describe_unread(copies.unread, reach(found))}")
    if copies.problem is not None:  # git's conflict marks among them: say what to do
        say(f"Note: {copies.problem}")
    say_unfinished_git_merge(state_file.path)


def _sync_copies(state_file: StateFile) -> Any:
    """The sync services' conflict copies beside the progress file (none when it is unreadable:
    `problem` then says why, as every command does)."""
    from cimsig import sync_copies
    from cimsig.errors import CimsigError

    try:
        return sync_copies.scan(state_file, state_file.read(), cache_dir())
    except CimsigError as exc:
        return sync_copies.Scan([], 0, exc.message)


@commands.command("doctor", rich_help_panel="The guide")
def doctor(
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:
    """Check the guide and your progress file together, and say what needs attention.

    Exit code 0 unless a file cannot be used (3).
    """
    from cimsig import doctor as checks

    found = locate(guide, state)
    loaded = found.guide
    state_file = StateFile(found.state)
    day = user_date(as_of, "--as-of", loaded.time_zone)
    findings = checks.examine(loaded, state_file, day, reach=reach(found))
    shared = shared_plan_warning(guide)
    if shared is not None:
        findings.insert(0, checks.Finding(checks.WARNING, "districts", shared))
    if json_out:
        from dataclasses import asdict

        jsonout.print_json([asdict(f) for f in findings])
    else:
        views.render_findings(findings)
    if any(f.level == checks.PROBLEM for f in findings):
        raise typer.Exit(3)
