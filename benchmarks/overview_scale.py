"""How `cimsig overview` scales with the number of districts (a script, not a test).

    python benchmarks/overview_scale.py [DISTRICTS ...]      (default: 1 250 500 1000)

Each district follows the bundled guide and has a year of work: 20 activities done, a few
owners, notes and own dates, each recorded on its own day through 2024-25 (about 40 history
entries), written with cimsig's own State methods. `overview --json --as-of 2025-06-01` is
timed through a subprocess, cold (no cache yet) and warm (the cache the cold run left); the
median of 5 warm runs. Prints the time per district and the ratio to one district.
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

from cimsig.guide_reader import load_guide  # noqa: E402
from cimsig.records import Plan, Profile  # noqa: E402
from cimsig.state import State  # noqa: E402
from cimsig.storage import state_format  # noqa: E402


def a_year_of_work(name: str, ids: list[str], guide_id: str, seed: int) -> str:
    state = State(guide=guide_id)
    moment = dt.datetime(2024, 4, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    state.set_profile(Profile(lea=name, track="new" if seed % 3 else "continuing"), moment)
    for index, activity_id in enumerate(ids[: 20 + seed % 3]):
        now = moment + dt.timedelta(days=index * 9)
        state.mark_done(activity_id, now.date(), now)
        if index % 4 == 0:
            state.add_note(activity_id, f"Checked with the SELPA, round {index}", now)
        if index % 5 == 0:
            state.assign(ids[(index + 20) % len(ids)], f"Coordinator {seed % 11}", now)
        if index % 6 == 0:
            state.set_plan(
                ids[index + 21], Plan(dt.date(2025, 5, 1) + dt.timedelta(days=index)), now
            )
    return state_format.to_text(state)


def build(home: Path, count: int) -> None:
    guide = load_guide()
    ids = [a.id for a in guide.activities if a.due is not None]
    districts = home / "cimsig" / "districts"
    for number in range(count):
        name = f"District {number:04d} Unified"
        folder = districts / f"district-{number:04d}-unified"
        folder.mkdir(parents=True)
        (folder / f"{guide.id}.yaml").write_text(a_year_of_work(name, ids, guide.id, number))


def run(home: Path) -> float:
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "APPDATA": str(home)}
    env["PYTHONPATH"] = str(ROOT)
    for name in ("CIMSIG_STATE", "CIMSIG_DISTRICT", "CIMSIG_GUIDE"):
        env.pop(name, None)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cimsig", "overview", "--json", "--as-of", "2025-06-01"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [1, 250, 500, 1000]
    print("| districts | cold | warm (median of 5) | warm per district | warm ratio to 1 |")
    print("|---|---|---|---|---|")
    one = None
    for count in counts:
        home = Path(tempfile.mkdtemp(prefix="cimsig-overview-"))
        try:
            build(home, count)
            cold = run(home)
            warm = statistics.median(run(home) for _ in range(5))
            one = one if one is not None else warm
            print(f"| {count:,} | {cold:.2f} s | {warm:.2f} s | "
                  f"{warm / count * 1000:.1f} ms | {warm / one:.1f} |")  # fmt: skip
        finally:
            shutil.rmtree(home)


if __name__ == "__main__":
    main()
