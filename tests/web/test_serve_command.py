"""`cimsig serve` from the command line: the address on a line of its own, Ctrl-C stops it
cleanly (exit 0); other commands never import the web framework."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli.test_startup import _probe


@pytest.mark.slow
def test_serve_prints_the_address_serves_it_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config"),
           "APPDATA": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}  # fmt: skip
    env.pop("CIMSIG_STATE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", "serve", "--no-browser"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        url = lines[1].strip()
        assert url.startswith("http://127.0.0.1:") and "/?key=" in url, lines
        for _ in range(50):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # follows the 303
                    assert "Weekly check-in" in response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopped serving" in out and "Traceback" not in err


@pytest.mark.slow
def test_other_commands_do_not_import_flask_or_waitress(tmp_path: Path) -> None:
    probe = _probe(tmp_path, "next")
    assert "serve" not in probe["commands"]
    import json

    code = (
        "import sys\nfrom cimsig.cli import main\ntry:\n    main(['status'])\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps([m for m in ('flask','waitress','werkzeug') if m in sys.modules]))"
    )
    env = {**os.environ, "CIMSIG_STATE": str(tmp_path / "s.yaml"), "HOME": str(tmp_path),
           "PYTHONPATH": str(Path(__file__).parents[2])}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", "import json\n" + code], env=env,
                            capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [], result.stderr


def test_a_port_in_use_is_a_plain_error(cli: object) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), "--no-browser")  # type: ignore[operator]
    assert result.exit_code == 2, result.output
    assert f"Port {port} cannot be used" in result.stderr and "Traceback" not in result.stderr
