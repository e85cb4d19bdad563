"""The scenario language: ``*.calls`` files, read into :class:`CallsFile` values.

A ``.calls`` file sits beside the flow it calls and is written in the flow
language's style: one statement per line, blocks by indentation, ``#``
comments, the same strings and durations::

    flow voicemail                    # the flow to call (default: the file's stem)
        from "+15551230000"

    call "the caller leaves a message":
        hear "leave a message at the beep"
        speak 12s "Please call me back"
        press "*"
        expect request GET voicemail.handle with RecordingDuration 12 Digits "*"
        hear "Goodbye"
        expect call ended by hangup

Problems are :class:`~flowc.diagnostics.Diagnostic` values with spans
(``FL951`` syntax, ``FL952`` unknown names), like a flow's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..codes import report
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span
from .model import OUTCOMES, Action, HangUp, Outcome, Press, Silence, Speak, Speech

SUFFIX = ".calls"
KEYS = set("0123456789*#")
REASONS = {
    "hangup": "hangup",
    "caller": "caller",
    "reject": "reject",
    "end": "end",
    "error": "error",
    "limit": "limit",
}


# ---- the file, as values ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    """Something a scenario names: a step (``handle``, ``ivr.sales``), a path
    (``/ivr/choice``) or an absolute URL."""

    text: str
    span: Span

    @property
    def is_url(self) -> bool:
        return self.text.startswith("/") or "://" in self.text


@dataclass(frozen=True, slots=True)
class Expect:
    kind: str  # hear, hear-matching, request, no-request, step, ended
    span: Span
    text: str = ""
    ref: Ref | None = None
    method: str | None = None
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Stub:
    """``answer PATH ...``: what a path the server does not serve answers."""

    path: str
    span: Span
    kind: str  # redirect, hangup, status, say
    value: str = ""
    ref: Ref | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a scenario: an action of the caller or an expectation."""

    span: Span
    action: Action | None = None
    expect: Expect | None = None


@dataclass(slots=True)
class Scenario:
    title: str
    span: Span
    lines: list[Line] = field(default_factory=list)
    start: Ref | None = None
    stubs: list[Stub] = field(default_factory=list)


@dataclass(slots=True)
class CallsFile:
    path: str
    source: SourceFile
    flow: str
    flow_span: Span
    declared: bool = False
    from_: str | None = None
    to: str | None = None
    method: str | None = None
    media: list[tuple[str, float]] = field(default_factory=list)
    status_callback: str | None = None
    stubs: list[Stub] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)


