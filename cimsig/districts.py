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
from cimsig.state_format import ARCHIVE_MARK, begins_as_progress_file

REMOVED = ".removed"  # where `district remove` keeps the copy it names


@dataclass(frozen=True, slots=True)
class Cohort:
    """One district's progress on one guide."""

    district: str  # the folder name
    guide_id: str
    path: Path


def folder_name(name: str) -> str:
    """A district's folder name: its name in lower case, words joined by dashes, in ASCII when
    the name is in Latin letters (accents dropped), else in the name's own letters."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folder = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not folder:
        folder = re.sub(r"[\W_]+", "-", name.lower()).strip("-")
    return folder[:60].strip("-")


def cohorts(root: Path) -> list[Cohort]:
    """Every district's every cohort, by district folder then guide id."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
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


def names(root: Path) -> list[str]:
    return sorted({c.district for c in cohorts(root)})


def find(root: Path, typed: str) -> str:
    """The district folder a typed name means: the whole name or a unique part of it, in any
    case. An unknown or ambiguous name is a UsageError listing the districts there are."""
    known = names(root)
    wanted = folder_name(typed)
    if wanted in known:
        return wanted
    matches = [n for n in known if wanted and wanted in n]
    if len(matches) == 1:
        return matches[0]
    listing = ", ".join(known) if known else "none yet (add one with `cimsig district add NAME`)"
    if matches:
        raise UsageError(
            f"'{typed}' matches several districts: {', '.join(matches)}. Type more of the name."
        )
    raise UsageError(f"There is no district '{typed}'. Districts: {listing}.")


def names_match(typed: str, name: str) -> bool:
    """Whether a typed name means the district `name`: the whole name or a part of it, in any
    case (as `find` takes it)."""
    wanted, folder = folder_name(typed), folder_name(name)
    return bool(wanted) and (wanted == folder or wanted in folder)


def cohort_of(root: Path, district: str, guide_id: str | None) -> Cohort:
    """The district's cohort on `guide_id`; without one, its only cohort (UsageError when it
    has several, or none on that guide)."""
    mine = [c for c in cohorts(root) if c.district == district]
    if guide_id is not None:
        for cohort in mine:
            if cohort.guide_id == guide_id:
                return cohort
        raise UsageError(
            f"District {district} has no progress on the guide '{guide_id}' (it has: "
            f"{', '.join(c.guide_id for c in mine) or 'none'}). Start it with "
            f"`cimsig district add {district} --guide PATH`."
        )
    if len(mine) == 1:
        return mine[0]
    raise UsageError(
        f"District {district} follows {len(mine)} guides ({', '.join(c.guide_id for c in mine)})"
        ": add --guide PATH to say which."
    )


def safe_id(guide_id: str) -> str:
    """A guide id as a file name (guide ids are words and dashes; anything else is replaced)."""
    return safe_file_name(guide_id)
