"""Source text → IR.

The Lark parser is built once per process (LALR, contextual lexer, grammar
analysis cached on disk). Lark's results never leave this module:
:class:`_ToIR`, a Transformer that Lark runs while it parses (so no parse tree
is built), turns each rule into :mod:`flowc.ir` nodes with their spans,
and :func:`_syntax_error` is the one place where Lark's exceptions become
diagnostics.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from copy import copy
from dataclasses import dataclass, replace

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_parser_state import ParserState

from . import ir
from .codes import report
from .diagnostics import Diagnostic, Note
from .source import SourceFile, Span

MAX_DEPTH = 16  # indentation levels; the language needs three
MAX_DIGITS = 12  # longer numbers are refused before int() sees them

_HERE = os.path.dirname(os.path.abspath(__file__))
_GRAMMAR_CANDIDATES = (
    os.path.join(_HERE, "grammar", "flow.lark"),  # installed wheel
    os.path.join(os.path.dirname(_HERE), "grammar", "flow.lark"),  # source tree
)


def grammar_path() -> str:
    for path in _GRAMMAR_CANDIDATES:
        if os.path.exists(path):
            return path
    raise FileNotFoundError("flow.lark not found next to the flowc package")


# ---- indentation ---------------------------------------------------------------


class _IndentProblem(Exception):
    def __init__(self, code: str, message: str, line: int, col: int, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.line, self.col, self.hint = code, message, line, col, hint


class _GluedKeyword(Exception):
    """A keyword with a word glued to it that the contextual lexer split in
    two, both halves valid where they stand: `on` + `n` from `onn`, `no` +
    `beep` from `nobeep`. Only a space separates words, so it is a mistake."""

    def __init__(self, keyword: Token, rest: Token):
        super().__init__(f"{keyword.value}{rest.value}")
        self.token, self.rest, self.line = keyword, rest, keyword.line


@functools.cache
def _keyword_terminals() -> frozenset[str]:
    return frozenset(
        t.name for t in _lark().terminals if t.pattern.type == "str" and t.pattern.value[:1].isalpha()
    )


def _glued_to(previous: Token | None, tok: Token) -> bool:
    """Whether ``tok`` begins with a letter right after the keyword ``previous``."""
    return (
        previous is not None
        and previous.type in _keyword_terminals()
        and tok.type != "_NL"
        and tok.line == previous.end_line
        and tok.start_pos == previous.end_pos
        and (str(tok.value)[:1].isalpha() or str(tok.value)[:1] == "_")
    )


class FlowIndenter:
    """Turns the indentation after each newline into _INDENT/_DEDENT tokens.

    Levels are compared as strings, as Python does, so a tab is never
    silently equated with some number of spaces. A keyword with letters glued
    to it is refused here, where it would otherwise be read as two words.
    """

    always_accept = ("_NL",)

    def process(self, stream):
        stack = [""]
        first = True
        previous = None
        for tok in stream:
            if first and tok.type != "_NL" and tok.column != 1:
                raise _IndentProblem("FL003", "the first line must not be indented", tok.line, 1)
            first = False
            if _glued_to(previous, tok):
                raise _GluedKeyword(previous, tok)
            previous = tok
            yield tok
            if tok.type != "_NL":
                continue
            rest = tok.value[tok.value.rfind("\n") + 1 :]
            indent = rest[: len(rest) - len(rest.lstrip(" \t"))]
            if indent == stack[-1]:
                continue
            line, col = tok.end_line, len(indent) + 1
            if indent.startswith(stack[-1]):
                if len(stack) > MAX_DEPTH:
                    raise _IndentProblem(
                        "FL004", f"blocks are nested more than {MAX_DEPTH} levels deep", line, col
                    )
                stack.append(indent)
                yield Token("_INDENT", indent, tok.end_pos, line, 1, line, col, tok.end_pos)
                continue
            while len(stack) > 1 and stack[-1] != indent and stack[-1].startswith(indent):
                stack.pop()
                yield Token("_DEDENT", indent, tok.end_pos, line, col, line, col, tok.end_pos)
            if stack[-1] != indent:
                raise _IndentProblem(
                    "FL003",
                    "this indentation matches no enclosing block"
                    + (" (tabs and spaces are mixed)" if _mixed(indent, stack[-1]) else ""),
                    line,
                    1,
                    hint="indent every line of a block the same way, with spaces or with tabs",
                )
        while len(stack) > 1:
            stack.pop()
            yield Token("_DEDENT", "")


def _mixed(a: str, b: str) -> bool:
    chars = set(a) | set(b)
    return " " in chars and "\t" in chars


def _indentations(lines: list[str]) -> list[str | None]:
    """The indentation of each line; ``None`` for blank and comment lines."""
    out: list[str | None] = []
    for line in lines:
        stripped = line.lstrip(" \t")
        out.append(None if not stripped or stripped.startswith("#") else line[: len(line) - len(stripped)])
    return out


def _indent_char(indents: list[str | None]) -> str | None:
    """The file's way of indenting: the character most lines are indented
    with alone, or on a tie the first one used."""
    spaces = sum(1 for ind in indents if ind and set(ind) == {" "})
    tabs = sum(1 for ind in indents if ind and set(ind) == {"\t"})
    if spaces != tabs:
        return " " if spaces > tabs else "\t"
    return next((ind[0] for ind in indents if ind), None)


def _check_indent_chars(source: SourceFile) -> Diagnostic | None:
    """Tabs and spaces must not both be used for indentation in one file.
    Reported at the first character indenting the other way than most lines."""
    indents = _indentations(source.text.split("\n"))
    used = _indent_char(indents)
    if used is None:
        return None
    since = next(n for n, ind in enumerate(indents, 1) if ind and used in ind)
    for number, indent in enumerate(indents, 1):
        for col, ch in enumerate(indent or "", 1):
            if ch != used:
                kind = "a tab" if ch == "\t" else "a space"
                other = "spaces" if used == " " else "tabs"
                where = f"since line {since}" if since <= number else f"on most lines (from line {since})"
                return report(
                    "FL003",
                    f"indentation mixes tabs and spaces: {kind} here, {other} {where}",
                    Span.point(source.path, number, col),
                    hint="indent with spaces only (or with tabs only) throughout the file",
                )
    return None


def _code_of(line: str) -> str:
    """A line without its comment (a `#` outside quotes) and trailing space."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i].rstrip()
    return line.rstrip()


