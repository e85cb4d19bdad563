"""IR → a static site: the TwiML of every step, an index, and a page per flow.

``DIR/<flow>/<step>.xml`` are the TwiML target's documents, byte for byte, so
the site can be hosted as it is and Twilio fetches the steps from it.
``DIR/index.html`` lists the flows; ``DIR/<flow>/index.html`` shows the
flow's call-flow graph (drawn by Graphviz ``dot``, as inline SVG) and, for
every step, its source lines beside its TwiML with the step's diagnostics.

The pages share one style sheet and one script, files at the site's root
named after a hash of their content (``site_<hash>.css``, ``site_<hash>.js``)
and linked by relative URLs, so the site works from ``file://`` and from any
host; nothing comes from the network. The SVG is inline. The site is
deterministic: the same flows give byte-identical files, with no time, no
absolute path and nothing from the machine but ``dot``'s layout. Everything
taken from a flow is escaped.

:func:`render` also draws flows that have errors (``flowc serve`` shows them
while they are being edited); :func:`emit` is the ``site`` target and builds
only flows without errors.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from .. import ir, vocabulary, webhooks
from ..codes import REGISTRY, report
from ..diagnostics import Diagnostic, Severity, has_errors
from ..graph import CallGraph, Edge, EdgeKind, ends_document
from ..render import format_text
from . import Emission, MissingDependency, twiml

try:
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import XmlLexer
    from pygments.token import STANDARD_TYPES

    from ..pygments_lexer import FlowLexer
except ImportError:  # pragma: no cover - reported by require()
    HtmlFormatter = None  # type: ignore[assignment,misc]  # Pygments is an optional extra

try:
    from markupsafe import Markup  # jinja2's: HTML that the templates print as it is
except ImportError:  # pragma: no cover - reported by require()
    Markup = None  # type: ignore[assignment,misc]  # the site extra is optional

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DOT_BATCH = 200  # graphs per `dot` process
DOT_TIMEOUT = 300  # seconds for one batch
# FL900 (POST to a step: an error for a static site) is the site's FL701 (a warning
# for the twiml target): on the same span, only FL900 is reported.
SUPERSEDES = {"FL900": "FL701"}


def require() -> None:
    """Raise :class:`MissingDependency` when the site's libraries are missing."""
    if HtmlFormatter is None:
        raise MissingDependency("the site target needs Pygments; install it with: pip install 'flowc[site]'")
    try:
        import jinja2  # noqa: F401 - renders the pages
    except ImportError:
        raise MissingDependency(
            "the site target needs jinja2; install it with: pip install 'flowc[site]'"
        ) from None


# ---- diagnostics of the target -----------------------------------------------------


def site_diagnostics(flows: Iterable[ir.Flow], built: set[str], known: Iterable[str]) -> list[Diagnostic]:
    """What a static site cannot do: POST to a step (its file gets 405 from a
    static host), and a link to a step of a flow that is not in the site."""
    found = []
    known = set(known)
    for flow in flows:
        for step in flow.steps:
            for verb in ir.walk(step.verbs):
                for target in ir.targets(verb):
                    if not isinstance(target, ir.StepTarget):
                        continue
                    if target.method is not None and target.method.value == "POST":
                        found.append(
                            report(
                                "FL900",
                                f"the step `{target.text}` is a static file of the site; "
                                "static hosts answer POST with 405",
                                target.method.span,
                                hint="leave the method out: steps are fetched with GET",
                            )
                        )
                    if target.flow is not None and target.flow not in built and target.flow in known:
                        found.append(
                            report(
                                "FL901",
                                f"the flow `{target.flow}` is not part of this site, so "
                                f"`{twiml.step_url(flow, target)}` will not be found where it is hosted",
                                target.span,
                                hint=f"build the site with the file of flow `{target.flow}` too",
                            )
                        )
    found.sort(key=Diagnostic.sort_key)
    return found


# ---- the call-flow graph in DOT ------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _q(text: str) -> str:
    """A DOT double-quoted string; `&` is escaped because dot reads entities. (Most are
    met again and again: attribute values, colours, the steps' names.)"""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;") + '"'


def _attrs(**attrs: str | None) -> str:
    return "[" + ", ".join(f"{k}={_q(v)}" for k, v in attrs.items() if v is not None) + "]"


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class StepFacts:
    """What the graph and the page say about a step."""

    entry: bool
    loop: bool  # part of a cycle of steps
    cycle: int | None  # which cycle (steps of one cycle share it)
    reachable: bool
    ending: str | None  # how the call ends in this step: "hangup", "reject", "no more verbs", ...


def _ending(step: ir.Step, played_meanwhile: bool = False) -> str | None:
    """How the call ends in this step, or None when it goes on elsewhere.

    ``played_meanwhile``: the step is only ever a document Twilio plays while
    something else goes on (a queue's hold music, a conference's wait music,
    what the called party hears before the calls connect); when it runs out of
    verbs, that goes on (the hold music starts again, the calls connect)."""
    if step.is_branch:
        return None if any(isinstance(v, ir.Otherwise) for v in step.verbs) else "no key matched"
    for verb in step.verbs:
        if isinstance(verb, ir.Hangup):
            return "hangup"
        if isinstance(verb, ir.Reject):
            return "reject"
        if isinstance(verb, ir.Say | ir.Play) and verb.loop is not None and verb.loop.value == 0:
            return "audio loops until hang-up"
        if isinstance(verb, ir.Element) and verb.kind == "echo":
            return "echo until hang-up"
        if isinstance(verb, ir.Element) and verb.kind == "leave":
            return None  # out of the queue: the call goes on after its `enqueue`
        if ends_document(verb):
            return None  # record, redirect, dial with an action: the call goes on
    return None if played_meanwhile else "no more verbs"


def _played_meanwhile(flow: ir.Flow) -> set[str]:
    """The steps of ``flow`` that only callbacks fetching TwiML name (a conference's
    `wait`), never a `->` of the flow."""
    fetched: set[str] = set()
    followed: set[str] = set()
    for step in flow.steps:
        for verb in ir.walk(step.verbs):
            for target in ir.targets(verb):
                if isinstance(target, ir.StepTarget) and target.flow in (None, flow.name):
                    followed.add(target.step)
            for hook in webhooks.of(verb):
                if isinstance(hook.target, ir.StepTarget) and hook.target.flow in (None, flow.name):
                    (followed if hook.field in ("action", "target") else fetched).add(hook.target.step)
    return fetched - followed


def _hook(edge: Edge, hooks: tuple[webhooks.Hook, ...]) -> webhooks.Hook | None:
    """The webhook an edge follows: the verb's `->`, or a callback of it or of a
    noun of its block (a conference's `wait` step); ``hooks`` are
    ``webhooks.within(edge.verb)``."""
    return next((h for h in hooks if h.target is edge.target), None)


