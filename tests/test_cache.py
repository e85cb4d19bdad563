"""Incremental and parallel checks and builds: the same bytes as a clean run, always.

A check or a build reuses what the cache holds for every file that did not
change; the property test below edits, adds, renames and deletes random flows
among many and compares each incremental result (every output file, every
diagnostic) with a clean build's. A corrupt or foreign cache is ignored; a
parallel run reports the same bytes in the same order as a serial one.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowc.incremental as incremental
import flowc.project as project
from flowc.cli import cli
from flowc.output import MANIFEST
from flowc.render import to_json


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("FLOWC_CACHE_DIR", str(where))
    return where


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The paths of the files parsed in this process, in order."""
    seen: list[str] = []
    real = project.parse_source

    def counting(source):
        seen.append(source.path)
        return real(source)

    monkeypatch.setattr(project, "parse_source", counting)
    return seen


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def flow_text(name: str, say: str = "Hello.", target: str = "bye") -> str:
    return f'flow {name}\n\nstep start:\n    say "{say}"\n    redirect -> {target}\n\nstep bye:\n    hangup\n'


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (the manifest included) with its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def write_many(directory: Path, n: int) -> None:
    directory.mkdir(exist_ok=True)
    for i in range(n):
        target = f"f{i + 1}.start" if i + 1 < n and i % 3 == 0 else "bye"
        (directory / f"f{i}.flow").write_text(flow_text(f"f{i}", f"Flow {i}.", target), encoding="utf-8")


# ---- what is not done again ----------------------------------------------------------------


def test_an_unchanged_file_is_not_parsed_again(tmp_path, cache_dir, parses, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 6)
    assert run("check", "flows", "-j", "1").exit_code == 0
    assert len(parses) == 6
    parses.clear()
    assert run("check", "flows", "-j", "1").exit_code == 0
    assert parses == []
    assert run("build", "flows", "-o", "out", "-j", "1").exit_code == 0
    assert len(parses) == 6  # a check does not render: the build parses once to render
    parses.clear()
    (tmp_path / "flows" / "f5.flow").write_text(flow_text("f5", "Changed."), encoding="utf-8")
    result = run("build", "flows", "-o", "out", "-j", "1")
    assert result.exit_code == 0
    assert parses == [os.path.join("flows", "f5.flow")]
    assert "12 TwiML files in out (1 written, 11 unchanged, 0 removed)" in result.stderr
    # f3 refers to f4: the checks across flows see both again, so f3 is parsed too (not rendered)
    parses.clear()
    (tmp_path / "flows" / "f4.flow").write_text(flow_text("f4", "Changed."), encoding="utf-8")
    result = run("build", "flows", "-o", "out", "-j", "1")
    assert sorted(parses) == [os.path.join("flows", "f3.flow"), os.path.join("flows", "f4.flow")]
    assert "12 TwiML files in out (1 written, 11 unchanged, 0 removed)" in result.stderr


def test_an_output_whose_bytes_did_not_change_is_not_written_again(tmp_path, cache_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 3)
    assert run("build", "flows", "-o", "out").exit_code == 0
    before = {p: os.stat(p).st_ino for p in glob.glob("out/*/*.xml")}
    (tmp_path / "flows" / "f1.flow").write_text(flow_text("f1", "Changed."), encoding="utf-8")
    assert run("build", "flows", "-o", "out").exit_code == 0
    after = {p: os.stat(p).st_ino for p in glob.glob("out/*/*.xml")}
    assert before.keys() == after.keys()
    replaced = sorted(p for p in before if before[p] != after[p])
    assert replaced == ["out/f1/start.xml"]


def test_a_deleted_output_is_written_again(tmp_path, cache_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 3)
    assert run("build", "flows", "-o", "out").exit_code == 0
    expected = tree(tmp_path / "out")
    os.unlink("out/f2/bye.xml")
    result = run("build", "flows", "-o", "out")
    assert result.exit_code == 0
    assert "(1 written, 5 unchanged, 0 removed)" in result.stderr
    assert tree(tmp_path / "out") == expected


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path, cache_dir, parses, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 3)
    assert run("check", "flows", "--no-cache").exit_code == 0
    assert not cache_dir.exists()
    assert run("check", "flows").exit_code == 0
    parses.clear()
    assert run("check", "flows", "--no-cache").exit_code == 0
    assert len(parses) == 3


