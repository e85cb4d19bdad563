"""`flowc lsp`, driven over its real protocol: the server runs as a
subprocess and every request goes through JSON-RPC on stdio."""

from __future__ import annotations

import sys
import textwrap

import pytest
from click.testing import CliRunner
from lsp_client import Client, LspError

from flowc import editor, vocabulary
from flowc.cli import cli
from flowc.formatter import format_text
from flowc.project import load
from flowc.vocabulary import NEGATION, Shape

MAIN = textwrap.dedent(
    """\
    flow main

    step start:
        gather digits 1 -> handle:
            say "Press 1."
        redirect -> billing.start

    step handle:
        hangup
    """
)
BILLING = textwrap.dedent(
    """\
    flow billing

    step start:
        say "Billing."
        redirect -> main.handle

    step other:
        redirect -> main.handle
    """
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "main.flow").write_text(MAIN, encoding="utf-8")
    (tmp_path / "billing.flow").write_text(BILLING, encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(project):
    c = Client(project)
    yield c
    c.close()


def position(text: str, line: int, needle: str, nth: int = 0) -> tuple[int, int]:
    """(line, character) of the nth occurrence of needle on a 0-based line."""
    row = text.split("\n")[line]
    col = -1
    for _ in range(nth + 1):
        col = row.index(needle, col + 1)
    return line, col


def test_initialize_announces_the_features(client):
    caps = client.initialize_result["capabilities"]
    assert client.initialize_result["serverInfo"]["name"] == "flowc"
    for feature in (
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
        "codeActionProvider",
    ):
        assert caps.get(feature), feature


# ---- diagnostics ---------------------------------------------------------------------------


def test_diagnostics_follow_the_unsaved_buffer(client, project):
    uri = client.open(project / "main.flow")
    assert client.diagnostics(uri) == []
    typo = MAIN.replace("-> handle:", "-> handel:")
    client.change(uri, typo)
    (found,) = client.diagnostics(uri)
    assert found["code"] == "FL104"
    assert found["severity"] == 1
    assert found["source"] == "flowc"
    assert found["message"] == "there is no step `handel` in flow `main`\nhelp: did you mean `handle`?"
    assert found["range"] == {"start": {"line": 3, "character": 20}, "end": {"line": 3, "character": 29}}
    client.change(uri, MAIN)
    assert client.diagnostics(uri) == []


def test_diagnostics_are_those_of_flowc_check(client, project):
    text = (
        'step start:\n    record max 3m transcribe -> handle\n    say "never"\nstep handle:\n    pause 20\n'
    )
    (project / "probe.flow").write_text(text, encoding="utf-8")
    expected = [
        (d.code, d.span.line - 1, d.span.col - 1, d.span.end_col - 1)
        for d in load([str(project / "probe.flow")]).diagnostics
    ]
    assert len(expected) >= 3
    uri = client.open(project / "probe.flow")
    got = [
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["character"],
        )
        for d in client.diagnostics(uri)
    ]
    assert got == expected


def test_diagnostics_resolve_sibling_flows_and_their_open_buffers(client, project):
    uri = client.open(project / "main.flow", MAIN.replace("billing.start", "billing.later"))
    (found,) = client.diagnostics(uri)
    assert found["code"] == "FL104"
    assert "flow `billing`" in found["message"]
    billing = client.open(project / "billing.flow")
    assert [d["code"] for d in client.diagnostics(billing)] == ["FL204"]  # step `other` is unreachable
    # adding the step to the open (unsaved) billing.flow checks main.flow again
    client.change(billing, BILLING + "\nstep later:\n    hangup\n")
    assert [d["code"] for d in client.diagnostics(billing)] == ["FL204"]
    assert client.diagnostics(uri) == []


def test_syntax_errors_and_notes(client, project):
    uri = client.open(project / "main.flow", "step start:\n    recrod max 20s\n")
    (found,) = client.diagnostics(uri)
    assert found["code"] == "FL001"
    assert found["range"]["start"] == {"line": 1, "character": 4}
    assert "help: did you mean `record`?" in found["message"]
    (note,) = found["relatedInformation"]
    assert note["message"] == "in step `start`, opened here"
    assert note["location"]["uri"] == uri


# ---- hover -----------------------------------------------------------------------------------

