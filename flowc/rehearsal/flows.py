"""What the flows say about the URLs a rehearsed call meets.

The engine works on TwiML only. To show the flow line each verb came from,
to name the step a request reached, and to count coverage, the runner looks
the URLs up here: ``/<flow>/<step>.xml`` is a step, the verbs of its
document are the step's verbs in order, and a branch step's answer is the
step its ``when`` line picks for the caller's keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

from .. import ir
from ..source import Span
from ..urls import Url, split
from .model import Origin
from .servers import LOCAL, Answer, Documents, split_base


@dataclass(frozen=True, slots=True)
class Branch:
    """The ``when`` (or ``otherwise``) line a branch step took."""

    flow: str
    step: str
    line: ir.Verb
    target: str  # the step it leads to, flow.step
    key: str  # the key, or "otherwise"


@dataclass
class FlowIndex:
    flows: dict[str, ir.Flow]
    steps: dict[str, tuple[ir.Flow, ir.Step]] = field(default_factory=dict)  # path -> step
    bases: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, flows) -> FlowIndex:
        index = cls({f.name: f for f in flows})
        bases: set[str] = set()
        for flow in flows:
            for step in flow.steps:
                index.steps[f"/{flow.name}/{step.name}.xml"] = (flow, step)
            base = flow.settings.base_url
            if base is not None:
                root = base.text.rstrip("/")
                parts = split(root)
                bases.add(root)
                if isinstance(parts, Url):
                    bases.add(f"{parts.scheme}://{parts.netloc}")
        index.bases = sorted(bases, key=len, reverse=True)
        return index

    def all_bases(self) -> list[str]:
        return sorted([LOCAL, *self.bases], key=len, reverse=True)

    def path(self, url: str) -> str | None:
        cache = self.__dict__.setdefault("_paths", {})
        if url in cache:
            return cache[url]
        where = split_base(url, self.all_bases())
        found = None if where is None else unquote(where[1].partition("?")[0].partition("#")[0])
        if len(cache) < 100_000:
            cache[url] = found
        return found

    def step_at(self, url: str) -> tuple[ir.Flow, ir.Step] | None:
        path = self.path(url)
        return self.steps.get(path) if path is not None else None

    def entry_url(self, flow: ir.Flow, step: ir.Step | None = None) -> str:
        step = step or flow.entry
        assert step is not None
        base = flow.settings.base_url
        root = base.text.rstrip("/") if base is not None else LOCAL
        return f"{root}/{flow.name}/{step.name}.xml"

    def resolve(self, ref: str, here: str) -> tuple[ir.Flow, ir.Step] | None:
        """A step named in a scenario: ``handle`` (of the flow ``here``) or ``ivr.sales``."""
        flow_name, _, step_name = ref.rpartition(".")
        flow = self.flows.get(flow_name or here)
        if flow is None:
            return None
        step = flow.step(step_name)
        return (flow, step) if step is not None else None

    def choose(self, flow: ir.Flow, step: ir.Step, digits: str | None) -> Branch | None:
        """The line a branch step takes for the keys ``digits``, following
        branch steps that lead to branch steps, as the flask target does."""
        seen = set()
        while step.is_branch and step.name not in seen:
            seen.add(step.name)
            chosen: ir.Verb | None = None
            for verb in step.verbs:
                if isinstance(verb, ir.When) and verb.value.value == (digits or ""):
                    chosen = verb
                    break
            if chosen is None:
                chosen = next((v for v in step.verbs if isinstance(v, ir.Otherwise)), None)
            if chosen is None:
                return None
            target = chosen.target  # type: ignore[attr-defined]
            dest = f"{target.flow or flow.name}.{target.step}" if target.is_step else target.text
            key = chosen.value.value if isinstance(chosen, ir.When) else "otherwise"
            branch = Branch(flow.name, step.name, chosen, dest, key)
            same = target.is_step and target.step is not None and target.flow in (None, flow.name)
            nxt = flow.step(target.step) if same and target.step is not None else None
            if nxt is None or not nxt.is_branch:
                return branch
            step = nxt
        return None

    def document_step(self, url: str, params: dict[str, str]) -> tuple[ir.Flow, ir.Step] | None:
        """The step whose document answers a request for ``url`` (a branch step
        answers with the document of the step it picks)."""
        found = self.step_at(url)
        if found is None:
            return None
        flow, step = found
        if not step.is_branch:
            return found
        digits = params.get("Digits")
        if digits is None:
            digits = dict(parse_qsl(url.partition("?")[2].partition("#")[0])).get("Digits")
        branch = self.choose(flow, step, digits)
        if branch is None or "://" in branch.target or branch.target.startswith("/"):
            return None
        found = self.resolve(branch.target, flow.name)
        if found is None or found[0].name != flow.name:
            return None  # answered with a <Redirect> to the other flow
        return found

    def verb_at(self, step: ir.Step, path: tuple[int, ...]) -> ir.Verb | None:
        verbs = step.verbs
        verb = None
        for i in path:
            if i >= len(verbs):
                return None
            verb = verbs[i]
            verbs = verb.body
        return verb

    def line_of(self, docs: dict[str, tuple[ir.Flow, ir.Step]], origin: Origin | None) -> Span | None:
        if origin is None:
            return None
        found = docs.get(origin.url)
        if found is None:
            return None
        verb = self.verb_at(found[1], origin.path)
        return verb.span if verb is not None else None


def flow_server(build, index: FlowIndex) -> Documents:
    """The flows compiled in memory: every step's TwiML (the bytes ``flowc
    build`` writes) at ``/<flow>/<step>.xml``, and branch steps decided from
    the caller's ``Digits`` as the flask target decides them."""
    from ..backends.twiml import render_step

    documents: dict[str, bytes] = {}
    branches = {}
    for flow in build.flows:
        for step in flow.steps:
            path = f"/{flow.name}/{step.name}.xml"
            if step.is_branch:
                branches[path] = _decide(index, flow, step)
            else:
                documents[path] = render_step(flow, step)
    return Documents(documents, branches, bases=index.bases, label="the flows, compiled in memory")


def _decide(index: FlowIndex, flow: ir.Flow, step: ir.Step):
    from ..backends.twiml import render_step

    answers: dict[str | None, Answer] = {}

    def answer(digits: str | None) -> Answer:
        if digits not in answers and len(answers) < 1000:
            answers[digits] = decide(digits)
        return answers[digits] if digits in answers else decide(digits)

    def decide(digits: str | None) -> Answer:
        branch = index.choose(flow, step, digits)
        if branch is None:
            return Answer(200, "text/xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n', served=None)
        found = index.resolve(branch.target, flow.name) if "://" not in branch.target else None
        if found is not None and found[0].name == flow.name:
            return Answer(200, "text/xml", render_step(found[0], found[1]), served=branch)
        target = branch.line.target  # type: ignore[attr-defined]
        verb = ir.Redirect(span=step.span, keyword=step.span, target=target)
        doc = render_step(flow, ir.Step(name=step.name, name_span=step.name_span, span=step.span, verbs=(verb,)))
        return Answer(200, "text/xml", doc, served=branch)

    return answer
