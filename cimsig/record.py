"""Immutable records compared by value: what cimsig uses instead of NamedTuple or a dataclass.

Both of those make each class by writing code and compiling it when the program starts: 0.6M to
1.5M instructions a class, 8M for cimsig's records, a sixth of what cimsig added to the start of
every command (see benchmarks/README.md). A `Record` is declared the same way, fields as
annotations with their defaults, and its class is made with no code compiled: the fields are
read from the annotations once, and the methods below serve every record.

    class Plan(Record):
        due: dt.date
        start: dt.date | None = None

A record is immutable; equal to another record of the same class with the same values (never to
a tuple); hashable when its values are; and has `_fields`, `_replace`, `_asdict` and `_make` as a
NamedTuple has. Type checkers see a frozen dataclass (PEP 681), so they check the arguments of
every record made and flag any assignment to a field. A record's fields are those of its own
class: records are made from Record directly, not from one another.
"""

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing_extensions import Self, dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Any:
        return lambda cls: cls


@dataclass_transform(frozen_default=True, eq_default=True)
class Record:
    """Base of cimsig's records; see the module's docstring."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(cls.__annotations__)
        defaults = {name: cls.__dict__[name] for name in fields if name in cls.__dict__}
        for before, name in itertools.pairwise(fields):
            if before in defaults and name not in defaults:
                raise TypeError(
                    f"{cls.__name__}: field '{name}' without a default follows one with"
                )
        cls._fields = fields
        cls._defaults = defaults

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        name = type(self).__name__
        if len(args) > len(fields):
            raise TypeError(f"{name} takes {len(fields)} values, not {len(args)}")
        values = dict(zip(fields, args, strict=False))
        for key, value in kwargs.items():
            if key not in fields:
                raise TypeError(f"{name} has no field '{key}'")
            if key in values:
                raise TypeError(f"{name} got two values for '{key}'")
            values[key] = value
        if len(values) < len(fields):
            for key in fields:
                if key not in values:
                    if key not in self._defaults:
                        raise TypeError(f"{name} needs a value for '{key}'")
                    values[key] = self._defaults[key]
        object.__setattr__(self, "__dict__", values)

    @classmethod
    def _make(cls, values: Iterable[Any]) -> "Self":
        """A record from its values in the order of its fields (all of them)."""
        values = tuple(values)
        if len(values) != len(cls._fields):
            raise TypeError(f"{cls.__name__} takes {len(cls._fields)} values, not {len(values)}")
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", dict(zip(cls._fields, values, strict=True)))
        return record

    def _replace(self, **changes: Any) -> "Self":
        """A copy with some values changed."""
        unknown = changes.keys() - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field '{sorted(unknown)[0]}'")
        record = object.__new__(type(self))
        object.__setattr__(record, "__dict__", {**self.__dict__, **changes})
        return record

    def _asdict(self) -> dict[str, Any]:
        return {name: self.__dict__[name] for name in self._fields}

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a {type(self).__name__} cannot be changed; use _replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a {type(self).__name__} cannot be changed")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__[name] for name in self._fields))

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({values})"
