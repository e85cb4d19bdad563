"""FL319: break times and prosody values outside what the voices accept."""

from __future__ import annotations

from conftest import codes, only, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow('step start:\n    say:\n        "Please hold."\n        break 30s\n')
    d = only(build, "FL319")
    assert d.severity is Severity.ERROR
    assert where(d) == (4, 15, 4, 18)
    assert d.message == "a `break` lasts at most 10 seconds, not `30s`"


def test_docstring_good_example(compile_flow):
    build = compile_flow('step start:\n    say:\n        "Please hold."\n        break 3s\n')
    assert codes(build) == []


def test_break_times(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    say:\n"
        "        break 10000ms\n"
        "        break 10001ms\n"
        "        break 2.5s\n"
        "        break 50%\n"
    )
    found = [(d.span.line, d.message) for d in build.diagnostics if d.code == "FL319"]
    assert found == [
        (4, "a `break` lasts at most 10 seconds, not `10001ms`"),
        (6, "`50%` is not a break time; write milliseconds or seconds, such as `500ms` or `2s`"),
    ]


def test_prosody_values(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    say:\n"
        '        prosody "a" rate 10% pitch +70% volume 6dB\n'
        '        prosody "b" rate slowish\n'
        '        prosody "c" rate 20% pitch -33.3% volume -6dB\n'
        '        prosody "d" rate x-slow pitch x-high volume x-loud\n'
        '        prosody "e" rate 200% pitch +50% volume +10dB\n'
    )
    found = [(d.span.line, d.span.col, d.message, d.hint) for d in build.diagnostics if d.code == "FL319"]
    assert found == [
        (3, 26, "`prosody rate` is a percentage from `20%` to `200%`, not `10%`", None),
        (3, 36, "`prosody pitch` is a change in percent from `-33.3%` to `+50%`, not `+70%`", None),
        (
            3,
            48,
            "`6dB` is not a `prosody volume`; write `default`, `silent`, `x-soft`, `soft`, `medium`, `loud` "
            "or `x-loud`, or a change in decibels (`+6dB`)",
            None,
        ),
        (
            4,
            26,
            "`slowish` is not a `prosody rate`; write `x-slow`, `slow`, `medium`, `fast` or `x-fast`, "
            "or a percentage from `20%` to `200%`",
            "did you mean `slow`?",
        ),
    ]
