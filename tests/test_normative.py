"""The sketch's normative examples, compiled and compared as XML with the
TwiML the sketch gives for them (attribute order is free)."""

from __future__ import annotations

import textwrap

import pytest
from lxml import etree

from flowc.backends.twiml import render_flow
from flowc.diagnostics import Severity

# line(s) of flow source -> the TwiML element the sketch says it compiles to
NORMATIVE = [
    (
        'record voicemail max 20s finish "#" transcribe -> /handle',
        '<Record maxLength="20" finishOnKey="#" transcribe="true" action="/handle"/>',
    ),
    (
        'record max 20s finish "*" -> GET http://foo.edu/handleRecording.php',
        '<Record maxLength="20" finishOnKey="*" method="GET" action="http://foo.edu/handleRecording.php"/>',
    ),
    (
        "record transcribe /handle_transcribe.php",
        '<Record transcribe="true" transcribeCallback="/handle_transcribe.php"/>',
    ),
    (
        "record timeout off no beep no trim status GET /rec on in-progress completed absent -> /done",
        '<Record timeout="0" playBeep="false" trim="do-not-trim" recordingStatusCallback="/rec" '
        'recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed absent" '
        'action="/done"/>',
    ),
    (
        'say "Hello" voice Polly.Joanna language en-US loop 2',
        '<Say voice="Polly.Joanna" language="en-US" loop="2">Hello</Say>',
    ),
    ("play https://example.com/cowbell.mp3 loop 3", '<Play loop="3">https://example.com/cowbell.mp3</Play>'),
    ('play digits "ww1234"', '<Play digits="ww1234"/>'),
    ("pause 3s", '<Pause length="3"/>'),
    ("redirect -> menu", '<Redirect method="GET">menu.xml</Redirect>'),
    ("hangup", "<Hangup/>"),
    ("reject busy", '<Reject reason="busy"/>'),
    (
        'dial "+15558675310" timeout 20s -> /after-dial',
        '<Dial timeout="20" action="/after-dial">+15558675310</Dial>',
    ),
    (
        'gather digits 1 timeout 5s finish "#" -> menu_choice:\n    say "Press 1 for sales, 2 for support."',
        '<Gather numDigits="1" timeout="5" finishOnKey="#" action="menu_choice.xml" method="GET">'
        "<Say>Press 1 for sales, 2 for support.</Say></Gather>",
    ),
]

# The steps the normative lines point at.
TARGET_STEPS = "\nstep menu:\n    hangup\nstep menu_choice:\n    hangup\n"


def _canonical(el) -> tuple:
    return (
        el.tag,
        dict(el.attrib),
        (el.text or "").strip(),
        tuple(_canonical(c) for c in el),
    )


@pytest.mark.parametrize("source,expected", NORMATIVE, ids=[line.split("\n")[0] for line, _ in NORMATIVE])
def test_normative_line(compile_flow, source, expected):
    body = textwrap.indent(source, "    ")
    build = compile_flow(f"step main:\n{body}\n{TARGET_STEPS}")
    assert [d for d in build.diagnostics if d.severity is Severity.ERROR] == []
    (flow,) = build.flows
    document = etree.fromstring(render_flow(flow)["main.xml"])
    assert document.tag == "Response"
    (element,) = list(document)
    assert _canonical(element) == _canonical(etree.fromstring(expected))


def test_a_file_of_one_verb_line_is_the_one_step_flow_main(compile_flow):
    build = compile_flow('record voicemail max 20s finish "#" transcribe -> /handle\n', name="box")
    assert build.ok
    (flow,) = build.flows
    assert flow.name == "box"
    assert [s.name for s in flow.steps] == ["main"]
    assert list(render_flow(flow)) == ["main.xml"]


def test_normative_voicemail_flow(compile_flow):
    build = compile_flow(
        """\
        # flows/voicemail.flow                        (normative)
        flow voicemail

        step start:
            say "Please leave a message at the beep. Press the star key when finished."
            record voicemail max 20s finish "*" -> GET handle
            say "I did not receive a recording"

        step handle:
            say "Thank you. Goodbye."
            hangup
        """
    )
    assert build.ok
    assert [d.code for d in build.diagnostics] == ["FL201"]  # the say after record never plays
    (flow,) = build.flows
    docs = render_flow(flow)
    assert sorted(docs) == ["handle.xml", "start.xml"]
    start = etree.fromstring(docs["start.xml"])
    record = start[1]
    assert record.tag == "Record"
    assert dict(record.attrib) == {
        "maxLength": "20",
        "finishOnKey": "*",
        "action": "handle.xml",
        "method": "GET",
    }


def test_normative_flow_settings(compile_flow):
    build = compile_flow(
        """\
        flow support
            max-call-duration 24h          # account allows 24 h calls: maxLength up to 86400
            context client                 # reached from a Twilio Client (Voice SDK) call
            context live-update            # entered by updating a live call
            context twiml-parameter        # started with the twiml parameter
            base-url https://example.com/ivr

        step start:
            record max 10m -> handle

        step handle:
            hangup
        """
    )
    assert build.ok and build.diagnostics == ()
    (flow,) = build.flows
    assert flow.settings.max_call_duration.seconds == 86400
    assert [c.value for c in flow.settings.contexts] == ["client", "live-update", "twiml-parameter"]
    record = etree.fromstring(render_flow(flow)["start.xml"])[0]
    assert record.get("action") == "https://example.com/ivr/support/handle.xml"


def test_cross_flow_reference_compiles_to_sibling_directory(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.start\n",
        name="ivr",
        billing="step start:\n    hangup\n",
    )
    assert build.ok
    (flow,) = build.flows
    redirect = etree.fromstring(render_flow(flow)["start.xml"])[0]
    assert redirect.text == "../billing/start.xml"
    assert redirect.get("method") == "GET"
