"""`cimsig doctor`: check the guide and the progress file together and say what needs attention.

Each finding has a level: `ok`, `note` (worth knowing), `warning` (worth fixing) or `problem`
(cimsig cannot work with the file as it is). Nothing here changes a file.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from cimsig import environment, schedule
from cimsig.errors import StateError
from cimsig.guide import Guide
from cimsig.state import State
from cimsig.store import MAX_STATE_BYTES, StateFile
from cimsig.workspace import Workspace

OK, NOTE, WARNING, PROBLEM = "ok", "note", "warning", "problem"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing `cimsig doctor` found: how serious, about what, and what to do."""

    level: str
    topic: str
    message: str


def examine(
    guide: Guide,
    state_file: StateFile,
    as_of: dt.date,
    cache_dir: Path | None = None,
    reach: str = "",
) -> list[Finding]:
    """Every finding about the guide and the progress file (`reach`: the options that name the
    progress file, for the commands a finding shows)."""
    found = [
        Finding(
            OK,
            "guide",
            f"{guide.path}: '{guide.id}', {len(guide.activities)} activities, no problems.",
        )
    ]
    found += _file_checks(state_file)
    found += _cache_checks(cache_dir if cache_dir is not None else environment.cache_dir())
    try:
        state = state_file.read()
        _ = state.history  # every change in the history checked, not only the last ones
    except StateError as exc:
        return [*found, Finding(PROBLEM, "progress file", exc.message)]
    if state.guide is not None and state.guide != guide.id:
        found.append(
            Finding(
                PROBLEM,
                "progress file",
                f"it records progress on the guide '{state.guide}', not '{guide.id}'.",
            )
        )
        return found
    unknown = state.unknown_fields()
    if unknown:
        shown = "; ".join(unknown[:10]) + ("; ..." if len(unknown) > 10 else "")
        found.append(
            Finding(
                NOTE,
                "progress file",
                f"it holds fields this cimsig does not know (kept as they are): {shown}.",
            )
        )
    found += _sync_copy_checks(state_file, state, cache_dir, reach) + _kept_guide_copies()
    found += _git_checks(state_file.path)
    ws = Workspace(guide, state_file, state, as_of)
    found += _plan_checks(ws)
    return found


def _sync_copy_checks(
    state_file: StateFile, state: State, cache_dir: Path | None, reach: str
) -> list[Finding]:
    from cimsig import sync_copies

    copies = sync_copies.find(state_file, state, cache_dir, limit=None)  # every file there
    return [Finding(WARNING, "sync copy", sync_copies.describe(c, reach)) for c in copies]


def _git_checks(path: Path) -> list[Finding]:
    """A merge git has not finished on the progress file (the file holds one side only)."""
    from cimsig import git_merge

    if not git_merge.unfinished(path):
        return []
    return [Finding(WARNING, "git", git_merge.describe_unfinished(path.absolute()))]


def _kept_guide_copies() -> list[Finding]:
    """A sync service's conflict copy of a guide file cimsig keeps for the districts."""
    from cimsig import districts

    return [
        Finding(
            WARNING,
            "sync copy",
            f"{copy} is a conflict copy made by {service} of the kept guide {original}. Keep "
            f"the right one as {original.name} and delete the other.",
        )
        for copy, original, service in districts.conflict_copies(environment.guides_dir())
    ]


def _file_checks(state_file: StateFile) -> list[Finding]:
    path = state_file.path
    found = []
    if not path.exists():
        found.append(
            Finding(
                NOTE,
                "progress file",
                f"{path} does not exist yet; the first `cimsig done` or `cimsig init` creates it.",
            )
        )
        folder = next((p for p in path.parents if p.exists()), None)
        if folder is not None and not os.access(folder, os.W_OK):
            found.append(
                Finding(PROBLEM, "progress file", f"the folder {folder} cannot be written to.")
            )
        return found
    if not path.is_file():
        return found  # a folder or a device: reading it reports the problem
    if not os.access(path, os.R_OK):
        found.append(Finding(PROBLEM, "progress file", f"{path} cannot be read (permissions)."))
    if state_file.is_read_only():
        found.append(
            Finding(
                PROBLEM,
                "progress file",
                f"{path} is read-only: marking work done will fail until it is made writable "
                "(cimsig never overwrites a read-only progress file).",
            )
        )
    elif not os.access(state_file.target.parent, os.W_OK):
        found.append(
            Finding(
                PROBLEM,
                "progress file",
                f"the folder of {path} cannot be written to: marking work done "
                "will fail until that is fixed.",
            )
        )
    if sys.platform != "win32":
        found += _permission_checks(state_file)
    size = path.stat().st_size
    if MAX_STATE_BYTES // 2 < size <= MAX_STATE_BYTES:  # (past the limit: a problem, said above)
        found.append(
            Finding(
                WARNING,
                "progress file",
                f"{path} is {size / 1024 / 1024:.1f} MB, past half the {MAX_STATE_BYTES // 2**20} "
                "MB cimsig reads; move old history to a side file with "
                "`cimsig history --archive DATE`.",
            )
        )
    if not any(f.level == PROBLEM for f in found):
        found.append(Finding(OK, "progress file", f"{path} can be read and written."))
    odd_lock = state_file.odd_lock_file()
    if odd_lock is not None:
        found.append(Finding(PROBLEM, "lock", odd_lock))
    elif state_file.lock_is_free():
        found.append(Finding(OK, "lock", "no cimsig is writing the progress file right now."))
    else:
        found.append(
            Finding(
                NOTE,
                "lock",
                "another cimsig is writing the progress file right "
                "now; if that lasts, look for a cimsig still running.",
            )
        )
    for stray in state_file.stray_temp_files():
        found.append(
            Finding(
                NOTE,
                "progress file",
                f"{stray} was left by a save that was interrupted; it is never read "
                "as your progress and can be deleted.",
            )
        )
    return found