def test_cache_dir_option_puts_the_cache_there(tmp_path, cache_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 2)
    assert run("check", "flows", "--cache-dir", "mine").exit_code == 0
    assert len(glob.glob("mine/*.json")) == 1
    assert not cache_dir.exists()


def test_a_build_that_fails_while_writing_is_redone_next_time(tmp_path, cache_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 4)
    assert run("build", "flows", "-o", "out").exit_code == 0
    for i in range(4):
        (tmp_path / "flows" / f"f{i}.flow").write_text(flow_text(f"f{i}", "New."), encoding="utf-8")
    real_replace = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    result = run("build", "flows", "-o", "out")
    assert result.exit_code == 2
    monkeypatch.setattr(os, "replace", real_replace)
    assert run("build", "flows", "-o", "out").exit_code == 0
    assert run("build", "flows", "-o", "clean", "--no-cache").exit_code == 0
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")


# ---- the text report kept in the cache ------------------------------------------------------------

WARNS = 'flow w{n}\n\nstep start:\n    say "{say}"\n    reject\n'  # FL205 on reject, a note on say


def coloured(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, color=True)


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The codes of the diagnostics rendered as text in this process."""
    import flowc.render as render

    seen: list[str] = []
    real = render.format_text

    def counting(d, sources, **kw):
        seen.append(d.code)
        return real(d, sources, **kw)

    monkeypatch.setattr(render, "format_text", counting)
    return seen


def test_an_unchanged_check_prints_the_stored_text_report(tmp_path, cache_dir, renders, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    for n in range(3):
        (tmp_path / "flows" / f"w{n}.flow").write_text(WARNS.format(n=n, say="Hi."), encoding="utf-8")
    first = run("check", "flows", "--color", "never")
    assert renders.count("FL205") == 3
    renders.clear()
    again = run("check", "flows", "--color", "never")
    assert renders == []  # printed from the cache
    assert again.stderr == first.stderr
    assert again.stderr.count("warning[FL205]") == 3
    assert again.stderr == run("check", "flows", "--color", "never", "--no-cache").stderr


@pytest.mark.parametrize(
    "options",
    [
        ("--color", "always"),
        ("--color", "never", "--werror"),
        ("--format", "json"),
        ("--format", "github"),
        ("--target", "twiml"),
    ],
)
def test_a_stored_text_report_is_printed_only_for_its_colour_and_diagnostics(
    tmp_path, cache_dir, monkeypatch, options
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "w0.flow").write_text(WARNS.format(n=0, say="Hi."), encoding="utf-8")
    plain = coloured("check", "flows", "--color", "never")
    assert "\x1b[" not in plain.stderr
    for _ in range(2):  # the first time with the plain text in the cache, then with its own
        other = coloured("check", "flows", *options)
        fresh = coloured("check", "flows", *options, "--no-cache")
        assert (other.stdout, other.stderr, other.exit_code) == (fresh.stdout, fresh.stderr, fresh.exit_code)
    if options[1] == "always":
        assert "\x1b[" in other.stderr
    assert coloured("check", "flows", "--color", "never").stderr == plain.stderr


def test_a_stored_text_report_shows_the_lines_as_they_are_now(tmp_path, cache_dir, monkeypatch):
    """An edit that leaves every diagnostic as it was still changes the source lines shown."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    path = tmp_path / "flows" / "w0.flow"
    path.write_text(WARNS.format(n=0, say="Hi."), encoding="utf-8")
    assert 'say "Hi."' in run("check", "flows").stderr
    assert 'say "Hi."' in run("build", "flows", "-o", "out").stderr
    path.write_text(WARNS.format(n=0, say="Ho."), encoding="utf-8")
    for args in (("check", "flows"), ("build", "flows", "-o", "out")):
        shown = run(*args).stderr
        assert 'say "Ho."' in shown and 'say "Hi."' not in shown
        report = shown.split("\n1 TwiML file")[0]  # a build's last line says what it wrote
        assert report == run(*args, "--no-cache").stderr.split("\n1 TwiML file")[0]


