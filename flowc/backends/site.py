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

import functools
import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

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
    HtmlFormatter = None

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DOT_BATCH = 200  # graphs per `dot` process
DOT_TIMEOUT = 300  # seconds for one batch


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
                    if not target.is_step:
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


def _attrs(**attrs: str) -> str:
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
    facts = {}
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
        if f is None or any(s.name == step.name for s in flow.steps[:i]):
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

    index_of = {}
    for i, step in enumerate(flow.steps):
        index_of.setdefault(step.name, i)

    for i, step in enumerate(flow.steps):
        if index_of[step.name] != i:
            continue
        node = graph.nodes.get((flow.name, step.name))
        src = f"s{i}"
        after_gather = False
        edges_by_verb: dict[int, list[Edge]] = {}
        if node is not None:
            for ed in node.edges:
                edges_by_verb.setdefault(id(ed.verb), []).append(ed)
        for verb in step.verbs:
            for ed in edges_by_verb.get(id(verb), ()):
                label = _label(ed, after_gather)
                attrs = {}
                if ed.kind is EdgeKind.BRANCH:
                    attrs = {"color": "#6d28d9", "fontcolor": "#6d28d9", "class": "branch-edge"}
                if ed.target.kind is ir.TargetKind.STEP and ed.dest is not None:
                    dst = f"s{index_of[ed.target.step]}"
                    cycle = facts[step.name].cycle
                    if cycle is not None and facts[ed.target.step].cycle == cycle:
                        classes = " ".join(filter(None, [attrs.get("class"), "loop-edge"]))
                        attrs = {
                            "color": "#c2410c",
                            "penwidth": "2",
                            "fontcolor": "#c2410c",
                            "class": classes,
                        }
                elif ed.target.is_step:
                    text = f"{ed.target.flow or flow.name}.{ed.target.step}"
                    dst = "x_" + re.sub(r"\W", "_", text)
                    if dst not in extra_nodes:
                        extra_nodes[dst] = _other_step(dst, len(extra_nodes), ed, text, site_flows)
                else:
                    dst = _external(extra_nodes, ed.target.text, "external")
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


def _other_step(name: str, n: int, edge: Edge, text: str, site_flows: set[str]) -> str:
    """A node for a step outside this flow's page: another flow's, or a missing one."""
    if edge.dest is None:
        attrs = _attrs(
            id=f"n-missing-{n}",
            label=edge.target.text + "\nmissing",
            color="#b91c1c",
            fontcolor="#b91c1c",
            style="rounded,dashed",
            tooltip=f"no step {edge.target.text}",
            **{"class": "missing"},
        )
    else:
        href = None
        if edge.target.flow in site_flows:
            href = f"../{edge.target.flow}/index.html#step-{edge.target.step}"
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

TEMPLATES = "site_templates"


def _escape(value: object) -> object:
    """Every value a template prints, escaped as :func:`html.escape` does (``&quot;``,
    ``&#x27;``); HTML made here (Pygments, the SVG) comes in as ``Markup`` and is kept."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value)))


@functools.cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), TEMPLATES)),
        autoescape=True,
        finalize=_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


@functools.cache
def _asset(name: str) -> str:
    """The text of a package file beside the templates (``site.css``, ``site.js``)."""
    with open(os.path.join(os.path.dirname(__file__), TEMPLATES, name), encoding="utf-8") as f:
        return f.read()


def _render_page(template: str, **context) -> bytes:
    from markupsafe import Markup

    context.setdefault("extra_css", "")
    return (
        _environment()
        .get_template(template)
        .render(
            css=Markup(_asset("site.css")),
            script=Markup(_asset("site.js")),
            **{k: Markup(v) if k == "extra_css" else v for k, v in context.items()},
        )
        .encode()
    )


def message_page(message: str) -> bytes:
    """A page that says only ``message`` (``flowc serve`` when there is no site to show)."""
    return _environment().get_template("message.html.j2").render(message=message).encode()


@dataclass(frozen=True, slots=True)
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


def _views(diags: Iterable[Diagnostic], sources, paths: dict[str, str]) -> list[_DiagView]:
    shown = {paths.get(k, k): v for k, v in sources.items()}
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


_FORMATTER = None


def _highlight(text: str, lexer, first_line: int, marked: Iterable[int]):
    """Highlighted HTML (``Markup``) with line numbers from ``first_line``; ``marked``
    lines (numbers in the file) get a background."""
    from markupsafe import Markup

    global _FORMATTER
    if _FORMATTER is None:  # building its style sheet is the costly part: do it once
        _FORMATTER = HtmlFormatter(linenos="inline", cssclass="hl", wrapcode=True)
    _FORMATTER.linenostart = first_line
    _FORMATTER.hl_lines = {n - first_line + 1 for n in marked}
    return Markup(_pygments_highlight(text, lexer, _FORMATTER))


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
        rows.append(_index_row(flow, _views(diags, sources, paths), paths, bool(documents)))

    drawn = {id(f) for f in flows}
    others = [
        {"path": paths.get(u.path, u.path), "diags": _views(by_file.get(u.path, []), sources, paths)}
        for u in build.units
        if u.flow is None or id(u.flow) not in drawn
    ]
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    site.files["index.html"] = _render_page(
        "index.html.j2", rows=rows, others=others, errors=errors, notices=site.notices
    )
    site.pages += 1
    return site


def _index_row(flow: ir.Flow, diags: list[_DiagView], paths, built: bool) -> dict:
    shown, link = _entry_url(flow)
    return {
        "name": flow.name,
        "path": paths.get(flow.path, flow.path),
        "shown": shown,
        "href": link if built else None,
        "steps": len(flow.steps),
        "diags": diags,
    }


def _badges(f: StepFacts | None) -> list[tuple[str, str]]:
    """(class, text) of the badges beside a step's name."""
    if f is None:
        return []
    badges = []
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


def _flow_page(
    flow, facts, dot_text, svg, documents, diags, sources, paths, style_css, flow_lexer, xml_lexer
) -> bytes:
    from markupsafe import Markup

    source = sources.get(flow.path)
    lines = list(source.lines) if source is not None else []

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
    header = None
    if header_end >= 1:
        text = "\n".join(lines[:header_end]) + "\n"
        header = _highlight(text, flow_lexer, 1, [d.span.line for d in flow_diags])

    steps = []
    for i, step in enumerate(flow.steps):
        a, b = step_ranges[i]
        text = "\n".join(lines[a - 1 : b]) + "\n"
        doc = documents.get(f"{step.name}.xml")
        steps.append(
            {
                "name": step.name,
                "badges": _badges(facts.get(step.name)),
                "source": _highlight(text, flow_lexer, a, [d.span.line for d in step_diags[i]]),
                "twiml": None if doc is None else _highlight(doc.decode("utf-8"), xml_lexer, 1, []),
                "branch": step.is_branch,
                "diags": _views(step_diags[i], sources, paths),
            }
        )

    shown, _ = _entry_url(flow)
    entry = flow.entry.name if flow.entry else ""
    return _render_page(
        "flow.html.j2",
        flow=flow,
        path=paths.get(flow.path, flow.path),
        diags=_views(diags, sources, paths),
        has_errors=any(d.severity is Severity.ERROR for d in diags),
        shown=shown,
        href=f"{entry}.xml" if documents else None,
        copy=shown if flow.settings.base_url else entry + ".xml",
        svg=None if svg is None else Markup(svg),
        dot=dot_text,
        branches=any(step.is_branch for step in flow.steps),
        header=header,
        flow_diags=_views(flow_diags, sources, paths),
        steps=steps,
        extra_css=style_css,
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
