"""The transcripts in README.md and docs/*.md are what cimsig prints, so they cannot drift.

A transcript is a fenced block (```) with lines that start with `$ cimsig`; the lines after a
command, up to the next `$ ` line or the end of the block, are what it prints (standard output
and standard error as a person sees them, in one stream). Each block is one session: its
commands run in order, through the real command line, in a home folder of their own, with the
clock fixed (tests/conftest.py) and colours off.

In the expected output:
- a line holding only `...` (indented or not) stands for any number of lines, none included;
- the home folder is written `/home/maria`, in commands and output (the test's own home, of the
  same length, is put in its place, so lines wrap as they do in the docs), and the bundled
  guide `/home/maria/cimsig/data/pacing_2024.yaml` (cimsig unpacked in the home folder);
- an answer to a question is written after it (`Record these 3 in one change? [y/N]: y`): the
  test types it, as at a terminal.

An HTML comment on the line before the block's opening fence gives instructions, separated by
`;`:
- `docs-test: skip REASON`: the block is not run (it needs a real clock, a network ...);
- `docs-test: continues`: the session goes on from the block before it in the same file (same
  home, same working folder);
- `docs-test: columns=N`: the terminal is N columns wide (default 80);
- `docs-test: setup=COMMAND`: run `cimsig COMMAND` first, output unchecked (may be repeated);
- `docs-test: clock=2024-04-01T09:00-07:00`: the moment changes are recorded, and "today",
  for the commands without `--as-of DATE` (a command with one is typed on that day, at the
  clock's time).

After changing what a command prints, `CIMSIG_UPDATE_DOCS=1 pytest tests/test_docs.py` writes
what cimsig prints now into the transcripts that differ (not those with `...`: fix them by
hand), then fails, so that the change is read before it is committed.

What a person does by hand between two commands (filling in a spreadsheet) is done by the
functions in HAND_STEPS, keyed by the command line that follows it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import secrets
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cimsig import environment
from cimsig.cli import app
from cimsig.guide import bundled_guide_path

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOC_HOME = "/home/maria"
DOC_GUIDE = "/home/maria/cimsig/data/pacing_2024.yaml"
DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(?P<body>.*?)\s*-->\s*$")
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # styles a terminal shows, not characters
ANSWER = re.compile(r"\[y/N\]: (?P<answer>\S+)\s*$")
# When the docs' sessions happen: a command without --as-of sees this day (tests/conftest.py
# fixes the moment changes are recorded; this fixes "today" to the same moment).
TODAY_MOMENT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


@dataclass
class Command:
    line: int
    text: str
    expected: list[str]


@dataclass
class Block:
    path: Path
    line: int
    commands: list[Command]
    columns: int = 80
    skip: str | None = None
    continues: bool = False
    setup: list[str] = field(default_factory=list)
    clock: dt.datetime = TODAY_MOMENT

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _directives(text: str, block: Block) -> None:
    for part in text.split(";"):
        part = part.strip()
        if part.startswith("skip"):
            block.skip = part[len("skip") :].strip() or "no reason given"
        elif part == "continues":
            block.continues = True
        elif part.startswith("columns="):
            block.columns = int(part[len("columns=") :])
        elif part.startswith("clock="):
            block.clock = dt.datetime.fromisoformat(part[len("clock=") :])
        elif part.startswith("setup="):
            block.setup.append(part[len("setup=") :])
        elif part:
            raise ValueError(f"unknown docs-test instruction {part!r}")


def parse(path: Path) -> list[Block]:
    """Every fenced block of `path` that holds a `$ cimsig` line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        start = i
        i += 1
        body: list[tuple[int, str]] = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append((i + 1, lines[i]))
            i += 1
        i += 1  # the closing fence
        if not any(text.startswith("$ cimsig") for _, text in body):
            continue
        block = Block(path, start + 1, [])
        if start > 0 and (match := DIRECTIVE.match(lines[start - 1])):
            _directives(match["body"], block)
        for number, text in body:
            if text.startswith("$ "):
                if not text.startswith("$ cimsig "):
                    raise ValueError(f"{path.name}:{number}: only cimsig commands can be checked")
                block.commands.append(Command(number, text[2:], []))
            elif block.commands:
                block.commands[-1].expected.append(text)
            elif text.strip():
                raise ValueError(f"{path.name}:{number}: output before the first command")
        blocks.append(block)
    return blocks