def _label(edge: Edge, after_gather: bool, hooks: tuple[webhooks.Hook, ...]) -> str:
    """What happened when the call takes the edge, from the webhook table
    (`dial ended`, `left the queue`, `conference wait music`); ``hooks`` are
    ``webhooks.within(edge.verb)``."""
    if isinstance(edge.verb, ir.When):
        return f'{edge.verb.input} "{edge.verb.value.value}"'
    if isinstance(edge.verb, ir.Otherwise):
        return "otherwise"
    hook = _hook(edge, hooks)
    label = hook.request.label if hook is not None else edge.kind.value
    if edge.kind is EdgeKind.FETCHED:
        return label  # played while the verb runs, whatever the gather before it did
    return f"no input: {label}" if after_gather and edge.kind is not EdgeKind.GATHERED else label


def _requests_itself(verb: ir.Verb) -> bool:
    """A verb that always ends its document and, without a `->`, requests its own
    document again (`record`, `gather` on input, `pay`)."""
    if not isinstance(verb, ir.Record | ir.Gather | ir.Element) or verb.action is not None:
        return False
    if isinstance(verb, ir.Element):
        return vocabulary.verb(verb.kind).ends == "always" and (verb.kind, "action") in webhooks.WHERE
    return True


def cycles_of(graph: CallGraph) -> dict[tuple[str, str], int]:
    """Step → the number of the cycle it is part of (steps of one cycle share it)."""
    cycles: dict[tuple[str, str], int] = {}
    for number, comp in enumerate(graph.components()):
        if len(comp) > 1 or comp[0] in graph.successors(comp[0]):
            cycles.update(dict.fromkeys(comp, number))
    return cycles


def step_facts(flow: ir.Flow, reachable: set, cycles: dict[tuple[str, str], int]) -> dict[str, StepFacts]:
    """What the graph and the page flag about each step of ``flow``; ``reachable``
    and ``cycles`` are computed once for the whole build."""
    facts: dict[str, StepFacts] = {}
    meanwhile = _played_meanwhile(flow)
    for i, step in enumerate(flow.steps):
        sid = (flow.name, step.name)
        facts.setdefault(
            step.name,
            StepFacts(
                entry=i == 0,
                loop=sid in cycles,
                cycle=cycles.get(sid),
                reachable=sid in reachable,
                ending=_ending(step, step.name in meanwhile),
            ),
        )
    return facts


@dataclass(slots=True)
class GraphNode:
    """A box of the call-flow graph: a step, the call's start and end, or what lies outside."""

    name: str  # the DOT node ID; never a step name alone, so nothing collides
    label: str
    kind: str  # step, call, end, external, callback, other-flow, missing
    attrs: dict[str, str]
    step: str | None = None  # the step of this flow it draws
    href: str | None = None


@dataclass(slots=True)
class GraphEdge:
    src: str
    dst: str
    label: str
    id: str
    attrs: dict[str, str]


@dataclass(slots=True)
class FlowGraph:
    """One flow's call-flow graph, from which the DOT text, the Mermaid text and the
    table of edges (the graph's text version) are all written."""

    name: str
    rankdir: str
    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]


WIDE = 6  # steps side by side in one rank before the graph is laid out left to right


def _rankdir(flow: ir.Flow, graph: CallGraph) -> str:
    """Top to bottom, unless some rank would hold more than ``WIDE`` steps (a wide menu):
    then left to right, so the graph grows down the page instead of off its side."""
    if flow.entry is None:
        return "TB"
    depth = {(flow.name, flow.entry.name): 0}
    todo = [(flow.name, flow.entry.name)]
    for sid in todo:
        if sid not in graph.nodes:
            continue
        for nxt in graph.successors(sid):
            if nxt[0] == flow.name and nxt not in depth:
                depth[nxt] = depth[sid] + 1
                todo.append(nxt)
    width: dict[int, int] = {}
    for d in depth.values():
        width[d] = width.get(d, 0) + 1
    return "LR" if max(width.values()) > WIDE else "TB"