SAMPLE = textwrap.dedent(
    """\
    flow main
        max-call-duration 4h
        context client
        base-url https://example.com/ivr

    step start:
        say "Hi" voice alice language en-US loop 2
        play /a.mp3 loop 2
        play digits "12"
        pause 1s
        record box max 20s timeout 5s finish "#" beep trim transcribe /t status GET /s on completed -> next
        record timeout off no beep -> next
        gather digits 1 timeout 5s finish "#" input speech speech-timeout auto hints "a" language en-US -> next
        gather speech-timeout 2s -> next
        gather input speech no profanity-filter -> next
        redirect -> next
        dial "+15550100" timeout 10s time-limit 1m caller-id "+15550111" -> next

    step next:
        hangup
        reject busy

    step choice:
        when digits "1" -> next
        otherwise -> start
    """
)


def _written(option: vocabulary.Option) -> str:
    """``option`` written with a value of its shape (events too, for a callback)."""
    n = option.name
    match option.shape:
        case Shape.SWITCH:
            return f"{NEGATION} {n}"
        case Shape.CALLBACK:
            return f"{n} /cb" + (f" on {option.events[0]}" if option.events else "")
        case Shape.SWITCH_URL | Shape.URL:
            return f"{n} /u"
        case Shape.STRING:
            return f'{n} "x"'
        case Shape.WORD | Shape.WORDS:
            return f"{n} {option.values[0] if option.values else 'x'}"
        case Shape.NUMBER:
            return f"{n} 1"
        case Shape.TEXT:
            return f"{n} x"
    return f"{n} 5s"


def _value(value: vocabulary.Value) -> str:
    """A value of an element that parses, written before its options (so that
    the sample has no syntax error: every line of it is one the hover can read)."""
    if value.choices:
        written = value.choices[0]
    elif value.placeholder.startswith('"'):
        written = '"x"'
    elif value.shape is Shape.URL:
        written = "/u"
    elif value.shape is Shape.MEASURE:
        written = "1s"
    else:
        written = "x"
    return f"{value.keyword} {written}" if value.keyword else written


def _generated_sample() -> str:
    """One line per element of the table, with every option it has: so that
    every keyword of the vocabulary has a place in the sample to hover on."""
    lines = ["", "step every:"]
    for entry in vocabulary.VERBS:
        if entry.element is None:
            continue
        first = {"say": 'say "x"', "play": "play /a.mp3", "dial": 'dial "+15550100"'}.get(entry.name)
        first = first or " ".join([entry.name, *(_value(v) for v in entry.values if entry.generated)])
        arrow = " -> /h" if entry.arrow else ""
        lines.append("    " + " ".join([first, *(_written(o) for o in entry.options)]) + arrow)
        # each option on a line of its own too: a word (`on`, `no`) means what the option before it says
        lines += [f"    {first} {_written(o)}{arrow}" for o in entry.options]
    return "\n".join(lines) + "\n"


SAMPLE += _generated_sample()


def _where(keyword: editor.Keyword) -> tuple[int, int]:
    lines = SAMPLE.split("\n")
    for number, line in enumerate(lines):
        items = [w for w in editor.words(line) if w.kind != "comment"]
        if not items:
            continue
        first = items[0].text
        if keyword.verb is None and first == keyword.word:
            return number, items[0].start
        if keyword.verb is not None and first == keyword.verb:
            for w in items[1:]:
                found = editor.hover(SAMPLE, number, w.start) if w.text == keyword.word else None
                if found and found[0] == keyword:
                    return number, w.start
    raise AssertionError(f"no sample of {keyword.verb} {keyword.word}")


@pytest.mark.parametrize("keyword", editor.KEYWORDS, ids=lambda k: f"{k.verb or 'top'}-{k.word}")
def test_hover_on_every_verb_and_option(project, keyword, lsp_session):
    uri = lsp_session.open(project / "sample.flow", SAMPLE)
    line, col = _where(keyword)
    result = lsp_session.at("textDocument/hover", uri, line, col + 1)
    value = result["contents"]["value"]
    assert result["contents"]["kind"] == "markdown"
    assert keyword.syntax.split("\n")[0] in value
    assert keyword.summary in value
    for attribute in keyword.attributes():
        assert f"`{attribute}`" in value
    if keyword.default:
        assert f"**Twilio's default:** {keyword.default}" in value
    assert result["range"]["start"] == {"line": line, "character": col}


