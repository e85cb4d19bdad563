"""``flowc paths``: every distinct way through a flow, each with the caller
script that takes it.

The engine is run again and again: each time the call waits for the caller
beyond the script so far, the run stops and the script forks, once per
thing the caller can do there (each key a branch step reads and one it does
not, no input, an empty recording, each dial outcome, hanging up). Loops are
bounded: once a document has run :data:`MAX_VISITS` times on a path, the
caller hangs up there. :func:`write_scenarios` turns the paths into a
``.calls`` file whose expectations are the calls' transcripts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import engine
from .flows import FlowIndex
from .model import Action, HangUp, Outcome, Point, Press, Result, Silence, Speak, Speech
from .servers import LOCAL, Server

MAX_VISITS = 2  # runs of one document on a path before the caller gives up
MAX_PATHS = 500


class _Fork(Exception):
    def __init__(self, choices: list[tuple[Action, ...]]):
        super().__init__()
        self.choices = choices


@dataclass(frozen=True)
class Path:
    actions: tuple[Action, ...]
    result: Result

    @property
    def title(self) -> str:
        words = [describe(a).replace('"', "") for a in self.actions] or ["no input"]
        return ", ".join(words)


def describe(action: Action) -> str:
    """An action as a scenario line."""
    if isinstance(action, Press):
        return f'press "{action.keys}"'
    if isinstance(action, Speech):
        return f'say "{action.text}"'
    if isinstance(action, Silence):
        return f"silence {engine._duration(action.seconds)}"
    if isinstance(action, Speak):
        text = f' "{action.text}"' if action.text else ""
        return f"speak {engine._duration(action.seconds)}{text}"
    if isinstance(action, HangUp):
        return "hang up"
    if isinstance(action, Outcome):
        if action.verb == "connect" and action.status == "ended":
            return f"connect {engine._duration(action.seconds or 0)}"
        if action.verb == "connect" and action.status == "handoff":
            return f"connect {engine._duration(action.seconds or 0)} handoff {_string(action.data)}"
        tail = f" {engine._duration(action.seconds)}" if action.seconds else ""
        return f"{action.verb} {action.status}{tail}"
    raise TypeError(action)


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def choices(point: Point, index: FlowIndex, server: Server) -> list[tuple[Action, ...]]:
    """What the caller can do where the call waits, one script fragment each."""
    attrs = point.attrs
    hang = (HangUp(),)
    if point.verb == "gather":
        inputs = set((attrs.get("input") or "dtmf").split())
        timeout = _int(attrs.get("timeout"), 5)
        finish = attrs.get("finishOnKey", "#")
        num = _int(attrs.get("numDigits"), 0)
        out: list[tuple[Action, ...]] = []
        if "dtmf" in inputs:
            for keys in _keys(point, index):
                if num and len(keys) >= num:
                    out.append((Press(keys),))
                elif finish:
                    out.append((Press(keys + finish),))
                else:
                    out.append((Press(keys), Silence(timeout)))
        if "speech" in inputs:
            out.append((Speech("yes"),))
        out.append((Silence(timeout),))
        out.append(hang)
        return out
    if point.verb == "record":
        timeout = _int(attrs.get("timeout"), 5)
        finish = attrs.get("finishOnKey", "1234567890*#")
        speak = Speak(5, "Hello, this is a test message.")
        out = []
        if finish:
            out.append((speak, Press(finish[0])))
        if timeout:
            out.append((speak, Silence(timeout)))
            out.append((Silence(timeout),))
        out.append((speak, HangUp()))
        return out
    if point.verb == "dial":
        return [
            (Outcome("dial", "completed", 30),),
            (Outcome("dial", "busy"),),
            (Outcome("dial", "no-answer"),),
            (Outcome("dial", "failed"),),
            hang,
        ]
    if point.verb == "enqueue":
        out = [(Outcome("queue", "wait"),), (Outcome("queue", "bridged", 30),)]
        if point.started:
            out.append((Outcome("queue", "queue-full"),))
        return [*out, hang]
    if point.verb == "conference":
        if attrs.get("waiting") == "true":
            return [(Outcome("conference", "start"),), (Outcome("conference", "wait"),), hang]
        return [(Outcome("dial", "completed", 30),), hang]
    if point.verb == "pay":
        return _pay_choices(point)
    if point.verb == "connect":
        out = [(Outcome("connect", "ended", 30),)]
        if attrs.get("noun") in ("ConversationRelay", "VirtualAgent"):
            out.append((Outcome("connect", "handoff", 30, data='{"reason":"agent"}'),))
        return [*out, (Outcome("connect", "failed"),), hang]
    if point.verb == "refer":
        return [(Outcome("refer", "completed"),), (Outcome("refer", "failed"),)]
    return [hang]


PAY_VALID = {"payment-card-number": "4111111111111111", "expiration-date": "1230", "security-code": "123",
             "postal-code": "94105", "bank-routing-number": "121000358", "bank-account-number": "12345678"}
PAY_INVALID = {"payment-card-number": "4111111111111112", "expiration-date": "1330", "security-code": "12",
               "bank-routing-number": "12", "bank-account-number": "12"}


def _pay_choices(point: Point) -> list[tuple[Action, ...]]:
    """At each question of <Pay>: a valid answer, and an invalid one while attempts are left or when
    it is the last; at the card number, also the card the connector declines, `*` and hanging up."""
    step = point.attrs.get("for", "")
    out: list[tuple[Action, ...]] = [(Press(PAY_VALID.get(step, "1234") + "#"),)]
    if step in PAY_INVALID:
        out.append((Press(PAY_INVALID[step] + "#"),))
    if step in ("payment-card-number", "bank-routing-number") and point.attrs.get("attempt") == "1":
        if step == "payment-card-number":
            out.append((Press(engine.DECLINED_CARD + "#"),))
        out += [(Press("*"),), (HangUp(),)]
    return out


def _keys(point: Point, index: FlowIndex) -> list[str]:
    """The keys worth pressing: each key the branch step behind the action reads,
    and one it does not; a single key when nothing branches on them."""
    action_text = point.attrs.get("action")
    action = engine._join(point.origin.url, action_text) if action_text else point.origin.url
    found = index.step_at(action)
    if found is None or not found[1].is_branch:
        return ["1"]
    from .. import ir

    keys = [v.value.value for v in found[1].verbs if isinstance(v, ir.When)]
    keys = list(dict.fromkeys(k for k in keys if k))
    if any(isinstance(v, ir.Otherwise) for v in found[1].verbs):
        width = max((len(k) for k in keys), default=1)
        other = next((str(d) * width for d in range(10) if str(d) * width not in keys), None)
        if other is not None:
            keys.append(other)
    return keys or ["1"]


class _Replay:
    """The caller of one run: the script so far, then a fork."""

    def __init__(self, script: tuple[Action, ...], index: FlowIndex, server: Server) -> None:
        self.script = script
        self.position = 0
        self.index = index
        self.server = server
        self.call: engine.Call | None = None

    def __call__(self, point: Point) -> Action | None:
        if point.verb == "end":
            return None
        if self.position < len(self.script):
            self.position += 1
            return self.script[self.position - 1]
        visits = Counter(self.call.documents if self.call is not None else ())
        if visits and max(visits.values()) > MAX_VISITS:
            raise _Fork([(HangUp(),)])
        raise _Fork(choices(point, self.index, self.server))


def enumerate_paths(
    server: Server, index: FlowIndex, entry: str, settings: engine.Settings, limit: int = MAX_PATHS
) -> tuple[list[Path], bool]:
    """Every path from ``entry``; the flag says whether ``limit`` cut the list short."""
    done: list[Path] = []
    todo: list[tuple[Action, ...]] = [()]
    while todo:
        prefix = todo.pop()
        call = engine.Call(server, _Replay(prefix, index, server), entry, settings)
        call.caller.call = call  # type: ignore[attr-defined]
        try:
            result = call.run()
        except _Fork as fork:
            for option in reversed(fork.choices):
                todo.append(prefix + option)
            continue
        done.append(Path(prefix, result))
        if len(done) >= limit:
            return done, bool(todo)
    return done, False


# ---- golden scenarios ---------------------------------------------------------------------------

_SHOWN = ("Digits", "SpeechResult", "RecordingDuration", "DialCallStatus", "DialCallDuration", "QueueResult",
          "Result", "RecordingStatus", "TranscriptionText", "TranscriptionStatus", "StatusCallbackEvent",
          "StreamEvent", "TranscriptionEvent", "SessionStatus", "HandoffData", "PaymentCardType", "PaymentError",
          "ErrorType", "For", "ReferCallStatus")


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _value(value: str) -> str:
    import re

    return value if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.:-]*|\d+", value) else _string(value)


def scenario_lines(path: Path, index: FlowIndex, here: str) -> list[str]:
    """The path as a scenario: its actions, and the transcript as expectations."""
    lines = []
    for event in path.result.events:
        if event.heard is not None and not event.heard.startswith("<"):
            lines.append(f"hear {_string(event.heard)}")
        elif event.kind == "caller" and isinstance(event.action, Press | Speech | Silence | Speak | HangUp | Outcome):
            lines.append(describe(event.action))
        elif event.request is not None and event.request.status:
            req = event.request
            found = index.step_at(req.url)
            if found is not None:
                flow, step = found
                target = step.name if flow.name == here else f"{flow.name}.{step.name}"
            else:
                bare = req.url.partition("?")[0]
                target = bare[len(LOCAL) :] if bare.startswith(LOCAL + "/") else bare
            params = [f"{k} {_value(v)}" for k, v in req.params.items() if k in _SHOWN]
            tail = f" with {' '.join(params)}" if params else ""
            lines.append(f"expect request {req.method} {target}{tail}")
    # the caller's actions are logged as they are used; a script line the engine
    # consumed without logging (none today) would be missing, so check the count
    lines.append(f"expect call ended by {path.result.ended_by}")
    return lines


def write_scenarios(flow: str, paths: list[Path], index: FlowIndex, header: list[str]) -> str:
    out = [
        f"# Every path through the flow `{flow}`, as `flowc paths --write` lists them,",
        "# with the transcript of each call as its expectations. Regenerate with",
        "# `flowc paths --write` after a change; review the diff like any golden file.",
        f"flow {flow}",
        *header,
    ]
    titles: Counter[str] = Counter()
    for path in paths:
        title = path.title
        titles[title] += 1
        if titles[title] > 1:
            title = f"{title} ({titles[title]})"
        out += ["", f"call {_string(title)}:"]
        out += [f"    {line}" for line in scenario_lines(path, index, flow)]
    return "\n".join(out) + "\n"
