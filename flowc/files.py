"""Finding and reading the ``.flow`` files of a build.

This module imports nothing that parses or checks, so a run that finds
every file unchanged (see :mod:`flowc.incremental`) never loads the parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .diagnostics import Diagnostic
from .source import DecodeFailure, SourceFile, Span, decode

FLOW_SUFFIX = ".flow"
MAX_FILE_BYTES = 8 * 1024 * 1024


class NoFlowFiles(Exception):
    """A directory argument holds no ``.flow`` file."""


def collect(paths: Iterable[str]) -> list[str]:
    """Expand directories into the ``.flow`` files under them (sorted), keep
    files as given, drop repeats."""
    found: list[str] = []
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            inside: list[tuple[str, str]] = []
            top = os.path.normpath(path)
            _walk("" if top == os.curdir else _with_sep(top), _with_sep(os.path.realpath(path)), inside)
            if not inside:
                raise NoFlowFiles(path)
            for candidate, key in inside:  # already normal: a normal directory and a name
                if key not in seen:
                    seen.add(key)
                    found.append(candidate)
            continue
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(os.path.normpath(path))
    return found


def _with_sep(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _walk(prefix: str, real_prefix: str, found: list[tuple[str, str]]) -> None:
    """The ``.flow`` files under the directory ``prefix`` names (empty for the
    working directory, else ending in a separator) as ``os.walk`` finds them
    (sorted, hidden directories and links to directories not entered), each
    with its real path. Paths are joined by hand, not by ``os.path.join``: a
    tree of ten thousand files is listed in a few milliseconds. Only a file
    that is itself a symbolic link costs a ``realpath``."""
    try:
        with os.scandir(prefix or os.curdir) as scan:
            entries = list(scan)
    except OSError:
        return
    dirs: list[str] = []
    files: list[os.DirEntry] = []
    for entry in entries:
        name = entry.name
        if name.endswith(FLOW_SUFFIX):
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry)
                continue
        elif name.startswith("."):
            continue  # a hidden directory is not entered; a hidden file is not a flow
        try:
            if entry.is_dir(follow_symlinks=False) and not name.startswith("."):
                dirs.append(name)
        except OSError:
            pass
    files.sort(key=lambda e: e.name)
    for entry in files:
        name = entry.name
        real = real_prefix + name
        found.append((prefix + name, os.path.realpath(real) if entry.is_symlink() else real))
    dirs.sort()
    for name in dirs:
        _walk(prefix + name + os.sep, real_prefix + name + os.sep, found)


def read(path: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    data, problems = read_bytes(path)
    if data is None:
        return None, problems
    return decode_file(path, data)


def read_bytes(path: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a file (at most ``MAX_FILE_BYTES`` and one more), or why it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read(MAX_FILE_BYTES + 1), []
    except OSError as exc:
        return None, [_report("FL009", f"cannot read the file: {exc.strerror or exc}", Span.point(path, 1, 1))]


def decode_file(path: str, data: bytes) -> tuple[SourceFile | None, list[Diagnostic]]:
    """The file's bytes as a :class:`SourceFile`, or why they are not a flow's text."""
    start = Span.point(path, 1, 1)
    if len(data) > MAX_FILE_BYTES:
        return None, [
            _report("FL009", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", start)
        ]
    try:
        text = decode(data)
    except DecodeFailure as exc:
        return None, [
            _report(
                "FL002",
                f"the file is not UTF-8 text: {exc.reason}",
                Span.point(path, exc.line, exc.col),
                hint="save the file as UTF-8",
            )
        ]
    return SourceFile(path, text), []


def _neighbours(paths: Iterable[str], exclude: set[str]) -> list[str]:
    out = []
    for directory in sorted({os.path.dirname(os.path.abspath(p)) for p in paths}):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            full = os.path.join(directory, name)
            if name.endswith(FLOW_SUFFIX) and os.path.realpath(full) not in exclude and os.path.isfile(full):
                out.append(full)
    return out




def _report(code: str, message: str, span: Span, **more) -> Diagnostic:
    from .codes import report

    return report(code, message, span, **more)