def sessions() -> Iterator[list[Block]]:
    """The blocks, a block that continues another one run with it."""
    for path in DOC_FILES:
        chain: list[Block] = []
        for block in parse(path):
            if block.continues and chain:
                chain.append(block)
                continue
            if chain:
                yield chain
            chain = [block]
        if chain:
            yield chain


def matches(expected: list[str], actual: str) -> bool:
    """Whether `actual` is `expected`, an `...` line standing for any lines."""
    pattern = ""
    for line in _trimmed(expected):
        if line.strip() == "...":
            pattern += r"(?:[^\n]*\n)*?"
        else:
            pattern += re.escape(line.rstrip()) + r"\n"
    return re.fullmatch(pattern, actual) is not None


def _trimmed(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _typed_on(command: str, clock: dt.datetime) -> dt.datetime:
    """When a person types `command`: at 9 a.m. on its `--as-of` day (the day the docs' story is
    on), else at the block's clock. cimsig refuses to record work done after today."""
    words = shlex.split(command)
    if "--as-of" in words[:-1]:
        try:
            day = dt.date.fromisoformat(words[words.index("--as-of") + 1])
        except ValueError:
            return clock
        return dt.datetime.combine(day, clock.timetz())
    return clock


def _short_home() -> Path:
    """A fresh folder whose path is as long as the docs' home, so lines wrap as they show."""
    bases = [Path("/tmp"), Path(tempfile.gettempdir())]  # macOS's own temp folder is long
    for base in bases:
        length = len(DOC_HOME) - len(str(base)) - 1
        if length < 4 or not base.is_dir():
            continue
        for _ in range(100):
            home = base / secrets.token_hex(8)[:length]
            try:
                home.mkdir()
            except FileExistsError:
                continue
            except OSError:
                break
            return home
    pytest.skip(f"no temporary folder with a path as short as {DOC_HOME}: lines would wrap apart")


def _fill_plan_csv(home: Path) -> None:
    """What the coordinator types into the exported spreadsheet (README: catching up)."""
    import csv

    path = home / "work" / "plan.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    filled = {
        "prep-assurance": ("2024-04-19", "Signed by the superintendent"),
        "prep-mou-meeting": ("2024-04-18", ""),
        "step1-case-study": ("2024-06-28", ""),
    }
    for row in rows:
        if row["id"] in filled:
            row["done_on"], note = filled[row["id"]]
            row["note"] = note or row["note"]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _sync_conflict_copy(home: Path) -> None:
    """Dropbox, finding the file changed on two computers, keeps one as a conflict copy."""
    import shutil

    folder = home / "Dropbox" / "CIM"
    shutil.copyfile(folder / "state.yaml", folder / "state (Ana's conflicted copy 2024-04-19).yaml")


HAND_STEPS: dict[str, Callable[[Path], None]] = {
    "cimsig done --from plan.csv --as-of 2024-09-09": _fill_plan_csv,
    "cimsig done prep-assurance --as-of 2024-04-19 --state "
    '"/home/maria/Dropbox/CIM/state (Ana\'s conflicted copy 2024-04-19).yaml"': _sync_conflict_copy,
}


SESSIONS = list(sessions())


def test_the_docs_have_transcripts() -> None:
    checked = [b for chain in SESSIONS for b in chain if not b.skip]
    assert len(checked) >= 10, [b.where for b in checked]


@pytest.mark.parametrize("chain", SESSIONS, ids=[chain[0].where for chain in SESSIONS])
def test_transcript(chain: list[Block], monkeypatch: pytest.MonkeyPatch) -> None:
    if all(block.skip for block in chain):
        pytest.skip(chain[0].skip or "")
    home = _short_home()
    try:
        _run_chain(chain, home, monkeypatch)
    finally:
        import shutil

        shutil.rmtree(home, ignore_errors=True)


