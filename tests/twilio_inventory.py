"""The inventory of TwiML Voice: what twilio-python's ``voice_response``
module can build, found by introspection.

Every element class of the module is instantiated, and every public method
that nests a child element is called with a value for each of its
parameters; the child it returns gives the element's tag, its attributes
(as twilio-python writes them: ``for_`` → ``for``, ``xml_lang`` →
``xml:lang``, ``status_callback`` → ``statusCallback``) and whether it has
text. Nothing here names an element or an attribute: a newer twilio that
adds one adds it to the inventory.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from twilio.twiml import TwiML, voice_response

ROOT = "Response"


@dataclass
class Placement:
    """One element in one parent: ``<Dial><Conference>``."""

    parent: str  # the parent's tag (`Response` for the document)
    child: str  # the element's tag
    attributes: set[str] = field(default_factory=set)
    content: bool = False  # whether twilio-python writes text in it
    builders: set[str] = field(default_factory=set)  # `Dial.conference`


def element_classes() -> list[type[TwiML]]:
    """Every TwiML element class the module defines."""
    return [
        cls
        for cls in vars(voice_response).values()
        if inspect.isclass(cls) and issubclass(cls, TwiML) and cls.__module__ == voice_response.__name__
    ]


def _arguments(function) -> tuple[list[str], dict[str, str]]:
    """A value for each parameter: positional ones without a default, the rest by keyword."""
    positional, keywords = [], {}
    for name, p in list(inspect.signature(function).parameters.items())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is p.empty:
            positional.append("x")
        else:
            keywords[name] = "x"
    return positional, keywords


def _instance(cls: type[TwiML]) -> TwiML:
    positional, _ = _arguments(cls.__init__)
    return cls(*positional)


def placements() -> dict[tuple[str, str], Placement]:
    """``(parent tag, child tag)`` → what twilio-python builds there."""
    found: dict[tuple[str, str], Placement] = {}
    for cls in element_classes():
        parent = _instance(cls)
        for name, method in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(method):
                continue
            positional, keywords = _arguments(method)
            child = method(_instance(cls), *positional, **keywords)
            if not isinstance(child, TwiML):
                continue  # not a builder
            place = found.setdefault((parent.name, child.name), Placement(parent.name, child.name))
            place.attributes |= set(child.attrs)
            place.content |= bool(child.value)
            place.builders.add(f"{cls.__name__}.{name}")
    return found


def tags() -> dict[type[TwiML], str]:
    """Each element class's tag."""
    return {cls: _instance(cls).name for cls in element_classes()}
