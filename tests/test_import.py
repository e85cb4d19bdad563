"""`flowc import`: TwiML Voice documents become flows that build them again.

The round trip (import, then build) must give back every document, equal as
XML: for documents twilio-python's ``VoiceResponse`` builds from everything
the vocabulary covers (a property test), for Twilio's documented examples of
each verb, and for the example flows built by ``flowc build``. Bad input is
reported with its line, exit status 1, and nothing written; documents with a
DTD (billion laughs, external entities) are refused.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from twilio.twiml import TwiML, voice_response

from flowc import ir, vocabulary
from flowc.backends.twiml import render_flow
from flowc.checks.nesting import IN_GATHER
from flowc.cli import cli
from flowc.formatter import format_text
from flowc.importer import canonical, import_paths
from flowc.source import SourceFile
from flowc.syntax import parse
from flowc.vocabulary import Shape

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _c14n(el: etree._Element) -> bytes:
    """Canonical XML (C14N 2.0) with the whitespace between elements removed."""
    el = etree.fromstring(etree.tostring(el))
    for node in el.iter():
        if len(node):
            if node.text is not None and not node.text.strip():
                node.text = None
            for child in node:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None
    return etree.tostring(el, method="c14n2", with_comments=False)


def _import_one(document: bytes, name: str = "doc"):
    result = import_paths(["-"], name=name, stdin=document)
    return result


def _built(text: str, name: str) -> dict[str, bytes]:
    flow, problems = parse(SourceFile(f"{name}.flow", text))
    assert flow is not None and not problems, problems
    return render_flow(flow)


def _assert_round_trip(document: bytes) -> str:
    """Import ``document``; the flow must be canonical and build the same XML."""
    result = _import_one(document)
    assert result.ok, [d.message for d in result.diagnostics]
    assert not result.diagnostics
    (flow,) = result.flows
    assert format_text(flow.text, "doc.flow")[0] == flow.text, "not in the canonical layout"
    built = _built(flow.text, flow.name)
    assert list(built) == ["main.xml"]
    original, again = _tree(document), _tree(built["main.xml"])
    assert canonical(again) == canonical(original)
    assert _c14n(again) == _c14n(original)
    return flow.text


# ---- one document ---------------------------------------------------------------------------


def test_a_document_becomes_a_flow_of_one_step_main_named_after_the_file(tmp_path):
    doc = tmp_path / "my-greeting.v2.xml"
    doc.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Say voice="alice">Hello</Say>\n'
        '  <Record maxLength="20" finishOnKey="*" action="https://example.com/done" method="POST"/>\n'
        "</Response>\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke(cli, ["import", str(doc)])
    assert run.exit_code == 0, run.output
    assert run.stdout == textwrap.dedent(
        """\
        flow my_greeting_v2

        step main:
            say "Hello" voice alice
            record max 20s finish "*" -> POST https://example.com/done
        """
    )


def test_stdin_takes_its_name_from_the_name_option():
    run = CliRunner().invoke(cli, ["import", "-", "--name", "ivr"], input=b"<Response><Hangup/></Response>")
    assert run.exit_code == 0, run.output
    assert run.stdout == "flow ivr\n\nstep main:\n    hangup\n"
    plain = CliRunner().invoke(cli, ["import", "-"], input=b"<Response><Hangup/></Response>")
    assert plain.stdout.startswith("flow imported\n")


def test_every_option_of_the_vocabulary_is_read_back():
    document = b"""<Response>
  <!-- the greeting -->
  <Say voice="Polly.Joanna" language="en-GB" loop="0">Tom &amp; "Jerry"\\n</Say>
  <Play loop="2">https://example.com/a.mp3</Play>
  <Play digits="ww12#"/>
  <Pause length="3600"/>
  <Gather numDigits="4" timeout="7" finishOnKey="" input="dtmf speech" speechTimeout="auto"
          hints="one, two" language="fr-FR" profanityFilter="false" action="/choice" method="GET">
    <Say>Enter your code</Say>
    <Pause/>
  </Gather>
  <Gather speechTimeout="90"/>
  <Record maxLength="3599" timeout="0" finishOnKey="#*" playBeep="true" trim="do-not-trim"
          transcribe="true" transcribeCallback="/t" recordingStatusCallback="https://e.example/s"
          recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed absent"
          action="next.php"/>
  <Dial timeout="20" timeLimit="61" callerId="+15550001111" action="/dialled">+15558675310</Dial>
  <Redirect method="POST">../next</Redirect>
  <Reject reason="busy"/>
  <Hangup/>
