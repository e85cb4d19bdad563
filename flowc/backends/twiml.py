"""IR → TwiML documents, one per step.

Every verb is emitted from one table (:data:`ATTRIBUTES`) that maps IR fields
to TwiML attribute names and value formats, in a fixed order, so the same
flow always gives byte-identical documents. Only options the source wrote
appear, plus ``method="GET"`` on step references (static hosts answer POST
with 405).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from .. import ir
from ..codes import report
from ..diagnostics import Diagnostic, Note
from . import Emission

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


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


def _text(v: ir.Text) -> str:
    return v.value


def _number(v: ir.Number) -> str:
    return str(v.value)


def _seconds(v: ir.Duration | ir.Text) -> str:
    return v.value if isinstance(v, ir.Text) else str(v.seconds)


def _switch(on: str, off: str) -> Callable[[ir.Switch], str]:
    return lambda v: on if v.on else off


def _words(v: tuple[ir.Text, ...]) -> str:
    return " ".join(w.value for w in v)


def _url(v: ir.UrlTarget) -> str:
    return v.text


def _method(v: ir.UrlTarget) -> str | None:
    return v.method.value if v.method is not None else None


_TRUE = _switch("true", "false")

# verb → ((IR field, TwiML attribute, format), ...). `action` is handled by
# _action because its URL depends on the flow.
ATTRIBUTES: dict[type[ir.Verb], tuple[tuple[str, str, Format], ...]] = {
    ir.Say: (("voice", "voice", _text), ("language", "language", _text), ("loop", "loop", _number)),
    ir.Play: (("loop", "loop", _number), ("digits", "digits", _text)),
    ir.Pause: (("length", "length", _seconds),),
    ir.Record: (
        ("max_length", "maxLength", _seconds),
        ("timeout", "timeout", _seconds),
        ("finish", "finishOnKey", _text),
        ("beep", "playBeep", _TRUE),
        ("trim", "trim", _switch("trim-silence", "do-not-trim")),
        ("transcribe", "transcribe", _TRUE),
        ("transcribe_callback", "transcribeCallback", _url),
        ("status", "recordingStatusCallback", _url),
        ("status", "recordingStatusCallbackMethod", _method),
        ("status_events", "recordingStatusCallbackEvent", _words),
    ),
    ir.Gather: (
        ("input", "input", _words),
        ("num_digits", "numDigits", _number),
        ("timeout", "timeout", _seconds),
        ("finish", "finishOnKey", _text),
        ("speech_timeout", "speechTimeout", _seconds),
        ("hints", "hints", _text),
        ("language", "language", _text),
    ),
    ir.Redirect: (),
    ir.Hangup: (),
    ir.Reject: (("reason", "reason", _text),),
    ir.Dial: (
        ("timeout", "timeout", _seconds),
        ("time_limit", "timeLimit", _seconds),
        ("caller_id", "callerId", _text),
    ),
}

TAGS = {cls: cls.__name__ for cls in ATTRIBUTES}


def _content(verb: ir.Verb, flow: ir.Flow) -> str | None:
    """The text content of the verbs that have one."""
    if isinstance(verb, ir.Say):
        return verb.text.value
    if isinstance(verb, ir.Play):
        return verb.url.text if verb.url is not None else None
    if isinstance(verb, ir.Redirect):
        return step_url(flow, verb.target)
    if isinstance(verb, ir.Dial):
        return verb.number.value
    return None


def _verb(parent: etree._Element, verb: ir.Verb, flow: ir.Flow) -> None:
    kind = type(verb)
    attributes: dict[str, str] = {}
    for field, attribute, fmt in ATTRIBUTES[kind]:
        value = getattr(verb, field)
        if value:  # None and () are options the source did not write
            text = fmt(value)
            if text is not None:
                attributes[attribute] = text
    target = verb.target if isinstance(verb, ir.Redirect) else getattr(verb, "action", None)
    if target is not None:
        if not isinstance(verb, ir.Redirect):
            attributes["action"] = step_url(flow, target)
        method = action_method(target)
        if method is not None:
            attributes["method"] = method
    el = etree.SubElement(parent, TAGS[kind], attributes)
    el.text = _content(verb, flow) or None
    for child in verb.body:
        _verb(el, child, flow)


def render_step(flow: ir.Flow, step: ir.Step) -> bytes:
    """One step as a complete TwiML document (UTF-8, with XML declaration)."""
    root = etree.Element("Response")
    for verb in step.verbs:
        _verb(root, verb, flow)
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
