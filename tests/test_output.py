"""Writing outputs: inside OUT only, atomically, and only flowc's own files."""

from __future__ import annotations

import json
import os

import pytest

from flowc import output
from flowc.output import MANIFEST, OutputError, write_tree


def test_paths_that_are_not_plain_names_are_refused(tmp_path):
    for bad in ["../x.xml", "a/../../x.xml", "/etc/x.xml", "a b/c.xml", "a/.hidden.xml", ""]:
        with pytest.raises(OutputError):
            write_tree(str(tmp_path / "out"), {bad: b"x"})
    assert not any(p.is_file() for p in tmp_path.rglob("*") if p.name != MANIFEST)


def test_a_symlink_out_of_the_output_is_not_followed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "flow")
    with pytest.raises(OutputError, match="outside"):
        write_tree(str(out), {"flow/start.xml": b"<Response/>"})
    assert list(elsewhere.iterdir()) == []


def test_manifest_entries_outside_the_output_are_never_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.xml"
    victim.write_text("keep me")
    (out / MANIFEST).write_text(json.dumps({"files": ["../victim.xml", "flow/old.xml"]}))
    (out / "flow").mkdir()
    (out / "flow" / "old.xml").write_text("old")
    result = write_tree(str(out), {"flow/new.xml": b"new"})
    assert victim.read_text() == "keep me"
    assert result.removed == ("flow/old.xml",)
    assert json.loads((out / MANIFEST).read_text())["files"] == ["flow/new.xml"]


