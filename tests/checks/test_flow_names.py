"""FL101 (flow name from a file stem that is no identifier) and FL103 (flow declared twice)."""

from __future__ import annotations

import os

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity
from flowc.project import load

STEPS = "step start:\n    hangup\n"


def test_file_stem_with_a_space_is_reported(compile_flow):
    build = compile_flow(STEPS, name="main menu")
    [d] = build.diagnostics
    assert d.code == "FL101"
    assert d.severity is Severity.ERROR
    assert where(d.span) == (1, 1, 1, 2)
    assert "`main menu`" in d.message
    assert "plain identifier" in d.message
    assert "flow NAME" in d.hint


def test_flow_line_fixes_the_name(compile_flow):
    build = compile_flow("flow main_menu\n" + STEPS, name="main menu")
    assert codes(build) == []
    assert build.flows[0].name == "main_menu"


@pytest.mark.parametrize("stem", ["v1.2", "1abc", "my-flow", "caf\u00e9"])
def test_stems_that_are_not_identifiers_are_reported(compile_flow, stem):
    build = compile_flow(STEPS, name=stem)
    assert codes(build) == ["FL101"]
    assert f"`{stem}`" in build.diagnostics[0].message


@pytest.mark.parametrize("stem", ["greeting", "_ok1", "Main", "a"])
def test_identifier_stems_are_accepted(compile_flow, stem):
    build = compile_flow(STEPS, name=stem)
    assert codes(build) == []
    assert build.flows[0].name == stem


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return os.fspath(path)


def test_two_files_declaring_one_flow_are_reported_once(tmp_path):
    a = write(tmp_path, "a.flow", "flow shared\n" + STEPS)
    b = write(tmp_path, "b.flow", "flow shared\n" + STEPS)
    build = load([a, b])
    [d] = build.diagnostics
    assert d.code == "FL103"
    assert d.severity is Severity.ERROR
    assert d.span.file == b
    assert where(d.span) == (1, 6, 1, 12)
    assert "`shared`" in d.message
    assert a in d.message
    assert d.notes[0].message == "declared here too"
    assert d.notes[0].span.file == a
    assert where(d.notes[0].span) == (1, 6, 1, 12)
    assert "unique" in d.hint


def test_declared_name_clashing_with_another_files_stem_is_reported(tmp_path):
    a = write(tmp_path, "billing.flow", STEPS)
    b = write(tmp_path, "other.flow", "flow billing\n" + STEPS)
    build = load([a, b])
    assert codes(build) == ["FL103"]
    assert build.diagnostics[0].span.file == b


def test_distinct_flows_are_accepted(tmp_path):
    a = write(tmp_path, "a.flow", "flow one\n" + STEPS)
    b = write(tmp_path, "b.flow", "flow two\n" + STEPS)
    assert codes(load([a, b])) == []


def test_same_file_twice_is_one_flow(tmp_path):
    a = write(tmp_path, "a.flow", "flow one\n" + STEPS)
    assert codes(load([a, a])) == []
