"""A call driven one action at a time: the ``flow_call`` pytest fixture and
``flowc call`` use it.

The engine is deterministic, so a :class:`LiveCall` keeps the caller's
actions so far and, after each new one, plays the call again from the start
up to the next point where it waits for the caller. What happened since the
last action is what :meth:`LiveCall.hears` and :meth:`LiveCall.expect_request`
look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import engine
from .flows import FlowIndex
from .model import (
    OUTCOMES,
    Action,
    Event,
    HangUp,
    Outcome,
    Point,
    Press,
    Request,
    Result,
    Silence,
    Speak,
    Speech,
)
from .servers import Server


class _Waiting(Exception):
    def __init__(self, point: Point):
        super().__init__()
        self.point = point


class _Script:
    def __init__(self, actions: list[Action]) -> None:
        self.actions = actions
        self.position = 0

    def __call__(self, point: Point) -> Action | None:
        if point.verb == "end":
            return None
        if self.position < len(self.actions):
            self.position += 1
            return self.actions[self.position - 1]
        raise _Waiting(point)


@dataclass
class Snapshot:
    events: list[Event]
    waiting: Point | None  # where the call waits for the caller; None when it ended
    result: Result | None


class CallFailed(AssertionError):
    """An expectation of a live call was not met; the message has the transcript."""


class LiveCall:
    def __init__(self, server: Server, index: FlowIndex, entry: str, settings: engine.Settings | None = None):
        self.server = server
        self.index = index
        self.entry = entry
        self.settings = settings or engine.Settings()
        self.actions: list[Action] = []
        self._mark = 0  # events before the last action
        self.snapshot = self._play()

    # ---- running -----------------------------------------------------------------------------

    def _play(self) -> Snapshot:
        call = engine.Call(self.server, _Script(self.actions), self.entry, self.settings)
        try:
            result = call.run()
        except _Waiting as waiting:
            return Snapshot(list(call.events), waiting.point, None)
        return Snapshot(list(result.events), None, result)

    def act(self, action: Action) -> LiveCall:
        if self.ended:
            raise CallFailed(f"the call has ended ({self.snapshot.result.ended_by}); it cannot {action}\n"  # type: ignore[union-attr]
                             + self.transcript())
        self._mark = len(self.snapshot.events)
        self.actions.append(action)
        self.snapshot = self._play()
        return self

    def press(self, keys: str) -> LiveCall:
        return self.act(Press(keys))

    def say(self, text: str, confidence: float = 0.9) -> LiveCall:
        return self.act(Speech(text, confidence))

    def silence(self, seconds: float) -> LiveCall:
        return self.act(Silence(seconds))

    def speak(self, seconds: float, text: str = "") -> LiveCall:
        return self.act(Speak(seconds, text))

    def hang_up(self) -> LiveCall:
        return self.act(HangUp())

    def dial(self, status: str, seconds: float | None = None) -> LiveCall:
        return self.act(Outcome("dial", status, seconds))

    def outcome(self, verb: str, status: str, seconds: float | None = None, data: str = "") -> LiveCall:
        """What a scenario's outcome line says: ``outcome("queue", "bridged", 30)`` is
        ``queue bridged 30s``; ``outcome("connect", "handoff", 30, '{}')`` is
        ``connect 30s handoff "{}"``."""
        allowed = OUTCOMES.get(verb)
        if allowed is None or status not in allowed:
            raise ValueError(f"{verb} {status} is not an outcome; the outcomes are "
                             + "; ".join(f"{v}: {', '.join(o)}" for v, o in OUTCOMES.items()))
        return self.act(Outcome(verb, status, seconds, data=data))

    # ---- looking ----------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.snapshot.waiting is None

    @property
    def ended_by(self) -> str | None:
        return self.snapshot.result.ended_by if self.snapshot.result is not None else None

    @property
    def waiting_for(self) -> str | None:
        """The verb the call waits at (gather, record, dial...), or None when it ended."""
        return self.snapshot.waiting.verb if self.snapshot.waiting is not None else None

    def recent(self) -> list[Event]:
        """What happened since the caller's last action."""
        return self.snapshot.events[self._mark :]

    def heard(self) -> list[str]:
        return [e.heard for e in self.recent() if e.heard is not None]

    def requests(self) -> list[Request]:
        return [e.request for e in self.snapshot.events if e.request is not None]

    def hears(self, text: str) -> LiveCall:
        """Assert the caller heard ``text`` (words, case-insensitive) since the last action."""
        wanted = " ".join(text.split()).casefold()
        if not any(wanted in " ".join(h.split()).casefold() for h in self.heard()):
            raise CallFailed(f"expected to hear {text!r}; heard {self.heard()!r}\n" + self.transcript())
        return self

    def hears_matching(self, pattern: str) -> LiveCall:
        if not any(re.search(pattern, h) for h in self.heard()):
            raise CallFailed(f"expected to hear /{pattern}/; heard {self.heard()!r}\n" + self.transcript())
        return self

    def expect_request(self, target: str, method: str | None = None, **params: object) -> Request:
        """Assert a request since the last action to ``target`` (a path such as
        ``/ivr/choice``, ``flow.step``, or an absolute URL) with these parameters."""
        for event in self.recent():
            req = event.request
            if req is None or (method is not None and req.method != method):
                continue
            if not _target_matches(req.url, target, self.index):
                continue
            if all(req.params.get(k) == str(v) for k, v in params.items()):
                return req
        made = [e.text for e in self.recent() if e.request is not None]
        raise CallFailed(f"expected a request to {target} {params or ''}; made: {made}\n" + self.transcript())

    def expect_ended(self, by: str | None = None) -> LiveCall:
        if not self.ended or (by is not None and self.ended_by != by):
            state = f"ended by {self.ended_by}" if self.ended else f"waits at a {self.waiting_for}"
            raise CallFailed(f"expected the call to end{' by ' + by if by else ''}; it {state}\n" + self.transcript())
        return self

    def transcript(self) -> str:
        lines = []
        for event in self.snapshot.events:
            minutes, seconds = divmod(event.at, 60)
            lines.append(f"{int(minutes)}:{seconds:04.1f}  {event.kind:<7} {event.text}")
        if self.snapshot.waiting is not None:
            lines.append(f"        waits for the caller at a <{self.snapshot.waiting.verb}>")
        return "\n".join(lines)