@pytest.fixture(scope="module")
def lsp_session(tmp_path_factory):
    root = tmp_path_factory.mktemp("hover")
    c = Client(root)
    yield c
    c.close()


def test_hover_names_the_twiml_attribute_and_default(client, project):
    uri = client.open(project / "main.flow", 'say "Hi"\nrecord max 20s -> /done\n')
    value = client.at("textDocument/hover", uri, 1, 8)["contents"]["value"]
    assert "**TwiML attribute:** `maxLength`" in value
    assert "**Twilio's default:** 3600 s; 120 s for a transcribed recording" in value
    value = client.at("textDocument/hover", uri, 1, 2)["contents"]["value"]
    assert "**TwiML:** `<Record>`" in value


def test_hover_counts_utf16_columns_and_ignores_values(client, project):
    uri = client.open(project / "main.flow", 'say "\U0001f600 hi" voice alice\n')
    # "voice" starts at code point 11, UTF-16 unit 12 (the emoji takes two units)
    result = client.at("textDocument/hover", uri, 0, 13)
    assert "`voice`" in result["contents"]["value"]
    assert result["range"] == {"start": {"line": 0, "character": 12}, "end": {"line": 0, "character": 17}}
    assert client.at("textDocument/hover", uri, 0, 22) is None  # `alice` is a value
    assert client.at("textDocument/hover", uri, 0, 6) is None  # inside the string


# ---- completion -------------------------------------------------------------------------------


def labels(result) -> list[str]:
    return [item["label"] for item in result["items"]]


def test_completion_of_verbs_options_steps_and_flows(client, project):
    text = MAIN.replace(
        "    hangup\n", "    \n    record max 20s \n    redirect -> \n    redirect -> billing.\n"
    )
    uri = client.open(project / "main.flow", text)
    got = labels(client.at("textDocument/completion", uri, 8, 4))
    assert set(editor.VERBS) <= set(got) and "step" not in got
    got = labels(client.at("textDocument/completion", uri, 9, 19))
    assert {"timeout", "finish", "beep", "transcribe", "status", "->"} <= set(got)
    assert "max" not in got and "voice" not in got
    got = labels(client.at("textDocument/completion", uri, 10, 16))
    assert {"start", "handle", "billing.", "billing.start", "billing.other", "GET", "POST"} <= set(got)
    assert "main.start" not in got
    got = labels(client.at("textDocument/completion", uri, 11, 24))
    assert sorted(got) == ["billing.other", "billing.start"]


def test_completion_at_top_level_and_of_values(client, project):
    text = "flow main\n    \n\ngather input \n"
    uri = client.open(project / "main.flow", text)
    assert labels(client.at("textDocument/completion", uri, 1, 4)) == list(editor.SETTINGS)
    got = labels(client.at("textDocument/completion", uri, 2, 0))
    assert {"step", "flow", "say", "gather"} <= set(got)
    assert labels(client.at("textDocument/completion", uri, 3, 13)) == ["dtmf", "speech"]


# ---- definition, references, rename ------------------------------------------------------------


def test_go_to_definition_in_the_file_and_across_files(client, project):
    uri = client.open(project / "main.flow")
    found = client.at("textDocument/definition", uri, *position(MAIN, 3, "handle"))
    assert found == {
        "uri": uri,
        "range": {"start": {"line": 7, "character": 5}, "end": {"line": 7, "character": 11}},
    }
    found = client.at("textDocument/definition", uri, *position(MAIN, 5, "start"))
    assert found["uri"] == (project / "billing.flow").as_uri()
    assert found["range"]["start"] == {"line": 2, "character": 5}
    found = client.at("textDocument/definition", uri, *position(MAIN, 5, "billing"))
    assert found["uri"] == (project / "billing.flow").as_uri()
    assert found["range"]["start"] == {"line": 0, "character": 5}
    assert client.at("textDocument/definition", uri, 4, 10) is None


