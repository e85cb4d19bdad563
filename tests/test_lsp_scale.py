"""The language server on big files and bursts of edits: versioned
diagnostics, only the newest version's published, open neighbours checked
again only when what they see changed, and a file of a megabyte that keeps
answering. Counts and order are asserted here, never durations (those are
bench/editor.py's)."""

from __future__ import annotations

import random
import textwrap

import pytest
from lsp_client import Client, big_flow

from flowc.source import SourceFile
from flowc.syntax import parse_recovering
from flowc.syntax.incremental import IncrementalParser, pieces

MAIN = textwrap.dedent(
    """\
    flow main

    step start:
        gather digits 1 -> handle:
            say "Press 1."
        redirect -> billing.later

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
    """
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "main.flow").write_text(MAIN, encoding="utf-8")
    (tmp_path / "billing.flow").write_text(BILLING, encoding="utf-8")
    return tmp_path


def change(uri: str, version: int, text: str) -> dict:
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    }


def test_published_diagnostics_carry_the_version_they_are_about(project):
    client = Client(project)
    try:
        uri = client.open(project / "main.flow")
        assert client.published(uri)["version"] == 1
        client.change(uri, MAIN.replace("-> handle:", "-> handel:"))
        found = client.published(uri)
        assert found["version"] == 2
        assert [d["code"] for d in found["diagnostics"]] == ["FL104", "FL104"]
    finally:
        client.close()


def test_a_burst_of_edits_publishes_only_the_last_versions_diagnostics(project):
    # A check delay longer than any pause inside one write of the burst.
    client = Client(project, {"checkDelayMs": 400})
    try:
        uri = client.open(project / "main.flow")
        assert client.published(uri)["version"] == 1
        burst = [change(uri, v, MAIN.replace("-> handle:", f"-> handel{v}:")) for v in range(2, 42)]
        client.send_all(burst)
        client.versions[uri] = 41
        found = client.published(uri)  # the first published after the burst is the last version's
        assert found["version"] == 41
        messages = [d["message"] for d in found["diagnostics"]]
        assert any("`handel41`" in m for m in messages), messages
        assert not any("`handel40`" in m for m in messages)
        client.change(uri, MAIN)
        again = client.published(uri)
        assert again["version"] == 42
        assert [d["code"] for d in again["diagnostics"]] == ["FL104"]  # billing.later is still missing
        stale = [
            n
            for n in client.notifications
            if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri
        ]
        assert stale == []
    finally:
        client.close()


def test_neighbours_are_checked_again_only_when_what_they_see_changes(project):
    client = Client(project)
    try:
        main = client.open(project / "main.flow")
        (missing,) = client.diagnostics(main)
        assert missing["code"] == "FL104" and "`later`" in missing["message"]
        billing = client.open(project / "billing.flow")
        assert client.published(billing)["version"] == 1
        # A new text in a `say` changes nothing main.flow can see.
        client.change(billing, BILLING.replace('"Billing."', '"Billing, hello."'))
        assert client.published(billing)["version"] == 2
        # A new step does: main.flow's reference to it resolves.
        client.change(billing, BILLING + "\nstep later:\n    hangup\n")
        assert client.published(billing)["version"] == 3
        seen = [client.published(main)]
        while seen[-1]["diagnostics"]:
            seen.append(client.published(main))
        assert len(seen) == 1, "main.flow was checked again after an edit it cannot see"
    finally:
        client.close()


