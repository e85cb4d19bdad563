"""Every TwiML attribute name of every verb, as people write it, is answered.

Generated from the vocabulary, so a verb or option added there is covered
here with no change: each attribute an option writes
(`vocabulary.Option.attributes`), in its camelCase, snake_case, kebab-case
and all-lower-case forms, with a value and without, after its own verb and
after every other verb. Each is reported where it is written, by name, and
never passes silently; on its own verb with a value the report carries the
fix that writes the option the language's way.
"""

from __future__ import annotations

import re

import pytest

from flowc import habits, vocabulary
from flowc.diagnostics import apply_edits
from flowc.project import load

# A line each verb can carry an option on.
_PREFIX = {"say": 'say "Hi"', "play": "play /a.mp3", "pause": "pause 1s", "reject": "reject busy"}
_VALUES = {
    vocabulary.Shape.DURATION: "20",
    vocabulary.Shape.DURATION_OR_OFF: "20",
    vocabulary.Shape.DURATION_OR_AUTO: "5",
    vocabulary.Shape.NUMBER: "4",
    vocabulary.Shape.STRING: '"#"',
    vocabulary.Shape.TEXT: "alice",
    vocabulary.Shape.WORDS: "speech",
}
_PART_VALUES = {"switch": "false", "url": "/s", "method": "GET", "words": "completed"}
VERBS = [v for v in vocabulary.VERBS if v.element]


def prefix(verb: vocabulary.Verb) -> str:
    if verb.name in _PREFIX:
        return _PREFIX[verb.name]
    values = [v for v in verb.values if not v.keyword]
    if values and values[0].placeholder.startswith('"'):
        return f'{verb.name} "+15551234567"' if verb.name == "dial" else f'{verb.name} "x"'
    if values and values[0].shape is vocabulary.Shape.URL and not values[0].optional:
        return f"{verb.name} wss://example.com/s"  # a URL it cannot go without (`conversation-relay`)
    return verb.name


def forms(attribute: str) -> list[str]:
    snake = re.sub(r"(?<!^)([A-Z])", r"_\1", attribute).lower()
    return sorted({attribute, snake, snake.replace("_", "-"), attribute.lower()})


def cases():
    for owner in VERBS:
        for option in owner.options:
            for _, attribute, form in option.attributes:
                value = _VALUES.get(option.shape) if form == "value" else _PART_VALUES[form]
                for verb in VERBS:
                    yield pytest.param(
                        owner, option, attribute, value, verb, id=f"{attribute}-on-{verb.name}"
                    )


@pytest.fixture
def check(tmp_path):
    def run(text: str):
        path = tmp_path / "main.flow"
        path.write_text(text, encoding="utf-8")
        return load([str(path)])

    return run


def test_the_attributes_come_from_the_vocabulary():
    """Each option's TwiML names are known by their normal form, with the
    verbs that have them (a new verb's attributes with no change here)."""
    for verb in VERBS:
        for option in verb.options:
            for _, attribute, _ in option.attributes:
                if attribute == option.name:
                    continue
                known = habits.ATTRIBUTES[attribute.replace("-", "").replace("_", "").lower()]
                assert any(a.verb is verb and a.option is option for a in known), attribute


@pytest.mark.parametrize(("owner", "option", "attribute", "value", "verb"), list(cases()))
def test_a_twiml_attribute_is_answered_where_it_is_written(check, owner, option, attribute, value, verb):
    for written in forms(attribute):
        if written == option.name:
            continue  # the language's own spelling (`timeout`, `hints`)
        for given in (value, None):
            line = (
                f"{prefix(verb)} {written}"
                + (f" {given}" if given else "")
                + (" -> /h" if verb.arrow else "")
            )
            source = f"step start:\n    {line}\n"
            build = check(source)
            col = 4 + line.index(f" {written}") + 2
            found = [
                d for d in build.diagnostics if (d.span.line, d.span.col) == (2, col) and written in d.message
            ]
            assert found, (source, [(d.span, d.message) for d in build.diagnostics])
            (d,) = found[:1]
            if verb is owner and given is not None and option.attributes[0][1] == attribute:
                assert d.fixes, (source, d)
                fixed = apply_edits(source, [e for e in d.fixes[0].edits])[0]
                assert written not in fixed.split("\n")[1], fixed