# ---- a corrupt or foreign cache ---------------------------------------------------------------


def _cache_file(cache_dir: Path) -> Path:
    (found,) = cache_dir.glob("*.json")
    return found


def _flip_last_byte(data: bytes, root: Path) -> bytes:
    return data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]


def _foreign(data: bytes, root: Path) -> bytes:
    magic, head, rest = data.split(b"\n", 2)
    meta = json.loads(head)
    meta["environment"] = "0" * 32
    return magic + b"\n" + json.dumps(meta).encode() + b"\n" + rest


def _nonsense_records(data: bytes, root: Path) -> bytes:
    """A cache that passes every digest, and whose records match each file's
    hash, but are not what flowc writes."""
    from flowc.cache import digest

    magic, head, rest = data.split(b"\n", 2)
    meta = json.loads(head)
    files = {
        os.path.join("flows", p.name): {"h": digest(p.read_bytes()), "k": "ok", "n": 7, "d": "x"}
        for p in (root / "flows").iterdir()
    }
    full = json.dumps({"files": files, "stats": {}, "groups": {"k": "no"}, "outputs": {}}).encode()
    quick = json.dumps({"snapshot": {"key": "nope"}}).encode()
    meta.update(quick_size=len(quick), quick=digest(quick), full=digest(full), written_ns=0)
    return magic + b"\n" + json.dumps(meta).encode() + b"\n" + quick + full


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data, root: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data, root: b"", id="empty"),
        pytest.param(lambda data, root: b"\x00garbage\xff" * 100, id="garbage"),
        pytest.param(_flip_last_byte, id="a-flipped-bit"),
        pytest.param(_foreign, id="another-flowc"),
        pytest.param(_nonsense_records, id="well-formed-nonsense"),
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path, cache_dir, parses, monkeypatch, spoil):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 4)
    (tmp_path / "flows" / "f3.flow").write_text("step start:\n    record max 20s\n", encoding="utf-8")
    assert run("build", "flows", "-o", "out").exit_code == 0
    path = _cache_file(cache_dir)
    (tmp_path / "flows" / "f2.flow").write_text(flow_text("f2", "Changed."), encoding="utf-8")
    path.write_bytes(spoil(path.read_bytes(), tmp_path))
    parses.clear()
    again = run("build", "flows", "-o", "out")
    assert len(parses) == 4  # nothing was trusted: every file parsed again (f2 alone otherwise)
    clean = run("build", "flows", "-o", "clean", "--no-cache")
    assert again.exit_code == clean.exit_code == 0
    assert again.stderr.splitlines()[:-1] == clean.stderr.splitlines()[:-1]
    assert "4 files checked: 2 warnings" in again.stderr
    assert again.stderr.splitlines()[-1] == "7 TwiML files in out (1 written, 6 unchanged, 0 removed)"
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")
    parses.clear()
    (tmp_path / "flows" / "f2.flow").write_text(flow_text("f2", "Again."), encoding="utf-8")
    assert run("build", "flows", "-o", "out").exit_code == 0
    assert parses == [os.path.join("flows", "f2.flow")]  # the cache was written afresh and is used again


# ---- parallel ----------------------------------------------------------------------------------


def _mixed_flows(directory: Path) -> None:
    """Flows with warnings, errors, syntax errors and references across files, in subdirectories."""
    write_many(directory, 30)
    (directory / "sub").mkdir()
    (directory / "sub" / "warns.flow").write_text("step start:\n    record max 20s\n", encoding="utf-8")
    (directory / "sub" / "typo.flow").write_text(
        'step start:\n    say "Hi" lop 2\n    record mx 20s -> f1.nowhere\n', encoding="utf-8"
    )
    (directory / "sub" / "refs.flow").write_text(
        "step start:\n    redirect -> f7.bye\n    say \"never\"\n\nstep lost:\n    redirect -> f2.strat\n",
        encoding="utf-8",
    )
    (directory / "sub" / "gone.flow").write_text("step start:\n    redirect -> missing.start\n", encoding="utf-8")