</Response>"""
    text = _assert_round_trip(document)
    assert "    # the greeting\n" in text
    assert 'say "Tom & \\"Jerry\\"\\\\n" voice Polly.Joanna language en-GB loop 0' in text
    assert "pause 1h" in text
    assert 'gather digits 4 timeout 7s finish "" input dtmf speech speech-timeout auto' in text
    assert "speech-timeout 1m30s" in text
    assert "record max 59m59s timeout off" in text
    assert "status GET https://e.example/s on in-progress completed absent" in text
    assert 'record max 59m59s timeout off finish "#*" beep no trim transcribe /t' in text
    assert 'redirect -> POST "../next"' in text


def test_text_with_newlines_and_spaces_is_kept_exactly():
    text = _assert_round_trip(b"<Response><Say>\n    Please leave a message. \n  </Say></Response>")
    assert 'say "\\n    Please leave a message. \\n  "' in text


def test_a_long_duration_declares_the_call_duration_it_needs():
    text = _assert_round_trip(b'<Response><Record maxLength="18000"/></Response>')
    assert text.startswith("flow doc\n    max-call-duration 5h\n")


# ---- what cannot be imported ------------------------------------------------------------------


BAD = {
    "not XML": ("<Response>\n  <Say>Hi\n</Response>\n", "FL030", 3),
    "not XML at all": ("hello\n", "FL030", 1),
    "a root other than Response": ('<?xml version="1.0"?>\n<Say>Hi</Say>\n', "FL032", 2),
    "a namespaced Response": ('<Response xmlns="urn:x">\n<Say>Hi</Say></Response>', "FL032", 1),
    "an unknown element": ("<Response>\n  <Say>Hi</Say>\n  <Sya>Hi</Sya>\n</Response>", "FL033", 3),
    "an element in lower case": ("<Response>\n\n  <say>Hi</say>\n</Response>", "FL033", 3),
    "an unknown attribute": ('<Response>\n  <Record\n    maxlength="20"/>\n</Response>', "FL034", 3),
    "text in Response": ("<Response>\n  <Hangup/>\n  Goodbye\n</Response>", "FL035", 3),
    "text in Gather": ("<Response>\n  <Gather>Press 1</Gather>\n</Response>", "FL035", 2),
    "text beside a child": ("<Response>\n<Gather><Say>x</Say>\n tail</Gather></Response>", "FL035", 3),
    "a fraction of a second": ('<Response>\n  <Pause length="1.5"/>\n</Response>', "FL036", 2),
    "a negative number": ('<Response>\n  <Say loop="-1">x</Say>\n</Response>', "FL036", 2),
    "a switch in capitals": ('<Response>\n  <Record playBeep="True"/>\n</Response>', "FL036", 2),
    "a method in lower case": ('<Response>\n<Record action="/a" method="post"/>\n</Response>', "FL036", 2),
    "a method without action": ('<Response>\n  <Gather method="GET"/>\n</Response>', "FL036", 2),
    "a callback method without its URL": (
        '<Response>\n  <Record recordingStatusCallbackMethod="GET"/>\n</Response>',
        "FL036",
        2,
    ),
    "transcribe off": ('<Response>\n  <Record transcribe="false"/>\n</Response>', "FL036", 2),
    "an event that is not a word": (
        '<Response>\n<Record recordingStatusCallback="/s" recordingStatusCallbackEvent="a  b"/></Response>',
        "FL036",
        2,
    ),
    "a Play with no URL": ("<Response>\n  <Say>x</Say>\n  <Play/>\n</Response>", "FL036", 3),
    "a Play with a URL and digits": ('<Response>\n  <Play digits="1">a.mp3</Play>\n</Response>', "FL036", 2),
    "a Redirect with no URL": ("<Response>\n  <Redirect/>\n</Response>", "FL036", 2),
    "a reason that is not a word": ('<Response>\n  <Reject reason="no way"/>\n</Response>', "FL036", 2),
    "an empty Response": ("<Response>\n</Response>", "FL036", 1),
    "a processing instruction": ("<Response>\n<?php echo 1 ?><Hangup/></Response>", "FL033", 2),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_reported_at_its_line_and_nothing_is_written(case, tmp_path):
    text, code, line = BAD[case]
    doc = tmp_path / "in" / "bad.xml"
    doc.parent.mkdir()
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["import", str(doc), "-o", str(out)])
    assert run.exit_code == 1, run.output
    assert f"{doc}:{line}:" in run.stderr and f"error[{code}]" in run.stderr, run.stderr
    assert "nothing written" in run.stderr
    assert not out.exists()
    result = import_paths([str(doc)])
    assert not result.ok and not result.flows
    assert [(d.code, d.span.line) for d in result.diagnostics][:1] == [(code, line)]


def test_the_messages_say_what_is_wrong():
    def message(document: str) -> str:
        result = import_paths(["-"], stdin=document.encode())
        return "\n".join(f"{d.message} | {d.hint}" for d in result.diagnostics)

    assert "did you mean `maxLength`?" in message('<Response><Record maxlength="2"/></Response>')
    assert "did you mean <Say>?" in message("<Response><say>x</say></Response>")
    assert 'playBeep="yes" is neither "true" nor "false"' in message(
        '<Response><Record playBeep="yes"/></Response>'
    )
    assert 'timeout="5.5" is not a whole number of seconds' in message(
        '<Response><Record timeout="5.5"/></Response>'
    )
    assert "cannot be written without recordingStatusCallback" in message(
        '<Response><Record recordingStatusCallbackEvent="completed"/></Response>'
    )


def test_columns_point_at_the_element_even_with_several_on_a_line():
    result = import_paths(["-"], stdin=b'<Response><Say>a</Say><Record foo="1"/></Response>')
    (d,) = result.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("FL034", 1, 31)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Response><Say>&lol9;</Say></Response>
"""


