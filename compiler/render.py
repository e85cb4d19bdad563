"""Two renderings of diagnostics: text for people, JSON for tools.

Text: ``path:line:col: severity[CODE]: message``, then the source line with
``^~~~`` under the span, then notes and ``help:``. Colour only when asked for
or on a terminal without ``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .diagnostics import Diagnostic, Severity
from .source import SourceFile, Span

_COLOURS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
    "note": "\x1b[1;36m",
    "help": "\x1b[1;32m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
}
_RESET = "\x1b[0m"
MAX_SNIPPET = 200  # columns of a source line shown around the span


def _paint(text: str, style, colour: bool) -> str:
    return f"{_COLOURS[style]}{text}{_RESET}" if colour else text


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in text)


def _snippet(span: Span, source: SourceFile | None, colour: bool) -> list[str]:
    if source is None:
        return []
    line = source.line_text(span.line)
    if not line and span.line > len(source.text.splitlines()):
        return []
    start = span.col - 1
    end = span.end_col - 1 if span.end_line == span.line else len(line)
    end = max(end, start + 1)
    offset = 0
    if len(line) > MAX_SNIPPET:  # keep very long lines readable
        offset = max(0, start - MAX_SNIPPET // 2)
        line = line[offset : offset + MAX_SNIPPET]
        start -= offset
        end = min(end - offset, len(line) + 1)
    shown = _printable(line).replace("\t", " ")
    gutter = str(span.line)
    pad = " " * len(gutter)
    marker = " " * start + "^" + "~" * max(0, end - start - 1)
    return [
        f" {gutter} | {shown}",
        f" {pad} | {_paint(marker, 'bold', colour)}",
    ]


def _where(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.col}"


def format_text(
    diagnostic: Diagnostic, sources: Mapping[str, SourceFile], *, colour: bool = False, snippet: bool = True
) -> str:
    d = diagnostic
    head = f"{_where(d.span)}: {_paint(f'{d.severity}[{d.code}]', d.severity, colour)}: {d.message}"
    lines = [head]
    if snippet:
        lines += _snippet(d.span, sources.get(d.span.file), colour)
    for note in d.notes:
        lines.append(f"{_where(note.span)}: {_paint('note', 'note', colour)}: {note.message}")
        if snippet:
            lines += _snippet(note.span, sources.get(note.span.file), colour)
    if d.hint:
        lines.append(f"  {_paint('help', 'help', colour)}: {d.hint}")
    return "\n".join(lines)


def format_summary(diagnostics: Iterable[Diagnostic], files: int) -> str:
    diagnostics = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    checked = f"{files} file{'s' if files != 1 else ''}"
    if not errors and not warnings:
        return f"{checked} checked: no problems"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{checked} checked: " + ", ".join(parts)


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    import json  # only for --format json; keeps start-up short

    return json.dumps(
        [
            {
                "file": d.span.file,
                "line": d.span.line,
                "column": d.span.col,
                "end_line": d.span.end_line,
                "end_column": d.span.end_col,
                "severity": str(d.severity),
                "code": d.code,
                "message": d.message,
                **({"hint": d.hint} if d.hint else {}),
                **(
                    {
                        "notes": [
                            {
                                "file": n.span.file,
                                "line": n.span.line,
                                "column": n.span.col,
                                "end_line": n.span.end_line,
                                "end_column": n.span.end_col,
                                "message": n.message,
                            }
                            for n in d.notes
                        ]
                    }
                    if d.notes
                    else {}
                ),
            }
            for d in diagnostics
        ],
        indent=2,
        ensure_ascii=False,
    )
