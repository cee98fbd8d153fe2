"""Start-up and scale benchmark for cimsig (a script, not a test).

Each pair of commands is timed side by side in one run: the two commands alternate, so a busy
moment of the machine hits both alike. It prints the median of each and their ratio.

    python benchmarks/startup.py [--runs 21]

Pairs:
  next       `cimsig next` vs `python -c "import typer, rich.console, rich.table, yaml"`
  next-json  `cimsig next --json` vs `python -c "import typer, yaml"`
  scale      `cimsig status --json` on a generated guide of 5,000 activities (2,500 done) vs the
             same command on the bundled guide of 44
Goals: the first two ratios at most 1.15; the scale command under 1 second.

The first two run as a district uses cimsig half-way through the guide: with a progress file
that cimsig itself wrote (a profile, the 32 activities due by June 2025 done, two owners, a note,
a planned date, an own activity, and the history of all that). They are also run once more with
no progress file at all, as on the first day (a settings folder with nothing in it yet).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
AS_OF = "2024-06-01"  # for the scale pair, so that both sides do the same work
SCALE = -1.0  # the goal of the scale pair: under a second, not a ratio


def cimsig_command() -> list[str]:
    script = Path(PY).with_name("cimsig.exe" if os.name == "nt" else "cimsig")
    return [str(script)] if script.exists() else [PY, "-m", "cimsig"]


def run_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def pair(a: list[str], b: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    for argv in (a, b):  # warm the file cache; not counted
        run_once(argv, env)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(run_once(a, env))
        times_b.append(run_once(b, env))
    return statistics.median(times_a), statistics.median(times_b)


def write_big_guide(folder: Path, count: int = 5000) -> tuple[Path, Path]:
    """A guide of `count` dated activities, and a state with every second one done."""
    lines = [
        "format: 1",
        "guide:",
        "  id: bench-guide",
        "  title: Benchmark guide",
        "  steps:",
        *(f"    - {{id: s{n}, name: Step {n}}}" for n in range(5)),
        "activities:",
    ]
    for n in range(count):
        month, day = n % 12 + 1, n % 28 + 1
        lines += [
            f"  - id: activity-{n:05d}",
            f"    step: s{n % 5}",
            f"    title: Benchmark activity number {n} with a realistic length of title text",
            f"    target: Month {month} 2025",
            f"    start: 2025-{month:02d}-01",
            f"    due: 2025-{month:02d}-{day:02d}",
            "    resources: [Step Materials Page, SPP-TAP Webpage]",
        ]
    guide = folder / "big_guide.yaml"
    guide.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = [
        f"  activity-{n:05d}: {{date: '2025-01-02', recorded: '2025-01-02T10:00:00-08:00'}}"
        for n in range(0, count, 2)
    ]
    state = folder / "big_state.yaml"
    state.write_text(
        "version: 1\nguide: bench-guide\ndone:\n" + "\n".join(done) + "\nhistory: []\n",
        encoding="utf-8",
    )
    return guide, state


def write_typical_state(cimsig: list[str], env: dict[str, str]) -> None:
    """A progress file half-way through the guide, made with cimsig's own commands."""
    import json

    def run(*args: str) -> str:
        return subprocess.run(
            [*cimsig, *args], env=env, capture_output=True, text=True, check=True
        ).stdout

    run("init", "--lea", "Sample Unified School District", "--track", "new")
    rows = json.loads(run("list", "--json"))
    for row in rows:
        if row.get("due") and row["due"] < "2025-07-01":
            run("done", row["id"], "--on", row["due"])
    run("assign", "step2-submit-stepwell", "Maria Lopez")
    run("assign", "step3-action-plan", "Maria Lopez")
    run("note", "step3-action-plan", "Waiting on the discipline data from the SIS vendor")
    run("plan", "step3-finalize-plan", "--due", "2025-06-20")
    run("add", "Present the plan to the school board", "--step", "step3", "--due", "2025-06-25")


