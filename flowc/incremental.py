"""Checks and TwiML builds that redo only what changed, spread over processes.

``flowc check`` and ``flowc build`` (twiml target) run through :func:`analyse`,
which gives what :func:`flowc.project.load` gives (the same diagnostics, in
the same order, byte for byte) without parsing a file that did not change:

1. Every file is hashed (or, when its ``stat`` is as the cache recorded it,
   known unchanged). A file whose hash the cache holds is not parsed: its
   record says what the file alone produced (the diagnostics of parsing, or of
   the local checks of a file with syntax errors), its *summary* (its flow's
   name, the flows it refers to) and, once built, the hash of each TwiML
   document. The other files are parsed, spread over ``jobs`` processes.
2. From the summaries alone, the flows are put in *groups*: flows that refer
   to one another, or whose names are equal ignoring case, are in one group.
   Every check that needs more than one flow (references, duplicate names,
   cycles and reachability across flows, branch keys) looks only inside a
   group, so a group's diagnostics depend only on its files' bytes, and, when
   one of them refers to a flow that does not exist, on the names of all
   flows (for "did you mean"). The cache keeps them per group, keyed by
   exactly that. Only the groups whose key changed are checked again, each
   in one process, with the other flows present by name only.
3. For a build, each flow's documents depend only on that flow. A document
   whose hash is what the last build left in the output directory, in a
   directory that has not changed since, is neither rendered nor written
   again. The others are rendered and handed to :func:`flowc.output.write_tree`.

With one job, or little to parse, everything runs in this process. Worker
processes are forked once per run, when there are enough files to parse to
pay for them; each keeps the flows it parsed, so a group is checked where
most of its flows already are.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from typing import Any, cast

from . import records
from .cache import Cache, decode, digest, encode
from .diagnostics import Diagnostic
from .source import SourceFile

# Fewer files to parse than this, and the work stays in this process: forking
# workers and shipping results back costs more than it saves.
PARALLEL_FROM = 64
CHUNK = 32  # files per parse request to a worker
RACY_NS = 2_000_000_000  # a file modified this close to the cache's writing is read anyway
TEXTS = 4  # text reports the quick part of the cache keeps (colour or not, check or build...)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# ---- what one file gives ---------------------------------------------------------------


class _OneFlow:
    """A build of one flow, for the backend's per-flow entry points."""

    def __init__(self, flow):
        self.flows = (flow,)


def process(path: str, data: bytes, render: bool) -> tuple[dict[str, Any], dict[str, bytes] | None, Any]:
    """Decode and parse one file: its cache record, its TwiML documents (when
    ``render`` and the flow can be built as TwiML) and its flow (or None)."""
    from .checks import LOCAL_CHECKS, CheckContext, run_checks
    from .project import decode_file, parse_source, referenced_flows

    record: dict[str, Any] = {"h": digest(data)}
    source, found = decode_file(path, data)
    if source is None:
        record.update(k="bad", d=[encode(d) for d in found])
        return record, None, None
    unit, found = parse_source(source)
    if unit.flow is None:
        if unit.partial is not None:
            ctx = CheckContext(flows=(unit.partial,), known={})
            found.extend(
                d
                for d in run_checks(ctx, LOCAL_CHECKS)
                if d.span.line not in unit.skipped
                and not (d.notes and any(n.span.file == path and n.span.line in unit.skipped for n in d.notes))
            )
        record.update(
            k="partial", p=unit.partial.name if unit.partial is not None else None, d=[encode(d) for d in found]
        )
        return record, None, None
    from .backends import twiml

    flow = unit.flow
    unsupported = twiml.unsupported(_OneFlow(flow))
    record.update(
        k="ok",
        n=flow.name,
        r=sorted(referenced_flows(flow)),
        d=[encode(d) for d in found],
        u=[encode(d) for d in unsupported],
    )
    docs = None
    if render and not unsupported:
        docs = twiml.emit(_OneFlow(flow)).files
        record["x"] = list(docs)
        record["xh"] = _documents_digest(docs)
    return record, docs, flow