def test_find_references_across_files(client, project):
    uri = client.open(project / "main.flow")
    billing = (project / "billing.flow").as_uri()
    found = client.at(
        "textDocument/references", uri, *position(MAIN, 7, "handle"), context={"includeDeclaration": True}
    )
    got = sorted((r["uri"], r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in found)
    assert got == sorted([(uri, 7, 5), (uri, 3, 23), (billing, 4, 16), (billing, 7, 16)])
    found = client.at(
        "textDocument/references", uri, *position(MAIN, 3, "handle"), context={"includeDeclaration": False}
    )
    assert len(found) == 3
    assert {"start": {"line": 4, "character": 16}, "end": {"line": 4, "character": 27}} in [
        r["range"] for r in found if r["uri"] == billing
    ]


def test_rename_a_step_everywhere(client, project):
    uri = client.open(project / "main.flow")
    billing = (project / "billing.flow").as_uri()
    prepared = client.at("textDocument/prepareRename", uri, *position(MAIN, 3, "handle"))
    assert prepared == {"start": {"line": 3, "character": 23}, "end": {"line": 3, "character": 29}}
    edit = client.at("textDocument/rename", uri, *position(MAIN, 3, "handle"), newName="desk")
    changes = edit["changes"]
    assert sorted(changes) == sorted([uri, billing])
    main_edits = sorted((e["range"]["start"]["line"], e["range"]["start"]["character"]) for e in changes[uri])
    assert main_edits == [(3, 23), (7, 5)]
    billing_edits = sorted(
        (e["range"]["start"]["line"], e["range"]["start"]["character"], e["range"]["end"]["character"])
        for e in changes[billing]
    )
    assert billing_edits == [(4, 21, 27), (7, 21, 27)]
    assert {e["newText"] for edits in changes.values() for e in edits} == {"desk"}


def test_rename_refuses_bad_and_clashing_names(client, project):
    uri = client.open(project / "main.flow")
    where = position(MAIN, 7, "handle")
    with pytest.raises(LspError, match="is not a step name") as raised:
        client.at("textDocument/rename", uri, *where, newName="2nd")
    assert raised.value.code == -32803  # RequestFailed
    with pytest.raises(LspError, match="already has a step `start`"):
        client.at("textDocument/rename", uri, *where, newName="start")
    with pytest.raises(LspError, match="cursor on a step name"):
        client.at("textDocument/rename", uri, 4, 10, newName="x")
    assert client.at("textDocument/prepareRename", uri, 4, 10) is None


# ---- formatting --------------------------------------------------------------------------------


def test_document_formatting_through_fmt(client, project):
    messy = (
        'flow   main\nstep start:\n  say   "x" loop 2 voice alice\n  redirect->handle\nstep handle:\n  hangup'
    )
    uri = client.open(project / "main.flow", messy)
    (edit,) = client.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
    )
    assert edit["newText"] == format_text(messy)[0]
    assert edit["newText"].startswith('flow main\n\nstep start:\n    say "x" voice alice loop 2\n')
    assert edit["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 8}}
    client.change(uri, "step start:\n    recrod\n")
    assert (
        client.request(
            "textDocument/formatting",
            {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
        )
        is None
    )


# ---- without pygls -------------------------------------------------------------------------------


def test_lsp_without_pygls_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygls", None)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    monkeypatch.delitem(sys.modules, "flowc.lsp", raising=False)
    result = CliRunner().invoke(cli, ["lsp"])
    assert result.exit_code == 2
    assert "pip install 'flowc[lsp]'" in result.stderr


BRANCHING = textwrap.dedent(
    """\
    flow main

    step start:
        gather digits 1 -> choice
        hangup

    step choice:
        when digits "1" -> start
        when digits "2" -> billing.start
        otherwise ->
    """
).replace("otherwise ->\n", "otherwise -> \n")  # the cursor stands after the space


def test_branch_lines_in_completion_references_and_rename(client, project):
    uri = client.open(project / "main.flow", BRANCHING)
    got = labels(client.at("textDocument/completion", uri, 9, 17))
    assert {"start", "choice", "billing.start"} <= set(got)
    assert "GET" not in got
    got = labels(client.at("textDocument/completion", uri, 9, 4))
    assert {"when", "otherwise", "say"} <= set(got)
    client.change(uri, BRANCHING.replace("otherwise -> ", "otherwise -> start"))
    found = client.at(
        "textDocument/references",
        uri,
        *position(BRANCHING, 2, "start"),
        context={"includeDeclaration": False},
    )
    assert sorted((r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in found) == [
        (7, 23),
        (9, 17),
    ]
    found = client.at("textDocument/definition", uri, *position(BRANCHING, 8, "start"))
    assert found["uri"] == (project / "billing.flow").as_uri()
    edit = client.at("textDocument/rename", uri, *position(BRANCHING, 7, "start"), newName="menu")
    assert sorted(
        (e["range"]["start"]["line"], e["range"]["start"]["character"]) for e in edit["changes"][uri]
    ) == [
        (2, 5),
        (7, 23),
        (9, 17),
    ]
    value = client.at("textDocument/hover", uri, 7, 6)["contents"]["value"]
    assert "flowc build --target flask" in value


def test_document_symbols_outline_the_steps(client, project):
    uri = client.open(project / "main.flow")
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [(s["name"], s["detail"], s["kind"]) for s in symbols] == [
        ("start", "main/start.xml", 12),
        ("handle", "main/handle.xml", 12),
    ]
    assert symbols[0]["range"] == {"start": {"line": 2, "character": 0}, "end": {"line": 5, "character": 29}}
    assert symbols[0]["selectionRange"] == {
        "start": {"line": 2, "character": 5},
        "end": {"line": 2, "character": 10},
    }


def test_a_sibling_changed_on_disk_is_read_again(client, project):
    uri = client.open(project / "main.flow")
    where = position(MAIN, 7, "handle")
    context = {"includeDeclaration": False}
    assert len(client.at("textDocument/references", uri, *where, context=context)) == 3
    (project / "billing.flow").write_text(
        BILLING + "\nstep third:\n    redirect -> main.handle\n", encoding="utf-8"
    )
    assert len(client.at("textDocument/references", uri, *where, context=context)) == 4


# ---- while the buffer has syntax errors ------------------------------------------------------

# Two syntax errors: an unclosed string on a line that mentions `handle`
# (line 6) and a `step` line without its colon (line 8).
BROKEN = textwrap.dedent(
    """\
    flow main

    step start:
        gather digits 1 -> handle:
            say "Press 1."
        redirect -> billing.start
        say "oops -> handle

    step handle
        hangup

    step later:
        redirect -> handle
    """
)


def test_broken_buffer_reports_its_two_syntax_errors(client, project):
    uri = client.open(project / "main.flow", BROKEN)
    found = client.diagnostics(uri)
    assert [(d["code"], d["range"]["start"]["line"]) for d in found] == [("FL001", 6), ("FL001", 8)]


def test_definition_in_a_broken_buffer(client, project):
    uri = client.open(project / "main.flow", BROKEN)
    handle = {
        "uri": uri,
        "range": {"start": {"line": 8, "character": 5}, "end": {"line": 8, "character": 11}},
    }
    assert client.at("textDocument/definition", uri, *position(BROKEN, 3, "handle")) == handle
    assert client.at("textDocument/definition", uri, *position(BROKEN, 12, "handle")) == handle
    found = client.at("textDocument/definition", uri, *position(BROKEN, 5, "start"))
    assert found["uri"] == (project / "billing.flow").as_uri()
    assert found["range"]["start"] == {"line": 2, "character": 5}
    # the line that did not parse offers nothing
    assert client.at("textDocument/definition", uri, *position(BROKEN, 6, "handle")) is None


def test_references_in_a_broken_buffer_leave_out_lines_that_did_not_parse(client, project):
    uri = client.open(project / "main.flow", BROKEN)
    billing = (project / "billing.flow").as_uri()
    found = client.at(
        "textDocument/references", uri, *position(BROKEN, 8, "handle"), context={"includeDeclaration": True}
    )
    got = sorted((r["uri"], r["range"]["start"]["line"], r["range"]["start"]["character"]) for r in found)
    assert got == sorted([(uri, 8, 5), (uri, 3, 23), (uri, 12, 16), (billing, 4, 16), (billing, 7, 16)])
    assert (
        client.at(
            "textDocument/references",
            uri,
            *position(BROKEN, 6, "handle"),
            context={"includeDeclaration": True},
        )
        == []
    )


def test_references_reach_into_a_broken_sibling(client, project):
    uri = client.open(project / "main.flow")
    broken = BILLING.replace('say "Billing."', 'say "Billing." lopo 2').replace(
        "step other:\n    redirect -> main.handle", "step other:\n    redirect -> main.handle now"
    )
    client.open(project / "billing.flow", broken)
    billing = (project / "billing.flow").as_uri()
    found = client.at(
        "textDocument/references", uri, *position(MAIN, 7, "handle"), context={"includeDeclaration": False}
    )
    got = sorted((r["uri"], r["range"]["start"]["line"]) for r in found)
    assert got == sorted([(uri, 3), (billing, 4)])  # line 7 of billing.flow did not parse


def test_document_symbols_of_a_broken_buffer(client, project):
    uri = client.open(project / "main.flow", BROKEN)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["start", "handle", "later"]
    # the step runs to the end of its last line, which did not parse
    assert symbols[0]["range"] == {"start": {"line": 2, "character": 0}, "end": {"line": 6, "character": 23}}
    assert symbols[1]["selectionRange"] == {
        "start": {"line": 8, "character": 5},
        "end": {"line": 8, "character": 11},
    }
    assert symbols[2]["range"]["end"] == {"line": 12, "character": 22}


def test_document_symbols_find_a_misspelt_step_line_by_its_name(client, project):
    # `st handle:` is read as the step `handle`; its name is where it is written
    text = "flow main\n\nstep start:\n    redirect -> handle\n\nst handle:\n    hangup\n"
    uri = client.open(project / "main.flow", text)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["start", "handle"]
    assert symbols[1]["selectionRange"]["start"] == {"line": 5, "character": 3}
    found = client.at("textDocument/definition", uri, *position(text, 3, "handle"))
    assert found["range"]["start"] == {"line": 5, "character": 3}


def test_completion_in_a_broken_buffer_offers_the_partial_flows_steps(client, project):
    # the buffer's own `step handle` lacks its colon; billing.flow, open
    # beside it, has a syntax error too
    text = BROKEN.replace('    say "oops -> handle\n', "    redirect -> \n")
    uri = client.open(project / "main.flow", text)
    client.open(project / "billing.flow", BILLING.replace('say "Billing."', 'say "Billing." lopo 2'))
    got = labels(client.at("textDocument/completion", uri, 6, 16))
    assert {"start", "handle", "later", "billing.", "billing.start", "billing.other"} <= set(got)
    assert got.index("start") < got.index("handle") < got.index("later")
    got = labels(client.at("textDocument/completion", uri, *position(text, 12, "handle")))
    assert "handle" in got


def test_rename_in_a_broken_buffer(client, project):
    # two syntax errors, on lines that do not mention `handle`
    text = MAIN.replace('say "Press 1."', 'say "Press 1." lopo 2').replace("    hangup\n", "    hangup now\n")
    uri = client.open(project / "main.flow", text)
    assert [d["code"] for d in client.diagnostics(uri)] == ["FL001", "FL001"]
    billing = (project / "billing.flow").as_uri()
    where = position(text, 3, "handle")
    assert client.at("textDocument/prepareRename", uri, *where) == {
        "start": {"line": 3, "character": 23},
        "end": {"line": 3, "character": 29},
    }
    changes = client.at("textDocument/rename", uri, *where, newName="desk")["changes"]
    assert sorted((e["range"]["start"]["line"], e["range"]["start"]["character"]) for e in changes[uri]) == [
        (3, 23),
        (7, 5),
    ]
    assert len(changes[billing]) == 2


def test_rename_refuses_when_a_line_that_did_not_parse_mentions_the_step(client, project):
    text = MAIN.replace("redirect -> billing.start", "redirect -> handle junk")
    uri = client.open(project / "main.flow", text)
    where = position(text, 7, "handle")
    message = "line 6 of main.flow does not parse and mentions `handle`"
    with pytest.raises(LspError, match=message) as raised:
        client.at("textDocument/prepareRename", uri, *where)
    assert raised.value.code == -32803
    with pytest.raises(LspError, match=message):
        client.at("textDocument/rename", uri, *where, newName="desk")
    # the other step is not mentioned there
    edit = client.at("textDocument/rename", uri, *position(text, 2, "start"), newName="begin")
    assert [e["range"]["start"]["line"] for e in edit["changes"][uri]] == [2]


def test_rename_refuses_when_the_step_line_itself_did_not_parse(client, project):
    uri = client.open(project / "main.flow", BROKEN.replace('    say "oops -> handle\n', "    hangup\n"))
    with pytest.raises(LspError, match="line 9 of main.flow does not parse and mentions `handle`"):
        client.at("textDocument/rename", uri, *position(BROKEN, 3, "handle"), newName="desk")


def test_rename_refuses_when_a_broken_sibling_may_refer_to_the_step(client, project):
    uri = client.open(project / "main.flow")
    client.open(project / "billing.flow", BILLING.replace("main.handle\n\n", "main.handle now\n\n"))
    with pytest.raises(LspError, match="line 5 of billing.flow does not parse and mentions `main.handle`"):
        client.at("textDocument/rename", uri, *position(MAIN, 7, "handle"), newName="desk")
    # `start` of main is not mentioned there: its rename goes ahead
    edit = client.at("textDocument/rename", uri, *position(MAIN, 2, "start"), newName="begin")
    assert list(edit["changes"]) == [uri]


def test_rename_refuses_a_new_name_on_a_line_that_did_not_parse(client, project):
    text = MAIN.replace("    hangup\n", '    say "desk" lopo 2\n')
    uri = client.open(project / "main.flow", text)
    with pytest.raises(LspError, match="line 9 of main.flow does not parse and mentions `desk`"):
        client.at("textDocument/rename", uri, *position(text, 7, "handle"), newName="desk")
    edit = client.at("textDocument/rename", uri, *position(text, 7, "handle"), newName="counter")
    assert len(edit["changes"][uri]) == 2


def test_rename_refuses_when_the_flow_line_did_not_parse(client, project):
    text = MAIN.replace("flow main\n", "flow main extra\n")
    uri = client.open(project / "main.flow", text)
    with pytest.raises(LspError, match="the `flow` line of main.flow does not parse"):
        client.at("textDocument/prepareRename", uri, *position(text, 7, "handle"))


# ---- fixes one keystroke away, and what else an editor expects -----------------------------------


def test_code_actions_apply_the_fix_of_a_diagnostic(client, project):
    text = "flow main\n\nstep start:\n    record maxLength 20 -> handle\n\nstep handle:\n    hangup\n"
    uri = client.open(project / "main.flow", text)
    (diagnostic,) = client.diagnostics(uri)
    assert diagnostic["range"] == {"start": {"line": 3, "character": 11}, "end": {"line": 3, "character": 23}}
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        },
    )
    (action,) = actions
    assert action["kind"] == "quickfix"
    assert action["title"] == "Write `max 20s`"
    (edit,) = action["edit"]["changes"][uri]
    assert edit == {"range": diagnostic["range"], "newText": "max 20s"}


def test_code_action_of_did_you_mean_and_of_an_insertion(client, project):
    uri = client.open(project / "main.flow", 'flow main\n\nstep start\n    sya "Hello"\n')
    diagnostic = client.diagnostics(uri)[0]
    params = {
        "textDocument": {"uri": uri},
        "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic]},
    }
    (action,) = client.request("textDocument/codeAction", params)
    (edit,) = action["edit"]["changes"][uri]
    # `step start` lacks its `:`: the fix inserts it (an empty range).
    assert edit == {
        "range": {"start": {"line": 2, "character": 10}, "end": {"line": 2, "character": 10}},
        "newText": ":",
    }
    client.change(uri, 'flow main\n\nstep start:\n    sya "Hello"\n')
    diagnostic = client.diagnostics(uri)[0]
    params["context"] = {"diagnostics": [diagnostic]}
    params["range"] = diagnostic["range"]
    (action,) = client.request("textDocument/codeAction", params)
    assert action["title"] == "Write `say`"
    assert action["edit"]["changes"][uri][0]["newText"] == "say"


def test_completion_items_replace_the_word_being_typed(client, project):
    text = "flow main\n\nstep start:\n    redirect -> billing.st\n"
    uri = client.open(project / "main.flow", text)
    items = client.at("textDocument/completion", uri, 3, 26)["items"]
    start = next(i for i in items if i["label"] == "billing.start")
    # The whole `billing.st` is replaced: no `billing.billing.start`.
    assert start["textEdit"] == {
        "range": {"start": {"line": 3, "character": 16}, "end": {"line": 3, "character": 26}},
        "newText": "billing.start",
    }
    items = client.at("textDocument/completion", uri, 3, 16)["items"]
    assert all(i["textEdit"]["range"]["start"] == {"line": 3, "character": 16} for i in items)


def test_hover_on_a_step_reference_a_header_and_a_label(client, project):
    uri = client.open(project / "main.flow")
    found = client.at("textDocument/hover", uri, *position(MAIN, 3, "handle"))
    assert "Step `handle` of flow `main`" in found["contents"]["value"]
    assert "Defined on line 8 of main.flow" in found["contents"]["value"]
    assert found["range"]["start"] == {"line": 3, "character": 23}
    other = client.at("textDocument/hover", uri, *position(MAIN, 5, "start"))
    assert "Step `start` of flow `billing`" in other["contents"]["value"]
    labelled = "step start:\n    record voicemail max 20s -> /h\n"
    uri = client.open(project / "label.flow", labelled)
    found = client.at("textDocument/hover", uri, 1, 14)
    assert "The recording's label" in found["contents"]["value"]


def test_hover_on_a_line_that_did_not_parse(client, project):
    text = 'step start:\n    record maxLength 20 -> /h\n    sya "Hi" voice alice\n'
    uri = client.open(project / "broken.flow", text)
    found = client.at("textDocument/hover", uri, 1, 14)
    assert "does not parse" in found["contents"]["value"]
    assert "TwiML's spelling: the option is `max`" in found["contents"]["value"]
    # A word of a broken line that is a keyword says what it would be.
    voice = client.at("textDocument/hover", uri, 2, 16)
    assert "The text-to-speech voice." in voice["contents"]["value"]


def test_rename_refuses_a_name_differing_only_in_case(client, project):
    text = "flow main\n\nstep menu:\n    redirect -> handle\n\nstep handle:\n    hangup\n"
    uri = client.open(project / "main.flow", text)
    with pytest.raises(LspError, match="already has a step `menu`: step names that differ only in case"):
        client.at("textDocument/rename", uri, 5, 6, newName="Menu")


def test_documents_that_are_not_flows_are_left_alone(client, project):
    script = project / "tool.py"
    uri = script.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "import os\nsay = 1\n"}},
    )
    assert client.at("textDocument/hover", uri, 1, 0) is None
    assert client.at("textDocument/completion", uri, 1, 0)["items"] == []
    # The next diagnostics published are the flow's, not the script's.
    flow = client.open(project / "main.flow")
    assert client.diagnostics(flow) == []
    assert not any(n["params"].get("uri") == uri for n in client.notifications)


