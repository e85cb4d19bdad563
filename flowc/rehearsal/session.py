"""``flowc test``: find the ``*.calls`` files and their flows, rehearse every
call, and collect the diagnostics, transcripts and coverage."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, has_errors
from ..source import SourceFile
from .flows import FlowIndex
from .runner import Rehearsal, check_names, open_server, rehearse
from .scenario import SUFFIX, CallsFile, parse

FLOW_SUFFIX = ".flow"


class NothingToRehearse(Exception):
    """No ``.calls`` file under the paths given."""


@dataclass
class Session:
    build: object = None
    index: FlowIndex | None = None
    files: list[CallsFile] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # flows' errors and scenario files' problems
    rehearsals: list[Rehearsal] = field(default_factory=list)
    server: object = None

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics) or any(not r.passed for r in self.rehearsals)


def _walk(path: str, suffix: str) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
        found.extend(os.path.normpath(os.path.join(root, f)) for f in sorted(files) if f.endswith(suffix))
    return found


def collect(paths: Iterable[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """``(calls files, flow files, {calls file: the flow file it must call})``.

    A directory means every ``.calls`` and ``.flow`` file under it; a
    ``.calls`` file brings the ``.flow`` files beside it; a ``.flow`` file
    brings the ``.calls`` files beside it that call it."""
    calls: list[str] = []
    flows: list[str] = []
    only: dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            calls += _walk(path, SUFFIX)
            flows += _walk(path, FLOW_SUFFIX)
        elif path.endswith(SUFFIX):
            calls.append(os.path.normpath(path))
            flows += _walk_dir(os.path.dirname(path) or ".")
        else:
            flows.append(os.path.normpath(path))
            flows += _walk_dir(os.path.dirname(path) or ".")
            for beside in _walk_dir(os.path.dirname(path) or ".", SUFFIX):
                calls.append(beside)
                only[beside] = path
    return _unique(calls), _unique(flows), only


def _walk_dir(directory: str, suffix: str = FLOW_SUFFIX) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.normpath(os.path.join(directory, n)) for n in names if n.endswith(suffix)]


def _unique(paths: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for p in paths:
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def load(paths: Iterable[str]) -> Session:
    """Read the flows and the scenario files; nothing is rehearsed yet."""
    from ..project import load as load_flows
    from ..project import read

    calls, flows, only = collect(paths)
    if not calls:
        raise NothingToRehearse(", ".join(paths))
    session = Session()
    names: dict[str, str] = {}
    if flows:
        build = load_flows(flows)
        names = {os.path.realpath(u.path): u.flow.name for u in build.units if u.flow is not None}
        session.build = build
        session.sources.update(build.sources())
        session.diagnostics.extend(d for d in build.diagnostics if d.severity == "error")
        session.index = FlowIndex.of(build.known.values())
    else:
        session.index = FlowIndex.of(())
    for path in calls:
        source, problems = read(path)
        if source is None:
            session.diagnostics.extend(problems)
            continue
        file, found = parse(source)
        if path in only:
            wanted = names.get(os.path.realpath(only[path]), os.path.basename(only[path]).removesuffix(FLOW_SUFFIX))
            if file.flow != wanted:
                continue
        session.sources[path] = source
        session.files.append(file)
        session.diagnostics.extend(found)
        if not found:
            session.diagnostics.extend(check_names(file, session.index))
    return session


def run(session: Session, against: str = "flows", token: str | None = None) -> Session:
    """Rehearse every call of every file without problems."""
    if has_errors(session.diagnostics) and session.build is not None and not session.build.ok:  # type: ignore[attr-defined]
        return session  # the flows do not compile: nothing to call
    assert session.index is not None
    broken = {d.span.file for d in session.diagnostics}
    server = open_server(against, session.build, session.index, token=token)
    session.server = server
    for file in session.files:
        if file.path in broken:
            continue
        for scenario in file.scenarios:
            session.rehearsals.append(rehearse(file, scenario, server, session.index))
    return session


# ---- flowc paths ------------------------------------------------------------------------------------


@dataclass
class FlowPaths:
    flow: str
    file: str  # where --write puts them
    paths: list
    truncated: bool
    header: list[str] = field(default_factory=list)  # the settings of the hand-written FLOW.calls


def _header(calls_path: str) -> tuple[list[str], CallsFile | None]:
    """The settings of a hand-written ``.calls`` file beside the flow (its
    stubs, numbers and media lengths), to take the same paths it would."""
    from ..project import read

    if not os.path.isfile(calls_path):
        return [], None
    source, _ = read(calls_path)
    if source is None:
        return [], None
    file, problems = parse(source)
    if problems:
        return [], None
    lines = source.text.splitlines()
    start = file.flow_span.line if file.declared else 0
    header = []
    for line in lines[start:]:
        if line.strip() and not line[:1].isspace() and not line.lstrip().startswith("#"):
            break
        if line.strip() and not line.lstrip().startswith("#"):
            header.append(line.rstrip())
    return (header if file.declared else []), file


def paths(flow_paths: Iterable[str], against: str = "flows", limit: int = 500) -> tuple[Session, list[FlowPaths]]:
    from ..project import load as load_flows
    from . import paths as enumerate_
    from .runner import _stub_answer, settings_for
    from .scenario import Scenario

    build = load_flows(flow_paths)
    session = Session(build=build, index=FlowIndex.of(build.known.values()))
    session.sources.update(build.sources())
    session.diagnostics.extend(d for d in build.diagnostics if d.severity == "error")
    if has_errors(session.diagnostics):
        return session, []
    assert session.index is not None
    server = open_server(against, build, session.index)
    session.server = server
    found = []
    for flow in build.flows:
        base = flow.path.removesuffix(FLOW_SUFFIX)
        header, hand = _header(base + SUFFIX)
        server.stubs = {}
        file = hand or CallsFile(path=base + SUFFIX, source=SourceFile(base + SUFFIX, ""), flow=flow.name,
                                 flow_span=flow.name_span)
        if hand is not None and hand.flow == flow.name:
            for stub in hand.stubs:
                server.stubs[stub.path] = _stub_answer(stub, session.index, flow.name)
        else:
            header = []
            file = CallsFile(path=base + SUFFIX, source=SourceFile(base + SUFFIX, ""), flow=flow.name,
                             flow_span=flow.name_span)
        settings = settings_for(file, Scenario("paths", flow.name_span), session.index)
        entry = session.index.entry_url(flow)
        listed, truncated = enumerate_.enumerate_paths(server, session.index, entry, settings, limit)
        found.append(FlowPaths(flow.name, base + ".paths" + SUFFIX, listed, truncated, header))
    return session, found
