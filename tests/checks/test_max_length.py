"""FL301: `record max` outside what Twilio allows for the account."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity

LONG_CALLS = "flow support\n    max-call-duration 24h\n"


def record(max_length: str, header: str = "") -> str:
    return header + f"step start:\n    record max {max_length} -> /handle\n"


def found(build):
    return [d for d in build.diagnostics if d.code == "FL301"]


def test_five_hours_is_reported_by_default(compile_flow):
    build = compile_flow(record("5h"))
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 16, 2, 18)
    assert "18000 s" in d.message
    assert "maximum call duration of 14400 s" in d.message
    assert "max-call-duration 24h" in d.hint
    assert "4 hours" in d.hint
    assert codes(build) == ["FL301"]


def test_five_hours_is_accepted_with_24_hour_calls(compile_flow):
    assert codes(compile_flow(record("5h", LONG_CALLS))) == []


@pytest.mark.parametrize(
    "max_length, ok",
    [
        ("0s", False),
        ("1s", False),
        ("2s", True),
        ("1h", True),
        ("4h", True),
        ("14400s", True),
        ("4h1s", False),
    ],
)
def test_default_range_is_more_than_1s_up_to_4h(compile_flow, max_length, ok):
    assert (found(compile_flow(record(max_length))) == []) is ok


def test_one_second_is_too_short(compile_flow):
    [d] = found(compile_flow(record("1s")))
    assert where(d) == (2, 16, 2, 18)
    assert "more than 1 second" in d.message
    assert "not 1" in d.message


def test_one_second_over_4_hours_is_reported(compile_flow):
    [d] = found(compile_flow(record("4h1s")))
    assert where(d) == (2, 16, 2, 20)
    assert "14401 s" in d.message and "14400 s" in d.message


@pytest.mark.parametrize(
    "max_length, ok",
    [("1s", False), ("2s", True), ("4h1s", True), ("24h", True), ("86400s", True), ("24h1s", False)],
)
def test_range_with_24_hour_calls(compile_flow, max_length, ok):
    assert (found(compile_flow(record(max_length, LONG_CALLS))) == []) is ok


def test_over_24_hours_with_24_hour_calls_has_the_other_hint(compile_flow):
    [d] = found(compile_flow(record("24h1s", LONG_CALLS)))
    assert where(d) == (4, 16, 4, 21)
    assert "86401 s" in d.message and "86400 s" in d.message
    assert "raise the flow's `max-call-duration`" in d.hint


def test_lower_max_call_duration_lowers_the_limit(compile_flow):
    header = "flow support\n    max-call-duration 1h\n"
    assert found(compile_flow(record("1h", header))) == []
    [d] = found(compile_flow(record("1h1s", header)))
    assert "3600 s" in d.message


def test_max_call_duration_over_24_hours_still_caps_at_24_hours(compile_flow):
    build = compile_flow(record("24h1s", "flow support\n    max-call-duration 48h\n"))
    assert sorted(codes(build)) == ["FL301", "FL308"]
    assert "86400 s" in found(build)[0].message


def test_record_without_max_is_accepted(compile_flow):
    assert codes(compile_flow("step start:\n    record -> /handle\n")) == []