def _slug(text: str) -> str:
    """A short, stable, id-safe name for any text (a URL)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def flow_graph(
    flow: ir.Flow,
    graph: CallGraph,
    facts: dict[str, StepFacts],
    site_flows: set[str],
    problems: dict[str, tuple[int, int]] | None = None,
) -> FlowGraph:
    """The graph of one flow. ``problems`` maps a step to its (errors, warnings)."""
    problems = problems or {}
    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []
    per_step: dict[str, int] = {}

    def edge(src: GraphNode, dst: GraphNode, label: str, key: str, **attrs: str) -> None:
        per_step[key] = per_step.get(key, 0) + 1
        edges.append(GraphEdge(src.name, dst.name, label, f"e-{key}-{per_step[key]}", attrs))

    call = GraphNode(
        "call arrives",
        "call arrives",
        "call",
        {"id": "n-call", "shape": "plaintext", "style": "", "fontcolor": "#4b5563", "class": "call"},
    )
    nodes[call.name] = call
    end = GraphNode(
        "the call ends",
        "end",
        "end",
        {
            "id": "n-end",
            "shape": "doublecircle",
            "style": "filled",
            "fillcolor": "#f3f4f6",
            "fontsize": "9",
            "width": "0.42",
            "fixedsize": "true",
            "tooltip": "the call ends",
            "class": "end",
        },
    )

    steps: dict[str, GraphNode] = {}
    for step in flow.steps:
        f = facts.get(step.name)
        if f is None or step.name in steps:
            continue  # a duplicate name (an error); drawn once
        classes = ["step"]
        attrs: dict[str, str] = {"id": f"n-step-{step.name}", "tooltip": f"step {step.name}"}
        notes = []
        if f.entry:
            classes.append("entry")
            attrs["penwidth"] = "2.5"
            attrs["fillcolor"] = "#e0f2fe"
        if f.loop:
            classes.append("loop")
            attrs["color"] = "#c2410c"
            attrs["penwidth"] = "2"
            notes.append("↻ loop")
        if not f.reachable:
            classes.append("unreachable")
            attrs["style"] = "rounded,filled,dashed"
            attrs["fontcolor"] = "#4b5563"
            notes.append("unreachable")
        if f.ending == "no more verbs":
            classes.append("dead-end")
            attrs["fillcolor"] = "#fef3c7"
            notes.append("dead end")
        errors, warnings = problems.get(step.name, (0, 0))
        if errors:
            classes.append("has-error")
            attrs.update(color="#b91c1c", fillcolor="#fee2e2", penwidth="3", fontcolor="#7f1d1d")
            notes.insert(0, "✖ " + _plural(errors, "error"))
        elif warnings:
            classes.append("has-warning")
            attrs.update(color="#b45309", penwidth="2.5")
            notes.insert(0, "▲ " + _plural(warnings, "warning"))
        label = step.name + ("\n" + ", ".join(notes) if notes else "")
        attrs["class"] = " ".join(classes)
        node = GraphNode(f"step {step.name}", label, "step", attrs, step=step.name, href=f"#step-{step.name}")
        nodes[node.name] = steps[step.name] = node

    if flow.entry is not None and flow.entry.name in steps:
        edge(
            call,
            steps[flow.entry.name],
            "entry",
            "entry",
            color="#0369a1",
            penwidth="2",
            **{"class": "entry-edge"},
        )

    def outside(name: str, label: str, kind: str, **attrs: str) -> GraphNode:
        if name not in nodes:
            nodes[name] = GraphNode(name, label, kind, {"class": kind, **attrs})
        return nodes[name]

    def url_node(url: str, kind: str) -> GraphNode:
        shape = "note" if kind == "external" else "component"
        return outside(
            f"{kind} {url}",
            _short(url),
            kind,
            id=f"n-{kind}-{_slug(url)}",
            shape=shape,
            style="filled",
            fillcolor="#f9fafb" if kind == "external" else "#f5f3ff",
            fontsize="10",
            tooltip=url,
        )

    seen_steps: set[str] = set()
    for step in flow.steps:
        if step.name in seen_steps or step.name not in steps:
            continue
        seen_steps.add(step.name)
        src = steps[step.name]
        sid = (flow.name, step.name)
        gnode = graph.nodes.get(sid)
        after_gather = False
        edges_by_verb: dict[int, list[Edge]] = {}
        if gnode is not None and gnode.step is step:
            for ed in gnode.edges:
                edges_by_verb.setdefault(id(ed.verb), []).append(ed)
        for verb in step.verbs:
            hooks = webhooks.within(verb)
            for ed in edges_by_verb.get(id(verb), ()):
                label = _label(ed, after_gather, hooks)
                look: dict[str, str] = {}
                if ed.kind is EdgeKind.BRANCH:
                    look = {"color": "#6d28d9", "fontcolor": "#6d28d9", "class": "branch-edge"}
                target = ed.target
                if (
                    isinstance(target, ir.StepTarget)
                    and target.flow is None
                    and ed.dest is not None
                    and target.step in steps
                ):
                    dst = steps[target.step]
                    cycle = facts[step.name].cycle
                    if cycle is not None and facts[target.step].cycle == cycle:
                        look = {
                            "color": "#c2410c",
                            "penwidth": "2",
                            "fontcolor": "#c2410c",
                            "class": " ".join(filter(None, [look.get("class"), "loop-edge"])),
                        }
                elif isinstance(target, ir.StepTarget):
                    text = f"{target.flow or flow.name}.{target.step}"
                    if ed.dest is None:
                        dst = outside(
                            f"missing {text}",
                            target.text + "\nmissing",
                            "missing",
                            id=f"n-missing-{_slug(text)}",
                            color="#b91c1c",
                            fontcolor="#b91c1c",
                            style="rounded,dashed",
                            tooltip=f"no step {target.text}",
                        )
                    else:
                        href = None
                        if target.flow in site_flows:
                            href = f"../{target.flow}/index.html#step-{target.step}"
                        dst = outside(
                            text,
                            text,
                            "other-flow",
                            id=f"n-flow-{_slug(text)}",
                            style="rounded,dashed",
                            fillcolor="#f3f4f6",
                            tooltip=f"step {text} of another flow",
                        )
                        dst.href = href
                else:
                    dst = url_node(target.text, "external")
                edge(src, dst, label, step.name, **look)
            if _requests_itself(verb):
                what = webhooks.REQUESTS[webhooks.WHERE[(verb.name, "action")]].label
                edge(src, src, f"{what} (same document)", step.name, color="#b45309", **{"class": "self"})
            for hook in hooks:
                # Callbacks to URLs: notifications, and documents fetched from elsewhere.
                # (Those that name a step are edges of the call-flow graph, drawn above.)
                if hook.field in ("action", "target") or not isinstance(hook.target, ir.UrlTarget):
                    continue
                dst = url_node(hook.target.text, "callback")
                edge(
                    src,
                    dst,
                    hook.request.label,
                    step.name,
                    style="dashed",
                    arrowhead="empty",
                    **{"class": "callback"},
                )
            if isinstance(verb, ir.Gather):
                after_gather = True
            if ends_document(verb):
                break
        f = facts[step.name]
        if f.ending is not None:
            nodes.setdefault(end.name, end)
            edge(src, end, f.ending, step.name + "-end", style="dashed", color="#6b7280", **{"class": "ends"})
    return FlowGraph(flow.name, _rankdir(flow, graph), nodes, edges)


def graph_dot(g: FlowGraph) -> str:
    """The DOT text of a flow's graph: one line per node and per edge, named after the
    steps, so adding a step adds lines and changes no other."""
    out = [
        f"digraph {_q(g.name)} {{",
        "  graph "
        + _attrs(
            id="callflow",
            rankdir=g.rankdir,
            bgcolor="transparent",
            fontname="Helvetica",
            nodesep="0.35",
            ranksep="0.45",
        )
        + ";",
        (
            '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#374151", '
            'fontname="Helvetica", fontsize="12", margin="0.15,0.06"];'
        ),
        '  edge [color="#4b5563", fontname="Helvetica", fontsize="10", fontcolor="#374151"];',
    ]
    for node in g.nodes.values():
        attrs = dict(node.attrs)
        if node.href is not None:
            attrs["href"] = node.href
        out.append(f"  {_q(node.name)} {_attrs(label=node.label, **attrs)};")
    for e in g.edges:
        out.append(
            f"  {_q(e.src)} -> {_q(e.dst)} {_attrs(id=e.id, label=e.label, tooltip=e.label, **e.attrs)};"
        )
    out.append("}")
    return "\n".join(out) + "\n"


def flow_dot(flow: ir.Flow, graph: CallGraph, facts: dict[str, StepFacts], site_flows: set[str]) -> str:
    """The DOT text of one flow's call-flow graph."""
    return graph_dot(flow_graph(flow, graph, facts, site_flows))


def _mm(text: str) -> str:
    """A Mermaid label in quotes: quotes, angle brackets and `#` as Mermaid's entities."""
    text = text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return '"' + text.replace("\n", "<br>") + '"'


_MM_SHAPES = {
    "step": ('["', '"]'),
    "call": ('(["', '"])'),
    "end": ('(("', '"))'),
    "external": ('[/"', '"/]'),
    "callback": ('[/"', '"/]'),
    "other-flow": ('["', '"]'),
    "missing": ('["', '"]'),
}


def graph_mermaid(g: FlowGraph) -> str:
    """The graph as a Mermaid flowchart (GitHub and GitLab draw it in reviews)."""
    ids: dict[str, str] = {}
    for node in g.nodes.values():
        ids[node.name] = (
            f"s_{node.step}" if node.step is not None else f"{node.kind.replace('-', '_')}_{_slug(node.name)}"
        )
    lines = [f"%% call flow {g.name}, written by flowc", f"flowchart {g.rankdir}"]
    for node in g.nodes.values():
        start, end = _MM_SHAPES[node.kind]
        lines.append(f"  {ids[node.name]}{start}{_mm(node.label)[1:-1]}{end}")
    for e in g.edges:
        lines.append(f"  {ids[e.src]} -->|{_mm(e.label)}| {ids[e.dst]}")
    styles = {
        "has-error": "fill:#fee2e2,stroke:#b91c1c,stroke-width:3px,color:#7f1d1d",
        "has-warning": "stroke:#b45309,stroke-width:2px",
        "entry": "fill:#e0f2fe,stroke-width:2px",
        "missing": "stroke:#b91c1c,stroke-dasharray:4,color:#b91c1c",
        "unreachable": "stroke-dasharray:4",
    }
    for cls, style in styles.items():
        members = [ids[n.name] for n in g.nodes.values() if cls in n.attrs.get("class", "").split()]
        if members:
            lines.append(f"  classDef {cls.replace('-', '_')} {style}")
            lines.append(f"  class {','.join(members)} {cls.replace('-', '_')}")
    return "\n".join(lines) + "\n"