def _run_chain(chain: list[Block], home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = home / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in ("HOME", "APPDATA", "USERPROFILE"):
        monkeypatch.setenv(name, str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(name, "maria")
    for name in ("CIMSIG_STATE", "CIMSIG_GUIDE", "CIMSIG_DISTRICT", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    real_today = environment.today_in
    runner = CliRunner()
    updates: list[tuple[Command, list[str]]] = []
    # The docs show a terminal: messages wrap to its width. The streams the runner gives the
    # program say they are one (stdin too; questions are answered as the transcript shows).
    with runner.isolation():
        stream_type = type(sys.stdout)
    monkeypatch.setattr(stream_type, "isatty", lambda self: True)
    for block in chain:
        if block.skip:
            continue
        monkeypatch.setenv("COLUMNS", str(block.columns))
        moment = block.clock
        monkeypatch.setattr(environment, "now", lambda: moment)
        monkeypatch.setattr(
            environment, "today_in", lambda zone, now=None: real_today(zone, now or moment)
        )
        for setup in block.setup:
            moment = _typed_on(setup, block.clock)
            result = runner.invoke(app, shlex.split(setup.replace(DOC_HOME, str(home))))
            assert result.exit_code == 0, f"{block.where}: setup {setup!r}\n{result.output}"
        for command in block.commands:
            if command.text in HAND_STEPS:
                HAND_STEPS[command.text](home)
            moment = _typed_on(command.text, block.clock)
            answers = [m["answer"] for line in command.expected if (m := ANSWER.search(line))]
            monkeypatch.setattr(environment, "can_ask", lambda asks=bool(answers): asks)
            result = runner.invoke(
                app,
                shlex.split(command.text.replace(DOC_HOME, str(home)))[1:],
                input="".join(a + "\n" for a in answers) or None,
            )
            actual = ESCAPE.sub("", result.output).replace(str(bundled_guide_path()), DOC_GUIDE)
            actual = actual.replace(str(home), DOC_HOME)
            actual = "".join(line.rstrip() + "\n" for line in actual.splitlines())
            if not matches(command.expected, actual):
                if os.environ.get("CIMSIG_UPDATE_DOCS") and not any(
                    line.strip() == "..." for line in command.expected
                ):
                    updates.append((command, actual.splitlines()))
                    continue
                diff = "\n".join(
                    difflib.unified_diff(
                        _trimmed(command.expected),
                        actual.splitlines(),
                        "docs",
                        "cimsig prints",
                        lineterm="",
                    )
                )
                pytest.fail(
                    f"{block.path.name}:{command.line}: `{command.text}` "
                    f"(exit {result.exit_code}) prints otherwise:\n{diff}",
                    pytrace=False,
                )
    if updates:
        _write_back(chain[0].path, updates)
        pytest.fail(
            f"{chain[0].where}: wrote what cimsig prints now; check git diff", pytrace=False
        )


def _write_back(path: Path, updates: list[tuple[Command, list[str]]]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    for command, actual in sorted(updates, key=lambda u: -u[0].line):
        old = len(_trimmed(command.expected))
        lines[command.line : command.line + old] = actual  # the lines after the command's
    path.write_text("\n".join(lines), encoding="utf-8")


LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub makes of a Markdown file's headings."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"#+ (.*)", line):
            slug = re.sub(r"[^\w\- ]", "", match[1].strip().lower()).replace(" ", "-")
            found.add(slug)
    return found


def test_links_between_the_docs_lead_somewhere() -> None:
    broken = []
    for path in DOC_FILES:
        for match in LINK.finditer(path.read_text(encoding="utf-8")):
            target = match["target"]
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{path.name}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{path.name}: {target} (no such heading)")
    assert not broken, broken


def test_an_elision_stands_for_any_lines_and_nothing_else_is_loose() -> None:
    assert matches(["a", "...", "d"], "a\nb\nc\nd\n")
    assert matches(["a", "  ...", "d"], "a\nd\n")
    assert not matches(["a", "...", "d"], "a\nb\nc\n")
    assert not matches(["a", "b"], "a\nb\nc\n")
    assert not matches(["a (b)"], "a b\n")  # the expected text is literal, not a pattern


def test_instructions_before_a_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- docs-test: skip needs the network; columns=60 -->\n"
        "```\n$ cimsig where\nGuide: ...\n```\n\n"
        "```yaml\nnot: a transcript\n```\n\n"
        "<!-- docs-test: continues; setup=init --lea X -->\n"
        "```\n$ cimsig status\n\n$ cimsig next\nNothing.\n```\n",
        encoding="utf-8",
    )
    first, second = parse(page)
    assert (first.skip, first.columns, [c.text for c in first.commands]) == (
        "needs the network",
        60,
        ["cimsig where"],
    )
    assert second.continues and second.setup == ["init --lea X"]
    assert [(c.text, _trimmed(c.expected)) for c in second.commands] == [
        ("cimsig status", []),
        ("cimsig next", ["Nothing."]),
    ]
