"""Each command imports only what it uses, checked in a fresh process (no timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("rich", "dateutil", "icalendar")

_PROBE = """
import json, sys
from cimsig.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = [m for m in ("rich", "dateutil", "icalendar", "pydantic") if m in sys.modules]
groups = sorted(m.split(".")[-1] for m in sys.modules if m.startswith("cimsig.commands."))
sys.stderr.write("\\nIMPORTED " + json.dumps({"heavy": heavy, "commands": groups}) + "\\n")
"""


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The heavy libraries a command imported."""
    return set(_probe(tmp_path, *args)["heavy"])


def _probe(tmp_path: Path, *args: str) -> dict[str, list[str]]:
    """What a command imported: heavy libraries, and groups of commands."""
    env = {
        **os.environ,
        "CIMSIG_STATE": str(tmp_path / "state.yaml"),
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        "APPDATA": str(tmp_path),
    }
    env.pop("CIMSIG_GUIDE", None)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("IMPORTED "), result.stderr
    result_: dict[str, list[str]] = json.loads(line.removeprefix("IMPORTED "))
    return result_


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("where",),
        ("where", "--json"),
        ("list", "--json", "--as-of", "2024-04-20"),
        ("show", "assurance", "--json", "--as-of", "2024-04-20"),
        ("status", "--json", "--as-of", "2024-04-20"),
        ("next", "--json", "--as-of", "2024-06-01"),
        ("done", "assurance", "--json", "--as-of", "2024-04-20"),
        ("export", "json", "--as-of", "2024-04-20"),
        ("doctor", "--json", "--as-of", "2024-04-20"),
    ],
)
def test_machine_output_imports_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert imported(tmp_path, *args) == set()


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "2024-04-20"),
        ("next", "--as-of", "2024-06-01"),
        ("list", "--as-of", "2024-04-20"),
        ("show", "assurance", "--as-of", "10/1/2024"),
        ("timeline", "--as-of", "2024-06-01"),
    ],
)
def test_tables_import_rich_only(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert imported(tmp_path, *args) == {"rich"}


def test_dateutil_only_for_a_month_name_and_icalendar_only_for_ics(tmp_path: Path) -> None:
    assert imported(tmp_path, "next", "--as-of", "Jun 1 2024") == {"rich", "dateutil"}
    assert "icalendar" in imported(tmp_path, "export", "ics", "--as-of", "2024-06-01")


@pytest.mark.parametrize(
    ("args", "modules"),
    [
        (("next", "--json", "--as-of", "2024-06-01"), ["progress"]),
        (("where",), ["guide_info"]),
        (("export", "md", "--as-of", "2024-06-01"), ["sharing"]),
        (("assign", "assurance", "Ana"), ["district_plan"]),
        (("history", "--json"), ["history"]),
        (("overview", "--json"), ["districts"]),
        (
            ("--help",),
            [
                "copies",
                "district_plan",
                "districts",
                "guide_info",
                "guides",
                "help_topics",
                "history",
                "progress",
                "serve",
                "sharing",
            ],
        ),
    ],
)
def test_a_command_loads_only_its_own_module(
    tmp_path: Path, args: tuple[str, ...], modules: list[str]
) -> None:
    assert _probe(tmp_path, *args)["commands"] == modules


def test_main_can_run_one_command_after_another_in_one_process(capsys) -> None:
    from cimsig.cli import main

    for args in (["where"], ["list", "--json", "--as-of", "2024-04-20"], ["where", "--json"]):
        with pytest.raises(SystemExit) as ended:
            main(args)
        assert ended.value.code == 0, capsys.readouterr().err
    assert '"id": "prep-assurance"' in capsys.readouterr().out


def test_every_command_is_in_its_module_and_has_help() -> None:
    import importlib

    from cimsig.cli import COMMAND_MODULES

    for name, module_name in COMMAND_MODULES.items():
        commands = importlib.import_module(f"cimsig.commands.{module_name}").commands
        names = [c.name for c in commands.registered_commands]
        names += [g.name for g in commands.registered_groups]
        assert name in names, name
    for module_name in set(COMMAND_MODULES.values()):
        commands = importlib.import_module(f"cimsig.commands.{module_name}").commands
        for info in commands.registered_commands:
            assert info.callback is not None and info.callback.__doc__, info.name
