"""The parser stored on disk (flowc/syntax/stored.py) parses as the one built from the grammar."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from flowc.source import SourceFile
from flowc.syntax import grammar, parse, stored
from flowc.syntax.transform import ToIR

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOWS = sorted(
    os.path.join(ROOT, "flows", name) for name in os.listdir(os.path.join(ROOT, "flows")) if name.endswith(".flow")
)


def _parse_with(parser, transformer, source: SourceFile):
    transformer.begin(source)
    return parser.parse(source.text.rstrip() + "\n"), transformer.diagnostics


@pytest.mark.parametrize("path", FLOWS, ids=os.path.basename)
def test_a_stored_parser_gives_the_flow_the_built_one_gives(path):
    with open(path, encoding="utf-8") as f:
        source = SourceFile(path, f.read())
    built_transformer = ToIR()
    built = grammar._build(built_transformer)
    data = stored.dumps(built, built_transformer)
    loaded_transformer = ToIR()
    loaded = stored.loads(data, loaded_transformer)
    assert _parse_with(loaded, loaded_transformer, source) == _parse_with(built, built_transformer, source)


def test_each_load_is_bound_to_its_own_transformer():
    transformer = ToIR()
    data = stored.dumps(grammar._build(transformer), transformer)
    first, second = ToIR(), ToIR()
    a, b = stored.loads(data, first), stored.loads(data, second)
    first.begin(SourceFile("a.flow", "flow a\n"))
    second.begin(SourceFile("b.flow", "flow b\n"))
    assert a.parse("flow a\n").path == "a.flow"
    assert b.parse("flow b\n").path == "b.flow"


def test_the_reference_parser_stores_without_a_transformer():
    parser = stored.loads(stored.dumps(grammar._build(), None), None)
    assert {t.name for t in parser.terminals} == {t.name for t in grammar.reference().terminals}


def test_the_name_changes_with_the_grammar_and_the_kind(tmp_path):
    copy = tmp_path / "flow.lark"
    shutil.copy(grammar.grammar_path(), copy)
    before = stored.digest("session", str(copy))
    assert before == stored.digest("session", str(copy))
    assert before != stored.digest("reference", str(copy))
    copy.write_text(copy.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    assert stored.digest("session", str(copy)) != before
    assert stored.digest("session", str(tmp_path / "missing.lark")) is None


def test_a_damaged_or_foreign_file_is_not_used(tmp_path):
    file = str(tmp_path / "parser.pickle")
    stored.write(file, b"not a pickle")
    assert stored.read(file) == b"not a pickle"
    with pytest.raises(Exception):  # noqa: B017 - whatever unpickling raises, the caller builds afresh
        stored.loads(b"not a pickle", ToIR())
    os.chmod(file, 0o666)
    assert stored.read(file) is None  # writable by others: never unpickled
    assert stored.read(str(tmp_path / "missing.pickle")) is None


def test_parsing_goes_on_when_the_stored_file_is_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(grammar, "_STORED", {})
    monkeypatch.setattr(grammar, "_IDLE", type(grammar._IDLE)())
    monkeypatch.setattr(stored, "path", lambda key: str(tmp_path / f"{key}.pickle"))
    key = stored.digest("session", grammar.grammar_path())
    (tmp_path / f"{key}.pickle").write_bytes(b"damaged")
    os.chmod(tmp_path / f"{key}.pickle", 0o600)
    flow, diagnostics = parse(SourceFile("v.flow", "flow v\n\nstep start:\n    hangup\n"))
    assert flow is not None and diagnostics == []
    assert (tmp_path / f"{key}.pickle").read_bytes() != b"damaged"  # replaced by a good one


def test_stored_patterns_match_as_re_compiles_them():
    patterns = [
        (r"(?P<SAY>say)|(?P<WORD>[A-Za-z][A-Za-z0-9_.-]*)|(?P<INT>[0-9]+)", 0),
        (r'"(?:[^"\\\r\n]|\\.)*"', 0),
        (r"(?i)(?P<A>ab+)(?![A-Za-z0-9_.-])", 0),
    ]
    recording = stored._Recording()
    for pattern, flags in patterns:
        recording.compile(pattern, flags)
    replay = stored.StoredRe(recording.table)
    for pattern, flags in patterns:
        ours, theirs = replay.compile(pattern, flags), re.compile(pattern, flags)
        assert (ours.pattern, ours.flags, ours.groupindex, ours.groups) == (
            theirs.pattern,
            theirs.flags,
            theirs.groupindex,
            theirs.groups,
        )
        for text in ("say", "sayings", "42", '"a \\" b"', "ABBB", "abb-", "", "x.y"):
            a, b = ours.match(text), theirs.match(text)
            assert (a and (a.group(0), a.lastgroup)) == (b and (b.group(0), b.lastgroup))
    assert replay.compile("[0-9]+x").match("12x")  # not stored: compiled by re


def test_the_lexers_of_a_stored_parser_compile_from_stored_code():
    transformer = ToIR()
    built = grammar._build(transformer)
    loaded = stored.loads(stored.dumps(built, transformer), ToIR())
    lexer = loaded.parser.lexer.lexer
    assert {type(one.re) for one in lexer.lexers.values()} == {stored.StoredRe}
    assert all(one._scanner is None for one in lexer.lexers.values())  # built on first use, as Lark does
