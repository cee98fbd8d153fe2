"""The shape of the code: public Typer and Click API only, and no import circle between
cimsig's modules (a circle makes the order of imports matter and the layers meaningless)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "cimsig"


def _sources() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def test_no_private_typer_or_click_name_is_used() -> None:
    private = re.compile(r"^(typer|click)(\.\w+)*\._\w+|^typer\._click")
    used = []
    for module, tree in _sources().items():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                names = [f"{node.value.id}.{node.attr}"]
            used += [(module, n) for n in names if private.match(n)]
    assert used == []


def test_no_import_circle() -> None:
    sources = _sources()
    imports: dict[str, set[str]] = {}
    for module, tree in sources.items():
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        # (a package's own modules importing the package itself are not a circle of layers)
        imports[module] = {
            m for m in found if m in sources and m != module and not module.startswith(m + ".")
        }

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            for there in imports[here] - seen:
                if there == goal:
                    return True
                seen.add(there)
                todo.append(there)
        return False

    circles = sorted(m for m in imports if reaches(m, m))
    assert circles == []
