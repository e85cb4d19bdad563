"""Recording status events Twilio does not send.

``recordingStatusCallbackEvent`` takes ``in-progress``, ``completed`` and
``absent``. Any other word is rejected by Twilio; a repeated one is a typo.

Bad: ``status /rec on complete``.
Good: ``status /rec on completed``.
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from .base import CheckContext, allowed, meant

CODES = ("FL303",)
LOCAL = True  # judges each verb by itself
EVENTS = vocabulary.verb("record").option("status").events  # type: ignore[union-attr]


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow):
            if not isinstance(verb, ir.Record):
                continue
            seen = set()
            for event in verb.status_events:
                if event.value not in EVENTS:
                    hint, fixes = meant(event.value, EVENTS, event.span)
                    yield report(
                        "FL303",
                        f"`{event.value}` is not a recording status event; write {allowed(EVENTS)}",
                        event.span,
                        hint=hint,
                        fixes=fixes,
                    )
                elif event.value in seen:
                    yield report("FL303", f"the event `{event.value}` is listed twice", event.span)
                seen.add(event.value)