def test_a_billion_laughs_document_is_refused(tmp_path):
    doc = tmp_path / "laughs.xml"
    doc.write_text(BILLION_LAUGHS, encoding="utf-8")
    run = CliRunner().invoke(cli, ["import", str(doc), "-o", str(tmp_path / "out")])
    assert run.exit_code == 1
    assert f"{doc}:2:1: error[FL031]" in run.stderr
    assert not (tmp_path / "out").exists()
    assert "lollol" not in run.output


@pytest.mark.parametrize("form", ["SYSTEM", "PUBLIC"])
def test_an_external_entity_is_refused_and_never_read(tmp_path, form):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    ident = f'SYSTEM "file://{secret}"' if form == "SYSTEM" else f'PUBLIC "-//x//y" "file://{secret}"'
    doc = tmp_path / "xxe.xml"
    doc.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE Response [\n<!ENTITY x {ident}>\n]>\n'
        "<Response><Say>&x;</Say></Response>\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke(cli, ["import", str(doc)])
    assert run.exit_code == 1
    assert "error[FL031]" in run.stderr
    assert "TOPSECRET" not in run.output


def test_an_undeclared_entity_is_not_xml():
    result = import_paths(["-"], stdin=b"<Response><Say>&x;</Say></Response>")
    assert [d.code for d in result.diagnostics] == ["FL030"]


# ---- directories ----------------------------------------------------------------------------------


def _build(paths: list[str], out: Path) -> None:
    run = CliRunner().invoke(cli, ["build", *paths, "-o", str(out)])
    assert run.exit_code == 0, run.output


def test_the_example_flows_come_back_from_their_build(tmp_path):
    """flows/*.flow → flowc build → flowc import → flowc build gives the same files."""
    first, imported, second = tmp_path / "first", tmp_path / "imported", tmp_path / "second"
    sources = sorted(str(p) for p in FLOWS.glob("*.flow"))
    _build(sources, first)
    run = CliRunner().invoke(cli, ["import", str(first), "-o", str(imported)])
    assert run.exit_code == 0, run.output
    names = sorted(p.name for p in imported.iterdir())
    assert names == sorted(Path(p).name for p in sources)
    check = CliRunner().invoke(cli, ["fmt", "--check", str(imported)])
    assert check.exit_code == 0, check.output
    _build(sorted(str(p) for p in imported.glob("*.flow")), second)
    built = sorted(p.relative_to(first) for p in first.rglob("*.xml"))
    assert built == sorted(p.relative_to(second) for p in second.rglob("*.xml"))
    for rel in built:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    # the steps keep their names, and the links are step references again
    for source in sources:
        original, _ = parse(SourceFile(source, Path(source).read_text(encoding="utf-8")))
        again, _ = parse(SourceFile("x", (imported / Path(source).name).read_text(encoding="utf-8")))
        assert original is not None and again is not None
        assert [s.name for s in again.steps] == [s.name for s in original.steps]
        if original.settings.base_url is not None and again.settings.base_url is None:
            # a base URL no document of the flow shows (no link to its own steps) cannot be read back
            base = original.settings.base_url.text
            documents = list((first / original.name).glob("*.xml"))
            assert documents and not any(base in p.read_text() for p in documents), source
        else:
            assert again.settings.base_url == original.settings.base_url or (
                again.settings.base_url.text == original.settings.base_url.text  # type: ignore[union-attr]
            )
        kinds = [t.kind for s in again.steps for v in ir.walk(s.verbs) for t in ir.targets(v)]
        assert kinds == [t.kind for s in original.steps for v in ir.walk(s.verbs) for t in ir.targets(v)]


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_folder_of_documents_that_link_to_each_other_becomes_one_flow(tmp_path):
    _write(
        tmp_path / "bins" / "support line",
        {
            "thanks.xml": "<Response><Say>Bye</Say><Hangup/></Response>",
            "welcome.xml": '<Response><Gather numDigits="1" action="menu.xml" method="GET">'
            '<Say>Hi</Say></Gather><Redirect method="GET">welcome.xml</Redirect></Response>',
            "menu.xml": '<Response><Record action="thanks.xml" method="POST"/></Response>',
            "notes.txt": "not TwiML",
        },
    )
    run = CliRunner().invoke(cli, ["import", str(tmp_path / "bins")])
    assert run.exit_code == 0, run.output
    assert run.stdout == textwrap.dedent(
        """\
        flow support_line

        step welcome:
            gather digits 1 -> menu:
                say "Hi"
            redirect -> welcome

        step menu:
            record -> POST thanks

        step thanks:
            say "Bye"
            hangup
        """
    )


