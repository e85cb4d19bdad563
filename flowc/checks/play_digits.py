"""``play digits`` with characters that are not DTMF tones.

``<Play digits>`` plays ``0``-``9``, ``*`` and ``#``, and ``w`` waits half a
second. Twilio cannot play anything else as a tone.

Bad: ``play digits "12-34"``.
Good: ``play digits "12ww34"``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL309",)
LOCAL = True  # judges each verb by itself
TONES = frozenset("0123456789*#w")


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ("play",)):
            if isinstance(verb, ir.Play) and verb.digits is not None:
                bad = sorted(set(verb.digits.value) - TONES)
                if bad or not verb.digits.value:
                    shown = ", ".join(f"`{c}`" if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
                    yield report(
                        "FL309",
                        f"`play digits` takes 0-9, *, # and w, not {shown}"
                        if bad
                        else "`play digits` is empty",
                        verb.digits.span,
                    )
