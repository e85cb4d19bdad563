"""FL205: `reject` after another verb, when the call is already answered."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow(
        """\
        step closed:
            say "We are closed."
            reject busy
        """
    )
    assert codes(build) == ["FL205"]
    [d] = build.diagnostics
    assert d.severity is Severity.WARNING
    assert where(d) == (3, 5, 3, 11)
    assert "already answered" in d.message
    assert [(n.message, where(n)) for n in d.notes] == [("the call is answered here", (2, 5, 2, 8))]
    assert "first verb" in d.hint


@pytest.mark.parametrize("first", ["pause 1s", 'play "https://example.com/ring.mp3"', 'dial "+15551234567"'])
def test_any_verb_before_reject_answers_the_call(compile_flow, first):
    build = compile_flow(f"step start:\n    {first}\n    reject\n")
    assert codes(build) == ["FL205"]
    assert where(build.diagnostics[0].notes[0])[:2] == (2, 5)


def test_reject_as_the_first_verb_is_not_reported(compile_flow):
    assert codes(compile_flow("step start:\n    reject busy\n")) == []
    assert codes(compile_flow("step start:\n    reject rejected\n")) == []


def test_verbs_after_a_first_reject_are_unreachable_not_answered(compile_flow):
    build = compile_flow('step start:\n    reject\n    say "never heard"\n')
    assert codes(build) == ["FL201"]


def test_the_note_points_at_the_first_verb_of_the_step(compile_flow):
    build = compile_flow('step start:\n    say "One"\n    say "Two"\n    reject\n')
    [d] = build.diagnostics
    assert where(d)[:2] == (4, 5)
    assert where(d.notes[0])[:2] == (2, 5)
