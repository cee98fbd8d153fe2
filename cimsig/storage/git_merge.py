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
# A look at git's index for a note (`status`, `where`, `doctor`): never worth a long wait.
NOTE_TIMEOUT_SECONDS = 5

_ADVICE = (
    "`cimsig merge --git` finishes a `git pull` or `git merge` that stopped on this file; to "
    'merge another copy of the progress file, use cimsig merge "OTHER" --state FILE.'
)


@dataclass(frozen=True, slots=True)
class GitMerge:
    file: Path
    plan: merging.MergePlan
    added: int  # changes of the other side added to this side's history
    zone: str  # the guide's time zone, for the times of the conflicts
    rebasing: bool = False  # a `git rebase` stopped on the file (it goes on with --continue)


def merge_git_sides(file: Path) -> GitMerge:
    """Merge the two sides git keeps of `file` and write the result over it (the file with the
    conflict marks). Nothing is written when either side cannot be read."""
    from cimsig.storage.fileio import atomic_write_text
    from cimsig.storage.state_format import parse_state, to_text

    if not file.is_file():
        raise UsageError(f"There is no file {file}. Name the progress file git left conflicted.")
    if work_tree_of(file) is None:
        raise UsageError(
            f"git has no unfinished merge of {file}: it is in no folder git keeps. {_ADVICE}"
        )
    stages = _unmerged_stages(file, GIT_TIMEOUT_SECONDS, quiet=False)
    if not {2, 3} <= stages:
        raise UsageError(
            f"git has no unfinished merge of {file}: git keeps no two sides of it (its merge "
            f"was finished already, or never stopped on it). {_ADVICE}"
        )
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
    from cimsig.storage.store import MAX_STATE_BYTES

    if len(text.encode("utf-8")) > MAX_STATE_BYTES:  # every command would refuse the result
        raise StateError(
            f"Merged, {file} would be larger than {MAX_STATE_BYTES // 2**20} MB, the most cimsig "
            "reads, so it is unchanged. Move old history to a side file on each branch first "
            "(`cimsig history --archive DATE`), commit that, and merge again."
        )
    mode = file.stat().st_mode & 0o777
    atomic_write_text(file, text, mode=mode)
    return GitMerge(file, plan, plan.new_entries, zone_of(result), _rebasing(file))


def work_tree_of(file: Path) -> Path | None:
    """The top folder of the git work tree `file` is in (one holding `.git`), or None (git is
    not asked: a file outside git costs no process)."""
    for folder in file.absolute().parents:
        try:
            if (folder / ".git").exists():
                return folder
        except OSError:
            return None
    return None


def unfinished(file: Path) -> bool:
    """Whether git stopped merging `file` and keeps both sides of it in its index (`git
    ls-files -u`): a merge that failed or was stopped, its driver killed, leaves the file with
    this side's version only. False outside a git work tree, or when git is not installed."""
    if work_tree_of(file) is None:
        return False
    try:
        return {2, 3} <= _unmerged_stages(file, NOTE_TIMEOUT_SECONDS, quiet=True)
    except StateError:
        return False


def describe_unfinished(file: Path) -> str:
    """What to say of a progress file git has not finished merging, and how to finish it."""
    from cimsig.render.formatting import shell_quote

    quoted = shell_quote(str(file))
    return (
        f"git has not finished merging {file}: it holds this side's version only, without the "
        f"other side's changes (a merge stopped on it). Nothing is lost: run cimsig merge --git "
        f"{quoted}, then git add {quoted} and {_finish(file)}."
    )


def _finish(file: Path) -> str:
    return "git rebase --continue" if _rebasing(file) else "git commit"


def _run_git(file: Path, args: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise StateError("git is not installed here (or not on the PATH), so cimsig cannot read "
                         "the two sides of the merge.")  # fmt: skip
    folder = file.absolute().parent
    try:
        return subprocess.run(
            [git, "--literal-pathspecs", "-C", str(folder), *args],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StateError(f"git could not be run ({exc}).") from None


def _unmerged_stages(file: Path, timeout: float, *, quiet: bool) -> set[int]:
    """The stages git's index holds of `file` while a merge of it is unfinished (2: this
    side, 3: the other side); none when it is merged."""
    done = _run_git(file, ["ls-files", "-u", "-z", "--", file.name], timeout)
    if done.returncode != 0:
        if quiet:
            return set()
        raise StateError(f"git could not read its index for {file}: is the folder a git clone?")
    stages = set()
    for record in done.stdout.split(b"\0"):
        fields = record.split(b"\t", 1)[0].split()
        if len(fields) == 3 and fields[2].isdigit():
            stages.add(int(fields[2]))
    return stages


def _rebasing(file: Path) -> bool:
    """Whether a `git rebase` is under way in the clone that holds `file`."""
    try:
        done = _run_git(
            file, ["rev-parse", "--git-path", "rebase-merge", "--git-path", "rebase-apply"],
            NOTE_TIMEOUT_SECONDS,
        )  # fmt: skip
    except StateError:
        return False
    if done.returncode != 0:
        return False
    folder = file.absolute().parent
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return any((folder / line).is_dir() for line in lines if line)


def _side(file: Path, stage: int) -> str:
    """One side of the unfinished merge, as git keeps it in its index."""
    done = _run_git(file, ["show", f":{stage}:./{file.name}"], GIT_TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise UsageError(f"git has no unfinished merge of {file}: git keeps no two sides of it. "
                         f"{_ADVICE}")  # fmt: skip
    raw = done.stdout
    return (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8", "replace")


def zone_of(state: State) -> str:
    """The time zone of the guide a progress file follows (the bundled guide's when that guide
    is not kept here)."""
    from cimsig.errors import CimsigError
    from cimsig.guide import DEFAULT_TIME_ZONE
    from cimsig.storage import loading

    kept = environment.cohort_guide_path(state.guide) if state.guide else None
    try:
        return loading.load_guide(kept, environment.cache_dir()).time_zone
    except CimsigError:
        return DEFAULT_TIME_ZONE
