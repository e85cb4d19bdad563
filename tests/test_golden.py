"""Golden tests: every golden/NAME.flow is compiled alone and compared with
golden/NAME.xml (the documents of its steps) and golden/NAME.err (its
diagnostics as printed). Run pytest with --update-golden to rewrite them."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowc.backends.twiml import render_flow
from flowc.project import load
from flowc.render import format_text

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.flow"))


def _actual(name: str) -> tuple[str | None, str | None]:
    build = load([f"{name}.flow"])
    sources = build.sources()
    err = "\n".join(format_text(d, sources) for d in build.diagnostics) + "\n" if build.diagnostics else None
    if not build.ok:
        return None, err
    (flow,) = build.flows
    docs = render_flow(flow)
    if len(docs) == 1:
        xml = next(iter(docs.values())).decode("utf-8")
    else:
        xml = "".join(f"<!-- {step} -->\n{doc.decode('utf-8')}" for step, doc in docs.items())
    return xml, err


def _compare(path: Path, actual: str | None, update: bool) -> None:
    if update:
        if actual is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    if expected != actual:
        pytest.fail(
            f"{path.name} is {'missing' if expected is None else 'stale'}; actual output:\n{actual}\n"
            "(run pytest with --update-golden to rewrite it)"
        )


@pytest.mark.parametrize("name", CASES)
def test_golden(name, monkeypatch, update_golden):
    monkeypatch.chdir(GOLDEN)
    xml, err = _actual(name)
    _compare(GOLDEN / f"{name}.xml", xml, update_golden)
    _compare(GOLDEN / f"{name}.err", err, update_golden)


def test_every_case_has_an_expectation():
    for name in CASES:
        assert (GOLDEN / f"{name}.xml").exists() or (GOLDEN / f"{name}.err").exists(), name
