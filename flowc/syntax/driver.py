"""Parsing a text that parses, in one loop over Lark's parse table.

Lark's LALR parser calls, for each rule it reduces, a callback that its
``ParseTreeBuilder`` wraps in generic layers: one drops the punctuation
tokens, splices the children of ``_`` rules (the helper rules of ``*`` and
``+``) into their parent and inserts ``None`` for a missing ``[x]``; another
returns the only child of a ``?`` rule; a third builds a tree for a helper
rule; and :func:`~flowc.syntax.transform._with_span` then walks the children
for the span. :class:`Reductions` works all that out once per rule from its
shape and compiles a function that does only what that rule needs (see
:func:`_plan`), calling the transformer's method itself. Lark's own parse
runs these functions too, so both paths build the same IR the same way.

:class:`Parser` parses with Lark's parse table and the lexers of Lark's
contextual lexer, with :class:`~flowc.syntax.indentation.FlowIndenter`'s
work done inline, in one loop without Lark's per-token layers: it matches
the state's lexer's patterns itself, as ``BasicLexer.next_token`` does,
makes the tokens as Lark makes them, and runs the lexer's callbacks (Lark's
``UnlessCallback``, which gives a word the type of the keyword it spells,
each word's answer kept). A run of blanks is matched with the ignored
terminal's pattern alone where no terminal before it in the lexer's
alternation may begin with a blank (:func:`_may_start_with` reads that from
the patterns). It only goes the way Lark would: at anything Lark would stop
at (a token the table does not take, text no pattern matches, an
indentation or a keyword glued to a word the indenter refuses, an exception
in a callback) it gives up and the text is parsed again by Lark itself,
which raises the exception the syntax-error messages and the recovery read.
So a text that parses gives what Lark gives, and one that does not gives
Lark's error. The reductions' code is compiled when the parser is stored
(:func:`store`), so a new process does not compile it.

Lark internals this module relies on, all of Lark 1.3 (whose version is part
of the stored parser's digest, :mod:`.stored`): ``Lark.parser`` (the parsing
frontend) with ``.lexer`` (the postlexer's connector, holding the
``ContextualLexer`` as ``.lexer``, whose ``.lexers`` maps a parser state to
its ``BasicLexer``, and the postlexer as ``.postlexer``) and ``.parser.parser``
(the ``_Parser``, holding ``parse_table`` and the ``callbacks`` it calls by
rule); a ``BasicLexer``'s ``scanner`` (its ``_mres``, the compiled
alternations in order, and ``terminals``), ``callback``, ``ignore_types``,
``newline_types``, ``re`` and ``g_regex_flags``, and ``UnlessCallback``'s
``scanner.fullmatch``; ``Token``'s slots; the parse table's ``states``
(state -> terminal or rule name -> ``(Shift, state)`` or ``(Reduce,
rule)``), ``start_states`` and ``end_states``; a rule's ``origin``,
``expansion``, ``alias`` and ``options`` (``expand1``, ``keep_all_tokens``,
``empty_indices``, ``template_source``), and a terminal's ``filter_out``.
:func:`check` verifies the parser's are there; a lexer with a callback
other than ``UnlessCallback`` is left to Lark. ``tests/test_driver.py``
compares this module's parse with Lark's on many texts.
"""

from __future__ import annotations

import functools
import marshal
import types
from collections.abc import Callable
from typing import Any

from lark import Lark, Token
from lark.lexer import UnlessCallback
from lark.parsers.lalr_analysis import Shift

from ..source import Span
from .indentation import _glued_to, levels
from .tokens import new_span
from .transform import _end, _first, _start

# What stands in each place of a rule's children, after Lark's filtering.
_NONE = 0  # a missing `[x]`: None
_TOKEN = 1  # a terminal that is kept: its token
_VALUE = 2  # a rule: the value of its callback
_SPLICE = 3  # a `_` rule: its children, in its place


