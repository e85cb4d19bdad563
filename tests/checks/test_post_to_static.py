"""FL701: a step (a static file) fetched with POST."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL701"]


def test_post_to_a_step_is_reported(compile_flow):
    build = compile_flow("step start:\n    record -> POST handle\nstep handle:\n    hangup\n")
    [d] = found(build)
    assert d.severity is Severity.WARNING
    assert where(d) == (2, 15, 2, 19)
    assert "`handle`" in d.message
    assert "static" in d.message and "405" in d.message
    assert "leave the method out" in d.hint
    assert codes(build) == ["FL701"]


@pytest.mark.parametrize("arrow", ["-> handle", "-> GET handle"])
def test_step_without_method_or_with_get_is_accepted(compile_flow, arrow):
    assert codes(compile_flow(f"step start:\n    record {arrow}\nstep handle:\n    hangup\n")) == []


def test_post_to_a_url_is_accepted(compile_flow):
    assert codes(compile_flow("step start:\n    record -> POST /handle\n")) == []


def test_post_to_a_step_of_another_flow_is_reported(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> POST billing.start\n", billing="step start:\n    hangup\n"
    )
    [d] = found(build)
    assert where(d) == (2, 17, 2, 21)
    assert "`billing.start`" in d.message


def test_gather_and_dial_actions_are_checked(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> POST handle
        step handle:
            dial "+15551234567" -> POST start
        """
    )
    assert [where(d)[:2] for d in found(build)] == [(2, 15), (4, 28)]


def test_post_status_callback_is_accepted(compile_flow):
    build = compile_flow("step start:\n    record status POST /cb -> handle\nstep handle:\n    hangup\n")
    assert codes(build) == []


def test_post_to_a_step_with_base_url_is_still_reported(compile_flow):
    build = compile_flow(
        """\
        flow support
            base-url https://example.com/ivr
        step start:
            record -> POST handle
        step handle:
            hangup
        """
    )
    assert codes(build) == ["FL701"]
