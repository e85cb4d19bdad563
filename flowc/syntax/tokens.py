"""Where a Lark token is, with the types the rest of the parser needs.

Lark types a token's line and columns as optional, since a token can be made
by hand without them. Every token the lexer makes has them, and so do the
indenter's `_INDENT` and `_DEDENT` tokens, except the `_DEDENT` tokens that
close the open blocks at the end of the file.
"""

from __future__ import annotations

from lark import Token

from ..source import Span


class NoPosition(Exception):
    """A token made without a position reached code that needs one."""


def start(tok: Token) -> tuple[int, int]:
    """``(line, column)`` of the token's first character, 1-based."""
    if tok.line is None or tok.column is None:
        raise NoPosition(tok.type)
    return tok.line, tok.column


def end(tok: Token) -> tuple[int, int]:
    """``(line, column)`` just after the token's last character."""
    if tok.end_line is None or tok.end_column is None:
        raise NoPosition(tok.type)
    return tok.end_line, tok.end_column


def span(file: str, tok: Token) -> Span:
    """The token's span in ``file``."""
    line, column, end_line, end_column = tok.line, tok.column, tok.end_line, tok.end_column
    if line is None or column is None or end_line is None or end_column is None:
        raise NoPosition(tok.type)
    return new_span(Span, (file, line, column, end_line, end_column))


def make(
    kind: str,
    value: str,
    start_pos: int,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    end_pos: int,
) -> Token:
    """``Token(kind, value, start_pos, line, column, end_line, end_column,
    end_pos)`` without the Python-level layers of Lark's constructor."""
    tok = _new_str(Token, value)
    tok.type = kind
    tok.value = value
    tok.start_pos = start_pos
    tok.line = line
    tok.column = column
    tok.end_line = end_line
    tok.end_column = end_column
    tok.end_pos = end_pos
    return tok


_new_str = str.__new__

# ``Span(...)`` without the Python-level ``__new__`` a named tuple has: one is
# made for every token the IR keeps.
new_span = tuple.__new__