# ---- running dot -----------------------------------------------------------------------


class DotFailed(Exception):
    pass


_SVG_START = re.compile(rb"<svg\b")
_COMMENT = re.compile(rb"<!--.*?-->\n?", re.S)
_PAGE_ID = re.compile(rb'id="page\d+,\d+_')


def run_dot(texts: list[str], exe: str) -> list[str]:
    """SVG for each DOT text, from one ``dot`` process per batch, as many at a time
    as there are CPUs."""
    batches = [texts[start : start + DOT_BATCH] for start in range(0, len(texts), DOT_BATCH)]
    if len(batches) <= 1:
        return [svg for batch in batches for svg in _dot_batch(batch, exe)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(batches), os.cpu_count() or 1)) as pool:
        return [svg for svgs in pool.map(lambda batch: _dot_batch(batch, exe), batches) for svg in svgs]


def _timed_dot(texts: list[str], exe: str) -> tuple[list[str], float]:
    started = time.perf_counter()
    svgs = run_dot(texts, exe)
    return svgs, time.perf_counter() - started


def _dot_batch(batch: list[str], exe: str) -> list[str]:
    try:
        proc = subprocess.run(
            [exe, "-Tsvg"],
            input="".join(batch).encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DotFailed(str(exc)) from None
    docs = proc.stdout.split(b"<?xml ")[1:]
    if proc.returncode != 0 or len(docs) != len(batch):
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DotFailed(message[0] if message else f"exit status {proc.returncode}")
    svgs = []
    for doc in docs:
        m = _SVG_START.search(doc)
        svg = _COMMENT.sub(b"", doc[m.start() :]) if m else b""
        svg = _PAGE_ID.sub(b'id="', svg)
        svgs.append(svg.decode("utf-8").strip())
    return svgs


# ---- HTML ----------------------------------------------------------------------------------

TEMPLATES = "site_templates"


def _escape(value: object) -> str:
    """Every value a template prints, escaped as :func:`html.escape` does (``&quot;``,
    ``&#x27;``); HTML made here (Pygments, the SVG) comes in as ``Markup`` and is kept.
    (Called for every value of every page: the templates print what it returns as it
    is, see :func:`_generator`.)"""
    if isinstance(value, Markup):
        return value
    return html.escape(str(value))


@functools.cache
def _generator():
    """jinja2's code generator, but a value is printed as ``finalize(value)`` where
    jinja2 writes ``escape(finalize(value))``: :func:`_escape` escapes already, and
    the second pass made two ``Markup`` objects of every value of every page. Only
    where the templates escape (all of them) and the output is known at compile time
    not to change escaping (no ``{% autoescape %}`` block)."""
    from jinja2.compiler import CodeGenerator

    class Generator(CodeGenerator):
        def _escaping_once(self, frame, finalize) -> bool:
            return finalize.src is not None and frame.eval_ctx.autoescape and not frame.eval_ctx.volatile

        def _output_child_pre(self, node, frame, finalize) -> None:
            if self._escaping_once(frame, finalize):
                self.write(finalize.src)
            else:
                super()._output_child_pre(node, frame, finalize)

        def _output_child_post(self, node, frame, finalize) -> None:
            if self._escaping_once(frame, finalize):
                self.write(")")
            else:
                super()._output_child_post(node, frame, finalize)

    return Generator


@functools.cache
def _environment():
    return _make_environment(_generator())


def _make_environment(generator):
    """The templates' environment, its code written by ``generator``. Where that
    still writes ``escape(finalize(value))`` (a jinja2 whose code generator does
    not call the methods :func:`_generator` changes), ``finalize`` gives
    ``escape`` what it keeps as it is, so no value is escaped twice."""
    import jinja2

    class Environment(jinja2.Environment):
        code_generator_class = generator

    env = Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), TEMPLATES)),
        autoescape=True,
        finalize=_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    if env.from_string("{{ value }}").render(value="&") != "&amp;":
        env.finalize = _escaped_markup
    return env


def _escaped_markup(value: object) -> object:
    return Markup(_escape(value))


@functools.cache
def _asset(name: str) -> str:
    """The text of a package file beside the templates (``site.css``, ``site.js``)."""
    with open(os.path.join(os.path.dirname(__file__), TEMPLATES, name), encoding="utf-8") as f:
        return f.read()


SCRIPTS = ("site.js", "graph.js", "index.js")  # the shared script, in this order


@dataclass(frozen=True, slots=True)
class Assets:
    """The style sheet and the script every page of a site shares, at the site's root,
    each named after a hash of its bytes (``site_<hash>.css``), so a host or a
    browser may cache them for good and a new version of flowc never meets an old
    copy."""

    css: str  # file names
    js: str
    files: dict[str, bytes]


def _hashed(stem: str, data: bytes, suffix: str) -> str:
    return f"{stem}_{hashlib.sha256(data).hexdigest()[:12]}.{suffix}"


@functools.cache
def assets() -> Assets:
    """Pygments' colours (light and dark) then the site's CSS, so the site's
    markers and backgrounds win; the scripts of :data:`SCRIPTS`, each of which
    acts only on a page that has what it works on."""
    css = (_styles() + _asset("site.css")).encode("utf-8")
    js = "".join(_asset(name) for name in SCRIPTS).encode("utf-8")
    names = _hashed("site", css, "css"), _hashed("site", js, "js")
    return Assets(names[0], names[1], {names[0]: css, names[1]: js})


def _render_page(template: str, *, root: str | None, **context) -> bytes:
    """A page of ``template``. With ``root`` (the way from the page to the site's
    root: ``""`` or ``"../"``), it links the site's shared style sheet and
    script (:func:`assets`); without, it carries the site's CSS and ``site.js``
    inline (a page that stands alone, like ``flowc serve``'s messages)."""
    shared: dict[str, str]
    if root is None:
        shared = {"css": Markup(_asset("site.css")), "script": Markup(_asset("site.js"))}
    else:
        a = assets()
        shared = {"stylesheet": root + a.css, "script_src": root + a.js}
    return _environment().get_template(template).render(**shared, **context).encode()


def message_page(message: str, title: str = "flowc serve") -> bytes:
    """A page that says only ``message`` (``flowc serve`` when there is no site to
    show, or for a page it does not have)."""
    return _render_page("message.html.j2", root=None, title=title, message=message)


# What a template shows of a step, an edge or a flow of the index: jinja2 reads
# `step.name` as an attribute first, which on a dict fails (an exception per value).
_Row = SimpleNamespace


@dataclass(slots=True)
class _DiagView:
    """A diagnostic as the templates show it."""

    severity: str
    code: str
    line: int
    col: int
    message: str
    text: str  # the full text rendering, with the source line
    title: str | None  # the code's summary, as a tooltip
    is_error: bool
    is_warning: bool
    href: str | None = None  # where the index links the entry: the step on the flow's page


