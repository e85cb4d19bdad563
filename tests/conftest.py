"""Shared helpers: compile flow text in memory and look at what came out."""

from __future__ import annotations

import textwrap

import pytest

import flowc
from flowc.project import load


def pytest_report_header(config) -> str:
    # Which flowc the tests run against: the installed package, not the source tree.
    return f"flowc {flowc.__version__}: {flowc.__file__}"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected .xml/.err files of the golden tests from the actual output",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def compile_flow(tmp_path):
    """compile_flow(text, name="main") -> Build for one file written to tmp_path.

    Further files can be given as keyword arguments: compile_flow(text, billing="...").
    """

    def run(text: str, name: str = "main", **others: str):
        path = tmp_path / f"{name}.flow"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        for other, body in others.items():
            (tmp_path / f"{other}.flow").write_text(textwrap.dedent(body), encoding="utf-8")
        return load([str(path)])

    return run


def codes(build) -> list[str]:
    """The diagnostic codes of a build, in report order."""
    return [d.code for d in build.diagnostics]


def only(build, code: str):
    """The one diagnostic with this code (fails when there are none or several)."""
    found = [d for d in build.diagnostics if d.code == code]
    assert len(found) == 1, build.diagnostics
    return found[0]


def where(item) -> tuple[int, int, int, int]:
    """(line, col, end_line, end_col) of a diagnostic, a note or a span."""
    span = getattr(item, "span", item)
    return (span.line, span.col, span.end_line, span.end_col)
