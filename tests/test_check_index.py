"""What the checks share about a flow (``CheckContext.verbs``, ``targets``,
``strings``, ``branch_steps``) is what a walk over the flow's verbs finds.

The checks read a flow through these, found once per flow; each is held here
to its plain definition, on every flow of a corpus (the inputs of
test_codes_fire.py, the golden files and the examples): the verbs of some
names are the flow's verbs of those names, in order; the targets are each
verb's ``->`` then its callbacks; the texts are every text, word, URL and
method of every verb, in order.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from conftest import codes, only, where
from test_codes_fire import CASES, write_files

from flowc import ir, vocabulary
from flowc.checks import CHECKS, CheckContext
from flowc.checks.base import option_table, value_table
from flowc.project import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def flows(tmp_path_factory) -> list[ir.Flow]:
    builds = []
    for code, case in sorted(CASES.items()):
        if case.command[0] != "check":
            continue
        folder = tmp_path_factory.mktemp(code)
        write_files(case, folder)
        builds.append(load([str(folder / p) for p in case.paths]))
    builds.append(load([str(p) for p in sorted((ROOT / "tests" / "golden").glob("*.flow"))]))
    builds.append(load([str(ROOT / "flows")]))
    found = [flow for build in builds for flow in build.flows]
    assert len(found) >= 50
    return found


def walk(flow: ir.Flow) -> list[tuple[ir.Step, ir.Verb]]:
    return [(step, verb) for step in flow.steps for verb in ir.walk(step.verbs)]


def texts(verb: ir.Verb) -> list[tuple[str, object]]:
    """Every text of a verb, as the checks define it: each value (an
    element's values and then its action; a typed verb's fields), and in a
    list each item, that is a text, or a target and then its method."""
    if isinstance(verb, ir.Element):
        values = [*(value for _, value in verb.values), verb.action]
    else:
        values = [getattr(verb, f.name) for f in dataclasses.fields(verb) if f.name not in ("span", "keyword", "body")]
    found = []
    for value in values:
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, ir.Text):
                found.append((item.value, item.span))
            elif isinstance(item, ir.StepTarget | ir.UrlTarget):
                found.append((item.text, item.span))
                if item.method is not None:
                    found.append((item.method.value, item.method.span))
    return found


def name_sets(flow: ir.Flow) -> list:
    """Collections of names a check may ask for: each name of the flow alone,
    each pair of them, one the flow does not have, and the checks' tables."""
    present = sorted({verb.name for _, verb in walk(flow)})
    tables = [
        value
        for check in CHECKS
        for value in vars(check).values()
        if isinstance(value, dict | frozenset) and value and all(isinstance(k, str) for k in value)
    ]
    return [
        *((name,) for name in present),
        *itertools.combinations(present, 2),
        ("no-such-verb",),
        tuple(present),
        *tables,
    ]


def test_the_verbs_of_some_names_are_those_of_the_walk_in_order(flows):
    for flow in flows:
        ctx = CheckContext(flows=(flow,), known={flow.name: flow})
        every = walk(flow)
        assert list(ctx.verbs(flow)) == every
        for names in name_sets(flow):
            assert list(ctx.verbs(flow, names)) == [(s, v) for s, v in every if v.name in names], names


def test_the_targets_are_each_verbs_arrow_then_its_callbacks(flows):
    seen = 0
    for flow in flows:
        ctx = CheckContext(flows=(flow,), known={flow.name: flow})
        expected = [t for _, verb in walk(flow) for t in (*ir.targets(verb), *ir.callbacks(verb))]
        assert list(ctx.targets(flow)) == expected
        seen += len(expected)
    assert seen > 100


def test_the_texts_are_every_text_of_every_verb_in_order(flows):
    seen = 0
    for flow in flows:
        ctx = CheckContext(flows=(flow,), known={flow.name: flow})
        expected = [found for _, verb in walk(flow) for found in texts(verb)]
        assert list(ctx.strings(flow)) == expected
        seen += len(expected)
    assert seen > 100


def test_the_branch_steps_are_those_with_when_or_otherwise(flows):
    branching = 0
    for flow in flows:
        ctx = CheckContext(flows=(flow,), known={flow.name: flow})
        expected = [step for step in flow.steps if step.is_branch]
        assert list(ctx.branch_steps(flow)) == expected
        branching += len(expected)
    assert branching > 0


def test_a_flow_is_indexed_once_per_context(flows):
    flow = flows[0]
    ctx = CheckContext(flows=(flow,), known={flow.name: flow})
    assert ctx.index(flow) is ctx.index(flow)
    assert ctx.targets(flow) is ctx.targets(flow)
    other = CheckContext(flows=(flow,), known={flow.name: flow})
    assert other.index(flow) is not ctx.index(flow)


def test_the_tables_pick_options_and_values_in_the_vocabularys_order():
    ranged = option_table(lambda option: option.maximum is not None)
    for entry in vocabulary.VERBS:
        expected = tuple(o for o in entry.options if o.maximum is not None)
        assert ranged.get(entry.name, ()) == expected
    typed = ir.verb_classes()
    checked = value_table(lambda value: bool(value.check))
    assert checked and not set(checked) & set(typed)
    for name, values in checked.items():
        assert values == tuple(v for v in vocabulary.verb(name).values if v.check)


def test_control_characters_are_found_in_every_text_that_holds_one(compile_flow):
    # the texts are searched together first: each one that holds a character
    # is still reported, once, at its own span, in order
    build = compile_flow(
        "step start:\n"
        '    say "fine"\n'
        '    say "a\\u0001" voice "ok"\n'
        '    play "/b.mp3"\n'
        '    say "c\\u0002d\\u0003"\n'
        '    say "the end"\n'
    )
    found = [d for d in build.diagnostics if d.code == "FL310"]
    assert [where(d)[:2] for d in found] == [(3, 9), (5, 9)]
    assert ["U+0001" in found[0].message, "U+0002" in found[1].message] == [True, True]


def test_a_flow_without_control_characters_has_none_reported(compile_flow):
    build = compile_flow('step start:\n    say "line\\none\\ttab"\n    redirect -> "/next"\n')
    assert "FL310" not in codes(build)
    build = compile_flow('step start:\n    redirect -> "/n\\u0004"\n')
    assert where(only(build, "FL310"))[:2] == (2, 14)
