"""FL501: transcribed recordings whose `max` Twilio will not transcribe."""

from __future__ import annotations

import pytest
from conftest import codes

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL501"]


def record(options: str) -> str:
    return f"step start:\n    record {options} -> /handle\n"


def test_five_minutes_transcribed_is_reported(compile_flow):
    build = compile_flow(record("max 5m transcribe"))
    [d] = found(build)
    assert d.severity is Severity.WARNING
    assert (d.span.line, d.span.col, d.span.end_line, d.span.end_col) == (2, 16, 2, 18)
    assert "longer than 2 s and shorter than 120 s" in d.message
    assert "300 s" in d.message
    assert "120s" in d.hint and "transcribe" in d.hint
    assert codes(build) == ["FL501"]


def test_ninety_seconds_transcribed_is_accepted(compile_flow):
    assert codes(compile_flow(record("max 90s transcribe"))) == []


@pytest.mark.parametrize(
    "max_length, warned",
    [
        ("2s", True),
        ("3s", False),
        ("1m", False),
        ("119s", False),
        ("1m59s", False),
        ("120s", True),
        ("2m", True),
    ],
)
def test_boundaries(compile_flow, max_length, warned):
    assert bool(found(compile_flow(record(f"max {max_length} transcribe")))) is warned


def test_message_gives_the_written_length(compile_flow):
    [d] = found(compile_flow(record("max 2s transcribe")))
    assert "2 s" in d.message.split(";")[1]


def test_no_max_is_not_reported(compile_flow):
    assert codes(compile_flow(record("transcribe"))) == []


def test_transcribe_callback_implies_transcription(compile_flow):
    build = compile_flow(record("max 5m transcribe /cb"))
    assert codes(build) == ["FL501"]


def test_transcribe_callback_without_max_is_not_reported(compile_flow):
    assert codes(compile_flow(record("transcribe https://example.com/cb"))) == []


def test_long_recording_without_transcription_is_not_reported(compile_flow):
    assert codes(compile_flow(record("max 5m"))) == []


def test_transcribe_written_before_max(compile_flow):
    assert codes(compile_flow(record("transcribe max 3m"))) == ["FL501"]
