"""A `pay` whose action cannot receive the payment's result.

Twilio always posts the result of `<Pay>` with POST (the element has no
`method`), and only to an https URL. A method written on the `->` is not
written to the TwiML; a step reference compiles to a static file, which most
static hosts answer with 405; a plain `http` URL is refused.

Bad::

    pay charge-amount "10.00" -> GET receipt

Good::

    pay charge-amount "10.00" -> https://pay.example.com/result
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL317",)
LOCAL = True  # sees one verb or one step at a time


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ("pay",)):
            if not (isinstance(verb, ir.Element) and verb.kind == "pay") or verb.action is None:
                continue
            action = verb.action
            if action.method is not None:
                yield report(
                    "FL317",
                    "`pay` takes no method: Twilio always posts the payment's result with POST",
                    action.method.span,
                    hint="leave the method out",
                )
            if action.is_step:
                yield report(
                    "FL317",
                    f"the payment's result is posted to the step `{action.text}`, a static file; "
                    "most static hosts answer POST with 405",
                    action.span,
                    hint="write the https URL of the server that handles payments",
                )
            elif action.text.startswith("http://"):
                yield report(
                    "FL317",
                    "Twilio posts the payment's result only to https URLs",
                    action.span,
                    hint="write `https://`",
                )