def _places(rule) -> list[tuple[int, int]]:
    """``(what, index in the expansion)`` for each child Lark passes the
    rule's callback (``maybe_placeholders=True``), as its
    ``maybe_create_child_filter`` works them out."""
    expansion = rule.expansion
    empty = rule.options.empty_indices
    if empty:
        ones = "".join(str(int(b)) for b in empty).split("0")
        nones = [len(run) for run in ones]
    else:
        nones = [0] * (len(expansion) + 1)
    keep_all = rule.options.keep_all_tokens
    places: list[tuple[int, int]] = []
    for i, symbol in enumerate(expansion):
        places += [(_NONE, -1)] * nones[i]
        if symbol.is_term:
            if keep_all or not symbol.filter_out:
                places.append((_TOKEN, i))
        else:
            places.append((_SPLICE if symbol.name.startswith("_") else _VALUE, i))
    places += [(_NONE, -1)] * nones[len(expansion)]
    return places


# A helper rule that adds one item to its own list: `__x: __x item`.
_REPEATED = ([(_SPLICE, 0), (_VALUE, 1)], [(_SPLICE, 0), (_TOKEN, 1)])


def _plan(rule, transformer) -> tuple[str, tuple]:
    """The source of a function making the rule's reduction, and what to make it with.

    The made function takes the children the parser popped (one per
    symbol of the expansion) and returns what Lark's wrapped callback
    would: for a `_` rule without a method (a helper of ``*`` or ``+``), the
    list of its children (its parent splices them in, as it would a
    tree's); for a ``?`` rule with one child, the child; for a rule with a
    method of the transformer, what the method returns given the span
    ``_with_span`` works out; for any other rule, the transformer's
    ``__default__``.
    """
    name = rule.alias or rule.options.template_source or rule.origin.name
    method = getattr(transformer, name, None)
    places = _places(rule)
    parts = []
    for what, i in places:
        parts.append("None" if what == _NONE else f"*s[{i}]" if what == _SPLICE else f"s[{i}]")
    children = ", ".join(parts)
    splices = any(what == _SPLICE for what, _ in places)
    lines = ["def make(method, name, t):", "    def reduce(s):"]
    body = []
    if rule.options.expand1 and not rule.alias:
        if splices:
            body += [f"c = [{children}]", "if len(c) == 1:", "    return c[0]"]
            children = "*c"
        elif len(places) == 1:
            body.append(f"return {parts[0]}")
    if not body or not body[-1].startswith("return"):
        if method is None:
            if name.startswith("_"):
                if places in _REPEATED:  # `__x: __x item`
                    body += ["c = s[0]", "c.append(s[1])", "return c"]
                elif len(places) == 1 and places[0][1] == 0 and len(rule.expansion) == 1 and not splices:
                    body.append("return s")  # the popped list is the parser's to give
                else:
                    body.append(f"return [{children}]")
            else:
                body.append(f"return t.__default__(name, [{children}], None)")
        else:
            if getattr(method, "raw", None) is None:
                raise TypeError(f"the transformer's {name} is not a rule callback")
            body.append(f"return method(t, {_span_code(places, method.spanless, children)}, {children})")
    lines += ["        " + line for line in body]
    lines += ["    return reduce"]
    return "\n".join(lines) + "\n", (getattr(method, "raw", None), name, transformer)


def _span_code(places: list[tuple[int, int]], spanless: bool, children: str) -> str:
    """An expression for the span ``_with_span`` gives a rule's method:
    taken from the tokens where the first and last children are always
    tokens, else worked out by the same walk."""
    if spanless:
        return "None"
    present = [(what, i) for what, i in places if what != _NONE]
    if not present:
        return "None"
    (first, a), (last, b) = present[0], present[-1]
    if first == _TOKEN and last == _TOKEN:
        return f"new_span(Span, (t.file, s[{a}].line, s[{a}].column, s[{b}].end_line, s[{b}].end_column))"
    if first == _TOKEN:
        return f"new_span(Span, (t.file, s[{a}].line, s[{a}].column, *_end(_first(reversed(({children},))))))"
    return f"_span(t.file, ({children},))"


def _span(file: str, children: tuple) -> Span | None:
    """The span ``_with_span`` works out, for a rule whose first child may be missing."""
    first = _first(children)
    if first is None:
        return None
    line, col = _start(first)
    end_line, end_col = _end(_first(reversed(children)))
    return Span(file, line, col, end_line, end_col)


_FIRST_CHILD = "def make(method, name, t):\n    def reduce(s):\n        return s[0]\n    return reduce\n"
_MAKERS: dict[str, Callable] = {}  # made from each source: many rules share one shape
_SCOPE: dict[str, Any] = {"Span": Span, "new_span": new_span, "_end": _end, "_first": _first, "_span": _span}


