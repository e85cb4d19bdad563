"""Source files and spans.

A :class:`SourceFile` is the decoded text of one ``.flow`` file; a :class:`Span`
is a region of it.  Lines and columns are 1-based; ``end_col`` is exclusive.

**The line model.** A line ends at ``\n`` and nowhere else, the way the lexer
counts lines: a ``\r`` right before the ``\n`` belongs to the line ending, and
any other character (``\r`` alone, form feed, U+2028, U+0085, …) is part of
the line it is on, however Python's ``str.splitlines`` would treat it. Every
place that needs a line of a file or a column on it (diagnostics, recovery, the
formatter, the site, the language server) asks :class:`SourceFile`, which
splits the text once.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import field
from typing import NamedTuple

from .records import record


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their endings, split as the lexer splits
    (at ``\n`` only; a ``\r`` before it is part of the ending). A text that
    ends with a newline has an empty last line, as an editor shows it."""
    lines = text.split("\n")
    if "\r" not in text:
        return lines
    return [line.removesuffix("\r") for line in lines]


def split_lines_keepends(text: str) -> list[str]:
    """The lines of ``text`` with their endings (``\n`` or ``\r\n``), split
    as :func:`split_lines` splits; a last line without a newline has none, and
    an empty text has no lines."""
    lines = text.split("\n")
    last = lines.pop()
    found = [line + "\n" for line in lines]
    if last:
        found.append(last)
    return found


class Span(NamedTuple):
    """A region of a file. A named tuple: spans are made for every token, and
    a tuple is the cheapest immutable record Python has."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, file: str, line: int, col: int) -> Span:
        return cls(file, line, col, line, col + 1)


@record
class SourceFile:
    """A flow file: the path it is reported under and its decoded text.

    Its lines and the offset where each begins are computed once, on first
    use (see the module's line model)."""

    path: str
    text: str
    _lines: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _starts: tuple[int, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def stem(self) -> str:
        base = os.path.basename(self.path)
        return base[: -len(".flow")] if base.endswith(".flow") else os.path.splitext(base)[0]

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line, without its ending; ``lines[0]`` is line 1."""
        lines = self._lines
        if lines is None:
            lines = tuple(split_lines(self.text))
            object.__setattr__(self, "_lines", lines)
        return lines

    @property
    def line_count(self) -> int:
        """The number of lines; a final newline does not start another one."""
        lines = self.lines
        return len(lines) - 1 if len(lines) > 1 and not lines[-1] and self.text.endswith("\n") else len(lines)

    def line_text(self, line: int) -> str:
        """Line ``line`` (1-based) without its ending; ``""`` outside the file."""
        lines = self.lines
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""

    def _line_starts(self) -> tuple[int, ...]:
        starts = self._starts
        if starts is None:
            found, at = [0], 0
            for line in self.text.split("\n")[:-1]:
                at += len(line) + 1
                found.append(at)
            starts = tuple(found)
            object.__setattr__(self, "_starts", starts)
        return starts

    def offset(self, line: int, col: int) -> int:
        """The index in :attr:`text` of 1-based ``line`` and ``col`` (clamped to the text)."""
        starts = self._line_starts()
        if line < 1:
            return 0
        if line > len(starts):
            return len(self.text)
        return min(starts[line - 1] + max(col, 1) - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of index ``offset`` in :attr:`text`."""
        starts = self._line_starts()
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1


class DecodeFailure(Exception):
    """Raised by :func:`decode` with the 1-based position of the first bad byte."""

    def __init__(self, line: int, col: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.col = col
        self.reason = reason


def decode(data: bytes) -> str:
    """Decode a flow file: UTF-8, with or without a byte-order mark."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", "replace")) + 1
        raise DecodeFailure(line, col, f"byte 0x{data[exc.start]:02x} is not valid UTF-8") from None
