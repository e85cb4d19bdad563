"""IR → a static site: the TwiML of every step, an index, and a page per flow.

``DIR/<flow>/<step>.xml`` are the TwiML target's documents, byte for byte, so
the site can be hosted as it is and Twilio fetches the steps from it.
``DIR/index.html`` lists the flows; ``DIR/<flow>/index.html`` shows the
flow's call-flow graph (drawn by Graphviz ``dot``, as inline SVG) and, for
every step, its source lines beside its TwiML with the step's diagnostics.

The pages are self-contained (inline CSS, SVG and a few lines of script; no
network) and deterministic: the same flows give byte-identical files, with no
time, no absolute path and nothing from the machine but ``dot``'s layout.
Everything taken from a flow is escaped.

:func:`render` also draws flows that have errors (``flowc serve`` shows them
while they are being edited); :func:`emit` is the ``site`` target and builds
only flows without errors.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import ir
from ..codes import REGISTRY, report
from ..diagnostics import Diagnostic, Severity, has_errors
from ..graph import CallGraph, Edge, EdgeKind, ends_document
from ..render import format_text
from . import Emission, MissingDependency, twiml

try:
    from pygments import highlight as _pygments_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import XmlLexer

    from ..pygments_lexer import FlowLexer
except ImportError:  # pragma: no cover - reported by require()
    HtmlFormatter = None  # type: ignore[assignment,misc]  # Pygments is an optional extra

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DOT_BATCH = 200  # graphs per `dot` process
DOT_TIMEOUT = 300  # seconds for one batch


def require() -> None:
    """Raise :class:`MissingDependency` when the site's libraries are missing."""
    if HtmlFormatter is None:
        raise MissingDependency("the site target needs Pygments; install it with: pip install 'flowc[site]'")


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


def _q(text: str) -> str:
    """A DOT double-quoted string; `&` is escaped because dot reads entities."""
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


def _ending(step: ir.Step) -> str | None:
    """How the call ends in this step, or None when it goes on elsewhere."""
    if step.is_branch:
        return None if any(isinstance(v, ir.Otherwise) for v in step.verbs) else "no key matched"
    for verb in step.verbs:
        if isinstance(verb, ir.Hangup):
            return "hangup"
        if isinstance(verb, ir.Reject):
            return "reject"
        if isinstance(verb, ir.Say | ir.Play) and verb.loop is not None and verb.loop.value == 0:
            return "audio loops until hang-up"
        if ends_document(verb):
            return None  # record, redirect, dial with an action: the call goes on
    return "no more verbs"


def _label(edge: Edge, after_gather: bool) -> str:
    if isinstance(edge.verb, ir.When):
        return f'{edge.verb.input} "{edge.verb.value.value}"'
    if isinstance(edge.verb, ir.Otherwise):
        return "otherwise"
    label = edge.kind.value
    return f"no input: {label}" if after_gather and edge.kind is not EdgeKind.GATHERED else label


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
    for i, step in enumerate(flow.steps):
        sid = (flow.name, step.name)
        facts.setdefault(
            step.name,
            StepFacts(
                entry=i == 0,
                loop=sid in cycles,
                cycle=cycles.get(sid),
                reachable=sid in reachable,
                ending=_ending(step),
            ),
        )
    return facts