def _first_child(s: list) -> Any:
    return s[0]


def reduction(rule, transformer) -> Callable[[list], Any]:
    """The function the parser calls when it reduces ``rule``."""
    source, args = _plan(rule, transformer)
    if source == _FIRST_CHILD:
        return _first_child
    make = _MAKERS.get(source)
    if make is None:
        stored = _COMPILED.get(source)
        code = marshal.loads(stored) if stored is not None else _compile(source)
        scope: dict[str, Any] = dict(_SCOPE)
        exec(code, scope)  # noqa: S102 - made by _plan
        make = _MAKERS[source] = scope["make"]
    return make(*args)


def _compile(source: str) -> types.CodeType:
    return compile(source, "<reduction>", "exec")


# The code of each reduction's source, compiled when the parser was stored
# (see :func:`store`): compiling them again costs a new process more than
# parsing a small file.
_COMPILED: dict[str, bytes] = {}


def store(lark: Lark, transformer) -> None:
    """Compile the reductions of every rule of ``lark`` for ``transformer``'s
    class, and keep their code on ``lark``, to be stored with it
    (:mod:`.stored`) and read by :class:`Parser` after a load."""
    sources = {_plan(rule, transformer)[0] for rule in lark.rules} - {_FIRST_CHILD}
    lark.flowc_reductions = {source: marshal.dumps(_compile(source)) for source in sorted(sources)}  # type: ignore[attr-defined]


class Reductions(dict):
    """The callbacks by rule for a transformer, each made the first time
    its rule is reduced (most rules of the grammar are never reduced in a
    process)."""

    def __init__(self, transformer) -> None:
        super().__init__()
        self.transformer = transformer

    def __missing__(self, rule) -> Callable[[list], Any]:
        made = self[rule] = reduction(rule, self.transformer)
        return made

    def __bool__(self) -> bool:  # Lark calls no callback when they are empty
        return True


class _Stop(Exception):
    """Where Lark would stop: the text is parsed again by Lark."""


class _Keyword:
    """Lark's ``UnlessCallback``, which gives a word the type of the keyword
    it spells (``NAME`` ``say`` is ``SAY`` where ``SAY`` is expected), with
    each word's answer kept."""

    __slots__ = ("fullmatch", "known")

    LIMIT = 4096  # words kept; then it starts again (a long-running server reads many)

    def __init__(self, callback) -> None:
        self.fullmatch = callback.scanner.fullmatch
        self.known: dict[str, str | None] = {}

    def __call__(self, tok: Token) -> Token:
        known = self.known
        value = tok.value
        try:
            kind = known[value]
        except KeyError:
            if len(known) >= self.LIMIT:
                known.clear()
            kind = known[value] = self.fullmatch(value)
        if kind is not None:
            tok.type = kind
        return tok


_new_token = str.__new__


def check(lark: Lark) -> None:
    """Fail now if the Lark internals this module reads are not there."""
    frontend = lark.parser
    frontend.lexer.lexer.lexers  # noqa: B018
    frontend.lexer.postlexer.keywords  # noqa: B018
    table = frontend.parser.parser.parse_table
    table.states, table.start_states["start"], table.end_states["start"]  # noqa: B018


class _Rows(dict):
    """The actions of each parser state, made from Lark's table the first
    time the state is met: a state to shift to, or ``(size, rule name,
    reduction)``."""

    def __init__(self, table: dict, reductions: dict) -> None:
        super().__init__()
        self.table, self.reductions = table, reductions

    def __missing__(self, state: int) -> dict[str, Any]:
        row = self[state] = {
            symbol: arg if action is Shift else self._reduce(arg)
            for symbol, (action, arg) in self.table[state].items()
        }
        return row

    def _reduce(self, rule) -> tuple:
        size, reduce = len(rule.expansion), self.reductions[rule]
        # A rule of one symbol whose value is its child's (`?verb: say`): nothing to call.
        return size, rule.origin.name, None if size == 1 and reduce is _first_child else reduce


