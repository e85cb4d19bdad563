"""The grammar: ``grammar/flow.lark`` with the option rules of the
vocabulary table appended, and the Lark parsers built from it.

A parser is built once per process for what the grammar says (terminals,
rules, the LALR table), and once more for each parse that runs at the same
time as another (:func:`parser_session`): the IR is built by a Transformer
whose methods the parser calls as it reduces rules (:mod:`.driver`), and
each parse owns one, so parses share no state and need no lock. A built
parser is stored on disk (:mod:`.stored`), with the compiled code of its
reductions, so a new process loads one in milliseconds instead of
generating the grammar text and building it.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from lark import Lark

from .. import vocabulary
from . import driver, stored
from .driver import Parser
from .indentation import FlowIndenter
from .transform import ToIR

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_GRAMMAR_CANDIDATES = (
    os.path.join(_HERE, "grammar", "flow.lark"),  # installed wheel
    os.path.join(os.path.dirname(_HERE), "grammar", "flow.lark"),  # source tree
)
_TERMINAL_DEFINITION = re.compile(r"^([A-Z_][A-Z0-9_]*)(?:\.-?\d+)?\s*:", re.MULTILINE)
_KEYWORD_DEFINITION = re.compile(
    r'^([A-Z_][A-Z0-9_]*)\s*:\s*(?:"[A-Za-z]|/[A-Za-z]' + re.escape(vocabulary.WHOLE_WORD) + "/)", re.MULTILINE
)


def grammar_path() -> str:
    for path in _GRAMMAR_CANDIDATES:
        if os.path.exists(path):
            return path
    raise FileNotFoundError("flow.lark not found next to the flowc package")


@functools.cache
def grammar_text() -> str:
    """The whole grammar: the file, then the rules the vocabulary generates."""
    with open(grammar_path(), encoding="utf-8") as f:
        text = f.read()
    defined = frozenset(_TERMINAL_DEFINITION.findall(text))
    return text + "\n" + vocabulary.grammar_rules(defined)


def _build(transformer=None) -> Lark:
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        postlex=FlowIndenter(keyword_terminals()),
        transformer=transformer,
        cache=True,
    )


_STORED: dict[str, bytes] = {}  # the stored parsers this process has read or built, by kind


def _parser(kind: str, transformer: ToIR | None) -> Lark:
    """A parser, unpickled from its stored bytes when they exist, else built
    (and stored). ``kind`` tells apart parsers built with different options."""
    data = _STORED.get(kind)
    if data is not None:
        return stored.loads(data, transformer)
    key = stored.digest(kind, grammar_path())
    file = stored.path(key) if key is not None else None
    if file is not None:
        data = stored.read(file)
        if data is not None:
            try:
                parser = stored.loads(data, transformer)
            except Exception:  # a damaged file, or one from another flowc: build afresh below
                pass
            else:
                _STORED[kind] = data
                return parser
    parser = _build(transformer)
    if transformer is not None:
        driver.store(parser, transformer)
    try:
        data = stored.dumps(parser, transformer)
    except (pickle.PicklingError, TypeError, AttributeError, KeyError):  # an object that does not pickle
        return parser
    _STORED[kind] = data
    if file is not None:
        stored.write(file, data)
    return parser


@functools.cache
def reference() -> Lark:
    """A parser that builds no IR, for what the grammar says: its terminals,
    rules and parse table (used by the syntax-error messages)."""
    return _parser("reference", None)


_IDLE: deque[tuple[Parser, ToIR]] = deque()  # append and pop are atomic: no lock needed


@contextmanager
def parser_session() -> Iterator[tuple[Parser, ToIR]]:
    """A parser and the IR transformer it runs, for one parse at a time:
    taken from the idle ones, or built when all are in use, and given back
    after. The parser (:class:`.driver.Parser`) parses a text that parses
    in its own loop, and one that does not with Lark (its ``lark``)."""
    try:
        session = _IDLE.pop()
    except IndexError:
        transformer = ToIR()
        session = (Parser(_parser("session", transformer), transformer), transformer)
    try:
        yield session
    finally:
        _IDLE.append(session)


@functools.cache
def keyword_terminals() -> frozenset[str]:
    """The terminals that are keywords (a literal starting with a letter)."""
    return frozenset(_KEYWORD_DEFINITION.findall(grammar_text()))


@functools.cache
def keyword(name: str) -> str | None:
    """The literal a terminal stands for (``SPEECH_TIMEOUT`` → ``speech-timeout``)."""
    try:
        pattern = reference().get_terminal(name).pattern
    except KeyError:
        return None
    if pattern.type == "str":
        return pattern.value
    word = pattern.value.removesuffix(vocabulary.WHOLE_WORD)  # a one-letter keyword: `s`
    return word if word != pattern.value and word.isalpha() else None
