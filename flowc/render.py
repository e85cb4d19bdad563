"""Two renderings of diagnostics: text for people, JSON for tools.

Text: ``path:line:col: severity[CODE]: message``, then the source line with
``^~~~`` under the span, then notes and ``help:``. Colour only when asked for
or on a terminal without ``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .diagnostics import Diagnostic, Fix, Severity
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
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in text)


def _snippet(span: Span, source: SourceFile | None, colour: bool) -> list[str]:
    if source is None:
        return []
    line = source.line_text(span.line)
    if not line and span.line > source.line_count:
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


def _json_fix(fix: Fix) -> dict:
    """A fix as JSON: its title, whether ``check --fix`` applies it, and its
    edits (the text that replaces each range; columns are 1-based, the end
    exclusive, as for diagnostics)."""
    return {
        "title": fix.title,
        "safe": fix.safe,
        "edits": [
            {
                "file": e.span.file,
                "line": e.span.line,
                "column": e.span.col,
                "end_line": e.span.end_line,
                "end_column": e.span.end_col,
                "text": e.text,
            }
            for e in fix.edits
        ],
    }


def _sarif_fix(fix: Fix) -> dict:
    """A fix in SARIF's shape: one artifact change per file, each a list of
    replacements."""
    changes: dict[str, list[dict]] = {}
    for e in fix.edits:
        changes.setdefault(e.span.file, []).append(
            {"deletedRegion": _region(e.span), "insertedContent": {"text": e.text}}
        )
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {"artifactLocation": _artifact(file), "replacements": replacements}
            for file, replacements in changes.items()
        ],
    }


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
                **({"fixes": [_json_fix(f) for f in d.fixes]} if d.fixes else {}),
            }
            for d in diagnostics
        ],
        indent=2,
        ensure_ascii=False,
    )


# ---- machine formats for CI -------------------------------------------------------

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"


def _artifact(path: str) -> dict:
    """A SARIF artifact location: relative paths stay relative to the
    directory flowc ran in (``%SRCROOT%``), which is what code scanning
    resolves against the repository; absolute paths become ``file:`` URIs."""
    import pathlib
    from urllib.parse import quote

    p = pathlib.PurePath(path)
    if p.is_absolute():
        return {"uri": pathlib.Path(path).as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict:
    return {
        "startLine": span.line,
        "startColumn": span.col,
        "endLine": span.end_line,
        "endColumn": max(span.end_col, 1),
    }


def _location(span: Span) -> dict:
    return {"physicalLocation": {"artifactLocation": _artifact(span.file), "region": _region(span)}}


def help_uri(code, docs_url: str | None) -> str | None:
    """The address of a code's section in the diagnostics reference, when the
    reference has a public address (``docs_url``)."""
    if not docs_url:
        return None
    return f"{docs_url}#{code.id.lower()}-{code.name}"


def _docs_url() -> str | None:
    """The diagnostics reference's address, from the installed package's
    ``Documentation`` project URL (none when the package declares none)."""
    from importlib import metadata

    try:
        urls = metadata.metadata("flowc").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip().rstrip("/") + "/diagnostics.md"
    return None


def to_sarif(
    diagnostics: Iterable[Diagnostic], *, docs_url: str | None = None, cwd: str | None = None
) -> str:
    """A SARIF 2.1.0 log with one run: every code of the registry as a rule,
    every diagnostic as a result. Columns count Unicode code points."""
    import json
    import os
    import pathlib

    from . import __version__
    from .codes import REGISTRY

    docs_url = docs_url if docs_url is not None else _docs_url()
    index = {code_id: i for i, code_id in enumerate(REGISTRY)}
    rules = []
    for code in REGISTRY.values():
        rule = {
            "id": code.id,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "fullDescription": {"text": code.explanation.strip()},
            "help": {"text": code.explanation.strip(), "markdown": code.explanation.strip()},
            "defaultConfiguration": {"level": _SARIF_LEVELS[code.severity]},
            "properties": {"tags": [str(code.severity)]},
        }
        uri = help_uri(code, docs_url)
        if uri:
            rule["helpUri"] = uri
        rules.append(rule)
    results = []
    for d in diagnostics:
        text = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": _SARIF_LEVELS[d.severity],
            "message": {"text": text},
            "locations": [_location(d.span)],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fixes:
            result["fixes"] = [_sarif_fix(f) for f in d.fixes]
        if d.notes:
            result["relatedLocations"] = [
                {"id": i, "message": {"text": n.message}, **_location(n.span)} for i, n in enumerate(d.notes)
            ]
        results.append(result)
    root = pathlib.Path(cwd or os.getcwd()).as_uri().rstrip("/") + "/"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flowc",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                        **({"informationUri": docs_url} if docs_url else {}),
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def to_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one line per diagnostic:
    ``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message``.
    Notes and the hint follow the message on lines of their own (escaped)."""
    from .codes import REGISTRY

    out = []
    for d in diagnostics:
        s = d.span
        props = {"file": s.file, "line": s.line, "endLine": s.end_line}
        if s.end_line == s.line:
            # GitHub takes columns only for a one-line annotation; its end
            # column is the last character's (ours is one past it).
            props.update(col=s.col, endColumn=max(s.col, s.end_col - 1))
        code = REGISTRY.get(d.code)
        props["title"] = f"{d.code} {code.name}" if code else d.code
        lines = [d.message]
        lines += [f"{n.span.file}:{n.span.line}:{n.span.col}: note: {n.message}" for n in d.notes]
        if d.hint:
            lines.append(f"help: {d.hint}")
        order = ("file", "line", "col", "endLine", "endColumn", "title")
        head = ",".join(f"{k}={_escape_property(str(props[k]))}" for k in order if k in props)
        out.append(f"::{_GITHUB_COMMANDS[d.severity]} {head}::{_escape_data(chr(10).join(lines))}")
    return "\n".join(out)