def test_a_refused_rename_is_logged_in_one_line(project):
    c = Client(project)
    try:
        uri = c.open(project / "main.flow")
        with pytest.raises(LspError):
            c.at("textDocument/rename", uri, *position(MAIN, 7, "handle"), newName="2nd")
        c.request("shutdown", None)
        c.notify("exit", None)
        c.proc.wait(timeout=20)
        err = c.proc.stderr.read().decode()
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
    assert "Traceback" not in err
    assert "refused: `2nd` is not a step name" in err


def test_semantic_tokens_colour_steps_flows_labels_and_keywords(client, project):
    text = 'flow main\nstep start:  # hi\n    record voicemail max 20s -> billing.start\n    say "é" voice alice\n'
    uri = client.open(project / "main.flow", text)
    legend = client.initialize_result["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
    data = client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})["data"]
    found, line, start = [], 0, 0
    for i in range(0, len(data), 5):
        delta, offset, length, kind, _ = data[i : i + 5]
        line, start = line + delta, (start if delta == 0 else 0) + offset
        found.append((line, text.split("\n")[line][start : start + length], legend[kind]))
    assert (1, "start", "function") in found
    assert (0, "main", "namespace") in found
    assert (2, "voicemail", "variable") in found
    assert (2, "billing", "namespace") in found and (2, "start", "function") in found
    assert (2, "20s", "number") in found and (2, "->", "operator") in found
    assert (3, '"é"', "string") in found and (3, "voice", "keyword") in found
    assert (1, "# hi", "comment") in found
