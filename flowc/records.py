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
default_factory=..., init=..., repr=..., compare=...)``; ``__post_init__``;
keyword-only classes (``kw_only=True``) or fields given by position and by
keyword; a class with a ``__dict__`` (``slots=False``, for
``functools.cached_property``). Not supported (never used here):
``InitVar``, ordering, and making a ``dataclass`` that inherits from a
record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from typing import Any, dataclass_transform

# What dataclasses.fields() and replace() look for on a class and its fields.
_FIELDS = "__dataclass_fields__"
# The marker of an ordinary field (private to dataclasses, in every Python flowc
# supports); a Python without it gets ordinary dataclasses from `record`.
_FIELD = getattr(dataclasses, "_FIELD", None)


_setattr = object.__setattr__


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


def _fields(cls: type, kw_only: bool) -> dict[str, Field]:
    """The fields of ``cls``: its bases' and then its own annotations, in order."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        found.update(getattr(base, _FIELDS, {}))
    for name, kind in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(kind, str) and kind.startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = cls.__dict__.get(name, MISSING)
        made: Any = default if isinstance(default, Field) else field(default=default)
        made.name, made.type = name, kind
        made._field_type = _FIELD
        if made.kw_only is MISSING:
            made.kw_only = kw_only
        found[name] = made
    return found


def _setter(cls: type, name: str, slots: bool) -> Callable[[object, object], None]:
    """What sets field ``name`` of an instance of ``cls``, bypassing its ``__setattr__``."""
    if slots:
        return getattr(cls, name).__set__
    return lambda obj, value: _setattr(obj, name, value)


def _make_init(cls: type, fields: dict[str, Field], kw_only: bool, slots: bool) -> Callable[..., None]:
    """The ``__init__`` of ``cls``: each field set in order (through its slot)."""
    init = tuple(f for f in fields.values() if f.init)
    names = tuple(f.name for f in init)
    count = len(names)
    defaults = {f.name: f.default for f in init if f.default is not MISSING}
    factories = tuple((f.name, f.default_factory) for f in init if f.default_factory is not MISSING)
    setters = tuple((f.name, _setter(cls, f.name, slots)) for f in init)
    later: tuple[tuple[Callable[[object, object], None], Any, Any], ...] = tuple(
        (_setter(cls, f.name, slots), f.default, f.default_factory) for f in fields.values() if not f.init
    )
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
            for name, factory in factories:
                if name not in kw:
                    kw[name] = factory()
            if len(kw) != count:
                raise refuse(kw)
        try:
            for name, set_value in setters:
                set_value(self, kw[name])
        except KeyError:
            raise refuse(kw) from None
        for set_value, default, factory in later:
            if default is not MISSING:
                set_value(self, default)
            elif factory is not MISSING:
                set_value(self, factory())
        if post_init is not None:
            post_init(self)

    __init__.__qualname__ = qualname
    return __init__


def _make(cls: type, kw_only: bool, slots: bool) -> type:
    fields = _fields(cls, kw_only)
    if not slots:
        return _make_in_place(cls, fields, kw_only)
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
    namespace["__qualname__"] = cls.__qualname__
    namespace.update(_methods(namespace, fields))
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__init__ = _make_init(made, fields, kw_only, slots=True)  # type: ignore[misc]
    return made


def _make_in_place(cls: type, fields: dict[str, Field], kw_only: bool) -> type:
    """A record with a ``__dict__`` (for ``functools.cached_property``): ``cls`` itself, completed."""
    for name, value in _methods(cls.__dict__, fields).items():
        setattr(cls, name, value)
    for f in fields.values():  # as dataclass keeps them: a default is also a class attribute
        if isinstance(cls.__dict__.get(f.name), Field):
            if f.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    setattr(cls, "__match_args__", () if kw_only else tuple(f.name for f in fields.values() if f.init))
    cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign,assignment]
    cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign,assignment]
    cls.__init__ = _make_init(cls, fields, kw_only, slots=False)  # type: ignore[misc]
    return cls


def _methods(namespace: Mapping[str, object], fields: dict[str, Field]) -> dict[str, object]:
    """The fields, comparison, hash and repr of a record whose class body is ``namespace``."""
    found: dict[str, object] = {
        _FIELDS: fields,
        "__record_compared__": _values(tuple(f.name for f in fields.values() if f.compare)),
        "__record_shown__": tuple(f.name for f in fields.values() if f.repr),
    }
    if "__eq__" not in namespace:
        found.update(__eq__=_eq, __hash__=_hash)
    if "__repr__" not in namespace:
        found["__repr__"] = _repr
    return found


def _setstate(self: Any, state: list[object]) -> None:
    cls = self.__class__
    for name, value in zip(cls.__dataclass_fields__, state):
        getattr(cls, name).__set__(self, value)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type | None = None, /, *, kw_only: bool = False, slots: bool = True) -> Any:
    """Make ``cls`` a frozen dataclass, slotted unless ``slots=False`` and
    keyword-only with ``kw_only``: ``@dataclass(frozen=True, slots=True)``
    without the code it generates."""
    if _FIELD is None:
        made = dataclasses.dataclass(frozen=True, slots=slots, kw_only=kw_only)
        return made if cls is None else made(cls)
    if cls is None:
        return lambda c: _make(c, kw_only, slots)
    return _make(cls, kw_only, slots)
