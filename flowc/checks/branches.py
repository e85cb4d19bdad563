"""The shape of branch steps: only branch lines, keys that can match, in an order where each can be taken.

A branch step is answered by the server from the keys the caller pressed.
A verb among its lines would never play, a `when` after `otherwise` or a key
tested twice is never taken, and a key that is not made of phone keys never
matches.

Bad::

    step choice:
        say "One moment"
        otherwise -> menu
        when digits "1" -> sales
        when digits "1" -> support

Good::

    step choice:
        when digits "1" -> sales
        when digits "2" -> support
        otherwise -> menu
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL801", "FL803", "FL804", "FL805")
LOCAL = True  # judges each step's lines by themselves
KEYS = frozenset("0123456789*#")


def _shape(step: ir.Step):
    first_branch = next(v for v in step.verbs if isinstance(v, ir.BRANCH_VERBS))
    for verb in step.verbs:
        if not isinstance(verb, ir.BRANCH_VERBS):
            yield report(
                "FL801",
                f"`{verb.name}` in branch step `{step.name}`: a branch step holds only "
                "`when` and `otherwise` lines",
                verb.span,
                notes=(Note(message="this line makes it a branch step", span=first_branch.keyword),),
                hint=f"move the `{verb.name}` to the step before it, the one whose `gather` asks the question",
            )


def _order(step: ir.Step):
    otherwise: ir.Otherwise | None = None
    seen: dict[str, ir.When] = {}
    for verb in step.verbs:
        if not isinstance(verb, ir.BRANCH_VERBS):
            continue
        if otherwise is not None:
            yield report(
                "FL803",
                f"`{verb.name}` is never taken: `otherwise` above it matches every call",
                verb.span,
                notes=(Note(message="`otherwise` takes every call that gets this far", span=otherwise.span),),
                hint="move `otherwise` to the end of the step",
            )
            continue
        if isinstance(verb, ir.Otherwise):
            otherwise = verb
            continue
        key = verb.value.value
        bad = sorted(set(key) - KEYS)
        if not key or bad:
            shown = ", ".join(f"`{c}`" if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
            yield report(
                "FL805",
                "a `when digits` key needs at least one key"
                if not key
                else f"`when digits` compares phone keys (0-9, * and #), not {shown}",
                verb.value.span,
                hint="Twilio does not call the action when the caller presses nothing; use `otherwise`"
                if not key
                else None,
            )
            continue
        first = seen.get(key)
        if first is not None:
            yield report(
                "FL804",
                f'`when digits "{key}"` is never taken: the same key is tested above',
                verb.span,
                notes=(Note(message="this line takes the key first", span=first.span),),
                hint="remove one of them, or change the key",
            )
            continue
        seen[key] = verb


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for step in ctx.branch_steps(flow):
            yield from _shape(step)
            yield from _order(step)
