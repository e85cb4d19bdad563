"""Source files and spans.

A :class:`SourceFile` is the decoded text of one ``.flow`` file; a :class:`Span`
is a region of it.  Lines and columns are 1-based; ``end_col`` is exclusive.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import NamedTuple


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


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A flow file: the path it is reported under and its decoded text."""

    path: str
    text: str

    @property
    def stem(self) -> str:
        base = os.path.basename(self.path)
        return base[: -len(".flow")] if base.endswith(".flow") else os.path.splitext(base)[0]

    def line_text(self, line: int) -> str:
        lines = self.text.splitlines()
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""


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
