"""``finish`` keys that are not phone keys.

``finishOnKey`` takes ``0``-``9``, ``#`` and ``*``. ``<Record>`` accepts any
non-empty set; ``<Gather>`` one key, or ``""`` to turn the finish key off.

Bad: ``record finish "x"``, ``gather finish "#*"``.
Good: ``record finish "#*"``, ``gather finish "#"``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL302",)
LOCAL = True  # judges each verb by itself
KEYS = frozenset("0123456789#*")


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ("record", "gather")):
            if not isinstance(verb, ir.Record | ir.Gather) or verb.finish is None:
                continue
            keys = verb.finish.value
            bad = sorted(set(keys) - KEYS)
            if bad:
                shown = ", ".join(f"`{c}`" if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
                yield report(
                    "FL302",
                    f"`finish` takes the keys 0-9, # and *, not {shown}",
                    verb.finish.span,
                )
            elif isinstance(verb, ir.Record) and not keys:
                yield report(
                    "FL302",
                    "`finish` on `record` needs at least one key",
                    verb.finish.span,
                    hint="leave `finish` out to let any key end the recording",
                )
            elif isinstance(verb, ir.Gather) and len(keys) > 1:
                yield report(
                    "FL302",
                    f"`finish` on `gather` takes one key, not {len(keys)}",
                    verb.finish.span,
                    hint='write one key, or "" to turn the finish key off',
                )
