"""Where the caches are wired in: the guide and the progress file, from their copies when good.

The one place that knows about `cimsig.storage.cache`. The domain (`guide`, `state`, `store`)
reads and parses files itself and never imports the cache; with `cache_dir` None, nothing is cached.
"""

from pathlib import Path

from cimsig.guide import Guide, bundled_guide_path, read_guide_text
from cimsig.state import State
from cimsig.storage.store import StateFile


def load_guide(path: Path | None, cache_dir: Path | None) -> Guide:
    """The checked guide at `path` (the bundled guide when None)."""
    path = path if path is not None else bundled_guide_path()
    text = read_guide_text(path)
    # The reader and validator are imported only when the text is parsed (a cached guide is not).
    if cache_dir is None:
        from cimsig.guide_reader import parse_guide

        return parse_guide(text, path)
    from cimsig.storage import cache

    guide = cache.load_guide(path, text, cache_dir)
    if guide is None:
        from cimsig.guide_reader import parse_guide

        guide = parse_guide(text, path)
        cache.store_guide(guide, path, text, cache_dir)
    return guide


def load_state(state_file: StateFile, cache_dir: Path | None, *, for_change: bool = False) -> State:
    """The progress as the file holds it now (an empty state when there is no file yet).

    For reading only: a change reads the file itself under the lock (`StateFile.edit`).
    `for_change`: a change follows. The file itself is parsed (no copy is used), and the change
    starts from that parsing when the file is still the same under the lock; the state returned
    must not be changed.
    """
    if for_change:
        return state_file.read(for_change=True)
    text = state_file.read_text()
    if text is None:
        return State()
    if cache_dir is None:
        from cimsig.storage.state_format import parse_state

        return parse_state(text, state_file.path)
    from cimsig.storage import cache

    return cache.load_state(state_file.path, text, cache_dir)
