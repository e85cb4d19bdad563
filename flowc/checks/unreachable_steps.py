"""Steps that no path reaches.

The first step is the entry; other steps are fetched only when a ``->`` leads
to them, from this flow or from another flow of the build. A step nothing
leads to is dead code: usually a typo in a ``->`` or a forgotten link.

Bad: ``step goodbye:`` with no ``-> goodbye`` anywhere.
Good: ``record -> goodbye``.
"""

from __future__ import annotations

from ..codes import report
from .base import CheckContext

CODES = ("FL204",)
LOCAL = False  # needs the whole flow


def run(ctx: CheckContext):
    graph = ctx.graph
    # Every flow's entry can be called (a phone number points at it); the
    # graph follows `flow.step` references, so a step another flow reaches
    # counts only when that flow reaches it from its own entry.
    roots = [(flow.name, flow.entry.name) for flow in ctx.known.values() if flow.entry is not None]
    reached = graph.reachable(roots)
    for flow in ctx.flows:
        if ctx.known.get(flow.name) is not flow:
            continue
        entry = flow.entry
        if entry is None:
            continue
        for step in flow.steps[1:]:
            sid = (flow.name, step.name)
            if sid not in reached and graph.nodes.get(sid) is not None and graph.nodes[sid].step is step:
                yield report(
                    "FL204",
                    f"no path from the entry step `{entry.name}` reaches the step `{step.name}`",
                    step.name_span,
                    hint=f"link to it with `-> {step.name}`, or remove it",
                )
