"""Copies of the progress file that a sync service left beside it, holding changes it lacks.

When two computers change a synced file before the service catches up, the service keeps both:
Dropbox as "state (conflicted copy 2024-10-01).yaml", OneDrive as "state-LAPTOP.yaml", Google
Drive as "state (1).yaml", Syncthing as "state.sync-conflict-20241001-093000-ABCDEFG.yaml". A
person may also have renamed one. A file beside the progress file counts when it is a progress
file of the same plan (`merging.same_plan`) that shares history with it, holding changes the
progress file lacks: a backup
that holds nothing new is not mentioned. Nothing here changes a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cimsig import merging
from cimsig.errors import CimsigError
from cimsig.state import State
from cimsig.state_format import ARCHIVE_MARK, begins_as_archive, begins_as_progress_file
from cimsig.store import MAX_STATE_BYTES, StateFile

# Files a folder may hold that are looked into; a shared folder with more is not scanned whole.
MAX_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class SyncCopy:
    path: Path
    made_by: str  # which service's naming it follows, in words
    new_changes: int  # changes it holds that the progress file lacks


def made_by(name: str, progress: Path) -> str | None:
    """Which sync service names a conflict copy of `progress` like `name`; None: none does."""
    stem, suffix = re.escape(progress.stem), re.escape(progress.suffix)
    patterns = (
        ("Dropbox", rf"{stem} \(.*conflicted copy.*\).*{suffix}"),
        ("Syncthing", rf"{stem}\.sync-conflict-.*{suffix}"),
        ("Google Drive", rf"{stem} \(\d+\){suffix}"),
        ("OneDrive", rf"{stem}-[^.\s]+{suffix}"),
    )
    for service, pattern in patterns:
        if re.fullmatch(pattern, name, flags=re.IGNORECASE):
            return service
    return None


def find(state_file: StateFile, state: State, cache_dir: Path | None = None) -> list[SyncCopy]:
    """The copies beside the progress file that hold changes it lacks, by name."""
    from cimsig import loading

    target = state_file.target
    try:
        names = sorted(p.name for p in target.parent.iterdir())
    except OSError:
        return []
    found = []
    looked = 0
    for name in names:
        path = target.parent / name
        if name == target.name or name.startswith(".") or name.endswith((".lock", ".tmp")):
            continue
        # A history archive is named like a OneDrive copy (`state-history-before-...`), and
        # is no copy: reading one, the whole history of a plan, would cost every status.
        if name.startswith(target.stem + ARCHIVE_MARK):
            continue
        service = made_by(name, target)
        if service is None and not (
            path.suffix in (".yaml", ".yml") and begins_as_progress_file(path)
        ):
            continue
        if service is not None and begins_as_archive(path):  # (an archive renamed)
            continue
        looked += 1
        if looked > MAX_CANDIDATES:
            break
        try:
            if not path.is_file() or path.stat().st_size > MAX_STATE_BYTES:
                continue
            other = loading.load_state(StateFile(path), cache_dir)
        except (CimsigError, OSError):
            continue
        # Another district's plan, or a file that shares no change with this one (a plan
        # started on its own, not a copy of this one): neither is offered for merging.
        if merging.same_plan(state, other) is not None or merging.unrelated(state, other):
            continue
        new = merging.new_entries(state, other)
        if new:
            found.append(SyncCopy(path, service or "a renamed copy", new))
    return found


def describe(copy: SyncCopy) -> str:
    """One copy in words, with what to do about it."""
    what = (
        f"a conflict copy made by {copy.made_by}"
        if copy.made_by != "a renamed copy"
        else "a copy of your progress file"
    )
    changes = "change" if copy.new_changes == 1 else "changes"
    return (
        f"{copy.path} is {what}, with {copy.new_changes} {changes} your progress file lacks.\n"
        f'  Run: cimsig merge "{copy.path}"\n'
        "  (then delete the copy, or add --remove)."
    )
