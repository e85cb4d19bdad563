"""HTTP methods other than ``GET`` and ``POST``.

Twilio fetches actions and callbacks with GET or POST only.

Bad: ``record -> PUT /handle``.
Good: ``record -> POST /handle``.
"""

from __future__ import annotations

from ..codes import report
from .base import CheckContext

CODES = ("FL304",)
LOCAL = True  # judges each verb by itself


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for target in ctx.targets(flow):
            if target.method is not None and target.method.value not in ("GET", "POST"):
                yield report(
                    "FL304",
                    f"`{target.method.value}` is not a method Twilio uses; write `GET` or `POST`",
                    target.method.span,
                )
