"""Diagnostics are values: checks return them, the CLI renders them.

The registry of codes lives in :mod:`flowc.codes`; a :class:`Diagnostic`
refers to its code by id and carries the severity it was reported with.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .source import Span


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A secondary location that explains a diagnostic ("the call ends here")."""

    message: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    notes: tuple[Note, ...] = field(default=())
    hint: str | None = None

    def sort_key(self) -> tuple:
        s = self.span
        return (s.file, s.line, s.col, self.code, self.message)


def has_errors(diagnostics) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
