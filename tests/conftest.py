"""Shared helpers: compile flow text in memory and look at what came out."""

from __future__ import annotations

import textwrap

import pytest

from compiler.project import load


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
