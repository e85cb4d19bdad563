"""FL402: nouns that cannot stand together in one block."""

from __future__ import annotations

from conftest import codes, where


def test_docstring_bad_example(compile_flow):
    build = compile_flow(
        'step start:\n    dial:\n        conference standup\n        number "+14155550100"\n'
    )
    [d] = [d for d in build.diagnostics if d.code == "FL402"]
    assert where(d) == (3, 9, 3, 19)
    assert d.message == "a `conference` must be the only noun of its `dial`; this one also has a `number`"
    assert d.notes[0].message == "in this `dial`"


def test_docstring_good_example(compile_flow):
    build = compile_flow("step start:\n    dial:\n        conference standup\n")
    assert "FL402" not in codes(build)


def test_limits(compile_flow):
    numbers = "".join(f'        number "+1415555010{i % 10}"\n' for i in range(11))
    build = compile_flow(
        "step start:\n"
        f"    dial:\n{numbers}"
        '    dial "+14155550100":\n        client alice\n'
        "    connect:\n        stream wss://a.example.com/s\n        room r\n"
        '    enqueue support:\n        task "{}"\n        task "{}"\n'
    )
    assert [d.message for d in build.diagnostics if d.code == "FL402"] == [
        "a `dial` holds at most 10 lines; this one has 11",
        "a `dial` with a number of its own takes no nouns",
        "a `connect` holds at most 1 line; this one has 2",
        "a `enqueue` holds at most 1 line; this one has 2",
    ]


def test_parameters_do_not_count(compile_flow):
    build = compile_flow(
        'step start:\n    connect:\n        stream wss://a.example.com/s:\n            parameter a "b"\n'
    )
    assert "FL402" not in codes(build)
