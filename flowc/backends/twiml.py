"""IR → TwiML documents, one per step.

Every verb is emitted from one table (:data:`ATTRIBUTES`) that maps IR fields
to TwiML attribute names and value formats, in a fixed order, so the same
flow always gives byte-identical documents. Only options the source wrote
appear, plus ``method="GET"`` on step references (static hosts answer POST
with 405).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import Diagnostic, Note
from . import Emission

if TYPE_CHECKING:
    from lxml import etree

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def step_url(flow: ir.Flow, target: ir.Target) -> str:
    """The URL a target compiles to, seen from a document of ``flow``."""
    if not isinstance(target, ir.StepTarget):
        return target.text
    dest_flow = target.flow or flow.name
    base = flow.settings.base_url
    if base is not None:
        return f"{base.text.rstrip('/')}/{dest_flow}/{target.step}.xml"
    if dest_flow == flow.name:
        return f"{target.step}.xml"
    return f"../{dest_flow}/{target.step}.xml"


def action_method(target: ir.Target) -> str | None:
    if target.method is not None:
        return target.method.value
    return "GET" if target.is_step else None


# ---- value formats ---------------------------------------------------------------

# A format takes the value of its row's IR field, whose type differs from row
# to row (Text, Number, Duration, Switch, UrlTarget, a tuple of Text), hence Any.
Format = Callable[[Any], str | None]


def _value(v: ir.Text | ir.Number | ir.Duration) -> str:
    if isinstance(v, ir.Duration):
        return str(v.seconds)
    if isinstance(v, ir.Number):
        return str(v.value)
    return v.value


def _words(v: tuple[ir.Text, ...]) -> str:
    return " ".join(w.value for w in v)


def _url(v: ir.UrlTarget) -> str:
    return v.text


def _method(v: ir.UrlTarget) -> str | None:
    return v.method.value if v.method is not None else None


def _switch(on: str, off: str) -> Format:
    # A switch may also take a word of its own (`beep onEnter`).
    return lambda v: v.value if isinstance(v, ir.Text) else (on if v.on else off)


def _formats(option: vocabulary.Option | None) -> dict[str, Format]:
    switch = _switch(*option.switch_values) if option is not None else _switch("true", "false")
    return {"value": _value, "words": _words, "url": _url, "method": _method, "switch": switch}


def _rows(verb: vocabulary.Verb) -> tuple[tuple[str, str, Format], ...]:
    """``(IR field, attribute, format)`` of a verb, from the vocabulary."""
    by_field = {f: o for o in verb.options for f in o.fields}
    return tuple(
        (field, attribute, _formats(by_field.get(field))[kind]) for field, attribute, kind in verb.attributes
    )


_WITH_ELEMENT = tuple(v for v in vocabulary.VERBS if v.element is not None)

# verb or noun (by its name) → ((IR field, TwiML attribute, format), ...), in
# the order they are written. `action` is handled by _verb because its URL
# depends on the flow.
ATTRIBUTES: dict[str, tuple[tuple[str, str, Format], ...]] = {
    verb.name: _rows(verb) for verb in _WITH_ELEMENT
}

# Elements whose `->` has no method attribute (`<Pay>`).
_HAS_METHOD = {v.name: v.arrow.method for v in vocabulary.VERBS if v.arrow is not None}

TAGS: dict[str, str] = {verb.name: verb.element for verb in _WITH_ELEMENT}  # type: ignore[misc]


def _text(value: object) -> str | None:
    if isinstance(value, ir.Target):
        return value.text
    return _value(value) if value is not None else None  # type: ignore[arg-type]


# A generated element's content: the field of its value that has no attribute.
_CONTENT_FIELD = {v.name: value.field for v in vocabulary.GENERATED for value in v.values if value.attribute is None}


def _content(verb: ir.Verb, flow: ir.Flow) -> str | None:
    """The text content of the verbs that have one."""
    if isinstance(verb, ir.Say):
        return verb.text.value if verb.text is not None else None
    if isinstance(verb, ir.Play):
        return verb.url.text if verb.url is not None else None
    if isinstance(verb, ir.Redirect):
        return step_url(flow, verb.target)
    if isinstance(verb, ir.Dial):
        return verb.number.value if verb.number is not None else None
    if isinstance(verb, ir.Element):  # its value without an attribute: `conference NAME`
        field = _CONTENT_FIELD.get(verb.kind)
        return _text(verb.get(field)) if field is not None else None
    return None


def _verb(parent: etree._Element, verb: ir.Verb, flow: ir.Flow, sub_element: Callable) -> None:
    name = verb.name
    attributes: dict[str, str] = {}
    for field, attribute, fmt in ATTRIBUTES[name]:
        value = verb.get(field)
        if isinstance(value, ir.Target) and value.is_step:  # a callback that fetches a step's TwiML
            text = step_url(flow, value) if fmt is _url else action_method(value)
            if text is not None:
                attributes[attribute] = text
        elif value:  # None and () are options the source did not write
            text = fmt(value)
            if text is not None:
                attributes[attribute] = text
    redirect = isinstance(verb, ir.Redirect)
    target = verb.target if isinstance(verb, ir.Redirect) else verb.get("action")
    if target is not None:
        if not redirect:
            attributes["action"] = step_url(flow, target)
        method = action_method(target) if _HAS_METHOD.get(name, True) else None
        if method is not None:
            attributes["method"] = method
    if "xml:lang" in attributes:  # `lang`: the attribute of the XML namespace
        attributes[XML_LANG] = attributes.pop("xml:lang")
    el = sub_element(parent, TAGS[name], attributes)
    el.text = _content(verb, flow) or None
    for child in verb.body:
        if isinstance(child, ir.TextLine):
            _speak(el, child.text.value)
        else:
            _verb(el, child, flow, sub_element)


def _speak(el: etree._Element, text: str) -> None:
    """A text line of a `say` block: the element's text before its first
    child, else the tail of the child before it (as twilio-python's
    ``Say.append("...")`` writes it). Consecutive lines are one text,
    joined by a space."""
    last = el[-1] if len(el) else None
    before = el.text if last is None else last.tail
    joined = f"{before} {text}" if before else text
    if last is None:
        el.text = joined
    else:
        last.tail = joined


def render_step(flow: ir.Flow, step: ir.Step) -> bytes:
    """One step as a complete TwiML document (UTF-8, with XML declaration)."""
    from lxml import etree  # here, not above: a check renders no document

    root = etree.Element("Response")
    for verb in step.verbs:
        _verb(root, verb, flow, etree.SubElement)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def render_flow(flow: ir.Flow) -> dict[str, bytes]:
    """``{"<step>.xml": document}`` for every step of the flow."""
    return {f"{step.name}.xml": render_step(flow, step) for step in flow.steps}


def require() -> None:
    """The twiml target needs only flowc's own dependencies."""


def unsupported(build) -> tuple[Diagnostic, ...]:
    """What static TwiML cannot express: steps that branch on the caller's input."""
    found = []
    for flow in build.flows:
        for step in flow.steps:
            if step.is_branch:
                first = next(v for v in step.verbs if isinstance(v, ir.BRANCH_VERBS))
                found.append(
                    report(
                        "FL802",
                        f"step `{step.name}` branches on the keys the caller pressed, "
                        "which a static TwiML file cannot do",
                        step.name_span,
                        notes=(Note(message="decided here, on the server", span=first.keyword),),
                        hint="build with `--target flask` to generate a server that branches",
                    )
                )
    return tuple(found)


def emit(build) -> Emission:
    """The TwiML target: ``<flow>/<step>.xml`` for every step of every flow."""
    problems = unsupported(build)
    if problems:
        return Emission(diagnostics=problems)
    files = {}
    for flow in build.flows:
        for name, data in render_flow(flow).items():
            files[f"{flow.name}/{name}"] = data
    return Emission(files=files, summary=f"{len(files)} TwiML files")