def _stub(name: str):
    """A flow known by name only: what a group sees of the flows outside it."""
    from . import ir
    from .source import Span

    return ir.Flow(
        name=name, name_span=Span("", 1, 1, 1, 2), declared=True, path="", settings=ir.Settings(), steps=()
    )


def check_group(
    members: list[tuple[str, bool]], names: list[str] | None, unparsed: list[str], flows: Mapping[str, Any]
) -> list[list[Any]]:
    """The diagnostics of the checks on one group: ``members`` are its files
    (path, whether it is a file of the build rather than a neighbour), in
    build order; ``names`` every known flow name in build order, when a flow
    of the group refers to a flow that does not exist."""
    from .checks import CheckContext, run_checks

    own: dict[str, Any] = {}
    for path, _ in members:
        own.setdefault(flows[path].name, flows[path])
    known = own if names is None else {n: own.get(n) or _stub(n) for n in names}
    ctx = CheckContext(
        flows=tuple(flows[path] for path, built in members if built),
        known=known,
        unparsed=frozenset(unparsed),
    )
    return [encode(d) for d in run_checks(ctx)]


# ---- workers -----------------------------------------------------------------------------


class WorkerFailed(Exception):
    """A worker process failed (a bug in flowc): the message is the worker's
    exception; ``details`` its whole traceback (shown by ``--debug``)."""

    def __init__(self, details: str):
        lines = [line for line in details.strip().splitlines() if line.strip()]
        super().__init__(f"in a worker process: {lines[-1] if lines else details}")
        self.details = details

    def __str__(self) -> str:
        return str(self.args[0]) + ("\n" + self.details if _debugging() else "")


def _debugging() -> bool:
    import sys

    return "--debug" in sys.argv[1:]


class _Local:
    """The work done in this process."""

    def __init__(self) -> None:
        self.flows: dict[str, Any] = {}

    def parse(self, items: list[tuple[str, bytes]], render: bool) -> list[tuple[str, dict, Any]]:
        out = []
        for path, data in items:
            record, docs, flow = process(path, data, render)
            if flow is not None:
                self.flows[path] = flow
            out.append((path, record, docs))
        return out

    def check(self, groups: list[tuple], items: list[tuple[str, bytes]]) -> list[tuple[int, list]]:
        for path, data in items:
            if path not in self.flows:
                _, _, flow = process(path, data, False)
                if flow is not None:
                    self.flows[path] = flow
        return [(gid, check_group(members, names, unparsed, self.flows)) for gid, members, names, unparsed in groups]


def _serve(conn) -> None:
    """A worker's loop: requests from the parent, answers back, until told to stop."""
    import gc

    gc.freeze()  # what the parent had is never garbage; do not scan it on every collection
    local = _Local()
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        kind = request[0]
        if kind == "stop":
            return
        answer: tuple[str, Any]
        try:
            if kind == "parse":
                answer = ("ok", local.parse(request[1], request[2]))
            else:
                answer = ("ok", local.check(request[1], request[2]))
        except BaseException:
            answer = ("error", traceback.format_exc())
        conn.send(answer)


