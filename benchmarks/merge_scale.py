"""How long merging two copies of a progress file takes when each holds a long history.

    python benchmarks/merge_scale.py [ENTRIES]      (default 10,000 per copy)

Two copies share the first tenth of their history, then each gets its own changes (the same
activities changed in both, so there are conflicts to list) until it holds ENTRIES entries. It
times `cimsig merge OTHER` as a user runs it (a new process, a cold cache: both files parsed as
YAML, merged, written), and the merge alone (`merging.plan_merge` + `apply_merge`) in-process.
The goal: under 2 seconds for 10,000 entries a copy.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from cimsig import merging  # noqa: E402
from cimsig.guide_reader import load_guide  # noqa: E402
from cimsig.records import Plan, Profile  # noqa: E402
from cimsig.state import State  # noqa: E402
from cimsig.storage import state_format  # noqa: E402

MOMENT = dt.datetime(2024, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


def grow(state: State, ids: list[str], until: int, start: int, step: int) -> None:
    index = start
    while len(state.history) < until:
        activity_id = ids[index % len(ids)]
        now = MOMENT + dt.timedelta(seconds=index)
        kind = index % 5
        if kind == 0:
            state.mark_done(activity_id, now.date(), now)
        elif kind == 1:
            state.reopen(activity_id, now)
        elif kind == 2:
            state.add_note(activity_id, f"note {index}: " + "x" * 40, now)
        elif kind == 3:
            due = dt.date(2024, 6, 1) + dt.timedelta(days=index % 90)
            state.set_plan(activity_id, Plan(due), now)
        else:
            state.assign(activity_id, f"Person {index % 7}", now)
        index += step


def build(entries: int) -> tuple[State, State]:
    ids = [a.id for a in load_guide().activities]
    base = State(guide="cim-sigdis-2024")
    base.set_profile(Profile("Sunnyvale USD", "new"), MOMENT)
    grow(base, ids, entries // 10, 1, 1)
    ours, theirs = merging.copy_state(base), merging.copy_state(base)
    ours.author, theirs.author = "maria", "jo"
    grow(ours, ids, entries, 100_000, 2)
    grow(theirs, ids, entries, 100_001, 3)
    return ours, theirs


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    ours, theirs = build(entries)
    work = Path(tempfile.mkdtemp(prefix="cimsig-merge-bench-"))
    try:
        mine, other = work / "state.yaml", work / "state (1).yaml"
        other.write_text(state_format.to_text(theirs))
        original = state_format.to_text(ours)
        size = len(original.encode()) / 1024 / 1024
        print(f"two copies of {entries:,} history entries each ({size:.1f} MB each)")
        pure = []
        for _ in range(5):
            started = time.perf_counter()
            copy = merging.copy_state(ours)
            plan = merging.plan_merge(copy, theirs)
            merging.apply_merge(copy, plan, MOMENT + dt.timedelta(days=400))
            pure.append(time.perf_counter() - started)
        print(
            f"merge alone (in-process): median {statistics.median(pure):.3f} s; "
            f"{plan.new_entries:,} entries added, {len(plan.conflicts)} conflicts"
        )
        whole = []
        for run in range(3):
            mine.write_text(original)
            cache = work / f"cache-{run}"
            env = {**os.environ, "XDG_CONFIG_HOME": str(cache), "PYTHONPATH": str(ROOT)}
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "cimsig", "merge", str(other), "--state", str(mine)],
                env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            whole.append(time.perf_counter() - started)
        print(
            f"cimsig merge (new process, cold cache): median {statistics.median(whole):.2f} s, "
            f"runs {', '.join(f'{t:.2f}' for t in whole)} (goal: under 2 s)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