def flow_dot(flow: ir.Flow, graph: CallGraph, facts: dict[str, StepFacts], site_flows: set[str]) -> str:
    """The DOT text of one flow's call-flow graph."""
    out = [
        f"digraph {_q(flow.name)} {{",
        f"  graph {_attrs(id='callflow', rankdir='TB', bgcolor='transparent', fontname='Helvetica', nodesep='0.35', ranksep='0.45')};",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#374151", '
        'fontname="Helvetica", fontsize="12", margin="0.15,0.06"];',
        '  edge [color="#4b5563", fontname="Helvetica", fontsize="10", fontcolor="#374151"];',
    ]
    out.append(
        f"  call {_attrs(id='n-call', label='call arrives', shape='plaintext', style='', fontcolor='#6b7280', **{'class': 'call'})};"
    )
    extra_nodes: dict[str, str] = {}  # DOT node name -> its statement
    edges: list[str] = []
    ends = False
    edge_no = 0

    def edge(src: str, dst: str, label: str, **attrs: str) -> None:
        nonlocal edge_no
        edge_no += 1
        edges.append(f"  {src} -> {dst} {_attrs(id=f'e{edge_no}', label=label, tooltip=label, **attrs)};")

    entry = flow.entry
    for i, step in enumerate(flow.steps):
        f = facts.get(step.name)
        node = f"s{i}"
        if f is None or flow.step(step.name) is not step:
            continue  # a duplicate name (an error); drawn once
        classes = ["step"]
        attrs: dict[str, str] = {
            "label": step.name,
            "href": f"#step-{step.name}",
            "tooltip": f"step {step.name}",
        }
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
            attrs["fontcolor"] = "#6b7280"
            notes.append("unreachable")
        if f.ending == "no more verbs":
            classes.append("dead-end")
            attrs["fillcolor"] = "#fef3c7"
            notes.append("dead end")
        if notes:
            attrs["label"] = step.name + "\n" + ", ".join(notes)
        attrs["class"] = " ".join(classes)
        out.append(f"  {node} {_attrs(id=f'n-step-{step.name}', **attrs)};")
        if f.ending is not None:
            ends = True
            edge(node, "end", f.ending, style="dashed", color="#9ca3af", **{"class": "ends"})

    if entry is not None:
        edge("call", f"s{0}", "entry", color="#0369a1", penwidth="2", **{"class": "entry-edge"})

    index_of: dict[str, int] = {}
    for i, step in enumerate(flow.steps):
        index_of.setdefault(step.name, i)

    for i, step in enumerate(flow.steps):
        if index_of[step.name] != i:
            continue
        step_node = graph.nodes.get((flow.name, step.name))
        src = f"s{i}"
        after_gather = False
        edges_by_verb: dict[int, list[Edge]] = {}
        if step_node is not None:
            for ed in step_node.edges:
                edges_by_verb.setdefault(id(ed.verb), []).append(ed)
        for verb in step.verbs:
            for ed in edges_by_verb.get(id(verb), ()):
                label = _label(ed, after_gather)
                attrs = {}
                if ed.kind is EdgeKind.BRANCH:
                    attrs = {"color": "#6d28d9", "fontcolor": "#6d28d9", "class": "branch-edge"}
                target = ed.target
                if isinstance(target, ir.StepTarget) and target.flow is None and ed.dest is not None:
                    dst = f"s{index_of[target.step]}"
                    cycle = facts[step.name].cycle
                    if cycle is not None and facts[target.step].cycle == cycle:
                        loop_classes = " ".join(filter(None, [attrs.get("class"), "loop-edge"]))
                        attrs = {
                            "color": "#c2410c",
                            "penwidth": "2",
                            "fontcolor": "#c2410c",
                            "class": loop_classes,
                        }
                elif isinstance(target, ir.StepTarget):
                    text = f"{target.flow or flow.name}.{target.step}"
                    dst = "x_" + re.sub(r"\W", "_", text)
                    if dst not in extra_nodes:
                        extra_nodes[dst] = _other_step(dst, len(extra_nodes), ed, target, text, site_flows)
                else:
                    dst = _external(extra_nodes, target.text, "external")
                edge(src, dst, label, **attrs)
            if isinstance(verb, ir.Record | ir.Gather) and verb.action is None:
                kind = EdgeKind.RECORDED if isinstance(verb, ir.Record) else EdgeKind.GATHERED
                edge(src, src, f"{kind.value} (same document)", color="#b45309", **{"class": "self"})
            if isinstance(verb, ir.Record):
                for cb, what in (
                    (verb.status, "recording status"),
                    (verb.transcribe_callback, "transcription"),
                ):
                    if cb is not None:
                        dst = _external(extra_nodes, cb.text, "callback")
                        edge(src, dst, what, style="dashed", arrowhead="empty", **{"class": "callback"})
            if isinstance(verb, ir.Gather):
                after_gather = True
            if ends_document(verb):
                break
    out.extend(extra_nodes.values())
    if ends:
        out.append(
            f"  end {_attrs(id='n-end', label='end', shape='doublecircle', style='filled', fillcolor='#f3f4f6', fontsize='9', width='0.42', fixedsize='true', tooltip='the call ends', **{'class': 'end'})};"
        )
    out.extend(edges)
    out.append("}")
    return "\n".join(out) + "\n"