def _opens_block(line: str) -> bool:
    code = _code_of(line)
    return code.endswith(":") or re.fullmatch(r"flow[ \t]+[A-Za-z_]\w*", code) is not None


def _layout_problems(lines: list[str]) -> set[int]:
    """The lines (0-based) where the indentation of ``lines`` breaks the block
    structure: deeper without a block header before, a header with no deeper
    line after it, or a return to a level no enclosing block has."""
    problems: set[int] = set()
    stack = [""]
    header = False
    for i, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        indent = line[: len(line) - len(stripped)]
        if header:
            if len(indent) > len(stack[-1]) and indent.startswith(stack[-1]):
                stack.append(indent)
            else:
                problems.add(i)
        elif indent != stack[-1]:
            while len(stack) > 1 and len(stack[-1]) > len(indent):
                stack.pop()
            if stack[-1] != indent:
                problems.add(i)
        header = _opens_block(line)
    if header:
        problems.add(len(lines))  # the file ends before the block
    return problems


def _untangled(source: SourceFile) -> tuple[list[str], dict[int, tuple[int, int]]] | None:
    """The lines of a file whose indentation mixes tabs and spaces, with the
    lines indented the other way than most (see :func:`_indent_char`)
    re-indented the file's way, when one reading of a tab (as a level, or as
    2, 4 or 8 columns) or leaving those lines out keeps the blocks around
    them whole. Returns the lines and, for each changed line (0-based), its
    old and new indentation's length; ``None`` when no reading fits."""
    lines = source.text.split("\n")
    indents = _indentations(lines)
    used = _indent_char(indents)
    if used is None:
        return None
    foreign = [i for i, ind in enumerate(indents) if ind and set(ind) != {used}]
    if not foreign:
        return None
    foreign_lines = set(foreign)
    # A problem decides against a reading where the re-indented lines set the
    # level: on such a line, or on the line after one.
    watched = set(foreign)
    previous = None
    for i, ind in enumerate(indents):
        if ind is None:
            continue
        if previous in foreign_lines:
            watched.add(i)
        previous = i
    if previous in foreign_lines:
        watched.add(len(lines))
    widths = sorted({len(ind) for ind in indents if ind and set(ind) == {" "}})
    unit = widths[0] if widths else 4

    def reindent(width: int):
        def convert(indent: str) -> str:
            columns = len(indent.expandtabs(width))
            if used == " ":
                return " " * columns
            return "\t" * max(1, round(columns / width))

        return convert

    readings = [reindent(w) for w in dict.fromkeys((unit, 4, 8, 2))]
    readings.append(None)  # leave the lines out
    for convert in readings:
        changed = list(lines)
        shifts = {}
        for i in foreign:
            old = indents[i]
            if convert is None:
                changed[i] = ""
                shifts[i] = (len(old), 0)
            else:
                new = convert(old)
                changed[i] = new + lines[i][len(old) :]
                shifts[i] = (len(old), len(new))
        if not _layout_problems(changed) & watched:
            return changed, shifts
    return None


def _shift_span(span: Span, shifts: dict[int, tuple[int, int]]) -> Span:
    """A span found in re-indented lines, moved back to the file's columns."""

    def col(line: int, c: int) -> int:
        if line - 1 not in shifts:
            return c
        old, new = shifts[line - 1]
        return max(1, c - new + old) if c > new else min(c, old + 1)

    start, end = col(span.line, span.col), col(span.end_line, span.end_col)
    if span.end_line == span.line:
        end = max(end, start + 1) if span.end_col > span.col else max(end, start)
    return span._replace(col=start, end_col=end)


def _shift_diagnostic(d: Diagnostic, shifts: dict[int, tuple[int, int]]) -> Diagnostic:
    notes = tuple(replace(n, span=_shift_span(n.span, shifts)) for n in d.notes)
    return replace(d, span=_shift_span(d.span, shifts), notes=notes)


# ---- the parser ------------------------------------------------------------------


@functools.cache
def _lark() -> Lark:
    with open(grammar_path(), encoding="utf-8") as f:
        text = f.read()
    return Lark(
        text,
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        postlex=FlowIndenter(),
        transformer=_TO_IR,
        cache=True,
    )


_TRAILING_BLANKS = re.compile(r"(?:[ \t]*\r?\n)*[ \t]*\Z")


def _trimmed(text: str) -> str:
    """``text`` without the blank lines and spaces at its end: only what the
    lexer itself reads as blank (spaces, tabs, ``\n`` and ``\r\n``), so a
    stray ``\r`` or form feed at the end is an error as it is anywhere else."""
    return _TRAILING_BLANKS.sub("", text)


