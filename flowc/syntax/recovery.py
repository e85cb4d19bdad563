"""Parsing a file, and going on after its syntax errors.

:func:`parse_recovering` reports every syntax error of a file rather than the
first: after each, the offending line is replaced by a neutral statement (or
a repaired header) and the text is parsed again. The IR of a file with syntax
errors is *partial*: it lacks the lines that did not parse.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from .. import ir, vocabulary
from ..diagnostics import Diagnostic
from ..source import SourceFile
from .grammar import parser_session
from .indentation import (
    GluedKeyword,
    IndentProblem,
    check_indent_chars,
    first_word,
    indent_of,
    next_significant,
    previous_significant,
    shift_diagnostic,
    trimmed,
    untangled,
)


def _messages():
    """:mod:`.messages`, imported on the first syntax error: a file that
    parses never needs it (nor the habits and suggestions it loads)."""
    from . import messages

    return messages


@dataclass(frozen=True, slots=True)
class Parsed:
    """The result of :func:`parse_recovering`."""

    flow: ir.Flow | None  # partial when not ``complete``
    diagnostics: list[Diagnostic]
    complete: bool  # no syntax error
    skipped: frozenset[int] = frozenset()  # lines (1-based) left out of a partial flow


def parse_recovering(source: SourceFile) -> Parsed:
    """Parse one file, reporting every syntax error rather than the first.

    After a syntax error the offending line is replaced by a neutral
    statement (`pause`) at its indentation; a step header is repaired instead,
    so that its statements stay in their step, and a block whose header is
    broken goes with it. The text is then parsed again, up to
    :data:`MAX_ERRORS` errors. An error at or before a line already recovered
    from would be a consequence of the recovery, not of the file: it is not
    reported, and the search ends there.

    A file that does not parse is searched in pieces (runs of whole steps of
    at least :data:`PIECE_LINES` lines, each parsed on its own with its line
    numbers kept), so that the cost grows with the errors of each piece
    rather than with the errors times the file; one last parse of the whole
    recovered text finds what only shows across pieces and builds the IR. With syntax errors the flow,
    when there is one, is *partial*: it lacks the lines that did not parse, so
    only checks that look at one step at a time may run on it, and nothing
    they find on a skipped line is reported.

    A file whose indentation mixes tabs and spaces is parsed with the lines
    indented the other way re-indented (:func:`untangled`), when a reading
    of them fits; its other mistakes are reported with the mix.
    """
    with parser_session() as session:
        return _recovering(source, session)


def _recovering(source: SourceFile, session) -> Parsed:
    problem = check_indent_chars(source)
    if problem is not None:
        # Go on with the lines indented the other way re-indented (or left
        # out), when that keeps the blocks around them whole; they are not
        # checked, since their level is a guess.
        reading = untangled(source)
        if reading is None:
            return Parsed(None, [problem], False)
        lines, shifts = reading
        inner = _recovering(SourceFile(source.path, "\n".join(lines)), session)
        found = [shift_diagnostic(d, shifts) for d in inner.diagnostics]
        return Parsed(
            inner.flow,
            sorted([problem, *found], key=Diagnostic.sort_key),
            False,
            inner.skipped | {i + 1 for i in shifts},
        )
    parser, transformer = session
    return _parse(source, parser, transformer)


def _parse(source: SourceFile, parser, transformer) -> Parsed:
    text = trimmed(source.text) + "\n"
    found: dict = {}  # diagnostics of the transformer, kept across attempts

    def attempt(text: str):
        transformer.begin(source)
        try:
            result, exc = parser.parse(text), None
        except (UnexpectedInput, IndentProblem, GluedKeyword) as caught:
            result, exc = None, caught
        for d in transformer.diagnostics:
            found.setdefault((d.code, d.span, d.message), d)
        return result, exc

    flow, exc = attempt(text)
    if exc is None:  # the common case: no line changed, nothing skipped
        return Parsed(flow, sorted(found.values(), key=Diagnostic.sort_key), True, frozenset())
    # Raw lines (a `\r` before a newline kept): they are joined again and parsed.
    lines = text.split("\n")
    original = list(lines)
    errors: list[Diagnostic] = []
    error = _messages().syntax_error(exc, source)
    for first, last in _pieces(lines, _error_line(exc, error) - 1):
        _search(attempt, source, lines, first, last, errors)
        if len(errors) >= MAX_ERRORS:
            break
    changed = {i + 1 for i, (a, b) in enumerate(zip(original, lines, strict=True)) if a != b}
    done = 0  # the last line recovered from in the whole text
    while True:
        flow, exc = attempt("\n".join(lines))
        if exc is None or len(errors) >= MAX_ERRORS:
            break
        error = _messages().syntax_error(exc, source)
        at = _error_line(exc, error)
        if at <= done or at in changed or error in errors:
            break
        errors.append(error)
        recovered = _recover(lines, exc, at)
        if recovered is None:
            break
        changed.add(at)
        done = recovered
    if exc is not None:
        flow = None
    skipped = frozenset(i + 1 for i, (a, b) in enumerate(zip(original, lines, strict=True)) if a != b)
    kept = [d for d in found.values() if d.span.line not in skipped]
    diagnostics = sorted([*kept, *errors], key=Diagnostic.sort_key)
    return Parsed(flow, diagnostics, not errors, skipped)


PIECE_LINES = 200  # a piece searched on its own holds whole steps, at least this many lines


def _pieces(lines: list[str], start: int) -> list[tuple[int, int]]:
    """The pieces of a file searched one by one, from the one holding line
    ``start`` (0-based) on: runs of whole steps (each from its `step` line)
    of at least :data:`PIECE_LINES` lines. 0-based, end exclusive."""
    bounds = [0]
    for i, line in enumerate(lines):
        if i - bounds[-1] >= PIECE_LINES and line[:1] not in (" ", "\t") and first_word(line) == "step":
            bounds.append(i)
    bounds.append(len(lines))
    pieces = list(itertools.pairwise(bounds))
    return [(a, b) for a, b in pieces if b > start]


def _search(attempt, source: SourceFile, lines: list[str], first: int, last: int, errors: list) -> None:
    """Find and recover from the syntax errors of ``lines[first:last]``,
    parsed on its own behind blank lines that keep its line numbers."""
    done = first  # the last line (1-based) recovered from
    while len(errors) < MAX_ERRORS:
        _, exc = attempt("\n" * first + "\n".join(lines[first:last]) + "\n")
        if exc is None:
            return
        error = _messages().syntax_error(exc, source)
        at = _error_line(exc, error)
        kind = getattr(getattr(exc, "token", None), "type", None)
        if at <= done or at > last or kind == "$END" or isinstance(exc, UnexpectedEOF):
            return  # the end of a piece is not the end of the file: the whole parse judges it
        errors.append(error)
        recovered = _recover(lines, exc, at)
        if recovered is None:
            return
        done = recovered


MAX_ERRORS = 50  # syntax errors reported per file


def _blank_block(lines: list[str], index: int) -> int:
    """Blank line ``index`` and every following line indented deeper than
    it; returns the last line blanked (0-based)."""
    return _blank_from(lines, index, same_depth=False)


def _blank_run(lines: list[str], index: int) -> int:
    """Blank line ``index`` and the following lines indented at least as
    deep (a run of lines that is off by its indentation)."""
    return _blank_from(lines, index, same_depth=True)


def _blank_from(lines: list[str], index: int, *, same_depth: bool) -> int:
    depth = indent_of(lines[index]) or 0
    lines[index] = ""
    last = index
    for i in range(index + 1, len(lines)):
        d = indent_of(lines[i])
        if d is None:
            continue
        if d < depth or (d == depth and not same_depth):
            break
        lines[i] = ""
        last = i
    return last


_HEADER_WORD = re.compile(r"([^\s:]+)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_SETTING_WORDS = tuple(s.name for s in vocabulary.SETTINGS)


def _repaired_header(lines: list[str], index: int) -> str:
    """A column-0 line that opens a block but does not parse, rewritten as
    the header it was meant to be: ``flow NAME`` before settings, otherwise
    ``step NAME:``, with the name kept at its column where there is room."""
    line = lines[index]
    m = _HEADER_WORD.match(line)
    word, name, col = (m.group(1), m.group(2), m.start(2)) if m else ("", "_", 5)
    nxt = next_significant(lines, index)
    body_word = first_word(lines[nxt]) if nxt is not None else ""
    import difflib  # only on syntax errors

    close = difflib.get_close_matches(word, ["flow", "step"], n=1, cutoff=0.5)
    is_flow = close == ["flow"] or (not close and body_word in _SETTING_WORDS)
    keyword = "flow" if is_flow else "step"
    pad = " " * max(1, col - len(keyword))
    return f"{keyword}{pad}{name}" + ("" if is_flow else ":")


def _over_indented(lines: list[str], index: int) -> bool:
    """Whether line ``index`` opens its block and the block goes on, after
    the run of lines as deep as it, at a shallower level that is still
    inside the block: then the first line was indented too far."""
    depth = indent_of(lines[index])
    parent = previous_significant(lines, index)
    parent_depth = indent_of(lines[parent]) if parent is not None else None
    if depth is None or parent is None or parent_depth is None or parent_depth >= depth:
        return False
    if not lines[parent].split("#", 1)[0].rstrip().endswith(":"):
        return False
    for i in range(index + 1, len(lines)):
        d = indent_of(lines[i])
        if d is None or d >= depth:
            continue
        return d > parent_depth
    return False


def _placeholder(lines: list[str], index: int, original: str) -> str:
    """A statement that stands in for a broken one, so that its block is not
    left empty: `pause`, at the line's indentation. At the left margin of a
    file with steps (where no statement may stand) the line is blanked."""
    depth = indent_of(original) or 0
    if depth == 0 and any(first_word(line) == "step" for line in lines):
        return ""
    return original[:depth] + "pause"


def _error_line(exc: Exception, error: Diagnostic) -> int:
    """The line (1-based) where the parser stopped: the token's, which the
    diagnostic may have moved (to a word before it, to a block's header)."""
    if isinstance(exc, IndentProblem | UnexpectedCharacters | GluedKeyword):
        return exc.line
    tok = getattr(exc, "token", None)
    if isinstance(tok, Token) and tok.type != "$END" and tok.line:
        return tok.line
    return error.span.line


def _recover(lines: list[str], exc: Exception, line: int) -> int | None:
    """Change ``lines`` so that the parser can go on after an error at
    ``line``. Returns the last line (1-based) changed, or ``None`` when there
    is no sensible way on."""
    index = line - 1
    if not 0 <= index < len(lines):
        return None
    if isinstance(exc, IndentProblem):
        if exc.code == "FL004":
            # Too deep: the block header that opened the level too many goes
            # with its whole block.
            header = previous_significant(lines, index)
            if header is None or not indent_of(lines[header]):
                return None
            original = lines[header]
            last = _blank_block(lines, header)
            lines[header] = _placeholder(lines, header, original)
            return last + 1
        if indent_of(lines[index]) in (None, 0):
            return None
        return _blank_run(lines, index) + 1
    token = getattr(exc, "token", None)
    kind = token.type if isinstance(token, Token) else None
    if kind == "$END" or isinstance(exc, UnexpectedEOF):
        return None
    if kind == "_INDENT":
        return _blank_run(lines, index) + 1
    expected = _messages().accepted(getattr(exc, "state", None)) or getattr(exc, "expected", None) or set()
    if "_INDENT" in expected and kind not in ("_NL",):
        # A header without its block: the header goes; lines at its level
        # outside any step go with it.
        header = previous_significant(lines, index)
        if header is None:
            return None
        depth = indent_of(lines[header])
        if depth and _over_indented(lines, header):
            # The block's first line is deeper than the lines after it (they
            # set the block's real level): skip the deeper run with it.
            return _blank_run(lines, header) + 1
        lines[header] = _placeholder(lines, header, lines[header]) if depth else ""
        last = max(header, index - 1)
        if depth == 0:
            for i in range(header + 1, len(lines)):
                d = indent_of(lines[i])
                if d is None:
                    continue
                if d == 0 and first_word(lines[i]) in ("step", "flow"):
                    break
                lines[i] = ""
                last = i
        return last + 1
    depth = indent_of(lines[index])
    if depth is None:
        return None
    original = lines[index]
    nxt = next_significant(lines, index)
    nxt_depth = indent_of(lines[nxt]) if nxt is not None else None
    opens_block = nxt_depth is not None and nxt_depth > depth
    if opens_block and depth == 0:
        lines[index] = _repaired_header(lines, index)
        return index + 1
    if opens_block:
        last = _blank_block(lines, index)
        lines[index] = _placeholder(lines, index, original)
        return last + 1
    lines[index] = _placeholder(lines, index, original)
    return index + 1
