"""At 60 columns: ids in the history break only at a dash, the undo question wraps at spaces."""

from __future__ import annotations

import subprocess
import sys


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


# -- 60 columns: ids in history, the undo question ---------------------------------------


def test_history_at_60_columns_breaks_an_id_only_at_a_dash(cli, monkeypatch) -> None:
    # 58: with the real clock's longer "When" (Nov 29, 2026 23:06) the trial saw this at 60
    monkeypatch.setenv("COLUMNS", "58")
    ok(cli("done", "step4-unduplicated-count-2025", "--as-of", "2025-08-01"))
    shown = ok(cli("history"))
    assert "…" not in shown
    lines = [line.strip() for line in shown.splitlines()]
    rows = [line.split("PST", 1)[-1].strip() if "PST" in line else line for line in lines]
    joined = "".join(r for r in rows if r.startswith(("step4", "2025:", "count-", "unduplicated")))
    assert "step4-unduplicated-count-2025:" in joined.replace(" ", "")
    assert not any(line.endswith(("202", "2…")) for line in lines)


def test_the_question_to_undo_someone_elses_change_wraps_at_spaces(
    cli, monkeypatch, tmp_path
) -> None:
    import os
    import select
    import time

    monkeypatch.setattr("cimsig.environment.user_name", lambda: "Maria Gonzalez-Whitfield")
    ok(cli("done", "step4-unduplicated-count-2025", "--as-of", "2025-08-01"))
    main, other = os.openpty()
    env = {**os.environ, "COLUMNS": "60"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", "undo"], env=env, stdin=other, stdout=other,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(other)
    seen, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline and b"Undo it?" not in seen:
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            seen += os.read(main, 4096)
        elif proc.poll() is not None:
            break
    os.write(main, b"n\n")
    assert proc.wait(timeout=60) == 0
    os.close(main)
    lines = [line for line in seen.decode().replace("\r", "").splitlines() if line.strip()]
    question = lines[lines.index(next(x for x in lines if x.startswith("The latest"))) :]
    assert len(question) > 1 and all(len(line) <= 60 for line in question)
    assert all(line.startswith("  ") for line in question[1:])
    words = " ".join(line.strip() for line in question)
    assert "change 1 (marked done (done on Aug 1, 2025)), made by Maria Gonzalez-Whitfield on" in (
        words
    )  # every word whole: a line broken inside a word would leave a space in it
