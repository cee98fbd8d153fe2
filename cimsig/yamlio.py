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
                data.duplicate_keys.append(str(key))
            data[key] = loader.construct_object(value_node, deep=True)
            if isinstance(key, str):
                data.key_lines[key] = key_node.start_mark.line + 1

    Loader.add_constructor(_MAP_TAG, construct_mapping)
    _LOADER = Loader
    return Loader


class YamlProblem(Exception):
    """The text is not YAML the safe loader accepts. `line` is 1-based, or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely, or raise YamlProblem with the line that is wrong."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a safe loader
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
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML ({exc})", None) from None
    except RecursionError:
        raise YamlProblem("nested too deeply to be a cimsig file", None) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise YamlProblem(f"a value cannot be read ({exc})", None) from None


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