class _Pool:
    """``jobs`` forked workers; remembers which one holds which file's flow."""

    def __init__(self, jobs: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conns = []
        self.procs = []
        for _ in range(jobs):
            parent, child = context.Pipe()
            proc = context.Process(target=_serve, args=(child,), daemon=True)
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)
        self.owner: dict[str, int] = {}

    def _answer(self, conn) -> Any:
        try:
            status, value = conn.recv()
        except EOFError:
            raise WorkerFailed("a worker process ended unexpectedly") from None
        if status != "ok":
            raise WorkerFailed(value)
        return value

    def parse(self, items: list[tuple[str, bytes]], render: bool) -> list[tuple[str, dict, Any]]:
        from multiprocessing.connection import wait

        chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
        chunks.reverse()
        busy: dict[Any, int] = {}
        results: list[tuple[str, dict, Any]] = []
        for index, conn in enumerate(self.conns):
            if chunks:
                conn.send(("parse", chunks.pop(), render))
                busy[conn] = index
        while busy:
            for ready in wait(list(busy)):
                conn = cast(Any, ready)
                index = busy.pop(conn)
                for path, record, docs in self._answer(conn):
                    if record.get("k") == "ok":
                        self.owner[path] = index
                    results.append((path, record, docs))
                if chunks:
                    conn.send(("parse", chunks.pop(), render))
                    busy[conn] = index
        order = {path: i for i, (path, _) in enumerate(items)}
        results.sort(key=lambda r: order[r[0]])
        return results

    def check(self, groups: list[tuple], data) -> list[tuple[int, list]]:
        batches: list[list[tuple]] = [[] for _ in self.conns]
        needs: list[list[str]] = [[] for _ in self.conns]
        load = [0] * len(self.conns)
        for group in groups:
            members = group[1]
            counts = [0] * len(self.conns)
            for path, _ in members:
                if path in self.owner:
                    counts[self.owner[path]] += 1
            best = max(range(len(self.conns)), key=lambda i: (counts[i], -load[i]))
            batches[best].append(group)
            load[best] += len(members)
            for path, _ in members:
                if self.owner.get(path) != best:
                    needs[best].append(path)
                    self.owner[path] = best
        sent = []
        for index, conn in enumerate(self.conns):
            if batches[index]:
                conn.send(("check", batches[index], [(p, data(p)) for p in needs[index]]))
                sent.append(conn)
        results = []
        for conn in sent:
            results.extend(self._answer(conn))
        return results

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(("stop",))
                conn.close()
            except OSError:
                pass
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()


# ---- the analysis --------------------------------------------------------------------------


class _Changed(Exception):
    """A file changed while flowc was reading the files: start again, reading every file."""


