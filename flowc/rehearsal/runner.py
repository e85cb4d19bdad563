"""Run the scenarios of ``*.calls`` files against a server and judge them.

:func:`open_server` picks what answers the calls (the flows compiled in
memory, a built static folder, the generated Flask app through WSGI, or a
loopback URL); :func:`rehearse` plays one scenario with the engine and
turns what went wrong into diagnostics with spans, each with a readable
transcript of the call.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..codes import report
from ..diagnostics import Diagnostic, Note
from ..source import Span
from . import engine
from .flows import FlowIndex, flow_server
from .model import Action, Event, Origin, Press, Result
from .scenario import CallsFile, Expect, Ref, Scenario, Stub
from .servers import LOCAL, Answer, Http, Server, StaticFolder, Wsgi

TOKEN = "rehearsal-auth-token-0123456789ab"  # signs the requests made to an app rehearsed in-process


class Unusable(Exception):
    """The server asked for cannot be used; the message says why."""


# ---- the server ----------------------------------------------------------------------------------


def open_server(against: str, build, index: FlowIndex, token: str | None = None) -> Server:
    """``flows`` (default), ``flask`` (build the app from the flows and call it
    through WSGI), a directory (a static build, or a generated Flask app), or
    an ``http://127.0.0.1:PORT`` URL."""
    if against == "flows":
        return flow_server(build, index)
    if against == "flask":
        return _built_app(build, index)
    if against.startswith(("http://", "https://")):
        try:
            return Http(against, token=token, bases=index.bases)
        except ValueError as exc:
            raise Unusable(str(exc)) from None
    if os.path.isdir(against):
        if all(os.path.isfile(os.path.join(against, f)) for f in ("__init__.py", "app.py", "security.py")):
            return _app_at(against, index, label=f"the Flask app in {against}")
        return StaticFolder(against, bases=index.bases)
    raise Unusable(f"{against}: not `flows`, `flask`, a directory or an http://127.0.0.1 URL")


