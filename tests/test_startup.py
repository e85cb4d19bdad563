"""What ``flowc check`` costs before it reads a flow: the modules it loads,
the classes it makes, and how the console script ends."""

from __future__ import annotations

import dataclasses
import importlib
import os
import subprocess
import sys
from typing import Any

import pytest

from flowc import records

# The console script's entry point, with an exit handler that lists the loaded
# modules: run() runs the atexit handlers before it ends the process.
_SCRIPT = """\
import atexit, sys
atexit.register(lambda: print("MODULES", *sorted(sys.modules)))
from flowc.cli import run
sys.argv = ["flowc", *sys.argv[1:]]
run()
"""

# What a check of a clean flow never needs: the other commands, the habits and
# messages of syntax errors, and the other targets' libraries.
_NOT_LOADED = (
    "flowc.backends.flask",
    "flowc.backends.site",
    "flowc.docgen",
    "flowc.editor",
    "flowc.fixing",
    "flowc.formatter",
    "flowc.habits",
    "flowc.importer",
    "flowc.lsp",
    "flowc.output",
    "flowc.pygments_lexer",
    "flowc.rehearsal",
    "flowc.serve",
    "flowc.syntax.messages",
    "flowc.webhooks",
    "jinja2",
    "multiprocessing",
    "pygments",
)

CLEAN = 'step start:\n    say "Hello"\n    redirect -> done\n\nstep done:\n    hangup\n'


def flowc(tmp_path, *argv: str) -> tuple[int, set[str], str]:
    """Run the console script's entry point; its status, loaded modules and stderr."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output buffered, as usual
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("MODULES ")]
    assert len(lines) == 1, proc.stdout + proc.stderr
    return proc.returncode, set(lines[0].split()[1:]), proc.stderr


def test_check_loads_only_what_checking_needs(tmp_path):
    (tmp_path / "clean.flow").write_text(CLEAN)
    status, modules, err = flowc(tmp_path, "check", "--no-cache", "clean.flow")
    assert status == 0
    assert err.endswith("1 file checked: no problems\n")
    assert "flowc.checks" in modules  # the run got as far as the checks
    assert not [
        name for name in modules for unwanted in _NOT_LOADED if name == unwanted or name.startswith(unwanted + ".")
    ]


@pytest.mark.parametrize(
    "text, argv, status, tail",
    [
        (CLEAN, ["check", "--no-cache", "f.flow"], 0, "1 file checked: no problems\n"),
        ('step start:\n    sya "Hello"\n', ["check", "--no-cache", "f.flow"], 1, "1 file checked: 1 error\n"),
        (CLEAN, ["check", "--no-cache", "missing.flow"], 2, "does not exist.\n"),
    ],
)
def test_the_console_script_flushes_its_output_and_keeps_the_status(tmp_path, text, argv, status, tail):
    (tmp_path / "f.flow").write_text(text)
    got, _, err = flowc(tmp_path, *argv)
    assert got == status
    assert err.endswith(tail)


# The modules whose classes are records: made without code generated at import.
_RECORD_MODULES = (
    "flowc.backends",
    "flowc.codes",
    "flowc.diagnostics",
    "flowc.graph",
    "flowc.incremental",
    "flowc.ir",
    "flowc.project",
    "flowc.source",
    "flowc.twiml_names",
    "flowc.urls",
    "flowc.vocabulary",
)


@pytest.mark.parametrize("name", _RECORD_MODULES)
def test_dataclasses_of_the_check_path_are_records(name):
    module = importlib.import_module(name)
    classes = [
        c for c in vars(module).values() if isinstance(c, type) and c.__module__ == name and dataclasses.is_dataclass(c)
    ]
    assert classes
    generated = [c.__name__ for c in classes if c.__init__.__code__.co_filename != records.__file__]
    assert not generated, f"made by dataclasses.dataclass (code compiled at import): {generated}"


@records.record
class _Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)


@records.record(kw_only=True, slots=False)
class _Named:
    name: str
    extra: dict = dataclasses.field(default_factory=dict)
    seen: list = dataclasses.field(default_factory=list, init=False)


def test_records_behave_as_frozen_dataclasses():
    import copy
    import pickle

    p = _Point(1, y=2, tags=("a",))
    assert p == _Point(1, 2) and hash(p) == hash(_Point(1, 2)) and p != _Point(2, 2)
    assert repr(p) == "_Point(x=1, y=2)"
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "tags"]
    assert dataclasses.replace(p, x=5) == _Point(5, 2) and dataclasses.replace(p).tags == ("a",)
    assert pickle.loads(pickle.dumps(p)).tags == ("a",) and copy.deepcopy(p) == p
    assert not hasattr(p, "__dict__") and _Point.__match_args__ == ("x", "y", "tags")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3  # type: ignore[misc]  # the point of the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.x
    bads: list[dict[str, Any]] = [{}, {"x": 1, "z": 2}, {"y": 1}]
    for bad in bads:
        with pytest.raises(TypeError):
            _Point(**bad)
    with pytest.raises(TypeError):
        _Point(1, x=1)  # type: ignore[misc]  # the point of the test
    with pytest.raises(TypeError):
        _Point(1, 2, (), 4)  # type: ignore[call-arg]  # the point of the test

    a, b = _Named(name="a"), _Named(name="a")
    assert a == b and a.extra is not b.extra and a.seen == [] and a.seen is not b.seen
    assert hasattr(a, "__dict__") and _Named.__match_args__ == ()
    assert [f.kw_only for f in dataclasses.fields(a)] == [True] * 3
    assert [f.kw_only for f in dataclasses.fields(p)] == [False] * 3
    with pytest.raises(TypeError):
        _Named("a")  # type: ignore[call-arg]  # the point of the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "b"  # type: ignore[misc]  # the point of the test


def test_records_are_dataclasses_where_dataclasses_lacks_the_field_marker():
    """A Python whose ``dataclasses`` has no ``_FIELD`` gets ordinary frozen dataclasses."""
    code = """
import dataclasses
marker = dataclasses._FIELD
del dataclasses._FIELD
from flowc import records  # reads the marker once, when it is imported
dataclasses._FIELD = marker  # dataclass itself needs it
from flowc import ir
assert records._FIELD is None
text = ir.Text(value="hi", span=None)
assert dataclasses.replace(text, value="ho").value == "ho"
try:
    text.value = "x"
except dataclasses.FrozenInstanceError:
    print("frozen", ir.Text.__init__.__code__.co_filename != records.__file__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "frozen True"


def test_a_profiled_run_ends_the_normal_way_so_the_profile_is_written(tmp_path):
    (tmp_path / "clean.flow").write_text(CLEAN)
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "flowc.cli", "check", "--no-cache", "clean.flow"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "1 file checked: no problems" in done.stderr + done.stdout
    assert (tmp_path / "run.prof").stat().st_size > 0
