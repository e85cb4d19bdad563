"""Frozen, slotted dataclasses made without generated code.

``dataclasses.dataclass`` writes the source of each class's ``__init__``,
``__eq__``, ``__hash__``, ``__repr__``, ``__setattr__`` and ``__delattr__``
and compiles it when the class is made: for the IR nodes, the vocabulary's
records and the diagnostics that is most of flowc's start-up. :func:`record`
makes the same classes from functions shared by all of them instead. What
they are is unchanged: frozen (assigning raises
:class:`dataclasses.FrozenInstanceError`), slotted, equal field by field,
hashed and shown as ``dataclass`` does; :func:`dataclasses.fields`,
:func:`dataclasses.replace` and :func:`dataclasses.is_dataclass` work on
them, and they pickle and copy.

Supported: fields with a default, and ``dataclasses.field(default=...,
init=..., repr=..., compare=...)``; ``__post_init__``; keyword-only classes
(``kw_only=True``) or fields given by position and by keyword. Not
supported (never used here): ``default_factory``, ``InitVar``, ordering,
and making a ``dataclass`` that inherits from a record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from typing import Any, dataclass_transform

# What dataclasses.fields() and replace() look for on a class and its fields.
_FIELDS = "__dataclass_fields__"
_FIELD = dataclasses._FIELD  # type: ignore[attr-defined]  # the marker of an ordinary field


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is self.__class__:
        values = self.__record_compared__
        return values(self) == values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    # The fields that are compared are hashed (dataclass's rule for frozen classes).
    return hash(self.__record_compared__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_shown__)
    return f"{self.__class__.__qualname__}({shown})"


def _getstate(self: Any) -> list[object]:
    return [getattr(self, name) for name in self.__dataclass_fields__]


def _values(names: tuple[str, ...]) -> Callable[[object], tuple]:
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _fields(cls: type) -> dict[str, Field]:
    """The fields of ``cls``: its bases' and then its own annotations, in order."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        found.update(getattr(base, _FIELDS, {}))
    for name, kind in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(kind, str) and kind.startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = cls.__dict__.get(name, MISSING)
        made: Any = default if isinstance(default, Field) else field(default=default)
        if made.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{name}: default_factory is not supported by records")
        made.name, made.type = name, kind
        made._field_type = _FIELD
        found[name] = made
    return found


def _make_init(cls: type, fields: dict[str, Field], kw_only: bool) -> Callable[..., None]:
    """The ``__init__`` of ``cls``: each field set through its slot, in order."""
    init = tuple(f for f in fields.values() if f.init)
    names = tuple(f.name for f in init)
    count = len(names)
    defaults = {f.name: f.default for f in init if f.default is not MISSING}
    setters = tuple((f.name, getattr(cls, f.name).__set__) for f in init)
    later = tuple((getattr(cls, f.name).__set__, f.default) for f in fields.values() if not f.init)
    post_init = getattr(cls, "__post_init__", None)
    qualname = f"{cls.__qualname__}.__init__"

    def refuse(kw: dict[str, object]) -> TypeError:
        unknown = sorted(set(kw) - set(names))
        if unknown:
            return TypeError(f"{qualname}() got an unexpected keyword argument {unknown[0]!r}")
        missing = [name for name in names if name not in kw]
        return TypeError(f"{qualname}() missing required argument(s): {', '.join(map(repr, missing))}")

    def __init__(self: object, *args: object, **kw: object) -> None:
        if args:
            if kw_only or len(args) > count:
                raise TypeError(f"{qualname}() takes {0 if kw_only else count} positional arguments")
            given = dict(zip(names, args))
            if not given.keys().isdisjoint(kw):
                raise TypeError(f"{qualname}() got multiple values for an argument")
            kw.update(given)
        if len(kw) != count:
            kw = {**defaults, **kw}
            if len(kw) != count:
                raise refuse(kw)
        try:
            for name, set_value in setters:
                set_value(self, kw[name])
        except KeyError:
            raise refuse(kw) from None
        for set_value, default in later:
            if default is not MISSING:
                set_value(self, default)
        if post_init is not None:
            post_init(self)

    __init__.__qualname__ = qualname
    return __init__


def _make(cls: type, kw_only: bool) -> type:
    fields = _fields(cls)
    inherited = {name for base in cls.__mro__[1:] for name in getattr(base, "__slots__", ())}
    namespace = dict(cls.__dict__)
    for name in fields:
        namespace.pop(name, None)  # a default lives in the field, not in the class
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    own = tuple(name for name in fields if name not in inherited)
    namespace.update(
        __slots__=own,
        __match_args__=() if kw_only else tuple(f.name for f in fields.values() if f.init),
        __setattr__=_frozen_setattr,
        __delattr__=_frozen_delattr,
        __getstate__=_getstate,
        __setstate__=_setstate,
    )
    namespace[_FIELDS] = fields
    namespace["__qualname__"] = cls.__qualname__
    namespace["__record_compared__"] = _values(tuple(f.name for f in fields.values() if f.compare))
    namespace["__record_shown__"] = tuple(f.name for f in fields.values() if f.repr)
    if "__eq__" not in namespace:
        namespace.update(__eq__=_eq, __hash__=_hash)
    if "__repr__" not in namespace:
        namespace["__repr__"] = _repr
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__init__ = _make_init(made, fields, kw_only)  # type: ignore[misc]
    return made


def _setstate(self: Any, state: list[object]) -> None:
    cls = self.__class__
    for name, value in zip(cls.__dataclass_fields__, state):
        getattr(cls, name).__set__(self, value)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type | None = None, /, *, kw_only: bool = False) -> Any:
    """Make ``cls`` a frozen, slotted dataclass (keyword-only with ``kw_only``):
    ``@dataclass(frozen=True, slots=True)`` without the code it generates."""
    if cls is None:
        return lambda c: _make(c, kw_only)
    return _make(cls, kw_only)