def _other_step(name: str, n: int, edge: Edge, target: ir.StepTarget, text: str, site_flows: set[str]) -> str:
    """A node for a step outside this flow's page: another flow's, or a missing one."""
    if edge.dest is None:
        attrs = _attrs(
            id=f"n-missing-{n}",
            label=target.text + "\nmissing",
            color="#b91c1c",
            fontcolor="#b91c1c",
            style="rounded,dashed",
            tooltip=f"no step {target.text}",
            **{"class": "missing"},
        )
    else:
        href = None
        if target.flow in site_flows:
            href = f"../{target.flow}/index.html#step-{target.step}"
        attrs = _attrs(
            id=f"n-flow-{n}",
            label=text,
            style="rounded,dashed",
            fillcolor="#f3f4f6",
            href=href,
            tooltip=f"step {text} of another flow",
            **{"class": "other-flow"},
        )
    return f"  {name} {attrs};"


def _external(nodes: dict[str, str], url: str, kind: str) -> str:
    key = f"u{kind[0]}_{len(nodes)}"
    for name, stmt in nodes.items():
        if name.startswith(f"u{kind[0]}_") and f"tooltip={_q(url)}" in stmt:
            return name
    shape = "note" if kind == "external" else "component"
    nodes[key] = (
        f"  {key} {_attrs(id=f'n-{kind}-{len(nodes)}', label=_short(url), shape=shape, style='filled', fillcolor='#f9fafb' if kind == 'external' else '#f5f3ff', fontsize='10', tooltip=url, **{'class': kind})};"
    )
    return key


# ---- running dot -----------------------------------------------------------------------


class DotFailed(Exception):
    pass


_SVG_START = re.compile(rb"<svg\b")
_COMMENT = re.compile(rb"<!--.*?-->\n?", re.S)
_PAGE_ID = re.compile(rb'id="page\d+,\d+_')


def run_dot(texts: list[str], exe: str) -> list[str]:
    """SVG for each DOT text, from one ``dot`` process per batch."""
    svgs: list[str] = []
    for start in range(0, len(texts), DOT_BATCH):
        batch = texts[start : start + DOT_BATCH]
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
        for doc in docs:
            m = _SVG_START.search(doc)
            svg = _COMMENT.sub(b"", doc[m.start() :]) if m else b""
            svg = _PAGE_ID.sub(b'id="', svg)
            svgs.append(svg.decode("utf-8").strip())
    return svgs


# ---- HTML ----------------------------------------------------------------------------------

e = html.escape

