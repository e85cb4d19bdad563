"""Verbs nested where TwiML does not allow it.

Only ``gather`` takes an indented block, and only ``say``, ``play`` and
``pause`` may be nested in it. Nothing nests in ``record`` and ``record``
nests in nothing. Twilio rejects other nestings.

Bad::

    gather -> choice:
        record -> done

Good::

    gather -> choice:
        say "Press 1 to record a message"
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL401",)
LOCAL = True  # judges each step's lines by themselves
IN_GATHER = (ir.Say, ir.Play, ir.Pause)


def _check(parent: ir.Verb):
    for child in parent.body:
        if not isinstance(parent, ir.Gather):
            yield report(
                "FL401",
                f"`{parent.name}` cannot hold other verbs; only `gather` takes a block",
                child.span,
                notes=(Note(message=f"the block of this `{parent.name}`", span=parent.keyword),),
                hint="un-indent the verbs below it",
            )
            return
        if not isinstance(child, IN_GATHER):
            yield report(
                "FL401",
                f"`{child.name}` cannot be nested in `gather`; only `say`, `play` and `pause` can",
                child.keyword,
                notes=(Note(message="inside this gather", span=parent.keyword),),
                hint=f"move the `{child.name}` to the step the gather's action leads to",
            )
        yield from _check(child)


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for step in flow.steps:
            for verb in step.verbs:
                yield from _check(verb)
