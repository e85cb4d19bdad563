"""FL313: phone numbers not in E.164."""

from __future__ import annotations

from conftest import codes, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow('step start:\n    dial:\n        number "(415) 555-0100"\n')
    [d] = [d for d in build.diagnostics if d.code == "FL313"]
    assert d.severity is Severity.WARNING
    assert where(d) == (3, 16, 3, 32)
    assert d.message == "`(415) 555-0100` is not a phone number in E.164"
    # the country code cannot be guessed: `+4155550100` would be another number
    assert d.hint == 'start it with `+` and the country code, then `4155550100` (a number of the US or Canada: `"+14155550100"`)'


def test_a_number_with_its_plus_loses_only_its_punctuation(compile_flow):
    build = compile_flow('step start:\n    dial:\n        number "+44 20 7946 0018"\n')
    [d] = [d for d in build.diagnostics if d.code == "FL313"]
    assert d.hint == 'write `"+442079460018"`, without spaces or punctuation'


def test_docstring_good_example(compile_flow):
    build = compile_flow('step start:\n    dial:\n        number "+14155550100"\n')
    assert "FL313" not in codes(build)


def test_whatsapp_and_sms_numbers(compile_flow):
    build = compile_flow(
        'step start:\n    dial:\n        whatsapp "14155550100"\n    sms "Hi" to "+1 415 555 0100" from "+14155550101"\n'
    )
    assert [d.message for d in build.diagnostics if d.code == "FL313"] == [
        "`14155550100` is not a phone number in E.164",
        "`+1 415 555 0100` is not a phone number in E.164",
    ]