@pytest.fixture
def force_pool(monkeypatch) -> list[int]:
    """Workers even for a few files; the sizes of the pools started."""
    started: list[int] = []
    real = incremental._Pool.__init__

    def init(self, jobs):
        started.append(jobs)
        real(self, jobs)

    monkeypatch.setattr(incremental, "PARALLEL_FROM", 1)
    monkeypatch.setattr(incremental, "CHUNK", 2)
    monkeypatch.setattr(incremental._Pool, "__init__", init)
    return started


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_parallel_check_reports_the_same_bytes_in_the_same_order(tmp_path, cache_dir, force_pool, fmt, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _mixed_flows(tmp_path / "flows")
    serial = run("check", "flows", "--format", fmt, "-j", "1", "--no-cache")
    parallel = run("check", "flows", "--format", fmt, "-j", "3", "--no-cache")
    assert force_pool == [3]
    assert serial.exit_code == parallel.exit_code == 1
    assert (parallel.stdout, parallel.stderr) == (serial.stdout, serial.stderr)
    assert "FL104" in serial.stdout + serial.stderr and "FL001" in serial.stdout + serial.stderr
    reference = to_json(project.load(["flows"]).diagnostics)
    if fmt == "json":
        assert parallel.stdout.strip() == reference


def test_parallel_build_writes_what_a_serial_build_writes(tmp_path, cache_dir, force_pool, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 40)
    (tmp_path / "flows" / "warns.flow").write_text("step start:\n    record max 20s\n", encoding="utf-8")
    serial = run("build", "flows", "-o", "one", "-j", "1", "--no-cache")
    parallel = run("build", "flows", "-o", "two", "-j", "2", "--no-cache")
    assert force_pool == [2]
    assert serial.exit_code == parallel.exit_code == 0
    assert parallel.stderr == serial.stderr.replace("in one", "in two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    # and incrementally, in parallel, after a change
    (tmp_path / "flows" / "f5.flow").write_text(flow_text("f5", "Changed."), encoding="utf-8")
    assert run("build", "flows", "-o", "two", "-j", "2").exit_code == 0
    assert run("build", "flows", "-o", "one", "-j", "1", "--no-cache").exit_code == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_failing_worker_is_an_internal_error(tmp_path, cache_dir, force_pool, monkeypatch, capsys):
    from flowc import cli as cli_module

    monkeypatch.chdir(tmp_path)
    write_many(tmp_path / "flows", 4)

    def boom(source):
        raise RuntimeError("kaboom in a worker")

    monkeypatch.setattr(project, "parse_source", boom)
    monkeypatch.setattr("sys.argv", ["flowc", "check", "flows", "-j", "2"])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "internal error: WorkerFailed: in a worker process: RuntimeError: kaboom in a worker" in err
    assert "Traceback" not in err


# ---- the property: incremental == clean ---------------------------------------------------------

FILES = ("a", "b", "c", "d", "e", "sub/f", "sub/g", "Beta")
NAMES = ("alpha", "beta", "Beta", "gamma", "delta")
STEPS = ("start", "menu", "bye")
SAYS = ("Hello.", "Press 1.", "Goodbye, and thanks for calling.")

targets = st.one_of(
    st.none(),
    st.sampled_from(STEPS + ("nowhere",)),
    st.builds(lambda f, s: f"{f}.{s}", st.sampled_from(NAMES + ("missing", "a")), st.sampled_from(STEPS)),
)
steps = st.lists(
    st.tuples(st.sampled_from(STEPS), st.sampled_from(SAYS), targets, st.booleans()), min_size=0, max_size=3
)
contents = st.tuples(st.one_of(st.none(), st.sampled_from(NAMES)), steps, st.sampled_from(["ok", "typo", "latin1"]))
operations = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(FILES), contents),
    st.tuples(st.just("delete"), st.sampled_from(FILES)),
    st.tuples(st.just("rename"), st.sampled_from(FILES), st.sampled_from(FILES)),
    st.tuples(st.just("touch"), st.sampled_from(FILES)),
)


