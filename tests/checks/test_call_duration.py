"""FL308: `max-call-duration` outside Twilio's limits (1 s to 24 h)."""

from __future__ import annotations

import pytest
from conftest import codes, only

from flowc.diagnostics import Severity


def flow_with(setting: str) -> str:
    return f"flow support\n    max-call-duration {setting}\nstep start:\n    hangup\n"


def test_48_hours_is_reported(compile_flow):
    build = compile_flow(flow_with("48h"))
    d = only(build, "FL308")
    assert d.severity is Severity.ERROR
    assert (d.span.line, d.span.col, d.span.end_line, d.span.end_col) == (2, 23, 2, 26)
    assert "max-call-duration" in d.message
    assert "24 hours" in d.message
    assert "172800 s" in d.message


def test_24_hours_is_accepted(compile_flow):
    assert codes(compile_flow(flow_with("24h"))) == []


@pytest.mark.parametrize("value", ["1s", "59m59s", "4h", "23h59m59s", "24h"])
def test_values_up_to_24_hours_are_accepted(compile_flow, value):
    assert "FL308" not in codes(compile_flow(flow_with(value)))


def test_one_second_over_24_hours_is_reported(compile_flow):
    d = only(compile_flow(flow_with("24h1s")), "FL308")
    assert "86401 s" in d.message
    assert (d.span.line, d.span.col, d.span.end_line, d.span.end_col) == (2, 23, 2, 28)


def test_zero_is_reported(compile_flow):
    d = only(compile_flow(flow_with("0s")), "FL308")
    assert d.severity is Severity.ERROR
    assert "1 second" in d.message
    assert "0 s" in d.message


def test_no_setting_is_not_reported(compile_flow):
    assert codes(compile_flow("flow support\nstep start:\n    hangup\n")) == []
