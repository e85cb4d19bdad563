"""FL204: steps no path reaches, from the entry or from another flow."""

from __future__ import annotations

import os

from conftest import codes, where

from flowc.diagnostics import Severity
from flowc.project import load


def found(build):
    return [d for d in build.diagnostics if d.code == "FL204"]


def test_step_nothing_leads_to_is_reported(compile_flow):
    build = compile_flow("step start:\n    hangup\nstep goodbye:\n    hangup\n")
    [d] = found(build)
    assert d.severity is Severity.WARNING
    assert where(d) == (3, 6, 3, 13)
    assert "entry step `start`" in d.message
    assert "`goodbye`" in d.message
    assert "-> goodbye" in d.hint
    assert codes(build) == ["FL204"]


def test_step_reached_from_the_entry_is_accepted(compile_flow):
    assert codes(compile_flow("step start:\n    record -> goodbye\nstep goodbye:\n    hangup\n")) == []


def test_entry_step_is_never_reported(compile_flow):
    assert codes(compile_flow("step start:\n    hangup\n")) == []


def test_step_reached_only_from_an_unreachable_step_is_reported(compile_flow):
    build = compile_flow("step start:\n    hangup\nstep a:\n    redirect -> b\nstep b:\n    hangup\n")
    assert [d.span.line for d in found(build)] == [3, 5]


def test_step_reached_through_a_chain_is_accepted(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> a
            redirect -> b
        step a:
            dial "+15551234567" -> c
        step b:
            hangup
        step c:
            hangup
        """
    )
    assert codes(build) == []


def test_step_reached_only_from_a_dead_verb_is_reported(compile_flow):
    build = compile_flow("step start:\n    hangup\n    redirect -> b\nstep b:\n    hangup\n")
    assert codes(build) == ["FL201", "FL204"]
    assert found(build)[0].span.line == 4


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return os.fspath(path)


def test_step_reached_only_from_another_flow_of_the_build_is_accepted(tmp_path):
    billing = write(tmp_path, "billing.flow", "step start:\n    hangup\nstep extra:\n    hangup\n")
    ivr = write(tmp_path, "ivr.flow", "step start:\n    redirect -> billing.extra\n")
    assert codes(load([billing, ivr])) == []


def test_step_reached_back_from_a_neighbour_flow_is_accepted(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\nstep back:\n    hangup\n",
        name="ivr",
        billing="step start:\n    record -> ivr.back\n",
    )
    assert codes(build) == []


def test_neighbour_that_does_not_lead_back_leaves_the_step_unreachable(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\nstep back:\n    hangup\n",
        name="ivr",
        billing="step start:\n    hangup\n",
    )
    [d] = found(build)
    assert where(d) == (3, 6, 3, 10)


def test_duplicate_step_is_not_also_reported_unreachable(compile_flow):
    build = compile_flow("step start:\n    hangup\nstep start:\n    hangup\n")
    assert codes(build) == ["FL102"]


def test_unreachable_steps_of_a_neighbour_are_not_reported(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\n",
        billing="step start:\n    hangup\nstep lost:\n    hangup\n",
    )
    assert codes(build) == []