CSS = """
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff;
  --panel: #f9fafb; --accent: #0369a1; --warn: #b45309; --err: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { padding: 14px 28px; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top h1 { margin: 0; font-size: 22px; }
header.top h1 code { font-size: inherit; }
header.top .sub { color: var(--muted); font-size: 13px; }
header.top a { color: var(--accent); text-decoration: none; }
main { padding: 18px 28px 40px; max-width: 1400px; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
table.flows { border-collapse: collapse; width: 100%; }
table.flows th, table.flows td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.flows th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.url { display: inline-flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.url code { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; word-break: break-all; }
button.copy { font: inherit; font-size: 12px; padding: 1px 8px; border: 1px solid #cbd5e1; border-radius: 4px; background: #fff; cursor: pointer; }
button.copy:hover { background: #f1f5f9; }
.count-warning { color: var(--warn); font-weight: 600; }
.count-error { color: var(--err); font-weight: 600; }
.ok { color: #15803d; }
.banner { border: 1px solid #fca5a5; background: #fef2f2; color: var(--err); padding: 10px 14px; border-radius: 6px; margin: 0 0 16px; }
.notice { border: 1px solid #fcd34d; background: #fffbeb; padding: 10px 14px; border-radius: 6px; margin: 0 0 16px; }
.graph { border: 1px solid var(--line); border-radius: 8px; padding: 12px; background: #fff; overflow-x: auto; text-align: center; }
.graph svg { max-width: 100%; height: auto; }
.graph svg a { cursor: pointer; }
.legend { color: var(--muted); font-size: 13px; margin: 6px 0 18px; }
.legend span { margin-right: 14px; }
.legend .sw { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 4px; border: 2px solid #374151; }
section.step { border-top: 1px solid var(--line); padding-top: 10px; margin-top: 22px; }
section.step h2 { font-size: 18px; margin: 0 0 6px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
section.step h2 .links { font-size: 13px; font-weight: normal; }
.badge { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 9px; background: #e5e7eb; color: #374151; }
.badge.entry { background: #e0f2fe; color: #075985; }
.badge.loop { background: #ffedd5; color: #9a3412; }
.badge.dead-end { background: #fef3c7; color: #92400e; }
.badge.unreachable { background: #f3f4f6; color: #6b7280; }
.side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
@media (max-width: 900px) { .side { grid-template-columns: minmax(0, 1fr); } }
.side > div { min-width: 0; }
.side h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 4px 0; }
.hl { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
.hl pre { margin: 0; padding: 8px 10px; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; }
.hl .linenos { color: #9ca3af; margin-right: 6px; user-select: none; }
.hl .hll { background-color: #fef3c7; display: inline-block; min-width: 100%; }
.diags { margin-top: 8px; }
pre.diag { margin: 6px 0; padding: 8px 10px; border-left: 4px solid var(--warn); background: #fffbeb; white-space: pre-wrap; word-break: break-word; }
pre.diag.error { border-left-color: var(--err); background: #fef2f2; }
pre.diag.info { border-left-color: var(--accent); background: #f0f9ff; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; padding: 12px 28px 24px; }
"""

SCRIPT = """
document.querySelectorAll("button.copy").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = new URL(button.getAttribute("data-copy"), document.baseURI).href;
    function done() {
      button.setAttribute("data-copied", text);
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (err) { window.prompt("Copy this URL:", text); }
      document.body.removeChild(area);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
});
"""


def _page(title: str, heading: str, sub: str, body: str, extra_css: str) -> bytes:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="flowc">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>{heading}</h1><div class="sub">{sub}</div></header>\n'
        f"<main>\n{body}</main>\n"
        "<footer>Built by flowc from the .flow files listed above. "
        "The .xml files beside these pages are the TwiML Twilio fetches.</footer>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    ).encode()


def _diag_html(d: Diagnostic, sources, paths: dict[str, str]) -> str:
    text = format_text(_display(d, paths), {paths.get(k, k): v for k, v in sources.items()})
    code = REGISTRY.get(d.code)
    title = f' title="{e(code.summary)} (flowc explain {d.code})"' if code else ""
    return f'<pre class="diag {e(str(d.severity))}" data-code="{e(d.code)}"{title}>{e(text)}</pre>\n'


def _display(d: Diagnostic, paths: dict[str, str]) -> Diagnostic:
    from dataclasses import replace

    def span(s):
        return s._replace(file=paths.get(s.file, s.file))

    return replace(d, span=span(d.span), notes=tuple(replace(n, span=span(n.span)) for n in d.notes))


def _counts(diags: Iterable[Diagnostic]) -> str:
    diags = list(diags)
    errors = sum(d.severity is Severity.ERROR for d in diags)
    warnings = sum(d.severity is Severity.WARNING for d in diags)
    parts = []
    if errors:
        parts.append(f'<span class="count-error">{errors} error{"s" if errors != 1 else ""}</span>')
    if warnings:
        parts.append(f'<span class="count-warning">{warnings} warning{"s" if warnings != 1 else ""}</span>')
    return ", ".join(parts) if parts else '<span class="ok">none</span>'


def _entry_url(flow: ir.Flow) -> tuple[str, str]:
    """(URL shown and copied, link from the index) of a flow's entry step."""
    entry = flow.entry.name if flow.entry else "main"
    rel = f"{flow.name}/{entry}.xml"
    base = flow.settings.base_url
    if base is not None:
        return f"{base.text.rstrip('/')}/{rel}", rel
    return rel, rel


