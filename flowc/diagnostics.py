"""Diagnostics are values: checks return them, the CLI renders them.

The registry of codes lives in :mod:`flowc.codes`; a :class:`Diagnostic`
refers to its code by id and carries the severity it was reported with.
"""

from __future__ import annotations

import enum
from dataclasses import field

from .records import record
from .source import Span


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@record(kw_only=True)
class Note:
    """A secondary location that explains a diagnostic ("the call ends here")."""

    message: str
    span: Span


@record(kw_only=True)
class Edit:
    """Replace the text of ``span`` (empty for an insertion) with ``text``."""

    span: Span
    text: str


@record(kw_only=True)
class Fix:
    """A mechanical fix: edits that make the source say what it meant.

    ``safe`` fixes are applied by ``flowc check --fix``; the others (which may
    change what a flow does, such as moving a word into place) are offered
    by the editor and applied only by hand."""

    title: str  # what the fix does, in words: "write `max 20s`"
    edits: tuple[Edit, ...]
    safe: bool = True


@record(kw_only=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    notes: tuple[Note, ...] = field(default=())
    hint: str | None = None
    fixes: tuple[Fix, ...] = field(default=())

    def sort_key(self) -> tuple:
        s = self.span
        return (s.file, s.line, s.col, self.code, self.message)


def replace_span(span: Span, text: str, title: str | None = None, *, safe: bool = True) -> Fix:
    """The fix that writes ``text`` in place of ``span``."""
    return Fix(title=title or f"write `{text}`", edits=(Edit(span=span, text=text),), safe=safe)


def has_errors(diagnostics) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def apply_edits(text: str, edits) -> tuple[str, int]:
    """``text`` with ``edits`` (of one file) applied, and how many were
    applied. Lines and columns are 1-based and count code points; an edit
    that overlaps one applied before it is left out (apply again to reach
    it)."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)

    def offset(line: int, col: int) -> int:
        if line > len(starts):
            return len(text)
        end = starts[line] - 1 if line < len(starts) else len(text)
        return min(starts[line - 1] + col - 1, end)

    ranges = sorted(
        ((offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col), e.text) for e in edits),
        key=lambda r: (r[0], r[1]),
    )
    out, last, applied = [], 0, 0
    for start, end, new in ranges:
        if start < last:
            continue
        out += [text[last:start], new]
        last, applied = end, applied + 1
    out.append(text[last:])
    return "".join(out), applied