@functools.cache
def _may_start_with(regexp: str, chars: str) -> bool:
    """Whether a match of ``regexp`` may begin with one of ``chars``; true
    whenever the pattern's first elements do not make it plain that not."""
    from re import _constants as sre
    from re import _parser

    def sequence(items) -> tuple[bool, bool]:
        """(may begin with one of them, may match nothing)"""
        for op, arg in items:
            may, empty = element(op, arg)
            if may:
                return True, True
            if not empty:
                return False, False
        return False, True

    def element(op, arg) -> tuple[bool, bool]:
        if op is sre.LITERAL:
            return chr(arg) in chars, False
        if op is sre.IN:
            return any(member(kind, value) for kind, value in arg), False
        if op is sre.SUBPATTERN:
            _, add_flags, del_flags, inner = arg
            return (True, True) if add_flags or del_flags else sequence(inner)
        if op is sre.BRANCH:
            found = [sequence(alternative) for alternative in arg[1]]
            return any(may for may, _ in found), any(empty for _, empty in found)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            may, empty = sequence(arg[2])
            return may, empty or arg[0] == 0
        return True, True

    def member(kind, value) -> bool:
        if kind is sre.LITERAL:
            return chr(value) in chars
        if kind is sre.RANGE:
            return any(value[0] <= ord(c) <= value[1] for c in chars)
        if kind is sre.CATEGORY and value in (sre.CATEGORY_DIGIT, sre.CATEGORY_WORD):
            return any(c.isalnum() or c == "_" for c in chars)
        return True

    try:
        may, empty = sequence(_parser.parse(regexp))
    except Exception:  # noqa: BLE001 - not a pattern this reads: it may
        return True
    return may or empty  # a match of nothing: what follows may begin with them


_BLANKS = " \t"


class _Scans(dict):
    """What the contextual lexer reads in each parser state, made from the
    state's ``BasicLexer`` the first time the state is met: its first
    pattern's ``match`` and the others' (Lark splits an alternation of more
    than a hundred terminals), the terminals it ignores and those that may
    hold a newline, its callbacks by terminal, and the characters at which
    only the ignored terminal matches, with its own pattern's ``match``
    (see :meth:`_blanks`)."""

    def __init__(self, lexers: dict) -> None:
        super().__init__()
        self.lexers = lexers
        self.by_lexer: dict[int, tuple] = {}

    def __missing__(self, state: int) -> tuple:
        lexer = self.lexers[state]
        scan = self.by_lexer.get(id(lexer))
        if scan is None:
            patterns = lexer.scanner._mres  # builds the scanner, and the lexer's callbacks
            callbacks = {}
            for kind, callback in lexer.callback.items():
                if type(callback) is not UnlessCallback or kind in lexer.ignore_types:
                    raise _Stop  # a callback this loop does not run: Lark lexes
                callbacks[kind] = _Keyword(callback)
            matches = [p.match for p in patterns]
            scan = (
                matches[0],
                tuple(matches[1:]),
                lexer.ignore_types,
                lexer.newline_types,
                callbacks,
                *self._blanks(lexer),
            )
            self.by_lexer[id(lexer)] = scan
        self[state] = scan
        return scan

    def _blanks(self, lexer) -> tuple[str, Any]:
        """The characters at which only the ignored terminal can match, and
        its own pattern's ``match``: no terminal before it in the
        alternation may start with a space or a tab. ``("", None)`` when
        that is not so."""
        terminals = lexer.scanner.terminals
        for terminal in terminals:
            regexp = terminal.pattern.to_regexp()
            if terminal.name in lexer.ignore_types:
                if _may_start_with(regexp, _BLANKS) and terminal.name not in lexer.newline_types:
                    return _BLANKS, lexer.re.compile(regexp, lexer.g_regex_flags).match
                return "", None
            if _may_start_with(regexp, _BLANKS):
                return "", None
        return "", None