def parse(source: SourceFile) -> tuple[ir.Flow | None, list[Diagnostic]]:
    """Parse one file. Returns the flow (``None`` when it does not parse) and
    every diagnostic found on the way."""
    parsed = parse_recovering(source)
    return (parsed.flow if parsed.complete else None), parsed.diagnostics


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
    indented the other way re-indented (:func:`_untangled`), when a reading
    of them fits; its other mistakes are reported with the mix.
    """
    problem = _check_indent_chars(source)
    if problem is not None:
        # Go on with the lines indented the other way re-indented (or left
        # out), when that keeps the blocks around them whole; they are not
        # checked, since their level is a guess.
        untangled = _untangled(source)
        if untangled is None:
            return Parsed(None, [problem], False)
        lines, shifts = untangled
        inner = parse_recovering(SourceFile(source.path, "\n".join(lines)))
        found = [_shift_diagnostic(d, shifts) for d in inner.diagnostics]
        return Parsed(
            inner.flow,
            sorted([problem, *found], key=Diagnostic.sort_key),
            False,
            inner.skipped | {i + 1 for i in shifts},
        )
    lines = (_trimmed(source.text) + "\n").split("\n")
    original = list(lines)
    parser = _lark()
    found: dict = {}  # diagnostics of the transformer, kept across attempts

    def attempt(text: str):
        with _LOCK:  # the transformer runs inside the parser and holds per-file state
            _TO_IR._begin(source)
            try:
                result, exc = parser.parse(text), None
            except (UnexpectedInput, _IndentProblem, _GluedKeyword) as caught:
                result, exc = None, caught
            for d in _TO_IR.diagnostics:
                found.setdefault((d.code, d.span, d.message), d)
        return result, exc

    flow, exc = attempt("\n".join(lines))
    errors: list[Diagnostic] = []
    if exc is not None:
        error = _syntax_error(exc, source)
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
            error = _syntax_error(exc, source)
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
        if i - bounds[-1] >= PIECE_LINES and line[:1] not in (" ", "\t") and _first_word(line) == "step":
            bounds.append(i)
    bounds.append(len(lines))
    pieces = list(zip(bounds, bounds[1:], strict=False))
    return [(a, b) for a, b in pieces if b > start]


def _search(attempt, source: SourceFile, lines: list[str], first: int, last: int, errors: list) -> None:
    """Find and recover from the syntax errors of ``lines[first:last]``,
    parsed on its own behind blank lines that keep its line numbers."""
    done = first  # the last line (1-based) recovered from
    while len(errors) < MAX_ERRORS:
        _, exc = attempt("\n" * first + "\n".join(lines[first:last]) + "\n")
        if exc is None:
            return
        error = _syntax_error(exc, source)
        at = _error_line(exc, error)
        kind = getattr(getattr(exc, "token", None), "type", None)
        if at <= done or at > last or kind == "$END" or isinstance(exc, UnexpectedEOF):
            return  # the end of a piece is not the end of the file: the whole parse judges it
        errors.append(error)
        recovered = _recover(lines, exc, at)
        if recovered is None:
            return
        done = recovered


# ---- recovery -------------------------------------------------------------------

MAX_ERRORS = 50  # syntax errors reported per file


def _indent(line: str) -> int | None:
    """The indentation of a line, ``None`` for a blank or comment line."""
    stripped = line.lstrip(" \t")
    if not stripped or stripped.startswith("#"):
        return None
    return len(line) - len(stripped)


def _first_word(line: str) -> str:
    words = line.split()
    return words[0] if words else ""


def _next_significant(lines: list[str], index: int) -> int | None:
    for i in range(index + 1, len(lines)):
        if _indent(lines[i]) is not None:
            return i
    return None


def _previous_significant(lines: list[str], index: int) -> int | None:
    for i in range(index - 1, -1, -1):
        if _indent(lines[i]) is not None:
            return i
    return None


def _blank_block(lines: list[str], index: int) -> int:
    """Blank line ``index`` and every following line indented deeper than
    it; returns the last line blanked (0-based)."""
    return _blank_from(lines, index, same_depth=False)


def _blank_run(lines: list[str], index: int) -> int:
    """Blank line ``index`` and the following lines indented at least as
    deep (a run of lines that is off by its indentation)."""
    return _blank_from(lines, index, same_depth=True)


def _blank_from(lines: list[str], index: int, *, same_depth: bool) -> int:
    depth = _indent(lines[index]) or 0
    lines[index] = ""
    last = index
    for i in range(index + 1, len(lines)):
        d = _indent(lines[i])
        if d is None:
            continue
        if d < depth or (d == depth and not same_depth):
            break
        lines[i] = ""
        last = i
    return last


_HEADER_WORD = re.compile(r"([^\s:]+)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_SETTING_WORDS = ("max-call-duration", "context", "base-url")


def _repaired_header(lines: list[str], index: int) -> str:
    """A column-0 line that opens a block but does not parse, rewritten as
    the header it was meant to be: ``flow NAME`` before settings, otherwise
    ``step NAME:``, with the name kept at its column where there is room."""
    line = lines[index]
    m = _HEADER_WORD.match(line)
    word, name, col = (m.group(1), m.group(2), m.start(2)) if m else ("", "_", 5)
    nxt = _next_significant(lines, index)
    body_word = _first_word(lines[nxt]) if nxt is not None else ""
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
    depth = _indent(lines[index])
    parent = _previous_significant(lines, index)
    if parent is None or _indent(lines[parent]) >= depth:
        return False
    if not lines[parent].split("#", 1)[0].rstrip().endswith(":"):
        return False
    for i in range(index + 1, len(lines)):
        d = _indent(lines[i])
        if d is None or d >= depth:
            continue
        return d > _indent(lines[parent])
    return False


def _placeholder(lines: list[str], index: int, original: str) -> str:
    """A statement that stands in for a broken one, so that its block is not
    left empty: `pause`, at the line's indentation. At the left margin of a
    file with steps (where no statement may stand) the line is blanked."""
    depth = _indent(original) or 0
    if depth == 0 and any(_first_word(line) == "step" for line in lines):
        return ""
    return original[:depth] + "pause"


def _error_line(exc: Exception, error: Diagnostic) -> int:
    """The line (1-based) where the parser stopped: the token's, which the
    diagnostic may have moved (to a word before it, to a block's header)."""
    if isinstance(exc, _IndentProblem | UnexpectedCharacters | _GluedKeyword):
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
    if isinstance(exc, _IndentProblem):
        if exc.code == "FL004":
            # Too deep: the block header that opened the level too many goes
            # with its whole block.
            header = _previous_significant(lines, index)
            if header is None or not _indent(lines[header]):
                return None
            original = lines[header]
            last = _blank_block(lines, header)
            lines[header] = _placeholder(lines, header, original)
            return last + 1
        if _indent(lines[index]) in (None, 0):
            return None
        return _blank_run(lines, index) + 1
    token = getattr(exc, "token", None)
    kind = token.type if isinstance(token, Token) else None
    if kind == "$END" or isinstance(exc, UnexpectedEOF):
        return None
    if kind == "_INDENT":
        return _blank_run(lines, index) + 1
    expected = _accepted(getattr(exc, "state", None)) or getattr(exc, "expected", None) or set()
    if "_INDENT" in expected and kind not in ("_NL",):
        # A header without its block: the header goes; lines at its level
        # outside any step go with it.
        header = _previous_significant(lines, index)
        if header is None:
            return None
        depth = _indent(lines[header])
        if depth and _over_indented(lines, header):
            # The block's first line is deeper than the lines after it (they
            # set the block's real level): skip the deeper run with it.
            return _blank_run(lines, header) + 1
        lines[header] = _placeholder(lines, header, lines[header]) if depth else ""
        last = max(header, index - 1)
        if depth == 0:
            for i in range(header + 1, len(lines)):
                d = _indent(lines[i])
                if d is None:
                    continue
                if d == 0 and _first_word(lines[i]) in ("step", "flow"):
                    break
                lines[i] = ""
                last = i
        return last + 1
    if _indent(lines[index]) is None:
        return None
    original = lines[index]
    nxt = _next_significant(lines, index)
    opens_block = nxt is not None and _indent(lines[nxt]) > _indent(lines[index])
    if opens_block and _indent(lines[index]) == 0:
        lines[index] = _repaired_header(lines, index)
        return index + 1
    if opens_block:
        last = _blank_block(lines, index)
        lines[index] = _placeholder(lines, index, original)
        return last + 1
    lines[index] = _placeholder(lines, index, original)
    return index + 1


# ---- syntax errors ----------------------------------------------------------------

_TERMINAL_WORDS = {
    "NAME": "a name",
    "FLOW_STEP": "a `flow.step` reference",
    "WORD": "a word",
    "PATH": "a URL path",
    "ABSOLUTE_URL": "an absolute URL",
    "STRING": 'a quoted string ("...")',
    "DURATION": "a duration such as `20s`",
    "INT": "a whole number",
    "METHOD": "`GET` or `POST`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
    "COLON": "`:`",
}
_VERBS = ("say", "play", "pause", "record", "gather", "redirect", "hangup", "reject", "dial")
_BRANCHES = ("when", "otherwise")


def _keyword(name: str) -> str | None:
    try:
        pattern = _lark().get_terminal(name).pattern
    except KeyError:
        return None
    return pattern.value if pattern.type == "str" else None


def _expected_words(expected, verb: str | None = None) -> str:
    """At most five things the parser expected, in words."""
    structure = {"_NL", "_INDENT", "_DEDENT", "$END", "COLON", "ARROW"}
    if "_NL" in expected:
        expected = set(expected) - {"COLON"}  # only a gather takes a block: `:` is noise here
    words, verbs, options, branches = [], [], [], []
    for name in sorted(expected, key=lambda n: (n in structure, n)):
        kw = _keyword(name)
        if kw in _VERBS:
            verbs.append(kw)
        elif kw in _BRANCHES:
            branches.append(kw)
        elif name == "NAME" and "FLOW_STEP" in expected:
            words.append("a step name")
        elif name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
        elif kw is not None and name not in structure:
            options.append(kw)
        elif kw is not None:
            words.append(f"`{kw}`")
        else:
            words.append(name.lower())
    if len(branches) == len(_BRANCHES):
        words.insert(0, "a branch (`when`, `otherwise`)")
    else:
        words[:0] = [f"`{b}`" for b in branches]
    if len(verbs) > 2:
        words.insert(0, "a verb (" + ", ".join(sorted(verbs, key=_VERBS.index)) + ")")
    else:
        words[:0] = [f"`{v}`" for v in verbs]
    if len(options) > 3 and verb is not None:
        shown = ", ".join(f"`{o}`" for o in options[:3])
        words.insert(0, f"an option of `{verb}` ({shown}, …)")
    else:
        words[:0] = [f"`{o}`" for o in options]
    # `->` and `:` read best after the options.
    words.sort(key=lambda w: w in ("`->`", "`:`", "the end of the line", "the end of the file"))
    if len(words) > 5:
        words = words[:4] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _accepted(state) -> set[str] | None:
    """The terminals the parser really accepts in ``state``.

    An LALR state's table lists the lookaheads of every context merged into
    it; feeding each candidate to a copy of the parser (without running the
    IR callbacks) keeps only those the current context can take.
    """
    if not isinstance(state, ParserState):
        return None
    conf = copy(state.parse_conf)
    conf.callbacks = {}
    accepted = set()
    for name in state.parse_conf.states[state.position]:
        if not name.isupper():
            continue
        trial = state.copy(deepcopy_values=False)
        trial.parse_conf = conf
        try:
            trial.feed_token(Token(name, ""), is_end=name == "$END")
        except Exception:  # noqa: BLE001 - any failure means "not accepted here"
            continue
        accepted.add(name)
    return accepted


def _misread_word(state, expected, tok: Token) -> tuple[Token, str] | None:
    """A word the parser took as a value that was meant as an option: the
    label of `record mx 20s`, the last input of `gather input speech hint
    "yes"`, `digits` given to `record`. Returns the word and a hint, when the
    next token is what would follow that option."""
    stack = getattr(state, "value_stack", None)
    if not stack or len(stack) < 2:
        return None
    word, before = stack[-1], stack[-2]
    if not (type(word) is Token and word.type in ("NAME", "WORD")) or word.line != getattr(tok, "line", None):
        return None
    # A record's label, or a word of a list (`input dtmf speech`, `on completed`).
    if word.type == "NAME" and not (type(before) is Token and before.type == "RECORD"):
        return None
    import difflib  # only on syntax errors

    options = [kw for name in expected if (kw := _keyword(name)) and kw[0].isalpha()]
    close = difflib.get_close_matches(word.value, options, n=1, cutoff=0.6)
    if close:
        return word, f"did you mean `{close[0]}`?"
    owners = _option_owners().get(word.value)
    verb = _line_verb(state)
    if owners and verb and verb not in owners:
        return word, _not_an_option(word.value, verb, owners)
    return None


def _line_verb(state) -> str | None:
    for value in reversed(getattr(state, "value_stack", ())):
        if type(value) is Token and value.value in _VERBS:
            return value.value
    return None


@functools.cache
def _option_owners() -> dict[str, tuple[str, ...]]:
    """Each option keyword and the verbs that take it, from the grammar."""
    owners: dict[str, list[str]] = {}
    for rule in _lark().rules:
        origin = rule.origin.name
        origin = origin if isinstance(origin, str) else str(origin)
        if not origin.endswith("_option") or not rule.expansion:
            continue
        verb = origin[: -len("_option")]
        kw = _keyword(rule.expansion[0].name)
        if kw is not None and verb not in owners.setdefault(kw, []):
            owners[kw].append(verb)
    return {kw: tuple(sorted(verbs, key=_VERBS.index)) for kw, verbs in owners.items()}


def _not_an_option(word: str, verb: str, owners) -> str:
    names = [f"`{v}`" for v in owners]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"`{word}` is an option of {listed}, not of `{verb}`"


# The keywords a duration follows.
_TIMED = ("MAX", "TIMEOUT", "PAUSE", "TIME_LIMIT", "SPEECH_TIMEOUT", "MAX_CALL_DURATION")


def _character_hint(char: str, line: str) -> str | None:
    if char in "\u201c\u201d\u201e\u2018\u2019":
        return 'write text in straight double quotes: "..."'
    if char == "-" and re.match(r"\s*step\s", line):
        return "a step name is letters, digits and `_`: write `_` for `-`"
    return None


def _describe(tok: Token) -> str:
    if tok.type == "_NL":
        return "end of line"
    if tok.type == "_INDENT":
        return "indentation"
    if tok.type == "_DEDENT":
        return "end of the block"
    if tok.type == "$END":
        return "end of file"
    return f"`{tok.value}`"


def _enclosing_step(source: SourceFile, line: int) -> Note | None:
    """The innermost block still open at ``line``: the step, or the
    `gather` block inside it, whose header is less indented than the line."""
    lines = source.text.split("\n")
    if not 1 <= line <= len(lines):
        line = len(lines)
    depth = _indent(lines[line - 1])
    if depth is None or depth == 0:
        # An unindented line is in no block, unless it was meant to open one.
        prev = _previous_significant(lines, line - 1)
        if prev is None or not lines[prev].rstrip().endswith(":"):
            return None
        depth = _indent(lines[prev]) + 1
        line = prev + 2
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        d = _indent(text)
        if d is None or d >= depth:
            continue
        m = re.match(r"step\s+([A-Za-z_]\w*)", text)
        if m:
            span = Span(file=source.path, line=number, col=1, end_line=number, end_col=m.end() + 1)
            return Note(message=f"in step `{m.group(1)}`, opened here", span=span)
        m = re.match(r"flow\s+([A-Za-z_]\w*)\s*(#.*)?$", text)
        if m:
            span = Span(file=source.path, line=number, col=1, end_line=number, end_col=m.end(1) + 1)
            return Note(message=f"in the settings of flow `{m.group(1)}`, opened here", span=span)
        code = text.split("#", 1)[0].rstrip()
        if code.endswith(":") and d > 0:
            word = text.split()[0]
            span = Span(file=source.path, line=number, col=d + 1, end_line=number, end_col=d + 1 + len(word))
            return Note(message=f"in the `{word}` block, opened here", span=span)
        if d == 0:
            return None
        depth = d
    return None


def _open_block(source: SourceFile, line: int) -> tuple[Note, ...]:
    note = _enclosing_step(source, line)
    return (note,) if note else ()


def _syntax_error(exc: Exception, source: SourceFile) -> Diagnostic:
    path = source.path
    if isinstance(exc, _IndentProblem):
        notes = _open_block(source, exc.line) if exc.code == "FL003" else ()
        return report(exc.code, exc.message, Span.point(path, exc.line, exc.col), notes=notes, hint=exc.hint)
    if isinstance(exc, _GluedKeyword):
        kw, rest = exc.token, str(exc.rest.value)
        word = kw.value + rest
        span = Span(file=path, line=kw.line, col=kw.column, end_line=kw.line, end_col=kw.column + len(word))
        if exc.rest.type in _keyword_terminals() or len(rest) > 2:
            hint = f"put a space after `{kw.value}`: `{kw.value} {rest}`"
        else:  # `onn`, `beeep`: a letter too many
            hint = f"did you mean `{kw.value}`?"
        return report(
            "FL001",
            f"unexpected `{word}`, expected `{kw.value}` followed by a space",
            span,
            notes=_open_block(source, kw.line),
            hint=hint,
        )
    hint = None
    if isinstance(exc, UnexpectedCharacters):
        line, col = exc.line, exc.column
        char = exc.char
        if char == '"':
            message = 'unterminated string: a closing `"` is missing on this line'
        elif char in "\r":
            message = "a carriage return that does not end a line"
        elif not char.isprintable():
            message = f"unexpected character U+{ord(char):04X}"
        else:
            message = f"unexpected character `{char}`"
        expected = set() if char == '"' else _accepted(exc.state) or exc.allowed or set()
        span = Span.point(path, line, col)
        hint = _character_hint(char, source.line_text(line))
    elif (
        isinstance(exc, UnexpectedToken) and exc.token.type == "LOOSE_URL" and "LOOSE_URL" not in exc.expected
    ):
        # Outside `base-url` nothing lexes as LOOSE_URL: it is a stray character.
        line, col = exc.token.line, exc.token.column
        char = exc.token.value[0]
        message = (
            f"unexpected character `{char}`"
            if char.isprintable()
            else f"unexpected character U+{ord(char):04X}"
        )
        expected = _accepted(exc.state) or exc.expected
        span = Span.point(path, line, col)
        hint = _character_hint(char, source.line_text(line))
    elif isinstance(exc, UnexpectedToken):
        tok = exc.token
        expected = _accepted(exc.state) or exc.expected
        if tok.type == "$END":
            lines = _trimmed(source.text).split("\n")
            line, col = len(lines), len(lines[-1]) + 1
            span = Span.point(path, line, col)
        else:
            line, col = tok.line, tok.column
            end_col = tok.end_column if tok.end_line == line and tok.end_column else col + 1
            span = Span(file=path, line=line, col=col, end_line=line, end_col=max(end_col, col + 1))
        message = f"unexpected {_describe(tok)}"
        misread = _misread_word(exc.state, expected, tok)
        stack = getattr(exc.state, "value_stack", None) or [None]
        top = stack[-1]
        glued = (
            type(top) is Token
            and top.value.isalpha()
            and top.type not in ("NAME", "WORD")
            and tok.line == top.end_line
            and tok.column == top.end_column
            and str(tok.value)[:1].isalnum()
        )
        if glued:
            # `beeps`, `finished`: a keyword with letters glued to it.
            word = top.value + str(tok.value).split()[0]
            line, col = top.line, top.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=col + len(word))
            message = f"unexpected `{word}`, expected `{top.value}` followed by a space"
            hint = f"did you mean `{top.value}`?"
            expected = set()
        elif misread is not None:
            # `record mx 20s`: `mx` was taken for the recording's label, so the
            # parser only stumbles on `20s`; the mistake is the word before.
            word, hint = misread
            line, col = word.line, word.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=word.end_column)
            message = f"unexpected `{word.value}`"
        elif (
            type(top) is Token
            and (
                top.type == "DURATION"
                or (
                    top.type == "INT"
                    and getattr(stack[-2] if len(stack) > 1 else None, "type", None) in _TIMED
                )
            )
            and tok.line == top.end_line
            and tok.column == top.end_column
            and tok.value[:1].isalpha()
        ):
            # `2x`, `20sec`: a number glued to letters that are not a unit.
            line, col = top.line, top.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=tok.end_column)
            return report(
                "FL001",
                f"`{top.value}{tok.value}` is not a duration",
                span,
                notes=_open_block(source, line),
                hint="a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
            )
        elif tok.type in ("NAME", "WORD") or (
            tok.type not in ("_NL", "_INDENT", "_DEDENT", "$END") and tok.value.isalpha()
        ):
            keywords = [kw for name in expected if (kw := _keyword(name)) and kw[0].isalpha()]
            import difflib  # only on syntax errors; keeps start-up short

            close = difflib.get_close_matches(str(tok.value), keywords, n=1, cutoff=0.6)
            verb = _line_verb(exc.state)
            owners = _option_owners().get(str(tok.value))
            if close:
                hint = f"did you mean `{close[0]}`?"
            elif (
                "ARROW" in expected
                and re.fullmatch(r"[A-Za-z_]\w*", str(tok.value))
                and not source.line_text(line)[tok.end_column - 1 :].split("#", 1)[0].strip()
            ):
                hint = f"write `-> {tok.value}` to go to the step `{tok.value}`"
            elif owners and verb and verb not in owners:
                hint = _not_an_option(tok.value, verb, owners)
            elif tok.value in _SETTING_WORDS:
                hint = f"`{tok.value}` is a setting: put it indented under the `flow NAME` line"
            elif col == 1 and "STEP" in expected and tok.value in _VERBS:
                hint = "a verb belongs to a step: indent it under the step's line"
        elif (
            type(top) is Token
            and top.type == "NAME"
            and top.value.upper() in ("GET", "POST")
            and tok.line == top.line
            and len(stack) > 1
            and getattr(stack[-2], "type", None) == "ARROW"
        ):
            # `-> get /h`: the method was read as a step name.
            line, col = top.line, top.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=top.end_column)
            message = f"the method `{top.value}` must be written in capitals"
            hint = f"write `-> {top.value.upper()} {tok.value}`"
            expected = set()
        if tok.type in ("_DEDENT", "$END") and "_INDENT" in expected:
            # A header whose block is missing: point at the end of the header.
            lines = source.text.split("\n")
            header = _previous_significant(lines, min(tok.line or len(lines), len(lines)) - 1)
            if tok.type == "$END" or header is None:
                header = len(_trimmed(source.text).split("\n")) - 1
            line, col = header + 1, len(lines[header].rstrip()) + 1
            span = Span.point(path, line, col)
    elif isinstance(exc, UnexpectedEOF):
        lines = _trimmed(source.text).split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        span = Span.point(path, line, col)
        message = "unexpected end of file"
        expected = exc.expected
    else:  # pragma: no cover - UnexpectedInput has no other concrete kinds
        raise exc
    if hint is None and expected and set(expected) <= {"COLON"}:
        m = re.match(r"\s*step\s+([A-Za-z_]\w*)", source.line_text(span.line))
        if m:
            hint = f"write `step {m.group(1)}:`"
    if expected:
        words = source.line_text(span.line).split()
        verb = words[0] if words and words[0] in _VERBS else None
        message += ", expected " + _expected_words(expected, verb)
    note = _enclosing_step(source, span.line)
    return report("FL001", message, span, notes=(note,) if note else (), hint=hint)


