"""FL312: words that are not among the values an option takes."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow('step start:\n    dial record from-answer:\n        number "+14155550100"\n')
    [d] = [d for d in build.diagnostics if d.code == "FL312"]
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 17, 2, 28)
    assert d.message.startswith("`from-answer` is not a value of `dial record`; write `do-not-record`")
    assert d.hint == "did you mean `record-from-answer`?"


def test_docstring_good_example(compile_flow):
    build = compile_flow('step start:\n    dial record record-from-answer:\n        number "+14155550100"\n')
    assert "FL312" not in codes(build)


def test_word_lists_and_switch_words(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    dial:\n"
        "        conference standup beep onenter\n"
        "    pay card-types visa visa amx -> https://pay.example.com/r:\n"
        "        prompt for card-number:\n"
        '            say "Card number"\n'
    )
    found = [(d.message, d.hint) for d in build.diagnostics if d.code == "FL312"]
    assert found == [
        (
            "`onenter` is not a value of `conference beep`; write `onEnter` or `onExit`",
            "did you mean `onEnter`?",
        ),
        ("`visa` is listed twice", None),
        (
            "`amx` is not a value of `pay card-types`; write one of the values listed in docs/language.md",
            "did you mean `amex`?",
        ),
        (
            (
                "`card-number` is not a value of `prompt for`; write `payment-card-number`, `expiration-date`, "
                "`security-code`, `postal-code`, `bank-routing-number`, `bank-account-number` or `payment-processing`"
            ),
            "did you mean `payment-card-number`?",
        ),
    ]


@pytest.mark.parametrize(("word", "hint"), [("false", "write `no beep`"), ("true", "write `beep` alone")])
def test_a_switch_that_takes_words_is_still_turned_off_with_no(compile_flow, word, hint):
    build = compile_flow(f'step start:\n    dial:\n        conference "Room 1" beep {word}\n')
    [d] = [d for d in build.diagnostics if d.code == "FL312"]
    assert d.message == f"`{word}` is not a value of `conference beep`; write `onEnter` or `onExit`"
    assert d.hint is not None and d.hint.endswith(hint)
