"""FL401: verbs nested where TwiML does not allow it."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL401"]


def test_record_in_gather_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> choice:
                record -> done
        step choice:
            hangup
        step done:
            hangup
        """
    )
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d.span) == (3, 9, 3, 15)
    assert "`record` cannot be nested in `gather`" in d.message
    assert "`say`, `play` and `pause`" in d.message
    assert d.notes[0].message == "inside this gather"
    assert where(d.notes[0].span) == (2, 5, 2, 11)
    assert "record" in d.hint


def test_say_in_gather_is_accepted(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> choice:
                say "Press 1 to record a message"
        step choice:
            hangup
        """
    )
    assert codes(build) == []


def test_say_play_pause_and_digits_in_gather_are_accepted(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> choice:
                say "a"
                play /x.mp3
                pause 1s
                play digits "1"
        step choice:
            hangup
        """
    )
    assert codes(build) == []


@pytest.mark.parametrize(
    "verb", ["hangup", 'dial "+15551234567"', "redirect -> choice", "reject", "gather -> choice"]
)
def test_other_verbs_in_gather_are_reported(compile_flow, verb):
    build = compile_flow(f"step start:\n    gather -> choice:\n        {verb}\nstep choice:\n    hangup\n")
    [d] = found(build)
    name = verb.split()[0]
    assert where(d.span) == (3, 9, 3, 9 + len(name))
    assert f"`{name}` cannot be nested in `gather`" in d.message


def test_each_bad_child_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> choice:
                hangup
                say "ok"
                dial "+1"
        step choice:
            hangup
        """
    )
    assert [d.span.line for d in found(build)] == [3, 5]


def test_block_under_record_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            record -> choice:
                say "a"
        step choice:
            hangup
        """
    )
    [d] = found(build)
    assert where(d.span) == (3, 9, 3, 16)
    assert "`record` cannot hold other verbs" in d.message
    assert "it takes no block" in d.message
    assert d.notes[0].message == "the block of this `record`"
    assert where(d.notes[0].span) == (2, 5, 2, 11)
    assert "un-indent" in d.hint


def test_block_under_say_is_reported_once(compile_flow):
    build = compile_flow(
        """\
        step start:
            say "x":
                pause 1s
                pause 2s
        """
    )
    # `say` has a block now (its text and SSML), so each verb in it is reported where it stands
    first, second = found(build)
    assert (where(first.span), where(second.span)) == ((3, 9, 3, 14), (4, 9, 4, 14))
    assert first.message.startswith("`pause` cannot be nested in `say`; only `break`, `emphasis`")
    assert first.hint == "write `break` with a time (`break 1s`) for a pause inside the speech"


def test_text_lines_only_where_text_is_spoken(compile_flow):
    build = compile_flow(
        """\
        step start:
            "Hello"
            gather -> choice:
                "Press 1"
            say:
                "Hello"
                say-as digits "12":
                    "more"
        step choice:
            hangup
        """
    )
    found_ = [(where(d.span)[:2], d.message) for d in found(build)]
    speakers = "`say`, `emphasis`, `lang`, `p`, `prosody`, `s` and `w`"
    assert found_ == [
        ((2, 5), f"a line of text cannot stand alone in a step; text is spoken only in the block of {speakers}"),
        ((4, 9), f"a line of text cannot stand in `gather`; text is spoken only in the block of {speakers}"),
        ((8, 13), f"a line of text cannot stand in `say-as`; text is spoken only in the block of {speakers}"),
    ]


def test_ssml_nests_as_twilio_python_nests_it(compile_flow):
    build = compile_flow(
        """\
        step start:
            say:
                p:
                    s:
                        p "no paragraph in a sentence"
                w:
                    lang fr-FR "non"
        """
    )
    assert [(where(d.span)[:2], d.message.split(";")[0]) for d in found(build)] == [
        ((5, 17), "`p` cannot be nested in `s`"),
        ((7, 13), "`lang` cannot be nested in `w`"),
    ]


def test_block_under_a_verb_nested_in_gather_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> choice:
                say "x":
                    pause 1s
        step choice:
            hangup
        """
    )
    [d] = found(build)
    assert where(d.span) == (4, 13, 4, 18)
    assert where(d.notes[0].span) == (3, 9, 3, 12)
