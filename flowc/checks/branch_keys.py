"""Branch keys the caller can never produce, and branch steps no ``gather`` leads to.

A ``gather`` posts ``Digits`` to its action: at most ``digits N`` keys, never
its finish key (``#`` unless ``finish`` changes it). A ``when`` whose key is
longer, or holds the finish key, for every gather that leads to the step is
never taken. A branch step no gather leads to only ever sees calls without
``Digits``.

Bad::

    step menu:
        gather digits 1 -> choice:
            say "Press 1 for sales, 2 for support"
    step choice:
        when digits "12" -> sales
        otherwise -> menu

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
from .branches import KEYS

CODES = ("FL806", "FL807")
LOCAL = False  # needs the whole flow
DEFAULT_FINISH = "#"


def _why_not(key: str, gather: ir.Gather) -> str | None:
    """Why ``gather`` cannot post ``key`` as Digits, or None if it can."""
    if gather.num_digits is not None and 0 < gather.num_digits.value < len(key):
        n = gather.num_digits.value
        return f"`digits {n}` stops after {n} key{'s' if n != 1 else ''}"
    finish = gather.finish.value if gather.finish is not None else DEFAULT_FINISH
    if finish and finish in key:
        return f"`{finish}` ends the input and is not part of it"
    return None


def run(ctx: CheckContext):
    branching = [(flow, step) for flow in ctx.flows for step in ctx.branch_steps(flow)]
    if not branching:
        return
    feeders: dict[tuple[str, str], list[ir.Gather]] = {}
    for node in ctx.graph.nodes.values():
        for edge in node.edges:
            if isinstance(edge.verb, ir.Gather) and edge.dest is not None:  # a GATHERED edge
                feeders.setdefault(edge.dest, []).append(edge.verb)
    for flow, step in branching:
        whens = [v for v in step.verbs if isinstance(v, ir.When)]
        if not whens:
            continue
        gathers = feeders.get((flow.name, step.name), [])
        if not gathers:
            yield report(
                "FL807",
                f"step `{step.name}` branches on digits, but no `gather` sends the call to it",
                step.name_span,
                hint=f"point the gather that asks the question at it: `gather ... -> {step.name}`",
            )
            continue
        for when in whens:
            key = when.value.value
            if not key or set(key) - KEYS:
                continue  # reported as an invalid key
            reasons = [_why_not(key, g) for g in gathers]
            if all(reasons):
                gather = gathers[0]
                yield report(
                    "FL806",
                    f'no caller can press "{key}" here: {reasons[0]}',
                    when.value.span,
                    notes=tuple(
                        Note(message="the gather that leads here", span=g.keyword) for g in gathers[:3]
                    ),
                    hint="change the key, or the gather's `digits`/`finish`"
                    if gather.num_digits is not None or gather.finish is not None
                    else "change the key",
                )
