"""FL201: verbs after a verb that ends the document."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL201"]


def after(verb: str) -> str:
    return f'step start:\n    {verb}\n    say "after"\n    hangup\nstep a:\n    hangup\n'


def test_say_after_record_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            record -> handle
            say "I did not get a recording"
        step handle:
            hangup
        """
    )
    [d] = found(build)
    assert d.severity is Severity.WARNING
    assert where(d.span) == (3, 5, 3, 36)
    assert "`say` is never reached" in d.message
    assert "ends at `record`" in d.message
    assert len(d.notes) == 1
    assert d.notes[0].message == "`record` leaves the document here"
    assert where(d.notes[0].span) == (2, 5, 2, 21)
    assert "move it into the step" in d.hint
    assert codes(build) == ["FL201"]


def test_say_in_the_next_step_is_accepted(compile_flow):
    build = compile_flow(
        """\
        step start:
            record -> handle
        step handle:
            say "I did not get a recording"
            hangup
        """
    )
    assert codes(build) == []


@pytest.mark.parametrize(
    "verb, name, why",
    [
        ("record -> a", "record", "`record` leaves the document here"),
        ("redirect -> a", "redirect", "`redirect` leaves the document here"),
        ("hangup", "hangup", "`hangup` ends the call here"),
        ("reject", "reject", "`reject` ends the call here"),
        ("reject busy", "reject", "`reject` ends the call here"),
        ('dial "+15551234567" -> a', "dial", "`dial` leaves the document here"),
        ('say "x" loop 0', "say", "`say` with `loop 0` repeats until the caller hangs up"),
        (
            "play https://example.com/a.mp3 loop 0",
            "play",
            "`play` with `loop 0` repeats until the caller hangs up",
        ),
        ("record", "record", "`record` leaves the document here"),
    ],
)
def test_verbs_that_end_the_document(compile_flow, verb, name, why):
    build = compile_flow(after(verb))
    [d] = found(build)
    assert where(d.span) == (3, 5, 3, 16)
    assert d.message == f"`say` is never reached: the document ends at `{name}`"
    assert d.notes[0].message == why
    assert where(d.notes[0].span) == (2, 5, 2, 5 + len(verb))


@pytest.mark.parametrize(
    "verb",
    [
        "gather -> a",
        'dial "+15551234567"',
        'say "x"',
        'say "x" loop 1',
        "play https://example.com/a.mp3 loop 2",
        "pause 1s",
        'play digits "1234"',
    ],
)
def test_verbs_that_do_not_end_the_document(compile_flow, verb):
    assert found(compile_flow(after(verb))) == []


def test_gather_with_block_falls_through(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1 -> choice:
                say "Press 1"
            say "We did not get your choice"
            redirect -> start
        step choice:
            hangup
        """
    )
    assert found(build) == []


def test_only_the_first_dead_verb_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            hangup
            say "one"
            say "two"
            hangup
        """
    )
    [d] = found(build)
    assert d.span.line == 3


def test_verb_ending_the_document_last_is_accepted(compile_flow):
    build = compile_flow('step start:\n    say "bye"\n    hangup\n')
    assert codes(build) == []


def test_dead_verb_after_an_ender_that_is_not_first(compile_flow):
    build = compile_flow('step start:\n    say "hi"\n    pause 1s\n    reject\n    play /x.mp3\n')
    [d] = found(build)
    assert where(d.span) == (5, 5, 5, 16)
    assert "`play` is never reached" in d.message


def test_each_step_is_checked(compile_flow):
    build = compile_flow(
        """\
        step start:
            redirect -> b
            hangup
        step b:
            hangup
            reject
        """
    )
    assert [d.span.line for d in found(build)] == [3, 6]


def test_one_step_main_flow_is_checked(compile_flow):
    build = compile_flow('hangup\nsay "late"\n')
    [d] = found(build)
    assert where(d.span) == (2, 1, 2, 11)
