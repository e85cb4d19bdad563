"""FL304: HTTP methods other than GET and POST."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL304"]


def test_put_on_record_is_reported(compile_flow):
    build = compile_flow("step start:\n    record -> PUT /handle\n")
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 15, 2, 18)
    assert "`PUT` is not a method Twilio uses" in d.message
    assert "`GET` or `POST`" in d.message
    assert codes(build) == ["FL304"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_get_and_post_are_accepted(compile_flow, method):
    assert codes(compile_flow(f"step start:\n    record -> {method} /handle\n")) == []


@pytest.mark.parametrize(
    "line, method, col",
    [
        ("record status PATCH /rec -> GET /x", "PATCH", 19),
        ("redirect -> DELETE /x", "DELETE", 17),
        ('dial "+1" -> HEAD /x', "HEAD", 18),
        ("gather -> PUT /x", "PUT", 15),
    ],
)
def test_every_method_position_is_checked(compile_flow, line, method, col):
    [d] = found(compile_flow(f"step start:\n    {line}\n"))
    assert (d.span.line, d.span.col, d.span.end_col) == (2, col, col + len(method))
    assert f"`{method}`" in d.message


def test_status_and_action_methods_are_checked_separately(compile_flow):
    ds = found(compile_flow("step start:\n    record status PUT /rec -> PATCH /x\n"))
    assert [d.span.col for d in ds] == [19, 31]


def test_method_on_step_reference_is_checked(compile_flow):
    build = compile_flow("step start:\n    record -> PUT done\nstep done:\n    hangup\n")
    [d] = found(build)
    assert where(d) == (2, 15, 2, 18)
