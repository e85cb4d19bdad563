"""FL203: steps that form a cycle no path can leave."""

from __future__ import annotations

import os

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity
from flowc.project import load


def found(build):
    return [d for d in build.diagnostics if d.code == "FL203"]


def test_two_step_cycle_is_reported_once_with_its_path(compile_flow):
    build = compile_flow(
        """\
        step a:
            redirect -> b
        step b:
            redirect -> a
        """
    )
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d.span) == (1, 6, 1, 7)
    assert "loop forever" in d.message
    assert d.message.endswith("a -> b -> a")
    assert [n.message for n in d.notes] == ["`a` sends the call on to `b`", "`b` sends the call on to `a`"]
    assert [where(n.span) for n in d.notes] == [(2, 14, 2, 18), (4, 14, 4, 18)]
    assert "hang up" in d.hint
    assert codes(build) == ["FL203"]


def test_cycle_with_a_hangup_is_accepted(compile_flow):
    build = compile_flow(
        """\
        step a:
            redirect -> b
        step b:
            hangup
        """
    )
    assert codes(build) == []


def test_self_loop_is_reported(compile_flow):
    [d] = found(compile_flow("step a:\n    redirect -> a\n"))
    assert d.message.endswith("a -> a")
    assert where(d.notes[0].span) == (2, 14, 2, 18)


def test_three_step_cycle_path(compile_flow):
    build = compile_flow(
        """\
        step a:
            say "x"
            redirect -> b
        step b:
            redirect -> c
        step c:
            redirect -> a
        """
    )
    [d] = found(build)
    assert d.message.endswith("a -> b -> c -> a")
    assert [n.span.line for n in d.notes] == [3, 5, 7]


def test_cycle_is_reported_at_its_first_step(compile_flow):
    build = compile_flow(
        """\
        step a:
            redirect -> b
        step b:
            redirect -> c
        step c:
            redirect -> b
        """
    )
    [d] = found(build)
    assert where(d.span) == (3, 6, 3, 7)
    assert d.message.endswith("b -> c -> b")


def test_a_cycle_with_extra_edges_inside_is_reported_once(compile_flow):
    build = compile_flow(
        """\
        step a:
            gather -> b
            redirect -> c
        step b:
            redirect -> a
        step c:
            redirect -> a
        """
    )
    [d] = found(build)
    assert d.span.line == 1


def test_two_separate_cycles_are_reported_separately(compile_flow):
    build = compile_flow(
        """\
        step a:
            redirect -> b
        step b:
            redirect -> a
        step c:
            redirect -> d
        step d:
            redirect -> c
        """
    )
    assert [d.span.line for d in found(build)] == [1, 5]


@pytest.mark.parametrize(
    "ender",
    ["record -> b", 'dial "+15551234567" -> b', 'dial "+15551234567"\n    redirect -> b'],
)
def test_cycles_through_record_and_dial_are_reported(compile_flow, ender):
    build = compile_flow(f"step a:\n    {ender}\nstep b:\n    redirect -> a\n")
    assert len(found(build)) == 1


@pytest.mark.parametrize(
    "exit_",
    [
        "gather -> b",  # no input: gather falls through and the document ends
        "redirect -> /outside",  # a URL outside the flows
        "redirect -> https://example.com/x",
        "hangup",
        "reject busy",
        'say "bye" loop 0',  # repeats until the caller hangs up
        "record",  # re-requests itself: FL202, not a cycle of steps
    ],
)
def test_a_step_with_an_exit_breaks_the_cycle(compile_flow, exit_):
    build = compile_flow(f"step a:\n    redirect -> b\nstep b:\n    {exit_}\nstep c:\n    redirect -> a\n")
    assert found(build) == []


def test_cycle_with_an_exit_to_a_step_outside_is_not_reported(compile_flow):
    build = compile_flow(
        """\
        step a:
            gather -> b
            redirect -> c
        step b:
            redirect -> a
        step c:
            hangup
        """
    )
    assert codes(build) == []


def test_cycle_that_can_only_leave_into_another_cycle_reports_that_cycle(compile_flow):
    build = compile_flow(
        """\
        step a:
            gather -> b
            redirect -> c
        step b:
            redirect -> a
        step c:
            redirect -> c
        """
    )
    [d] = found(build)
    assert where(d.span) == (6, 6, 6, 7)
    assert d.message.endswith("c -> c")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return os.fspath(path)


@pytest.mark.parametrize("ivr_first", [True, False])
def test_cycle_across_two_flows_is_reported_once(tmp_path, ivr_first):
    ivr = write(tmp_path, "ivr.flow", "step start:\n    redirect -> billing.start\n")
    billing = write(tmp_path, "billing.flow", "flow billing\nstep start:\n    redirect -> ivr.start\n")
    build = load([ivr, billing] if ivr_first else [billing, ivr])
    [d] = found(build)
    assert codes(build) == ["FL203"]
    if ivr_first:
        assert d.span.file == ivr and where(d.span) == (1, 6, 1, 11)
        assert d.message.endswith("start -> billing.start -> start")
    else:
        assert d.span.file == billing and where(d.span) == (2, 6, 2, 11)
        assert d.message.endswith("start -> ivr.start -> start")


def test_cycle_across_flows_via_a_neighbour_is_reported(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\n",
        name="ivr",
        billing="flow billing\nstep start:\n    redirect -> ivr.start\n",
    )
    [d] = found(build)
    assert d.message.endswith("start -> billing.start -> start")
    assert [n.span.line for n in d.notes] == [2, 3]
    assert d.notes[1].span.file.endswith("billing.flow")


def test_notes_of_a_cross_flow_cycle_name_the_other_flows_step(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\n",
        name="ivr",
        billing="flow billing\nstep start:\n    redirect -> ivr.start\n",
    )
    [d] = found(build)
    # the path says `billing.start`; the notes must not read "`start` sends the call on to `start`"
    assert "billing.start" in d.notes[0].message
    assert "billing.start" in d.notes[1].message


def test_cycle_inside_a_neighbour_flow_is_not_reported_here(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\n",
        billing="step start:\n    redirect -> start\n",
    )
    assert found(build) == []


def chain_flow(steps: int) -> str:
    """s0 -> s1 -> … -> s{steps-1} -> s0, one `redirect` per step."""
    return "".join(f"step s{i}:\n    redirect -> s{(i + 1) % steps}\n" for i in range(steps))


def test_a_cycle_of_ten_steps_is_shown_whole(compile_flow):
    [d] = found(compile_flow(chain_flow(10)))
    assert d.message.endswith(": " + " -> ".join(f"s{i}" for i in [*range(10), 0]))
    assert len(d.notes) == 10
    assert d.notes[-1].message == "`s9` sends the call on to `s0`"


def test_a_long_cycle_is_cut_after_its_first_steps(compile_flow):
    build = compile_flow(chain_flow(2000))
    [d] = found(build)
    first_ten = " -> ".join(f"s{i}" for i in range(11))
    assert (
        d.message
        == f"these steps loop forever with no way out: {first_ten} -> … -> s1999 -> s0 (2,000 steps)"
    )
    assert [n.message for n in d.notes[:2]] == [
        "`s0` sends the call on to `s1`",
        "`s1` sends the call on to `s2`",
    ]
    assert len(d.notes) == 11
    assert d.notes[-1].message == "… and 1,990 more steps, until `s1999` sends the call back to `s0`"
    assert where(d.notes[-1].span) == (4000, 14, 4000, 19)  # the `-> s0` that closes the cycle
    assert codes(build) == ["FL203"]
