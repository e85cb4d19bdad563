"""Writing a build's files: inside OUT only, atomically, and only our own.

flowc keeps a manifest (``OUT/.flowc-manifest.json``) of the files it wrote.
A rebuild replaces each file atomically (write to a temporary file beside it,
then rename), removes only files the previous manifest lists, and refuses to
overwrite a file it did not write. Every new file is on disk before the first
rename, and every change is on disk when ``write_tree`` returns; how that is
done cheaply for thousands of files is told in ``_stage``.

A target may also hand over *seeds*: files created once, when they do not
exist yet, and from then on owned by the user (a module for the user's own
code). A seed is never listed in the manifest, so no later build overwrites
or removes it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

MANIFEST = ".flowc-manifest.json"
_PART = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[a-z]+)?"
_RELPATH = re.compile(rf"(?:{_PART}/)*{_PART}")  # plain names at every level


class OutputError(Exception):
    """The output directory cannot be written as asked (not a flow error)."""


class NotOurs(OutputError):
    """Files said to be unchanged are not in the manifest: nothing was written."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    created: tuple[str, ...] = ()  # seeds written because they did not exist
    kept: tuple[str, ...] = ()  # seeds left as they were (the user's files)


def _check_relpath(rel: str) -> None:
    if not _RELPATH.fullmatch(rel):
        raise OutputError(f"refusing to write `{rel}`: every part of an output path must be a plain name")


class _Inside:
    """The path of ``rel`` under OUT, refused when it resolves outside OUT
    (through ``..`` or a symbolic link). Each directory's real path is looked
    up once: a build has thousands of files in a few directories each."""

    def __init__(self, out: str) -> None:
        self.out = out
        self.real_out = os.path.realpath(out)
        self.prefix = self.real_out if self.real_out.endswith(os.sep) else self.real_out + os.sep
        self.real_parents: dict[str, str] = {}

    def __call__(self, rel: str) -> str:
        _check_relpath(rel)
        path = os.path.join(self.out, *rel.split("/"))
        parent, name = os.path.split(path)
        real_parent = self.real_parents.get(parent)
        if real_parent is None:
            real_parent = self.real_parents[parent] = os.path.realpath(parent)
        # A plain name that is not a symbolic link resolves to itself in its directory.
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_parent, name)
        if not real.startswith(self.prefix):
            raise OutputError(f"refusing to write `{rel}`: it resolves outside {self.out}")
        return path


def read_manifest(out: str) -> list[str]:
    return _owned(_manifest_entries(out) or [])


