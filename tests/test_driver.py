"""The parse loop and the compiled reductions (flowc/syntax/driver.py) build
what Lark builds with its own ParseTreeBuilder around the transformer: the
same IR, the same diagnostics, the same syntax errors, for every input."""

from __future__ import annotations

import glob
import os
from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings
from test_fuzz import mutated_flows, valid_flows

from flowc.source import SourceFile
from flowc.syntax import driver, grammar, recovery
from flowc.syntax.indentation import trimmed
from flowc.syntax.transform import ToIR

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = sorted(
    glob.glob(os.path.join(ROOT, "flows", "*.flow"))
    + glob.glob(os.path.join(ROOT, "tests", "**", "*.flow"), recursive=True)
)


@pytest.fixture(scope="module")
def parsers():
    """Lark as it is built from the grammar (its own callbacks around the
    transformer's methods), and the loop on another such parser."""
    reference = ToIR()
    fast = ToIR()
    return (grammar._build(reference), reference), (driver.Parser(grammar._build(fast), fast), fast)


def _outcome(parser, transformer, source: SourceFile, text: str):
    transformer.begin(source)
    try:
        result = repr(parser.parse(text))
    except Exception as exc:  # noqa: BLE001 - compared below
        result = (type(exc).__name__, str(exc), getattr(exc, "line", None), getattr(exc, "column", None))
    return result, repr(transformer.diagnostics)


def _variants(text: str) -> list[str]:
    """The text, and the text with each line left out, written twice, cut
    short, or with a word glued to its start."""
    lines = text.split("\n")
    out = [text]
    for i, line in enumerate(lines):
        out.append("\n".join(lines[:i] + lines[i + 1 :]))
        out.append("\n".join(lines[: i + 1] + lines[i:]))
        out.append("\n".join([*lines[:i], line[: len(line) // 2], *lines[i + 1 :]]))
        out.append("\n".join([*lines[:i], "x" + line, *lines[i + 1 :]]))
    return out


def _texts() -> list[tuple[str, str]]:
    texts = []
    for path in CORPUS:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        texts += [(path, variant) for variant in _variants(text)]
    return texts


TEXTS = _texts()


def test_the_corpus_has_texts_that_parse_and_texts_that_do_not(parsers):
    (reference, transformer), _ = parsers
    parsed = 0
    for path, text in TEXTS:
        outcome, _ = _outcome(reference, transformer, SourceFile(path, text), trimmed(text) + "\n")
        parsed += isinstance(outcome, str)
    assert 0.2 * len(TEXTS) < parsed < 0.9 * len(TEXTS)


def test_every_text_gives_what_lark_gives(parsers):
    (reference, ref_transformer), (fast, fast_transformer) = parsers
    for path, text in TEXTS:
        source = SourceFile(path, text)
        for given_text in (text, trimmed(text) + "\n"):
            expected = _outcome(reference, ref_transformer, source, given_text)
            assert _outcome(fast, fast_transformer, source, given_text) == expected, (path, given_text)


def test_a_text_that_parses_is_parsed_by_the_loop_itself(parsers):
    (reference, ref_transformer), (fast, fast_transformer) = parsers
    for path, text in TEXTS:
        source = SourceFile(path, text)
        text = trimmed(text) + "\n"
        expected = _outcome(reference, ref_transformer, source, text)
        if isinstance(expected[0], str):
            fast_transformer.begin(source)
            assert repr(fast._parse(text)) == expected[0], (path, text)
            assert repr(fast_transformer.diagnostics) == expected[1]


def test_recovery_reports_what_it_reports_with_lark(parsers, monkeypatch):
    (reference, ref_transformer), (fast, fast_transformer) = parsers
    for path, text in TEXTS[::7]:
        source = SourceFile(path, text)
        monkeypatch.setattr(grammar, "_IDLE", deque([(reference, ref_transformer)]))
        expected = recovery.parse_recovering(source)
        monkeypatch.setattr(grammar, "_IDLE", deque([(fast, fast_transformer)]))
        assert recovery.parse_recovering(source) == expected, (path, text)


@settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(data=valid_flows())
def test_generated_flows_give_what_lark_gives(parsers, data):
    (reference, ref_transformer), (fast, fast_transformer) = parsers
    text = data.decode("utf-8")
    source = SourceFile("generated.flow", text)
    text = trimmed(text) + "\n"
    expected = _outcome(reference, ref_transformer, source, text)
    assert _outcome(fast, fast_transformer, source, text) == expected
    if isinstance(expected[0], str):
        fast_transformer.begin(source)
        assert repr(fast._parse(text)) == expected[0]


@settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(data=mutated_flows())
def test_mutated_flows_give_what_lark_gives(parsers, data):
    (reference, ref_transformer), (fast, fast_transformer) = parsers
    text = data.decode("utf-8", errors="replace")
    source = SourceFile("mutated.flow", text)
    text = trimmed(text) + "\n"
    assert _outcome(fast, fast_transformer, source, text) == _outcome(
        reference, ref_transformer, source, text
    )


def test_every_rule_of_the_grammar_has_a_reduction():
    transformer = ToIR()
    lark = grammar._build(transformer)
    made = {rule: driver.reduction(rule, transformer) for rule in lark.rules}
    assert len(made) == len(lark.rules)


def test_a_rule_whose_method_is_not_a_rule_callback_is_refused():
    class Odd(ToIR):
        def say(self, children):  # a plain method, not wrapped as the rules' callbacks are
            return children

    transformer = Odd()
    lark = grammar._build(ToIR())
    say = next(rule for rule in lark.rules if rule.origin.name == "say")
    with pytest.raises(TypeError, match="not a rule callback"):
        driver.reduction(say, transformer)


@pytest.mark.parametrize(
    ("regexp", "may"),
    [
        (r"[\t ]+", True),
        (r"((\r?\n)[\t ]*|#[^\n]*)+", False),  # the newline terminal: `\r` may be missing, `\n` is not blank
        (r"\r?[\t ]", True),  # a missing first element lets the next one start it
        (r"[A-Za-z_][A-Za-z0-9_]*", False),
        (r"\w+", False),
        (r'[^\s"#]+', True),  # a negated set is not read: it may
        (r"(?i:say)", True),  # flags are not read: it may
        (r"(?=x) ", True),  # a lookahead is not read: it may
        (r"a*", True),  # a pattern that may match nothing: what follows may start it
        ("(", True),  # not a pattern
    ],
)
def test_what_may_start_a_match_is_read_from_the_pattern(regexp, may):
    assert driver._may_start_with(regexp, " \t") is may


def test_a_stored_parser_brings_its_reductions_compiled(monkeypatch):
    from flowc.syntax import stored

    transformer = ToIR()
    built = grammar._build(transformer)
    driver.store(built, transformer)
    assert built.flowc_reductions
    data = stored.dumps(built, transformer)

    def refuse(source):
        raise AssertionError("compiled again")

    monkeypatch.setattr(driver, "_MAKERS", {})
    monkeypatch.setattr(driver, "_COMPILED", {})
    monkeypatch.setattr(driver, "_compile", refuse)
    loaded_transformer = ToIR()
    parser = driver.Parser(stored.loads(data, loaded_transformer), loaded_transformer)
    path = os.path.join(ROOT, "flows", "ivr.flow")
    with open(path, encoding="utf-8") as f:
        source = SourceFile(path, f.read())
    loaded_transformer.begin(source)
    flow = parser._parse(trimmed(source.text) + "\n")
    reference = ToIR()
    reference.begin(source)
    assert flow == grammar._build(reference).parse(trimmed(source.text) + "\n")
