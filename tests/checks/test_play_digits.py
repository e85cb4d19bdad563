"""FL309: `play digits` with characters that are not DTMF tones."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL309"]


def play(digits: str) -> str:
    return f'step start:\n    play digits "{digits}"\n'


def test_dash_is_reported(compile_flow):
    build = compile_flow(play("12-34"))
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 17, 2, 24)
    assert "0-9, *, # and w" in d.message
    assert "`-`" in d.message
    assert codes(build) == ["FL309"]


def test_waits_between_digits_are_accepted(compile_flow):
    assert codes(compile_flow(play("12ww34"))) == []


def test_every_tone_is_accepted(compile_flow):
    assert codes(compile_flow(play("0123456789*#w"))) == []


def test_empty_digits_are_reported(compile_flow):
    [d] = found(compile_flow(play("")))
    assert where(d) == (2, 17, 2, 19)
    assert "empty" in d.message


@pytest.mark.parametrize("digits, bad", [("W1", "`W`"), ("1a", "`a`"), ("+1", "`+`"), ("1 2", "` `")])
def test_non_tones_are_named(compile_flow, digits, bad):
    [d] = found(compile_flow(play(digits)))
    assert bad in d.message


def test_digits_nested_in_gather_are_checked(compile_flow):
    build = compile_flow('step start:\n    gather -> /choice:\n        play digits "1a"\n')
    [d] = found(build)
    assert where(d) == (3, 21, 3, 25)


def test_play_url_is_not_checked_as_digits(compile_flow):
    assert codes(compile_flow("step start:\n    play https://example.com/a-b.mp3\n")) == []
