"""What ``flowc test`` prints: diagnostics (text, JSON, SARIF or GitHub
annotations), the transcript of each failed call, a summary, and coverage."""

from __future__ import annotations

from dataclasses import replace

import click

from ..diagnostics import Diagnostic
from .coverage import Coverage
from .runner import transcript_text


def _with_transcripts(session) -> list[Diagnostic]:
    """Every diagnostic; those of a call carry its transcript in their hint,
    for the formats read by tools."""
    out = list(session.diagnostics)
    for r in session.rehearsals:
        text = transcript_text(r, session.server)
        for d in r.diagnostics:
            hint = f"{d.hint}\n" if d.hint else ""
            out.append(replace(d, hint=f"{hint}transcript:\n{text}"))
    return out


def emit(session, *, fmt: str, colour: bool, verbose: bool, coverage: bool) -> None:
    from ..render import format_text, to_github, to_json, to_sarif

    if fmt != "text":
        diagnostics = _with_transcripts(session)
        if fmt == "json":
            click.echo(to_json(diagnostics))
        elif fmt == "sarif":
            click.echo(to_sarif(diagnostics))
        elif diagnostics:
            click.echo(to_github(diagnostics))
        if coverage:
            click.echo(Coverage.of(session).text(), err=True)
        return
    for d in session.diagnostics:
        click.echo(format_text(d, session.sources, colour=colour), err=True)
    for r in session.rehearsals:
        if r.passed and not verbose:
            continue
        for d in r.diagnostics:
            click.echo(format_text(d, session.sources, colour=colour), err=True)
        click.echo(_indent(transcript_text(r, session.server)), err=True)
        click.echo("", err=True)
    if coverage:
        click.echo(Coverage.of(session).text(), err=True)
    click.echo(summary(session), err=True)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


def summary(session) -> str:
    calls = len(session.rehearsals)
    failed = sum(not r.passed for r in session.rehearsals)
    files = len(session.files)
    problems = sum(1 for d in session.diagnostics if d.severity == "error")
    text = f"{calls} call{'s' if calls != 1 else ''} rehearsed from {files} file{'s' if files != 1 else ''}: "
    text += f"{calls - failed} passed, {failed} failed"
    if problems:
        text += f"; {problems} error{'s' if problems != 1 else ''} in the files"
    return text
