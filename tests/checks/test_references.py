"""FL104 (unknown step) and FL105 (unknown flow) for `->` targets."""

from __future__ import annotations

from conftest import codes, where

from flowc.diagnostics import Severity


def found(build, code):
    return [d for d in build.diagnostics if d.code == code]


def test_misspelt_step_is_reported(compile_flow):
    build = compile_flow("step start:\n    record -> handel\nstep handle:\n    hangup\n")
    [d] = found(build, "FL104")
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 12, 2, 21)
    assert "no step `handel` in flow `main`" in d.message
    assert d.hint == "did you mean `handle`?"


def test_correct_step_is_accepted(compile_flow):
    assert codes(compile_flow("step start:\n    record -> handle\nstep handle:\n    hangup\n")) == []


def test_step_names_are_case_sensitive(compile_flow):
    build = compile_flow("step start:\n    redirect -> Handle\nstep handle:\n    hangup\n")
    [d] = found(build, "FL104")
    assert "`Handle`" in d.message
    assert d.hint == "did you mean `handle`?"


def test_unknown_step_without_close_match_has_no_hint(compile_flow):
    build = compile_flow("step start:\n    redirect -> zzz\n")
    [d] = found(build, "FL104")
    assert d.hint is None


def test_every_verb_with_a_target_is_checked(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather -> nope1
            dial "+15551234567" -> nope2
            redirect -> nope3
        step other:
            record -> nope4
        """
    )
    assert [d.span.line for d in found(build, "FL104")] == [2, 3, 4, 6]


def test_step_of_another_flow_resolves_against_a_neighbour_file(compile_flow):
    build = compile_flow("step start:\n    record -> billing.start\n", billing="step start:\n    hangup\n")
    assert codes(build) == []


def test_missing_step_of_another_flow_is_reported(compile_flow):
    build = compile_flow("step start:\n    record -> billing.strat\n", billing="step start:\n    hangup\n")
    [d] = found(build, "FL104")
    assert where(d) == (2, 12, 2, 28)
    assert "no step `strat` in flow `billing`" in d.message
    assert d.hint == "did you mean `start`?"


def test_misspelt_flow_is_reported(compile_flow):
    build = compile_flow("step start:\n    record -> biling.start\n", billing="step start:\n    hangup\n")
    [d] = found(build, "FL105")
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 12, 2, 27)
    assert "no flow `biling`" in d.message
    assert d.hint == "did you mean `billing`?"
    assert codes(build) == ["FL105"]


def test_unknown_flow_without_close_match_suggests_adding_it(compile_flow):
    build = compile_flow("step start:\n    record -> nowhere.start\n")
    [d] = found(build, "FL105")
    assert "add its file" in d.hint


def test_flow_resolves_by_its_declared_name(compile_flow):
    build = compile_flow(
        "step start:\n    record -> bill.start\n", name="ivr", billing="flow bill\nstep start:\n    hangup\n"
    )
    assert codes(build) == []


def test_reference_to_a_file_that_does_not_parse_is_not_reported(compile_flow):
    build = compile_flow("step start:\n    record -> broken.start\n", broken="step start\n    hangup\n")
    assert codes(build) == []


def test_neighbour_problems_are_not_reported(compile_flow):
    build = compile_flow(
        "step start:\n    record -> billing.start\n",
        billing='step start:\n    record -> nope\n    say "dead"\n',
    )
    assert codes(build) == []


def test_reference_to_own_flow_by_name(compile_flow):
    build = compile_flow("flow ivr\nstep start:\n    gather -> ivr.menu\nstep menu:\n    hangup\n")
    assert codes(build) == []
