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
import stat
from dataclasses import dataclass
from pathlib import Path

from cimsig import merging
from cimsig.errors import CimsigError
from cimsig.render.formatting import shell_quote
from cimsig.state import State
from cimsig.storage.archive import ARCHIVE_MARK, begins_as_archive
from cimsig.storage.state_format import begins_as_progress_file
from cimsig.storage.store import MAX_STATE_BYTES, StateFile

# Files a folder may hold that are read whole as copies (after the quick look that passes over
# backups holding nothing new); a shared folder with more is not read whole.
MAX_CANDIDATES = 20

# Which names are read first: the services' own unmistakable names, then OneDrive's loose
# `state-NAME.yaml` (backups such as `state-backup-2024-12-01.yaml` match it too), then others.
_RANK = {"Dropbox": 0, "Syncthing": 0, "Google Drive": 0, "OneDrive": 1}

# The start of each history line as cimsig writes it: its number, then its id.
_UID_AT_LINE_START = re.compile(rb'\n- \{"seq": [1-9][0-9]{0,11}, "uid": "([^"\\]*)", ')
_HISTORY_KEY = b"\nhistory:\n"


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


@dataclass(frozen=True, slots=True)
class Scan:
    copies: list[SyncCopy]
    unread: int  # files that may hold new work left unread once MAX_CANDIDATES were (0: none)
    problem: str | None = None  # why the progress file could not be read (nothing was scanned)


def find(
    state_file: StateFile,
    state: State,
    cache_dir: Path | None = None,
    *,
    limit: int | None = MAX_CANDIDATES,
    named_only: bool = False,
) -> list[SyncCopy]:
    """The copies beside the progress file that hold changes it lacks, by name."""
    return scan(state_file, state, cache_dir, limit=limit, named_only=named_only).copies


def scan(
    state_file: StateFile,
    state: State,
    cache_dir: Path | None = None,
    *,
    limit: int | None = MAX_CANDIDATES,
    named_only: bool = False,
) -> Scan:
    """`find`, saying how many candidates were left unread. The files a sync service names as
    its conflict copies are read first, then the others newest first: twenty old backups never
    hide a conflict copy (`limit` None reads them all, as `cimsig doctor` does). `named_only`:
    only files named as a sync service names its copies (a quick look, for many districts)."""
    from cimsig.storage import loading

    target = state_file.target
    try:
        names = sorted(p.name for p in target.parent.iterdir())
    except OSError:
        return Scan([], 0)
    candidates: list[tuple[int, float, str, Path, str | None]] = []
    for name in names:
        path = target.parent / name
        if name == target.name or name.startswith(".") or name.endswith((".lock", ".tmp")):
            continue
        # A history archive is named like a OneDrive copy (`state-history-before-...`), and
        # is no copy: reading one, the whole history of a plan, would cost every status.
        if name.startswith(target.stem + ARCHIVE_MARK):
            continue
        try:
            info = path.stat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read: never opened
            continue
        service = made_by(name, target)
        if service is None and (
            named_only or path.suffix not in (".yaml", ".yml") or not begins_as_progress_file(path)
        ):
            continue
        if service is not None and begins_as_archive(path):  # (an archive renamed)
            continue
        rank = _RANK.get(service or "", 2)
        candidates.append((rank, -info.st_mtime, name, path, service))
    candidates.sort()
    ours = _bytes_of(target)
    ours_uids = state.history_uids() if candidates else set()
    found = []
    read = unread = 0
    for _, _, _, path, service in candidates:
        # A backup holding nothing new is passed over without using up the limit: only files
        # that may hold new work count, so backups never hide a copy that holds some.
        if _holds_nothing_new(path, ours, ours_uids):
            continue
        if limit is not None and read >= limit:
            unread += 1
            continue
        read += 1
        try:
            if path.stat().st_size > MAX_STATE_BYTES:
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
    return Scan(found, unread)


def _bytes_of(path: Path) -> bytes | None:
    from cimsig.storage.fileio import read_head

    try:
        return read_head(path, MAX_STATE_BYTES + 1)
    except OSError:
        return None


def _holds_nothing_new(path: Path, ours: bytes | None, ours_uids: set[str]) -> bool:
    """Whether a quick look shows that a file holds no change the progress file lacks: it has
    the progress file's very bytes, or every line of its history begins, as cimsig writes it,
    with the id of a change the progress file has. False when unsure (it is then read whole)."""
    raw = _bytes_of(path)
    if raw is None or len(raw) > MAX_STATE_BYTES:
        return False
    if raw == ours:
        return True
    start = raw.find(_HISTORY_KEY)
    if start < 0:
        return False
    segment = raw[start + len(_HISTORY_KEY) - 1 :]
    if not segment.endswith(b"\n"):
        segment += b"\n"
    ids = _UID_AT_LINE_START.findall(segment)
    if len(ids) != segment.count(b"\n- "):  # a line written some other way: read it whole
        return False
    return {uid.decode("utf-8", "replace") for uid in ids} <= ours_uids


def original_of(copy: Path) -> Path | None:
    """The progress file `copy` is a sync service's conflict copy of, by their names: the
    regular file beside it whose copy would be named so (the longest such name), else None."""
    try:
        siblings = sorted(copy.parent.iterdir(), key=lambda p: -len(p.name))
    except OSError:
        return None
    for path in siblings:
        if path.name == copy.name or path.suffix not in (".yaml", ".yml"):
            continue
        if made_by(copy.name, path) is not None and path.is_file():
            return path
    return None


def describe(copy: SyncCopy, reach: str = "") -> str:
    """One copy in words, with what to do about it. `reach`: the options that name the progress
    file it is a copy of (`--state "PATH"`, `--district NAME`), so that the command shown merges
    into that file, not into whatever file a bare `cimsig merge` would find."""
    what = (
        f"a conflict copy made by {copy.made_by}"
        if copy.made_by != "a renamed copy"
        else "a copy of your progress file"
    )
    changes = "change" if copy.new_changes == 1 else "changes"
    options = f" {reach}" if reach else ""
    return (
        f"{copy.path} is {what}, with {copy.new_changes} {changes} your progress file lacks.\n"
        f"  Run: cimsig merge {shell_quote(str(copy.path))}{options}\n"
        "  (then delete the copy, or add --remove)."
    )


def describe_district_copy(copy: Path, original: Path, service: str, reach: str) -> str:
    """A conflict copy in a district's folder, found by its name only (for many districts);
    `reach`: the options that name that district's progress file (`--district NAME`)."""
    return (
        f"{copy} is a conflict copy made by {service} of the district's progress file "
        f"{original}.\n"
        f"  Run: cimsig merge {shell_quote(str(copy))} {reach}\n"
        "  (then delete the copy, or add --remove)."
    )


def describe_unread(unread: int, reach: str = "") -> str:
    """What to say when the scan was cut short."""
    options = f" {reach}" if reach else ""
    files = "file" if unread == 1 else "files"
    return (
        f"{unread} more {files} beside the progress file that may be copies of it were not "
        f"looked into (there are many). To check them all: cimsig doctor{options}"
    )
