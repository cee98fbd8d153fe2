"""Ids typed by a user: an exact id, an id without its occurrence's year, a unique part of an id
in whole words; an unknown or ambiguous one is a plain-language error (exit 2).
"""

from collections.abc import Iterable

from cimsig.errors import AmbiguousIdError, UnknownIdError

# -- ids typed by a user ------------------------------------------------------------------------


def resolve_id(text: str, ids: Iterable[str]) -> str:
    """The id a user meant: the full id, else the one id that has the typed words.

    Words are the parts of an id between dashes. `drill`, `data-drill` and `case-study` name
    the activities whose ids have those whole words in that order; the last word may be cut
    short to at least MIN_SHORT_WORD letters (`prep-assur`). A part of a word in the middle
    (`the` in `theory`) never matches. Ambiguous and unknown input raise errors that list the
    candidates or the closest ids.
    """
    known = list(ids)
    query = text.strip().lower()
    if query in known:
        return query
    matches = [i for i in known if query and _has_words(i, query)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise AmbiguousIdError(
            f"'{text}' matches {len(matches)} activities; type more of the id:",
            problems=matches,
        )
    import difflib

    close = difflib.get_close_matches(query, known, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownIdError(f"No activity has the id '{text}'.{hint} `cimsig list` shows every id.")


MIN_SHORT_WORD = 4


def _has_words(activity_id: str, query: str) -> bool:
    parts, typed = activity_id.split("-"), query.split("-")
    *whole, last = typed
    if not last:
        return False
    for start in range(len(parts) - len(typed) + 1):
        window = parts[start : start + len(typed)]
        if window[:-1] != whole:
            continue
        if window[-1] == last or (len(last) >= MIN_SHORT_WORD and window[-1].startswith(last)):
            return True
    return False
