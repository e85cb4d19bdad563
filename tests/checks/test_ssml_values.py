"""FL318: SSML kinds, levels, roles and languages the voices do not know."""

from __future__ import annotations

from conftest import codes, only, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow('step start:\n    say:\n        say-as telephon "4155550100"\n')
    d = only(build, "FL318")
    assert d.severity is Severity.ERROR
    assert where(d) == (3, 16, 3, 24)
    assert (
        d.message
        == "`telephon` is not a kind of `say-as`; write one of the values listed in docs/language.md"
    )
    assert d.hint == "did you mean `telephone`?"


def test_docstring_good_example(compile_flow):
    build = compile_flow('step start:\n    say:\n        say-as telephone "4155550100"\n')
    assert codes(build) == []


def test_levels_roles_and_languages(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    say:\n"
        '        emphasis loud "now"\n'
        '        w "read" role "amazon:VBZ"\n'
        '        lang french "Bonjour"\n'
        '        emphasis strong "now"\n'
        '        w "read" role "amazon:VBD"\n'
        '        lang fr-FR "Bonjour"\n'
    )
    found = [(d.span.line, d.message) for d in build.diagnostics if d.code == "FL318"]
    assert found == [
        (3, "`loud` is not a level of `emphasis`; write `strong`, `moderate` or `reduced`"),
        (4, "`amazon:VBZ` is not a role of `w`; write `amazon:VB`, `amazon:VBD` or `amazon:SENSE_1`"),
        (5, "`french` is not a language tag"),
    ]


def test_format_only_with_a_date(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    say:\n"
        '        say-as digits "1225" format md\n'
        '        say-as date "1225" format md\n'
    )
    d = only(build, "FL318")
    assert where(d) == (3, 37, 3, 39)
    assert d.message == "`format` orders the parts of a date; it does not apply to `say-as digits`"


def test_every_kind_twilio_lists_is_accepted(compile_flow):
    from flowc import vocabulary

    lines = "".join(f'        say-as {kind} "12"\n' for kind in vocabulary.INTERPRET_AS)
    build = compile_flow("step start:\n    say:\n" + lines)
    assert codes(build) == []


def test_nested_elements_are_checked(compile_flow):
    build = compile_flow(
        'step start:\n    say:\n        p:\n            s:\n                say-as ordnal "3"\n'
    )
    d = only(build, "FL318")
    assert where(d)[:2] == (5, 24)
    assert d.hint == "did you mean `ordinal`?"
