"""FL806, FL807: branch keys no gather can produce; branch steps no gather leads to."""

from __future__ import annotations

import pytest
from conftest import codes, only, where

from flowc.diagnostics import Severity
from flowc.graph import EdgeKind


def flow(gather: str, key: str) -> str:
    return f"""\
step start:
    {gather} -> choice:
        say "Choose"
step choice:
    when digits "{key}" -> start
    otherwise -> start
"""


@pytest.mark.parametrize(
    ("gather", "key", "why"),
    [
        ("gather digits 1", "12", "`digits 1` stops after 1 key"),
        ("gather digits 2", "123", "`digits 2` stops after 2 keys"),
        ("gather", "1#", "`#` ends the input and is not part of it"),
        ('gather finish "*"', "*", "`*` ends the input and is not part of it"),
    ],
)
def test_keys_the_gather_cannot_produce(compile_flow, gather, key, why):
    d = only(compile_flow(flow(gather, key)), "FL806")
    assert d.severity is Severity.WARNING
    assert d.message == f'no caller can press "{key}" here: {why}'
    assert where(d) == (5, 17, 5, 19 + len(key))
    assert where(d.notes[0])[:2] == (2, 5)


@pytest.mark.parametrize(
    ("gather", "key"),
    [
        ("gather digits 2", "12"),
        ("gather digits 2", "1"),  # fewer keys: the caller pressed `#` or timed out
        ('gather finish ""', "1#"),  # no finish key: `#` is an ordinary key
        ('gather finish "*"', "#"),
        ("gather", "1234567890"),  # no `digits`: any length
    ],
)
def test_keys_the_gather_can_produce(compile_flow, gather, key):
    assert codes(compile_flow(flow(gather, key))) == []


def test_a_key_is_possible_when_any_gather_can_produce_it(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1 -> choice:
                say "Choose"
            redirect -> again
        step again:
            gather digits 2 -> choice:
                say "Choose again"
        step choice:
            when digits "12" -> start
            when digits "123" -> start
            otherwise -> start
        """
    )
    d = only(build, "FL806")
    assert where(d)[:2] == (10, 17)
    assert [where(n)[:2] for n in d.notes] == [(2, 5), (6, 5)]


def test_gathers_in_other_flows_lead_to_a_branch_step(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1 -> menu.choice:
                say "Choose"
        """,
        menu="""\
        step choice:
            when digits "12" -> main.start
            otherwise -> main.start
        """,
    )
    assert codes(build) == []  # the menu file is a neighbour: only main.flow's problems are reported
    graph_edges = [e for n in build_graph(build).nodes.values() for e in n.edges]
    assert {e.kind for e in graph_edges} == {EdgeKind.GATHERED, EdgeKind.BRANCH}


def build_graph(build):
    from flowc.graph import CallGraph

    return CallGraph(build.known.values(), build.known)


def test_a_branch_step_no_gather_leads_to(compile_flow):
    build = compile_flow(
        """\
        step start:
            redirect -> choice
        step choice:
            when digits "1" -> start
            otherwise -> done
        step done:
            hangup
        """
    )
    d = only(build, "FL807")
    assert d.severity is Severity.WARNING
    assert where(d) == (3, 6, 3, 12)
    assert "-> choice" in d.hint


def test_a_step_of_only_otherwise_needs_no_gather(compile_flow):
    build = compile_flow(
        """\
        step start:
            redirect -> choice
        step choice:
            otherwise -> done
        step done:
            hangup
        """
    )
    assert codes(build) == []


def test_branch_edges_in_the_graph_and_the_way_out_without_otherwise(compile_flow):
    build = compile_flow(
        """\
        step start:
            gather digits 1 -> choice:
                say "Choose"
        step choice:
            when digits "1" -> start
        step other:
            gather digits 1 -> fallback:
                say "Choose"
        step fallback:
            when digits "1" -> other
            otherwise -> other
        """
    )
    graph = build_graph(build)
    choice = graph.nodes[("main", "choice")]
    assert [(e.kind, e.dest) for e in choice.edges] == [(EdgeKind.BRANCH, ("main", "start"))]
    assert choice.exits  # no `otherwise`: a key matching nothing ends the call
    assert not graph.nodes[("main", "fallback")].exits
    assert "FL203" not in codes(build)  # start's gather falls through: the loop has a way out