def _views(diags: Iterable[Diagnostic], shown, paths: dict[str, str]) -> list[_DiagView]:
    """``shown``: the build's sources by their displayed path (made once per build)."""
    out = []
    for d in diags:
        code = REGISTRY.get(d.code)
        out.append(
            _DiagView(
                severity=str(d.severity),
                code=d.code,
                line=d.span.line,
                col=d.span.col,
                message=d.message,
                text=format_text(_display(d, paths), shown),
                title=f"{code.summary} (flowc explain {d.code})" if code else None,
                is_error=d.severity is Severity.ERROR,
                is_warning=d.severity is Severity.WARNING,
            )
        )
    return out


def _display(d: Diagnostic, paths: dict[str, str]) -> Diagnostic:
    def span(s):
        return s._replace(file=paths.get(s.file, s.file))

    return replace(d, span=span(d.span), notes=tuple(replace(n, span=span(n.span)) for n in d.notes))


def _entry_url(flow: ir.Flow) -> tuple[str, str]:
    """(URL shown and copied, link from the index) of a flow's entry step."""
    entry = flow.entry.name if flow.entry else "main"
    rel = f"{flow.name}/{entry}.xml"
    base = flow.settings.base_url
    if base is not None:
        return f"{base.text.rstrip('/')}/{rel}", rel
    return rel, rel


class _Tokenizer:
    """The tokens of a Pygments ``RegexLexer``, as its ``get_tokens`` gives them, found
    by one regular expression per state: the state's rules as alternatives, in their
    order, so the first rule that matches wins as in the lexer, but the rules are
    tried by the regex engine instead of one Python call each (several times
    faster). A lexer this cannot follow (filters, rules that refer to their own
    groups by number) is left to Pygments."""

    def __init__(self, lexer) -> None:
        self.lexer = lexer
        self.states: dict[str, tuple] = {}
        for state, rules in lexer._tokens.items():
            alternatives = []
            for i, (match, _action, _new_state) in enumerate(rules):
                pattern = match.__self__.pattern
                if re.search(r"\\[1-9]|\(\?P[=<]|\(\?[aiLmsux]+\)", pattern):
                    raise ValueError(f"rule {pattern!r} cannot be an alternative")
                alternatives.append(f"(?P<r{i}>{pattern})")
            compiled = re.compile("|".join(alternatives), lexer.flags)
            by_group = {compiled.groupindex[f"r{i}"]: rule for i, rule in enumerate(rules)}
            self.states[state] = (compiled.match, by_group)

    def prepare(self, text: str) -> str:
        """The text as the lexer lexes it (``Lexer._preprocess_lexer_input``)."""
        lexer = self.lexer
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if lexer.stripall:
            text = text.strip()
        elif lexer.stripnl:
            text = text.strip("\n")
        if lexer.tabsize > 0:
            text = text.expandtabs(lexer.tabsize)
        if lexer.ensurenl and not text.endswith("\n"):
            text += "\n"
        return text

    def tokens(self, text: str) -> list[tuple]:
        return self.scan(self.prepare(text))[0]

    def scan(self, text: str) -> tuple[list[tuple], bool]:
        """The tokens of a prepared text, and whether it was lexed plainly: every
        character matched by a rule, and the root state reached at its end."""
        from pygments.token import Error, Whitespace, _TokenType

        lexer = self.lexer
        out: list[tuple] = []
        plain = True
        pos, end = 0, len(text)
        stack = ["root"]
        match, by_group = self.states["root"]
        while pos < end:
            m = match(text, pos)
            if m is None:  # as RegexLexer: a line break starts over, anything else is an error
                plain = False
                if text[pos] == "\n":
                    stack = ["root"]
                    match, by_group = self.states["root"]
                    out.append((Whitespace, "\n"))
                else:
                    out.append((Error, text[pos]))
                pos += 1
                continue
            rule, action, new_state = by_group[m.lastindex]
            if action is not None:
                if type(action) is _TokenType:
                    out.append((action, m.group(m.lastindex)))
                else:  # a callback (bygroups): it gets the rule's own match
                    out.extend((t, v) for _, t, v in action(lexer, rule(text, pos)))
            pos = m.end()
            if new_state is not None:
                if isinstance(new_state, tuple):
                    for state in new_state:
                        if state == "#pop":
                            if len(stack) > 1:
                                stack.pop()
                        elif state == "#push":
                            stack.append(stack[-1])
                        else:
                            stack.append(state)
                elif isinstance(new_state, int):
                    if abs(new_state) >= len(stack):
                        del stack[1:]
                    else:
                        del stack[new_state:]
                elif new_state == "#push":
                    stack.append(stack[-1])
                match, by_group = self.states[stack[-1]]
        return out, plain and len(stack) == 1


_TOKENIZERS: dict[type, _Tokenizer | None] = {}


def _tokenizer(lexer) -> _Tokenizer | None:
    """The faster tokenizer of ``lexer``, or None when Pygments must lex."""
    kind = type(lexer)
    if kind not in _TOKENIZERS:
        try:
            if lexer.filters or not hasattr(lexer, "_tokens"):
                raise ValueError("not a plain RegexLexer")
            _TOKENIZERS[kind] = _Tokenizer(lexer)
        except (ValueError, re.error):
            _TOKENIZERS[kind] = None
    tokenizer = _TOKENIZERS[kind]
    if tokenizer is None or tokenizer.lexer is not lexer and tokenizer.lexer.options != lexer.options:
        return None
    return tokenizer


def _tokens(lexer, text: str):
    """``lexer.get_tokens(text)``, faster for a plain ``RegexLexer``."""
    tokenizer = _tokenizer(lexer)
    if tokenizer is None:
        return lexer.get_tokens(text)
    return tokenizer.tokens(text)


def _html_lines(text: str, lexer, by_line: dict[str, str | None] | None) -> list[str]:
    """``_token_lines(_tokens(lexer, text))``. With ``by_line``, the caller's word
    that each line of ``text`` lexes alone as it does in the text (it starts in
    the lexer's root state, and no rule matches or looks past its line break):
    then a line is lexed once, and met again (``say "Goodbye."``, ``</Gather>``)
    it is taken from ``by_line``, a line's HTML by its text. A line that does not
    lex plainly alone (a character no rule matches, a state left open) sends the
    whole text to the lexer as before."""
    tokenizer = None if by_line is None else _tokenizer(lexer)
    if tokenizer is None or by_line is None:
        return _token_lines(_tokens(lexer, text))
    prepared = tokenizer.prepare(text)
    lines = prepared.split("\n")
    if lines[-1]:  # a lexer that does not end the text with a line break
        return _token_lines(tokenizer.scan(prepared)[0])
    out = []
    for line in lines[:-1]:
        html_line = by_line.get(line, "")
        if html_line == "":  # not met yet
            tokens, plain = tokenizer.scan(line + "\n")
            html_line = by_line[line] = _line_html(tokens) if plain else None
        if html_line is None:
            return _token_lines(tokenizer.scan(prepared)[0])
        out.append(html_line)
    return out


