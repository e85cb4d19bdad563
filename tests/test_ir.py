"""The IR: frozen nodes, targets typed by kind, and steps found by name."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import only

from flowc import ir


def test_nodes_are_frozen_slotted_and_keyword_only():
    text = ir.Text(value="x", span=ir.Span("f", 1, 1, 1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        text.value = "y"  # type: ignore[misc]  # the point of the test
    assert not hasattr(text, "__dict__")
    with pytest.raises(TypeError):
        ir.Text("x", ir.Span("f", 1, 1, 1, 2))  # type: ignore[misc]  # positional: refused


def test_targets_are_typed_by_kind(compile_flow):
    build = compile_flow(
        """\
        flow main
            base-url https://example.com/ivr
        step start:
            gather -> choice
            record status /rec -> billing.start
            redirect -> "next.php"
        step choice:
            when digits "1" -> start
            otherwise -> main.start
        """,
        billing="step start:\n    hangup\n",
    )
    [flow] = [f for f in build.flows if f.name == "main"]
    gather, record, redirect = flow.steps[0].verbs
    assert gather.action == ir.StepTarget(text="choice", span=gather.action.span, step="choice")
    assert gather.action.kind is ir.TargetKind.STEP and gather.action.is_step
    assert (record.action.flow, record.action.step, record.action.kind) == (
        "billing",
        "start",
        ir.TargetKind.FLOW_STEP,
    )
    assert isinstance(record.status, ir.UrlTarget) and record.status.kind is ir.TargetKind.PATH
    assert isinstance(redirect.target, ir.UrlTarget) and redirect.target.kind is ir.TargetKind.RELATIVE
    assert not redirect.target.is_step
    assert flow.settings.base_url.kind is ir.TargetKind.ABSOLUTE
    when, otherwise = flow.steps[1].verbs
    assert isinstance(when.target, ir.StepTarget) and isinstance(otherwise.target, ir.StepTarget)
    assert otherwise.target.flow == "main"  # written `main.start`: kept as written
    assert not hasattr(redirect.target, "step")


def test_steps_are_found_by_name_the_first_of_duplicates(compile_flow):
    build = compile_flow("step a:\n    redirect -> b\nstep b:\n    hangup\nstep b:\n    redirect -> a\n")
    only(build, "FL102")
    [flow] = build.flows
    assert flow.step("a") is flow.steps[0]
    assert flow.step("b") is flow.steps[1]
    assert flow.step("c") is None
    shorter = dataclasses.replace(flow, steps=flow.steps[2:])
    assert shorter.step("b") is flow.steps[2]
    assert shorter.step("a") is None
    assert dataclasses.replace(flow) == flow  # the index is not part of a flow's value
