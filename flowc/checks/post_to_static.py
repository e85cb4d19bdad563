"""A step, which is a static file, fetched with POST.

Step references compile to ``.xml`` files that static hosts serve. Most of
them (object storage, CDNs, plain web servers) answer POST with 405 Method Not
Allowed, so the call fails. Step references without a method are fetched with
GET.

Bad: ``record -> POST handle``.
Good: ``record -> handle``.
"""

from __future__ import annotations

from ..codes import report
from .base import CheckContext

CODES = ("FL701",)
LOCAL = True  # judges each verb by itself


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for target in ctx.targets(flow):
            if target.is_step and target.method is not None and target.method.value == "POST":
                yield report(
                    "FL701",
                    f"the step `{target.text}` is a static file; most static hosts answer POST with 405",
                    target.method.span,
                    hint="leave the method out (steps are fetched with GET)",
                )