def _manifest_entries(out: str) -> list[str] | None:
    """Every entry of the manifest as written, or None when there is none."""
    try:
        with open(os.path.join(out, MANIFEST), encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read {os.path.join(out, MANIFEST)}: {exc}") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise OutputError(f"{os.path.join(out, MANIFEST)} is not a flowc manifest")
    return files


def _owned(files: list[str]) -> list[str]:
    good = []
    for rel in files:
        try:
            _check_relpath(rel)
        except OutputError:
            continue  # never act on a path we would not have written
        good.append(rel)
    return good


def _synced_temp(path: str, data: bytes, mode: int = 0o644) -> str:
    """Write ``data`` to a new temporary file beside ``path``, flushed to disk;
    return its name. The caller renames or removes it. For one file at a
    time (the manifest, a seed, ``replace_file``); a build's files go through
    ``_stage``, which makes them durable together."""
    tmp = _temp(path, data, mode)
    try:
        _fsync_path(tmp)
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _temp(path: str, data: bytes, mode: int = 0o644) -> str:
    """Write ``data`` to a new temporary file beside ``path`` and return its
    name, not yet flushed to disk. Removed again when writing fails."""
    fd, tmp = tempfile.mkstemp(prefix=".flowc-", suffix=".tmp", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _fsync_path(path: str) -> None:
    """fsync a file or a directory by name."""
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)  # Windows flushes only a writer
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _atomic_write(path: str, data: bytes, mode: int = 0o644) -> None:
    tmp = _synced_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise


# ---- durability: a build's files reach the disk together ------------------------------------------


@functools.cache
def _libc_syncfs() -> Callable[[int], int] | None:
    """syncfs(2) from the C library, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def _syncfs(fd: int) -> bool:
    """syncfs(2) on the file system of ``fd``: everything written to it,
    data and directory entries, is on disk when this returns. False, with
    nothing done, where the platform has no syncfs."""
    function = _libc_syncfs()
    if function is None:
        return False
    if function(fd) != 0:
        import ctypes

        errno = ctypes.get_errno()
        raise OSError(errno, f"syncfs: {os.strerror(errno)}")
    return True


class _Touched:
    """The directories whose entries a build has changed and not yet made durable."""

    def __init__(self, out: str) -> None:
        self.out = out
        self.directories: set[str] = set()

    def add(self, path: str) -> None:
        """``path`` was created, renamed into place or removed."""
        self.directories.add(os.path.dirname(path) or ".")

    def makedirs(self, directory: str) -> None:
        """``os.makedirs``, noting the parent of each directory it creates."""
        missing = []
        head = directory
        while head and not os.path.isdir(head):
            missing.append(head)
            parent = os.path.dirname(head)
            if parent == head:
                break
            head = parent
        os.makedirs(directory, exist_ok=True)
        for created in missing:
            self.add(created)

    def sync(self, unflushed: int = 0) -> None:
        """Make the changed directory entries durable, and the ``unflushed``
        files written since the last call with them where syncfs does it.
        Many changes (``_SYNCFS_FROM`` files and directories or more): one
        syncfs per file system they are on (OUT's when only files changed).
        A few, or no syncfs here: an fsync of each directory."""
        present: dict[str, int] = {}  # directory -> its device
        for directory in sorted(self.directories):
            try:
                present[directory] = os.stat(directory).st_dev
            except FileNotFoundError:
                pass  # removed since: nothing of it to keep
        if unflushed + len(present) >= _SYNCFS_FROM:
            if not present:
                present[self.out] = os.stat(self.out).st_dev
            done = _syncfs_each(present)
        else:
            done = False
        if not done and present:
            _in_threads(_fsync_directory, [(directory,) for directory in present])
        self.directories.clear()


def _syncfs_each(directories: dict[str, int]) -> bool:
    """syncfs once on each device of ``directories`` (directory -> device),
    through the first directory on it; False when there is no syncfs here."""
    done: set[int] = set()
    for directory, device in directories.items():
        if device in done:
            continue
        fd = os.open(directory, os.O_RDONLY)
        try:
            if not _syncfs(fd):
                return False
        finally:
            os.close(fd)
        done.add(device)
    return True


def _fsync_directory(path: str) -> None:
    """fsync a directory, where the system can (Windows cannot open one, and
    makes a rename durable by itself)."""
    if os.name != "nt":
        _fsync_path(path)


def _stage(items: list[tuple[str, bytes]], touched: _Touched) -> list[str]:
    """A temporary file beside each path, every one durable on disk before
    this returns, and so are the directory entries ``touched`` holds. All or
    nothing: when one fails, every temporary file is removed and the error
    raised.

    A build writes thousands of small files, and flushing each on its own
    (write, fsync, next file) costs a journal commit and a flush of the
    disk's write cache per file. So:

    1. every temporary file is written, none flushed;
    2. for more than a handful (``_SYNCFS_FROM``), one syncfs(2) on OUT's file
       system writes them all out together: one journal commit, one cache
       flush. It also makes durable the directory entries written so far
       (the manifest that lists the new files, new directories), so none of
       the renames below can reach the disk without them;
    3. each temporary file is then fsynced, from a few threads. After the
       syncfs it has nothing left to write, so the call only waits for a
       cache flush, which concurrent calls share. It is kept because it
       reports a write error on that very file on any kernel and file
       system (syncfs reports errors only since Linux 5.8), and covers a
       file that is not on OUT's file system (a mount point inside OUT);
    4. the caller renames the files into place only after this returns;
    5. at the end of the build, ``_Touched.sync`` makes the renames, removals
       and the final manifest durable with a second syncfs, instead of an
       fsync per directory, which costs a cache flush each (a build has a
       directory per flow).

    Without syncfs (not Linux, or a C library without it) and for a handful
    of files, step 2 fsyncs the directories changed so far instead, step 3
    writes each file out, and step 5 fsyncs each changed directory once.

    syncfs also writes out what other programs left unwritten on the same
    file system. The kernel writes that out within half a minute anyway
    (``vm.dirty_expire_centisecs``), so the wait is bounded; a build of a
    handful of files, the usual rebuild after an edit, does not use it."""
    if not items:
        return []
    temps: list[str] = []
    try:
        temps = _in_threads(_temp, items, undo=_discard)
        touched.sync(unflushed=len(temps))
        _in_threads(_fsync_path, [(tmp,) for tmp in temps])
    except BaseException:
        for tmp in temps:
            _discard(tmp)
        raise
    return temps


def _in_threads(
    function: Callable[..., Any], calls: Sequence[tuple[Any, ...]], undo: Callable[[Any], object] | None = None
) -> list[Any]:
    """``function`` on each of ``calls``, from a few threads (creating a file,
    fsync and syncfs run outside the GIL), in chunks rather than one task per
    call (a task costs more than writing a small file). Every thread has
    stopped when this returns. When a call raises, no new call starts,
    ``undo`` is called on the result of each that returned, and the first
    error is raised."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    size = max(1, -(-len(calls) // (_STAGING_THREADS * 4)))
    chunks = [calls[i : i + size] for i in range(0, len(calls), size)]
    stop = threading.Event()

    def run(chunk: Sequence[tuple[Any, ...]]) -> tuple[list[Any], BaseException | None]:
        done = []
        for args in chunk:
            if stop.is_set():
                break
            try:
                done.append(function(*args))
            except BaseException as exc:
                stop.set()
                return done, exc
        return done, None

    with ThreadPoolExecutor(max_workers=min(_STAGING_THREADS, len(chunks) or 1)) as pool:
        outcomes = list(pool.map(run, chunks))
    results = [result for done, _ in outcomes for result in done]
    failed = next((exc for _, exc in outcomes if exc is not None), None)
    if failed is not None:
        if undo is not None:
            for result in results:
                undo(result)
        raise failed
    return results


_STAGING_THREADS = 8
_SYNCFS_FROM = 16


def _create(path: str, data: bytes) -> bool:
    """Write ``path`` only if nothing is there, atomically; False when it exists."""
    tmp = _synced_temp(path, data)
    try:
        try:
            os.link(tmp, path)  # fails when the path exists: never replaces a file
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: exclusive create instead
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        return True
    finally:
        _discard(tmp)


def _write_manifest(out: str, files: Collection[str]) -> str:
    """Write the manifest (atomically, the file itself flushed) and return its path."""
    body = json.dumps({"generator": "flowc", "files": sorted(set(files))}, indent=2) + "\n"
    path = os.path.join(out, MANIFEST)
    _atomic_write(path, body.encode("utf-8"))
    return path


def _same(path: str, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def write_tree(
    out: str,
    files: dict[str, bytes],
    seeds: dict[str, bytes] | None = None,
    *,
    unchanged: Collection[str] = (),
) -> WriteResult:
    """Make OUT hold exactly ``files`` (relative ``a/b.xml`` paths) among the
    files flowc wrote there before, and create each of ``seeds`` that does not
    exist yet. Nothing else in OUT is touched.

    ``unchanged`` are more files of the build that the caller knows hold their
    bytes already (the incremental build's record of what the last build
    wrote): they are kept and listed, and not read or written. A manifest
    that would not change is not written again."""
    seeds = seeds or {}
    unchanged = set(unchanged) - set(files)
    both = sorted(set(files) & set(seeds))
    if both:
        raise OutputError(f"`{both[0]}` cannot be both a generated file and a file created once")
    if os.path.exists(out) and not os.path.isdir(out):
        raise OutputError(f"{out} exists and is not a directory")
    touched = _Touched(out)  # made durable before the first file is renamed, and at the end
    touched.makedirs(out)
    # A seed is the user's from the moment it exists: even a manifest that
    # lists it (hand-edited, or from another target) never makes it ours.
    entries = _manifest_entries(out)
    ours = unchanged | set(files)  # plain names already (checked below, or when first written)
    owned = (ours.intersection(entries or ()) | set(_owned([e for e in entries or () if e not in ours]))) - set(
        seeds
    )
    current = set(entries) if entries is not None else None  # what the manifest lists now
    inside = _Inside(out)
    targets = {rel: inside(rel) for rel in sorted(files)}
    seed_paths = {rel: inside(rel) for rel in sorted(seeds)}
    for path in seed_paths.values():
        if os.path.lexists(path) and not os.path.isfile(path):
            raise OutputError(f"refusing to use {path}: it exists and is not a regular file")
    there = set()  # the targets something is at (one lstat each: a clean build has none)
    for rel, path in targets.items():
        try:
            st = os.lstat(path)
        except OSError:
            continue
        there.add(rel)
        if rel not in owned:
            raise OutputError(
                f"refusing to overwrite {path}: flowc did not write it (it is not in {MANIFEST}); "
                "move it away or choose another output directory"
            )
        if stat.S_ISDIR(st.st_mode) or (stat.S_ISLNK(st.st_mode) and os.path.isdir(path)):
            raise OutputError(f"refusing to overwrite {path}: it is a directory")
    if unchanged - owned:
        raise NotOurs(f"{os.path.join(out, MANIFEST)} does not list the files of the last build")
    # Record every file we may create before creating it, so an interrupted
    # build never leaves a file of ours that the manifest does not list.
    if current != owned | set(files):
        touched.add(_write_manifest(out, owned | set(files)))
        current = owned | set(files)
    written: list[str] = []
    same: list[str] = []
    for rel, path in targets.items():
        (same if rel in there and _same(path, files[rel]) else written).append(rel)
    for directory in sorted({os.path.dirname(targets[rel]) for rel in written}):
        touched.makedirs(directory)
    # Every new file is on disk, and so is the manifest that lists it, before
    # the first one replaces an old one.
    temps = _stage([(targets[rel], files[rel]) for rel in written], touched)
    for i, (rel, tmp) in enumerate(zip(written, temps, strict=True)):
        try:
            os.replace(tmp, targets[rel])
        except BaseException:
            for rest in temps[i:]:
                _discard(rest)
            raise
        touched.add(targets[rel])
    removed = []
    for rel in sorted(owned - set(files) - unchanged):
        path = inside(rel)
        try:
            os.unlink(path)
            removed.append(rel)
            touched.add(path)
        except FileNotFoundError:
            pass
        parent = os.path.dirname(path)
        if os.path.realpath(parent) != os.path.realpath(out):
            try:
                os.rmdir(parent)  # only succeeds when empty
            except OSError:
                pass
            else:
                touched.directories.discard(parent)
                touched.add(parent)
    created: list[str] = []
    kept: list[str] = []
    for rel, path in seed_paths.items():
        touched.makedirs(os.path.dirname(path))
        if _create(path, seeds[rel]):
            created.append(rel)
            touched.add(path)
        else:
            kept.append(rel)
    if current != set(files) | unchanged:
        touched.add(_write_manifest(out, set(files) | unchanged))
    touched.sync()  # every rename, removal and new directory on disk before we return
    return WriteResult(
        written=tuple(written),
        unchanged=tuple(sorted([*same, *unchanged])),
        removed=tuple(removed),
        created=tuple(created),
        kept=tuple(kept),
    )


def create_files(out: str, files: dict[str, bytes]) -> tuple[str, ...]:
    """Create each of ``files`` (plain names relative to OUT) where nothing
    exists yet, all or nothing: when any path is taken, nothing is written;
    every file is complete on disk before it appears under its name, and a
    failure part way removes the files this call created. Returns the paths
    written. No manifest: the files are the user's from the start."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise OutputError(f"{out} exists and is not a directory")
    targets = {rel: os.path.join(out, *rel.split("/")) for rel in sorted(files)}
    for rel in targets:
        _check_relpath(rel)
    for path in targets.values():
        if os.path.lexists(path):
            raise OutputError(
                f"refusing to overwrite {path}: it exists; move it away or choose another directory"
            )
    touched = _Touched(out)
    touched.makedirs(out)
    inside = _Inside(out)
    for rel in targets:
        inside(rel)  # after makedirs, so that a symbolic link in OUT is seen
    created: list[str] = []
    try:
        for rel, path in targets.items():
            if not _create(path, files[rel]):
                raise OutputError(f"refusing to overwrite {path}: it appeared while writing")
            created.append(path)
            touched.add(path)
    except BaseException:
        for path in created:
            _discard(path)
        raise
    touched.sync()
    return tuple(created)


def replace_file(path: str, data: bytes) -> None:
    """Replace one existing file atomically, keeping its permission bits
    (used by ``flowc fmt`` on the user's own files)."""
    _atomic_write(path, data, os.stat(path).st_mode & 0o7777)
