"""FL102: two steps with one name, or names that differ only in case."""

from __future__ import annotations

import os

from conftest import codes, where

from flowc.diagnostics import Severity
from flowc.project import load


def found(build):
    return [d for d in build.diagnostics if d.code == "FL102"]


def test_names_differing_only_in_case_are_reported(compile_flow):
    build = compile_flow(
        """\
        step menu:
            redirect -> Menu
        step Menu:
            hangup
        """
    )
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d.span) == (3, 6, 3, 10)
    assert "`menu`" in d.message and "`Menu`" in d.message
    assert "differ only in case" in d.message
    assert "case-insensitive" in d.hint
    assert len(d.notes) == 1
    assert d.notes[0].message == "first defined here"
    assert where(d.notes[0].span) == (1, 6, 1, 10)
    assert codes(build) == ["FL102"]


def test_distinct_names_are_accepted(compile_flow):
    build = compile_flow(
        """\
        step menu:
            redirect -> menu_again
        step menu_again:
            hangup
        """
    )
    assert codes(build) == []


def test_exact_duplicate_is_reported(compile_flow):
    build = compile_flow(
        """\
        step menu:
            hangup
        step menu:
            hangup
        """
    )
    [d] = found(build)
    assert where(d.span) == (3, 6, 3, 10)
    assert "the step `menu` is defined twice" in d.message
    assert d.hint is None
    assert where(d.notes[0].span) == (1, 6, 1, 10)
    assert codes(build) == ["FL102"]


def test_every_later_copy_points_at_the_first(compile_flow):
    build = compile_flow(
        """\
        step menu:
            hangup
        step MENU:
            hangup
        step Menu:
            hangup
        """
    )
    ds = found(build)
    assert [d.span.line for d in ds] == [3, 5]
    assert all(where(d.notes[0].span) == (1, 6, 1, 10) for d in ds)
    assert "`MENU`" in ds[0].message and "`Menu`" in ds[1].message


def test_same_step_name_in_two_flows_is_accepted(tmp_path):
    a = tmp_path / "ivr.flow"
    b = tmp_path / "billing.flow"
    a.write_text("step menu:\n    redirect -> billing.menu\n", encoding="utf-8")
    b.write_text("step menu:\n    hangup\n", encoding="utf-8")
    build = load([os.fspath(a), os.fspath(b)])
    assert codes(build) == []


def test_names_differing_in_more_than_case_are_accepted(compile_flow):
    build = compile_flow(
        """\
        step menu:
            redirect -> menu2
        step menu2:
            redirect -> Menu_
        step Menu_:
            hangup
        """
    )
    assert codes(build) == []
