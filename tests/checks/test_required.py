"""FL316: elements without what Twilio requires of them."""

from __future__ import annotations

from conftest import codes, where


def test_docstring_bad_example(compile_flow):
    build = compile_flow(
        'step start:\n    pay -> https://pay.example.com/done:\n        prompt:\n            say "Card number"\n'
    )
    [d] = [d for d in build.diagnostics if d.code == "FL316"]
    assert where(d) == (3, 9, 3, 15)
    assert d.message == "`prompt` needs `for`"
    assert d.hint == "add `for WORD`"


def test_docstring_good_example(compile_flow):
    build = compile_flow(
        "step start:\n    pay -> https://pay.example.com/done:\n"
        '        prompt for payment-card-number:\n            say "Card number"\n'
    )
    assert "FL316" not in codes(build)


def test_values_or_children_that_are_missing(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    dial\n"
        "    dial:\n"
        "        client:\n"
        '            parameter a "b"\n'
        "        application\n"
        '        sip username "u"\n'
    )
    assert [d.message for d in build.diagnostics if d.code == "FL316"] == [
        "`dial` needs a number, or a block of what to dial",
        "`client` needs its identity",
        "`application` needs its sid",
        "`sip` needs its sip-uri",
    ]


def test_identity_and_uri_lines_stand_for_the_value(compile_flow):
    build = compile_flow(
        "step start:\n"
        "    dial:\n"
        "        client:\n"
        "            identity alice\n"
        "        sip:\n"
        '            uri "sip:a@example.com"\n'
    )
    assert "FL316" not in codes(build)


def test_say_without_text_or_block(compile_flow):
    """`say` alone parses (its text may be the lines of its block), and is told it needs one."""
    build = compile_flow("step start:\n    say\n")
    [d] = [d for d in build.diagnostics if d.code == "FL316"]
    assert (d.span.line, d.span.col, d.span.end_col) == (2, 5, 8)
    assert d.message == "`say` needs its text, or a block of text and SSML lines"
    assert d.hint == 'write `say "TEXT"`'
    assert "FL001" not in [x.code for x in build.diagnostics]


def test_say_with_only_a_block_has_text(compile_flow):
    build = compile_flow('step start:\n    say voice alice:\n        "Hello"\n        break 1s\n')
    assert [d.code for d in build.diagnostics] == []
