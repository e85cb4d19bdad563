"""The call-flow graph: which step can send the call to which.

Built once per build from the IR and shared by the graph checks (cycles,
unreachable steps) and by backends that draw or route the flow. Nodes are
``(flow, step)`` pairs; an edge is one ``->`` of one verb.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from . import ir, vocabulary
from .records import record

StepId = tuple[str, str]


class EdgeKind(enum.Enum):
    RECORDED = "recording finished"
    GATHERED = "input received"
    REDIRECT = "redirect"
    DIALED = "dial ended"
    BRANCH = "input matched"  # a `when` (its key is on the edge's verb) or `otherwise`
    ENQUEUED = "left the queue"
    CONNECTED = "connection ended"
    PAID = "payment finished"
    REFERRED = "transfer finished"
    MESSAGED = "message sent"
    STARTED = "started"
    FETCHED = "played meanwhile"  # a `wait` or `url` callback that names a step


_EDGE_KIND = {
    ir.Record: EdgeKind.RECORDED,
    ir.Gather: EdgeKind.GATHERED,
    ir.Redirect: EdgeKind.REDIRECT,
    ir.Dial: EdgeKind.DIALED,
    ir.When: EdgeKind.BRANCH,
    ir.Otherwise: EdgeKind.BRANCH,
}


# The `->` of the elements the vocabulary generates, by name.
_ELEMENT_EDGE = {
    "enqueue": EdgeKind.ENQUEUED,
    "connect": EdgeKind.CONNECTED,
    "pay": EdgeKind.PAID,
    "refer": EdgeKind.REFERRED,
    "sms": EdgeKind.MESSAGED,
    "start": EdgeKind.STARTED,
}


def edge_kind(verb: ir.Verb) -> EdgeKind:
    """What a verb's `->` means: the label of its edge."""
    if isinstance(verb, ir.Element):
        return _ELEMENT_EDGE[verb.kind]
    return _EDGE_KIND[type(verb)]


_ENDING = (ir.Record, ir.Redirect, ir.Hangup, ir.Reject)  # tuples: isinstance is faster with them than with unions
_MEDIA = (ir.Say, ir.Play)


def ends_document(verb: ir.Verb) -> bool:
    """True when Twilio never runs the verbs after ``verb`` in its document."""
    if isinstance(verb, _ENDING):
        return True
    if isinstance(verb, ir.Element):  # as the vocabulary says (`Verb.ends`)
        ends = vocabulary.verb(verb.kind).ends
        return ends == "always" or (ends == "action" and verb.action is not None)
    if isinstance(verb, ir.Dial):
        return verb.action is not None
    if isinstance(verb, _MEDIA):
        return verb.loop is not None and verb.loop.value == 0
    return False


@record(kw_only=True)
class Edge:
    source: StepId
    verb: ir.Verb
    target: ir.Target
    kind: EdgeKind
    dest: StepId | None  # None: a URL outside the flows, or an unresolved reference


@record(kw_only=True)
class StepNode:
    id: StepId
    step: ir.Step
    edges: tuple[Edge, ...]
    exits: bool  # the step can end the call or leave the flows without a `->` to a step


def resolve(flow: ir.Flow, target: ir.Target, flows: Mapping[str, ir.Flow]) -> StepId | None:
    """The step a step target points at, or ``None`` (URL, or not found)."""
    if not isinstance(target, ir.StepTarget):
        return None
    if target.flow is None:
        return (flow.name, target.step) if flow.step(target.step) is not None else None
    other = flows.get(target.flow)
    if other is not None and other.step(target.step) is not None:
        return (other.name, target.step)
    return None


