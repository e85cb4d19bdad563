"""The TextMate grammar of editors/vscode, run by vscode-textmate (the engine
VS Code uses) through node: the example flows and tricky lines get the scopes
an editor theme colours by."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from flowc import vocabulary

ROOT = Path(__file__).parent.parent
GRAMMAR = ROOT / "editors" / "vscode" / "syntaxes" / "flow.tmLanguage.json"
TOKENIZER = Path(__file__).parent / "textmate"


def tokenize(*texts: str) -> list[list[list[tuple[str, list[str]]]]]:
    node = shutil.which("node")
    assert node, "node is missing: `make test` installs it (scripts/system-deps.sh)"
    assert (TOKENIZER / "node_modules" / "vscode-textmate").is_dir(), (
        "vscode-textmate is missing: `make test` runs `npm ci` in tests/textmate"
    )
    result = subprocess.run(
        [node, str(TOKENIZER / "tokenize.js")],
        input=json.dumps({"grammar": str(GRAMMAR), "texts": list(texts)}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [[[(t, s) for t, s in line] for line in text] for text in json.loads(result.stdout)]


def scopes(line: list[tuple[str, list[str]]], text: str, nth: int = 0) -> list[str]:
    """The scopes of the nth token whose text is exactly ``text``."""
    found = [s for t, s in line if t == text]
    assert len(found) > nth, f"no token {text!r} in {[t for t, _ in line]}"
    return found[nth]


def has(line, text: str, scope: str, nth: int = 0) -> bool:
    return any(s.startswith(scope) for s in scopes(line, text, nth))


def test_grammar_is_the_one_the_extension_registers():
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    (grammar,) = [g for g in package["contributes"]["grammars"] if g["language"] == "flow"]
    assert (ROOT / "editors" / "vscode" / grammar["path"]).resolve() == GRAMMAR.resolve()
    assert json.loads(GRAMMAR.read_text(encoding="utf-8"))["scopeName"] == grammar["scopeName"]
    (language,) = [lang for lang in package["contributes"]["languages"] if lang["id"] == "flow"]
    assert language["extensions"] == [".flow"]


EXAMPLES = sorted((ROOT / "flows").rglob("*.flow"))


_ELEMENT_WORDS = tuple(v.name for v in vocabulary.VERBS if v.element is not None)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_flows(path):
    text = path.read_text(encoding="utf-8")
    (lines,) = tokenize(text)
    for source, tokens in zip(text.split("\n"), lines, strict=True):
        stripped = source.strip()
        assert "".join(t for t, _ in tokens) == source
        assert not any("invalid" in s for _, ss in tokens for s in ss), source
        if not stripped:
            continue
        first = stripped.split()[0].rstrip(":")  # `dial:`, `start:`: a verb with a block and no options
        if first == "#" or stripped.startswith("#"):
            assert all(any(s.startswith("comment.") for s in ss) for t, ss in tokens if t.strip()), source
        elif first == "step":
            name = stripped.split()[1].rstrip(":")
            assert has(tokens, "step", "keyword.other.step")
            assert has(tokens, name, "entity.name.function.step")
        elif first == "flow":
            assert has(tokens, "flow", "keyword.other.flow")
        elif first in _ELEMENT_WORDS:
            assert has(tokens, first, "keyword.control.verb"), source
        elif first in ("when", "otherwise"):
            assert has(tokens, first, "keyword.control.branch"), source
        else:
            assert has(tokens, first, "keyword.other.setting"), source
        for token, ss in tokens:
            if token == '"':
                assert any(s.startswith("string.quoted.double") for s in ss), source
            if token == "->":
                assert any(s.startswith("keyword.operator.arrow") for s in ss), source


TRICKY = """\
# A comment line.
flow comments   # the flow's name
    context client
    max-call-duration 24h
    base-url https://example.com/app
step record:
    record say max 1m30s no beep -> say
    record -> GET
    gather digits 1 timeout 5s input dtmf speech -> /menu#top:
        say "Press # to finish \\"now\\" \\u00e9 \\q"   # a hash inside a string is text
    redirect -> /goodbye # a comment, not part of the URL
    dial "+15558675310" time-limit 2h -> POST billing.start
    pause 20
    reject busy
step choice:
    when digits "1" -> sales
    otherwise -> billing.start