_FORMATTER = None


def _highlight(text: str, lexer, first_line: int, marked: Iterable[int]) -> str:
    """Highlighted HTML with line numbers from ``first_line``; ``marked`` lines
    (numbers in the file) get a background."""
    global _FORMATTER
    if _FORMATTER is None:  # building its style sheet is the costly part: do it once
        _FORMATTER = HtmlFormatter(linenos="inline", cssclass="hl", wrapcode=True)
    _FORMATTER.linenostart = first_line
    _FORMATTER.hl_lines = {n - first_line + 1 for n in marked}
    return _pygments_highlight(text, lexer, _FORMATTER)


# ---- the site --------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Site:
    files: dict[str, bytes] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    dot_seconds: float = 0.0
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


def render(build, *, extra: Iterable[Diagnostic] = (), dot: str | None | bool = True) -> Site:
    """The files of the site for ``build`` and the diagnostics ``extra``.

    Flows with errors are drawn too, without their TwiML, and files that did
    not parse are listed on the index with their diagnostics. ``dot``
    is the program to run (``True``: find ``dot`` on the PATH; ``None``:
    show DOT text).
    """
    require()
    site = Site()
    diagnostics = sorted([*build.diagnostics, *extra], key=Diagnostic.sort_key)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.span.file, []).append(d)
    sources = build.sources()
    paths = _display_paths(u.path for u in build.units)

    flows: list[ir.Flow] = []
    seen: set[str] = set()
    for flow in build.flows:
        if _IDENT.match(flow.name) and flow.name.casefold() not in seen and flow.steps:
            seen.add(flow.name.casefold())
            flows.append(flow)
    names = {f.name for f in flows}
    graph = CallGraph(build.known.values(), build.known)
    roots = [(f.name, f.entry.name) for f in flows if f.entry is not None]
    reachable, cycles = graph.reachable(roots), cycles_of(graph)

    dots = []
    facts_of = {}
    for flow in flows:
        facts = step_facts(flow, reachable, cycles)
        facts_of[flow.name] = facts
        dots.append(flow_dot(flow, graph, facts, names))

    exe = shutil.which("dot") if dot is True else (dot or None)
    svgs: list[str | None] = [None] * len(flows)
    if exe is None:
        site.notices.append(
            "Graphviz `dot` was not found, so the flow pages show the graph as DOT text; "
            "install Graphviz (Debian: apt install graphviz) to draw it"
        )
    elif flows:
        started = time.perf_counter()
        try:
            svgs = list(run_dot(dots, exe))
        except DotFailed as exc:
            site.notices.append(
                f"Graphviz `dot` failed ({exc}), so the flow pages show the graph as DOT text"
            )
        site.dot_seconds = time.perf_counter() - started

    style_css = HtmlFormatter(cssclass="hl").get_style_defs(".hl")
    flow_lexer, xml_lexer = FlowLexer(), XmlLexer()
    failed_files = {d.span.file for d in diagnostics if d.severity is Severity.ERROR}

    rows = []
    for flow, dot_text, svg in zip(flows, dots, svgs, strict=True):
        diags = by_file.get(flow.path, [])
        documents = {}
        if flow.path not in failed_files:
            documents = twiml.render_flow(flow)
            for name, data in documents.items():
                site.files[f"{flow.name}/{name}"] = data
        site.documents += len(documents)
        page = _flow_page(
            flow,
            facts_of[flow.name],
            dot_text,
            svg,
            exe is None or svg is None,
            documents,
            diags,
            sources,
            paths,
            style_css,
            flow_lexer,
            xml_lexer,
        )
        site.files[f"{flow.name}/index.html"] = page
        site.pages += 1
        rows.append(_index_row(flow, diags, paths, bool(documents)))

    drawn = {id(f) for f in flows}
    others = [u for u in build.units if u.flow is None or id(u.flow) not in drawn]
    site.files["index.html"] = _index_page(rows, others, by_file, sources, paths, diagnostics, site.notices)
    site.pages += 1
    return site


