"""Every command's help screen as the lazy group builds it: the options the command declares,
`--district` where a command works on one district, and nothing Typer adds on its own."""

from __future__ import annotations

import pytest

from cimsig.cli.entry import COMMAND_MODULES

GROUPS = {"district": ["add", "list", "import", "rename", "remove"], "guide": ["list", "new"],
          "export": ["ics", "csv", "xlsx", "md", "json", "html"]}  # fmt: skip
WITHOUT_DISTRICT = {"district", "overview", "merge-driver", "help", "guide"}
EVERY = [[name, *([sub] if sub else [])] for name in COMMAND_MODULES
         for sub in GROUPS.get(name, [None])]  # fmt: skip


@pytest.mark.parametrize("words", EVERY, ids=" ".join)
def test_a_help_screen_has_only_cimsigs_own_options(cli, monkeypatch, words) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = cli(*words, "--help")
    assert result.exit_code == 0, result.output
    assert "--install-completion" not in result.stdout
    assert "--show-completion" not in result.stdout
    assert ("--district" in result.stdout) == (words[0] not in WITHOUT_DISTRICT)
    assert "[env var: CIMSIG_DISTRICT]" not in result.stdout
