"""Parsing the versions of one file as it is edited, reusing what did not change.

An editor parses a file again on every keystroke, and a keystroke changes one
step. :class:`IncrementalParser` cuts the file into pieces (the lines before
the first step, then each step from its unindented ``step`` line to the next
one), parses each piece on its own with its line numbers kept, and keeps the
result by the piece's text: the next version parses only the pieces whose
text changed, and moves the others to their new lines when lines were added
or removed above them.

The result is the one :func:`~flowc.syntax.recovery.parse_recovering` gives for
the whole text: the same flow, the same diagnostics. Whenever that cannot be
vouched for (a piece does not parse, indentation mixes tabs and spaces, a
file without step headers, a piece that is not one step), the whole text is
parsed by ``parse_recovering`` itself, which also finds and recovers from the
syntax errors.
"""

from __future__ import annotations

import bisect
import dataclasses
import enum
import re
import threading
from collections.abc import Callable

from lark.exceptions import UnexpectedInput

from .. import ir
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span
from .grammar import parser_session
from .indentation import GluedKeyword, IndentProblem, check_indent_chars, trimmed
from .recovery import Parsed, parse_recovering

# An unindented `step` line starts a piece: statements are always indented,
# so such a line closes every block before it.
_STEP_LINE = re.compile(r"^step[ \t]", re.MULTILINE)


class _Unsure(Exception):
    """A piece whose result cannot stand for its part of the whole parse."""


class _CannotMove(Exception):
    """A value :func:`_moved` does not know how to move."""


