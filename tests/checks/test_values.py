"""FL306: enumerated and simple values outside what the option allows."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL306"]


def step(*verbs: str) -> str:
    return "step start:\n" + "".join(f"    {v}\n" for v in verbs)


def test_misspelt_reject_reason_is_reported(compile_flow):
    build = compile_flow(step("reject busyy"))
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 12, 2, 17)
    assert "`busyy` is not a reject reason" in d.message
    assert "`rejected` or `busy`" in d.message
    assert d.hint == "did you mean `busy`?"
    assert codes(build) == ["FL306"]


@pytest.mark.parametrize("verb", ["reject busy", "reject rejected", "reject"])
def test_reject_reasons_are_accepted(compile_flow, verb):
    assert codes(compile_flow(step(verb))) == []


def test_unknown_context_is_reported(compile_flow):
    build = compile_flow("flow x\n    context clinet\nstep start:\n    hangup\n")
    [d] = found(build)
    assert where(d) == (2, 13, 2, 19)
    assert "`clinet` is not a context" in d.message
    assert "`client`, `live-update` or `twiml-parameter`" in d.message
    assert d.hint == "did you mean `client`?"


def test_gather_input_values(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather input dtmf speech dtmf -> /a
            gather input voice -> /a
            gather input speech dtmf -> /a
        """
    )
    twice, unknown = found(build)
    assert where(twice) == (2, 30, 2, 34)
    assert "`dtmf` is listed twice" in twice.message
    assert where(unknown) == (3, 18, 3, 23)
    assert "`voice` is not a gather input" in unknown.message
    assert "`dtmf` or `speech`" in unknown.message


@pytest.mark.parametrize("digits, ok", [("0", False), ("1", True), ("20", True)])
def test_gather_digits_is_at_least_1(compile_flow, digits, ok):
    build = compile_flow(step(f"gather digits {digits} -> /a"))
    assert (found(build) == []) is ok
    if not ok:
        assert "at least 1" in found(build)[0].message
        assert where(found(build)[0]) == (2, 19, 2, 20)


@pytest.mark.parametrize("tag", ["en-US", "fr-FR", '"de-DE"', "cmn-Hans-CN", "en"])
def test_language_tags_are_accepted(compile_flow, tag):
    assert codes(compile_flow(step(f'say "x" language {tag}', f"gather language {tag} -> /a"))) == []


@pytest.mark.parametrize("tag", ["english", "en_US", "e", '""'])
def test_bad_language_tags_are_reported(compile_flow, tag):
    [d] = found(compile_flow(step(f'say "x" language {tag}')))
    assert "is not a language tag" in d.message
    assert "en-US" in d.hint
    assert (d.span.line, d.span.col) == (2, 22)


def test_gather_language_is_checked(compile_flow):
    [d] = found(compile_flow(step("gather language en_US -> /a")))
    assert where(d) == (2, 21, 2, 26)


@pytest.mark.parametrize("number", ['""', '"   "'])
def test_empty_dial_number_is_reported(compile_flow, number):
    [d] = found(compile_flow(step(f"dial {number}")))
    assert d.message == "the number to dial is empty"
    assert where(d) == (2, 10, 2, 10 + len(number))


def test_normative_say_line_is_accepted(compile_flow):
    assert codes(compile_flow(step('say "Hello" voice Polly.Joanna language en-US loop 2'))) == []


def test_number_too_large_is_reported(compile_flow):
    [d] = found(compile_flow(step("gather digits 1234567890123 -> /a")))
    assert where(d) == (2, 19, 2, 32)
    assert "too large" in d.message


def test_misspelt_option_after_input_is_one_error(compile_flow):
    # `input` takes every word after it, so a misspelt option lands among the
    # inputs; it is reported once, as the option it was meant to be, and its
    # value (`auto`) is not reported as a second bad input.
    build = compile_flow("step start:\n    gather input speech speech-timout auto -> /h\n")
    assert codes(build) == ["FL306"]
    d = build.diagnostics[0]
    assert where(d) == (2, 25, 2, 38)
    assert d.message == "`speech-timout` is not a gather input; `input` reads every word after it as one"
    assert d.hint == "did you mean the option `speech-timeout`?"


def test_misspelt_input_still_gets_the_input_suggestion(compile_flow):
    build = compile_flow("step start:\n    gather input speeh -> /h\n")
    assert codes(build) == ["FL306"]
    assert build.diagnostics[0].hint == "did you mean `speech`?"