def _permission_checks(state_file: StateFile) -> list[Finding]:
    """Who else can change the progress file, replace it, or block its writes."""
    found = []
    target = state_file.target
    mode = target.stat().st_mode
    for what, place, bits in (("", target, mode), ("the folder of ", target.parent, None)):
        bits = place.stat().st_mode if bits is None else bits
        who = (
            "every user of this computer"
            if bits & stat.S_IWOTH
            else f"the group '{_group(place)}'"
            if bits & stat.S_IWGRP
            else None
        )
        if who is not None:
            found.append(
                Finding(
                    WARNING,
                    "permissions",
                    f"{what}{state_file.path} can be changed by {who} (permissions "
                    f"{stat.filemode(bits)}); unless that is meant, run `chmod go-w {place}`.",
                )
            )
    try:
        lock_mode = state_file.lock_path.stat().st_mode
    except OSError:
        return found
    if lock_mode & 0o077 & ~state_file.lock_mode():
        found.append(
            Finding(
                WARNING,
                "permissions",
                f"the lock file {state_file.lock_path} can be opened by users who cannot change "
                f"the progress file (permissions {stat.filemode(lock_mode)}), and holding it "
                "blocks every write; delete it when no cimsig runs, cimsig makes it again.",
            )
        )
    return found


def _group(path: Path) -> str:
    try:
        import grp

        return grp.getgrgid(path.stat().st_gid).gr_name
    except (ImportError, KeyError, OSError):
        return "of the file"


def _cache_checks(cache_dir: Path) -> list[Finding]:
    from cimsig import cache

    found = []
    if not cache.is_trusted(cache_dir):
        found.append(
            Finding(
                WARNING,
                "cache",
                f"the cache folder {cache_dir} is not yours alone: other users can change "
                f"it (permissions {stat.filemode(cache_dir.stat().st_mode)}), so cimsig neither "
                "reads nor keeps copies there, and every command reads your files in full. "
                "Delete it: cimsig makes it again, private to you.",
            )
        )
    return found + [
        Finding(
            NOTE,
            "cache",
            f"{temp} was left by a copy whose save was interrupted; it holds a copy of your "
            "progress or guide and can be deleted (the next command that saves a copy does).",
        )
        for temp in cache.stale_temp_files(cache_dir)
    ]


def _plan_checks(ws: Workspace) -> list[Finding]:
    found = []
    unknown = ws.unknown_ids()
    if unknown:
        found.append(
            Finding(
                WARNING,
                "ids",
                f"the progress file records {len(unknown)} id(s) the guide does not "
                f"have (kept, not counted): {', '.join(unknown)}.",
            )
        )
    for activity_id in sorted(ws.state.plans):
        if activity_id in ws.state.done:
            continue  # done: its dates are history, nothing to warn about any more
        details = ws.details(activity_id)
        planned = ws.state.plans[activity_id].due
        if details.guide_due is not None and planned > details.guide_due:
            found.append(
                Finding(
                    WARNING,
                    "plan",
                    f"your date for {activity_id} ({planned}) is after the guide's "
                    f"deadline ({details.guide_due}).",
                )
            )
    step_ids = {s.id for s in ws.guide.steps}
    for custom in ws.state.custom.values():
        if custom.step not in step_ids:
            found.append(
                Finding(
                    WARNING,
                    "plan",
                    f"your activity {custom.id} is filed under '{custom.step}', which is not a "
                    f"step of this guide ({', '.join(sorted(step_ids))}); it shows in no step's "
                    "progress.",
                )
            )
    guide_ids = {a.id for a in schedule.expand(ws.guide.activities, ws.as_of)}
    for custom_id in ws.state.custom:
        if custom_id in guide_ids:
            found.append(
                Finding(
                    WARNING,
                    "plan",
                    f"your activity {custom_id} has the same id as one of the "
                    "guide's; remove it and add it again under another id.",
                )
            )
    for item in ws.statuses:
        due = item.activity.due
        if item.activity.weekend and item.status != schedule.DONE and due and due >= ws.as_of:
            found.append(
                Finding(
                    NOTE,
                    "weekend",
                    f"{item.activity.id} is due on {due:%A, %B} {due.day}, {due.year}: plan for "
                    "the Friday before.",
                )
            )
    if ws.state.profile is None or ws.state.profile.track is None:
        found.append(
            Finding(
                NOTE,
                "profile",
                "no track is set: every activity counts. `cimsig init --track new` or "
                "`--track continuing` tells cimsig which ones the guide requires of "
                "your district.",
            )
        )
    if not any(f.level in (WARNING, PROBLEM) for f in found):
        found.append(Finding(OK, "plan", "your plan and the guide agree."))
    return found
