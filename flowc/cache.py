"""The cache of what each file produced, for incremental checks and builds.

One cache file per set of arguments (the working directory and the paths as
given) lives in the cache directory: ``$FLOWC_CACHE_DIR`` when set, else
``$XDG_CACHE_HOME/flowc``, else ``~/.cache/flowc`` (``--cache-dir`` on the
command line overrides them all). It holds plain JSON data, never code:

- ``files``: per file, the hash of its bytes, a summary (flow name, the
  flows it refers to), the diagnostics found in the file alone (parsing, and
  the local checks of a file with syntax errors), what the TwiML target cannot
  express in it, and the hash of each TwiML document it gives;
- ``stats``: per file, the ``stat`` it had when it was hashed, so an unchanged
  file is not read again (a file modified less than two seconds before the
  run that wrote the cache began is always read: its time stamp may not show
  a later change);
- ``groups``: the diagnostics of the checks that need several flows, per
  group of files that refer to one another (see :mod:`flowc.incremental`),
  keyed by the hashes of the group's files;
- ``outputs``: per output directory, the documents the last build left there
  and the ``stat`` of the manifest and of each document's directory.

Its small *quick* part, read first, holds the last run's diagnostics with a
digest of every file's ``stat``, and the text reports that run printed (see
:mod:`flowc.incremental`), so that a run in which nothing changed reads
nothing else.

Everything is keyed by what can change a result: the cache file's
``environment`` is a digest of flowc's version, its own files (code, grammar,
vocabulary) and the Python, Lark and lxml it runs on, so another flowc, an
upgraded library or an edited grammar finds a foreign cache and starts afresh.
The body is checked against a digest before it is read; a cache file that is
truncated, corrupt, foreign or not what it should be is ignored (and replaced
at the end of the run), never trusted. The cache is written atomically; a
lost or damaged one costs one full build, nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from typing import Any

from .diagnostics import Diagnostic, Edit, Fix, Note, Severity
from .source import Span

FORMAT = 1
MAGIC = b"flowc-cache 2\n"
KEEP = 64  # cache files kept in the directory; the least recently used go first
SUFFIX = ".json"


def default_dir() -> str:
    """Where the cache lives unless ``--cache-dir`` says otherwise."""
    explicit = os.environ.get("FLOWC_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "flowc")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _stat_key(path: str) -> list[Any]:
    try:
        st = os.stat(path)
    except OSError:
        return [path, None]
    return [path, st.st_size, st.st_mtime_ns]


def environment() -> str:
    """A digest of everything besides a file's bytes that can change what flowc makes of it."""
    from . import __version__

    here = os.path.dirname(os.path.abspath(__file__))
    parts: list[Any] = [FORMAT, __version__, sys.version, sys.implementation.cache_tag]
    for root, dirs, files in os.walk(here):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        parts.extend(_stat_key(os.path.join(root, f)) for f in sorted(files) if not f.endswith(".pyc"))
    # The grammar of a source tree sits beside the package (an installed one is inside it).
    parts.append(_stat_key(os.path.join(os.path.dirname(here), "grammar", "flow.lark")))
    import importlib.util

    for package in ("lark", "lxml"):
        spec = importlib.util.find_spec(package)
        parts.append(_stat_key(spec.origin) if spec is not None and spec.origin else [package, None])
    return digest(json.dumps(parts).encode("utf-8"))


# ---- diagnostics as JSON values ------------------------------------------------------


def _span(s: Span) -> list[Any]:
    return [s.file, s.line, s.col, s.end_line, s.end_col]


def encode(d: Diagnostic) -> list[Any]:
    return [
        d.code,
        d.severity.value,
        d.message,
        _span(d.span),
        [[n.message, _span(n.span)] for n in d.notes],
        d.hint,
        [[f.title, f.safe, [[_span(e.span), e.text] for e in f.edits]] for f in d.fixes],
    ]


def _unspan(v: list[Any]) -> Span:
    file, line, col, end_line, end_col = v
    if not isinstance(file, str) or not all(type(x) is int for x in (line, col, end_line, end_col)):
        raise ValueError("not a span")
    return Span(file, line, col, end_line, end_col)


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("not a text")
    return v


def decode(v: list[Any]) -> Diagnostic:
    """The diagnostic :func:`encode` gave; ``ValueError`` (or ``TypeError``) for anything else."""
    code, severity, message, span, notes, hint, fixes = v
    if hint is not None:
        _text(hint)
    return Diagnostic(
        code=_text(code),
        severity=Severity(severity),
        message=_text(message),
        span=_unspan(span),
        notes=tuple(Note(message=_text(m), span=_unspan(s)) for m, s in notes),
        hint=hint,
        fixes=tuple(
            Fix(
                title=_text(title),
                safe=bool(safe),
                edits=tuple(Edit(span=_unspan(s), text=_text(t)) for s, t in edits),
            )
            for title, safe, edits in fixes
        ),
    )


# ---- the cache file ----------------------------------------------------------------------