class Sources(Mapping[str, SourceFile]):
    """The build's files, decoded when asked for (only files with diagnostics are)."""

    def __init__(self, files: list[str], bytes_of):
        self._files = set(files)
        self._bytes_of = bytes_of
        self._decoded: dict[str, SourceFile | None] = {}

    def __getitem__(self, path: str) -> SourceFile:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def get(self, path: str, default: Any = None) -> Any:
        if path not in self._files:
            return default
        if path not in self._decoded:
            from .files import decode_file

            data = self._bytes_of(path)
            self._decoded[path] = decode_file(path, data)[0] if data is not None else None
        found = self._decoded[path]
        return default if found is None else found

    def __iter__(self) -> Iterator[str]:
        return iter(p for p in sorted(self._files) if self.get(p) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@records.record(kw_only=True, slots=False)
class Documents:
    """What a build writes: ``files`` rendered now, ``unchanged`` known to be on disk
    already; ``untouched`` when the output directory needs no change at all."""

    files: dict[str, bytes]
    unchanged: set[str]
    made: dict[str, str]  # per flow file, the digest of its documents
    count: int  # documents of the build
    untouched: bool = False


@records.record(kw_only=True, slots=False)
class Outcome:
    """What :func:`analyse` found: what ``project.load`` gives the CLI, and what a TwiML build needs."""

    units: tuple[str, ...]  # the files of the build, in order
    diagnostics: tuple[Diagnostic, ...]  # sorted by file and position, as project.load sorts them
    unsupported: tuple[Diagnostic, ...]  # what the twiml target cannot express, flow by flow
    run: _Run = field(repr=False)

    def sources(self) -> Mapping[str, SourceFile]:
        return self.run.sources

    def rendered(self, diagnostics, colour: bool, render: Callable[[], str]) -> str:
        """The text report of ``diagnostics`` (some of this run's, maybe promoted to
        errors): as the cache keeps it when no file changed since it was printed,
        else ``render()``, kept for the next run."""
        return self.run.rendered(diagnostics, colour, render)


def analyse(paths, *, jobs: int, cache: Cache, render: bool) -> Outcome:
    """Check the files of ``paths`` (directories expanded) as :func:`flowc.project.load`
    does, reusing what ``cache`` holds; with ``render``, also prepare their TwiML."""
    from .files import collect

    files = collect(paths)
    trust = True
    while True:
        run = _Run(files, jobs=jobs, cache=cache, render=render, trust_stat=trust)
        try:
            return run.analyse()
        except _Changed:
            run.close()
            trust = False  # a file changed while it was read: read every file
        except (KeyError, TypeError, ValueError, AttributeError):
            run.close()
            if cache.empty:
                raise
            cache.clear("its records are not what flowc writes")  # a foreign cache: never trusted
        except BaseException:
            run.close()
            raise


class _Run:
    def __init__(self, files: list[str], *, jobs: int, cache: Cache, render: bool, trust_stat: bool):
        self.files = files
        self.jobs = jobs
        self.cache = cache
        self.render = render
        self.trust_stat = trust_stat
        self.records: dict[str, dict[str, Any]] = {}
        self.data: dict[str, bytes] = {}
        self.stats: dict[str, list[int]] = {}
        self.docs: dict[str, dict[str, bytes]] = {}  # documents rendered in this run, by source file
        self.local = _Local()
        self.pool: _Pool | None = None
        self.sources = Sources(files, self._display_bytes)
        self.quick: dict[str, Any] | None = None  # the cache's snapshot, when it answered this run
        self.neighbours = False  # whether neighbours were read (then no snapshot is kept)
        self.result: tuple[list, list] | None = None  # diagnostics and unsupported, encoded
        self.groups: dict[str, Any] = {}
        self.parsed = 0  # files parsed in this run (for the benchmark and the tests)
        self.changed = False  # whether the cache needs writing
        self._stats_seen: dict[str, list[int]] = {}  # stat taken before any file was read
        self._cached_files: dict[str, Any] = {}
        self._cached_stats: dict[str, Any] = {}
        self.texts: dict[str, str] = {}  # text reports rendered in this run, by _text_key

    # -- the text report

    def rendered(self, diagnostics, colour: bool, render: Callable[[], str]) -> str:
        key = _text_key(diagnostics, colour)
        texts = self.quick.get("text") if self.quick is not None else None
        found = texts.get(key) if isinstance(texts, dict) else None
        if isinstance(found, str):
            return found
        text = render()
        self.texts[key] = text
        return text

    # -- files

    def _look(self, path: str) -> bytes | None:
        """Fill the record of ``path`` from the cache when possible; return the bytes
        that must be parsed (None when the record is known)."""
        from .files import read_bytes

        stat = self._stats_seen.pop(path, None)
        if stat is None:
            try:
                st = os.stat(path)
                stat = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
            except OSError:
                stat = None
        cached = self._cached_files.get(path)
        if not (isinstance(cached, dict) and self._complete(cached)):
            cached = None
        if (
            self.trust_stat
            and stat is not None
            and cached is not None
            and self._cached_stats.get(path) == stat
            and stat[1] < self.cache.written_ns - RACY_NS
        ):
            self.records[path] = cached
            self.stats[path] = stat
            return None
        data, problems = read_bytes(path)
        if data is None:
            self.records[path] = {"h": None, "k": "bad", "d": [encode(d) for d in problems]}
            return None
        self.data[path] = data
        if stat is not None:
            self.stats[path] = stat
        if cached is not None and cached.get("h") == digest(data):
            self.records[path] = cached
            return None
        return data

    def _complete(self, record: dict[str, Any]) -> bool:
        """Whether a cached record has all this run needs."""
        return not (self.render and record.get("k") == "ok" and not record.get("u") and "x" not in record)

    def _display_bytes(self, path: str) -> bytes | None:
        """A file's bytes to show its lines under a message."""
        if path in self.data:
            return self.data[path]
        from .files import read_bytes

        return read_bytes(path)[0]

    def bytes_of(self, path: str) -> bytes:
        """The bytes of a file whose record is known, as they were hashed."""
        if path in self.data:
            return self.data[path]
        from .files import read_bytes

        data, _ = read_bytes(path)
        if data is None or digest(data) != self.records[path].get("h"):
            raise _Changed(path)
        self.data[path] = data
        return data

    def _worker(self, work: int):
        if self.pool is None and self.jobs > 1 and work >= PARALLEL_FROM and _can_fork():
            self.pool = _Pool(self.jobs)
        return self.pool or self.local

    def _parse(self, items: list[tuple[str, bytes]]) -> None:
        if not items:
            return
        self.parsed += len(items)
        for path, record, docs in self._worker(len(items)).parse(items, self.render):
            self.records[path] = record
            if docs is not None:
                self.docs[path] = docs

    def _load(self, paths: list[str]) -> None:
        self._cached_files = self.cache.files
        self._cached_stats = self.cache.stats
        todo = []
        for path in paths:
            data = self._look(path)
            if data is not None:
                todo.append((path, data))
        self._parse(todo)
        if todo or any(self.stats.get(p) != self.cache.stats.get(p) for p in paths):
            self.changed = True

    # -- the whole

    def _snapshot_key(self) -> str | None:
        """A digest of the ``stat`` of every file of the build, None when one cannot be read."""
        parts = []
        seen = self._stats_seen
        for path in self.files:
            try:
                st = os.stat(path)
            except OSError:
                return None
            seen[path] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
            parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_ctime_ns}\n")
        return digest("".join(parts).encode("utf-8"))

    def _quick(self) -> Outcome | None:
        """The last run's result, when no file changed since (the quick part of the cache)."""
        snap = self.cache.quick.get("snapshot")
        if not self.trust_stat or not isinstance(snap, dict) or (self.render and not snap.get("render")):
            return None
        if snap.get("key") != self._snapshot_key():
            return None
        from .files import read_bytes

        for path, sha in snap.get("racy", {}).items():
            data, _ = read_bytes(path)
            if data is None or digest(data) != sha:
                return None
            self.data[path] = data
        diagnostics = tuple(decode(d) for d in snap["diagnostics"])
        unsupported = tuple(decode(d) for d in snap["unsupported"])
        self.quick = snap
        self.result = (snap["diagnostics"], snap["unsupported"])
        return Outcome(units=tuple(self.files), diagnostics=diagnostics, unsupported=unsupported, run=self)

    def analyse(self) -> Outcome:
        return self._quick() or self._analyse()

    def _analyse(self) -> Outcome:
        from .files import _neighbours
        from .source import SourceFile

        self.quick = None
        self._load(self.files)
        records = self.records
        known: dict[str, str] = {}  # flow name -> the file that declares it first
        unparsed: set[str] = set()
        for path in self.files:
            record = records[path]
            if record["k"] == "ok":
                known.setdefault(record["n"], path)
            else:
                unparsed.add(SourceFile(path, "").stem)
                if record["k"] == "partial" and record.get("p") is not None:
                    unparsed.add(record["p"])
        universe = [(path, True) for path in self.files]
        if any(name not in known for p in self.files if records[p]["k"] == "ok" for name in records[p]["r"]):
            exclude = {os.path.realpath(p) for p in self.files}
            neighbours = _neighbours(self.files, exclude)
            self._load(neighbours)
            for path in neighbours:
                record = records[path]
                if record["k"] == "ok":
                    known.setdefault(record["n"], path)
                else:
                    unparsed.add(SourceFile(path, "").stem)
            universe.extend((path, False) for path in neighbours)
            self.neighbours = True
        missing_unparsed = sorted(unparsed - set(known))
        groups = _groups([(p, built) for p, built in universe if records[p]["k"] == "ok"], records)

        names = list(known)
        names_key = digest("\n".join(names).encode("utf-8") + b"\0" + "\n".join(missing_unparsed).encode())
        found: dict[int, list] = {}
        todo = []
        keys: dict[str, int] = {}
        alone: dict[int, str] = {}  # a group of one file of the build: its result lives in the file's record
        for gid, members in enumerate(groups):
            if not any(built for _, built in members):
                found[gid] = []  # the checks report only on the flows of the build
                continue
            missing = any(name not in known for p, _ in members for name in records[p]["r"])
            if len(members) == 1 and not missing:
                path = members[0][0]
                alone[gid] = path
                cached = records[path].get("g")
            else:
                key = digest(
                    repr(([(p, built, records[p]["h"]) for p, built in members], names_key if missing else None))
                    .encode("utf-8")
                )
                keys[key] = gid
                cached = self.cache.groups.get(key)
            if isinstance(cached, list):
                found[gid] = cached
            else:
                todo.append((gid, members, names if missing else None, missing_unparsed if missing else []))
        if todo:
            self.changed = True
            for gid, diags in self._check(todo):
                found[gid] = diags
        for gid, path in alone.items():
            if records[path].get("g") != found[gid]:
                records[path] = {**records[path], "g": found[gid]}
        self.groups = {key: found[gid] for key, gid in keys.items()}
        if self.groups.keys() != self.cache.groups.keys():
            self.changed = True

        diagnostics = [decode(d) for p in self.files for d in records[p]["d"]]
        for gid in range(len(groups)):
            diagnostics.extend(decode(d) for d in found[gid])
        unsupported = [decode(d) for p in self.files if records[p]["k"] == "ok" for d in records[p]["u"]]
        diagnostics.sort(key=Diagnostic.sort_key)
        self.result = ([encode(d) for d in diagnostics], [encode(d) for d in unsupported])
        return Outcome(
            units=tuple(self.files), diagnostics=tuple(diagnostics), unsupported=tuple(unsupported), run=self
        )

    def _check(self, groups: list[tuple]) -> list[tuple[int, list]]:
        need = {p for _, members, _, _ in groups for p, _ in members}
        worker = self.pool or self.local
        missing = [p for p in need if p not in self.local.flows and (self.pool is None or p not in self.pool.owner)]
        if self.pool is None and len(missing) >= PARALLEL_FROM:
            worker = self._worker(len(missing))
        if worker is self.local:
            self.parsed += len(missing)
            return self.local.check(groups, [(p, self.bytes_of(p)) for p in missing])
        assert self.pool is not None
        self.parsed += len(missing)
        return self.pool.check(groups, self.bytes_of)

    # -- TwiML documents

    def documents(self, out: str, *, trust_outputs: bool = True) -> Documents:
        """For a build into ``out`` with no errors: the documents to hand to
        ``write_tree`` (rendered now), those on disk already as the last build
        left them (neither rendered nor read), and, per flow file, the digest of
        its documents' names and bytes (what :meth:`remember` records)."""
        real = os.path.realpath(out)
        if self.quick is not None:
            state = self.cache.quick.get("outputs", {}).get(real)
            if (
                trust_outputs
                and isinstance(state, dict)
                and state.get("made") == self.quick.get("made")
                and state.get("m") == _stat_of(os.path.join(out, _MANIFEST()))
                and state.get("dirs_key") == _dirs_key(out, state.get("dirs", []))
            ):
                return Documents(files={}, unchanged=set(), made={}, count=state["count"], untouched=True)
            self._analyse()  # something in the output directory changed: look at each flow
        state = self.cache.outputs.get(real)
        valid = trust_outputs and isinstance(state, dict) and _stat_of(os.path.join(out, _MANIFEST())) == state.get("m")
        if not valid:
            state = {"s": {}, "d": {}}
        previous, dirs = state.get("s", {}), state.get("d", {})
        unchanged: set[str] = set()
        need: list[str] = []
        made: dict[str, str] = {}
        count = 0
        built = [(path, self.records[path]) for path in self.files if "x" in self.records[path]]
        # The directories of the documents the last build left as they are now, looked at once each.
        wanted = sorted({d for path, record in built if previous.get(path) == record["xh"] for d in _dirs(record["x"])})
        same = {d for d, st in zip(wanted, _stats_in(out, wanted)) if st is not None and st == dirs.get(d)}
        for path, record in built:
            rels = record["x"]
            count += len(rels)
            made[path] = record["xh"]
            if previous.get(path) == record["xh"] and all(d in same for d in _dirs(rels)):
                unchanged.update(rels)
            elif path not in self.docs:
                need.append(path)
        if need:
            self._parse([(p, self.bytes_of(p)) for p in need])
        files: dict[str, bytes] = {}
        for path in self.files:
            record = self.records[path]
            rels = record.get("x", ())
            if rels and rels[0] not in unchanged:
                docs = self.docs[path]
                if _documents_digest(docs) != record["xh"]:
                    raise _Changed(path)  # pragma: no cover - rendering is deterministic
                files.update(docs)
        untouched = valid and not files and previous == made
        return Documents(files=files, unchanged=unchanged - set(files), made=made, count=count, untouched=untouched)

    def remember(self, out: str | None = None, documents: Documents | None = None, touched=()) -> None:
        """Store what this run learnt; with ``out``, also what the build left there
        (``documents`` from :meth:`documents`, None when the build failed part way)."""
        cache = self.cache
        if cache.path is None:
            return
        if self.quick is not None and self.texts:
            self._keep_texts(self.quick)
        if out is not None and documents is not None and documents.untouched and self.quick is not None:
            if self.changed:
                cache.save()  # only a text report to keep
            return  # nothing changed, in the flows or in the output directory
        if self.quick is None:
            files = {p: r for p, r in self.records.items() if r.get("h") is not None}
            if files.keys() != cache.files.keys() or any(cache.files[p] is not r for p, r in files.items()):
                self.changed = True
            cache.replace(
                files=files,
                stats={p: s for p, s in self.stats.items() if p in files},
                groups=self.groups,
            )
            self._snapshot()
        if out is not None:
            real = os.path.realpath(out)
            old = cache.outputs.get(real)
            if documents is None:
                cache.outputs.pop(real, None)
                cache.quick.get("outputs", {}).pop(real, None)
                self.changed = True
            elif touched or not isinstance(old, dict) or old.get("s") != documents.made or self.changed:
                old_dirs = old.get("d", {}) if isinstance(old, dict) else {}
                changed = {rel.rpartition("/")[0] for rel in touched}
                dirs: dict[str, Any] = {}
                fresh: list[str] = []
                for path in documents.made:
                    for directory in _dirs(self.records[path]["x"]):
                        if directory not in dirs:
                            if directory in old_dirs and directory not in changed:
                                dirs[directory] = old_dirs[directory]
                            else:
                                dirs[directory] = None
                                fresh.append(directory)
                dirs.update(zip(fresh, _stats_in(out, fresh)))
                manifest = _stat_of(os.path.join(out, _MANIFEST()))
                cache.outputs[real] = {"m": manifest, "s": documents.made, "d": dirs}
                names = sorted(dirs)
                cache.quick.setdefault("outputs", {})[real] = {
                    "m": manifest,
                    "made": _made_key(documents.made),
                    "dirs": names,
                    "dirs_key": digest(repr([dirs[d] for d in names]).encode("utf-8")),
                    "count": documents.count,
                }
                self.changed = True
        if self.changed or cache.ignored is not None:
            cache.save()

    def _snapshot(self) -> None:
        """The quick part of the cache: this run's result and what the files' ``stat`` was."""
        result = self.result
        key = None if self.neighbours or result is None else self._recorded_key()
        if key is None or result is None:
            self.cache.quick.pop("snapshot", None)
            return
        racy = {
            p: self.records[p]["h"] for p in self.files if self.stats[p][1] >= self.cache.started_ns - RACY_NS
        }
        render = self.render and all(
            "x" in r or r.get("k") != "ok" or r.get("u") for r in (self.records[p] for p in self.files)
        )
        old = self.cache.quick.get("snapshot")
        snap = {
            "key": key,
            "racy": racy,
            "render": render,
            "made": _made_key({p: self.records[p]["xh"] for p in self.files if "x" in self.records[p]}),
            "diagnostics": result[0],
            "unsupported": result[1],
            "text": {},
        }
        if isinstance(old, dict) and old.get("key") == key and old.get("racy") == racy:
            # The same files with the same bytes: the text reports of the last run still hold.
            texts = old.get("text")
            if isinstance(texts, dict):
                snap["text"] = {k: v for k, v in texts.items() if isinstance(v, str)}
        self._keep_texts(snap)
        if old != snap:
            self.cache.quick["snapshot"] = snap
            self.changed = True

    def _keep_texts(self, snap: dict[str, Any]) -> None:
        """Add this run's text reports to those of ``snap``, the last ``TEXTS`` of them."""
        texts = snap.get("text")
        texts = dict(texts) if isinstance(texts, dict) else {}
        for key, text in self.texts.items():
            texts.pop(key, None)
            texts[key] = text
        texts = dict(list(texts.items())[-TEXTS:])
        if texts != snap.get("text"):
            snap["text"] = texts
            self.changed = True

    def _recorded_key(self) -> str | None:
        parts = []
        for path in self.files:
            stat = self.stats.get(path)
            if stat is None or self.records[path].get("h") is None:
                return None
            size, mtime, ino, ctime = stat
            parts.append(f"{path}\0{size}\0{mtime}\0{ino}\0{ctime}\n")
        return digest("".join(parts).encode("utf-8"))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def _documents_digest(docs: dict[str, bytes]) -> str:
    """One digest of a flow's documents, names and bytes."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    for rel, body in docs.items():
        h.update(f"{rel}\0{len(body)}\0".encode())
        h.update(body)
    return h.hexdigest()


def _dirs(rels: list[str]) -> list[str]:
    """The directories of a flow's documents (one, unless a backend changes its layout)."""
    first = rels[0].rpartition("/")[0]
    for rel in rels:
        if rel.rpartition("/")[0] != first:
            return sorted({rel.rpartition("/")[0] for rel in rels})
    return [first]


