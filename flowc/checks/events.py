"""Recording status events Twilio does not send.

``recordingStatusCallbackEvent`` takes ``in-progress``, ``completed`` and
``absent``. Any other word is rejected by Twilio; a repeated one is a typo.
The other callbacks' events are checked the same way against what Twilio
documents for each. An event Twilio renamed (``<Conversation>``'s
``call-in-progress``, ``call-answered`` since August 2022) is reported with
its new name, as a fix.

Bad: ``status /rec on complete``.
Good: ``status /rec on completed``.
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import replace_span
from .base import CheckContext, allowed, meant, option_table

CODES = ("FL303",)
LOCAL = True  # judges each verb by itself
EVENTS = vocabulary.verb("record").option("status").events  # type: ignore[union-attr]

# The callbacks whose events the vocabulary documents, by verb or noun.
_CALLBACKS = option_table(lambda option: option.shape is vocabulary.Shape.CALLBACK and bool(option.events))


def _kind(verb: ir.Verb, option: vocabulary.Option) -> str:
    if isinstance(verb, ir.Record):
        return "a recording status event"
    return f"an event of `{verb.name} {option.name}`"


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, _CALLBACKS):
            for option in _CALLBACKS[verb.name]:
                seen = set()
                for event in verb.get(f"{option.field}_events") or ():
                    renamed = vocabulary.RENAMED_EVENTS.get((verb.name, option.name, event.value))
                    if renamed is not None:
                        name, when = renamed
                        yield report(
                            "FL303",
                            f"`{event.value}` is no longer {_kind(verb, option)}: Twilio renamed it "
                            f"`{name}` in {when}",
                            event.span,
                            hint=f"write `{name}`",
                            fixes=(replace_span(event.span, name),),
                        )
                    elif event.value not in option.events:
                        hint, fixes = meant(event.value, option.events, event.span)
                        yield report(
                            "FL303",
                            f"`{event.value}` is not {_kind(verb, option)}; write {allowed(option.events)}",
                            event.span,
                            hint=hint,
                            fixes=fixes,
                        )
                    elif event.value in seen:
                        yield report("FL303", f"the event `{event.value}` is listed twice", event.span)
                    seen.add(event.value)
