"""A build: the files asked for, their flows, and every diagnostic about them.

:func:`load` reads and parses the files, resolves cross-flow references
(against the build and, when a name is missing, against the ``.flow`` files
beside the ones asked for) and runs the checks. Backends receive a
:class:`Build` with no errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from . import ir
from .checks import LOCAL_CHECKS, CheckContext, run_checks
from .codes import report
from .diagnostics import Diagnostic, Severity, has_errors
from .files import (  # noqa: F401 (part of this module's interface)
    FLOW_SUFFIX,
    MAX_FILE_BYTES,
    NoFlowFiles,
    _neighbours,
    collect,
    decode_file,
    read,
    read_bytes,
)
from .records import record
from .source import SourceFile
from .syntax import Parsed, parse_recovering


@record(kw_only=True)
class Unit:
    """One file of the build."""

    path: str
    source: SourceFile | None  # None when it could not be read or decoded
    flow: ir.Flow | None  # None when it did not parse
    partial: ir.Flow | None = None  # what did parse of a file with syntax errors
    skipped: frozenset[int] = frozenset()  # lines of `partial` that did not parse


@record(kw_only=True)
class Build:
    units: tuple[Unit, ...]
    diagnostics: tuple[Diagnostic, ...]  # sorted by file and position
    known: dict[str, ir.Flow]  # every flow a reference can reach, by name

    @property
    def flows(self) -> tuple[ir.Flow, ...]:
        return tuple(u.flow for u in self.units if u.flow is not None)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    def sources(self) -> dict[str, SourceFile]:
        return {u.path: u.source for u in self.units if u.source is not None}


def _parse_file(
    path: str,
    texts: Mapping[str, str] | None = None,
    parse: Callable[[SourceFile], Parsed] = parse_recovering,
) -> tuple[Unit, list[Diagnostic]]:
    source: SourceFile | None
    found: list[Diagnostic]
    if texts is not None and path in texts:
        source, found = SourceFile(path, texts[path]), []
    else:
        source, found = read(path)
    if source is None:
        return Unit(path=path, source=None, flow=None), found
    return parse_source(source, parse)


def parse_source(
    source: SourceFile, parse: Callable[[SourceFile], Parsed] = parse_recovering
) -> tuple[Unit, list[Diagnostic]]:
    """Parse one file's text: its unit and the problems found on the way."""
    path = source.path
    parsed = parse(source)
    found = list(parsed.diagnostics)
    if not parsed.complete:
        return Unit(path=path, source=source, flow=None, partial=parsed.flow, skipped=parsed.skipped), found
    flow = parsed.flow
    if flow is not None and not flow.steps:
        found.append(
            report("FL008", "the file has no step and no verb: there is nothing to build", flow.name_span)
        )
    return Unit(path=path, source=source, flow=flow), found


def _missing_flows(flows: Iterable[ir.Flow], known: dict[str, ir.Flow]) -> bool:
    return any(name not in known for flow in flows for name in referenced_flows(flow))


def referenced_flows(flow: ir.Flow) -> set[str]:
    """The names of the other flows ``flow`` refers to (``-> billing.start``)."""
    found = set()
    for step in flow.steps:
        for verb in ir.walk(step.verbs):
            for target in ir.targets(verb):
                if isinstance(target, ir.StepTarget) and target.flow is not None:
                    found.add(target.flow)
    return found


def load(
    paths: Iterable[str],
    *,
    neighbours: bool = True,
    texts: Mapping[str, str] | None = None,
    parse: Callable[[SourceFile], Parsed] = parse_recovering,
    check: Callable[[CheckContext], list[Diagnostic]] = run_checks,
) -> Build:
    """Read, parse and check the given files (directories are expanded).

    ``texts`` maps paths to text that replaces the file's content on disk (an
    editor's unsaved buffers); ``parse`` parses a file and ``check`` runs the
    checks (the language server passes ones that reuse what they found in
    earlier versions)."""
    files = collect(paths)
    units: list[Unit] = []
    diagnostics: list[Diagnostic] = []
    for path in files:
        unit, found = _parse_file(path, texts, parse)
        units.append(unit)
        diagnostics.extend(found)

    known: dict[str, ir.Flow] = {}
    unparsed: set[str] = set()
    for unit in units:
        if unit.flow is not None:
            known.setdefault(unit.flow.name, unit.flow)
        else:
            unparsed.add(SourceFile(unit.path, "").stem)
            if unit.partial is not None:
                unparsed.add(unit.partial.name)
    parsed = [u.flow for u in units if u.flow is not None]

    if neighbours and _missing_flows(parsed, known):
        exclude = {os.path.realpath(p) for p in files}
        for path in _neighbours(files, exclude):
            unit, _ = _parse_file(path, texts, parse)  # a neighbour's own problems are its own
            if unit.flow is not None:
                known.setdefault(unit.flow.name, unit.flow)
            else:
                unparsed.add(SourceFile(path, "").stem)

    ctx = CheckContext(flows=tuple(parsed), known=known, unparsed=frozenset(unparsed - set(known)))
    diagnostics.extend(check(ctx))
    diagnostics.extend(_check_partial(units))
    diagnostics.sort(key=Diagnostic.sort_key)
    return Build(units=tuple(units), diagnostics=tuple(diagnostics), known=known)


def _check_partial(units: Iterable[Unit]) -> list[Diagnostic]:
    """The local checks, on what parsed of the files with syntax errors.

    A partial flow lacks the lines that did not parse, so whatever needs the
    whole flow (references, reachability, cycles, the entry step, settings)
    would report false problems on it and does not run. The local checks
    look at one verb or one step's sequence at a time; what they find on a
    line that did not parse is dropped (its syntax error says enough). Other
    flows treat a partial flow as one that did not parse: references to it
    are not checked.
    """
    found: list[Diagnostic] = []
    for unit in units:
        if unit.partial is None:
            continue
        ctx = CheckContext(flows=(unit.partial,), known={})
        found.extend(
            d
            for d in run_checks(ctx, LOCAL_CHECKS)
            if d.span.line not in unit.skipped and not (d.notes and _on_skipped(d, unit))
        )
    return found


def _on_skipped(d: Diagnostic, unit: Unit) -> bool:
    return any(n.span.file == unit.path and n.span.line in unit.skipped for n in d.notes)


def promote_warnings(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """``--werror``: every warning becomes an error."""
    return tuple(
        replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d for d in diagnostics
    )
