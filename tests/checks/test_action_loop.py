"""FL202: `record` or `gather` without `->` re-requests its own document."""

from __future__ import annotations

from conftest import codes, only, where

from flowc.diagnostics import Severity


def test_record_without_action_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            record max 30s
        """
    )
    d = only(build, "FL202")
    assert d.severity is Severity.WARNING
    assert where(d) == (2, 5, 2, 11)
    assert "`record` has no action" in d.message
    assert "recording" in d.message
    assert "same document" in d.message
    assert "step `start`" in d.message
    assert "->" in d.hint
    assert codes(build) == ["FL202"]


def test_record_with_action_is_not_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            record max 30s -> thanks

        step thanks:
            hangup
        """
    )
    assert codes(build) == []


def test_gather_without_action_is_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1:
                say "Press 1"
            hangup
        """
    )
    d = only(build, "FL202")
    assert d.severity is Severity.WARNING
    assert where(d) == (2, 5, 2, 11)
    assert "`gather` has no action" in d.message
    assert "input" in d.message
    assert "gather" in d.hint


def test_gather_with_action_is_not_reported(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1 -> choice:
                say "Press 1"
            hangup

        step choice:
            hangup
        """
    )
    assert "FL202" not in codes(build)


def test_action_to_a_url_counts_as_an_action(compile_flow):
    build = compile_flow(
        """\
        step start:
            record max 30s -> https://example.com/handle
        """
    )
    assert "FL202" not in codes(build)


def test_dial_and_redirect_without_action_are_not_action_loops(compile_flow):
    build = compile_flow(
        """\
        step start:
            dial "+15551234567"
            hangup
        """
    )
    assert "FL202" not in codes(build)


def test_each_verb_without_action_is_reported_with_its_own_step(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> second
            record max 10s

        step second:
            record max 20s
        """
    )
    found = [d for d in build.diagnostics if d.code == "FL202"]
    assert [where(d)[:2] for d in found] == [(3, 5), (6, 5)]
    assert "step `start`" in found[0].message
    assert "step `second`" in found[1].message


def test_single_verb_file_names_the_main_step(compile_flow):
    build = compile_flow("record voicemail max 20s\n")
    d = only(build, "FL202")
    assert where(d) == (1, 1, 1, 7)
    assert "step `main`" in d.message
