"""Several districts, each with a progress file per cohort (guide), in a districts folder.

    <cimsig folder>/districts/<district>/<guide id>.yaml   one progress file per cohort
    <cimsig folder>/guides/<guide id>.yaml                  a copy of each guide file not bundled

A district's folder name is made from its name (`Alpha Unified` -> `alpha-unified`); its name as
written is the `lea` in its progress file's profile, so each progress file stays complete in
itself and can be handed to the district as it is. No list of districts is kept anywhere else:
the folders are the list. Nothing here reads the clock or prints.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cimsig.environment import safe_file_name
from cimsig.errors import UsageError
from cimsig.storage.archive import ARCHIVE_MARK
from cimsig.storage.state_format import begins_as_progress_file

REMOVED = ".removed"  # where `district remove` keeps the copy it names


@dataclass(frozen=True, slots=True)
class Cohort:
    """One district's progress on one guide."""

    district: str  # the folder name
    guide_id: str
    path: Path


# Names Windows keeps for devices: no file or folder may be called so, whatever follows a dot.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{device}{n}" for device in ("com", "lpt") for n in [*"123456789", "¹", "²", "³"]}
)


def folder_name(name: str) -> str:
    """A district's folder name: its name in lower case, words joined by dashes, in ASCII when
    the name is in Latin letters (accents dropped), else in the name's own letters.

    Two names that differ in more than case, accents and punctuation get two folders: "東京 2"
    and "大阪 2" are not both "2", nor "Гимназия №1" and "Школа №1" both "no1". A name Windows
    keeps for a device (CON, NUL, COM1 ...) gets "-district" after it, on every system, so that a
    districts folder can be copied to Windows."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folder = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not folder or _loses_letters(name):
        folder = re.sub(r"[\W_]+", "-", name.lower()).strip("-")
    folder = folder[:60].strip("-")
    if folder.split(".")[0] in WINDOWS_RESERVED:
        folder += "-district"
    return folder


def _loses_letters(name: str) -> bool:
    """Whether writing `name` in ASCII drops a letter or digit of another script than Latin
    (a Latin letter with no ASCII form, such as ß, is dropped as before, so that the folders of
    districts added before stay theirs)."""
    for char in unicodedata.normalize("NFKD", name):
        if char.isascii() or unicodedata.combining(char) or not char.isalnum():
            continue
        if not unicodedata.name(char, "").startswith("LATIN"):
            return True
    return False


def is_regular_file(path: Path) -> bool:
    """A plain file (not a FIFO, a device or a folder), checked without opening it."""
    import stat

    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _guide_named(path: Path) -> str | None:
    """The guide id a progress file names in its first lines (None when it names none)."""
    from cimsig.storage.fileio import read_head

    try:
        head = read_head(path, 4096).decode("utf-8", "replace")
    except OSError:
        return None
    lines = head.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("guide:"):
            value = line.partition(":")[2].strip().strip("'\"")
            if value:
                return value
            # a guide file: `guide:` then its `id:` on an indented line
            for inner in lines[number + 1 :]:
                if inner.strip().startswith("id:"):
                    return inner.partition(":")[2].strip().strip("'\"")
    return None


def conflict_copies(folder: Path) -> list[tuple[Path, Path, str]]:
    """The sync services' conflict copies of the progress files in a district's folder, or of
    the guide files in the kept guides' folder: (copy, the file it is a copy of, which
    service's naming it follows). A copy names the guide of the file it copies, not the guide
    its own name would be (`cim-sigdis-2024-LAPTOP-1.yaml` holds `guide: cim-sigdis-2024`)."""
    from cimsig.storage.sync_copies import made_by

    try:
        files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return []
    found = []
    for path in files:
        if path.name.startswith(".") or ARCHIVE_MARK in path.stem or not is_regular_file(path):
            continue
        for other in sorted(files, key=lambda p: -len(p.name)):
            if other == path or not is_regular_file(other):
                continue
            service = made_by(path.name, other)
            if service is None:
                continue
            named = _guide_named(path)
            if named is not None and named == path.stem:
                continue  # a cohort on a guide whose id begins as another's does
            found.append((path, other, service))
            break
    return found


def cohorts(root: Path) -> list[Cohort]:
    """Every district's every cohort, by district folder then guide id."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        copies = {c[0] for c in conflict_copies(folder)}
        for path in sorted(folder.glob("*.yaml")):
            if path in copies or not is_regular_file(path):
                continue  # (`status --district` names the copies; a FIFO is never opened)
            # Only files named as cimsig names them, GUIDE-ID.yaml: a history archive, a sync
            # service's conflict copy ("... (conflicted copy).yaml") or a file of the user's own
            # is not a cohort (`check_cohort` then makes sure the file is what its name says).
            stem = path.stem
            if (
                stem.startswith(".")
                or ARCHIVE_MARK in stem
                or safe_file_name(stem) != stem
                or not begins_as_progress_file(path)
            ):
                continue
            found.append(Cohort(folder.name, stem, path))
    return found