def test_interrupted_write_leaves_whole_files_and_no_temporaries(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_tree(str(out), {"f/a.xml": b"old a", "f/b.xml": b"old b"})
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # manifest, a.xml, then fail on b.xml
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", flaky_replace)
    with pytest.raises(KeyboardInterrupt):
        write_tree(str(out), {"f/a.xml": b"new a", "f/b.xml": b"new b", "f/c.xml": b"new c"})
    monkeypatch.setattr(output.os, "replace", real_replace)
    names = sorted(p.name for p in (out / "f").iterdir())
    assert names == ["a.xml", "b.xml"]  # no .flowc-*.tmp left behind
    assert (out / "f" / "a.xml").read_bytes() == b"new a"
    assert (out / "f" / "b.xml").read_bytes() == b"old b"
    # The manifest already lists every file the build may have created.
    assert json.loads((out / MANIFEST).read_text())["files"] == ["f/a.xml", "f/b.xml", "f/c.xml"]
    result = write_tree(str(out), {"f/a.xml": b"new a", "f/b.xml": b"new b", "f/c.xml": b"new c"})
    assert result.written == ("f/b.xml", "f/c.xml") and result.unchanged == ("f/a.xml",)


def test_a_corrupt_manifest_is_reported_not_trusted(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(OutputError, match="cannot read"):
        write_tree(str(out), {"f/a.xml": b"x"})
    assert not (out / "f").exists()


def test_emptied_flow_directories_are_removed_but_user_files_keep_them(tmp_path):
    out = tmp_path / "out"
    write_tree(str(out), {"gone/a.xml": b"1", "kept/a.xml": b"1", "stay/a.xml": b"1"})
    (out / "kept" / "user.txt").write_text("mine")
    write_tree(str(out), {"stay/a.xml": b"1"})
    assert not (out / "gone").exists()
    assert (out / "kept" / "user.txt").read_text() == "mine"
    assert (out / "stay" / "a.xml").exists()


# ---- seeds: files created once and then owned by the user ---------------------------------------


def test_a_seed_is_created_once_and_never_listed_or_overwritten(tmp_path):
    out = tmp_path / "out"
    first = write_tree(str(out), {"app.py": b"generated 1"}, {"handlers.py": b"stub 1"})
    assert first.created == ("handlers.py",) and first.kept == ()
    assert (out / "handlers.py").read_bytes() == b"stub 1"
    assert json.loads((out / MANIFEST).read_text())["files"] == ["app.py"]
    (out / "handlers.py").write_bytes(b"my code")
    second = write_tree(str(out), {"app.py": b"generated 2"}, {"handlers.py": b"stub 2"})
    assert second.created == () and second.kept == ("handlers.py",)
    assert (out / "handlers.py").read_bytes() == b"my code"
    assert (out / "app.py").read_bytes() == b"generated 2"
    # A build that no longer has the seed leaves the user's file where it is.
    third = write_tree(str(out), {"app.py": b"generated 3"})
    assert "handlers.py" not in third.removed
    assert (out / "handlers.py").read_bytes() == b"my code"


def test_a_seed_listed_in_an_old_manifest_is_still_never_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "handlers.py").write_bytes(b"my code")
    (out / MANIFEST).write_text(json.dumps({"files": ["handlers.py", "app.py"]}))
    result = write_tree(str(out), {"app.py": b"new"}, {"handlers.py": b"stub"})
    assert result.kept == ("handlers.py",) and result.removed == ()
    assert (out / "handlers.py").read_bytes() == b"my code"
    assert json.loads((out / MANIFEST).read_text())["files"] == ["app.py"]


def test_a_path_cannot_be_both_generated_and_a_seed(tmp_path):
    with pytest.raises(OutputError, match="both"):
        write_tree(str(tmp_path / "out"), {"a.py": b"x"}, {"a.py": b"y"})
    assert not (tmp_path / "out").exists()


def test_a_seed_path_that_is_a_directory_is_refused_before_writing(tmp_path):
    out = tmp_path / "out"
    (out / "handlers.py").mkdir(parents=True)
    with pytest.raises(OutputError, match="not a regular file"):
        write_tree(str(out), {"app.py": b"x"}, {"handlers.py": b"stub"})
    assert not (out / "app.py").exists()


def test_a_seed_is_created_where_hard_links_are_not_supported(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(output.os, "link", no_links)
    out = tmp_path / "out"
    assert write_tree(str(out), {"a.py": b"gen"}, {"h.py": b"stub"}).created == ("h.py",)
    (out / "h.py").write_bytes(b"mine")
    assert write_tree(str(out), {"a.py": b"gen"}, {"h.py": b"stub"}).kept == ("h.py",)
    assert (out / "h.py").read_bytes() == b"mine"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.py", "h.py"]  # no temporaries left


def test_a_failure_while_staging_replaces_nothing_and_leaves_no_temporaries(tmp_path, monkeypatch):
    out = tmp_path / "out"
    old = {f"f/s{i}.xml": b"old" for i in range(40)}
    write_tree(str(out), old)
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 20:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_tree(str(out), {rel: b"new" for rel in old})
    monkeypatch.setattr(output.os, "fsync", real_fsync)
    files = sorted(p.name for p in (out / "f").iterdir())
    assert files == sorted(rel.split("/")[1] for rel in old)  # no .flowc-*.tmp left behind
    assert {(out / rel).read_bytes() for rel in old} == {b"old"}  # not one file replaced


# ---- durability: data on disk before any rename, every change on disk before returning -------------


@pytest.fixture
def sync_log(monkeypatch):
    """Records, in order, each syncfs (through the primitive, which reports success and does
    nothing), each fsync by name (file or directory) and each rename, all still done for real."""
    events: list[tuple[str, str]] = []
    real_fsync_path, real_replace = output._fsync_path, os.replace

    def syncfs(fd):
        events.append(("syncfs", ""))
        return True

    def fsync_path(path):
        events.append(("fsync-dir" if os.path.isdir(path) else "fsync", path))
        real_fsync_path(path)

    def replace(src, dst):
        events.append(("rename", dst))
        real_replace(src, dst)

    monkeypatch.setattr(output, "_syncfs", syncfs)
    monkeypatch.setattr(output, "_fsync_path", fsync_path)
    monkeypatch.setattr(output.os, "replace", replace)
    return events


def _of(events, kind):
    return [i for i, (k, _) in enumerate(events) if k == kind]


def test_a_large_build_is_synced_once_before_its_renames_and_once_after(tmp_path, sync_log):
    out = tmp_path / "out"
    files = {f"f{d}/s{i}.xml": f"{d}.{i}".encode() for d in range(20) for i in range(2)}
    write_tree(str(out), files)
    renames = [i for i, (k, path) in enumerate(sync_log) if k == "rename" and not path.endswith(MANIFEST)]
    syncs = _of(sync_log, "syncfs")
    assert len(renames) == 40 and len(syncs) == 2
    first_manifest = _of(sync_log, "rename")[0]
    assert sync_log[first_manifest][1].endswith(MANIFEST) and first_manifest < syncs[0]
    # Every temporary file is written before the one syncfs, then fsynced, then renamed.
    fsyncs = [i for i in _of(sync_log, "fsync") if ".flowc-" in sync_log[i][1]]
    temps_fsynced = {os.path.dirname(sync_log[i][1]) for i in fsyncs if syncs[0] < i < renames[0]}
    assert len([i for i in fsyncs if syncs[0] < i < renames[0]]) == 40
    assert temps_fsynced == {str(out / f"f{d}") for d in range(20)}
    # After the last rename (the final manifest is written here too), one syncfs covers every
    # directory entry: no directory is fsynced one by one.
    assert syncs[1] > max(_of(sync_log, "rename"))
    assert _of(sync_log, "fsync-dir") == []
    assert {(out / rel).read_bytes() for rel in files} == set(files.values())


def test_without_syncfs_each_changed_directory_is_fsynced_once_after_the_renames(
    tmp_path, sync_log, monkeypatch
):
    monkeypatch.setattr(output, "_syncfs", lambda fd: False)  # a system without syncfs
    out = tmp_path / "out"
    files = {f"f{d}/s{i}.xml": b"x" for d in range(10) for i in range(4)}
    write_tree(str(out), files)
    renames = _of(sync_log, "rename")
    first_data_rename = next(i for i in renames if not sync_log[i][1].endswith(MANIFEST))
    before = [path for k, path in sync_log[:first_data_rename] if k == "fsync-dir"]
    after = [path for k, path in sync_log[max(renames) :] if k == "fsync-dir"]
    # Before any file replaces another: the manifest's entry in OUT (and the new directories'),
    # and OUT's in its parent.
    assert sorted(before) == sorted([str(out), str(tmp_path)])
    # After the last rename: each directory that got a file, once.
    assert sorted(after) == sorted(str(out / f"f{d}") for d in range(10))
    staged = [path for k, path in sync_log[:first_data_rename] if k == "fsync" and ".flowc-" in path]
    assert len(staged) == 40 + 1  # each file, and the first manifest


def test_a_small_build_fsyncs_its_files_and_directories_without_syncfs(tmp_path, sync_log):
    out = tmp_path / "out"
    write_tree(str(out), {"f/a.xml": b"1", "f/b.xml": b"2"})
    sync_log.clear()
    write_tree(str(out), {"f/a.xml": b"1", "f/b.xml": b"3"})  # one file changed, same manifest
    assert [k for k, _ in sync_log] == ["fsync", "rename", "fsync-dir"]
    assert sync_log[2][1] == str(out / "f")


def test_a_build_that_changes_nothing_syncs_nothing(tmp_path, sync_log):
    out = tmp_path / "out"
    files = {f"f{d}/s.xml": b"x" for d in range(20)}
    write_tree(str(out), files)
    sync_log.clear()
    assert write_tree(str(out), files).written == ()
    assert sync_log == []


def test_a_removed_directory_is_not_fsynced_but_its_parent_is(tmp_path, sync_log, monkeypatch):
    monkeypatch.setattr(output, "_syncfs", lambda fd: False)
    out = tmp_path / "out"
    write_tree(str(out), {"a/x.xml": b"1", "b/y.xml": b"2"})
    sync_log.clear()
    assert write_tree(str(out), {"a/x.xml": b"1"}).removed == ("b/y.xml",)
    assert not (out / "b").exists()
    assert [path for k, path in sync_log if k == "fsync-dir"] == [str(out)]  # the manifest, b's removal


def test_a_failing_syncfs_replaces_nothing_and_leaves_no_temporaries(tmp_path, monkeypatch):
    out = tmp_path / "out"
    old = {f"f{d}/s{i}.xml": b"old" for d in range(5) for i in range(8)}
    write_tree(str(out), old)

    def failing_syncfs(fd):
        raise OSError(5, "syncfs: Input/output error")

    monkeypatch.setattr(output, "_syncfs", failing_syncfs)
    with pytest.raises(OSError, match="Input/output error"):
        write_tree(str(out), {rel: b"new" for rel in old})
    assert {(out / rel).read_bytes() for rel in old} == {b"old"}
    assert [p.name for p in out.rglob(".flowc-*.tmp")] == []


def test_a_failure_while_writing_the_temporaries_replaces_nothing_and_leaves_none(tmp_path, monkeypatch):
    out = tmp_path / "out"
    old = {f"f{d}/s{i}.xml": b"old" for d in range(5) for i in range(8)}
    write_tree(str(out), old)
    real_temp = output._temp
    calls = []

    def failing_temp(path, data, mode=0o644):
        calls.append(path)
        if len(calls) == 25:
            raise OSError(28, "No space left on device")
        return real_temp(path, data, mode)

    monkeypatch.setattr(output, "_temp", failing_temp)
    with pytest.raises(OSError, match="No space left"):
        write_tree(str(out), {rel: b"new" for rel in old})
    assert {(out / rel).read_bytes() for rel in old} == {b"old"}
    assert [p.name for p in out.rglob(".flowc-*.tmp")] == []
    assert len(calls) >= 25