_PLAIN = (str, int, bool, float, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _moved(value, delta: int):
    """``value`` (IR, diagnostics) with every span ``delta`` lines further down."""
    kind = type(value)
    if kind is Span:
        return Span(value.file, value.line + delta, value.col, value.end_line + delta, value.end_col)
    if kind is tuple:
        return tuple(_moved(v, delta) for v in value)
    if kind in _PLAIN or isinstance(value, enum.Enum):
        return value
    if kind is frozenset:
        return frozenset(_moved(v, delta) for v in value)
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            raise _CannotMove(kind.__name__)
        names = tuple(f.name for f in dataclasses.fields(value) if f.init)
        _FIELDS[kind] = names
    return kind(**{name: _moved(getattr(value, name), delta) for name in names})


@dataclasses.dataclass(frozen=True, slots=True)
class _Piece:
    line: int  # the 1-based line it starts on, as parsed
    flow: ir.Flow  # the header piece's flow (no steps), or a flow of one step
    diagnostics: tuple[Diagnostic, ...]


def pieces(text: str) -> list[tuple[int, str]]:
    """``(0-based first line, text)`` of each piece: the lines before the
    first unindented ``step`` line (``""`` when there are none), then each
    step's lines."""
    starts = [m.start() for m in _STEP_LINE.finditer(text)]
    out = []
    if not starts or starts[0]:
        starts.insert(0, 0)
    else:
        out.append((0, ""))
    line = 0
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        out.append((line, chunk))
        line += chunk.count("\n")
    return out


class IncrementalParser:
    """Parses the successive versions of one file (see the module's doc).
    Safe to share between threads: one parse runs at a time."""

    def __init__(self) -> None:
        self._pieces: dict[str, _Piece] = {}
        self._lock = threading.Lock()
        self.reused = 0  # pieces taken from the last version, in the last parse
        self.parsed = 0  # pieces parsed, in the last parse (0 when the whole text was)

    def parse(self, source: SourceFile, cancelled: Callable[[], bool] | None = None) -> Parsed | None:
        """The parse of ``source``; ``None`` when ``cancelled()`` turned true on the way."""
        with self._lock:
            chunks = pieces(source.text)
            keys = [chunk if index else "\0" + chunk for index, (_, chunk) in enumerate(chunks)]
            old = self._pieces
            missing = sum(1 for key in keys if key not in old)
            if len(chunks) < 2 or missing > max(8, len(chunks) // 4):
                return self._whole(source, chunks, keys)
            try:
                return self._from_pieces(source, chunks, keys, cancelled)
            except _Unsure:
                return self._whole(source, chunks, keys)

    def _whole(self, source: SourceFile, chunks: list[tuple[int, str]], keys: list[str]) -> Parsed:
        """Parse the whole text, and keep its steps as the pieces of the next version."""
        self._pieces = {}
        self.reused, self.parsed = 0, 0
        found = parse_recovering(source)
        flow = found.flow
        if not found.complete or flow is None or len(chunks) < 2 or len(flow.steps) != len(chunks) - 1:
            return found
        firsts = [first + 1 for first, _ in chunks]
        if any(step.span.line != line for step, line in zip(flow.steps, firsts[1:], strict=True)):
            return found
        by_piece: list[list[Diagnostic]] = [[] for _ in chunks]
        for d in found.diagnostics:
            by_piece[max(bisect.bisect_right(firsts, d.span.line) - 1, 0)].append(d)
        header = dataclasses.replace(flow, steps=())
        pieces_of: dict[str, _Piece] = {keys[0]: _Piece(firsts[0], header, tuple(by_piece[0]))}
        for index in range(1, len(chunks)):
            pieces_of[keys[index]] = _Piece(
                firsts[index],
                dataclasses.replace(header, name_span=Span.point(flow.path, 1, 1), declared=False,
                                    settings=ir.Settings(), steps=(flow.steps[index - 1],)),
                tuple(by_piece[index]),
            )
        self._pieces = pieces_of
        self.parsed = len(chunks)
        return found

    def _from_pieces(
        self,
        source: SourceFile,
        chunks: list[tuple[int, str]],
        keys: list[str],
        cancelled: Callable[[], bool] | None,
    ) -> Parsed | None:
        if check_indent_chars(source) is not None:
            raise _Unsure
        old, new = self._pieces, dict[str, _Piece]()
        reused = parsed = 0
        steps: list[ir.Step] = []
        diagnostics: list[Diagnostic] = []
        header: ir.Flow | None = None
        with parser_session() as (parser, transformer):
            for index, (first, chunk) in enumerate(chunks):
                if cancelled is not None and index % 64 == 63 and cancelled():
                    return None
                key = keys[index]
                piece = new.get(key) or old.get(key)
                if piece is not None and piece.line != first + 1:
                    try:
                        piece = _Piece(
                            first + 1,
                            _moved(piece.flow, first + 1 - piece.line),
                            _moved(piece.diagnostics, first + 1 - piece.line),
                        )
                    except _CannotMove:
                        piece = None
                if piece is None:
                    piece = _parse_piece(source, parser, transformer, first, chunk, header=not index)
                    parsed += 1
                else:
                    reused += 1
                new[key] = piece
                if index == 0:
                    header = piece.flow
                else:
                    steps.extend(piece.flow.steps)
                diagnostics.extend(piece.diagnostics)
        assert header is not None
        self._pieces = new
        self.reused, self.parsed = reused, parsed
        flow = dataclasses.replace(header, steps=tuple(steps))
        unique: dict = {}
        for d in diagnostics:
            unique.setdefault((d.code, d.span, d.message), d)
        return Parsed(flow, sorted(unique.values(), key=Diagnostic.sort_key), True, frozenset())


def _parse_piece(source: SourceFile, parser, transformer, first: int, chunk: str, *, header: bool) -> _Piece:
    """Parse one piece behind ``first`` blank lines, so that its lines keep their numbers."""
    transformer.begin(source)
    try:
        flow = parser.parse("\n" * first + trimmed(chunk) + "\n")
    except (UnexpectedInput, IndentProblem, GluedKeyword):
        raise _Unsure from None
    if not isinstance(flow, ir.Flow):
        raise _Unsure
    if header:
        if flow.steps:
            raise _Unsure  # statements before the first step: a file without step headers
    elif len(flow.steps) != 1 or flow.declared or flow.settings != ir.Settings():
        raise _Unsure
    return _Piece(first + 1, flow, tuple(transformer.diagnostics))