@functools.cache
def _span(ttype) -> str:
    """The ``<span>`` that opens a token of type ``ttype``, with Pygments' CSS classes
    (``kd``, ``s2``, ...; a subtype gets its parents' classes too), or ``""`` for plain
    text. As Pygments' ``HtmlFormatter`` names them, so its style sheets apply."""

    def short(t) -> str:
        name, suffix = STANDARD_TYPES.get(t), ""
        while name is None:
            suffix = "-" + t[-1] + suffix
            t = t.parent
            name = STANDARD_TYPES.get(t)
        return name + suffix

    classes = short(ttype)
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
        classes = short(ttype) + " " + classes
    return f'<span class="{classes}">' if classes else ""


@functools.lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """A token's text in HTML (most tokens are keywords, spaces and punctuation, met again and again)."""
    return html.escape(value, quote=False)


def _token_lines(tokens) -> list[str]:
    """The HTML of each line of a token stream, as Pygments' ``HtmlFormatter`` writes
    it (a span per run of tokens of one type, text escaped, each line ending in
    ``\\n``), in one pass instead of its chain of generators."""
    lines: list[str] = []
    line: list[str] = []
    open_span = ""
    for ttype, value in tokens:
        span = _span(ttype)
        if "\n" not in value:  # most tokens: no line ends in them
            if not value:
                continue
            if not line:
                line = [span, _text(value)]
                open_span = span
            elif open_span != span:
                line.extend((open_span and "</span>", span, _text(value)))
                open_span = span
            else:
                line.append(_text(value))
            continue
        parts = _text(value).split("\n")
        for part in parts[:-1]:
            if line:
                if open_span != span and part:
                    line.extend((open_span and "</span>", span, part, span and "</span>", "\n"))
                else:
                    line.extend((part, open_span and "</span>", "\n"))
                lines.append("".join(line))
                line = []
            elif part:
                lines.append(f"{span}{part}{span and '</span>'}\n")
            else:
                lines.append("\n")
        last = parts[-1]
        if line and last:
            if open_span != span:
                line.extend((open_span and "</span>", span, last))
                open_span = span
            else:
                line.append(last)
        elif last:
            line = [span, last]
            open_span = span
    if line:
        line.extend((open_span and "</span>", "\n"))
        lines.append("".join(line))
    return lines


def _line_html(tokens) -> str:
    """``_token_lines(tokens)[0]`` for the tokens of one line, which has one line
    break, at its end: a span per run of tokens of one type, text escaped."""
    out: list[str] = []
    open_span = ""
    for ttype, value in tokens:
        value = value.removesuffix("\n")
        if not value:
            continue
        span = _span(ttype)
        if not out:
            out.append(span)
            open_span = span
        elif span != open_span:
            out.extend((open_span and "</span>", span))
            open_span = span
        out.append(_text(value))
    out.extend((open_span and "</span>", "\n"))
    return "".join(out)


def _highlight(
    text: str,
    lexer,
    first_line: int,
    marks: dict[int, str] | None = None,
    by_line: dict[str, str | None] | None = None,
):
    """Highlighted HTML (``Markup``) with line numbers from ``first_line``; ``marks``
    maps lines (numbers in the file) to the worst severity pointing at them.

    Each line is a block of its own, so a wrapped line keeps its indentation (a
    hanging indent, ``--i`` characters) and a line a diagnostic points at carries
    the severity (``mark-error``, ``mark-warning``) and Pygments' ``hll``. The
    tokens come from the Pygments lexer; the HTML is what Pygments'
    ``HtmlFormatter(linenos="inline", wrapcode=True)`` writes, made here in one
    pass, which takes a fraction of its time. ``by_line``: see :func:`_html_lines`."""
    marks = marks or {}
    lines = _html_lines(text, lexer, by_line)
    indents = [len(line) - len(line.lstrip(" \t")) for line in text.split("\n")]
    width = len(str(first_line + len(indents) - 1)) + 1  # the hanging indent: the number and a space
    digits = len(str(len(lines) + first_line - 1))
    out = ['<div class="hl" tabindex="0"><pre><span></span><code>']
    for i, body in enumerate(lines):
        number = first_line + i
        body = f'<span class="linenos">{number:>{digits}}</span>{body}'
        mark = marks.get(number)
        if mark:
            body = f'<span class="hll">{body}</span>'  # keeps its line break, as Pygments does
        else:
            body = body.removesuffix("\n")
        indent = indents[i] if i < len(indents) else 0
        # focusable (tabindex above), so a block that scrolls sideways (a long URL is
        # never broken) can be scrolled from the keyboard
        out.append(
            f'<span class="{"line mark-" + mark if mark else "line"}" style="--i:{width + indent}">{body}</span>'
        )
    out.append("</code></pre></div>\n")
    return Markup("".join(out))


def _marks(diags: Iterable[Diagnostic]) -> dict[int, str]:
    """Line → the worst severity of the diagnostics that point at it."""
    marks: dict[int, str] = {}
    for d in diags:
        if d.severity is Severity.ERROR or d.span.line not in marks:
            marks[d.span.line] = str(d.severity)
    return marks


@functools.cache
def _styles() -> str:
    """Pygments' colours for the light and the dark scheme (the site's own CSS comes
    after them, so its markers and backgrounds win)."""
    light = HtmlFormatter(cssclass="hl").get_style_defs(".hl")
    dark = HtmlFormatter(cssclass="hl", style=DARK_STYLE).get_style_defs(".hl")
    dark = "\n".join(
        line for line in dark.splitlines() if not line.startswith(("pre {", "td.linenos", "span.linenos"))
    )
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


DARK_STYLE = "github-dark"


# ---- the site --------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Site:
    files: dict[str, bytes] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    dot_seconds: float = 0.0  # how long dot ran (beside the rest of the rendering)
    dot_wait: float = 0.0  # how long the rendering waited for it
    documents: int = 0
    pages: int = 0


def _display_paths(paths: Iterable[str]) -> dict[str, str]:
    """Paths as shown on the pages: relative to the folder that holds all the
    build's files, with `/`, so the site does not depend on where it was built."""
    paths = list(paths)
    if not paths:
        return {}
    absolute = {p: os.path.abspath(p) for p in paths}
    root = os.path.commonpath([os.path.dirname(a) for a in absolute.values()])
    return {p: os.path.relpath(a, root).replace(os.sep, "/") for p, a in absolute.items()}


@dataclass(slots=True)
class _Drawn:
    """A flow that gets a page: parsed whole, or (``partial``) what parsed of a file
    with syntax errors."""

    flow: ir.Flow
    path: str  # as shown
    partial: bool
    diags: list[Diagnostic]
    facts: dict[str, StepFacts] = field(default_factory=dict)
    graph: FlowGraph | None = None
    dot: str = ""
    svg: str | None = None


def _inline_svg(svg: str) -> str:
    """The SVG as it sits in the page: on one line, so a changed graph is one changed
    line of the page's diff (``graph.dot`` and ``graph.mmd`` are the readable diffs),
    and with the edges' labels hidden from screen readers, which read the table of
    edges instead of labels run together."""
    svg = svg.replace(">\n<", "><").replace("\n", " ")
    return svg.replace('class="edge', 'aria-hidden="true" class="edge')


def _standalone_svg(svg: str) -> bytes:
    """``graph.svg``: the drawing at full size, its step links pointing into the page."""
    svg = svg.replace('xlink:href="#step-', 'xlink:href="index.html#step-')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg + "\n").encode("utf-8")