def _built_app(build, index: FlowIndex) -> Server:
    from ..backends import MissingDependency
    from ..backends import flask as target

    try:
        target.require()
    except MissingDependency as exc:
        raise Unusable(str(exc)) from None
    emission = target.emit(build)
    if not emission.files:
        raise Unusable("the flask target cannot build these flows (run `flowc check --target flask`)")
    holder = tempfile.mkdtemp(prefix="flowc-rehearsal-")
    name = f"rehearsal_app_{abs(hash(holder)) % 10**8}"
    out = os.path.join(holder, name)
    for files in (emission.files, emission.seeds):
        for rel, data in files.items():
            full = os.path.join(out, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
    server = _app_at(out, index, label="the Flask app built from the flows")
    server.holder = holder  # type: ignore[attr-defined]
    return server


def _app_at(path: str, index: FlowIndex, label: str) -> Server:
    import importlib
    import sys

    path = os.path.abspath(path)
    parent, name = os.path.split(path)
    if not name.isidentifier():
        raise Unusable(f"{path}: a Flask app's directory name must be a Python identifier")
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    sys.path.insert(0, parent)
    try:
        package = importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - the user's code (handlers.py) may fail in any way
        raise Unusable(f"cannot import the Flask app in {path}: {type(exc).__name__}: {exc}") from None
    finally:
        sys.path.remove(parent)
    handle, db = tempfile.mkstemp(prefix="flowc-rehearsal-", suffix=".sqlite3")
    os.close(handle)
    try:
        app = package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{db}"})
    except Exception as exc:  # noqa: BLE001 - as above
        raise Unusable(f"the Flask app in {path} does not start: {type(exc).__name__}: {exc}") from None
    return Wsgi(app, TOKEN, bases=index.bases, label=label)


def _stub_answer(stub: Stub, index: FlowIndex, here: str) -> Answer:
    if stub.kind == "status":
        return Answer(int(stub.value), "text/plain", b"", served=f"answer {stub.path}")
    if stub.kind == "hangup":
        body = "<Hangup/>"
    elif stub.kind == "say":
        from xml.sax.saxutils import escape

        body = f"<Say>{escape(stub.value)}</Say>"
    else:
        assert stub.ref is not None
        url = _ref_url(stub.ref, index, here)
        from xml.sax.saxutils import escape

        body = f'<Redirect method="GET">{escape(url)}</Redirect>'
    doc = f'<?xml version="1.0" encoding="UTF-8"?>\n<Response>{body}</Response>\n'.encode()
    return Answer(200, "text/xml", doc, served=f"answer {stub.path} (scenario)")


def _ref_url(ref: Ref, index: FlowIndex, here: str) -> str:
    if ref.is_url:
        return ref.text if "://" in ref.text else LOCAL + ref.text
    found = index.resolve(ref.text, here)
    if found is None:
        return ref.text
    return index.entry_url(*found)


# ---- checking names ------------------------------------------------------------------------------


def check_names(file: CallsFile, index: FlowIndex) -> list[Diagnostic]:
    """Steps and flows a scenario names must exist (``FL952``)."""
    found: list[Diagnostic] = []
    if file.flow not in index.flows:
        known = ", ".join(sorted(index.flows)) or "none"
        found.append(
            report(
                "FL952",
                f"there is no flow `{file.flow}` to call (flows found: {known})",
                file.flow_span,
                hint="put the .calls file beside its .flow file, or name the flow with a `flow NAME` line",
            )
        )
        return found

    def step(ref: Ref | None) -> None:
        if ref is None or ref.is_url:
            return
        if index.resolve(ref.text, file.flow) is None:
            flow_name, _, step_name = ref.rpartition(".") if False else ref.text.rpartition(".")
            flow = index.flows.get(flow_name or file.flow)
            hint = None
            if flow is not None:
                import difflib

                near = difflib.get_close_matches(step_name, [s.name for s in flow.steps], n=1)
                hint = f"did you mean `{near[0]}`?" if near else None
            what = f"step `{step_name}` in flow `{flow.name}`" if flow is not None else f"flow `{flow_name}`"
            found.append(report("FL952", f"there is no {what}", ref.span, hint=hint))

    for stub in file.stubs:
        step(stub.ref)
    for scenario in file.scenarios:
        step(scenario.start)
        for stub in scenario.stubs:
            step(stub.ref)
        for line in scenario.lines:
            if line.expect is not None:
                step(line.expect.ref)
    return found


# ---- one scenario ----------------------------------------------------------------------------------


@dataclass
class Rehearsal:
    file: CallsFile
    scenario: Scenario
    result: Result
    diagnostics: list[Diagnostic]
    lines: list[tuple[float, str, str]]  # (time, text, flow line): the transcript, rendered on demand
    steps: list[tuple[str, str]] = field(default_factory=list)  # documents run, as (flow, step)
    verbs: list[Span] = field(default_factory=list)  # flow lines run
    branches: list[object] = field(default_factory=list)  # Branch lines taken
    edges: list[tuple[str, str]] = field(default_factory=list)  # flow.step -> flow.step
    unread: list[tuple[object, str]] = field(default_factory=list)  # (press action, why no gather reads it)

    @property
    def passed(self) -> bool:
        return not self.diagnostics


class Script:
    """The caller: the scenario's actions, one per point where the call waits."""

    def __init__(self, actions: Iterable) -> None:
        self.actions = list(actions)
        self.next = 0

    def __call__(self, point) -> Action | None:
        if self.next >= len(self.actions):
            return None
        action = self.actions[self.next]
        self.next += 1
        return action


def settings_for(file: CallsFile, scenario: Scenario, index: FlowIndex) -> engine.Settings:
    flow = index.flows.get(file.flow)
    default = engine.Settings()
    limit = default.max_call_duration
    if flow is not None and flow.settings.max_call_duration is not None:
        limit = float(flow.settings.max_call_duration.seconds)
    return engine.Settings(
        from_=file.from_ or default.from_,
        to=file.to or default.to,
        method=file.method or default.method,
        max_call_duration=limit,
        media=tuple(file.media),
        status_callback=file.status_callback,
        seed=f"{file.path}/{scenario.title}",
    )


def rehearse(file: CallsFile, scenario: Scenario, server: Server, index: FlowIndex) -> Rehearsal:
    flow = index.flows[file.flow]
    if scenario.start is None:
        entry = index.entry_url(flow)
    else:
        entry = _ref_url(scenario.start, index, file.flow)
    saved = dict(server.stubs)
    for stub in (*file.stubs, *scenario.stubs):
        server.stubs[stub.path] = _stub_answer(stub, index, file.flow)
    try:
        call = engine.Call(server, Script(line.action for line in scenario.lines if line.action is not None), entry,
                           settings_for(file, scenario, index))
        result = call.run()
    finally:
        server.stubs = saved
    rehearsal = Rehearsal(file, scenario, result, [], [])
    docs = _trace(rehearsal, index)
    rehearsal.diagnostics = judge(rehearsal, index, docs)
    return rehearsal


def _trace(rehearsal: Rehearsal, index: FlowIndex) -> list[dict]:
    """Which step answered each request, the transcript lines, and coverage."""
    docs: dict[str, tuple] = {}
    per_event: list[dict] = []
    current: str | None = None
    lines = rehearsal.lines
    last_press = None
    for event in rehearsal.result.events:
        branch_line = None
        if isinstance(event.action, Press):
            last_press = event.action
        if event.kind == "note" and "does not listen to keys" in event.text and last_press is not None:
            rehearsal.unread.append((last_press, event.text))
        if event.request is not None and event.request.status == 200 and event.request.purpose in (
            "call",
            "action",
            "redirect",
            "queue wait",
            "conference wait",
            "whisper",
        ):
            req = event.request
            asked = index.step_at(req.url)
            if asked is not None and asked[1].is_branch:
                name = f"{asked[0].name}.{asked[1].name}"
                rehearsal.steps.append((asked[0].name, asked[1].name))
                if current is not None:
                    rehearsal.edges.append((current, name))
                current = None  # the branch's own edge is counted from its line
            found = index.document_step(_full(req), req.params)
            if found is not None:
                docs = {**docs, req.url: found}  # a new map: earlier events keep theirs
                name = f"{found[0].name}.{found[1].name}"
                rehearsal.steps.append((found[0].name, found[1].name))
                if current is not None:
                    rehearsal.edges.append((current, name))
                current = name
            else:
                docs = {k: v for k, v in docs.items() if k != req.url}
                current = None
            at_step = index.step_at(req.url)
            if at_step is not None and at_step[1].is_branch:
                branch = index.choose(at_step[0], at_step[1], req.params.get("Digits"))
                if branch is None and last_press is not None:
                    why = (
                        f"the branch step {at_step[0].name}.{at_step[1].name} has no `when` line for "
                        f"\"{req.params.get('Digits', '')}\" and no `otherwise`: the call ends there"
                    )
                    rehearsal.unread.append((last_press, why))
                if branch is not None:
                    rehearsal.branches.append(branch)
                    said = f"        branch step {branch.flow}.{branch.step}: {_key(branch.key)} -> {branch.target}"
                    branch_line = (event.at, said, _where(branch.line.span))
        span = index.line_of(docs, event.origin)
        if span is not None and (not rehearsal.verbs or rehearsal.verbs[-1] != span):
            rehearsal.verbs.append(span)
        per_event.append(docs)
        text = event.text
        if event.request is not None:
            req = event.request
            found = docs.get(req.url) if req.status == 200 else None
            answer = f"{req.status}" if req.status else "no answer"
            if found is not None:
                answer += f" {found[0].name}.{found[1].name}"
            elif event.served and isinstance(event.served, str) and event.served.startswith("answer "):
                answer += f" ({event.served})"
            text = f"{text}  -> {answer}"
        marker = {"request": "twilio ", "caller": "caller ", "error": "ERROR  ", "end": "end    "}.get(event.kind, "       ")
        lines.append((event.at, marker + text, _where(span) if span else ""))
        if branch_line is not None:
            lines.append(branch_line)
    return per_event


def _full(req) -> str:
    return req.url


def _key(key: str) -> str:
    return "otherwise" if key == "otherwise" else f'digits "{key}"'


def _where(span: Span | None) -> str:
    return f"{span.file}:{span.line}" if span is not None else ""


def _line(at: float, text: str, where: str) -> str:
    minutes, seconds = divmod(at, 60)
    stamp = f"{int(minutes)}:{seconds:04.1f}"
    line = f"{stamp:>7}  {text}"
    if where:
        line = f"{line:<86} {where}" if len(line) < 86 else f"{line}  {where}"
    return line


# ---- judging ----------------------------------------------------------------------------------------


def judge(rehearsal: Rehearsal, index: FlowIndex, docs: list[dict]) -> list[Diagnostic]:
    result = rehearsal.result
    scenario = rehearsal.scenario
    events = result.events
    found: list[Diagnostic] = []
    position = {id(e.action): i for i, e in reversed(list(enumerate(events))) if e.action is not None}
    misfit = {id(a) for a, _ in result.misfit}
    unused = {id(a) for a in result.unused}
    lines = scenario.lines
    cursor = 0
    ended_expected = any(line.expect is not None and line.expect.kind == "ended" for line in lines)
    def fail(code: str, message: str, span: Span, hint: str | None = None) -> None:
        last_span = _last_line(events, index, docs)
        notes = (Note(message="the call was here when it ended", span=last_span),) if last_span else ()
        found.append(report(code, message, span, notes=notes, hint=hint))

    unread = {id(a): why for a, why in rehearsal.unread}
    for k, line in enumerate(lines):
        if line.action is not None:
            if id(line.action) in unread:
                fail("FL965", f"no gather reads these keys: {unread[id(line.action)]}", line.span,
                     "press a key the flow reads, or give the branch step an `otherwise` line")
            if id(line.action) in misfit:
                where = next(w for a, w in result.misfit if a is line.action)
                fail("FL962", f"this line does not fit where the call is: {where}", line.span)
                break
            if id(line.action) in unused:
                fail(
                    "FL961",
                    f"the call ended ({_ended(result.ended_by)}) before this line could be used",
                    line.span,
                    "remove the line, or make the flow wait for the caller here",
                )
                break
            cursor = max(cursor, position.get(id(line.action), cursor))
            continue
        expect = line.expect
        assert expect is not None
        if expect.kind == "ended":
            if result.ended_by != expect.text:
                fail("FL960", f"expected the call to end by {expect.text}; it ended by {result.ended_by} "
                     f"({_ended(result.ended_by)})", expect.span)
            continue
        limit = len(events)
        for nxt in lines[k + 1 :]:
            if nxt.action is not None:
                limit = position.get(id(nxt.action), limit)
                break
        if expect.kind == "no-request":
            hit = _find(events, cursor, len(events), expect, index, docs, rehearsal.file.flow)
            if hit is not None:
                fail("FL960", f"expected no request to {expect.ref.text}, but Twilio made one: "  # type: ignore[union-attr]
                     f"{events[hit].text}", expect.span)
            continue
        hit = _find(events, cursor, limit, expect, index, docs, rehearsal.file.flow)
        if hit is None:
            fail("FL960", _missed(expect, events, cursor, limit), expect.span)
            continue
        cursor = hit  # the next expectation may be met by the same event (a request and its step)
    if result.ended_by == "error" and not result.misfit and not _expects(lines, "error"):
        error = next((e.text for e in events if e.kind == "error"), "an error")
        fail("FL964", f"the call ended with an error: {error}", scenario.span,
             "fix the flow or the server; or, if this is the point of the call, write `expect call ended by error`")
    if result.ended_by == "limit" and not _expects(lines, "limit"):
        error = next((e.text for e in reversed(events) if e.kind == "error"), "a limit")
        fail("FL963", f"the call was stopped: {error}", scenario.span)
    del ended_expected
    return found


def _expects(lines, reason: str) -> bool:
    return any(line.expect is not None and line.expect.kind == "ended" and line.expect.text == reason for line in lines)


def _ended(reason: str) -> str:
    return {
        "hangup": "a <Hangup> ended it",
        "reject": "a <Reject> ended it",
        "caller": "the caller hung up",
        "end": "the document ran out of verbs",
        "error": "an error ended it",
        "limit": "a limit stopped it",
    }.get(reason, reason)


def _last_line(events, index: FlowIndex, docs: list[dict]) -> Span | None:
    for i in range(len(events) - 1, -1, -1):
        span = index.line_of(docs[i], events[i].origin) if i < len(docs) else None
        if span is not None:
            return span
    return None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find(events, start: int, limit: int, expect: Expect, index: FlowIndex, docs: list[dict], here: str) -> int | None:
    for i in range(start, min(limit, len(events))):
        if _matches(events[i], expect, index, docs[i] if i < len(docs) else {}, here):
            return i
    return None


def _matches(event: Event, expect: Expect, index: FlowIndex, docs: dict, here: str) -> bool:
    if expect.kind == "hear":
        return event.heard is not None and _norm(expect.text) in _norm(event.heard)
    if expect.kind == "hear-matching":
        return event.heard is not None and re.search(expect.text, event.heard) is not None
    req = event.request
    if req is None:
        return False
    assert expect.ref is not None
    if expect.kind == "step":
        found = docs.get(req.url) if req.status == 200 else None
        wanted = index.resolve(expect.ref.text, here)
        return found is not None and wanted is not None and found[0] is wanted[0] and found[1] is wanted[1]
    if expect.method is not None and req.method != expect.method:
        return False
    if not _url_matches(req.url, expect.ref, index, here):
        return False
    return all(req.params.get(name) == value for name, value in expect.params)


def _url_matches(url: str, ref: Ref, index: FlowIndex, here: str) -> bool:
    bare = url.partition("?")[0]
    if "://" in ref.text:
        return bare == ref.text.partition("?")[0]
    path = index.path(url)
    if ref.text.startswith("/"):
        return path == ref.text.partition("?")[0]
    found = index.resolve(ref.text, here)
    return found is not None and path == f"/{found[0].name}/{found[1].name}.xml"


def _missed(expect: Expect, events, start: int, limit: int) -> str:
    window = events[start:limit]
    if expect.kind in ("hear", "hear-matching"):
        heard = [e.heard for e in window if e.heard is not None]
        what = f'"{expect.text}"' if expect.kind == "hear" else f"something matching /{expect.text}/"
        said = "; ".join(f'"{h}"' for h in heard[:4]) or "nothing"
        return f"expected to hear {what} here; the caller heard {said}"
    requests = [e.text for e in window if e.request is not None]
    made = "; ".join(requests[:3]) or "none"
    if expect.kind == "step":
        return f"expected the call to reach step {expect.ref.text} here; requests made: {made}"  # type: ignore[union-attr]
    method = f"{expect.method} " if expect.method else ""
    params = " with " + " ".join(f"{k}={v}" for k, v in expect.params) if expect.params else ""
    return f"expected a request {method}{expect.ref.text}{params} here; requests made: {made}"  # type: ignore[union-attr]


def header(rehearsal: Rehearsal, server: Server) -> str:
    r = rehearsal
    return (
        f'call "{r.scenario.title}" ({r.file.path}:{r.scenario.span.line}) to flow {r.file.flow}, '
        f"answered by {server.describe()}: {_ended(r.result.ended_by)} after {engine._duration(r.result.duration)}"
    )


def transcript_text(rehearsal: Rehearsal, server: Server) -> str:
    return "\n".join([header(rehearsal, server), *(_line(*line) for line in rehearsal.lines)])


def origin_url(origin: Origin) -> str:
    return origin.url
