"""Two steps with one name, or names that differ only in case.

Each step is written to ``<step>.xml``. Two steps named ``menu`` would write
one file twice; ``Menu`` and ``menu`` overwrite each other on the
case-insensitive file systems that macOS and Windows use by default.

Bad: ``step menu:`` ... ``step Menu:``.
Good: ``step menu:`` ... ``step menu_again:``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL102",)
LOCAL = True  # compares the steps there are: a missing step can hide a duplicate, not make one


def run(ctx: CheckContext):
    for flow in ctx.flows:
        seen: dict[str, ir.Step] = {}
        for step in flow.steps:
            first = seen.get(step.name.casefold())
            if first is None:
                seen[step.name.casefold()] = step
                continue
            same = first.name == step.name
            yield report(
                "FL102",
                f"the step `{step.name}` is defined twice"
                if same
                else f"the steps `{first.name}` and `{step.name}` differ only in case",
                step.name_span,
                notes=(Note(message="first defined here", span=first.name_span),),
                hint=None if same else "their files would collide on case-insensitive file systems",
            )
