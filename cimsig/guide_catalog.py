"""The guides cimsig knows: the bundled one and the copies it keeps of the districts' guides
and of the guides given to `cimsig init` (in the guides folder beside `districts/`), found by
their ids.

`--guide` takes a file or one of these ids; `cimsig guide list` shows them.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cimsig import environment
from cimsig.errors import CimsigError, GuideError
from cimsig.guide import ID_PATTERN, bundled_guide_path

if TYPE_CHECKING:
    from cimsig.guide import Guide


@dataclass(frozen=True)
class KnownGuide:
    """A guide cimsig can find by its id."""

    id: str
    title: str
    cohort: str
    path: Path
    bundled: bool
    districts: tuple[str, ...] = field(default=())
    # Why a kept file cannot be used as a guide (then `id` is its file name's).
    problem: str | None = None


def known_guides() -> list[KnownGuide]:
    """The bundled guide first, then every kept guide by id, each with the districts that
    follow it."""
    from cimsig.storage import districts, loading

    cache = environment.cache_dir()
    following: dict[str, list[str]] = {}
    for cohort in districts.cohorts(environment.districts_dir()):
        following.setdefault(cohort.guide_id, []).append(cohort.district)
    bundled = loading.load_guide(None, cache)
    found = [
        KnownGuide(
            bundled.id,
            bundled.title,
            bundled.cohort,
            bundled_guide_path(),
            True,
            tuple(following.get(bundled.id, [])),
        )
    ]
    kept_dir = environment.guides_dir()
    # Shortest names first: the file named after its id before a copy such as "ID (1).yaml".
    paths = (
        sorted(kept_dir.glob("*.yaml"), key=lambda p: (len(p.name), p.name))
        if kept_dir.is_dir()
        else []
    )
    for path in paths:
        if not path.is_file():  # a folder, a FIFO: never opened
            continue
        try:
            guide = loading.load_guide(path, cache)
        except CimsigError as exc:
            found.append(KnownGuide(path.stem, "", "", path, False, (), str(exc).split("\n")[0]))
            continue
        if guide.id == bundled.id:
            continue
        if any(g.id == guide.id for g in found):
            # A sync service's conflict copy of a kept guide, most often: `--guide ID` uses the
            # file named after the id.
            again = f"a second file with the guide '{guide.id}' (not used by --guide {guide.id})"
            found.append(KnownGuide(path.stem, guide.title, guide.cohort, path, False, (), again))
            continue
        found.append(
            KnownGuide(
                guide.id,
                guide.title,
                guide.cohort,
                path,
                False,
                tuple(following.get(guide.id, [])),
            )
        )
    return found


def keep_guide(guide: Path | None) -> "Guide":
    """The guide a district or a progress file follows: the bundled one, or the file given,
    of which a copy is kept in the guides folder so that `--district`, `--guide ID` and a
    progress file naming the guide find it again by its id (the original file may move)."""
    from cimsig.guide import read_guide_text
    from cimsig.storage import loading
    from cimsig.storage.fileio import atomic_write_text

    cache = environment.cache_dir()
    loaded = loading.load_guide(guide, cache)
    bundled = loading.load_guide(None, cache)
    if guide is None or loaded.id == bundled.id:
        return loaded
    kept = environment.guides_dir() / f"{environment.safe_file_name(loaded.id)}.yaml"
    text = read_guide_text(guide)
    if kept.is_file():
        if read_guide_text(kept) != text:
            raise GuideError(
                f"Another guide file with the id '{loaded.id}' is already kept at {kept}, and "
                f"{guide} differs from it. If it is a corrected version, replace {kept} with it "
                "by hand; if it is another guide, give it its own id."
            )
        return loaded
    kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write_text(kept, text)
    return loaded


def looks_like_id(value: str) -> bool:
    """Text that can only be a guide's id, not a file's name: no folder, no `.yaml`."""
    return bool(re.match(ID_PATTERN, value))


def guide_file(value: Path) -> Path:
    """The guide file `--guide` names: the file itself, else the guide with that id (the
    bundled guide or a kept copy). Text shaped like an id that is neither is a missing guide
    file (exit 3, as for a missing file named by its path) and the message lists the ids; any
    other missing file is left for the reader to report."""
    if value.exists() or value.is_symlink() or not looks_like_id(str(value)):
        return value
    text = str(value)
    from cimsig.environment import cohort_guide_path

    kept = cohort_guide_path(text)
    if kept is not None:
        return kept
    guides = [g for g in known_guides() if g.problem is None]
    for guide in guides:
        if guide.id == text:
            return guide.path
    ids = ", ".join(g.id for g in guides)
    raise GuideError(
        f"There is no guide file '{text}', and no guide cimsig knows has that id. Guides: "
        f"{ids}. `cimsig guide list` shows them with their files; give a file's path (with "
        "its .yaml) to use another guide."
    )
