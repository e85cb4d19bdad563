"""Steps that form a cycle no path can leave.

When every ``->`` from a group of steps leads back into the group and none of
them hangs up, ends, or reaches a URL outside the flows, the caller is passed
around forever while Twilio keeps fetching documents. Each cycle is reported
once, at its first step, with its path.

Bad::

    step a:
        redirect -> b
    step b:
        redirect -> a

Good: let one of them ``hangup`` or point at a URL that decides.
"""

from __future__ import annotations

from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL203",)
LOCAL = False  # needs the whole flow


def run(ctx: CheckContext):
    graph = ctx.graph
    checked = {flow.name: flow for flow in ctx.flows}
    order = {sid: i for i, sid in enumerate(graph.nodes)}
    for component in graph.components():
        members = set(component)
        first = min(component, key=order.__getitem__)
        looping = len(component) > 1 or first in graph.successors(first)
        if not looping:
            continue
        if any(graph.nodes[sid].exits for sid in component):
            continue
        if any(dest not in members for sid in component for dest in graph.successors(sid)):
            continue
        flow = checked.get(first[0])
        if flow is None or ctx.known.get(first[0]) is not flow:
            continue  # reported when its own file is checked
        path = graph.cycle_path(members, first)
        names = " -> ".join(_name(sid, first) for sid in path)
        notes = tuple(
            Note(
                message=f"`{_name(sid, first)}` sends the call on to `{_name(dst, first)}`",
                span=_edge_span(graph, sid, dst),
            )
            for sid, dst in zip(path, path[1:], strict=False)
        )
        yield report(
            "FL203",
            f"these steps loop forever with no way out: {names}",
            graph.nodes[first].step.name_span,
            notes=notes,
            hint="let one step of the cycle hang up, end, or go to a URL outside it",
        )


def _name(sid, home) -> str:
    """A step's name as seen from the flow the cycle is reported in."""
    return sid[1] if sid[0] == home[0] else f"{sid[0]}.{sid[1]}"


def _edge_span(graph, sid, dst):
    for edge in graph.nodes[sid].edges:
        if edge.dest == dst:
            return edge.target.span
    return graph.nodes[sid].step.name_span
