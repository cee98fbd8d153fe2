"""The history command: every change, newest first; and moving old changes to a side file."""

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from cimsig import environment, jsonout, views
from cimsig.app import GuideOption, JsonOption, StateOption, say, user_date, workspace
from cimsig.errors import UsageError
from cimsig.formatting import fmt_date

commands = typer.Typer()

SHOWN = 20


@commands.command("history", rich_help_panel="Every week")
def history(
    limit: Annotated[
        int,
        typer.Option("--limit", metavar="N", min=1, show_default=False,
                     help=f"Show the N most recent changes (default {SHOWN})."),
    ] = SHOWN,
    all_: Annotated[bool, typer.Option("--all", help="Show every change.")] = False,
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="NAME", show_default=False,
                     help="Only the changes made by this person (any case; a unique part "
                     "of the name, in whole words, will do)."),
    ] = None,
    archive: Annotated[
        str | None,
        typer.Option("--archive", metavar="DATE", show_default=False,
                     help="Move the changes recorded before DATE to a side file next to the "
                     "progress file (what is done and planned stays)."),
    ] = None,
    json_out: JsonOption = False,
    guide: GuideOption = None,
    state: StateOption = None,
) -> None:  # fmt: skip
    """Every change to the progress file, newest first, marking what `undo` takes back next."""
    if archive is not None:
        _archive(archive, json_out, guide, state)
        return
    ws = workspace(guide, state, None)
    full = ws.state  # a look-back keeps the whole history: it is a record of changes
    entries = list(reversed(full.history))
    if by is not None:
        entries = _by(entries, by)
    shown = entries if all_ else entries[:limit]
    next_undo = {id(e) for e in full.undo_group()}
    # (a revert names the change it undid by its id; people read numbers)
    seq_of = {e.get("uid"): e.get("seq") for e in entries if e.get("uid")}
    undone_by = {e.get("reverts"): e.get("seq") for e in entries if e.get("action") == "revert"}

    def describe_here(entry: dict[str, Any]) -> str:
        return describe(entry, seq_of)

    if json_out:
        jsonout.print_json(
            [
                _entry_json(e, id(e) in next_undo, undone_by.get(e.get("uid")), describe_here(e))
                for e in shown
            ]
        )
        return
    if not entries and by is not None:
        names = sorted({str(e.get("by")) for e in full.history if e.get("by")})
        say(f"No change was recorded by '{by}'. Changes were recorded by: "
            f"{', '.join(names) or 'nobody named'}.")  # fmt: skip
        return
    if not entries:
        say("No change has been recorded yet.")
        return
    rows = [(e, id(e) in next_undo, undone_by.get(e.get("uid"))) for e in shown]
    views.render_history(rows, describe_here, ws.guide.time_zone)
    hidden = len(entries) - len(shown)
    if hidden:
        say(
            f"{hidden} older {'change is' if hidden == 1 else 'changes are'} not shown: "
            "add --all to see them."
        )


