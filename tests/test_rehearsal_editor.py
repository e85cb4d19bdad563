"""Editor support for .calls files: the TextMate grammar (tokenized by
vscode-textmate under node, as VS Code does) and the language server's
diagnostics."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
GRAMMAR = ROOT / "editors" / "vscode" / "syntaxes" / "calls.tmLanguage.json"
TOKENIZER = Path(__file__).parent / "textmate"


def tokenize(text: str):
    node = shutil.which("node")
    if node is None or not (TOKENIZER / "node_modules" / "vscode-textmate").is_dir():
        pytest.fail("node and vscode-textmate are needed: `make test` installs them")
    result = subprocess.run(
        [node, str(TOKENIZER / "tokenize.js")],
        input=json.dumps({"grammar": str(GRAMMAR), "texts": [text], "scope": "source.flow-calls"}),
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)[0]


def scope_of(line, text: str) -> list[str]:
    found = [s for t, s in line if t == text]
    assert found, f"no token {text!r} in {[t for t, _ in line]}"
    return found[0]


def test_the_extension_registers_the_calls_grammar():
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    (grammar,) = [g for g in package["contributes"]["grammars"] if g["language"] == "flow-calls"]
    assert (ROOT / "editors" / "vscode" / grammar["path"]).resolve() == GRAMMAR.resolve()
    (language,) = [lang for lang in package["contributes"]["languages"] if lang["id"] == "flow-calls"]
    assert language["extensions"] == [".calls"]
    assert '"flow-calls"' in (ROOT / "editors" / "vscode" / "extension.js").read_text()


def test_calls_highlighting():
    lines = tokenize(
        'flow ivr  # the flow\n'
        '    answer /ivr/choice -> operator\n'
        'call "press \\"1\\"":\n'
        '    press "1"\n'
        '    speak 1m30s "hi"\n'
        '    expect request POST /ivr/choice with Digits 1\n'
        '    expect call ended by hangup\n'
    )
    assert "keyword.other.flow.flow-calls" in scope_of(lines[0], "flow")
    assert "entity.name.namespace.flow-calls" in scope_of(lines[0], "ivr")
    assert "comment.line.number-sign.flow-calls" in scope_of(lines[0], " the flow")
    assert "string.unquoted.path.flow-calls" in scope_of(lines[1], "/ivr/choice")
    assert "keyword.operator.arrow.flow-calls" in scope_of(lines[1], "->")
    assert "keyword.other.call.flow-calls" in scope_of(lines[2], "call")
    assert "constant.character.escape.flow-calls" in scope_of(lines[2], '\\"')
    assert "keyword.other.action.flow-calls" in scope_of(lines[3], "press")
    assert "string.quoted.double.flow-calls" in scope_of(lines[3], "1")
    assert "constant.numeric.duration.flow-calls" in scope_of(lines[4], "1m30s")
    assert "keyword.control.expectation.flow-calls" in scope_of(lines[5], "expect")
    assert "constant.language.method.flow-calls" in scope_of(lines[5], "POST")
    assert "constant.language.outcome.flow-calls" in scope_of(lines[6], "hangup") or (
        "keyword.other.flow-calls" in scope_of(lines[6], "hangup")
    )


def test_the_outcome_lines_of_queues_conferences_connect_and_refer_are_actions():
    lines = tokenize('call "c":\n    queue wait\n    conference start\n    connect 30s handoff "x"\n    refer failed\n')
    for line, word in zip(lines[1:5], ("queue", "conference", "connect", "refer"), strict=True):
        assert "keyword.other.action.flow-calls" in scope_of(line, word)


@pytest.mark.parametrize("path", sorted((ROOT / "flows").rglob("*.calls")), ids=lambda p: p.name)
def test_every_line_of_the_example_scenarios_is_highlighted(path):
    for line in tokenize(path.read_text(encoding="utf-8")):
        for text, scopes in line:
            if text.strip():
                assert len(scopes) > 1, f"{path.name}: {text!r} has no scope"


# ---- the language server ------------------------------------------------------------------------

CALLS = """\
flow main

call "press one":
    press "1"
    expect step handle
    expect call ended by hangup
"""
MAIN = """\
flow main

step start:
    gather digits 1 -> handle:
        say "Press 1."
    hangup

step handle:
    say "Bye."
    hangup
"""


@pytest.fixture
def client(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from lsp_client import Client

    (tmp_path / "main.flow").write_text(MAIN, encoding="utf-8")
    (tmp_path / "main.calls").write_text(CALLS, encoding="utf-8")
    c = Client(tmp_path)
    yield c
    c.close()


def test_language_server_reports_scenario_problems(client, tmp_path):
    uri = client.open(tmp_path / "main.calls")
    assert client.diagnostics(uri) == []  # opened: read, checked and rehearsed
    client.change(uri, CALLS.replace("expect step handle", "expect step handel"))
    (found,) = client.diagnostics(uri)
    assert found["code"] == "FL952" and found["range"]["start"] == {"line": 4, "character": 16}
    assert "did you mean `handle`?" in found["message"]
    client.change(uri, CALLS.replace('press "1"', 'pres "1"'))
    (found,) = client.diagnostics(uri)
    assert found["code"] == "FL951" and found["range"]["start"] == {"line": 3, "character": 4}
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["press one"]


def test_language_server_rehearses_on_open(client, tmp_path):
    (tmp_path / "main.calls").write_text(CALLS.replace("ended by hangup", "ended by caller"), encoding="utf-8")
    uri = client.open(tmp_path / "main.calls")
    (found,) = client.diagnostics(uri)
    assert found["code"] == "FL960" and found["range"]["start"]["line"] == 5
    assert "expected the call to end by caller; it ended by hangup" in found["message"]
