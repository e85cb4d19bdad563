"""FL305: durations that are zero or out of range where Twilio forbids it."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build, code="FL305"):
    return [d for d in build.diagnostics if d.code == code]


def one_step(*verbs: str, header: str = "") -> str:
    return header + "step start:\n" + "".join(f"    {v}\n" for v in verbs)


def test_docstring_bad_example(compile_flow):
    build = compile_flow(
        """\
        step start:
            pause 0s
            dial "+15551234567" timeout 20m
        """
    )
    pause, dial = found(build)
    assert pause.severity is Severity.ERROR and dial.severity is Severity.ERROR
    assert where(pause) == (2, 11, 2, 13)
    assert "`pause`" in pause.message
    assert "at least 1 second" in pause.message
    assert where(dial) == (3, 33, 3, 36)
    assert "`timeout` on `dial`" in dial.message
    assert "1200 s" in dial.message and "600 s" in dial.message
    assert codes(build) == ["FL305", "FL305"]


def test_docstring_good_example(compile_flow):
    build = compile_flow(
        """\
        step start:
            pause 1s
            dial "+15551234567" timeout 30s
        """
    )
    assert codes(build) == []


def test_pause_without_length_is_accepted(compile_flow):
    assert codes(compile_flow(one_step("pause"))) == []


@pytest.mark.parametrize(
    "value, ok", [("0s", False), ("1s", True), ("599s", True), ("10m", True), ("10m1s", False)]
)
def test_dial_timeout_range(compile_flow, value, ok):
    build = compile_flow(one_step(f'dial "+15551234567" timeout {value}'))
    assert (found(build) == []) is ok


def test_dial_timeout_over_600_seconds_names_the_limit(compile_flow):
    [d] = found(compile_flow(one_step('dial "+1" timeout 601s')))
    assert where(d) == (2, 23, 2, 27)
    assert "601 s" in d.message and "600 s" in d.message


@pytest.mark.parametrize("value, ok", [("0s", False), ("1s", True), ("4h", True), ("4h1s", False)])
def test_dial_time_limit_defaults_to_4_hours(compile_flow, value, ok):
    build = compile_flow(one_step(f'dial "+15551234567" time-limit {value}'))
    assert (found(build) == []) is ok


def test_dial_time_limit_over_4_hours_names_the_limit(compile_flow):
    [d] = found(compile_flow(one_step('dial "+1" time-limit 4h1s')))
    assert "`time-limit` on `dial`" in d.message
    assert "14401 s" in d.message and "14400 s" in d.message
    assert where(d) == (2, 26, 2, 30)


@pytest.mark.parametrize("value, ok", [("4h1s", True), ("24h", True), ("24h1s", False)])
def test_dial_time_limit_follows_max_call_duration(compile_flow, value, ok):
    header = "flow support\n    max-call-duration 24h\n"
    build = compile_flow(one_step(f'dial "+15551234567" time-limit {value}', header=header))
    assert (found(build) == []) is ok


def test_gather_timeout_and_speech_timeout_of_zero_are_reported(compile_flow):
    build = compile_flow(one_step("gather timeout 0s speech-timeout 0s -> /choice"))
    timeout, speech = found(build)
    assert where(timeout) == (2, 20, 2, 22)
    assert "`timeout` on `gather`" in timeout.message
    assert timeout.hint is None
    assert where(speech) == (2, 38, 2, 40)
    assert "`speech-timeout` on `gather`" in speech.message
    assert "speech-timeout auto" in speech.hint


def test_gather_speech_timeout_auto_and_one_second_are_accepted(compile_flow):
    build = compile_flow(one_step("gather speech-timeout auto timeout 1s -> /choice"))
    assert codes(build) == []


def test_gather_has_no_upper_limit_on_timeout(compile_flow):
    build = compile_flow(one_step("gather timeout 1h speech-timeout 1h -> /choice"))
    assert found(build) == []


@pytest.mark.parametrize("timeout", ["off", "0s"])
def test_record_timeout_off_is_allowed(compile_flow, timeout):
    build = compile_flow(one_step(f"record timeout {timeout} -> /handle"))
    assert codes(build) == []


def test_pause_nested_in_gather_is_checked(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> /choice:
                pause 0s
        """
    )
    [d] = found(build)
    assert where(d) == (3, 15, 3, 17)
