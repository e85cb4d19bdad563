"""``LOCAL`` says what each check declares: a local check finds on part of a
flow only what it finds on the whole flow.

A file with syntax errors yields a partial flow (the lines that did not parse
are missing) and only the local checks run on it, so a local check must never
report, on a part of a flow, something the whole flow does not have. For
every flow of a corpus (the inputs of test_codes_fire.py, the golden files,
the examples and ``WITNESSES`` below) and every *part* of it (each step
alone, the settings alone, the flow without one of its steps, verbs or
settings, or without its ``flow`` line), each check runs on the part as the
project runs it on a partial flow, and on the whole flow as it runs in a
build:

* a check with ``LOCAL = True`` finds on every part a subset of what it finds
  on the whole flow, and finds something on some part (so the corpus tests
  it);
* a check with ``LOCAL = False`` finds, on some part, a problem the whole flow
  does not have: the false report that keeps it off partial flows. A check
  with no such part could be local, and the test says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from test_codes_fire import CASES, write_files

from flowc import ir
from flowc.checks import CHECKS, LOCAL_CHECKS, CheckContext
from flowc.project import load

ROOT = Path(__file__).resolve().parent.parent

# Flows that show why a check needs the whole flow (a part of each has a
# problem the whole flow does not), and flows whose parts keep a problem.
WITNESSES = {
    # every part but the steps alone keeps the two `start` steps
    "twice.flow": "flow twice\n    max-call-duration 1h\nstep start:\n    redirect -> Start\nstep Start:\n    hangup\n",
    # a dial longer than the default maximum call duration of 4 hours
    "dial.flow": 'step start:\n    dial "+15551234567" time-limit 5h\n',
    # without the `flow` line the name is the file's stem, which is no name
    "not a name.flow": "flow good\nstep start:\n    hangup\n",
    # without `max-call-duration 24h` the 5-hour record and dial are too long
    "long.flow": (
        "flow long\n    max-call-duration 24h\nstep start:\n"
        '    dial "+15551234567" time-limit 5h\n    record max 5h -> done\nstep done:\n    hangup\n'
    ),
    # without `base-url` the step reference compiles to a relative URL
    "parameter.flow": (
        "flow parameter\n    context twiml-parameter\n    base-url https://example.com/ivr\n"
        "step start:\n    record -> done\nstep done:\n    hangup\n"
    ),
    # without the `dial` that leaves them, `start` and `again` loop forever
    "cycle.flow": (
        'step start:\n    redirect -> again\nstep again:\n    dial "+15551234567" -> /out\n    redirect -> start\n'
    ),
}

Key = tuple[str, tuple[str, int, int, int, int], str]


def keys(check, ctx: CheckContext) -> set[Key]:
    return {
        (d.code, (d.span.file, d.span.line, d.span.col, d.span.end_line, d.span.end_col), d.message)
        for d in check.run(ctx)
    }


def without(items: tuple, i: int) -> tuple:
    return items[:i] + items[i + 1 :]


def fewer_verbs(verbs: tuple[ir.Verb, ...]) -> Iterator[tuple[str, tuple[ir.Verb, ...]]]:
    """The verb sequence with one verb (nested ones included) left out; a step
    keeps at least one line, as a partial step does."""
    for i, verb in enumerate(verbs):
        if len(verbs) > 1:
            yield f"line {verb.span.line}", without(verbs, i)
        for what, body in fewer_verbs(verb.body) if verb.body else ():
            yield what, (*verbs[:i], replace(verb, body=body), *verbs[i + 1 :])
        if verb.body:
            yield f"the block of line {verb.span.line}", (*verbs[:i], replace(verb, body=()), *verbs[i + 1 :])


def parts(flow: ir.Flow) -> Iterator[tuple[str, ir.Flow]]:
    settings = flow.settings
    none = ir.Settings()
    if settings != none:
        yield "without its settings", replace(flow, settings=none)
        yield "its settings alone", replace(flow, steps=())
        if settings.max_call_duration is not None:
            yield (
                "without max-call-duration",
                replace(flow, settings=replace(settings, max_call_duration=None)),
            )
        if settings.base_url is not None:
            yield "without base-url", replace(flow, settings=replace(settings, base_url=None))
        for i, context in enumerate(settings.contexts):
            yield (
                f"without context {context.value}",
                replace(flow, settings=replace(settings, contexts=without(settings.contexts, i))),
            )
    if flow.declared:
        stem = os.path.splitext(os.path.basename(flow.path))[0]
        yield "without its flow line", replace(flow, name=stem, declared=False, settings=none)
    for i, step in enumerate(flow.steps):
        yield f"step {step.name} alone", replace(flow, settings=none, steps=(step,))
        if len(flow.steps) > 1:
            yield f"without step {step.name}", replace(flow, steps=without(flow.steps, i))
        for what, verbs in fewer_verbs(step.verbs):
            yield (
                f"without {what}",
                replace(flow, steps=(*flow.steps[:i], replace(step, verbs=verbs), *flow.steps[i + 1 :])),
            )


def whole(build, flow: ir.Flow) -> CheckContext:
    """The context a flow is checked in by its build."""
    return CheckContext(flows=(flow,), known=build.known)


def partial(part: ir.Flow) -> CheckContext:
    """The context of a part. (The project checks a partial flow with nothing
    known, which leaves the graph empty; the part knows itself here, so that
    what a check reads of the graph is tested too.)"""
    return CheckContext(flows=(part,), known={part.name: part})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[tuple[str, CheckContext, list[tuple[str, CheckContext]]]]:
    """(name, whole-flow context, [(part, partial context)]) for every flow."""
    builds = []
    for code, case in sorted(CASES.items()):
        if case.command[0] != "check":
            continue
        folder = tmp_path_factory.mktemp(code)
        write_files(case, folder)
        builds.append(load([str(folder / p) for p in case.paths]))
    folder = tmp_path_factory.mktemp("witnesses")
    for name, text in WITNESSES.items():
        (folder / name).write_text(text, encoding="utf-8")
    builds.append(load([str(folder)]))
    builds.append(load([str(p) for p in sorted((ROOT / "tests" / "golden").glob("*.flow"))]))
    builds.append(load([str(ROOT / "flows")]))
    found = []
    for build in builds:
        for flow in build.flows:
            name = f"{os.path.basename(flow.path)} ({flow.name})"
            found.append((name, whole(build, flow), [(what, partial(p)) for what, p in parts(flow)]))
    assert len(found) >= 50
    return found


def test_every_check_declares_local_or_not():
    assert all(isinstance(check.LOCAL, bool) for check in CHECKS)
    assert LOCAL_CHECKS == tuple(check for check in CHECKS if check.LOCAL)


@pytest.mark.parametrize("check", LOCAL_CHECKS, ids=lambda c: c.__name__.rsplit(".", 1)[-1])
def test_a_local_check_finds_on_a_part_only_what_the_whole_flow_has(check, corpus):
    false_reports = []
    exercised = False
    for name, ctx, pieces in corpus:
        full = keys(check, ctx)
        for what, part in pieces:
            found = keys(check, part)
            exercised = exercised or bool(found)
            false_reports += [f"{name} {what}: {k}" for k in sorted(found - full)]
    assert not false_reports, "\n".join(false_reports[:20])
    assert exercised, "no part of the corpus gives this check anything to report"


@pytest.mark.parametrize(
    "check", [c for c in CHECKS if not c.LOCAL], ids=lambda c: c.__name__.rsplit(".", 1)[-1]
)
def test_a_check_that_is_not_local_would_give_a_false_report_on_a_part(check, corpus):
    for _, ctx, pieces in corpus:
        full = keys(check, ctx)
        if any(keys(check, part) - full for _, part in pieces):
            return
    pytest.fail(
        f"{check.__name__} says LOCAL = False, but no part of any flow gives it a problem the whole "
        "flow does not have: make it LOCAL = True, or add a flow to WITNESSES that shows why it "
        "needs the whole flow"
    )


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.rsplit(".", 1)[-1])
def test_a_check_reports_only_its_declared_codes(check, corpus):
    reported = {key[0] for _, ctx, pieces in corpus for key in keys(check, ctx)}
    assert reported, "the corpus gives this check nothing to report"
    assert reported <= set(check.CODES)


def test_a_file_with_a_syntax_error_gets_every_local_check(compile_flow):
    build = compile_flow(
        """\
        flow main
            max-call-duration 48h
        step start:
            gather digits 1 -> choice
            sya "oops"
        step choice:
            otherwise -> start
            when digits "1" -> closed
        step closed:
            say "We are closed."
            reject busy
        """
    )
    found = [(d.code, d.span.line) for d in build.diagnostics]
    assert found == [("FL308", 2), ("FL001", 5), ("FL803", 8), ("FL205", 11)]