"""


def test_tricky_lines():
    (lines,) = tokenize(TRICKY)
    comment, flow, context, limit, base, step, record, get, gather, say, redirect, dial, pause, reject = (
        lines[:14]
    )
    when, otherwise = lines[15:17]
    assert has(comment, " A comment line.", "comment.line.number-sign")
    assert has(flow, "comments", "entity.name.namespace") and has(flow, " the flow's name", "comment.line")
    assert has(context, "context", "keyword.other.setting") and has(context, "client", "support.constant")
    assert has(limit, "24h", "constant.numeric.duration")
    assert has(base, "https://example.com/app", "markup.underline.link")
    # keywords are names where a name is expected
    assert has(step, "record", "entity.name.function.step")
    assert has(record, "record", "keyword.control.verb")
    assert has(record, "say", "variable.other.label", 0)
    assert has(record, "say", "entity.name.function.step", 1)
    assert has(record, "max", "keyword.other.option") and has(record, "1m30s", "constant.numeric.duration")
    assert has(record, "no", "keyword.other.option") and has(record, "beep", "keyword.other.option")
    assert has(get, "GET", "entity.name.function.step")  # `-> GET` at the end is a step named GET
    # a # in a URL is its fragment; in a string it is text
    assert has(gather, "/menu#top", "markup.underline.link")
    assert not any(s.startswith("comment") for _, ss in gather for s in ss)
    assert has(gather, "dtmf", "support.constant.value") and has(gather, "1", "constant.numeric.integer")
    assert has(gather, ":", "punctuation.section.block")
    assert has(say, "Press # to finish ", "string.quoted.double")
    assert has(say, '\\"', "constant.character.escape") and has(say, "\\u00e9", "constant.character.escape")
    assert has(say, "\\q", "invalid.illegal.escape")
    assert has(say, " a hash inside a string is text", "comment.line")
    assert has(redirect, "/goodbye", "markup.underline.link")
    assert has(redirect, " a comment, not part of the URL", "comment.line")
    assert has(dial, "POST", "support.constant.method") and has(dial, "2h", "constant.numeric.duration")
    assert has(dial, "billing", "entity.name.namespace") and has(dial, "start", "entity.name.function.step")
    assert has(pause, "20", "constant.numeric.integer")
    assert has(reject, "busy", "support.constant.value")
    assert has(when, "when", "keyword.control.branch") and has(when, "digits", "keyword.other.option")
    assert has(when, "1", "string.quoted.double") and has(when, "sales", "entity.name.function.step")
    assert has(otherwise, "otherwise", "keyword.control.branch")
    assert has(otherwise, "start", "entity.name.function.step")


def test_an_unclosed_string_ends_at_the_line_end():
    (lines,) = tokenize('say "unclosed\nhangup\n')
    assert has(lines[0], "unclosed", "string.quoted.double")
    assert has(lines[1], "hangup", "keyword.control.verb")


def test_the_extension_is_plain_javascript_that_starts_flowc_lsp():
    folder = ROOT / "editors" / "vscode"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    main = folder / package["main"]
    result = subprocess.run([shutil.which("node"), "--check", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    source = main.read_text(encoding="utf-8")
    assert 'require("vscode-languageclient/node")' in source
    assert package["contributes"]["configuration"]["properties"]["flowc.command"]["default"] == [
        "flowc",
        "lsp",
    ]
    assert "vscode-languageclient" in package["dependencies"]
    config = json.loads((folder / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    assert "node_modules/vscode-languageclient" in lock["packages"]


def test_every_keyword_of_the_vocabulary_is_highlighted():
    """The TextMate grammar is JSON an editor loads as it is, so it cannot be
    derived from the vocabulary; this test holds the two together."""

    prefix = {"say": 'say "x"', "play": "play /a.mp3", "dial": 'dial "+15550100"'}
    lines, expected = [], []
    for verb in vocabulary.VERBS:
        for option in verb.options:
            lines.append(f"    {prefix.get(verb.name, verb.name)} {option.name}")
            expected.append((verb.name, option.name, "keyword.other.option"))
    for verb in (*vocabulary.ELEMENTS, *vocabulary.NOUNS):
        lines.append(f"    {prefix.get(verb.name, verb.name)}")
        expected.append((verb.name, verb.name, "keyword.control.verb"))
    (tokens,) = tokenize("step main:\n" + "\n".join(lines) + "\n")
    for line, (verb, word, scope) in zip(tokens[1:], expected, strict=False):
        assert has(line, word, scope), (verb, word, line)


SSML = """\
step main:
    say voice Polly.Joanna-Neural:
        "Your balance is "
        say-as currency "$42.10"
        break 500ms strength strong
        prosody rate 90% pitch -10% volume +6dB:
            "slowly now"
        s "A sentence."
        steps "not a keyword"
"""


def test_ssml_lines():
    (lines,) = tokenize(SSML)
    text, say_as, brk, prosody, inner, sentence, steps = lines[2:9]
    assert has(text, "Your balance is ", "string.quoted.double")
    assert has(say_as, "say-as", "keyword.control.verb")
    assert has(brk, "break", "keyword.control.verb") and has(brk, "500ms", "constant.numeric")
    assert has(brk, "strength", "keyword.other.option")
    assert has(prosody, "prosody", "keyword.control.verb") and has(prosody, "rate", "keyword.other.option")
    for measure in ("90%", "-10%", "+6dB"):
        assert has(prosody, measure, "constant.numeric"), measure
    assert has(inner, "slowly now", "string.quoted.double")
    assert has(sentence, "s", "keyword.control.verb")
    assert not any(s.startswith("keyword") for t, ss in steps for s in ss if t.strip() == "steps")