def test_a_link_without_a_method_stays_a_url(tmp_path):
    """A step reference is fetched with GET; Twilio fetches a URL without a
    method with POST, so only a written method makes the link a reference."""
    _write(
        tmp_path / "f",
        {
            "start.xml": "<Response><Redirect>next.xml</Redirect></Response>",
            "next.xml": "<Response><Hangup/></Response>",
        },
    )
    run = CliRunner().invoke(cli, ["import", str(tmp_path / "f")])
    assert run.exit_code == 0, run.output
    assert 'redirect -> "next.xml"' in run.stdout


def test_links_between_flows_become_flow_step_references(tmp_path):
    _write(
        tmp_path / "site",
        {
            "main/start.xml": '<Response><Redirect method="GET">../billing/start.xml</Redirect></Response>',
            "billing/start.xml": "<Response><Hangup/></Response>",
        },
    )
    out = tmp_path / "flows"
    run = CliRunner().invoke(cli, ["import", str(tmp_path / "site"), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert "redirect -> billing.start" in (out / "main.flow").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["billing.flow", "main.flow"]


def test_several_flows_need_an_output_directory(tmp_path):
    _write(tmp_path, {"a.xml": "<Response><Hangup/></Response>", "b.xml": "<Response><Hangup/></Response>"})
    run = CliRunner().invoke(cli, ["import", str(tmp_path / "a.xml"), str(tmp_path / "b.xml")])
    assert run.exit_code == 2
    assert "-o DIR" in run.output


def test_a_directory_without_documents_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    run = CliRunner().invoke(cli, ["import", str(tmp_path)])
    assert run.exit_code == 2
    assert f"no .xml or .twiml documents under {tmp_path}" in run.output


def test_two_documents_that_would_be_one_step_are_refused(tmp_path):
    _write(
        tmp_path / "f",
        {
            "thank-you.xml": "<Response><Hangup/></Response>",
            "thank_you.twiml": "<Response><Hangup/></Response>",
        },
    )
    result = import_paths([str(tmp_path / "f")])
    assert [d.code for d in result.diagnostics] == ["FL037"]
    assert "`thank_you`" in result.diagnostics[0].message


def test_an_existing_flow_file_is_never_overwritten_and_nothing_is_written(tmp_path):
    _write(
        tmp_path / "in",
        {"a.xml": "<Response><Hangup/></Response>", "b.xml": "<Response><Hangup/></Response>"},
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.flow").write_text("mine\n", encoding="utf-8")
    run = CliRunner().invoke(
        cli, ["import", str(tmp_path / "in" / "a.xml"), str(tmp_path / "in" / "b.xml"), "-o", str(out)]
    )
    assert run.exit_code == 2
    assert "refusing to overwrite" in run.output
    assert sorted(os.listdir(out)) == ["b.flow"]
    assert (out / "b.flow").read_text(encoding="utf-8") == "mine\n"


def test_written_flows_pass_fmt_check_and_build(tmp_path):
    _write(tmp_path / "in", {"hello.xml": '<Response><Say loop="2">Hi</Say></Response>'})
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["import", str(tmp_path / "in" / "hello.xml"), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert f"wrote {out / 'hello.flow'} (1 document)" in run.stderr
    assert CliRunner().invoke(cli, ["fmt", "--check", str(out)]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", str(out)]).exit_code == 0


def test_what_flowc_check_finds_in_the_imported_flow_is_printed(tmp_path):
    document = b"<Response><Record/><Say>never</Say></Response>"
    run = CliRunner().invoke(cli, ["import", "-", "--name", "box", "-o", str(tmp_path)], input=document)
    assert run.exit_code == 0, run.output
    assert "problems in the imported flows" in run.stderr
    assert f"{tmp_path / 'box.flow'}:4:5: warning[FL202]" in run.stderr
    assert f"{tmp_path / 'box.flow'}:5:5: warning[FL201]" in run.stderr
    clean = CliRunner().invoke(cli, ["import", "-"], input=b"<Response><Hangup/></Response>")
    assert clean.stderr == ""


def test_diagnostics_in_json_go_to_stdout_and_need_an_output_directory(tmp_path):
    doc = tmp_path / "bad.xml"
    doc.write_text('<Response>\n  <Pause length="1.5"/>\n</Response>\n', encoding="utf-8")
    run = CliRunner().invoke(cli, ["import", str(doc), "-o", str(tmp_path / "out"), "--format", "json"])
    assert run.exit_code == 1
    (found,) = json.loads(run.stdout)
    assert (found["code"], found["line"], found["column"]) == ("FL036", 2, 10)
    assert not (tmp_path / "out").exists()
    good = tmp_path / "good.xml"
    good.write_text("<Response><Record/></Response>", encoding="utf-8")
    run = CliRunner().invoke(cli, ["import", str(good), "-o", str(tmp_path / "out"), "--format", "json"])
    assert run.exit_code == 0
    assert [d["code"] for d in json.loads(run.stdout)] == ["FL202"]
    assert (tmp_path / "out" / "good.flow").exists()
    assert CliRunner().invoke(cli, ["import", str(good), "--format", "json"]).exit_code == 2


def test_help_explains_the_command():
    run = CliRunner().invoke(cli, ["import", "--help"])
    assert run.exit_code == 0
    for words in ("TwiML", "step `main`", "directory", "-o", "DOCTYPE", "equal as XML", "--name"):
        assert words in run.output


# ---- Twilio's documented examples ----------------------------------------------------------------

# The TwiML of the examples in Twilio's <Say>, <Play>, <Pause>, <Record>,
# <Gather>, <Redirect>, <Hangup>, <Reject> and <Dial> docs, as published in
# github.com/TwilioDevEd/api-snippets (twiml/voice/<verb>/<example>/output/).
# Each one either comes back exactly, or, while the language lacks one of its
# elements or attributes, is refused with a message that names it.
EXAMPLES = {
    "say-1": '<Response><Say voice="woman" language="fr-FR">Chapeau!</Say></Response>',
    "say-2": '<Response><Say voice="alice" language="fr-FR">Chapeau!</Say></Response>',
    "say-3": '<Response><Say language="sv-SE">Hej!</Say></Response>',
    "say-4": "<Response>\n     <Say>Hello World</Say>\n</Response>",
    "say-5": '<Response><Say voice="alice" language="pt-BR" loop="2">Bom dia.</Say></Response>',
    "say-loop": '<Response><Say loop="2">Hello!</Say></Response>',
    "say-voice": '<Response><Say voice="Polly.Mathieu" language="fr-FR">Bonjour! Je m\'appelle Mathieu.</Say></Response>',
    "say-language": '<Response><Say language="fr-FR">Bonjour!</Say></Response>',
    "play-1": '<Response><Play loop="10">https://api.twilio.com/cowbell.mp3</Play></Response>',
    "play-2": "<Response><Play>https://api.twilio.com/cowbell.mp3</Play></Response>",
    "play-3": '<Response><Play digits="wwww3"></Play></Response>',
    "pause-1": "<Response><Say>I will pause 10 seconds starting now!</Say>"
    '<Pause length="10"/><Say>I just paused 10 seconds</Say></Response>',
    "pause-2": '<Response><Pause length="5"/><Say>Hi there.</Say></Response>',
    "record-1": '<Response><Record timeout="10" transcribe="true" /></Response>',
    "record-2": "<!-- page located at http://example.com/simple_record.xml -->\n<Response>  \n    <Record/>  \n</Response>",
    "record-3": "<Response>\n    <Say>\n        Please leave a message at the beep. \n"
    "        Press the star key when finished. \n    </Say>\n    <Record \n"
    '        action="http://foo.edu/handleRecording.php"\n        method="GET" \n'
    '        maxLength="20"\n        finishOnKey="*"\n        />\n'
    "    <Say>I did not receive a recording</Say>\n</Response>",
    "record-4": '<Response><Record transcribe="true" transcribeCallback="/handle_transcribe.php"/></Response>',
    "gather-1": '<Response><Gather input="speech dtmf" timeout="3" numDigits="1">'
    "<Say>Please press 1 or say sales for sales.</Say></Gather></Response>",
    "gather-2": "<Response><Gather/></Response>",
    "gather-3": '<Response>\n    <Gather action="/process_gather.php" method="GET">\n        <Say>\n'
    "            Please enter your account number,\n            followed by the pound sign\n"
    "        </Say>\n    </Gather>\n    <Say>We didn't receive any input. Goodbye!</Say>\n</Response>",
    "gather-4": '<Response><Gather input="speech" action="/completed">'
    "<Say>Welcome to Twilio, please tell us why you're calling</Say></Gather></Response>",
    "redirect-1": '<Response><Redirect method="POST">http://pigeons.com/twiml.xml</Redirect></Response>',
    "redirect-2": "<Response><Dial>415-123-4567</Dial><Redirect>http://www.foo.com/nextInstructions</Redirect></Response>",
    "redirect-3": "<Response><Redirect>../nextInstructions</Redirect></Response>",
    "hangup-1": "<Response><Hangup/></Response>",
    "reject-1": "<Response><Reject /></Response>",
    "reject-2": '<Response><Reject reason="busy" /></Response>',
    "dial-1": "<Response><Dial><Number>415-123-4567</Number></Dial></Response>",
    "dial-2": "<Response><Dial>415-123-4567</Dial><Say>Goodbye</Say></Response>",
    "dial-3": '<Response>\n    <Dial action="/handleDialCallStatus.php" method="GET">\n        415-123-4567\n'
    "    </Dial>\n    <Say>I am unreachable</Say>\n</Response>",
    "dial-4": '<Response><Dial callerId="+15551112222"><Number>+15558675310</Number></Dial></Response>',
    "dial-5": '<Response><Dial record="record-from-ringing-dual" recordingStatusCallback="www.myexample.com">'
    "<Number>+15558675310</Number></Dial></Response>",
    "dial-6": '<Response><Dial record="record-from-ringing-dual" recordingStatusCallback="www.myexample.com">'
    "<Conference>myteamroom</Conference></Dial></Response>",
    "dial-7": '<Response><Dial record="record-from-answer" recordingTrack="inbound" '
    'recordingStatusCallback="https://www.myexample.com/recording-handler">'
    "<Number>+15551239876</Number></Dial></Response>",
    "dial-8": '<Response><Dial referUrl="https://example.com/handler"><Sip>'
    "sip:AgentA@xyz.sip.us1.twilio.com?User-to-User=123456789%3Bencoding%3Dhex&amp;X-Name=Agent%2C+A"
    "</Sip></Dial></Response>",
    "dial-9": '<Response><Dial answerOnBridge="true" referUrl="https://example.com/handler"><Sip>'
    "sip:AgentA@xyz.sip.us1.twilio.com?User-to-User=123456789%3Bencoding%3Dhex&amp;X-Name=Agent%2C+A"
    "</Sip></Dial></Response>",
    "number-1": '<Response><Dial><Number sendDigits="wwww1928">\n            415-123-4567\n'
    "        </Number></Dial></Response>",
    "enqueue-1": '<Response><Enqueue waitUrl="wait-music.xml">support</Enqueue></Response>',
    "leave-1": '<Response><Enqueue waitUrl="wait.xml">support</Enqueue>'
    "<Say>Unfortunately, the support line has closed. Please call again tomorrow.</Say></Response>",
    "leave-3": "<Response>\n     <Leave />\n</Response>",
    "connect-stream": "<Response>\n   <Connect>\n"
    '       <Stream url="wss://mystream.ngrok.io/audiostream" />\n   </Connect>\n</Response>',
    "pay-charge-connector": '<Response><Pay chargeAmount="10.00" paymentConnector="My_Payment_Connector" '
    'action="https://your-callback-function-url.com/pay" /></Response>',
    "refer-1": "<Response><Refer><Sip>sip:alice@example.com</Sip></Refer></Response>",
    "sms-1": '<Response><Sms from="+14105551234" to="+14105556789">The king stay the king.</Sms></Response>',
    "stream-1": '<Response><Start><Stream name="Example Audio Stream" '
    'url="wss://mystream.ngrok.io/audiostream" /></Start></Response>',
    "stream-2": '<Response><Start><Stream url="wss://mystream.ngrok.io/example">'
    '<Parameter name="FirstName" value="Jane" /><Parameter name="LastName" value="Doe" />'
    "</Stream></Start></Response>",
    "stream-stop": '<Response><Stop><Stream name="Example Audio Stream" /></Stop></Response>',
    "echo": "<Response><Echo/></Response>",
}


def _covered(document: bytes) -> bool:
    """Whether every element and attribute of the document is in the vocabulary."""
    for el in _tree(document).iter():
        if not isinstance(el.tag, str) or el.tag == "Response":
            continue
        verb = vocabulary.BY_ELEMENT.get(el.tag)
        if verb is None:
            return False
        known = {a for _, a, _ in verb.attributes} | ({"action", "method"} if verb.arrow else set())
        if not set(el.attrib) <= known:
            return False
    return True


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_twilios_documented_examples(name):
    document = ('<?xml version="1.0" encoding="UTF-8"?>\n' + EXAMPLES[name]).encode()
    if _covered(document):
        _assert_round_trip(document)
    else:
        result = _import_one(document)
        assert not result.ok and not result.flows
        assert {d.code for d in result.diagnostics} <= {"FL033", "FL034", "FL035"}, result.diagnostics


def test_every_verb_has_a_documented_example_that_comes_back():
    back = set()
    for document in EXAMPLES.values():
        if _covered(document.encode()):
            back |= {el.tag for el in _tree(document.encode()).iter() if isinstance(el.tag, str)}
    assert {v.element for v in vocabulary.ELEMENTS if not getattr(v, "noun", False)} <= back


# ---- the property: documents built by twilio-python ---------------------------------------------

_URL = st.one_of(
    st.from_regex(r"https://example\.com/[a-z0-9_./-]{0,12}", fullmatch=True),
    st.from_regex(r"/[a-z0-9_./-]{0,12}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9_.-]{0,8}\.xml", fullmatch=True),
)
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n"),
    max_size=20,
)
_WORD = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,8}", fullmatch=True)
_METHOD = st.sampled_from(["GET", "POST"])
_MEASURE = st.from_regex(r"[+-]?[0-9]{1,4}(\.[0-9])?(ms|s|%|dB)", fullmatch=True)  # SSML: `500ms`, `-6dB`


def _words(choices: tuple[str, ...]):
    if choices:
        return st.lists(st.sampled_from(choices), min_size=1, unique=True).map(" ".join)
    return st.lists(_WORD, min_size=1, max_size=3).map(" ".join)


def _scalar(option: vocabulary.Option):
    shape = option.shape
    if shape in (Shape.DURATION, Shape.DURATION_OR_OFF):
        return st.integers(0, 90000).map(str)
    if shape is Shape.DURATION_OR_AUTO:
        return st.one_of(st.integers(0, 90000).map(str), st.just("auto"))
    if shape is Shape.NUMBER:
        return st.integers(0, 10**9).map(str)
    if shape is Shape.TEXT:
        return st.one_of(_WORD, _TEXT)
    if shape.value == "word":
        return st.sampled_from(option.values) if option.values else _WORD
    if shape is Shape.MEASURE:
        return st.one_of(_MEASURE, _WORD)
    return _TEXT


@st.composite
def _option_attributes(draw, option: vocabulary.Option) -> dict[str, str]:
    """The attributes one option writes, as TwiML would have them: by the
    kind of each attribute the vocabulary gives it. A switch with a URL is
    on; a callback's method and events come with its URL."""
    rows = {kind: attribute for _, attribute, kind in option.attributes}
    if not draw(st.booleans()):
        return {}
    found = {}
    if "switch" in rows:
        on = option.shape is Shape.SWITCH_URL
        found[rows["switch"]] = option.switch_values[0] if on else draw(st.sampled_from(option.switch_values))
    if "url" in rows and ("switch" not in rows or draw(st.booleans())):
        found[rows["url"]] = draw(_URL)
    if "method" in rows and draw(st.booleans()):
        found[rows["method"]] = draw(_METHOD)
    if "words" in rows and ("url" not in rows or draw(st.booleans())):
        found[rows["words"]] = draw(_words(option.values or option.events))
    if "value" in rows:
        found[rows["value"]] = draw(_scalar(option))
    return found


def _value(verb: vocabulary.Verb, value: vocabulary.Value):
    if value.choices:
        return st.sampled_from(value.choices)
    shape = getattr(value, "shape", None)
    kind = shape.value if shape is not None else ""
    if shape is None:
        hint = str(ir.verb_classes()[verb.name].__annotations__[value.field])
        kind = "url" if "Target" in hint else "duration" if "Duration" in hint else ""
    if kind == "url":
        return _URL
    if kind in ("duration", "number"):
        return st.integers(0, 90000).map(str)
    if kind == "word":
        return _WORD
    if kind == "measure":
        return _MEASURE
    return _TEXT


def _children(verb: vocabulary.Verb) -> list[vocabulary.Verb]:
    """The entries the verb's block may hold."""
    if hasattr(verb, "children"):
        return [vocabulary.verb(name) for name in verb.children]
    if ir.verb_classes()[verb.name] is ir.Gather:
        return [v for v in vocabulary.ELEMENTS if ir.verb_classes()[v.name] in IN_GATHER]
    return []


def _twiml(element: str, content: str | None, attributes: dict[str, str]):
    """A twilio-python element: its own class (`Say`, `Redirect`), or the
    base class named after the element when twilio-python has no class of
    that name. The text is set as the builder's constructors set it."""
    cls = getattr(voice_response, element, None)
    if not (isinstance(cls, type) and issubclass(cls, TwiML)):
        cls = TwiML
    required = [
        p
        for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
    ]
    node = cls(*[None] * len(required), **attributes)
    node.name = element
    node.value = content
    return node


@st.composite
def _element(draw, verb: vocabulary.Verb, depth: int = 0):
    attributes: dict[str, str] = {}
    content = None
    if getattr(verb, "generated", False):  # every value it requires, and some of the others
        chosen = [v for v in verb.values if not getattr(v, "optional", False) or draw(st.booleans())]
    else:  # the verbs written by hand take one of their values (`play URL` or `play digits`)
        chosen = [draw(st.sampled_from(verb.values))] if verb.values else []
    for value in chosen:
        raw = draw(_value(verb, value))
        if value.attribute is None:
            content = raw
        else:
            attributes[value.attribute] = raw
    for option in verb.options:
        attributes.update(draw(_option_attributes(option)))
    if verb.arrow is not None:
        if verb.arrow.fields[0] == "content":
            content = draw(_URL)
            if draw(st.booleans()):
                attributes["method"] = draw(_METHOD)
        elif draw(st.booleans()):
            attributes["action"] = draw(_URL)
            if verb.arrow.method and draw(st.booleans()):  # `<Pay>` has no method: always POST
                attributes["method"] = draw(_METHOD)
    assert verb.element is not None
    node = _twiml(verb.element, content, attributes)
    inside = _children(verb) if depth < 2 else []
    if inside and getattr(verb, "text", False):  # `<Say>` and SSML: text between the elements
        items = st.one_of(st.sampled_from(inside).flatmap(lambda v: _element(v, depth + 1)), _TEXT)
        for child in draw(st.lists(items, max_size=4)):
            node.append(child)
    elif inside and content is None:
        for child in draw(
            st.lists(st.sampled_from(inside).flatmap(lambda v: _element(v, depth + 1)), max_size=3)
        ):
            node.append(child)
    return node


@st.composite
def _documents(draw) -> bytes:
    response = voice_response.VoiceResponse()
    verbs = [v for v in vocabulary.ELEMENTS if not getattr(v, "noun", False)]
    for element in draw(st.lists(st.sampled_from(verbs).flatmap(_element), min_size=1, max_size=5)):
        response.append(element)
    return response.to_xml().encode("utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_importing_then_building_gives_back_documents_built_by_twilio_python(document):
    _assert_round_trip(document)


@pytest.mark.parametrize("verb", list(vocabulary.BY_ELEMENT.values()), ids=list(vocabulary.BY_ELEMENT))
def test_the_property_covers_every_attribute_of_the_vocabulary(verb):
    """The generator above writes every attribute of every element the
    vocabulary has, so the property covers what the vocabulary grows by."""
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(_element(verb, depth=2))  # no children: only its own attributes are counted
    def collect(node):
        # lxml names `xml:lang` by its namespace
        seen.update(
            a.replace("{http://www.w3.org/XML/1998/namespace}", "xml:")
            for a in _tree(node.to_xml().encode()).attrib
        )

    collect()
    expected = {a for _, a, _ in verb.attributes} | ({"action", "method"} if verb.arrow else set())
    if verb.arrow is not None and not verb.arrow.method:
        expected.discard("method")
    if verb.arrow is not None and verb.arrow.fields[0] == "content":
        expected.discard("action")
    assert expected <= seen, expected - seen


def test_the_importer_needs_no_list_of_its_own():
    """Every element it reads comes from the vocabulary."""
    source = (ROOT / "flowc" / "importer.py").read_text(encoding="utf-8")
    for verb in vocabulary.BY_ELEMENT.values():
        assert not re.search(rf'"{verb.element}"', source), verb.element


# ---- SSML inside <Say> ------------------------------------------------------------------------


def test_ssml_comes_back_as_text_lines_and_elements():
    document = (
        b'<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna-Neural">Your balance is '
        b'<say-as interpret-as="currency">$42.10</say-as><break time="500ms"/>'
        b'<emphasis level="strong">today</emphasis> and <prosody rate="90%" pitch="low">slowly now</prosody>'
        b'<lang xml:lang="fr-FR">Bonjour <sub alias="Monsieur">M.</sub></lang></Say></Response>'
    )
    text = _assert_round_trip(document)
    assert text.split("step main:\n", 1)[1] == (
        '    say "Your balance is " voice Polly.Joanna-Neural:\n'
        '        say-as currency "$42.10"\n'
        "        break 500ms\n"
        '        emphasis strong "today"\n'
        '        " and "\n'
        '        prosody "slowly now" rate 90% pitch low\n'
        '        lang fr-FR "Bonjour ":\n'
        '            sub "M." alias "Monsieur"\n'
    )


def test_indentation_around_ssml_is_not_text():
    document = b"""<Response>
  <Say>
    <p>One <s>two</s></p>
  </Say>
</Response>"""
    text = _assert_round_trip(document)
    assert '    say:\n        p "One ":\n            s "two"\n' in text


def test_a_measure_the_language_cannot_write_is_refused():
    result = _import_one(b'<Response><Say><break time="five seconds"/></Say></Response>')
    assert not result.ok and not result.flows
    [d] = result.diagnostics
    assert d.code == "FL036"
    assert 'time="five seconds" is neither a measure' in d.message
