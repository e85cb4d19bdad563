"""FL315: SIDs with the wrong prefix or length."""

from __future__ import annotations

from conftest import codes, where

HEX = "0123456789abcdef0123456789abcdef"


def test_docstring_bad_example(compile_flow):
    build = compile_flow('step start:\n    enqueue support workflow "support-workflow"\n')
    [d] = [d for d in build.diagnostics if d.code == "FL315"]
    assert where(d) == (2, 30, 2, 48)
    assert d.message == "`support-workflow` is not a `WW` SID, which `enqueue workflow` takes"


def test_docstring_good_example(compile_flow):
    build = compile_flow(f'step start:\n    enqueue support workflow "WW{HEX}"\n')
    assert "FL315" not in codes(build)


def test_sids_of_values_and_options(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    dial:\n"
        f'        sim "AP{HEX}"\n'
        "    dial:\n"
        f'        application "AP{HEX}"\n'
        "    dial:\n"
        f'        application "AP{HEX[:-1]}"\n'
    )
    assert [d.message for d in build.diagnostics if d.code == "FL315"] == [
        f"`AP{HEX}` is not a `DE` SID, which `sim` takes",
        f"`AP{HEX[:-1]}` is not an `AP` SID, which `application` takes",
    ]
