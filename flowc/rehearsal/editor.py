"""The language server's view of a ``.calls`` file: its problems and its outline.

While typing, a scenario file is read and its names checked against the
flows beside it (``FL951``, ``FL952``); when it is opened or saved, its calls
are also rehearsed against the flows, so failed expectations show on their
lines as they do in ``flowc test``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..diagnostics import Diagnostic
from ..source import SourceFile
from .flows import FlowIndex
from .scenario import SUFFIX, CallsFile, parse


def _flows_beside(path: str, texts: Mapping[str, str]):
    from ..project import load

    directory = os.path.dirname(path) or "."
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".flow"))
    except OSError:
        names = []
    extra = [p for p in texts if p.endswith(".flow") and os.path.dirname(p) == directory]
    files = sorted({os.path.join(directory, n) for n in names} | set(extra))
    return load(files, texts=texts) if files else None


def diagnostics(path: str, texts: Mapping[str, str], rehearse: bool = False) -> list[Diagnostic]:
    from .runner import check_names, open_server
    from .runner import rehearse as play

    text = texts.get(path)
    if text is None:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return []
    file, found = parse(SourceFile(path, text))
    if found:
        return found
    build = _flows_beside(path, texts)
    index = FlowIndex.of(build.known.values() if build is not None else ())
    found = check_names(file, index)
    if found or not rehearse or build is None or not build.ok:
        return found
    server = open_server("flows", build, index)
    for scenario in file.scenarios:
        found.extend(play(file, scenario, server, index).diagnostics)
    return found


def outline(path: str, text: str) -> CallsFile:
    file, _ = parse(SourceFile(path, text))
    return file


def is_calls(path: str) -> bool:
    return path.endswith(SUFFIX)