def render(build, *, extra: Iterable[Diagnostic] = (), dot: str | None | bool = True) -> Site:
    """The files of the site for ``build`` and the diagnostics ``extra``.

    Every flow gets a page, whatever its state: a file with syntax errors is
    drawn from what parsed of it. A step shows (and, in this preview, gets) its
    TwiML when no error points into it or into the flow's header; ``emit``
    only runs without errors, so a built site has every step's. Files that
    could not be read are listed on the index with their diagnostics. ``dot``
    is the program to run (``True``: find ``dot`` on the PATH; ``None``: show
    DOT text). The output does not depend on the order of the files.
    """
    require()
    with _cycles_not_collected():
        return _render(build, extra, dot)


@contextlib.contextmanager
def _cycles_not_collected():
    """Python's collector of reference cycles, paused while the site is made.

    Run as objects are allocated, it walks every object of the build again and
    again (for 2,000 flows, a fifth of the rendering's time), and the rendering
    leaves no cycle for it to find; it runs as before afterwards."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _render(build, extra: Iterable[Diagnostic], dot: str | None | bool) -> Site:
    site = Site()
    diagnostics = sorted({*build.diagnostics, *extra}, key=Diagnostic.sort_key)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.span.file, []).append(d)
    sources = build.sources()
    paths = _display_paths(u.path for u in build.units)
    shown = {paths.get(k, k): v for k, v in sources.items()}

    # One page per flow name, in the order of the names (then of the paths), so
    # the site is the same whatever order the files were given in.
    units = sorted(build.units, key=lambda u: (paths.get(u.path, u.path), u.path))
    candidates = []
    for unit in units:
        flow = unit.flow if unit.flow is not None else unit.partial
        if flow is not None and _IDENT.match(flow.name) and flow.steps:
            candidates.append((unit, flow))
    candidates.sort(key=lambda c: (c[1].name.casefold(), c[1].name, paths.get(c[0].path, c[0].path)))
    drawn: list[_Drawn] = []
    seen: set[str] = set()
    for unit, flow in candidates:
        if flow.name.casefold() in seen:
            continue
        seen.add(flow.name.casefold())
        drawn.append(
            _Drawn(flow, paths.get(unit.path, unit.path), unit.flow is None, by_file.get(unit.path, []))
        )
    names = {d.flow.name for d in drawn}
    known = dict(build.known)
    for d in drawn:
        known.setdefault(d.flow.name, d.flow)
    graph = CallGraph([*build.known.values(), *(d.flow for d in drawn if d.partial)], known)
    roots = [(d.flow.name, d.flow.entry.name) for d in drawn if d.flow.entry is not None]
    reachable, cycles = graph.reachable(roots), cycles_of(graph)
    reached_from = _reached_from(graph, names)

    for d in drawn:
        d.facts = step_facts(d.flow, reachable, cycles)
        d.graph = flow_graph(d.flow, graph, d.facts, names, _step_problems(d.flow, d.diags))
        d.dot = graph_dot(d.graph)

    exe = shutil.which("dot") if dot is True else (dot or None)
    drawing = None
    if exe is None:
        site.notices.append(
            "Graphviz `dot` was not found, so the flow pages show the graph as DOT text; "
            "install Graphviz (Debian: apt install graphviz) to draw it"
        )
    elif drawn:
        # dot lays the graphs out in processes of its own while this thread highlights
        # the sources and the TwiML, the larger part of the rest
        from concurrent.futures import ThreadPoolExecutor

        drawing = ThreadPoolExecutor(max_workers=1)
        laid_out = drawing.submit(_timed_dot, [d.dot for d in drawn], exe)

    # a line of a flow lexes alone as in its file (the flow lexer's states end with
    # the line), and so does a line of TwiML as lxml writes it (no comment, no CDATA,
    # a tag and an attribute on one line): lines met again are highlighted once
    lexers: tuple[tuple[object, dict[str, str | None]], ...] = ((FlowLexer(), {}), (XmlLexer(), {}))
    made = []
    for d in drawn:
        documents = _documents(d)
        context = _flow_context(d, documents, sources, shown, paths, reached_from, lexers)
        made.append((documents, context))

    if drawing is not None:
        waited = time.perf_counter()
        try:
            svgs, site.dot_seconds = laid_out.result()
            for d, svg in zip(drawn, svgs, strict=True):
                d.svg = svg
        except DotFailed as exc:
            site.notices.append(
                f"Graphviz `dot` failed ({exc}), so the flow pages show the graph as DOT text"
            )
        finally:
            drawing.shutdown()
        site.dot_wait = time.perf_counter() - waited

    rows = []
    made.reverse()
    for d in drawn:
        documents, context = made.pop()  # let go of each page's parts once it is made
        name = d.flow.name
        for step_file, data in documents.items():
            site.files[f"{name}/{step_file}"] = data
        site.documents += len(documents)
        site.files[f"{name}/graph.dot"] = d.dot.encode("utf-8")
        if d.graph is not None:
            site.files[f"{name}/graph.mmd"] = graph_mermaid(d.graph).encode("utf-8")
        if d.svg is not None:
            site.files[f"{name}/graph.svg"] = _standalone_svg(d.svg)
        inline = None if d.svg is None else Markup(_inline_svg(d.svg))
        site.files[f"{name}/index.html"] = _render_page("flow.html.j2", root="../", svg=inline, **context)
        site.pages += 1
        entry = f"{d.flow.entry.name}.xml" if d.flow.entry is not None else None
        rows.append(_index_row(d, entry in documents, shown, paths))

    drawn_ids = {id(d.flow) for d in drawn}
    others = [
        _Row(path=paths.get(u.path, u.path), diags=_views(by_file.get(u.path, []), shown, paths))
        for u in units
        if (u.flow if u.flow is not None else u.partial) is None
        or id(u.flow if u.flow is not None else u.partial) not in drawn_ids
    ]
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    site.files.update(assets().files)
    site.files["index.html"] = _render_page(
        "index.html.j2",
        root="",
        rows=rows,
        others=others,
        errors=errors,
        warnings=warnings,
        steps=sum(len(d.flow.steps) for d in drawn),
        notices=site.notices,
    )
    site.pages += 1
    return site


def _step_of(flow: ir.Flow, line: int) -> ir.Step | None:
    for step in flow.steps:
        if step.span.line <= line <= step.span.end_line:
            return step
    return None


def _step_problems(flow: ir.Flow, diags: Iterable[Diagnostic]) -> dict[str, tuple[int, int]]:
    """Step → (errors, warnings) pointing into it."""
    out: dict[str, tuple[int, int]] = {}
    for d in diags:
        step = _step_of(flow, d.span.line)
        if step is None:
            continue
        e, w = out.get(step.name, (0, 0))
        out[step.name] = (e + (d.severity is Severity.ERROR), w + (d.severity is Severity.WARNING))
    return out


def _documents(d: _Drawn) -> dict[str, bytes]:
    """The TwiML of the steps that can be trusted: none for a file with syntax
    errors or an error outside every step (the settings shape every URL); else
    every step that no error points into and that does not branch."""
    if d.partial:
        return {}
    bad: set[str] = set()
    for diag in d.diags:
        if diag.severity is not Severity.ERROR:
            continue
        step = _step_of(d.flow, diag.span.line)
        if step is None:
            return {}
        bad.add(step.name)
    documents = {}
    for step in d.flow.steps:
        if step.name in bad or step.is_branch or f"{step.name}.xml" in documents:
            continue
        documents[f"{step.name}.xml"] = twiml.render_step(d.flow, step)
    return documents


def _reached_from(graph: CallGraph, names: set[str]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Step → the steps that lead to it, of any flow of the site (sorted)."""
    into: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for sid, node in graph.nodes.items():
        if sid[0] not in names:
            continue
        for edge in node.edges:
            if edge.dest is not None and edge.dest != sid:
                into.setdefault(edge.dest, set()).add(sid)
    return {k: sorted(v) for k, v in into.items()}


