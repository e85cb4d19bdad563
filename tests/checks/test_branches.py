"""FL801, FL803, FL804, FL805: the shape of branch steps."""

from __future__ import annotations

import pytest
from conftest import codes, only, where

from flowc import ir
from flowc.diagnostics import Severity

MENU = """\
step start:
    gather digits 1 -> choice:
        say "Press 1 or 2"
step choice:
{lines}
step sales:
    hangup
step support:
    hangup
"""


def menu(*lines: str) -> str:
    return MENU.format(lines="\n".join("    " + line for line in lines))


def test_a_branch_step_parses_into_when_and_otherwise(compile_flow):
    build = compile_flow(menu('when digits "1" -> sales', 'when digits "2" -> support', "otherwise -> start"))
    assert codes(build) == []
    choice = build.flows[0].step("choice")
    assert choice.is_branch and not build.flows[0].step("start").is_branch
    first, second, fallback = choice.verbs
    assert isinstance(first, ir.When) and first.input == "digits" and first.value.value == "1"
    assert first.target.kind is ir.TargetKind.STEP and first.target.step == "sales"
    assert where(first.value) == (5, 17, 5, 20)
    assert where(first.keyword) == (5, 5, 5, 9)
    assert isinstance(fallback, ir.Otherwise) and fallback.target.step == "start"
    assert where(fallback) == (7, 5, 7, 23)


def test_a_branch_to_another_flow(compile_flow):
    build = compile_flow(
        menu('when digits "1" -> billing.start', "otherwise -> start"),
        billing="step start:\n    hangup\n",
    )
    when = build.flows[0].step("choice").verbs[0]
    assert when.target.kind is ir.TargetKind.FLOW_STEP and when.target.flow == "billing"
    assert "FL105" not in codes(build)


def test_branch_targets_are_checked_like_other_references(compile_flow):
    build = compile_flow(menu('when digits "1" -> nowhere', "otherwise -> start"))
    assert "FL104" in codes(build) or "FL102" in codes(build), build.diagnostics


def test_a_verb_in_a_branch_step(compile_flow):
    build = compile_flow(menu('say "One moment"', 'when digits "1" -> sales'))
    d = only(build, "FL801")
    assert d.severity is Severity.ERROR
    assert where(d) == (5, 5, 5, 21)
    assert d.message.startswith("`say` in branch step `choice`")
    assert where(d.notes[0]) == (6, 5, 6, 9)
    assert "FL201" not in codes(build)


def test_lines_after_otherwise_are_never_taken(compile_flow):
    build = compile_flow(menu("otherwise -> start", 'when digits "1" -> sales', "otherwise -> support"))
    found = [d for d in build.diagnostics if d.code == "FL803"]
    assert [where(d)[:2] for d in found] == [(6, 5), (7, 5)]
    assert all(d.severity is Severity.WARNING for d in found)
    assert where(found[0].notes[0])[:2] == (5, 5)


def test_a_key_tested_twice(compile_flow):
    build = compile_flow(menu('when digits "1" -> sales', 'when digits "1" -> support', "otherwise -> start"))
    d = only(build, "FL804")
    assert d.severity is Severity.WARNING
    assert where(d)[:2] == (6, 5)
    assert where(d.notes[0])[:2] == (5, 5)
    assert '"1"' in d.message


@pytest.mark.parametrize(
    ("key", "shown"),
    [("x", "`x`"), ("1a", "`a`"), ("1 2", "` `"), ("\\t", "U+0009")],
)
def test_keys_that_are_not_phone_keys(compile_flow, key, shown):
    build = compile_flow(menu(f'when digits "{key}" -> sales', "otherwise -> start"))
    d = only(build, "FL805")
    assert d.severity is Severity.ERROR
    assert where(d)[:2] == (5, 17)
    assert shown in d.message


def test_an_empty_key(compile_flow):
    d = only(compile_flow(menu('when digits "" -> sales', "otherwise -> start")), "FL805")
    assert "at least one key" in d.message
    assert "otherwise" in d.hint


@pytest.mark.parametrize("key", ["0", "9", "*", "1*", "123", "*9"])
def test_phone_keys_are_accepted(compile_flow, key):
    build = compile_flow(
        menu(f'when digits "{key}" -> sales', "otherwise -> support").replace("digits 1", 'finish ""')
    )
    assert codes(build) == [], build.diagnostics


def test_docstring_good_example(compile_flow):
    build = compile_flow(menu('when digits "1" -> sales', 'when digits "2" -> support', "otherwise -> start"))
    assert codes(build) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("when digits 1 -> sales", (5, 17)),  # the key must be quoted
        ('when digits "1" sales', (5, 21)),  # missing ->
        ('when digits "1" -> /sales', (5, 24)),  # only steps
        ('when digits "1" -> GET sales', (5, 28)),  # no method
        ('when "1" -> sales', (5, 10)),  # what is compared is missing
        ("otherwise", (5, 14)),  # missing target
    ],
)
def test_branch_syntax_errors(compile_flow, line, expected):
    d = only(compile_flow(menu(line)), "FL001")
    assert where(d)[:2] == expected, d.message


def test_a_misspelt_branch_keyword_is_suggested(compile_flow):
    d = only(compile_flow(menu('wen digits "1" -> sales')), "FL001")
    assert "a branch (`when`, `otherwise`)" in d.message
    assert d.hint == "did you mean `when`?"


def test_a_branch_nested_in_gather(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1 -> start:
                when digits "1" -> start
        """
    )
    assert "FL401" in codes(build)