def _target_matches(url: str, target: str, index: FlowIndex) -> bool:
    bare = url.partition("?")[0]
    if "://" in target:
        return bare == target
    path = index.path(url)
    if target.startswith("/"):
        return path == target
    flow, _, step = target.rpartition(".")
    return path == f"/{flow}/{step}.xml" if flow else bool(path and path.endswith(f"/{step}.xml"))


def open_call(paths, against: str = "flows", flow: str | None = None, start: str | None = None,
              token: str | None = None) -> LiveCall:
    """A live call to ``flow`` (default: the first flow of ``paths``)."""
    from ..project import load
    from .runner import open_server

    build = load([str(p) for p in ([paths] if isinstance(paths, str | bytes) or hasattr(paths, "__fspath__")
                                   else paths)])
    errors = [d for d in build.diagnostics if d.severity == "error"]
    if errors:
        first = errors[0]
        raise ValueError(f"{first.span.file}:{first.span.line}:{first.span.col}: {first.message}")
    index = FlowIndex.of(build.known.values())
    flows = {f.name: f for f in build.flows}
    if not flows:
        raise ValueError("no flow to call")
    chosen = flows[flow] if flow is not None else next(iter(flows.values()))
    step = chosen.step(start) if start else None
    server = open_server(against, build, index, token=token)
    limit = chosen.settings.max_call_duration
    settings = engine.Settings(max_call_duration=float(limit.seconds) if limit else 14400.0)
    return LiveCall(server, index, index.entry_url(chosen, step), settings)


# ---- flowc call --------------------------------------------------------------------------------

HELP = {
    "gather": 'keys (1, 12#), `say "words"`, `silence 5s` (or an empty line), `hang up`',
    "record": "`speak 10s`, a key (#), `silence 5s` (or an empty line), `hang up`",
    "dial": "completed 30s, busy, no-answer, failed, canceled, or `hang up`",
    "enqueue": "`queue wait` (the wait music plays on), `queue bridged 30s`, `queue queue-full`, or `hang up`",
    "conference": "`conference start`, `conference wait`, `dial completed 30s` (time in it), or `hang up`",
    "pay": "the digits asked for and # (4111111111111111#), `*`, `pay success` or another result, or `hang up`",
    "connect": "`connect 30s`, `connect 30s handoff \"data\"`, `connect failed`, or `hang up`",
    "refer": "`refer completed`, `refer failed`",
    "echo": "`speak 10s` or `hang up`",
}


def parse_input(text: str, point: Point) -> Action | str:
    """A line typed at a point: an action, or a message saying what is expected."""
    from .scenario import _action, _Error, _Line, tokenize

    text = text.strip()
    if not text:
        timeout = float(point.attrs.get("timeout") or 5)
        return Silence(timeout if point.verb in ("gather", "record") else 5)
    if text in ("hangup", "hang up", "bye"):
        return HangUp()
    if re.fullmatch(r"[0-9*#]+", text):
        return Press(text)
    if point.verb == "dial" and not text.startswith("dial "):
        text = "dial " + text
    try:
        tokens = tokenize("<input>", 1, text, 0)
        line = _Line(tokens, tokens[0].span)
        first = line.take(what="an action")
        return _action(first, line)
    except (_Error, KeyError, IndexError):
        return f"not understood: {text!r}; here you can type {HELP.get(point.verb, '`hang up`')}"


def interactive(call: LiveCall, read, write) -> str:
    """Run ``call`` with lines from ``read()`` (None at end of input) and print
    with ``write``; returns how the call ended."""
    shown = 0
    while True:
        events = call.snapshot.events
        for event in events[shown:]:
            minutes, seconds = divmod(event.at, 60)
            answer = ""
            if event.request is not None:
                answer = f"  -> {event.request.status or 'no answer'}"
            write(f"{int(minutes)}:{seconds:04.1f}  {event.text}{answer}")
        shown = len(events)
        if call.ended:
            write(f"the call ended: {call.ended_by}")
            return call.ended_by or ""
        point = call.snapshot.waiting
        assert point is not None
        line = read(f"{point.verb}> ")
        if line is None:
            write("(end of input: the caller hangs up)")
            call.act(HangUp())
            continue
        action = parse_input(line, point)
        if isinstance(action, str):
            write(action)
            continue
        before = len(call.snapshot.events)
        call.act(action)
        shown = min(shown, before)