def render_content(content) -> bytes:
    name, body, kind = content
    lines = [f"flow {name}", ""] if name else []
    for step, say, target, gather in body:
        lines.append(f"step {step}:")
        lines.append(f'    say "{say}"' + (" lop 2" if kind == "typo" else ""))
        if target is not None:
            lines.append(f"    gather digits 1 -> {target}:" if gather else f"    redirect -> {target}")
            if gather:
                lines.append('        say "Choose."')
        lines.append("")
    text = "\n".join(lines)
    return text.encode("latin-1" if kind == "latin1" else "utf-8", errors="replace") + (
        b"# caf\xe9\n" if kind == "latin1" else b""
    )


def apply(root: Path, op) -> None:
    kind, file = op[0], root / "flows" / f"{op[1]}.flow"
    if kind == "write":
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(render_content(op[2]))
    elif kind == "delete":
        file.unlink(missing_ok=True)
    elif kind == "rename":
        new = root / "flows" / f"{op[2]}.flow"
        if file.exists() and file != new:
            new.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, new)
    elif kind == "touch" and file.exists():
        file.write_bytes(file.read_bytes())


def outputs(root: Path, args: list[str]):
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.lists(st.tuples(st.sampled_from(FILES), contents), min_size=1, max_size=6),
    ops=st.lists(operations, min_size=1, max_size=8),
)
def test_incremental_results_are_byte_identical_to_a_clean_build(tmp_path_factory, start, ops):
    root = tmp_path_factory.mktemp("prop")
    cwd = os.getcwd()
    os.chdir(root)
    old_env = os.environ.get("FLOWC_CACHE_DIR")
    os.environ["FLOWC_CACHE_DIR"] = str(root / "cache")
    try:
        (root / "flows").mkdir()
        (root / "flows" / "keep.flow").write_text(flow_text("keep"), encoding="utf-8")
        for file, content in start:
            apply(root, ("write", file, content))
        for op in [None, *ops]:
            if op is not None:
                apply(root, op)
            inc_check = outputs(root, ["check", "flows", "-j", "1"])
            inc_json = outputs(root, ["check", "flows", "--format", "json", "-j", "1"])
            inc_build = outputs(root, ["build", "flows", "-o", "out", "--format", "json", "-j", "1"])
            shutil.rmtree(root / "clean", ignore_errors=True)
            clean_check = outputs(root, ["check", "flows", "--no-cache"])
            clean_build = outputs(root, ["build", "flows", "-o", "clean", "--format", "json", "--no-cache"])
            assert inc_check == clean_check, op
            assert inc_json[1] == to_json(project.load(["flows"]).diagnostics) + "\n", op
            assert inc_build == clean_build, op
            if clean_build[0] == 0:
                assert tree(root / "out") == tree(root / "clean"), op
            # a build that fails writes nothing: `out` keeps the last good build
            elif (root / "out" / MANIFEST).exists():
                listed = json.loads((root / "out" / MANIFEST).read_text())["files"]
                assert sorted(listed) == sorted(p for p in tree(root / "out") if p != MANIFEST), op
    finally:
        os.chdir(cwd)
        if old_env is None:
            os.environ.pop("FLOWC_CACHE_DIR", None)
        else:
            os.environ["FLOWC_CACHE_DIR"] = old_env


def test_a_file_changed_within_the_same_clock_tick_is_seen(tmp_path, cache_dir, monkeypatch):
    """Same size, same time stamp: the cache reads a file modified near its own run again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    path = tmp_path / "flows" / "one.flow"
    path.write_text(flow_text("one", "Hello."), encoding="utf-8")
    stamp = time.time_ns()
    os.utime(path, ns=(stamp, stamp))
    assert run("build", "flows", "-o", "out").exit_code == 0
    path.write_text(flow_text("one", "Jello."), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert run("build", "flows", "-o", "out").exit_code == 0
    assert b"Jello." in (tmp_path / "out" / "one" / "start.xml").read_bytes()
