"""Checking the successive versions of one file, reusing what did not change.

A keystroke changes one step of a flow, and most of the time of a check goes
to the checks that judge each verb by itself (URLs, methods, phone numbers,
values...). :class:`StepChecks` runs those checks on each step alone and keeps
what they found by the step: the next version runs them only on the steps
that changed (the incremental parse gives an unchanged step the same object),
and on the flow's settings when they changed. Every other check runs on the
whole flow, as in a build.

The result is the one :func:`~flowc.checks.run_checks` gives for the whole
flow, once sorted: the same diagnostics. For a check in :data:`PER_STEP` what
it finds on the whole flow is what it finds on the settings alone (the flow
without its steps) and on each step alone (the flow without its settings and
with that step only), together; tests/test_livecheck.py holds every check of
the set to this on a corpus of flows, and the checks left out of it (like
``duplicate_steps``, which compares steps with each other) to the opposite.
"""

from __future__ import annotations

import dataclasses
import threading

from . import ir
from .checks import CHECKS, CheckContext, run_checks
from .diagnostics import Diagnostic
from .graph import CallGraph, StepNode, _node

# The local checks (see flowc.checks.LOCAL_CHECKS) that judge each verb, each
# step or the settings by itself, so that the whole flow's findings are the
# settings' and each step's together.
PER_STEP = tuple(
    check for check in CHECKS if check.LOCAL and check.__name__.rsplit(".", 1)[-1] != "duplicate_steps"
)
WHOLE = tuple(check for check in CHECKS if check not in PER_STEP)

_NO_SETTINGS = ir.Settings()


def _key(d: Diagnostic) -> tuple:
    return (d.code, d.span, d.message)


def step_part(flow: ir.Flow, step: ir.Step) -> ir.Flow:
    """The flow of one step: the flow without its settings and with that step only."""
    return dataclasses.replace(flow, settings=_NO_SETTINGS, steps=(step,))


def settings_part(flow: ir.Flow) -> ir.Flow:
    """The flow without its steps."""
    return dataclasses.replace(flow, steps=())


def _run_part(part: ir.Flow) -> tuple[Diagnostic, ...]:
    return tuple(run_checks(CheckContext(flows=(part,), known={part.name: part}), PER_STEP))


class StepChecks:
    """The checks of the successive versions of one file's flow (see the
    module's doc). Safe to share between threads: one check runs at a time."""

    def __init__(self) -> None:
        # id of a step -> (the step, kept so that its id is not reused; what it has)
        self._steps: dict[int, tuple[ir.Step, tuple[Diagnostic, ...]]] = {}
        self._header: tuple[tuple, tuple[Diagnostic, ...]] | None = None
        self._steps_header: tuple | None = None
        self._lock = threading.Lock()
        self._nodes: dict[int, tuple[ir.Step, StepNode]] = {}  # id of a step -> (the step, its node)
        self._graph_key: tuple | None = None
        self._known: tuple[ir.Flow, ...] = ()  # the flows of the graph, kept so that their ids are not reused
        self.reused = 0  # steps whose findings were kept, in the last run
        self.checked = 0  # steps checked, in the last run

    def run(self, ctx: CheckContext) -> list[Diagnostic]:
        """What :func:`~flowc.checks.run_checks` finds in ``ctx`` (in another order)."""
        if len(ctx.flows) != 1:
            return run_checks(ctx)
        flow = ctx.flows[0]
        with self._lock:
            ctx.__dict__["graph"] = self._graph(flow, ctx)  # CheckContext.graph, a cached property
            found = run_checks(ctx, WHOLE)
            header_key = (flow.path, flow.name, flow.name_span, flow.declared, flow.settings)
            if self._header is None or self._header[0] != header_key:
                self._header = (header_key, _run_part(settings_part(flow)))
            parts = [self._header[1]]
            # a step's part carries the flow's name and path: when they change, every step is checked again
            old = self._steps if self._steps_header == header_key[:4] else {}
            self._steps_header = header_key[:4]
            new: dict[int, tuple[ir.Step, tuple[Diagnostic, ...]]] = {}
            reused = checked = 0
            for step in flow.steps:
                kept = new.get(id(step)) or old.get(id(step))
                if kept is None or kept[0] is not step:
                    kept = (step, _run_part(step_part(flow, step)))
                    checked += 1
                else:
                    reused += 1
                new[id(step)] = kept
                parts.append(kept[1])
            self._steps = new
            self.reused, self.checked = reused, checked
        seen: set = set()
        for part in parts:
            for d in part:
                key = _key(d)
                if key not in seen:
                    seen.add(key)
                    found.append(d)
        return found

    def _graph(self, flow: ir.Flow, ctx: CheckContext) -> CallGraph:
        """``ctx.graph``, with the nodes of the steps that did not change kept.

        A step's node (its edges and where they lead) depends on the step, on
        the steps of its flow, by name, and on the other flows it may lead
        to: while they are the same, an unchanged step's node is too."""
        known = tuple(ctx.known.values())
        key = tuple(
            (name, f.name, tuple(s.name for s in f.steps) if f is flow else id(f)) for name, f in ctx.known.items()
        )
        old = self._nodes if key == self._graph_key else {}
        graph = CallGraph((), {})
        nodes = graph.nodes
        new: dict[int, tuple[ir.Step, StepNode]] = {}
        for each in known:
            mine = each is flow
            for step in each.steps:
                sid = (each.name, step.name)
                if sid in nodes:
                    continue  # duplicate steps are reported elsewhere
                kept = old.get(id(step)) if mine else None
                if kept is None or kept[0] is not step:
                    kept = (step, _node(each, step, ctx.known))
                if mine:
                    new[id(step)] = kept
                nodes[sid] = kept[1]
        self._nodes, self._graph_key, self._known = new, key, known
        return graph
