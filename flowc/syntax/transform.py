"""The IR from the parser's reductions.

:class:`ToIR` is the Transformer whose methods the LALR parser calls as it
reduces rules, so no parse tree is built: each rule callback receives the
span of its children and the children, and returns IR nodes. Lark can call
them through its own wrappers (``_with_span`` works out the span); the parse
loop of :mod:`.driver` calls each method's undecorated function (``raw``)
with the same span, worked out once per rule from its shape. Options are
read in two steps: the grammar's option rules (generated from
:mod:`flowc.vocabulary`) return them as written, and the verb's callback
reads each by the shape the vocabulary gives it. Each parse has its own
instance (see :func:`flowc.syntax.grammar.parser_session`); :meth:`ToIR.begin`
starts it on a file.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from lark import Token, Transformer

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import Diagnostic, Note, replace_span
from ..source import SourceFile, Span
from ..vocabulary import Shape
from . import tokens

MAX_DIGITS = 12  # longer numbers are refused before int() sees them

# Each verb's options by name.
_OPTIONS = {v.name: {o.name: o for o in v.options} for v in vocabulary.VERBS}

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)", re.DOTALL)
_DURATION_PART = re.compile(r"([0-9]+)([hms])")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def _replaced(node, **changes):
    """``dataclasses.replace``, with each class's fields looked up once
    (a block statement or an arrow is rebuilt this way on every line)."""
    kind = type(node)
    names = _INIT_FIELDS.get(kind)
    if names is None:
        names = _INIT_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(node) if f.init)
    return kind(**{name: changes[name] if name in changes else getattr(node, name) for name in names})


def _shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _twice(first: str, second: str) -> str:
    if first == second:
        return f"the option `{second}` is written twice"
    return f"`{second}` contradicts `{first}`, written before it"


def _option_word(written: str) -> str:
    words = written.split()
    return " ".join(words[:2]) if words and words[0] == "no" else (words[0] if words else "")


class _Option:
    """An option as written, before its verb reads it: its name, the form of
    its grammar production it took, the children, and where it is."""

    __slots__ = ("form", "name", "parts", "span")

    def __init__(self, name: str, form: str, parts: tuple, span: Span):
        self.name, self.form, self.parts, self.span = name, form, parts, span


class _Setting:
    __slots__ = ("key", "span", "value")

    def __init__(self, key: str, value, span: Span):
        self.key, self.value, self.span = key, value, span


# A child is "empty" when it is None or a tuple with nothing present in it; of
# the values a rule's children can be (tokens, IR nodes, options, settings,
# tuples of them), only a tuple of length 0 equals ``()``.


def _present(items) -> list:
    return [c for c in items if c is not None and (type(c) is not tuple or c)]


def _first(items):
    """The first child that carries a position (not a placeholder, not empty)."""
    for c in items:
        if c is None or (type(c) is tuple and not _present(c)):
            continue
        return c
    return None


def _start(x) -> tuple[int, int]:
    if type(x) is Token:
        return tokens.start(x)
    if isinstance(x, tuple):
        return _start(_present(x)[0])
    return x.span.line, x.span.col


def _end(x) -> tuple[int, int]:
    if type(x) is Token:
        return tokens.end(x)
    if isinstance(x, tuple):
        return _end(_present(x)[-1])
    if isinstance(x, ir.Verb) and x.body:
        return _end(x.body[-1])
    return x.span.end_line, x.span.end_col


def _with_span(callback):
    """Call a rule's callback as ``callback(self, span, *children)``, the span
    running from its first child to its last."""

    def call(self, children):
        first = _first(children)
        if first is None:
            return callback(self, None, *children)
        line, col = _start(first)
        end_line, end_col = _end(_first(reversed(children)))
        return callback(self, Span(self.file, line, col, end_line, end_col), *children)

    call.__name__ = callback.__name__
    marked: Any = call
    marked.raw, marked.spanless = callback, False  # read by flowc.syntax.driver
    return marked


def _spanless(callback):
    """Mark a rule callback that does not read its span: it is called with
    ``None`` for it, and the span is not worked out (a rule reduced for every
    target or duration of a file)."""
    callback.spanless = True
    return callback


def _without_span(callback):
    def call(self, children):
        return callback(self, None, *children)

    call.__name__ = callback.__name__
    marked: Any = call
    marked.raw, marked.spanless = callback, True  # read by flowc.syntax.driver
    return marked


def _rule_callbacks(cls):
    """Wrap every public method but :meth:`ToIR.begin` as a rule callback."""
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and name != "begin" and callable(value):
            setattr(cls, name, _without_span(value) if getattr(value, "spanless", False) else _with_span(value))
    return cls


@_rule_callbacks
class ToIR(Transformer):
    """Builds IR nodes while the LALR parser reduces rules (no parse tree is
    built). Each rule callback receives the span of its children and the
    children themselves."""

    def begin(self, source: SourceFile) -> None:
        self.source = source
        self.file = source.path
        self.diagnostics: list[Diagnostic] = []

    # -- positions and scalar values --

    def _span(self, span: Span) -> Span:
        return span

    def _tspan(self, tok: Token) -> Span:
        line, column, end_line, end_column = tok.line, tok.column, tok.end_line, tok.end_column
        if line is None or column is None or end_line is None or end_column is None:
            raise tokens.NoPosition(tok.type)
        return tokens.new_span(Span, (self.file, line, column, end_line, end_column))

    def _string(self, tok: Token) -> ir.Text:
        span = self._tspan(tok)
        raw = tok.value[1:-1]
        if "\\" not in raw:
            return ir.Text(value=raw, span=span)

        def unescape(m: re.Match) -> str:
            esc = m.group(1)
            if esc in _ESCAPES:
                return _ESCAPES[esc]
            if len(esc) == 5:
                return chr(int(esc[1:], 16))
            col = span.col + 1 + m.start()
            self.diagnostics.append(
                report(
                    "FL005",
                    f"unknown escape `\\{esc}` in a string",
                    Span(
                        file=self.file,
                        line=span.line,
                        col=col,
                        end_line=span.line,
                        end_col=col + 1 + len(esc),
                    ),
                    hint='the escapes are \\" \\\\ \\n \\t \\r and \\uXXXX; write \\\\ for a backslash',
                )
            )
            return esc

        return ir.Text(value=_ESCAPE_RE.sub(unescape, raw), span=span)

    def _text(self, tok: Token) -> ir.Text:
        return self._string(tok) if tok.type == "STRING" else ir.Text(value=tok.value, span=self._tspan(tok))

    def _int(self, tok: Token) -> int:
        if len(tok.value) > MAX_DIGITS:
            self.diagnostics.append(
                report("FL306", f"the number `{_shorten(tok.value)}` is too large", self._tspan(tok))
            )
            return 10**MAX_DIGITS
        return int(tok.value)

    def _number(self, tok: Token) -> ir.Number:
        return ir.Number(value=self._int(tok), span=self._tspan(tok))

    @_spanless
    def duration(self, meta, tok: Token) -> ir.Duration:
        span = self._tspan(tok)
        if tok.type == "INT":
            self.diagnostics.append(
                report(
                    "FL006",
                    f"the duration `{tok.value}` has no unit",
                    span,
                    hint=f"write `{tok.value}s` for seconds (or `m` for minutes, `h` for hours)",
                    fixes=(replace_span(span, f"{tok.value}s"),),
                )
            )
            return ir.Duration(seconds=self._int(tok), span=span)
        seconds, last = 0, None
        for number, unit in _DURATION_PART.findall(tok.value):
            if last is not None and _UNIT_SECONDS[unit] >= _UNIT_SECONDS[last]:
                self.diagnostics.append(
                    report(
                        "FL006",
                        f"the duration `{tok.value}` repeats a unit or has them out of order",
                        span,
                        hint="write units from hours down to seconds, each once: `1h30m`, `2m15s`",
                    )
                )
                break
            last = unit
            if len(number) > MAX_DIGITS:
                seconds = self._int(
                    Token(
                        "INT",
                        number,
                        line=tok.line,
                        column=tok.column,
                        end_line=tok.end_line,
                        end_column=tok.end_column,
                    )
                )
                break
            seconds += int(number) * _UNIT_SECONDS[unit]
        return ir.Duration(seconds=seconds, span=span)

    # -- targets --

    @_spanless
    def step_target(self, meta, tok: Token) -> ir.StepTarget:
        return ir.StepTarget(text=tok.value, span=self._tspan(tok), step=tok.value)

    @_spanless
    def flow_step_target(self, meta, tok: Token) -> ir.StepTarget:
        flow, step = tok.value.split(".")
        return ir.StepTarget(text=tok.value, span=self._tspan(tok), flow=flow, step=step)

    @_spanless
    def path_url(self, meta, tok: Token) -> ir.UrlTarget:
        return ir.UrlTarget(kind=ir.TargetKind.PATH, text=tok.value, span=self._tspan(tok))

    @_spanless
    def absolute_url(self, meta, tok: Token) -> ir.UrlTarget:
        return ir.UrlTarget(kind=ir.TargetKind.ABSOLUTE, text=tok.value, span=self._tspan(tok))

    @_spanless
    def quoted_url(self, meta, tok: Token) -> ir.UrlTarget:
        text = self._string(tok).value
        if _SCHEME.match(text):
            kind = ir.TargetKind.ABSOLUTE
        elif text.startswith("/"):
            kind = ir.TargetKind.PATH
        else:
            kind = ir.TargetKind.RELATIVE
        return ir.UrlTarget(kind=kind, text=text, span=self._tspan(tok))

    def arrow(self, meta, arrow: Token, method: Token | None, target: ir.Target) -> ir.Target:
        method_text = ir.Text(value=method.value, span=self._tspan(method)) if method is not None else None
        return _replaced(target, method=method_text, span=self._span(meta))

    # -- options: read as written, then resolved by the verb through the vocabulary --

    def option_value(self, meta, keyword, value):
        return _Option(keyword.value, "value", (value,), self._span(meta))

    def option_word(self, meta, keyword, word):
        return _Option(keyword.value, "word", (word,), self._span(meta))

    def option_words(self, meta, keyword, *words):
        return _Option(keyword.value, "words", words, self._span(meta))

    def option_on(self, meta, keyword):
        return _Option(keyword.value, "on", (), self._span(meta))

    def option_off(self, meta, negation, keyword):
        return _Option(keyword.value, "off", (), self._span(meta))

    def option_url(self, meta, keyword, url):
        return _Option(keyword.value, "url", (self._tspan(keyword), url), self._span(meta))

    def option_callback(self, meta, keyword, *rest):
        # `[METHOD] url [events]`; a callback without a method or events has fewer parts.
        at = next(i for i, part in enumerate(rest) if isinstance(part, ir.Target))
        method = rest[at - 1] if at else None
        url = rest[at]
        events = rest[at + 1] if len(rest) > at + 1 else None
        if method is not None:
            url = _replaced(url, method=ir.Text(value=method.value, span=self._tspan(method)))
        return _Option(keyword.value, "callback", (url, events or ()), self._span(meta))

    @_spanless
    def events(self, meta, keyword, *words):
        return tuple(self._text(w) for w in words)

    def _read(self, spec: vocabulary.Option, option: _Option) -> dict:
        """The IR fields an option fills, read by its shape."""
        shape, form, parts, span = spec.shape, option.form, option.parts, option.span
        if form == "word":  # `timeout off`, `speech-timeout auto`
            word = parts[0]
            if shape is Shape.DURATION_OR_OFF:
                return {spec.field: ir.Duration(seconds=0, span=span)}
            return {spec.field: self._text(word)}
        if form in ("on", "off"):
            return {spec.field: ir.Switch(on=form == "on", span=span)}
        if form == "url":
            keyword_span, url = parts
            return {spec.field: ir.Switch(on=True, span=keyword_span), f"{spec.field}_callback": url}
        if form == "callback":
            url, events = parts
            return {spec.field: url, f"{spec.field}_events": events} if spec.events else {spec.field: url}
        if form == "words":
            return {spec.field: tuple(self._text(w) for w in parts)}
        value = parts[0]
        if shape is Shape.STRING:
            return {spec.field: self._string(value)}
        if shape in (Shape.TEXT, Shape.WORD, Shape.SWITCH, Shape.MEASURE):  # a switch's word: `beep onEnter`
            return {spec.field: self._text(value)}
        if shape is Shape.NUMBER:
            return {spec.field: self._number(value)}
        return {spec.field: value}  # a duration, read by its own rule

    def _written(self, span: Span) -> str:
        line = self.source.line_text(span.line)
        end = span.end_col if span.end_line == span.line else len(line) + 1
        return line[span.col - 1 : end - 1]

    def _collect(self, verb: str, items) -> tuple[dict, ir.Target | None]:
        """The options of a verb line as IR fields, and its action. An option
        written twice (or contradicted: `beep` … `no beep`) is reported, and
        the first one kept."""
        options = _OPTIONS[verb]
        fields: dict = {}
        seen: dict[str, _Option] = {}
        action = None
        for item in items:
            if item is None:
                continue
            if isinstance(item, ir.Target):
                action = item
                continue
            spec = options[item.name]  # the grammar only takes the table's options
            values = self._read(spec, item)
            first = seen.get(item.name)
            if first is not None:
                self.diagnostics.append(
                    report(
                        "FL007",
                        _twice(
                            _option_word(self._written(first.span)), _option_word(self._written(item.span))
                        ),
                        item.span,
                        notes=(Note(message="first written here", span=first.span),),
                        hint="keep one of them",
                    )
                )
                continue
            seen[item.name] = item
            fields.update(values)
        return fields, action

    # -- verbs --

    def say(self, meta, kw, text, *items):
        opts, _ = self._collect("say", items)
        said = self._string(text) if text is not None else None
        return ir.Say(span=self._span(meta), keyword=self._tspan(kw), text=said, **opts)

    def text_line(self, meta, tok):
        return ir.TextLine(span=self._span(meta), keyword=self._tspan(tok), text=self._string(tok))

    def play_url(self, meta, kw, url, *items):
        opts, _ = self._collect("play", items)
        return ir.Play(span=self._span(meta), keyword=self._tspan(kw), url=url, **opts)

    def play_digits(self, meta, kw, digits_kw, digits, *items):
        opts, _ = self._collect("play", items)
        return ir.Play(span=self._span(meta), keyword=self._tspan(kw), digits=self._string(digits), **opts)

    def pause(self, meta, kw, length):
        return ir.Pause(span=self._span(meta), keyword=self._tspan(kw), length=length)

    def record(self, meta, kw, label, *items):
        opts, action = self._collect("record", items)
        return ir.Record(
            span=self._span(meta),
            keyword=self._tspan(kw),
            label=ir.Text(value=label.value, span=self._tspan(label)) if label is not None else None,
            action=action,
            **opts,
        )

    def gather(self, meta, kw, *items):
        opts, action = self._collect("gather", items)
        return ir.Gather(span=self._span(meta), keyword=self._tspan(kw), action=action, **opts)

    def redirect(self, meta, kw, target):
        return ir.Redirect(span=self._span(meta), keyword=self._tspan(kw), target=target)

    def hangup(self, meta, kw):
        return ir.Hangup(span=self._span(meta), keyword=self._tspan(kw))

    def reject(self, meta, kw, reason):
        return ir.Reject(
            span=self._span(meta), keyword=self._tspan(kw), reason=self._text(reason) if reason else None
        )

    def dial(self, meta, kw, number, *items):
        opts, action = self._collect("dial", items)
        return ir.Dial(
            span=self._span(meta),
            keyword=self._tspan(kw),
            number=self._string(number) if number is not None else None,
            action=action,
            **opts,
        )

    def _value(self, shape: Shape | None, item) -> ir.Value:
        """A generated element's value, read by its shape."""
        if shape is Shape.NUMBER:
            return self._number(item)
        if shape in (Shape.TEXT, Shape.WORD, Shape.MEASURE):
            return self._text(item)
        if shape is Shape.URL:
            return item  # a Target, read by its own rule
        return self._string(item)

    def _element(self, meta, kw, *children):
        """Every element whose rule the vocabulary generates: its values in
        the table's order, then its options and its `->`."""
        entry = vocabulary.verb(kw.value)
        count = len(entry.values)
        fields: dict = {}
        for spec, item in zip(entry.values, children[:count], strict=True):
            if item is not None:
                fields[spec.field] = self._value(spec.shape, item)
        opts, action = self._collect(entry.name, children[count:])
        fields.update(opts)
        order = _FIELD_ORDER[entry.name]  # the table's order, whatever order they were written in
        return ir.Element(
            span=self._span(meta),
            keyword=self._tspan(kw),
            kind=entry.name,
            values=tuple(sorted(fields.items(), key=lambda item: order[item[0]])),
            action=action,
        )

    def when(self, meta, kw, input_kw, key, arrow, target):
        return ir.When(
            span=self._span(meta),
            keyword=self._tspan(kw),
            input=input_kw.value,
            value=self._string(key),
            target=target,
        )

    def otherwise(self, meta, kw, arrow, target):
        return ir.Otherwise(span=self._span(meta), keyword=self._tspan(kw), target=target)

    # -- structure --

    @_spanless
    def block_statement(self, meta, verb, *body):  # also a noun's block
        return _replaced(verb, body=tuple(body))

    def step(self, meta, kw, name, *verbs):
        return ir.Step(
            name=name.value, name_span=self._tspan(name), span=self._span(meta), verbs=tuple(verbs)
        )

    @_spanless
    def steps(self, meta, *steps):
        return tuple(steps)

    def bare_statements(self, meta, *verbs):
        span = self._span(meta)
        return (ir.Step(name="main", name_span=verbs[0].keyword, span=span, verbs=tuple(verbs)),)

    def max_call_duration(self, meta, kw, duration):
        return _Setting("max_call_duration", duration, self._span(meta))

    def context(self, meta, kw, word):
        return _Setting("context", self._text(word), self._span(meta))

    def base_url(self, meta, kw: Token, url: ir.UrlTarget | Token) -> _Setting:
        if isinstance(url, Token):  # LOOSE_URL: no scheme, reported by the checks
            url = ir.UrlTarget(kind=ir.TargetKind.RELATIVE, text=url.value, span=self._tspan(url))
        return _Setting("base_url", url, self._span(meta))

    @_spanless
    def settings(self, meta, *items):
        return items

    @_spanless
    def flow_header(self, meta, kw, name, settings):
        return name, settings or ()

    @_spanless
    def start(self, meta, header, steps):
        contexts: dict = {}  # kind -> the setting's _Setting
        single: dict = {}  # key -> the setting's _Setting
        if header is not None:
            for item in header[1]:
                if item.key == "context":
                    clash = contexts.get(item.value.value)
                else:
                    clash = single.get(item.key)
                if clash is not None:
                    self.diagnostics.append(
                        report(
                            "FL106",
                            f"the setting `{item.key.replace('_', '-')}` is written twice",
                            item.span,
                            notes=(Note(message="first written here", span=clash.span),),
                        )
                    )
                elif item.key == "context":
                    contexts[item.value.value] = item
                else:
                    single[item.key] = item
        settings = ir.Settings(
            contexts=tuple(o.value for o in contexts.values()), **{k: o.value for k, o in single.items()}
        )
        if header is not None:
            name_tok = header[0]
            name, name_span, declared = name_tok.value, self._tspan(name_tok), True
        else:
            name, name_span, declared = self.source.stem, Span.point(self.file, 1, 1), False
        return ir.Flow(
            name=name, name_span=name_span, declared=declared, path=self.file, settings=settings, steps=steps
        )


_FIELD_ORDER = {
    v.name: {
        field: i
        for i, field in enumerate([*(value.field for value in v.values), *(f for o in v.options for f in o.fields)])
    }
    for v in vocabulary.GENERATED
}

for _generated in vocabulary.GENERATED:
    setattr(ToIR, vocabulary.rule_name(_generated), _with_span(ToIR._element))
