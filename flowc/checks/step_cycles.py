"""Steps that form a cycle no path can leave.

When every ``->`` from a group of steps leads back into the group and none of
them hangs up, ends, or reaches a URL outside the flows, the caller is passed
around forever while Twilio keeps fetching documents. Each cycle is reported
once, at its first step, with its path (a cycle of more than ten steps is
named by its first ten and its last, and the count of the others).

Bad::

    step a:
        redirect -> b
    step b:
        redirect -> a

Good: let one of them ``hangup`` or point at a URL that decides.
"""

from __future__ import annotations

import itertools

from ..codes import report
from ..diagnostics import Note
from ..graph import CallGraph, StepId
from ..source import Span
from .base import CheckContext

CODES = ("FL203",)
LOCAL = False  # needs the whole flow
SHOWN = 10  # steps of a cycle named in the message and the notes; a longer one is cut


def run(ctx: CheckContext):
    graph = ctx.graph
    checked = {flow.name: flow for flow in ctx.flows}
    order: dict | None = None  # each step's place in the graph, for a cycle's first step
    for component in graph.components():
        if len(component) == 1:
            first = component[0]
            if first not in graph.successors(first):
                continue  # a step that does not loop
        else:
            if order is None:
                order = {sid: i for i, sid in enumerate(graph.nodes)}
            first = min(component, key=order.__getitem__)
        members = set(component)
        if any(graph.nodes[sid].exits for sid in component):
            continue
        if any(dest not in members for sid in component for dest in graph.successors(sid)):
            continue
        flow = checked.get(first[0])
        if flow is None or ctx.known.get(first[0]) is not flow:
            continue  # reported when its own file is checked
        path = graph.cycle_path(members, first)
        yield report(
            "FL203",
            f"these steps loop forever with no way out: {_path_text(path, first)}",
            graph.nodes[first].step.name_span,
            notes=_notes(graph, path, first),
            hint="let one step of the cycle hang up, end, or go to a URL outside it",
        )


def _path_text(path: list[StepId], home: StepId) -> str:
    """``a -> b -> a``; a cycle longer than ``SHOWN`` steps is cut after its first ones."""
    names = [_name(sid, home) for sid in path]
    steps = len(path) - 1
    if steps <= SHOWN:
        return " -> ".join(names)
    return " -> ".join(names[: SHOWN + 1]) + f" -> … -> {names[-2]} -> {names[-1]} ({steps:,} steps)"


def _notes(graph: CallGraph, path: list[StepId], home: StepId) -> tuple[Note, ...]:
    """One note per ``->`` of the cycle; past ``SHOWN`` of them, one note where it closes."""
    edges = list(itertools.pairwise(path))
    notes = [
        Note(
            message=f"`{_name(sid, home)}` sends the call on to `{_name(dst, home)}`",
            span=_edge_span(graph, sid, dst),
        )
        for sid, dst in edges[:SHOWN]
    ]
    if len(edges) > SHOWN:
        last, back = edges[-1]
        notes.append(
            Note(
                message=f"… and {len(edges) - SHOWN:,} more steps, until `{_name(last, home)}` sends the "
                f"call back to `{_name(back, home)}`",
                span=_edge_span(graph, last, back),
            )
        )
    return tuple(notes)


def _name(sid: StepId, home: StepId) -> str:
    """A step's name as seen from the flow the cycle is reported in."""
    return sid[1] if sid[0] == home[0] else f"{sid[0]}.{sid[1]}"


def _edge_span(graph: CallGraph, sid: StepId, dst: StepId) -> Span:
    for edge in graph.nodes[sid].edges:
        if edge.dest == dst:
            return edge.target.span
    return graph.nodes[sid].step.name_span
