"""flowc.livecheck: the checks of an edited file, run only on the steps that changed, find what a
build's checks find on the whole flow."""

from __future__ import annotations

from test_local_checks import corpus, keys  # noqa: F401 - corpus is a fixture

from flowc import livecheck
from flowc.checks import CHECKS, CheckContext, run_checks
from flowc.diagnostics import Diagnostic
from flowc.source import SourceFile
from flowc.syntax.incremental import IncrementalParser


def parts_of(ctx: CheckContext) -> list[CheckContext]:
    flow = ctx.flows[0]
    found = [livecheck.settings_part(flow)] + [livecheck.step_part(flow, step) for step in flow.steps]
    return [CheckContext(flows=(part,), known={part.name: part}) for part in found]


def test_a_per_step_check_finds_on_the_whole_flow_what_it_finds_on_its_parts(corpus):  # noqa: F811
    differences = []
    for check in livecheck.PER_STEP:
        for name, ctx, _ in corpus:
            together = set().union(*(keys(check, part) for part in parts_of(ctx)))
            whole = keys(check, ctx)
            if together != whole:
                differences.append(f"{check.__name__} on {name}: {sorted(together ^ whole)[:3]}")
    assert not differences, "\n".join(differences[:20])


def test_the_checks_left_out_compare_steps_or_need_the_whole_flow(corpus):  # noqa: F811
    assert set(livecheck.PER_STEP) | set(livecheck.WHOLE) == set(CHECKS)
    assert not set(livecheck.PER_STEP) & set(livecheck.WHOLE)
    for check in livecheck.WHOLE:
        if not check.LOCAL:
            continue
        # a local check kept whole must find on the whole flow what its parts together do not
        assert any(
            keys(check, ctx) != set().union(*(keys(check, part) for part in parts_of(ctx)))
            for _, ctx, _ in corpus
        ), f"{check.__name__} could run step by step: add it to PER_STEP"


def _sorted(found: list[Diagnostic]) -> list[tuple]:
    return sorted((d.sort_key(), d.hint, d.severity) for d in found)


VERSIONS = [
    # a step of each kind of problem; then edits of one step, the settings and the flow's name
    'flow live\n    base-url http://example.com\nstep start:\n    say "hi"\n    redirect -> next\n'
    'step next:\n    dial "5a5" -> start\nstep next:\n    play https://example.com/a.mp3 loop 0\n',
    'flow live\n    base-url http://example.com\nstep start:\n    say "hi there"\n    redirect -> next\n'
    'step next:\n    dial "5a5" -> start\nstep next:\n    play https://example.com/a.mp3 loop 0\n',
    'flow live\n    base-url http://example.com\nstep start:\n    say "hi there"\n    redirect -> nxt\n'
    'step next:\n    dial "5a5" -> start\nstep next:\n    play https://example.com/a.mp3 loop 0\n',
    'flow live\nstep start:\n    say "hi there"\n    redirect -> next\n'
    'step next:\n    dial "+15551234567" -> start\nstep other:\n    play https://example.com/a.mp3 loop 0\n',
    'flow renamed\nstep start:\n    say "hi there"\n    redirect -> next\n'
    'step next:\n    dial "+15551234567" -> start\nstep other:\n    play https://example.com/a.mp3 loop 0\n',
]


def test_each_version_gets_what_the_whole_checks_find_and_unchanged_steps_are_not_checked_again():
    parser, checker = IncrementalParser(), livecheck.StepChecks()
    checked = []
    for text in VERSIONS:
        parsed = parser.parse(SourceFile("/tmp/live.flow", text))
        assert parsed is not None and parsed.flow is not None
        flow = parsed.flow
        ctx = CheckContext(flows=(flow,), known={flow.name: flow})
        expected = run_checks(CheckContext(flows=(flow,), known={flow.name: flow}))
        assert expected  # the versions have problems to find
        assert _sorted(checker.run(ctx)) == _sorted(expected)
        checked.append((checker.checked, checker.reused))
    # all three steps first; then only the edited step; a changed name checks every step again
    assert checked[0] == (3, 0)
    assert checked[1] == (1, 2)
    assert checked[2] == (1, 2)
    assert checked[4] == (3, 0)


def test_the_graph_keeps_the_nodes_of_unchanged_steps_and_is_the_whole_graph():
    parser, checker = IncrementalParser(), livecheck.StepChecks()
    for text in VERSIONS:
        flow = parser.parse(SourceFile("/tmp/live.flow", text)).flow
        ctx = CheckContext(flows=(flow,), known={flow.name: flow})
        checker.run(ctx)
        whole = CheckContext(flows=(flow,), known={flow.name: flow}).graph
        assert list(ctx.graph.nodes) == list(whole.nodes)
        assert all(ctx.graph.nodes[sid] == node for sid, node in whole.nodes.items())
