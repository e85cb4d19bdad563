"""Indentation: blocks from the leading blanks of lines.

:class:`FlowIndenter` turns the indentation after each newline into
``_INDENT``/``_DEDENT`` tokens for the parser, and refuses a keyword with
letters glued to it. A file that indents some lines with tabs and others
with spaces is reported once (:func:`check_indent_chars`) and, where one
reading of the odd lines keeps the blocks whole, parsed with them re-indented
(:func:`untangled`), so that its other mistakes are found too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from lark import Token

from ..codes import report
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span
from . import tokens

MAX_DEPTH = 16  # indentation levels; the language needs three


class IndentProblem(Exception):
    def __init__(self, code: str, message: str, line: int, col: int, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.line, self.col, self.hint = code, message, line, col, hint


class GluedKeyword(Exception):
    """A keyword with a word glued to it that the contextual lexer split in
    two, both halves valid where they stand: `on` + `n` from `onn`, `no` +
    `beep` from `nobeep`. Only a space separates words, so it is a mistake."""

    def __init__(self, keyword: Token, rest: Token):
        super().__init__(f"{keyword.value}{rest.value}")
        self.token, self.rest, self.line = keyword, rest, tokens.start(keyword)[0]


def _glued_to(keywords: frozenset[str], previous: Token | None, tok: Token) -> bool:
    """Whether ``tok`` begins with a letter right after the keyword ``previous``."""
    return (
        previous is not None
        and previous.type in keywords
        and tok.type != "_NL"
        and tok.line == previous.end_line
        and tok.start_pos == previous.end_pos
        and (str(tok.value)[:1].isalpha() or str(tok.value)[:1] == "_")
    )


class FlowIndenter:
    """Turns the indentation after each newline into _INDENT/_DEDENT tokens.

    Levels are compared as strings, as Python does, so a tab is never
    silently equated with some number of spaces. A keyword with letters glued
    to it (one of ``keywords``, the grammar's keyword terminals) is refused
    here, where it would otherwise be read as two words.
    """

    always_accept = ("_NL",)

    def __init__(self, keywords: frozenset[str] = frozenset()):
        self.keywords = keywords

    def process(self, stream):
        stack = [""]
        first = True
        previous = None
        for tok in stream:
            if first and tok.type != "_NL" and tok.column != 1:
                raise IndentProblem("FL003", "the first line must not be indented", tok.line, 1)
            first = False
            if previous is not None and _glued_to(self.keywords, previous, tok):
                raise GluedKeyword(previous, tok)
            previous = tok
            yield tok
            if tok.type != "_NL":
                continue
            indent = indent_after(tok)
            if indent != stack[-1]:
                yield from levels(stack, indent, tok)
        while len(stack) > 1:
            stack.pop()
            yield Token("_DEDENT", "")


def indent_after(newline: Any) -> str:
    """The indentation of the line a ``_NL`` token leads to."""
    rest = newline.value[newline.value.rfind("\n") + 1 :]
    return rest[: len(rest) - len(rest.lstrip(" \t"))]


def levels(stack: list[str], indent: str, newline: Any) -> Iterator[Token]:
    """The ``_INDENT`` or ``_DEDENT`` tokens after ``newline``, a line
    indented by ``indent``, other than the innermost open block's
    indentation ``stack[-1]``; ``stack`` follows. Raises
    :class:`IndentProblem` after the last of them, where the indentation
    matches no open block."""
    line, col = newline.end_line, len(indent) + 1
    if indent.startswith(stack[-1]):
        if len(stack) > MAX_DEPTH:
            raise IndentProblem("FL004", f"blocks are nested more than {MAX_DEPTH} levels deep", line, col)
        stack.append(indent)
        yield tokens.make("_INDENT", indent, newline.end_pos, line, 1, line, col, newline.end_pos)
        return
    while len(stack) > 1 and stack[-1] != indent and stack[-1].startswith(indent):
        stack.pop()
        yield tokens.make("_DEDENT", indent, newline.end_pos, line, col, line, col, newline.end_pos)
    if stack[-1] != indent:
        raise IndentProblem(
            "FL003",
            "this indentation matches no enclosing block"
            + (" (tabs and spaces are mixed)" if _mixed(indent, stack[-1]) else ""),
            line,
            1,
            hint="indent every line of a block the same way, with spaces or with tabs",
        )


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


def check_indent_chars(source: SourceFile) -> Diagnostic | None:
    """Tabs and spaces must not both be used for indentation in one file.
    Reported at the first character indenting the other way than most lines."""
    if "\t" not in source.text:
        return None  # spaces alone (the common case, found without a look at each line)
    indents = _indentations(list(source.lines))
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


def code_of(line: str) -> str:
    """A line without its comment (a `#` outside quotes) and trailing space."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i].rstrip()
    return line.rstrip()


def _opens_block(line: str) -> bool:
    code = code_of(line)
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


# Lines indented the other way beyond which they are not placed one by one
# (each placement re-reads the file's layout).
_IN_PLACE_LINES = 20


def untangled(source: SourceFile) -> tuple[list[str], dict[int, tuple[int, int]]] | None:
    """The lines of a file whose indentation mixes tabs and spaces, with the
    lines indented the other way than most (see :func:`_indent_char`)
    re-indented the file's way, when one reading of a tab (as a level, or as
    2, 4 or 8 columns) or leaving those lines out keeps the blocks around
    them whole. Returns the lines and, for each changed line (0-based), its
    old and new indentation's length; ``None`` when no reading fits."""
    lines = source.text.split("\n")  # raw: joined again and parsed, so a `\r` stays
    indents = _indentations(lines)
    used = _indent_char(indents)
    if used is None:
        return None
    foreign = {i: ind for i, ind in enumerate(indents) if ind and set(ind) != {used}}  # line -> indentation
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

    levels = sorted({ind for i, ind in enumerate(indents) if ind is not None and i not in foreign_lines}, key=len)

    def after(i: int) -> int:
        """The next line (0-based) with code after ``i``, or the end."""
        return next((j for j in range(i + 1, len(lines)) if indents[j] is not None), len(lines))

    def in_place(changed: list[str]) -> None:
        """Each foreign line at the level, among the file's own, that keeps the
        blocks around it whole (tried line by line: a tab at any depth)."""
        for i, old in sorted(foreign.items()):
            rest = lines[i][len(old) :]
            near = len(old.expandtabs(unit))
            for level in sorted(levels, key=lambda ind: abs(len(ind) - near)):
                changed[i] = level + rest
                if not _layout_problems(changed) & {i, after(i)}:
                    break

    readings: list = [reindent(w) for w in dict.fromkeys((unit, 4, 8, 2))]
    if len(foreign) <= _IN_PLACE_LINES:
        readings.append(in_place)  # each line at the level its block needs
    readings.append(None)  # leave the lines out
    best: tuple[int, list[str], dict[int, tuple[int, int]]] | None = None
    for convert in readings:
        changed = list(lines)
        shifts = {}
        if convert is in_place:
            in_place(changed)
        for i, old in foreign.items():
            if convert is None:
                changed[i] = ""
            elif convert is not in_place:
                changed[i] = convert(old) + lines[i][len(old) :]
            shifts[i] = (len(old), len(changed[i]) - len(lines[i]) + len(old))
        problems = _layout_problems(changed)
        if not problems & watched and (best is None or len(problems) < best[0]):
            best = (len(problems), changed, shifts)
            if not problems:
                break
    # The reading that keeps the most of the file's blocks whole.
    return None if best is None else (best[1], best[2])


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


def shift_diagnostic(d: Diagnostic, shifts: dict[int, tuple[int, int]]) -> Diagnostic:
    notes = tuple(replace(n, span=_shift_span(n.span, shifts)) for n in d.notes)
    return replace(d, span=_shift_span(d.span, shifts), notes=notes)


# ---- lines ------------------------------------------------------------------------


def indent_of(line: str) -> int | None:
    """The indentation of a line, ``None`` for a blank or comment line."""
    stripped = line.lstrip(" \t")
    if not stripped or stripped.startswith("#"):
        return None
    return len(line) - len(stripped)


def first_word(line: str) -> str:
    words = line.split()
    return words[0] if words else ""


def next_significant(lines: Sequence[str], index: int) -> int | None:
    for i in range(index + 1, len(lines)):
        if indent_of(lines[i]) is not None:
            return i
    return None


def previous_significant(lines: Sequence[str], index: int) -> int | None:
    for i in range(index - 1, -1, -1):
        if indent_of(lines[i]) is not None:
            return i
    return None


def trimmed(text: str) -> str:
    """``text`` without the blank lines and spaces at its end: only what the
    lexer itself reads as blank (spaces, tabs, ``\n`` and ``\r\n``), so a
    stray ``\r`` or form feed at the end is an error as it is anywhere else."""
    end = len(text)
    while end:
        char = text[end - 1]
        if char in " \t":
            end -= 1
        elif char == "\n":
            end -= 2 if end > 1 and text[end - 2] == "\r" else 1
        else:
            break
    return text[:end]
