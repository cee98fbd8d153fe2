"""`cimsig serve` benchmark (a script, not a test): the median time to serve the home page and
to make a change over HTTP, against the same work on the command line, and the server's memory.

    python benchmarks/serve.py [--runs 21]

The server runs as `cimsig serve --no-browser` in a subprocess (waitress), on a progress file
cimsig wrote (32 activities done); the page is the weekly check-in, the change an `assign`;
the command line does `cimsig status` and `cimsig assign`.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

PY = sys.executable


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    home = Path(tempfile.mkdtemp())
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "APPDATA": str(home)}  # fmt: skip
    env.pop("CIMSIG_STATE", None)

    def cli(*args: str) -> None:
        subprocess.run([PY, "-m", "cimsig", *args], env=env, check=True, capture_output=True)

    cli("init", "--lea", "Bench USD", "--track", "new")
    cli("done", "--through", "2025-06-30", "--yes", "--on", "2025-06-30")
    server = subprocess.Popen([PY, "-m", "cimsig", "serve", "--no-browser"], env=env,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout is not None
    server.stdout.readline()
    url = server.stdout.readline().strip()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = url.split("/?")[0]
    for _ in range(50):
        try:
            opener.open(url).read()
            break
        except OSError:
            time.sleep(0.1)
    page = opener.open(base + "/").read().decode()
    target = re.search(r'href="/activity/([^"?]+)"', page)
    assert target
    activity = target.group(1)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token

    def timed(work: object) -> float:
        start = time.perf_counter()
        work()  # type: ignore[operator]
        return time.perf_counter() - start

    figures: dict[str, list[float]] = {k: [] for k in ("page", "status", "post", "assign")}
    for n in range(runs):
        figures["page"].append(timed(lambda: opener.open(base + "/").read()))
        figures["status"].append(timed(lambda: cli("status")))
        body = urllib.parse.urlencode({"owner": f"Person {n}", "csrf": token.group(1)}).encode()
        request = urllib.request.Request(
            f"{base}/activity/{activity}/assign", data=body,
            headers={"Origin": base},
        )  # fmt: skip
        figures["post"].append(timed(lambda r=request: opener.open(r).read()))
        figures["assign"].append(timed(lambda n=n: cli("assign", activity, f"CLI {n}")))
    rss = "?"
    status_file = Path(f"/proc/{server.pid}/status")
    if status_file.exists():
        found = re.search(r"VmRSS:\s+(\d+) kB", status_file.read_text())
        rss = f"{int(found.group(1)) / 1024:.1f} MB" if found else "?"
    server.terminate()
    server.wait()

    def ms(key: str) -> str:
        return f"{statistics.median(figures[key]) * 1000:.0f} ms"

    print(f"runs: {runs}")
    print(f"home page over HTTP: {ms('page')}   "
          f"`cimsig status`: {ms('status')}")  # fmt: skip
    print(f"a change over HTTP (assign, POST + redirect): {ms('post')}   "
          f"`cimsig assign`: {ms('assign')}")  # fmt: skip
    print(f"server memory (RSS) after {runs * 2} requests: {rss}")


if __name__ == "__main__":
    main()