def compile_package() -> None:
    """Byte-compile cimsig as `pip install` does, so neither side pays for compiling source.

    (This machine sets PYTHONDONTWRITEBYTECODE; an editable install would otherwise compile
    cimsig's modules on every run while the libraries it is compared with come compiled.)
    """
    import compileall

    import cimsig

    compileall.compile_dir(str(Path(cimsig.__file__).parent), quiet=1)


def instructions(argv: list[str], env: dict[str, str]) -> int | None:
    """Instructions executed by a command, counted by valgrind's callgrind (None without it).

    Unlike seconds, the count repeats exactly from run to run, whatever else the machine does.
    """
    import re
    import shutil

    if shutil.which("valgrind") is None:
        return None
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True,
    )  # fmt: skip
    match = re.search(r"Collected : (\d+)", result.stderr)
    return int(match.group(1)) if match else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--instructions", action="store_true",
        help="also count instructions with valgrind (slow, but exact and repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    compile_package()
    cimsig = cimsig_command()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Its own settings folder, so that neither the user's progress nor their cache is used.
        config = str(folder / "config")
        env = {**os.environ, "XDG_CONFIG_HOME": config, "APPDATA": config}
        env["CIMSIG_STATE"] = str(folder / "state.yaml")
        env.pop("CIMSIG_GUIDE", None)
        write_typical_state(cimsig, env)
        # The first day: the default place, with nothing there yet (no named file, no caches).
        first_day = {
            **env,
            "XDG_CONFIG_HOME": str(folder / "fresh"),
            "APPDATA": str(folder / "fresh"),
        }
        first_day.pop("CIMSIG_STATE")
        big_guide, big_state = write_big_guide(folder)
        table = [PY, "-c", "import typer, rich.console, rich.table, yaml"]
        plain = [PY, "-c", "import typer, yaml"]
        pairs = [
            # As a user types it: no --as-of, so "today" is worked out too.
            ("cimsig next", [*cimsig, "next"], env,
             "import typer, rich.console, rich.table, yaml", table, 1.15),
            ("cimsig next --json", [*cimsig, "next", "--json"], env,
             "import typer, yaml", plain, 1.15),
            ("cimsig next, no progress file yet", [*cimsig, "next"], first_day,
             "import typer, rich.console, rich.table, yaml", table, 1.15),
            ("cimsig next --json, no progress file yet", [*cimsig, "next", "--json"], first_day,
             "import typer, yaml", plain, 1.15),
            ("status --json, 5,000 activities",
             [*cimsig, "status", "--json", "--as-of", AS_OF, "--guide", str(big_guide),
              "--state", str(big_state)], env,
             "the same on the bundled 44", [*cimsig, "status", "--json", "--as-of", AS_OF], SCALE),
        ]  # fmt: skip
        rows = []
        for name, argv, run_env, other, other_argv, goal in pairs:
            runs = max(5, args.runs // 3) if goal == SCALE else args.runs
            a, b = pair(argv, other_argv, run_env, runs)
            counts = None
            if args.instructions and goal != SCALE:
                ia, ib = instructions(argv, run_env), instructions(other_argv, run_env)
                counts = (ia, ib) if ia and ib else None
            rows.append((name, other, a, b, goal, counts))

    print(
        f"cimsig start-up benchmark: {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, {args.runs} runs per command, medians"
    )
    print()
    print("| command | median | against | median | ratio | instructions ratio | goal |")
    print("|---|---|---|---|---|---|---|")
    for name, other, a, b, goal, counts in rows:
        ratio = a / b
        if goal == SCALE:
            verdict = "< 1 s: " + ("ok" if a < 1.0 else "missed")
        elif goal is None:
            verdict = "(for comparison)"
        else:
            verdict = f"<= {goal}: " + ("ok" if ratio <= goal else "missed")
        exact = (
            f"{counts[0] / counts[1]:.3f} ({counts[0] / 1e6:.0f}M / {counts[1] / 1e6:.0f}M)"
            if counts
            else "-"
        )
        print(f"| {name} | {a * 1000:.0f} ms | {other} | {b * 1000:.0f} ms | {ratio:.2f} | "
              f"{exact} | {verdict} |")  # fmt: skip


if __name__ == "__main__":
    main()
