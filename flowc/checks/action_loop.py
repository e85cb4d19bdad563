"""``record``, ``gather`` or ``pay`` without ``->``: the document is requested again.

Without an action Twilio submits the result to the current document's URL. A
static document starts over: the caller hears the prompt and records (or
chooses) again, forever.

Bad: ``record max 30s``.
Good: ``record max 30s -> thanks``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL202",)
LOCAL = True  # judges each verb by itself


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for step, verb in ctx.verbs(flow, ("record", "gather", "pay")):
            pay = isinstance(verb, ir.Element) and verb.kind == "pay"
            if (isinstance(verb, ir.Record | ir.Gather) or pay) and verb.get("action") is None:
                what = "recording" if isinstance(verb, ir.Record) else "payment result" if pay else "input"
                yield report(
                    "FL202",
                    f"`{verb.name}` has no action: Twilio sends the {what} to this same document, "
                    f"which starts step `{step.name}` again",
                    verb.keyword,
                    hint=f"add `-> STEP` or `-> /url` to say where the call goes after the {verb.name}",
                )