class Parser:
    """Parses texts with a Lark parser's table, lexers and indenter, and
    its transformer's rules (see the module's doc). Builds what
    ``lark.parse(text)`` builds; a text that does not parse is parsed by
    ``lark`` itself, which raises."""

    def __init__(self, lark: Lark, transformer, reductions: dict | None = None) -> None:
        """``reductions`` by rule, when given, stand in for the
        transformer's (and ``lark`` is left as it is): a measure of the
        loop alone uses ones that build nothing."""
        check(lark)
        _COMPILED.update(getattr(lark, "flowc_reductions", {}))
        self.lark = lark
        self.transformer = transformer
        frontend = lark.parser
        self._keywords = frontend.lexer.postlexer.keywords
        lalr = frontend.parser.parser
        table = lalr.parse_table
        self._start = table.start_states["start"]
        self._end = table.end_states["start"]
        if reductions is None:
            reductions = Reductions(transformer)
            lalr.callbacks = reductions  # Lark's own parse reduces the same way
        self._rows = _Rows(table.states, reductions)
        self._scans = _Scans(frontend.lexer.lexer.lexers)

    def parse(self, text: str) -> Any:
        try:
            return self._parse(text)
        except Exception:  # noqa: BLE001 - Lark stops here too: it says why
            self.transformer.begin(self.transformer.source)  # the diagnostics of the attempt go
            return self.lark.parse(text)

    def _parse(self, text: str) -> Any:
        """Lark's ``BasicLexer.next_token`` (for the parser state's lexer),
        ``FlowIndenter.process`` and ``ParserState.feed_token``, in one loop."""
        rows, scans, keywords = self._rows, self._scans, self._keywords
        stack = [self._start]
        values: list = []
        indents = [""]

        def feed(tok: Token) -> None:  # an _INDENT or _DEDENT, as below
            kind = tok.type
            while True:
                action = rows[stack[-1]].get(kind)
                if action is None:
                    raise _Stop
                if type(action) is int:
                    stack.append(action)
                    values.append(tok)
                    return
                size, origin, reduce = action
                if reduce is None:
                    stack[-1] = rows[stack[-2]][origin]
                    continue
                children = values[-size:] if size else []
                if size:
                    del stack[-size:]
                    del values[-size:]
                values.append(reduce(children))
                stack.append(rows[stack[-1]][origin])

        previous = None
        size_of_text = len(text)
        pos, line, line_start = 0, 1, 0
        while pos < size_of_text:
            match, more, ignore, newlines, callbacks, blanks, skip = scans[stack[-1]]
            if text[pos] in blanks:
                found = skip(text, pos)
                if found is not None:  # the ignored terminal, which holds no newline
                    pos = found.end()
                    continue
            found = match(text, pos)
            if found is None:
                for match in more:
                    found = match(text, pos)
                    if found is not None:
                        break
                else:
                    raise _Stop  # no terminal of this state matches
            value = found.group()
            kind = found.lastgroup
            start, start_line, column = pos, line, pos - line_start + 1
            pos = found.end()
            if kind in newlines:
                newline_count = value.count("\n")
                if newline_count:
                    line += newline_count
                    line_start = start + value.rindex("\n") + 1
            if kind in ignore:
                continue
            tok = _new_token(Token, value)
            tok.type = kind
            tok.value = value
            tok.start_pos = start
            tok.line = start_line
            tok.column = column
            tok.end_line = line
            tok.end_column = pos - line_start + 1
            tok.end_pos = pos
            if callbacks:
                callback = callbacks.get(kind)
                if callback is not None:
                    tok = callback(tok)
                    kind = tok.type
            if previous is None:
                if kind != "_NL" and column != 1:
                    raise _Stop  # the first line is indented
            elif previous.type in keywords and _glued_to(keywords, previous, tok):
                raise _Stop
            previous = tok
            while True:
                action = rows[stack[-1]].get(kind)
                if action is None:
                    raise _Stop
                if type(action) is int:
                    stack.append(action)
                    values.append(tok)
                    break
                size, origin, reduce = action
                if reduce is None:
                    stack[-1] = rows[stack[-2]][origin]
                    continue
                if size:
                    children = values[-size:]
                    del stack[-size:]
                    del values[-size:]
                else:
                    children = []
                values.append(reduce(children))
                stack.append(rows[stack[-1]][origin])
            if kind == "_NL":
                rest = value[value.rfind("\n") + 1 :]  # indent_after(tok)
                indent = rest[: len(rest) - len(rest.lstrip(" \t"))]
                if indent != indents[-1]:
                    for level in levels(indents, indent, tok):
                        feed(level)
        for _ in indents[1:]:
            feed(Token("_DEDENT", ""))
        end = self._end
        while True:
            action = rows[stack[-1]].get("$END")
            if action is None or type(action) is int:
                raise _Stop
            size, origin, reduce = action
            if reduce is None:
                stack[-1] = rows[stack[-2]][origin]
            else:
                children = values[-size:] if size else []
                if size:
                    del stack[-size:]
                    del values[-size:]
                values.append(reduce(children))
                stack.append(rows[stack[-1]][origin])
            if stack[-1] == end:
                return values[-1]
