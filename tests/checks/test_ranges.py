"""FL311: numbers and durations outside the range Twilio documents."""

from __future__ import annotations

from conftest import codes, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow("step start:\n    dial:\n        conference standup max-participants 500\n")
    [d] = [d for d in build.diagnostics if d.code == "FL311"]
    assert d.severity is Severity.ERROR
    assert where(d) == (3, 45, 3, 48)
    assert d.message == "`max-participants` on `conference` is 500; Twilio accepts from 2 to 250"


def test_docstring_good_example(compile_flow):
    build = compile_flow("step start:\n    dial:\n        conference standup max-participants 250\n")
    assert "FL311" not in codes(build)


def test_durations_and_numbers_of_several_elements(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    dial:\n"
        '        number "+14155550100" machine-detection-timeout 2s machine-detection-speech-threshold 999\n'
        "    enqueue support max-queue-size 0\n"
        "    pay max-attempts 4 -> https://pay.example.com/r\n"
    )
    messages = [d.message for d in build.diagnostics if d.code == "FL311"]
    assert messages == [
        "`machine-detection-timeout` on `number` is 2 s; Twilio accepts from 3 s to 59 s",
        "`machine-detection-speech-threshold` on `number` is 999; Twilio accepts from 1000 to 6000",
        "`max-queue-size` on `enqueue` is 0; Twilio accepts from 1 to 5000",
        "`max-attempts` on `pay` is 4; Twilio accepts from 1 to 3",
    ]


def test_bounds_are_inclusive(compile_flow):
    build = compile_flow(
        "step start:\n    enqueue support max-queue-size 5000\n    pay max-attempts 1 -> https://p.example.com/r\n"
    )
    assert "FL311" not in codes(build)