def _index_row(d: _Drawn, built: bool, sources, paths) -> _Row:
    url, link = _entry_url(d.flow)
    views = _views(d.diags, sources, paths)
    for view, diag in zip(views, d.diags, strict=True):
        step = _step_of(d.flow, diag.span.line)
        view.href = f"{d.flow.name}/index.html#" + (f"step-{step.name}" if step else "flow")
    return _Row(
        name=d.flow.name,
        path=d.path,
        shown=url,
        href=link if built else None,
        steps=len(d.flow.steps),
        partial=d.partial,
        errors=[v for v in views if v.is_error],
        warnings=[v for v in views if v.is_warning],
        others=[v for v in views if not v.is_error and not v.is_warning],
        diags=views,
    )


def _badges(f: StepFacts | None, errors: int = 0, warnings: int = 0) -> list[tuple[str, str]]:
    """(class, text) of the badges beside a step's name; problems first."""
    badges = []
    if errors:
        badges.append(("error", _plural(errors, "error")))
    if warnings:
        badges.append(("warning", _plural(warnings, "warning")))
    if f is None:
        return badges
    if f.entry:
        badges.append(("entry", "entry"))
    if f.loop:
        badges.append(("loop", "loop"))
    if f.ending == "no more verbs":
        badges.append(("dead-end", "dead end"))
    elif f.ending:
        badges.append(("", f"ends: {f.ending}"))
    if not f.reachable:
        badges.append(("unreachable", "unreachable"))
    return badges


def _edge_rows(g: FlowGraph) -> list[_Row]:
    """The graph's text version: one row per edge."""

    def describe(node: GraphNode) -> _Row:
        text = node.label.split("\n")[0] if node.kind != "end" else "the call ends"
        return _Row(text=text, href=node.href, kind=node.kind)

    return [_Row(src=describe(g.nodes[e.src]), dst=describe(g.nodes[e.dst]), label=e.label) for e in g.edges]


def _flow_context(d: _Drawn, documents, sources, shown_sources, paths, reached_from, lexers) -> dict:
    """What a flow's page shows, but its drawing (``svg``, added when ``dot`` is done).
    ``lexers``: the flow lexer and the XML lexer, each with the HTML of the lines it has
    highlighted (see :func:`_html_lines`)."""
    flow = d.flow
    (flow_lexer, flow_lines), (xml_lexer, xml_lines) = lexers
    source = sources.get(flow.path)
    lines = list(source.lines) if source is not None else []

    step_diags: dict[int, list[Diagnostic]] = {}
    flow_diags = []
    for diag in d.diags:
        for i, s in enumerate(flow.steps):
            if s.span.line <= diag.span.line <= s.span.end_line:
                step_diags.setdefault(i, []).append(diag)
                break
        else:
            flow_diags.append(diag)

    first = flow.steps[0].span.line if flow.steps else len(lines) + 1
    header_end = first - 1
    while header_end >= 1 and not lines[header_end - 1].strip():
        header_end -= 1
    header = None
    if header_end >= 1:
        text = "\n".join(lines[:header_end]) + "\n"
        header = _highlight(text, flow_lexer, 1, _marks(flow_diags), flow_lines)

    steps = []
    for i, step in enumerate(flow.steps):
        a, b = step.span.line, step.span.end_line
        text = "\n".join(lines[a - 1 : b]) + "\n"
        doc = documents.get(f"{step.name}.xml")
        mine = _by_severity(step_diags.get(i, []))
        errors = sum(x.severity is Severity.ERROR for x in mine)
        warnings = sum(x.severity is Severity.WARNING for x in mine)
        sources_of = []
        for other in reached_from.get((flow.name, step.name), []):
            if other[0] == flow.name:
                sources_of.append(_Row(text=other[1], href=f"#step-{other[1]}", other=False))
            else:
                sources_of.append(
                    _Row(
                        text=f"{other[0]}.{other[1]}",
                        href=f"../{other[0]}/index.html#step-{other[1]}",
                        other=True,
                    )
                )
        steps.append(
            _Row(
                name=step.name,
                badges=_badges(d.facts.get(step.name), errors, warnings),
                problem="error" if errors else "warning" if warnings else "",
                source=_highlight(text, flow_lexer, a, _marks(mine), flow_lines),
                twiml=None
                if doc is None
                else _highlight(doc.decode("utf-8"), xml_lexer, 1, by_line=xml_lines),
                branch=step.is_branch,
                diags=_views(mine, shown_sources, paths),
                reached_from=sources_of,
            )
        )

    shown, _ = _entry_url(flow)
    entry = flow.entry.name if flow.entry else ""
    return dict(
        flow=flow,
        path=d.path,
        partial=d.partial,
        diags=_views(d.diags, shown_sources, paths),
        has_errors=any(x.severity is Severity.ERROR for x in d.diags),
        built_steps=len(documents),
        shown=shown,
        href=f"{entry}.xml" if f"{entry}.xml" in documents else None,
        copy=shown if flow.settings.base_url else entry + ".xml",
        dot=d.dot,
        rankdir=d.graph.rankdir if d.graph else "TB",
        edges=_edge_rows(d.graph) if d.graph else [],
        branches=any(step.is_branch for step in flow.steps),
        header=header,
        flow_diags=_views(_by_severity(flow_diags), shown_sources, paths),
        steps=steps,
    )


def _by_severity(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, then the rest; by position within each."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    return sorted(diags, key=lambda d: (order.get(d.severity, 2), d.sort_key()))


# ---- the target ---------------------------------------------------------------------------------


def unsupported(build) -> tuple[Diagnostic, ...]:
    """What the site cannot express: what static TwiML cannot (branch steps,
    the twiml target's own diagnostics), POST to a step, links out of the site."""
    flows = build.flows
    found = [*twiml.unsupported(build), *site_diagnostics(flows, {f.name for f in flows}, build.known)]
    return tuple(sorted(found, key=Diagnostic.sort_key))


def emit(build) -> Emission:
    """The site target: the TwiML of every step, index.html and a page per flow."""
    require()
    found = unsupported(build)
    if has_errors(found):
        return Emission(diagnostics=tuple(found))
    site = render(build, extra=found)
    return Emission(
        files=site.files,
        diagnostics=tuple(found),
        summary=f"{site.documents} TwiML files and {site.pages} pages",
        notices=tuple(site.notices),
    )