def not_plain_cohorts(root: Path, guide_ids: set[str]) -> list[tuple[str, Path]]:
    """Each district folder's file named as its progress on one of `guide_ids` is
    (GUIDE-ID.yaml) that is no plain file (a FIFO, a device, a folder, a broken link), with the
    folder: `cohorts` passes over such a file without opening it, and the views say so."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        for guide_id in sorted(guide_ids):
            path = folder / f"{safe_id(guide_id)}.yaml"
            if (path.is_symlink() or path.exists()) and not is_regular_file(path):
                found.append((folder.name, path))
    return found


def names(root: Path) -> list[str]:
    return sorted({c.district for c in cohorts(root)})


def find(root: Path, typed: str) -> str:
    """The district folder a typed name means: the whole name or a unique part of it, in any
    case. An unknown or ambiguous name is a UsageError listing the districts there are."""
    known = names(root)
    wanted = folder_name(typed)
    if wanted in known:
        return wanted
    # The short names the tables show ("Alpha USD" for Alpha Unified School District) are read
    # from the districts' files only when the name typed is no folder's.
    shorts = _short_names(root) if wanted else {}
    by_short = sorted({folder for folder, short in shorts if short == wanted})
    if len(by_short) == 1:
        return by_short[0]
    matches = sorted(
        {n for n in known if wanted and wanted in n}
        | {folder for folder, short in shorts if wanted and wanted in short}
    )
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(known) if known else "none yet (add one with `cimsig district add NAME`)"
    if matches:
        raise UsageError(
            f"'{typed}' matches several districts: {', '.join(matches)}. Type more of the name."
        )
    raise UsageError(f"There is no district '{typed}'. Districts: {listing}.")


def _short_names(root: Path) -> set[tuple[str, str]]:
    """Each district folder with the short name of a cohort's profile, as a folder name would
    write it (a file that cannot be read has none)."""
    from cimsig import environment
    from cimsig.errors import CimsigError
    from cimsig.storage import loading
    from cimsig.storage.store import StateFile

    found = set()
    for cohort in cohorts(root):
        try:
            profile = loading.load_state(StateFile(cohort.path), environment.cache_dir()).profile
        except (CimsigError, OSError):
            continue
        if profile is not None and profile.short and folder_name(profile.short):
            found.add((cohort.district, folder_name(profile.short)))
    return found


def names_match(typed: str, name: str) -> bool:
    """Whether a typed name means the district `name`: the whole name or a part of it, in any
    case (as `find` takes it)."""
    wanted, folder = folder_name(typed), folder_name(name)
    return bool(wanted) and (wanted == folder or wanted in folder)


def cohort_of(root: Path, district: str, guide_id: str | None) -> Cohort:
    """The district's cohort on `guide_id`; without one, its only cohort (UsageError when it
    has several, or none on that guide)."""
    from cimsig.render.formatting import shell_quote

    mine = [c for c in cohorts(root) if c.district == district]
    if guide_id is not None:
        for cohort in mine:
            if cohort.guide_id == guide_id:
                return cohort
        raise UsageError(
            f"District {district} has no progress on the guide '{guide_id}' (it has: "
            f"{', '.join(c.guide_id for c in mine) or 'none'}). Start it with "
            f"`cimsig district add {shell_quote(district, bare=True)} --guide PATH`."
        )
    if len(mine) == 1:
        return mine[0]
    raise UsageError(
        f"District {district} follows {len(mine)} guides ({', '.join(c.guide_id for c in mine)})"
        f": add --guide with one of these ids (--guide {mine[-1].guide_id}) to say which."
    )


def safe_id(guide_id: str) -> str:
    """A guide id as a file name (guide ids are words and dashes; anything else is replaced)."""
    return safe_file_name(guide_id)