def _index_row(flow: ir.Flow, diags: list[Diagnostic], paths, built: bool) -> str:
    shown, link = _entry_url(flow)
    url = (
        f'<a class="twiml-link" href="{e(link)}"><code>{e(shown)}</code></a>'
        if built
        else f"<code>{e(shown)}</code>"
    )
    return (
        f'<tr data-flow="{e(flow.name)}"><td><a class="flow-link" href="{e(flow.name)}/index.html">{e(flow.name)}</a>'
        f'<div class="muted mono">{e(paths.get(flow.path, flow.path))}</div></td>'
        f'<td><span class="url">{url}'
        f'<button class="copy" type="button" data-copy="{e(shown)}">Copy</button></span></td>'
        f'<td class="steps">{len(flow.steps)}</td>'
        f"<td>{_counts(diags)}{_diag_list(diags)}</td></tr>\n"
    )


def _diag_list(diags: list[Diagnostic]) -> str:
    if not diags:
        return ""
    items = "".join(
        f'<li><span class="mono">{d.span.line}:{d.span.col}</span> {e(str(d.severity))}[{e(d.code)}]: {e(d.message)}</li>'
        for d in diags
    )
    return f'<ul class="muted">{items}</ul>'


def _index_page(rows, others, by_file, sources, paths, diagnostics, notices) -> bytes:
    body = []
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    if errors:
        body.append(
            f'<div class="banner" id="errors">This preview has {errors} error{"s" if errors != 1 else ""}: '
            "<code>flowc build</code> writes nothing until they are fixed. "
            "Pages of flows with errors show no TwiML.</div>\n"
        )
    for notice in notices:
        body.append(f'<div class="notice">{e(notice)}</div>\n')
    body.append(
        '<table class="flows"><thead><tr><th>Flow</th><th>Entry URL</th><th>Steps</th><th>Problems</th></tr></thead>\n<tbody>\n'
    )
    body.extend(rows)
    body.append("</tbody></table>\n")
    if others:
        body.append('<h2>Files that could not be drawn</h2>\n<div id="unbuilt">\n')
        for unit in others:
            body.append(f'<h3 class="mono">{e(paths.get(unit.path, unit.path))}</h3>\n')
            for d in by_file.get(unit.path, []):
                body.append(_diag_html(d, sources, paths))
        body.append("</div>\n")
    body.append(
        '<p class="muted">Point a phone number (or a call) at the entry URL of a flow, '
        "once these files are on a web server. Every link between steps is relative, "
        "or absolute under the flow's <code>base-url</code>, and fetched with GET.</p>\n"
    )
    n = len(rows)
    return _page(
        "Call flows",
        "Call flows",
        f"{n} flow{'s' if n != 1 else ''}",
        "".join(body),
        "",
    )


