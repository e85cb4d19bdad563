"""Writing a build's files: inside OUT only, atomically, and only our own.

flowc keeps a manifest (``OUT/.flowc-manifest.json``) of the files it wrote.
A rebuild replaces each file atomically (write to a temporary file beside it,
then rename), removes only files the previous manifest lists, and refuses to
overwrite a file it did not write.

A target may also hand over *seeds*: files created once, when they do not
exist yet, and from then on owned by the user (a module for the user's own
code). A seed is never listed in the manifest, so no later build overwrites
or removes it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass

MANIFEST = ".flowc-manifest.json"
_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[a-z]+)?\Z")


class OutputError(Exception):
    """The output directory cannot be written as asked (not a flow error)."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    created: tuple[str, ...] = ()  # seeds written because they did not exist
    kept: tuple[str, ...] = ()  # seeds left as they were (the user's files)


def _check_relpath(rel: str) -> None:
    parts = rel.split("/")
    if not parts or not all(_PART.match(p) for p in parts):
        raise OutputError(f"refusing to write `{rel}`: every part of an output path must be a plain name")


def _inside(out: str, rel: str) -> str:
    _check_relpath(rel)
    path = os.path.join(out, *rel.split("/"))
    real_out = os.path.realpath(out)
    real = os.path.realpath(path)
    if os.path.commonpath([real_out, real]) != real_out or real == real_out:
        raise OutputError(f"refusing to write `{rel}`: it resolves outside {out}")
    return path


def read_manifest(out: str) -> list[str]:
    try:
        with open(os.path.join(out, MANIFEST), encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read {os.path.join(out, MANIFEST)}: {exc}") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise OutputError(f"{os.path.join(out, MANIFEST)} is not a flowc manifest")
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
    return its name. The caller renames or removes it."""
    fd, tmp = tempfile.mkstemp(prefix=".flowc-", suffix=".tmp", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        _discard(tmp)
        raise
    return tmp


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


def _stage(items: list[tuple[str, bytes]]) -> list[str]:
    """A synced temporary file beside each path, written by a few threads
    (the time goes into fsync, which runs outside the GIL). All or nothing:
    when one fails, every temporary file is removed and the error raised."""
    from concurrent.futures import ThreadPoolExecutor, wait

    with ThreadPoolExecutor(max_workers=_STAGING_THREADS) as pool:
        futures = [pool.submit(_synced_temp, path, data) for path, data in items]
        wait(futures)
    failed = next((f.exception() for f in futures if f.exception() is not None), None)
    if failed is not None:
        for f in futures:
            if f.exception() is None:
                _discard(f.result())
        raise failed
    return [f.result() for f in futures]


_STAGING_THREADS = 8


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


def _write_manifest(out: str, files) -> None:
    body = json.dumps({"generator": "flowc", "files": sorted(set(files))}, indent=2) + "\n"
    _atomic_write(os.path.join(out, MANIFEST), body.encode("utf-8"))


def _same(path: str, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def write_tree(out: str, files: dict[str, bytes], seeds: dict[str, bytes] | None = None) -> WriteResult:
    """Make OUT hold exactly ``files`` (relative ``a/b.xml`` paths) among the
    files flowc wrote there before, and create each of ``seeds`` that does not
    exist yet. Nothing else in OUT is touched."""
    seeds = seeds or {}
    both = sorted(set(files) & set(seeds))
    if both:
        raise OutputError(f"`{both[0]}` cannot be both a generated file and a file created once")
    if os.path.exists(out) and not os.path.isdir(out):
        raise OutputError(f"{out} exists and is not a directory")
    os.makedirs(out, exist_ok=True)
    # A seed is the user's from the moment it exists: even a manifest that
    # lists it (hand-edited, or from another target) never makes it ours.
    owned = set(read_manifest(out)) - set(seeds)
    targets = {rel: _inside(out, rel) for rel in sorted(files)}
    seed_paths = {rel: _inside(out, rel) for rel in sorted(seeds)}
    for path in seed_paths.values():
        if os.path.lexists(path) and not os.path.isfile(path):
            raise OutputError(f"refusing to use {path}: it exists and is not a regular file")
    for rel, path in targets.items():
        if rel not in owned and os.path.lexists(path):
            raise OutputError(
                f"refusing to overwrite {path}: flowc did not write it (it is not in {MANIFEST}); "
                "move it away or choose another output directory"
            )
        if os.path.isdir(path):
            raise OutputError(f"refusing to overwrite {path}: it is a directory")
    # Record every file we may create before creating it, so an interrupted
    # build never leaves a file of ours that the manifest does not list.
    _write_manifest(out, owned | set(files))
    written: list[str] = []
    unchanged: list[str] = []
    for rel, path in targets.items():
        (unchanged if _same(path, files[rel]) else written).append(rel)
    for directory in sorted({os.path.dirname(targets[rel]) for rel in written}):
        os.makedirs(directory, exist_ok=True)
    # Every new file is on disk before the first one replaces an old one.
    temps = _stage([(targets[rel], files[rel]) for rel in written])
    for i, (rel, tmp) in enumerate(zip(written, temps, strict=True)):
        try:
            os.replace(tmp, targets[rel])
        except BaseException:
            for rest in temps[i:]:
                _discard(rest)
            raise
    removed = []
    for rel in sorted(owned - set(files)):
        path = _inside(out, rel)
        try:
            os.unlink(path)
            removed.append(rel)
        except FileNotFoundError:
            pass
        parent = os.path.dirname(path)
        if os.path.realpath(parent) != os.path.realpath(out):
            try:
                os.rmdir(parent)  # only succeeds when empty
            except OSError:
                pass
    created: list[str] = []
    kept: list[str] = []
    for rel, path in seed_paths.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        (created if _create(path, seeds[rel]) else kept).append(rel)
    _write_manifest(out, files)
    return WriteResult(
        written=tuple(written),
        unchanged=tuple(unchanged),
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
    os.makedirs(out, exist_ok=True)
    for rel in targets:
        _inside(out, rel)  # after makedirs, so that a symbolic link in OUT is seen
    created: list[str] = []
    try:
        for rel, path in targets.items():
            if not _create(path, files[rel]):
                raise OutputError(f"refusing to overwrite {path}: it appeared while writing")
            created.append(path)
    except BaseException:
        for path in created:
            _discard(path)
        raise
    return tuple(created)


def replace_file(path: str, data: bytes) -> None:
    """Replace one existing file atomically, keeping its permission bits
    (used by ``flowc fmt`` on the user's own files)."""
    _atomic_write(path, data, os.stat(path).st_mode & 0o7777)
