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
AS_OF = "2024-06-01"


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


def compile_package() -> None:
    """Byte-compile cimsig as `pip install` does, so neither side pays for compiling source.

    (This machine sets PYTHONDONTWRITEBYTECODE; an editable install would otherwise compile
    cimsig's modules on every run while the libraries it is compared with come compiled.)
    """
    import compileall

    import cimsig

    compileall.compile_dir(str(Path(cimsig.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    compile_package()
    cimsig = cimsig_command()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "CIMSIG_STATE": str(folder / "state.yaml")}
        env.pop("CIMSIG_GUIDE", None)
        big_guide, big_state = write_big_guide(folder)
        rows = []
        a, b = pair(
            [*cimsig, "next", "--as-of", AS_OF],
            [PY, "-c", "import typer, rich.console, rich.table, yaml"],
            env, args.runs,
        )  # fmt: skip
        rows.append(("cimsig next", "import typer, rich.console, rich.table, yaml", a, b, 1.15))
        a, b = pair(
            [*cimsig, "next", "--as-of", AS_OF, "--json"],
            [PY, "-c", "import typer, yaml"],
            env, args.runs,
        )  # fmt: skip
        rows.append(("cimsig next --json", "import typer, yaml", a, b, 1.15))
        big = [*cimsig, "status", "--json", "--as-of", AS_OF, "--guide", str(big_guide),
               "--state", str(big_state)]  # fmt: skip
        small = [*cimsig, "status", "--json", "--as-of", AS_OF]
        a, b = pair(big, small, env, max(5, args.runs // 3))
        rows.append(("status --json, 5,000 activities", "the same, bundled 44", a, b, None))

    print(f"cimsig start-up benchmark: {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} cores, {args.runs} runs per command, medians")  # fmt: skip
    print()
    print(
        f"| {'command':<32} | {'median':>7} | {'against':<46} | {'median':>7} | {'ratio':>5} | goal |"
    )
    print(f"|{'-' * 34}|{'-' * 9}|{'-' * 48}|{'-' * 9}|{'-' * 7}|------|")
    for name, other, a, b, goal in rows:
        verdict = ("ok" if a / b <= goal else "MISS") if goal else ("ok" if a < 1.0 else "MISS")
        goal_text = f"<={goal}" if goal else "<1 s"
        print(f"| {name:<32} | {a * 1000:5.0f}ms | {other:<46} | {b * 1000:5.0f}ms | "
              f"{a / b:5.2f} | {goal_text} {verdict} |")  # fmt: skip


if __name__ == "__main__":
    main()
