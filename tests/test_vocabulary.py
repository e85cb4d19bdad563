"""The vocabulary table is the one place the language's options are written:
every entry parses, fills its IR field, writes its TwiML attribute, survives
the formatter, is highlighted and hovered, and is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from flowc import editor, ir, pygments_lexer, vocabulary
from flowc.backends.twiml import render_step
from flowc.formatter import format_text
from flowc.source import SourceFile
from flowc.syntax import parse
from flowc.syntax.grammar import grammar_path, grammar_text
from flowc.vocabulary import Shape

ROOT = Path(__file__).resolve().parent.parent

# How each verb's line starts, before its options (a generated element's, from its values).
PREFIX = {
    "say": 'say "Hello"',
    "play": "play /a.mp3",
    "record": "record",
    "gather": "gather",
    "dial": 'dial "+15550100"',
}
_SAMPLE = {
    Shape.STRING: '"x1"',
    Shape.TEXT: "x1",
    Shape.NUMBER: "1",
    Shape.URL: "/u",
    Shape.WORD: "x1",
    Shape.MEASURE: "500ms",
}


def _prefix(entry: vocabulary.Verb) -> str:
    if entry.name in PREFIX:
        return PREFIX[entry.name]
    return " ".join([entry.name, *(_SAMPLE[v.shape] for v in entry.values if not v.optional)])


def _parents(entry: vocabulary.Verb) -> list[vocabulary.Verb]:
    """The chain of elements a noun is written under, outermost first."""
    chain = []
    while entry.noun:
        entry = next(v for v in vocabulary.VERBS if entry.name in v.children and v is not entry)
        chain.insert(0, entry)
    return chain


def _nested(entry: vocabulary.Verb, line: str) -> tuple[str, int]:
    """A step body writing ``line`` (of ``entry``) inside its parents, and its depth."""
    chain = _parents(entry)
    lines = [f"{'    ' * (i + 1)}{_prefix(p)}:" for i, p in enumerate(chain)]
    lines.append(f"{'    ' * (len(chain) + 1)}{line}")
    return "\n".join(lines), len(chain)


def _written(option: vocabulary.Option) -> list[tuple[str, str | None]]:
    """Ways to write an option, each with the attribute value it must give."""
    n = option.name
    match option.shape:
        case Shape.DURATION:
            return [(f"{n} 7s", "7")]
        case Shape.DURATION_OR_OFF:
            return [(f"{n} 7s", "7"), (f"{n} {option.word}", "0")]
        case Shape.DURATION_OR_AUTO:
            return [(f"{n} 7s", "7"), (f"{n} {option.word}", option.word)]
        case Shape.STRING:
            return [(f'{n} "1"', "1")]
        case Shape.TEXT:
            return [(f"{n} en-GB", "en-GB"), (f'{n} "Polly Amy"', "Polly Amy")]
        case Shape.NUMBER:
            return [(f"{n} 3", "3")]
        case Shape.WORDS:
            return [(f"{n} {' '.join(option.values)}", " ".join(option.values))]
        case Shape.SWITCH:
            on, off = option.switch_values
            return [(n, on), (f"no {n}", off), *((f"{n} {v}", v) for v in option.values)]
        case Shape.SWITCH_URL:
            return [(n, "true"), (f"{n} /callback", "true")]
        case Shape.CALLBACK:
            return [(f"{n} /callback" + (f" on {option.events[0]}" if option.events else ""), "/callback")]
        case Shape.WORD:
            return [(f"{n} {option.values[0]}", option.values[0])]
        case Shape.URL:
            return [(f"{n} /callback", "/callback")]
        case Shape.MEASURE:
            return [(f"{n} 90%", "90%"), (f"{n} -6dB", "-6dB"), (f"{n} +3.5%", "+3.5%"), (f"{n} x-low", "x-low")]
    raise AssertionError(option.shape)


WITH_ELEMENT = [v for v in vocabulary.VERBS if v.element is not None]
CASES = [
    pytest.param(verb, option, text, value, id=f"{verb.name}-{text}")
    for verb in WITH_ELEMENT
    for option in verb.options
    for text, value in _written(option)
]


@pytest.mark.parametrize(("verb", "option", "text", "value"), CASES)
def test_every_option_parses_builds_and_formats(verb, option, text, value):
    body, depth = _nested(verb, f"{_prefix(verb)} {text}")
    source = SourceFile("main.flow", f"step main:\n{body}\n    hangup\n")
    flow, problems = parse(source)
    assert flow is not None and not problems, problems
    node = flow.steps[0].verbs[0]
    element = etree.fromstring(render_step(flow, flow.steps[0]))[0]
    for _ in range(depth):
        node, element = node.body[0], element[0]
    assert node.get(option.field) not in (None, ())
    assert element.tag == verb.element
    assert element.get(option.attribute) == value
    formatted, problems = format_text(source.text)
    assert formatted == source.text, "an option written canonically is left as it is"


def test_the_grammar_file_writes_no_option_rule():
    with open(grammar_path(), encoding="utf-8") as f:
        written = f.read()
    assert not re.search(r"^\w+_option\s*:", written, re.MULTILINE)
    generated = grammar_text()[len(written) :]
    for verb in vocabulary.VERBS:
        if verb.options:
            assert re.search(rf"^{vocabulary.terminal(verb.name).lower()}_option:", generated, re.MULTILINE)
        if verb.generated:
            assert re.search(rf"^{vocabulary.rule_name(verb)}:", generated, re.MULTILINE)
            assert not re.search(rf"^{vocabulary.rule_name(verb)}:", written, re.MULTILINE)


def test_every_keyword_is_highlighted_and_hovered():
    lexer_words = set(pygments_lexer.VERBS) | set(pygments_lexer.OPTIONS)
    assert set(vocabulary.keywords()) - {"flow", "step"} <= lexer_words
    hovered = {(k.verb, k.word) for k in editor.KEYWORDS}
    for verb in vocabulary.VERBS:
        assert (None, verb.name) in hovered
        for option in verb.options:
            assert (verb.name, option.name) in hovered
    for setting in vocabulary.SETTINGS:
        assert (None, setting.name) in hovered


def test_hover_names_the_attributes_the_vocabulary_gives():
    for verb in WITH_ELEMENT:
        for option in verb.options:
            shown = editor.keyword(verb.name, option.name)
            assert shown is not None
            assert set(shown.attributes()) == {a for _, a, _ in option.attributes}


def _doc_tables() -> dict[str, list[list[str]]]:
    """The rows of the option table under each `### \\`verb\\`` heading of docs/language.md."""
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    tables: dict[str, list[list[str]]] = {}
    verb = None
    for line in text.splitlines():
        heading = re.match(r"### `([a-z-]+)`", line)
        if heading:
            verb = heading.group(1)
        elif line.startswith(("## ", "#### ")):  # a subsection (`#### SSML`) is not the option table
            verb = None
        elif verb and line.startswith("| `"):
            tables.setdefault(verb, []).append([c.strip() for c in line.strip("|").split("|")])
    return tables


def test_the_docs_option_tables_match_the_vocabulary():
    tables = _doc_tables()
    for verb in WITH_ELEMENT:
        rows = tables.get(verb.name, [])
        names = {
            re.match(r"`([a-z-]+|->)", row[0]).group(1) for row in rows if re.match(r"`([a-z-]+|->)", row[0])
        }
        for option in verb.options:
            assert option.name in names, f"docs/language.md: `{verb.name}` has no row for `{option.name}`"
            row = next(r for r in rows if r[0].startswith(f"`{option.name}"))
            assert f"`{option.attribute}" in row[1], (verb.name, option.name, row)
        known = {o.name for o in verb.options} | {v.keyword for v in verb.values if v.keyword} | {"->"}
        for name in names:
            assert name in known or name.upper() == name, (
                f"docs/language.md documents `{name}` for `{verb.name}`, which the vocabulary does not have"
            )


def test_ir_fields_exist_for_every_option():
    classes = ir.verb_classes()
    for verb in vocabulary.ELEMENTS:
        if verb.generated:
            continue  # an ir.Element holds any field the table gives it
        fields = set(classes[verb.name].__dataclass_fields__)
        for option in verb.options:
            assert set(option.fields) <= fields, (verb.name, option.name)


def test_the_generated_reference_in_the_docs_is_current():
    from flowc.docgen import with_language_reference

    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert with_language_reference(text) == text, (
        "docs/language.md is stale: run `python -m flowc.docgen --language docs/language.md`"
    )
