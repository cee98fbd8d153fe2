"""docs/modules.md, the module map, lists every module of cimsig/ and no other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^- `(?P<path>cimsig/[^`]+\.py)`: \S")


def test_the_module_map_matches_the_code() -> None:
    lines = (ROOT / "docs" / "modules.md").read_text(encoding="utf-8").splitlines()
    listed = [m["path"] for line in lines if (m := ENTRY.match(line))]
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "cimsig").rglob("*.py"))
    assert len(listed) == len(set(listed)), "a module is listed twice in docs/modules.md"
    missing = sorted(set(modules) - set(listed))
    assert not missing, f"docs/modules.md does not list {missing}: add one line for each"
    gone = sorted(set(listed) - set(modules))
    assert not gone, f"docs/modules.md lists modules that do not exist: {gone}"