def _flow_page(
    flow, facts, dot_text, svg, no_svg, documents, diags, sources, paths, style_css, flow_lexer, xml_lexer
) -> bytes:
    source = sources.get(flow.path)
    lines = list(source.lines) if source is not None else []
    body = []
    if any(d.severity is Severity.ERROR for d in diags):
        body.append(
            '<div class="banner">This flow has errors: its TwiML is not built until they are fixed.</div>\n'
        )
    shown, _ = _entry_url(flow)
    entry = flow.entry.name if flow.entry else ""
    url = (
        f'<a class="twiml-link" href="{e(entry)}.xml"><code>{e(shown)}</code></a>'
        if documents
        else f"<code>{e(shown)}</code>"
    )
    body.append(
        f'<p>Entry URL: <span class="url">{url}'
        f'<button class="copy" type="button" data-copy="{e(shown if flow.settings.base_url else entry + ".xml")}">Copy</button></span></p>\n'
    )
    if no_svg:
        body.append(
            '<div class="notice">Graphviz <code>dot</code> was not available when this site was built; '
            "this is the graph in DOT (render it with <code>dot -Tsvg</code>).</div>\n"
            f'<pre class="dot">{e(dot_text)}</pre>\n'
        )
    else:
        body.append(
            f'<div class="graph" role="img" aria-label="call-flow graph of {e(flow.name)}">{svg}</div>\n'
        )
    body.append(
        '<div class="legend"><span><span class="sw" style="background:#e0f2fe;border-width:3px"></span>entry step</span>'
        '<span><span class="sw" style="border-color:#c2410c"></span>loop (steps that can repeat)</span>'
        '<span><span class="sw" style="background:#fef3c7"></span>dead end (the call ends after the last verb)</span>'
        '<span><span class="sw" style="border-style:dashed"></span>unreachable or in another flow</span>'
        "<span>notes: URLs and callbacks outside the site</span>"
        + (
            '<span><span class="sw" style="border-color:#6d28d9"></span>branch on the keys pressed</span>'
            if any(step.is_branch for step in flow.steps)
            else ""
        )
        + "</div>\n"
    )

    step_ranges = [(s.span.line, s.span.end_line) for s in flow.steps]
    step_diags: list[list[Diagnostic]] = [[] for _ in flow.steps]
    flow_diags = []
    for d in diags:
        for i, (a, b) in enumerate(step_ranges):
            if a <= d.span.line <= b:
                step_diags[i].append(d)
                break
        else:
            flow_diags.append(d)

    first = flow.steps[0].span.line if flow.steps else len(lines) + 1
    header_end = first - 1
    while header_end >= 1 and not lines[header_end - 1].strip():
        header_end -= 1
    if header_end >= 1 or flow_diags:
        body.append('<section class="flow-header"><h2>Flow</h2>\n')
        if header_end >= 1:
            text = "\n".join(lines[:header_end]) + "\n"
            body.append(_highlight(text, flow_lexer, 1, [d.span.line for d in flow_diags]))
        body.append("".join(_diag_html(d, sources, paths) for d in flow_diags))
        body.append("</section>\n")

    for i, step in enumerate(flow.steps):
        f = facts.get(step.name)
        badges = []
        if f is not None:
            if f.entry:
                badges.append('<span class="badge entry">entry</span>')
            if f.loop:
                badges.append('<span class="badge loop">loop</span>')
            if f.ending == "no more verbs":
                badges.append('<span class="badge dead-end">dead end</span>')
            elif f.ending:
                badges.append(f'<span class="badge">ends: {e(f.ending)}</span>')
            if not f.reachable:
                badges.append('<span class="badge unreachable">unreachable</span>')
        a, b = step_ranges[i]
        text = "\n".join(lines[a - 1 : b]) + "\n"
        src_html = _highlight(text, flow_lexer, a, [d.span.line for d in step_diags[i]])
        doc = documents.get(f"{step.name}.xml")
        if doc is not None:
            xml_html = _highlight(doc.decode("utf-8"), xml_lexer, 1, [])
            link = f'<span class="links"><a class="twiml-link" href="{e(step.name)}.xml">{e(step.name)}.xml</a></span>'
        else:
            xml_html = (
                '<p class="muted">None: a branch step is decided on the server '
                "(<code>flowc build --target flask</code>).</p>"
                if step.is_branch
                else '<p class="muted">Not built: fix the errors of this flow.</p>'
            )
            link = ""
        body.append(
            f'<section class="step" id="step-{e(step.name)}"><h2>{e(step.name)} {"".join(badges)} {link}</h2>\n'
            f'<div class="side"><div><h3>Source</h3>{src_html}</div><div><h3>TwiML</h3>{xml_html}</div></div>\n'
        )
        if step_diags[i]:
            body.append(
                '<div class="diags">'
                + "".join(_diag_html(d, sources, paths) for d in step_diags[i])
                + "</div>\n"
            )
        body.append("</section>\n")

    n = len(flow.steps)
    sub = (
        f'<a href="../index.html">All flows</a> · <span class="mono">{e(paths.get(flow.path, flow.path))}</span>'
        f" · {n} step{'s' if n != 1 else ''} · problems: {_counts(diags)}"
    )
    return _page(
        f"{flow.name} · call flow", f"Flow <code>{e(flow.name)}</code>", sub, "".join(body), style_css
    )


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
