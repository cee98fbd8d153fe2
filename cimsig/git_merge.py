"""Finishing a `git pull` that left conflict marks in a progress file: `cimsig merge --git FILE`.

Without cimsig's merge driver, git writes both versions into the file between `<<<<<<<` and
`>>>>>>>`, and keeps each whole version in its index: stage 2 is this side's (`git show
:2:FILE`), stage 3 the other side's (`:3:FILE`). Both are read from there, merged as `cimsig
merge` merges two copies, and the result replaces the file, ready for `git add`.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cimsig import environment, merging
from cimsig.errors import StateError, UsageError
from cimsig.state import State

GIT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class GitMerge:
    file: Path
    plan: merging.MergePlan
    added: int  # changes of the other side added to this side's history
    zone: str  # the guide's time zone, for the times of the conflicts


def merge_git_sides(file: Path) -> GitMerge:
    """Merge the two sides git keeps of `file` and write the result over it (the file with the
    conflict marks). Nothing is written when either side cannot be read."""
    from cimsig.fileio import atomic_write_text
    from cimsig.state_format import parse_state, to_text

    if not file.is_file():
        raise UsageError(f"There is no file {file}. Name the progress file git left conflicted.")
    ours_text = _side(file, 2)
    theirs_text = _side(file, 3)
    ours = parse_state(ours_text, Path(f"{file} (this side, git's :2:)"))
    theirs = parse_state(theirs_text, Path(f"{file} (the other side, git's :3:)"))
    merging.check_same_plan(ours, theirs, f"the other side of {file}")
    if merging.unrelated(ours, theirs):
        raise StateError(
            f"The two sides of {file} share no change: they are not copies of one progress file "
            "but plans started on their own, so cimsig has not merged them. The file is unchanged."
        )
    result, plan, _ = merging.merged(ours, theirs, environment.now(), environment.user_name())
    text = to_text(result)
    from cimsig.store import MAX_STATE_BYTES

    if len(text.encode("utf-8")) > MAX_STATE_BYTES:  # every command would refuse the result
        raise StateError(
            f"Merged, {file} would be larger than {MAX_STATE_BYTES // 2**20} MB, the most cimsig "
            "reads, so it is unchanged. Move old history to a side file on each branch first "
            "(`cimsig history --archive DATE`), commit that, and merge again."
        )
    mode = file.stat().st_mode & 0o777
    atomic_write_text(file, text, mode=mode)
    return GitMerge(file, plan, plan.new_entries, zone_of(result))


def _side(file: Path, stage: int) -> str:
    """One side of the unfinished merge, as git keeps it in its index."""
    git = shutil.which("git")
    if git is None:
        raise StateError("git is not installed here (or not on the PATH), so cimsig cannot read "
                         "the two sides of the merge.")  # fmt: skip
    folder = file.absolute().parent
    try:
        done = subprocess.run(
            [git, "-C", str(folder), "show", f":{stage}:./{file.name}"],
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StateError(f"git could not be run ({exc}).") from None
    if done.returncode != 0:
        raise UsageError(
            f"git has no unfinished merge of {file} (it keeps no two sides of it: "
            f"{done.stderr.decode('utf-8', 'replace').strip() or 'no message'}). `cimsig merge "
            "--git` finishes a `git pull` or `git merge` that stopped on this file; to merge "
            'another copy of the progress file, use cimsig merge "OTHER" --state FILE.'
        )
    raw = done.stdout
    return (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8", "replace")


def zone_of(state: State) -> str:
    """The time zone of the guide a progress file follows (the bundled guide's when that guide
    is not kept here)."""
    from cimsig import loading
    from cimsig.errors import CimsigError

    cache = environment.cache_dir()
    try:
        bundled = loading.load_guide(None, cache)
        if state.guide in (None, bundled.id):
            return bundled.time_zone
        kept = environment.guides_dir() / f"{environment.safe_file_name(state.guide)}.yaml"
        if kept.is_file():
            return loading.load_guide(kept, cache).time_zone
        return bundled.time_zone
    except CimsigError:
        return "America/Los_Angeles"