def _node(flow: ir.Flow, step: ir.Step, flows: Mapping[str, ir.Flow]) -> StepNode:
    sid = (flow.name, step.name)
    edges = []
    exits = False
    stopped = False
    for verb in step.verbs:
        for target in ir.targets(verb):
            dest = resolve(flow, target, flows)
            edges.append(Edge(source=sid, verb=verb, target=target, kind=edge_kind(verb), dest=dest))
            if dest is None:
                exits = True  # a URL (or a dangling reference, reported elsewhere)
        for target in ir.step_callbacks(verb):
            dest = resolve(flow, target, flows)
            edges.append(Edge(source=sid, verb=verb, target=target, kind=EdgeKind.FETCHED, dest=dest))
        if isinstance(verb, ir.Otherwise):
            stopped = True  # a branch step with `otherwise` always sends the call on
            break
        if ends_document(verb):
            stopped = True
            # Hanging up, rejecting, looping media until hang-up, and a record
            # that re-requests its own document (reported as an action loop)
            # all leave the graph.
            if not ir.targets(verb):
                exits = True
            break
    if not stopped:
        # The document runs out of verbs and Twilio ends the call; or, in a
        # branch step without `otherwise`, input matching no `when` ends it.
        exits = True
    return StepNode(id=sid, step=step, edges=tuple(edges), exits=exits)


class CallGraph:
    """The steps of ``flows`` and their edges, references resolved in
    ``known``. Its ``nodes`` are complete once it is built: the successors
    of each step are found once, when first asked for."""

    def __init__(self, flows: Iterable[ir.Flow], known: Mapping[str, ir.Flow]):
        self.nodes: dict[StepId, StepNode] = {}
        self._successors: dict[StepId, tuple[StepId, ...]] = {}
        for flow in flows:
            for step in flow.steps:
                sid = (flow.name, step.name)
                if sid not in self.nodes:  # duplicate steps are reported elsewhere
                    self.nodes[sid] = _node(flow, step, known)

    def successors(self, sid: StepId) -> tuple[StepId, ...]:
        """The steps ``sid`` leads to, each once, in the order of its edges."""
        found = self._successors.get(sid)
        if found is None:
            nodes = self.nodes
            found = self._successors[sid] = tuple(
                dict.fromkeys(edge.dest for edge in nodes[sid].edges if edge.dest is not None and edge.dest in nodes)
            )
        return found

    def reachable(self, roots: Iterable[StepId]) -> set[StepId]:
        seen: set[StepId] = set()
        todo = [r for r in roots if r in self.nodes]
        while todo:
            sid = todo.pop()
            if sid in seen:
                continue
            seen.add(sid)
            todo.extend(self.successors(sid))
        return seen

    def components(self) -> list[list[StepId]]:
        """Strongly connected components (Tarjan, iterative), in discovery order."""
        index: dict[StepId, int] = {}
        low: dict[StepId, int] = {}
        on_stack: set[StepId] = set()
        stack: list[StepId] = []
        result: list[list[StepId]] = []
        counter = 0
        for root in self.nodes:
            if root in index:
                continue
            work = [(root, iter(self.successors(root)))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                sid, it = work[-1]
                advanced = False
                for nxt in it:
                    if nxt not in index:
                        index[nxt] = low[nxt] = counter
                        counter += 1
                        stack.append(nxt)
                        on_stack.add(nxt)
                        work.append((nxt, iter(self.successors(nxt))))
                        advanced = True
                        break
                    if nxt in on_stack:
                        low[sid] = min(low[sid], index[nxt])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[sid])
                if low[sid] == index[sid]:
                    comp = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        comp.append(top)
                        if top == sid:
                            break
                    result.append(comp)
        return result

    def cycle_path(self, members: set[StepId], start: StepId) -> list[StepId]:
        """A shortest path start → … → start inside ``members``."""
        parents: dict[StepId, StepId] = {}
        frontier = [start]
        while frontier:
            nxt_frontier = []
            for sid in frontier:
                for nxt in self.successors(sid):
                    if nxt not in members:
                        continue
                    if nxt == start:
                        path = [sid]
                        while path[-1] != start:
                            path.append(parents[path[-1]])
                        return [*reversed(path), start]
                    if nxt not in parents:
                        parents[nxt] = sid
                        nxt_frontier.append(nxt)
            frontier = nxt_frontier
        return [start]
