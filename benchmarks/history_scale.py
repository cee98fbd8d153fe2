"""How `done` and `status` scale with a long history: build a progress file of N history
entries with cimsig's own State methods, then time warm and cold runs through a subprocess.

    python benchmarks/history_scale.py [ENTRIES] [NOTE_EVERY] [ROUNDS]   (default 50,000, 5, 3)

The history cycles through done, reopen, note, plan and assign; with NOTE_EVERY above 5 only
every NOTE_EVERY-th change is a note (the others are done and reopen), so that the notes kept in
the file (not only in its history) are as many as a district would write: 50,000 changes with a
note every 5th keep 10,000 notes in the file, every 50th 1,000.

Each round also times the same commands on a file of 40 entries, so the figures come with the
ratio to a small plan measured on the same machine at the same moment (this machine's speed
varies by a third from one minute to the next).

cimsig is byte-compiled first, as `pip install` leaves it (this machine sets
PYTHONDONTWRITEBYTECODE: an editable install would compile its source at every run, about 70 ms).

"Cold" runs with an empty cache folder (every file parsed); "warm" as a user runs it, after a
`status` that filled the cache. A `done` is always timed on a fresh copy of the file, so each
one changes it. The original is kept in another folder, so no copy of it lies beside the
progress file (cimsig would look into one as a possible sync conflict copy).
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

from startup import compile_package  # noqa: E402  (this folder: the script's own is on the path)

from cimsig.guide_reader import load_guide  # noqa: E402
from cimsig.records import Plan  # noqa: E402
from cimsig.state import State  # noqa: E402
from cimsig.storage import state_format  # noqa: E402


def build(entries: int, note_every: int = 5) -> str:
    """A progress file whose history holds `entries` changes of every kind."""
    guide = load_guide()
    ids = [a.id for a in guide.activities]
    state = State(guide=guide.id)
    moment = dt.datetime(2024, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    index = 0
    while len(state.history) < entries:
        activity_id = ids[index % len(ids)]
        now = moment + dt.timedelta(minutes=index)
        kind = index % 5
        if (
            note_every > 5
        ):  # done, then reopen, of one activity after the other; now and then a note
            activity_id = ids[(index // 2) % len(ids)]
            kind = 2 if index % note_every == 0 else index % 2
        if kind == 0:
            state.mark_done(activity_id, now.date(), now)
        elif kind == 1:
            state.reopen(activity_id, now)
        elif kind == 2:
            state.add_note(activity_id, f"note {index}: " + "x" * 40, now)
        elif kind == 3:
            state.set_plan(
                activity_id, Plan(dt.date(2024, 6, 1) + dt.timedelta(days=index % 90)), now
            )
        else:
            state.assign(activity_id, f"Person {index % 7}", now)
        index += 1
    return state_format.to_text(state)


def run(state: Path, cache_home: Path, *args: str) -> float:
    env = {**os.environ, "CIMSIG_STATE": str(state), "XDG_CONFIG_HOME": str(cache_home)}
    env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cimsig", *args, "--as-of", "2024-12-31"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    note_every = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    compile_package()  # as an installed cimsig is: not its source compiled at every run
    work = Path(tempfile.mkdtemp(prefix="cimsig-bench-"))
    try:
        (work / "kept").mkdir()
        originals = {"large": work / "kept" / "large.yaml", "small": work / "kept" / "small.yaml"}
        text = build(entries, note_every)
        originals["large"].write_text(text)
        originals["small"].write_text(build(40, note_every))
        size = len(text.encode()) / 1024 / 1024
        print(f"{entries:,} history entries, a note every {note_every}: {size:.1f} MB")
        (work / "plan").mkdir()
        state = work / "plan" / "state.yaml"
        results: dict[str, dict[str, list[float]]] = {"large": {}, "small": {}}
        for round_ in range(rounds):
            for kind, original in originals.items():
                for command in (["status"], ["done", "prep-assurance"]):
                    shutil.copy(original, state)
                    cache = work / f"cache-{kind}-{round_}-{command[0]}"
                    cold = run(state, cache, *command)
                    shutil.copy(original, state)
                    run(state, cache, "status")  # a user looks first: the cache is filled
                    warm = run(state, cache, *command)
                    results[kind].setdefault(f"{command[0]} cold", []).append(cold)
                    results[kind].setdefault(f"{command[0]} warm", []).append(warm)
        for name, times in results["large"].items():
            large = statistics.median(times)
            small = statistics.median(results["small"][name])
            print(
                f"{name:12} median {large:.2f} s  (of {len(times)});"
                f"  40 entries {small:.2f} s, ratio {large / small:.2f}"
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