class Cache:
    """The cache of one set of arguments: plain data, read once and written once.

    The file has two parts: a small *quick* one (the last run's result, and a
    digest of the ``stat`` of every file it read, so a run in which nothing
    changed is answered from it alone) and the *full* one (the records above),
    parsed only when a file changed."""

    SECTIONS = ("files", "stats", "groups", "outputs")

    def __init__(self, path: str | None, environment: str):
        self.path = path
        self.environment = environment
        self.quick: dict[str, Any] = {}
        self.written_ns = 0  # when the run that wrote the cache began
        self.started_ns = time.time_ns()  # when this run began (before it read any file)
        self.ignored: str | None = None  # why a cache file that was there was not used
        self._raw: bytes | None = None  # the full part, parsed on first use
        self._digest: str | None = None
        self._full: dict[str, Any] | None = None

    @property
    def empty(self) -> bool:
        return not self.quick and not any(self.full().values())

    def clear(self, why: str) -> None:
        """Forget everything read from the cache file (it is replaced at the end of the run)."""
        self.quick = {}
        self._full = {name: {} for name in self.SECTIONS}
        self._raw = None
        self.written_ns = 0
        self.ignored = why

    def full(self) -> dict[str, Any]:
        if self._full is None:
            raw, self._raw = self._raw, None
            self._full = {name: {} for name in self.SECTIONS}
            if raw is not None:
                try:
                    if digest(raw) != self._digest:
                        raise ValueError("corrupt")
                    data = json.loads(raw)
                    if not isinstance(data, dict) or not all(isinstance(data.get(n), dict) for n in self.SECTIONS):
                        raise ValueError("not a cache")
                    self._full = {name: data[name] for name in self.SECTIONS}
                except ValueError as exc:
                    self.clear(str(exc))
        return self._full

    @property
    def files(self) -> dict[str, Any]:
        return self.full()["files"]

    @property
    def stats(self) -> dict[str, Any]:
        return self.full()["stats"]

    @property
    def groups(self) -> dict[str, Any]:
        return self.full()["groups"]

    @property
    def outputs(self) -> dict[str, Any]:
        return self.full()["outputs"]

    def replace(self, **parts: dict[str, Any]) -> None:
        self.full().update(parts)

    @classmethod
    def disabled(cls) -> Cache:
        return cls(None, "")

    @classmethod
    def open(cls, directory: str, arguments: list[str]) -> Cache:
        """The cache of these arguments (run in this directory), empty when there is none,
        or when the one there is corrupt or foreign."""
        key = digest(json.dumps([os.getcwd(), arguments]).encode("utf-8"))
        cache = cls(os.path.join(directory, key + SUFFIX), environment())
        try:
            with open(cache.path, "rb") as f:  # type: ignore[arg-type]
                raw = f.read()
        except OSError:
            return cache
        try:
            cache._read(raw)
        except (ValueError, TypeError, KeyError) as exc:
            cache.clear(str(exc) or type(exc).__name__)
        return cache

    def _read(self, raw: bytes) -> None:
        if not raw.startswith(MAGIC):
            raise ValueError("not a flowc cache file")
        head, sep, rest = raw[len(MAGIC) :].partition(b"\n")
        if not sep:
            raise ValueError("truncated")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("environment") != self.environment:
            raise ValueError("written by another flowc or for another grammar")
        size = meta["quick_size"]
        if type(size) is not int or not 0 <= size <= len(rest) or type(meta.get("written_ns")) is not int:
            raise ValueError("truncated")
        quick, full = rest[:size], rest[size:]
        if digest(quick) != meta.get("quick"):
            raise ValueError("corrupt")
        data = json.loads(quick)
        if not isinstance(data, dict):
            raise ValueError("not a cache")
        self.quick = data
        self.written_ns = meta["written_ns"]
        self._raw, self._digest = full, meta.get("full")

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is only a slower next run."""
        if self.path is None:
            return
        quick = json.dumps(self.quick, separators=(",", ":")).encode("utf-8")
        if self._full is None and self._raw is not None:
            full, full_digest = self._raw, self._digest  # never parsed, so unchanged: written back as read
        else:
            full = json.dumps(self.full(), separators=(",", ":")).encode("utf-8")
            full_digest = digest(full)
        head = json.dumps(
            {
                "environment": self.environment,
                "written_ns": self.started_ns,
                "quick_size": len(quick),
                "quick": digest(quick),
                "full": full_digest,
            }
        ).encode("utf-8")
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".flowc-", suffix=".tmp", dir=directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(MAGIC + head + b"\n" + quick + full)
                os.replace(tmp, self.path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
            _evict(directory)
        except OSError:
            pass


def _evict(directory: str) -> None:
    """Keep the ``KEEP`` most recently written cache files."""
    try:
        entries = [e for e in os.scandir(directory) if e.name.endswith(SUFFIX) and e.is_file()]
    except OSError:
        return
    if len(entries) <= KEEP:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
    for entry in entries[KEEP:]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