def _by(entries: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The changes a person made: their name as recorded, in any case and spacing, or a unique
    part of it in whole words ("Ana" for Ana Ruiz, as --district takes a part of a name). A
    part that several people's names hold is a UsageError naming them."""
    import re

    def plain(text: str) -> str:
        return " ".join(text.split()).casefold()

    wanted = plain(name)
    people = {plain(str(e.get("by"))): str(e.get("by")) for e in entries if e.get("by")}
    if wanted not in people and wanted:
        word = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
        holding = sorted(key for key in people if word.search(key))
        if len(holding) > 1:
            raise UsageError(
                f"'{name}' is part of several people's names: "
                f"{', '.join(people[key] for key in holding)}. Type more of the name."
            )
        if holding:
            wanted = holding[0]
    return [e for e in entries if plain(str(e.get("by") or "")) == wanted]


def _entry_json(
    entry: dict[str, Any], undo_next: bool, undone_by: Any, summary: str
) -> dict[str, Any]:
    return {
        "seq": entry.get("seq"),
        "uid": entry.get("uid"),
        "by": entry.get("by"),
        "at": entry.get("at"),
        "action": entry.get("action"),
        "id": entry.get("id") or None,
        "summary": summary,
        "changes": entry.get("changes", []),
        "batch": entry.get("batch"),
        "reverts": entry.get("reverts"),
        "undo_next": undo_next,
        "undone_by": undone_by,
    }


ACTION_WORDS = {
    "done": "marked done",
    "correct": "corrected the done record",
    "undo": "reopened",
    "plan": "set the district's own dates",
    "assign": "set the owner",
    "note": "added a note",
    "add": "added an own activity",
    "remove": "removed an own activity",
    "init": "set the district profile",
    "revert": "undid change",
    "archive": "moved older changes to a side file",
    "merge": "merged another copy",
}


def describe(entry: dict[str, Any], seq_of: dict[Any, Any] | None = None) -> str:
    """A change in plain words, for a person reading the history (`seq_of`: the number of each
    entry id, to name the change a revert undid)."""
    action = str(entry.get("action", "?"))
    words = ACTION_WORDS.get(action, action)
    changes = entry.get("changes") or []
    first = changes[0] if changes and isinstance(changes[0], dict) else {}
    after = first.get("after")
    if action == "done" and isinstance(after, dict) and after.get("date"):
        return f"{words} (done on {_day(after['date'])})"
    if action == "assign":
        return f"owner: {after}" if after else "removed the owner"
    if action == "note" and isinstance(first.get("added"), dict):
        return f"{words}: {_short(str(first['added'].get('text', '')))}"
    if action == "plan" and isinstance(after, dict):
        dates = [f"{k} {_day(after[k])}" for k in ("start", "due") if after.get(k)]
        return f"{words}: {', '.join(dates)}" if dates else "cleared the district's own dates"
    if action == "add" and isinstance(after, dict):
        return f"{words}: {_short(str(after.get('title', '')))}"
    if action == "revert":
        reverts = entry.get("reverts")
        number = (seq_of or {}).get(reverts)
        return f"{words} {number}" if number is not None else "undid a change now archived"
    if action == "merge":
        return "took records from another copy (merge)" if changes else "merged another copy"
    if action == "archive" and isinstance(entry.get("archived"), dict):
        moved = entry["archived"]
        count = moved.get("count")
        return (
            f"moved {count} {'change' if count == 1 else 'changes'} recorded before "
            f"{_day(moved.get('before'))} to {moved.get('file')}"
        )
    return words


def _day(text: Any) -> str:
    try:
        return fmt_date(dt.date.fromisoformat(str(text)), weekday=False)
    except ValueError:
        return str(text)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _archive(day_text: str, json_out: bool, guide: Path | None, state: Path | None) -> None:
    from cimsig import operations
    from cimsig.app import say_started
    from cimsig.store import MAX_STATE_BYTES

    ws = workspace(guide, state, None, changing=True, archiving=True)
    before = user_date(day_text, "--archive", ws.guide.time_zone, ws.as_of)
    tomorrow = ws.as_of + dt.timedelta(days=1)
    if before > tomorrow:
        raise UsageError(
            f"--archive {day_text}: that is after today. To move every change recorded so far, "
            f"use tomorrow's date ({tomorrow.isoformat()})."
        )
    done = operations.archive(ws, before, now=environment.now(), author=environment.user_name())
    ws, moved, target, left = done.workspace, done.moved, done.target, done.left
    say_started(done.started_file, ws)
    if done.size > MAX_STATE_BYTES:  # still too large for every other command: say what to do
        say(
            f"Note: the progress file {ws.state_file.path} is still {done.size / 2**20:.1f} MB, "
            f"over the {MAX_STATE_BYTES // 2**20} MB other cimsig commands read. Archive again "
            "with a later date (tomorrow's date moves every change recorded so far).",
            err=True,
        )
    if json_out:
        jsonout.print_json(
            {"archived": len(moved), "before": before.isoformat(),
             "file": str(target) if moved else None, "left": left}
        )  # fmt: skip
        return
    label = f"{ws.district_label}: " if ws.district_label else ""
    if not moved:
        say(f"{label}Nothing to archive: no change was recorded before {fmt_date(before)}.")
        return
    later = f", and the {left} later {'change' if left == 1 else 'changes'}" if left else ""
    say(
        f"{label}Moved {_changes(len(moved))} recorded before {fmt_date(before)} to {target}. "
        f"The progress file keeps everything that is done and planned{later}. "
        "`cimsig undo` cannot take back an archived change."
    )


def _changes(count: int) -> str:
    return f"{count} change" if count == 1 else f"{count:,} changes"