# ---- tree → IR ---------------------------------------------------------------------

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)", re.S)
_DURATION_PART = re.compile(r"([0-9]+)([hms])")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


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
    __slots__ = ("key", "value", "span")

    def __init__(self, key: str, value, span: Span):
        self.key, self.value, self.span = key, value, span


def _present(items) -> list:
    return [c for c in items if c is not None and c != ()]


def _first(items):
    """The first child that carries a position (not a placeholder, not empty)."""
    for c in items:
        if c is None or c == ():
            continue
        if type(c) is tuple and not _present(c):
            continue
        return c
    return None


def _start(x) -> tuple[int, int]:
    if type(x) is Token:
        return x.line, x.column
    if isinstance(x, tuple):
        return _start(_present(x)[0])
    return x.span.line, x.span.col


def _end(x) -> tuple[int, int]:
    if type(x) is Token:
        return x.end_line, x.end_column
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
    return call


def _rule_callbacks(cls):
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and callable(value):
            setattr(cls, name, _with_span(value))
    return cls


@_rule_callbacks
class _ToIR(Transformer):
    """Builds IR nodes while the LALR parser reduces rules (no parse tree is
    built). Each rule callback receives the span of its children and the
    children themselves."""

    def _begin(self, source: SourceFile) -> None:
        self.source = source
        self.file = source.path
        self.diagnostics: list[Diagnostic] = []

    # -- positions and scalar values --

    def _span(self, span: Span) -> Span:
        return span

    def _tspan(self, tok: Token) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

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
            col = tok.column + 1 + m.start()
            self.diagnostics.append(
                report(
                    "FL005",
                    f"unknown escape `\\{esc}` in a string",
                    Span(
                        file=self.file, line=tok.line, col=col, end_line=tok.line, end_col=col + 1 + len(esc)
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

    def duration(self, meta, tok: Token) -> ir.Duration:
        span = self._tspan(tok)
        if tok.type == "INT":
            self.diagnostics.append(
                report(
                    "FL006",
                    f"the duration `{tok.value}` has no unit",
                    span,
                    hint=f"write `{tok.value}s` for seconds (or `m` for minutes, `h` for hours)",
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

    def step_target(self, meta, tok: Token) -> ir.Target:
        return ir.Target(kind=ir.TargetKind.STEP, text=tok.value, span=self._tspan(tok), step=tok.value)

    def flow_step_target(self, meta, tok: Token) -> ir.Target:
        flow, step = tok.value.split(".")
        return ir.Target(
            kind=ir.TargetKind.FLOW_STEP, text=tok.value, span=self._tspan(tok), flow=flow, step=step
        )

    def path_url(self, meta, tok: Token) -> ir.Target:
        return ir.Target(kind=ir.TargetKind.PATH, text=tok.value, span=self._tspan(tok))

    def absolute_url(self, meta, tok: Token) -> ir.Target:
        return ir.Target(kind=ir.TargetKind.ABSOLUTE, text=tok.value, span=self._tspan(tok))

    def quoted_url(self, meta, tok: Token) -> ir.Target:
        text = self._string(tok).value
        if _SCHEME.match(text):
            kind = ir.TargetKind.ABSOLUTE
        elif text.startswith("/"):
            kind = ir.TargetKind.PATH
        else:
            kind = ir.TargetKind.RELATIVE
        return ir.Target(kind=kind, text=text, span=self._tspan(tok))

    def arrow(self, meta, arrow: Token, method: Token | None, target: ir.Target) -> ir.Target:
        method_text = ir.Text(value=method.value, span=self._tspan(method)) if method is not None else None
        return replace(target, method=method_text, span=self._span(meta))

    # -- options (each becomes an _Option; verbs gather them) --

    def _opt(key, convert=None):  # noqa: N805 - a factory used in the class body
        def method(self, meta, keyword, *values):
            if convert is None:
                value = values[0] if values else None
            else:
                value = convert(self, meta, keyword, *values)
            return _Option(key, value, self._span(meta))

        return method

    def _switch(on):  # noqa: N805
        return lambda self, meta, *tokens: ir.Switch(on=on, span=self._span(meta))

    max_length = _opt("max_length")
    timeout = _opt("timeout")
    timeout_off = _opt("timeout", lambda self, meta, kw, off: ir.Duration(seconds=0, span=self._span(meta)))
    finish = _opt("finish", lambda self, meta, kw, tok: self._string(tok))
    beep = _opt("beep", _switch(True))
    no_beep = _opt("beep", _switch(False))
    trim = _opt("trim", _switch(True))
    no_trim = _opt("trim", _switch(False))
    voice = _opt("voice", lambda self, meta, kw, tok: self._text(tok))
    language = _opt("language", lambda self, meta, kw, tok: self._text(tok))
    loop = _opt("loop", lambda self, meta, kw, tok: self._number(tok))
    num_digits = _opt("num_digits", lambda self, meta, kw, tok: self._number(tok))
    input = _opt("input", lambda self, meta, kw, *words: tuple(self._text(w) for w in words))
    speech_timeout = _opt("speech_timeout")
    speech_timeout_auto = _opt("speech_timeout", lambda self, meta, kw, tok: self._text(tok))
    hints = _opt("hints", lambda self, meta, kw, tok: self._string(tok))
    time_limit = _opt("time_limit")
    caller_id = _opt("caller_id", lambda self, meta, kw, tok: self._string(tok))

    def transcribe(self, meta, keyword, url):
        return _Option("transcribe", (ir.Switch(on=True, span=self._tspan(keyword)), url), self._span(meta))

    def status(self, meta, keyword, method, url, events):
        if method is not None:
            url = replace(url, method=ir.Text(value=method.value, span=self._tspan(method)))
        return _Option("status", (url, events or ()), self._span(meta))

    def events(self, meta, keyword, *words):
        return tuple(self._text(w) for w in words)

    def _written(self, span: Span) -> str:
        line = self.source.line_text(span.line)
        end = span.end_col if span.end_line == span.line else len(line) + 1
        return line[span.col - 1 : end - 1]

    def _collect(self, items) -> tuple[dict, ir.Target | None]:
        options: dict = {}
        action = None
        for item in items:
            if item is None:
                continue
            if isinstance(item, ir.Target):
                action = item
                continue
            if item.key in options:
                first = options[item.key]
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
            options[item.key] = item
        return {k: v.value for k, v in options.items()}, action

    # -- verbs --

    def say(self, meta, kw, text, *items):
        opts, _ = self._collect(items)
        return ir.Say(span=self._span(meta), keyword=self._tspan(kw), text=self._string(text), **opts)

    def play_url(self, meta, kw, url, *items):
        opts, _ = self._collect(items)
        return ir.Play(span=self._span(meta), keyword=self._tspan(kw), url=url, **opts)

    def play_digits(self, meta, kw, digits_kw, digits, *items):
        opts, _ = self._collect(items)
        return ir.Play(span=self._span(meta), keyword=self._tspan(kw), digits=self._string(digits), **opts)

    def pause(self, meta, kw, length):
        return ir.Pause(span=self._span(meta), keyword=self._tspan(kw), length=length)

    def record(self, meta, kw, label, *items):
        opts, action = self._collect(items)
        if "transcribe" in opts:
            opts["transcribe"], opts["transcribe_callback"] = opts["transcribe"]
        if "status" in opts:
            opts["status"], opts["status_events"] = opts["status"]
        return ir.Record(
            span=self._span(meta),
            keyword=self._tspan(kw),
            label=ir.Text(value=label.value, span=self._tspan(label)) if label is not None else None,
            action=action,
            **opts,
        )

    def gather(self, meta, kw, *items):
        opts, action = self._collect(items)
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
        opts, action = self._collect(items)
        return ir.Dial(
            span=self._span(meta), keyword=self._tspan(kw), number=self._string(number), action=action, **opts
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

    def block_statement(self, meta, verb, *body):
        return replace(verb, body=tuple(body))

    def step(self, meta, kw, name, *verbs):
        return ir.Step(
            name=name.value, name_span=self._tspan(name), span=self._span(meta), verbs=tuple(verbs)
        )

    def steps(self, meta, *steps):
        return tuple(steps)

    def bare_statements(self, meta, *verbs):
        span = self._span(meta)
        return (ir.Step(name="main", name_span=verbs[0].keyword, span=span, verbs=tuple(verbs)),)

    def max_call_duration(self, meta, kw, duration):
        return _Option("max_call_duration", duration, self._span(meta))

    def context(self, meta, kw, word):
        return _Option("context", self._text(word), self._span(meta))

    def base_url(self, meta, kw, url):
        if isinstance(url, Token):  # LOOSE_URL: no scheme, reported by the checks
            url = ir.Target(kind=ir.TargetKind.RELATIVE, text=url.value, span=self._tspan(url))
        return _Option("base_url", url, self._span(meta))

    def settings(self, meta, *items):
        return items

    def flow_header(self, meta, kw, name, settings):
        return name, settings or ()

    def start(self, meta, header, steps):
        contexts: dict = {}  # kind -> the setting's _Option
        single: dict = {}  # key -> the setting's _Option
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


_TO_IR = _ToIR()
_LOCK = threading.Lock()