def _text_key(diagnostics, colour: bool) -> str:
    """What a text report depends on besides the files' bytes: the diagnostics and the colour."""
    import json

    body = json.dumps([encode(d) for d in diagnostics], separators=(",", ":"))
    return digest(f"{'colour' if colour else 'plain'}\0{body}".encode())


def _made_key(made: dict[str, str]) -> str:
    return digest(repr(sorted(made.items())).encode("utf-8"))


def _dirs_key(out: str, dirs: list[str]) -> str:
    return digest(repr(_stats_in(out, dirs)).encode("utf-8"))


def _stats_in(out: str, names: list[str]) -> list[list[int] | None]:
    """What :func:`_stat_of` gives for each of ``names`` (paths relative to
    ``out``), looked up from one open handle on ``out``: ten thousand
    directories cost ten thousand system calls and no path joining."""
    if os.stat not in os.supports_dir_fd:  # pragma: no cover - every POSIX system has it
        return [_stat_of(os.path.join(out, name)) for name in names]
    try:
        fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return [None] * len(names)
    stats: list[list[int] | None] = []
    append = stats.append
    stat = os.stat
    try:
        for name in names:
            try:
                st = stat(name, dir_fd=fd)
            except OSError:
                append(None)
                continue
            append([st.st_size, st.st_mtime_ns, st.st_ino])
    finally:
        os.close(fd)
    return stats


