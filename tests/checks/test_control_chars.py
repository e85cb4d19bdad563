"""FL310: characters XML 1.0 cannot carry, in any text that reaches TwiML."""

from __future__ import annotations

import pytest
from conftest import codes, only, where

from flowc.diagnostics import Severity


def lines(*text: str) -> str:
    return "\n".join(text) + "\n"


def test_bell_in_say_is_reported(compile_flow):
    build = compile_flow(lines("step start:", r'    say "Hello\u0007"'))
    d = only(build, "FL310")
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 9, 2, 22)
    assert "U+0007" in d.message
    assert "XML" in d.message
    assert "\\n" in d.hint
    assert codes(build) == ["FL310"]


def test_plain_say_is_accepted(compile_flow):
    assert codes(compile_flow(lines("step start:", '    say "Hello"'))) == []


def test_tab_newline_and_carriage_return_are_allowed(compile_flow):
    build = compile_flow(lines("step start:", r'    say "a\tb\nc\rd\u0009\u000a\u000d"'))
    assert codes(build) == []


@pytest.mark.parametrize(
    "escape, shown",
    [
        ("\\u0000", "U+0000"),
        ("\\u0008", "U+0008"),
        ("\\u000b", "U+000B"),
        ("\\u000c", "U+000C"),
        ("\\u000e", "U+000E"),
        ("\\u001f", "U+001F"),
        ("\\ud800", "U+D800"),
        ("\\udfff", "U+DFFF"),
        ("\\ufffe", "U+FFFE"),
        ("\\uffff", "U+FFFF"),
    ],
)
def test_characters_outside_xml_are_reported(compile_flow, escape, shown):
    d = only(compile_flow(lines("step start:", f'    say "x{escape}"')), "FL310")
    assert shown in d.message


@pytest.mark.parametrize("escape", ["\\u0020", "\\u007f", "\\ud7ff", "\\ue000", "\\ufffd"])
def test_characters_xml_allows_are_accepted(compile_flow, escape):
    assert "FL310" not in codes(compile_flow(lines("step start:", f'    say "x{escape}"')))


def test_voice_is_checked(compile_flow):
    d = only(compile_flow(lines("step start:", r'    say "x" voice "P\u0001"')), "FL310")
    assert where(d) == (2, 19, 2, 28)
    assert "U+0001" in d.message


def test_url_target_is_checked(compile_flow):
    d = only(compile_flow(lines("step start:", r'    redirect -> "/a\u0002"')), "FL310")
    assert where(d)[:2] == (2, 14)


def test_base_url_is_checked(compile_flow):
    build = compile_flow(lines("flow x", r'    base-url "https://e.com/\u0003"', "step start:", "    hangup"))
    d = only(build, "FL310")
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 14, 2, 36)
    assert "base URL" in d.message


def test_say_nested_in_gather_is_checked(compile_flow):
    build = compile_flow(
        lines("step start:", "    gather -> a:", r'        say "bad\u0008"', "step a:", "    hangup")
    )
    d = only(build, "FL310")
    assert where(d) == (3, 13, 3, 24)


def test_gather_hints_and_dial_number_are_checked(compile_flow):
    build = compile_flow(
        lines(
            "step start:",
            r'    gather hints "yes\u0004no" -> a',
            "step a:",
            r'    dial "+1555\u0005"',
        )
    )
    assert [(d.code, d.span.line) for d in build.diagnostics if d.code == "FL310"] == [
        ("FL310", 2),
        ("FL310", 4),
    ]
