"""Safe YAML reading shared by the guide and the state file.

Only the safe loader is used (the C one when PyYAML has it): a `!!python/...` tag, or any tag the
safe loader does not know, is refused, never executed. Mappings come back as `Mapping` (a dict that
remembers the line it started on and the line of each key) so that every message can name a line.
Timestamps are *not* turned into dates by YAML: `2024-02-30` would crash the YAML constructor with
no line number, so dates stay text and are checked by `parse_iso_date` where the caller knows the
field and the line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_MAP_TAG = "tag:yaml.org,2002:map"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that knows where it was written."""

    line: int = 0
    key_lines: dict[str, int]
    duplicate_keys: list[str]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


_LOADER: Any = None


def _loader() -> Any:
    """The safe loader (the C one when PyYAML has it), with line-aware mappings and without
    implicit timestamps; made on first use, so a command that parses no YAML imports no yaml."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }

    def construct_mapping(loader: Any, node: Any) -> Any:
        data = Mapping()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        data.duplicate_keys = []
        yield data
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key here is a list or a mapping, not a name", key_node.start_mark
                ) from None
            if key in data:
                if getattr(loader, "unique_keys", False):
                    raise yaml.constructor.ConstructorError(
                        None, None, f"'{key}' is given twice", key_node.start_mark
                    )
                data.duplicate_keys.append(str(key))
            data[key] = loader.construct_object(value_node, deep=True)
            data.key_lines[str(key)] = key_node.start_mark.line + 1

    Loader.add_constructor(_MAP_TAG, construct_mapping)
    _LOADER = Loader
    return Loader


class YamlProblem(Exception):
    """The text is not YAML the safe loader accepts. `line` is 1-based, or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# A guide may use aliases (`*name`) to repeat a part, but never to expand into more values than
# this: a few hundred bytes of nested aliases would otherwise fill the memory.
MAX_EXPANDED_NODES = 250_000
# An anchor or an alias in block YAML: `&name` or `*name` after a space, a dash or a bracket.
# Only a possible match is then checked exactly, by parsing (text like "R & D" never matches).
_MAYBE_ALIAS = r"(?:^|[\s\[{,:-])[&*][^\s,\[\]{}]"  # compiled by `re` when first used


def load_yaml(text: str, *, strict: bool = False) -> Any:
    """Parse one YAML document safely, or raise YamlProblem with the line that is wrong.

    `strict` (for files cimsig writes) refuses a key given twice and any anchor or alias, which
    cimsig never writes; otherwise duplicates are listed on each `Mapping` for the caller, and
    aliases are allowed while they expand into at most MAX_EXPANDED_NODES values.
    """
    import yaml

    try:
        if strict and re.search(_MAYBE_ALIAS, text):
            _refuse_aliases(text)
        loader = _loader()(text)
        try:
            loader.unique_keys = strict
            node = loader.get_single_node()
            if node is None:
                return None
            if not strict and "*" in text:
                _check_expansion(node, MAX_EXPANDED_NODES)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "not valid YAML"
        if "could not determine a constructor" in problem:
            quoted = re.search(r"'([^']+)'", problem)
            tag = quoted.group(1) if quoted else "?"
            problem = (
                f"the tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed"
                " (only plain YAML: text, numbers, lists and mappings)"
            )
        raise YamlProblem(problem, line) from None
    except yaml.reader.ReaderError as exc:  # a character no text file holds (NUL, ...)
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "?"
        raise YamlProblem(f"it holds a character that is not text ({code})", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML ({' '.join(str(exc).split())})", None) from None
    except RecursionError:
        raise YamlProblem("nested too deeply to be a cimsig file", None) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise YamlProblem(f"a value cannot be read ({exc})", None) from None


def _refuse_aliases(text: str) -> None:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=base):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise YamlProblem(
                "it uses a YAML anchor or alias (& or *), which cimsig never writes",
                mark.line + 1 if mark is not None else None,
            )


def _check_expansion(root: Any, limit: int) -> None:
    """Raise YamlProblem when the node graph, its aliases expanded, has more than `limit` nodes
    or an alias inside the part it names. Linear in the nodes written, not in the expansion."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > limit:
                raise YamlProblem(
                    f"its aliases (*name) expand into more than {limit:,} values", None
                )
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YamlProblem(
                "an alias (*name) is inside the part it names", node.start_mark.line + 1
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children)


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def parse_iso_date(value: Any) -> dt.date:
    """A YYYY-MM-DD date from a YAML value, or ValueError with a message for a person."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (write it as YYYY-MM-DD)")
    text = value.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"'{value}' is not a date (write it as YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a real calendar date") from None