def _MANIFEST() -> str:
    from .output import MANIFEST

    return MANIFEST


def _stat_of(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _groups(universe: list[tuple[str, bool]], records: dict[str, dict]) -> list[list[tuple[str, bool]]]:
    """The flows that refer to one another (or whose names are equal ignoring
    case), in groups, each in build order, the groups in the order of their first file."""
    folded = [records[path]["n"].casefold() for path, _ in universe]
    named: dict[str, int] = {}
    for name in folded:
        named[name] = named.get(name, 0) + 1
    referred = {name.casefold() for path, _ in universe for name in records[path]["r"]}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    alone: set[int] = set()
    for index, (path, _) in enumerate(universe):
        refs = records[path]["r"]
        if not refs and named[folded[index]] == 1 and folded[index] not in referred:
            alone.add(index)  # refers to no flow, no flow refers to it, its name is its own
            continue
        node = "f:" + path
        union("n:" + folded[index], node)
        for name in refs:
            union("n:" + name.casefold(), node)
    groups: list[list[tuple[str, bool]]] = []
    by_root: dict[str, list[tuple[str, bool]]] = {}
    for index, member in enumerate(universe):
        if index in alone:
            groups.append([member])
            continue
        root = find("f:" + member[0])
        if root not in by_root:
            by_root[root] = []
            groups.append(by_root[root])
        by_root[root].append(member)
    return groups