def test_a_megabyte_file_keeps_answering(tmp_path):
    steps = 6500
    text = big_flow(steps)
    assert len(text.encode()) > 900_000
    path = tmp_path / "big.flow"
    path.write_text(text, encoding="utf-8")
    client = Client(tmp_path)
    try:
        uri = client.open(path)
        # The steps loop for ever (every step leads to the next, the last to the first).
        assert [d["code"] for d in client.published(uri)["diagnostics"]] == ["FL203"]
        symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        assert len(symbols) == steps
        first = 2 + 5 * 3000  # the line of `step s3000:`
        assert symbols[3000]["name"] == "s3000"
        assert symbols[3000]["range"] == {
            "start": {"line": first, "character": 0},
            "end": {"line": first + 3, "character": 21},
        }
        assert symbols[3000]["selectionRange"] == {
            "start": {"line": first, "character": 5},
            "end": {"line": first + 0, "character": 10},
        }
        hover = client.at("textDocument/hover", uri, first + 3, 16)
        assert "Step `s3000` of flow `big`" in hover["contents"]["value"]
        # A keystroke in the middle: its version's diagnostics come.
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": first + 3, "character": 16},
                            "end": {"line": first + 3, "character": 16},
                        },
                        "text": "x",
                    }
                ],
            },
        )
        client.versions[uri] = 2
        found = client.published(uri)
        assert found["version"] == 2
        (missing,) = [d for d in found["diagnostics"] if d["code"] == "FL104"]  # -> xs3000: no such step
        assert "`xs3000`" in missing["message"]
        assert missing["range"] == {
            "start": {"line": first + 3, "character": 13},
            "end": {"line": first + 3, "character": 22},
        }
        # A long request does not hold up a short one sent after it.
        client.next_id += 2
        formatting, hover_id = client.next_id - 1, client.next_id
        client.send_all(
            [
                {
                    "jsonrpc": "2.0",
                    "id": formatting,
                    "method": "textDocument/formatting",
                    "params": {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
                },
                {
                    "jsonrpc": "2.0",
                    "id": hover_id,
                    "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 5}},
                },
            ]
        )
        assert client.answers([formatting, hover_id], first=hover_id) == [hover_id]
    finally:
        client.close()


# ---- the incremental parse --------------------------------------------------------------------


def _same(a, b) -> bool:
    return (a.flow, a.diagnostics, a.complete, a.skipped) == (b.flow, b.diagnostics, b.complete, b.skipped)


def test_an_edit_parses_only_the_step_it_falls_in():
    parser = IncrementalParser()
    text = big_flow(6500)
    parser.parse(SourceFile("big.flow", text))
    edited = text.replace("hear step 3000 again", "hear step 3000 once more")
    found = parser.parse(SourceFile("big.flow", edited))
    assert (parser.parsed, parser.reused) == (1, 6500)  # the header and 6,499 steps kept
    assert found.flow.steps[3000].verbs[0].body[0].text.value.endswith("once more.")
    # Lines added above move the steps below without parsing them again.
    moved = edited.replace("step s10:", "# a comment\n\nstep s10:")
    found = parser.parse(SourceFile("big.flow", moved))
    assert (parser.parsed, parser.reused) == (1, 6500)
    assert found.flow.steps[6000].span.line == 2 + 5 * 6000 + 1 + 2


_EDITS = (
    lambda t, r: t.replace('"Press 1', '"Press 2', 1),
    lambda t, r: t.replace("step s3:", "\n\nstep s3:"),
    lambda t, r: t.replace("    redirect -> s2\n", ""),
    lambda t, r: t.replace("-> s5", "-> s55"),
    lambda t, r: t.replace("timeout 5s", "timeout 5", 1),  # a duration without its unit
    lambda t, r: t.replace("step s4:", "step s4"),  # a syntax error
    lambda t, r: t.replace("step s6:", "step s1:"),  # a duplicate step
    lambda t, r: t.replace('again."', 'again\\q."', 1),  # an unknown escape
    lambda t, r: t.replace("    redirect -> s7", "\tredirect -> s7"),  # tabs and spaces
    lambda t, r: t.replace("flow big\n", "flow big\n    context cleanup\n    context cleanup\n"),
    lambda t, r: t.replace("flow big\n", ""),
    lambda t, r: t + "step tail:\n    hangup\n",
    lambda t, r: t.replace("\n", "\r\n"),
    lambda t, r: t[: r.randrange(len(t))],
)


@pytest.mark.parametrize("seed", range(6))
def test_the_incremental_parse_is_the_whole_parse(seed):
    rng = random.Random(seed)
    parser = IncrementalParser()
    text = big_flow(12)
    for _ in range(25):
        edit = rng.choice(_EDITS)
        text = edit(text, rng)
        source = SourceFile("f.flow", text)
        assert _same(parser.parse(source), parse_recovering(source)), text


def test_pieces_cut_at_each_unindented_step_line():
    text = "flow a\n\nstep one:\n    hangup\n# step two: not a step line\nstep two:\n    hangup\n"
    assert pieces(text) == [
        (0, "flow a\n\n"),
        (2, "step one:\n    hangup\n# step two: not a step line\n"),
        (5, "step two:\n    hangup\n"),
    ]
    assert pieces("step one:\n    hangup\n")[0] == (0, "")


def test_edits_apply_where_they_fall_in_runs_on_one_line_and_anywhere_else():
    """An open document finds an edit's line from the line of the edit before
    it when it can: the text after any sequence of edits is the one applied
    by splitting the text into lines each time."""
    pytest.importorskip("pygls")
    from lsprotocol import types as lsp

    from flowc.lsp import _Document

    rng = random.Random(7)
    text = "".join(f"step s{i}:\n    say \"é {i}\"\n\n" for i in range(60))
    doc = _Document("file:///tmp/edits.flow", source=text, version=1)
    for _ in range(400):
        lines = text.split("\n")
        line = rng.randrange(len(lines)) if rng.random() < 0.3 else min(len(lines) - 1, 40)
        col = rng.randrange(len(lines[line]) + 1)
        end_line = min(len(lines) - 1, line + rng.choice((0, 0, 0, 1, 2)))
        end_col = rng.randrange(len(lines[end_line]) + 1) if end_line != line else col + rng.randrange(
            len(lines[line]) - col + 1
        )
        new = rng.choice(("x", "", "\n", "ab\ncd", "é"))
        start = sum(len(s) + 1 for s in lines[:line]) + col
        end = sum(len(s) + 1 for s in lines[:end_line]) + end_col
        text = text[:start] + new + text[max(start, end):]
        units = [len(lines[line][:col].encode("utf-16-le")) // 2, len(lines[end_line][:end_col].encode("utf-16-le")) // 2]
        doc.apply_change(
            lsp.TextDocumentContentChangePartial(
                range=lsp.Range(
                    start=lsp.Position(line=line, character=units[0]),
                    end=lsp.Position(line=end_line, character=units[1]),
                ),
                text=new,
            )
        )
        assert doc.source == text