# ---- tokens ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t]+)
  | (?P<comment>\#.*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<badstring>"[^\n]*)
  | (?P<arrow>->)
  | (?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^\s"]+)
  | (?P<path>/[^\s"]*)
  | (?P<duration>\d+h(?:\d+m)?(?:\d+s)?(?![\w.])|\d+m(?:\d+s)?(?![\w.])|\d+(?:\.\d+)?s(?![\w.]))
  | (?P<number>\d+(?:\.\d+)?(?![\w]))
  | (?P<word>[A-Za-z_][A-Za-z0-9_.:-]*)
  | (?P<colon>:)
  | (?P<other>\S+)
    """,
    re.VERBOSE,
)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    value: object
    span: Span


class _Error(Exception):
    def __init__(self, message: str, span: Span, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


def _seconds(text: str) -> float:
    total = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)([hms])", text):
        total += float(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def _unescape(raw: str, span: Span) -> str:
    body = raw[1:-1]
    if "\\" not in body:
        return body
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            col = span.col + 1 + i
            raise _Error(f"unknown escape `\\{nxt}` in a string", Span(span.file, span.line, col, span.line, col + 2))
    return "".join(out)


def tokenize(path: str, lineno: int, text: str, start: int) -> list[Token]:
    tokens = []
    pos = start
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None
        kind = m.lastgroup or "other"
        raw = m.group()
        span = Span(path, lineno, pos + 1, lineno, pos + 1 + len(raw))
        pos = m.end()
        if kind in ("space", "comment"):
            continue
        if kind == "badstring":
            raise _Error("unterminated string: a closing `\"` is missing on this line", span._replace(end_col=span.col + 1))
        value: object = raw
        if kind == "string":
            value = _unescape(raw, span)
        elif kind == "duration":
            value = _seconds(raw)
        elif kind == "number":
            value = float(raw)
        tokens.append(Token(kind, raw, value, span))
    return tokens


# ---- the parser -------------------------------------------------------------------------------


class _Line:
    def __init__(self, tokens: list[Token], span: Span):
        self.tokens = tokens
        self.pos = 0
        self.span = span

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def take(self, *kinds: str, what: str) -> Token:
        tok = self.peek()
        if tok is None or (kinds and tok.kind not in kinds):
            where = tok.span if tok is not None else self._end()
            got = f"`{tok.text}`" if tok is not None else "the end of the line"
            raise _Error(f"expected {what}, found {got}", where)
        self.pos += 1
        return tok

    def word(self, *words: str) -> Token | None:
        tok = self.peek()
        if tok is not None and tok.kind == "word" and (not words or tok.text in words):
            self.pos += 1
            return tok
        return None

    def done(self) -> None:
        tok = self.peek()
        if tok is not None:
            raise _Error(f"unexpected `{tok.text}` at the end of the line", tok.span)

    def _end(self) -> Span:
        last = self.tokens[-1].span if self.tokens else self.span
        return Span(last.file, last.line, last.end_col, last.line, last.end_col + 1)


ACTIONS = ("press", "say", "silence", "speak", "hang", "dial", "queue", "conference", "pay", "connect", "refer")
EXPECTATIONS = ("hear", "expect")
STATEMENTS = (*ACTIONS, *EXPECTATIONS, "start", "answer")


def _ref(tok: Token) -> Ref:
    return Ref(tok.text, tok.span)


def _target(line: _Line, what: str = "a step (`handle`, `ivr.sales`) or a path (`/handle`)") -> Ref:
    return _ref(line.take("word", "path", "url", what=what))


def _keys(tok: Token) -> str:
    keys = str(tok.value)
    bad = next((c for c in keys if c not in KEYS), None)
    if not keys or bad is not None:
        raise _Error(
            f"`{keys}` is not a key of a phone's keypad" if keys else "no key to press",
            tok.span,
            "keys are the digits 0-9, `*` and `#`",
        )
    return keys


def _action(first: Token, line: _Line) -> Action:
    word = first.text
    if word == "press":
        action: Action = Press(_keys(line.take("string", what='the keys in quotes, as in `press "1"`')))
    elif word == "say":
        text = str(line.take("string", what='the words in quotes, as in `say "billing"`').value)
        confidence = 0.9
        if line.word("confidence"):
            tok = line.take("number", what="a confidence between 0 and 1")
            confidence = float(tok.value)  # type: ignore[arg-type]
            if not 0 <= confidence <= 1:
                raise _Error("a confidence is between 0 and 1", tok.span)
        action = Speech(text, confidence)
    elif word == "silence":
        action = Silence(float(line.take("duration", what="a duration, as in `silence 6s`").value))  # type: ignore[arg-type]
    elif word == "speak":
        seconds = float(line.take("duration", what="a duration, as in `speak 12s`").value)  # type: ignore[arg-type]
        text = ""
        if line.peek() is not None and line.peek().kind == "string":  # type: ignore[union-attr]
            text = str(line.take("string", what="the words spoken").value)
        action = Speak(seconds, text)
    elif word == "hang":
        up = line.peek()
        if up is None or up.text != "up":
            raise _Error("expected `up`, as in `hang up`", up.span if up else line._end())
        line.pos += 1
        action = HangUp()
    else:
        allowed = OUTCOMES[word]
        seconds = None
        data = ""
        nxt = line.peek()
        if word == "connect" and nxt is not None and nxt.kind == "duration":
            status = "ended"
        else:
            tok = line.take("word", what=f"an outcome ({', '.join(allowed)})")
            status = tok.text
            if status not in allowed:
                raise _Error(
                    f"`{status}` is not an outcome of `{word}`",
                    tok.span,
                    f"write one of: {', '.join(allowed)}",
                )
        nxt = line.peek()
        if nxt is not None and nxt.kind == "duration":
            seconds = float(line.take("duration", what="a duration").value)  # type: ignore[arg-type]
        elif word == "connect" and status != "failed":
            raise _Error("expected how long the connection lasts, as in `connect 30s`", line._end())
        if word == "connect" and status == "ended" and line.word("handoff"):
            status = "handoff"
            data = str(line.take("string", what='the data the agent hands over, as in `handoff "{}"`').value)
        elif word == "connect" and status == "handoff":
            data = str(line.take("string", what='the data the agent hands over, as in `connect handoff 30s "{}"`').value)
        action = Outcome(word, status, seconds, data=data)
    line.done()
    return action


def _value(line: _Line) -> str:
    tok = line.take("string", "word", "number", "duration", "path", "url", what="a value")
    if tok.kind == "string":
        return str(tok.value)
    if tok.kind == "number":
        return tok.text
    return tok.text


def _expect(first: Token, line: _Line) -> Expect:
    if first.text == "hear":
        if line.word("matching"):
            tok = line.take("string", what='a regular expression in quotes, as in `hear matching "press [0-9]"`')
            try:
                re.compile(str(tok.value))
            except re.error as exc:
                raise _Error(f"not a regular expression: {exc}", tok.span) from None
            line.done()
            return Expect("hear-matching", first.span, text=str(tok.value))
        tok = line.take("string", what='the words heard in quotes, as in `hear "Goodbye"`')
        line.done()
        return Expect("hear", first.span, text=str(tok.value))
    what = line.take("word", what="`request`, `no request`, `step` or `call ended by`")
    if what.text == "request":
        method = line.word("GET", "POST")
        ref = _target(line)
        params = []
        if line.word("with"):
            while not line.at_end():
                name = line.take("word", what="a parameter name, as in `RecordingDuration`")
                params.append((name.text, _value(line)))
            if not params:
                raise _Error("expected parameters after `with`", line._end())
        line.done()
        return Expect("request", first.span, ref=ref, method=method.text if method else None, params=tuple(params))
    if what.text == "no":
        line.take("word", what="`request`")
        ref = _target(line)
        line.done()
        return Expect("no-request", first.span, ref=ref)
    if what.text == "step":
        ref = _target(line, "a step, as in `ivr.sales`")
        line.done()
        return Expect("step", first.span, ref=ref)
    if what.text == "call":
        for word in ("ended", "by"):
            nxt = line.peek()
            if nxt is None or nxt.text != word:
                raise _Error(f"expected `{word}`, as in `expect call ended by hangup`", nxt.span if nxt else line._end())
            line.pos += 1
        tok = line.take("word", what=f"how the call ends ({', '.join(REASONS)})")
        if tok.text not in REASONS:
            raise _Error(f"`{tok.text}` is not a way a call ends", tok.span, f"write one of: {', '.join(REASONS)}")
        line.done()
        return Expect("ended", first.span, text=REASONS[tok.text])
    raise _Error(
        f"unexpected `{what.text}` after `expect`",
        what.span,
        "write `expect request ...`, `expect no request ...`, `expect step ...` or `expect call ended by ...`",
    )


def _stub(first: Token, line: _Line) -> Stub:
    path = line.take("path", "url", what="a path or a URL, as in `answer /ivr/choice -> ivr.sales`")
    if line.peek() is not None and line.peek().kind == "arrow":  # type: ignore[union-attr]
        line.pos += 1
        ref = _target(line)
        line.done()
        return Stub(path.text, first.span, "redirect", ref=ref)
    kind = line.take("word", what="`-> STEP`, `hangup`, `status CODE` or `say \"...\"`")
    if kind.text == "hangup":
        line.done()
        return Stub(path.text, first.span, "hangup")
    if kind.text == "status":
        code = line.take("number", what="an HTTP status, as in `status 500`")
        line.done()
        return Stub(path.text, first.span, "status", value=code.text)
    if kind.text == "say":
        text = line.take("string", what="the words in quotes")
        line.done()
        return Stub(path.text, first.span, "say", value=str(text.value))
    raise _Error(f"unexpected `{kind.text}`", kind.span, "write `-> STEP`, `hangup`, `status CODE` or `say \"...\"`")


def _near(word: str, options) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.7)
    return found[0] if found else None


def parse(source: SourceFile) -> tuple[CallsFile, list[Diagnostic]]:
    """Read a ``.calls`` file. Every line with a mistake is reported; the
    other lines are kept."""
    path = source.path
    stem = source.stem if not path.endswith(SUFFIX) else path.rsplit("/", 1)[-1][: -len(SUFFIX)]
    out = CallsFile(path=path, source=source, flow=stem, flow_span=Span.point(path, 1, 1))
    diagnostics: list[Diagnostic] = []
    block: str | None = None  # "flow" or "call"
    block_indent: str | None = None
    scenario: Scenario | None = None
    seen_flow = False
    for number, raw in enumerate(source.text.splitlines(), start=1):
        stripped = raw.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = raw[: len(raw) - len(stripped)]
        line_span = Span(path, number, len(indent) + 1, number, len(raw) + 1)
        try:
            tokens = tokenize(path, number, raw, len(indent))
            if not tokens:
                continue
            line = _Line(tokens, line_span)
            first = line.take(what="a statement")
            if not indent:
                block_indent = None
                if first.text == "flow" and first.kind == "word":
                    if seen_flow or out.scenarios:
                        raise _Error("`flow` comes once, at the top of the file", first.span)
                    name = line.take("word", what="the name of the flow to call")
                    line.done()
                    out.flow, out.flow_span, out.declared = name.text, name.span, True
                    seen_flow = True
                    block, scenario = "flow", None
                    continue
                if first.text == "call" and first.kind == "word":
                    title = line.take("string", what='the call\'s title in quotes, as in `call "no input":`')
                    line.take("colon", what="`:` at the end of the line")
                    line.done()
                    scenario = Scenario(str(title.value), title.span)
                    out.scenarios.append(scenario)
                    block = "call"
                    continue
                near = _near(first.text, ("flow", "call"))
                raise _Error(
                    f"unexpected `{first.text}`: a line at the left margin starts with `flow` or `call`",
                    first.span,
                    f"did you mean `{near}`?" if near else "indent the lines of a call under its `call \"...\":` line",
                )
            if block is None:
                raise _Error("this line is indented, but no `flow` or `call` line is open", line_span)
            if block_indent is None:
                block_indent = indent
            elif indent != block_indent:
                raise _Error(
                    "this line is indented unlike the lines above it in the block",
                    Span(path, number, 1, number, len(indent) + 1),
                    "indent every line of a block the same way",
                )
            if block == "flow":
                _setting(out, first, line)
                continue
            assert scenario is not None
            _statement(scenario, first, line, diagnostics)
        except _Error as exc:
            diagnostics.append(report("FL951", exc.message, exc.span, hint=exc.hint))
    if not out.scenarios and not diagnostics:
        diagnostics.append(
            report("FL951", 'the file has no `call "...":` block: there is nothing to rehearse', out.flow_span)
        )
    return out, diagnostics


def _setting(out: CallsFile, first: Token, line: _Line) -> None:
    word = first.text
    if word in ("from", "to"):
        value = line.take("string", "word", what='a phone number in quotes, as in `from "+15551230000"`')
        line.done()
        setattr(out, "from_" if word == "from" else "to", str(value.value))
    elif word == "method":
        tok = line.word("GET", "POST")
        if tok is None:
            raise _Error("expected `GET` or `POST`", line.peek().span if line.peek() else line._end())  # type: ignore[union-attr]
        line.done()
        out.method = tok.text
    elif word == "status-callback":
        url = line.take("url", "path", "string", what="the URL of the number's call status callback")
        line.done()
        out.status_callback = str(url.value)
    elif word == "media":
        url = line.take("url", "path", "string", what="the URL of a media file")
        seconds = line.take("duration", what="how long it plays, as in `media https://x/a.mp3 30s`")
        line.done()
        out.media.append((str(url.value), float(seconds.value)))  # type: ignore[arg-type]
    elif word == "answer":
        out.stubs.append(_stub(first, line))
    else:
        near = _near(word, ("from", "to", "method", "media", "answer", "status-callback"))
        raise _Error(
            f"unknown setting `{word}`",
            first.span,
            f"did you mean `{near}`?" if near else "the settings are from, to, method, media, answer and status-callback",
        )


def _statement(scenario: Scenario, first: Token, line: _Line, diagnostics: list[Diagnostic]) -> None:
    word = first.text if first.kind == "word" else ""
    span = line.span
    if word == "start":
        if scenario.lines or scenario.start is not None:
            raise _Error("`start` comes first in a call", first.span)
        scenario.start = _target(line)
        line.done()
    elif word == "answer":
        scenario.stubs.append(_stub(first, line))
    elif word in ACTIONS:
        action = _action(first, line)
        scenario.lines.append(Line(span, action=_with_ref(action, span)))
    elif word in EXPECTATIONS:
        scenario.lines.append(Line(span, expect=_expect(first, line)))
    else:
        near = _near(first.text, STATEMENTS)
        raise _Error(
            f"unexpected `{first.text}`: expected what the caller does (press, say, silence, speak, hang up, "
            "dial, queue, conference, pay, connect, refer) or what must happen (hear, expect)",
            first.span,
            f"did you mean `{near}`?" if near else None,
        )


def _with_ref(action: Action, span: Span) -> Action:
    from dataclasses import replace

    return replace(action, ref=span)
