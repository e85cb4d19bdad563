"""flowc's TwiML against twilio-python's VoiceResponse, used as an oracle.

Every case is a flow snippet and the calls that build the same document with
``twilio.twiml.voice_response.VoiceResponse``. Both documents are parsed with
lxml and compared as trees: tag, attributes as a dict (order is free), text
(a missing text equals ``""``) and children. Whitespace between elements
(flowc pretty-prints) is not content and is ignored.

Two further tests keep the cases and the compiler's tables in step: every
(verb, attribute) pair of ``flowc.backends.twiml.ATTRIBUTES`` and every
option alternative of the grammar must be exercised by some case.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from lark import Lark, Tree
from lxml import etree
from twilio.twiml.voice_response import VoiceResponse

from flowc import ir
from flowc.backends.twiml import ATTRIBUTES, TAGS, render_step
from flowc.checks.nesting import IN_GATHER
from flowc.diagnostics import Severity
from flowc.project import load
from flowc.syntax.grammar import grammar_text, keyword_terminals
from flowc.syntax.indentation import FlowIndenter

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

# Steps every (non-standalone) case can point at, and a second flow for
# `flow.step` references, found beside the compiled file.
STUB_STEPS = """
step handle:
    hangup

step menu:
    hangup

step menu_choice:
    hangup
"""
BILLING = """\
flow billing

step start:
    hangup
"""


@dataclass(frozen=True)
class Case:
    """``source`` is the body of step ``start`` (or, when ``standalone``, the
    whole file, whose single step is ``main``). ``oracle`` adds the expected
    verbs to a VoiceResponse."""

    id: str
    source: str
    oracle: Callable[[VoiceResponse], object]
    settings: tuple[str, ...] = ()
    flow: str = "main"
    standalone: bool = False

    @property
    def step(self) -> str:
        return "main" if self.standalone else "start"

    def text(self) -> str:
        body = textwrap.dedent(self.source).strip("\n")
        if self.standalone:
            return body + "\n"
        header = f"flow {self.flow}\n" + "".join(f"    {s}\n" for s in self.settings)
        return header + "\nstep start:\n" + textwrap.indent(body, "    ") + "\n" + STUB_STEPS


def _gather(children: Callable[[object], object] = lambda g: None, **attrs):
    def build(r: VoiceResponse):
        children(r.gather(**attrs))

    return build


def _all(*builders: Callable[[VoiceResponse], object]):
    def build(r: VoiceResponse):
        for b in builders:
            b(r)

    return build


IVR = "https://example.com/ivr"

CASES = [
    # ---- say ---------------------------------------------------------------
    Case("say-text-only", 'say "Hello"', lambda r: r.say("Hello")),
    Case(
        "say-normative-voice-language-loop",
        'say "Hello" voice Polly.Joanna language en-US loop 2',
        lambda r: r.say("Hello", voice="Polly.Joanna", language="en-US", loop=2),
    ),
    Case(
        "say-quoted-voice-and-language",
        'say "Bonjour" voice "alice" language "fr-FR"',
        lambda r: r.say("Bonjour", voice="alice", language="fr-FR"),
    ),
    Case(
        "say-options-in-any-order",
        'say "Hi" loop 5 language en-GB voice man',
        lambda r: r.say("Hi", loop=5, language="en-GB", voice="man"),
    ),
    Case("say-loop-0", 'say "Please hold" loop 0', lambda r: r.say("Please hold", loop=0)),
    Case(
        "say-escapes-xml-specials",
        r"""say "Fish & chips <b>bold</b> \"quoted\" 'single' > end" """,
        lambda r: r.say("Fish & chips <b>bold</b> \"quoted\" 'single' > end"),
    ),
    Case(
        "say-entity-lookalikes-stay-literal",
        'say "&amp; &lt; &#65; ]]>"',
        lambda r: r.say("&amp; &lt; &#65; ]]>"),
    ),
    Case(
        "say-non-ascii",
        'say "Grüße aus Köln — 日本語 — 📞 ☎"',
        lambda r: r.say("Grüße aus Köln — 日本語 — 📞 ☎"),
    ),
    Case(
        "say-string-escapes",
        r'say "a\"b\\c\td\ne \u00e9\u65e5"',
        lambda r: r.say('a"b\\c\td\ne \u00e9\u65e5'),
    ),
    Case(
        "say-keeps-surrounding-spaces",
        'say "  two  spaces  "',
        lambda r: r.say("  two  spaces  "),
    ),
    # ---- play --------------------------------------------------------------
    Case(
        "play-normative-absolute-url-loop",
        "play https://example.com/cowbell.mp3 loop 3",
        lambda r: r.play("https://example.com/cowbell.mp3", loop=3),
    ),
    Case("play-path", "play /sounds/beep.wav", lambda r: r.play("/sounds/beep.wav")),
    Case(
        "play-quoted-relative-loop-0",
        'play "sounds/hold.mp3" loop 0',
        lambda r: r.play("sounds/hold.mp3", loop=0),
    ),
    Case(
        "play-url-escapes-xml-specials",
        r"""play "https://example.com/tts?text=a&voice=<b>&q=\"x\"&s='y'" """,
        lambda r: r.play("https://example.com/tts?text=a&voice=<b>&q=\"x\"&s='y'"),
    ),
    Case(
        "play-url-non-ascii",
        "play https://example.com/müsik/日本.mp3",
        lambda r: r.play("https://example.com/müsik/日本.mp3"),
    ),
    Case("play-digits-normative", 'play digits "ww1234"', lambda r: r.play(digits="ww1234")),
    Case("play-digits-loop", 'play digits "1#*w" loop 2', lambda r: r.play(digits="1#*w", loop=2)),
    # ---- pause -------------------------------------------------------------
    Case("pause-normative", "pause 3s", lambda r: r.pause(length=3)),
    Case("pause-without-length", "pause", lambda r: r.pause()),
    Case("pause-minutes", "pause 2m", lambda r: r.pause(length=120)),
    Case("pause-hours-minutes-seconds", "pause 1h1m1s", lambda r: r.pause(length=3661)),
    # ---- record: the sketch's normative lines, each a whole file ------------
    Case(
        "record-normative-1-label-max-finish-transcribe-path",
        'record voicemail max 20s finish "#" transcribe -> /handle',
        lambda r: r.record(max_length=20, finish_on_key="#", transcribe=True, action="/handle"),
        standalone=True,
    ),
    Case(
        "record-normative-2-get-absolute-action",
        'record max 20s finish "*" -> GET http://foo.edu/handleRecording.php',
        lambda r: r.record(
            max_length=20, finish_on_key="*", method="GET", action="http://foo.edu/handleRecording.php"
        ),
        standalone=True,
    ),
    Case(
        "record-normative-3-transcribe-callback",
        "record transcribe /handle_transcribe.php",
        lambda r: r.record(transcribe=True, transcribe_callback="/handle_transcribe.php"),
        standalone=True,
    ),
    Case(
        "record-normative-4-timeout-off-no-beep-no-trim-status",
        "record timeout off no beep no trim status GET /rec on in-progress completed absent -> /done",
        lambda r: r.record(
            timeout=0,
            play_beep=False,
            trim="do-not-trim",
            recording_status_callback="/rec",
            recording_status_callback_method="GET",
            recording_status_callback_event="in-progress completed absent",
            action="/done",
        ),
        standalone=True,
    ),
    # ---- record: every other option and form -------------------------------
    Case("record-bare", "record", lambda r: r.record()),
    Case(
        "record-label-step-action",
        "record voicemail -> handle",
        lambda r: r.record(action="handle.xml", method="GET"),
    ),
    Case(
        "record-max-minutes-timeout-seconds",
        "record max 2m timeout 10s -> handle",
        lambda r: r.record(max_length=120, timeout=10, action="handle.xml", method="GET"),
    ),
    Case(
        "record-max-4h",
        "record max 4h -> handle",
        lambda r: r.record(max_length=14400, action="handle.xml", method="GET"),
    ),
    Case(
        "record-max-24h-with-max-call-duration",
        "record max 24h -> handle",
        lambda r: r.record(max_length=86400, action="handle.xml", method="GET"),
        settings=("max-call-duration 24h",),
    ),
    Case(
        "record-timeout-0s",
        "record timeout 0s -> handle",
        lambda r: r.record(timeout=0, action="handle.xml", method="GET"),
    ),
    Case(
        "record-beep-trim-finish-two-keys",
        'record beep trim finish "*#" -> handle',
        lambda r: r.record(
            play_beep=True, trim="trim-silence", finish_on_key="*#", action="handle.xml", method="GET"
        ),
    ),
    Case(
        "record-transcribe-absolute-callback",
        "record max 60s transcribe https://example.com/t?a=1&b=2 -> handle",
        lambda r: r.record(
            max_length=60,
            transcribe=True,
            transcribe_callback="https://example.com/t?a=1&b=2",
            action="handle.xml",
            method="GET",
        ),
    ),
    Case(
        "record-transcribe-quoted-callback",
        'record transcribe "callbacks/transcript.php" -> handle',
        lambda r: r.record(
            transcribe=True, transcribe_callback="callbacks/transcript.php", action="handle.xml", method="GET"
        ),
    ),
    Case(
        "record-status-without-method-or-events",
        "record status /rec -> handle",
        lambda r: r.record(recording_status_callback="/rec", action="handle.xml", method="GET"),
    ),
    Case(
        "record-status-post-absolute-one-event-post-action",
        "record status POST https://example.com/rec?id=1&x=2 on completed -> POST /done",
        lambda r: r.record(
            recording_status_callback="https://example.com/rec?id=1&x=2",
            recording_status_callback_method="POST",
            recording_status_callback_event="completed",
            action="/done",
            method="POST",
        ),
    ),
    Case(
        "record-status-quoted-non-ascii-events",
        'record status "/rec/é?x=1&y=2" on absent in-progress -> handle',
        lambda r: r.record(
            recording_status_callback="/rec/é?x=1&y=2",
            recording_status_callback_event="absent in-progress",
            action="handle.xml",
            method="GET",
        ),
    ),
    Case(
        "record-flow-step-action",
        "record -> billing.start",
        lambda r: r.record(action="../billing/start.xml", method="GET"),
    ),
    Case(
        "record-every-option",
        'record box max 90s timeout 5s finish "0" beep no trim transcribe /tr '
        "status POST /st on in-progress completed -> GET /done",
        lambda r: r.record(
            max_length=90,
            timeout=5,
            finish_on_key="0",
            play_beep=True,
            trim="do-not-trim",
            transcribe=True,
            transcribe_callback="/tr",
            recording_status_callback="/st",
            recording_status_callback_method="POST",
            recording_status_callback_event="in-progress completed",
            action="/done",
            method="GET",
        ),
    ),
    # ---- gather ------------------------------------------------------------
    Case(
        "gather-normative-nested-say",
        """
        gather digits 1 timeout 5s finish "#" -> menu_choice:
            say "Press 1 for sales, 2 for support."
        """,
        _gather(
            lambda g: g.say("Press 1 for sales, 2 for support."),
            num_digits=1,
            timeout=5,
            finish_on_key="#",
            action="menu_choice.xml",
            method="GET",
        ),
    ),
    Case(
        "gather-speech-nested-say-play-pause",
        """
        gather input dtmf speech speech-timeout auto hints "yes, no & <maybe>" language fr-FR -> menu_choice:
            say "Dites « oui » ou « non »" voice Polly.Celine language fr-FR
            play https://example.com/beep.mp3 loop 2
            pause 2s
        """,
        _gather(
            lambda g: (
                g.say("Dites « oui » ou « non »", voice="Polly.Celine", language="fr-FR"),
                g.play("https://example.com/beep.mp3", loop=2),
                g.pause(length=2),
            ),
            input="dtmf speech",
            speech_timeout="auto",
            hints="yes, no & <maybe>",
            language="fr-FR",
            action="menu_choice.xml",
            method="GET",
        ),
    ),
    Case(
        "gather-speech-timeout-duration-quoted-language",
        'gather input speech speech-timeout 3s language "en-GB" -> menu_choice',
        _gather(input="speech", speech_timeout=3, language="en-GB", action="menu_choice.xml", method="GET"),
    ),
    Case(
        "gather-speech-profanity-filter-on",
        "gather input speech profanity-filter -> menu_choice",
        _gather(input="speech", profanity_filter=True, action="menu_choice.xml", method="GET"),
    ),
    Case(
        "gather-speech-profanity-filter-off",
        "gather input speech no profanity-filter -> menu_choice",
        _gather(input="speech", profanity_filter=False, action="menu_choice.xml", method="GET"),
    ),
    Case(
        "gather-finish-off-timeout-minutes",
        'gather finish "" timeout 1m -> menu_choice',
        _gather(finish_on_key="", timeout=60, action="menu_choice.xml", method="GET"),
    ),
    Case(
        "gather-without-action-nested-play-digits-pause-say",
        """
        gather:
            play digits "ww12"
            pause
            say "Anyone there?" loop 2
        """,
        _gather(lambda g: (g.play(digits="ww12"), g.pause(), g.say("Anyone there?", loop=2))),
    ),
    Case(
        "gather-absolute-action-no-method",
        "gather digits 4 -> https://example.com/pin?step=1&x=2",
        _gather(num_digits=4, action="https://example.com/pin?step=1&x=2"),
    ),
    Case(
        "gather-post-path-action",
        "gather input dtmf -> POST /menu",
        _gather(input="dtmf", action="/menu", method="POST"),
    ),
    Case(
        "gather-flow-step-action",
        "gather digits 2 -> billing.start",
        _gather(num_digits=2, action="../billing/start.xml", method="GET"),
    ),
    # ---- redirect ----------------------------------------------------------
    Case("redirect-normative-step", "redirect -> menu", lambda r: r.redirect("menu.xml", method="GET")),
    Case(
        "redirect-explicit-get-step", "redirect -> GET menu", lambda r: r.redirect("menu.xml", method="GET")
    ),
    Case(
        "redirect-explicit-post-step",
        "redirect -> POST menu",
        lambda r: r.redirect("menu.xml", method="POST"),
    ),
    Case("redirect-path-no-method", "redirect -> /next", lambda r: r.redirect("/next")),
    Case(
        "redirect-explicit-post-path", "redirect -> POST /next", lambda r: r.redirect("/next", method="POST")
    ),
    Case("redirect-explicit-get-path", "redirect -> GET /next", lambda r: r.redirect("/next", method="GET")),
    Case(
        "redirect-absolute-url-ampersands",
        "redirect -> https://example.com/next?a=1&b=2",
        lambda r: r.redirect("https://example.com/next?a=1&b=2"),
    ),
    Case(
        "redirect-quoted-relative-xml-specials",
        r"""redirect -> "next.php?x=<1>&y=\"2\"&z='3'" """,
        lambda r: r.redirect("next.php?x=<1>&y=\"2\"&z='3'"),
    ),
    Case(
        "redirect-flow-step",
        "redirect -> billing.start",
        lambda r: r.redirect("../billing/start.xml", method="GET"),
    ),
    Case(
        "redirect-non-ascii-url",
        "redirect -> https://example.com/café/ü?q=日本",
        lambda r: r.redirect("https://example.com/café/ü?q=日本"),
    ),
    # ---- hangup / reject ---------------------------------------------------
    Case("hangup", "hangup", lambda r: r.hangup()),
    Case("reject-without-reason", "reject", lambda r: r.reject()),
    Case("reject-normative-busy", "reject busy", lambda r: r.reject(reason="busy")),
    Case("reject-rejected", "reject rejected", lambda r: r.reject(reason="rejected")),
    # ---- dial --------------------------------------------------------------
    Case(
        "dial-normative-timeout-path-action",
        'dial "+15558675310" timeout 20s -> /after-dial',
        lambda r: r.dial("+15558675310", timeout=20, action="/after-dial"),
    ),
    Case("dial-number-only", 'dial "+15558675310"', lambda r: r.dial("+15558675310")),
    Case(
        "dial-every-option-step-action",
        'dial "+15558675310" timeout 30s time-limit 1h30m caller-id "+15551234567" -> handle',
        lambda r: r.dial(
            "+15558675310",
            timeout=30,
            time_limit=5400,
            caller_id="+15551234567",
            action="handle.xml",
            method="GET",
        ),
    ),
    Case(
        "dial-sip-xml-specials-post-absolute",
        r"""dial "sip:alice&bob@example.com?x=<1>&y='2'" -> POST https://example.com/after""",
        lambda r: r.dial(
            "sip:alice&bob@example.com?x=<1>&y='2'", action="https://example.com/after", method="POST"
        ),
    ),
    Case(
        "dial-time-limit-24h-with-max-call-duration",
        'dial "+15558675310" time-limit 24h',
        lambda r: r.dial("+15558675310", time_limit=86400),
        settings=("max-call-duration 24h",),
    ),
    # ---- base-url ----------------------------------------------------------
    Case(
        "base-url-record-step-action",
        "record max 20s -> handle",
        lambda r: r.record(max_length=20, action=f"{IVR}/voicemail/handle.xml", method="GET"),
        settings=(f"base-url {IVR}",),
        flow="voicemail",
    ),
    Case(
        "base-url-trailing-slash-redirect",
        "redirect -> menu",
        lambda r: r.redirect(f"{IVR}/voicemail/menu.xml", method="GET"),
        settings=(f"base-url {IVR}/",),
        flow="voicemail",
    ),
    Case(
        "base-url-flow-step",
        "gather digits 1 -> billing.start",
        _gather(num_digits=1, action=f"{IVR}/billing/start.xml", method="GET"),
        settings=(f"base-url {IVR}",),
        flow="voicemail",
    ),
    Case(
        "base-url-leaves-urls-verbatim",
        'dial "+15558675310" -> /after-dial',
        lambda r: r.dial("+15558675310", action="/after-dial"),
        settings=(f"base-url {IVR}",),
        flow="voicemail",
    ),
    Case(
        "base-url-quoted-post-step",
        "redirect -> POST handle",
        lambda r: r.redirect(f"{IVR}/voicemail/handle.xml", method="POST"),
        settings=(f'base-url "{IVR}"',),
        flow="voicemail",
    ),
    Case(
        "base-url-with-contexts",
        "record max 10m -> handle",
        lambda r: r.record(max_length=600, action=f"{IVR}/support/handle.xml", method="GET"),
        settings=("max-call-duration 24h", "context client", "context twiml-parameter", f"base-url {IVR}"),
        flow="support",
    ),
    # ---- whole steps -------------------------------------------------------
    Case(
        "normative-voicemail-start-step",
        """
        say "Please leave a message at the beep. Press the star key when finished."
        record voicemail max 20s finish "*" -> GET handle
        say "I did not receive a recording"
        """,
        _all(
            lambda r: r.say("Please leave a message at the beep. Press the star key when finished."),
            lambda r: r.record(max_length=20, finish_on_key="*", action="handle.xml", method="GET"),
            lambda r: r.say("I did not receive a recording"),
        ),
        flow="voicemail",
    ),
    Case(
        "several-verbs-with-comments",
        """
        # greet first
        say "Welcome"   # a trailing comment
        pause 1s
        dial "+15558675310" timeout 10s
        say "Goodbye"
        hangup
        """,
        _all(
            lambda r: r.say("Welcome"),
            lambda r: r.pause(length=1),
            lambda r: r.dial("+15558675310", timeout=10),
            lambda r: r.say("Goodbye"),
            lambda r: r.hangup(),
        ),
    ),
]

PARAMS = [pytest.param(case, id=case.id) for case in CASES]


# ---- helpers ---------------------------------------------------------------------


def oracle_document(case: Case) -> bytes:
    response = VoiceResponse()
    case.oracle(response)
    return str(response).encode("utf-8")


def flowc_document(case: Case, directory) -> bytes:
    (directory / "billing.flow").write_text(BILLING, encoding="utf-8")
    path = directory / f"{case.flow}.flow"
    path.write_text(case.text(), encoding="utf-8")
    build = load([str(path)])
    errors = [
        f"{d.code} {d.span.line}:{d.span.col} {d.message}"
        for d in build.diagnostics
        if d.severity is Severity.ERROR
    ]
    assert errors == [], f"flowc rejected:\n{case.text()}"
    flow = next(f for f in build.flows if f.name == case.flow)
    step = flow.step(case.step)
    assert step is not None
    return render_step(flow, step)


def canonical(el: etree._Element) -> dict:
    """Tag, attributes, text and children of an element, as plain data.

    A leaf's text is kept exactly (``None`` becomes ``""``); around child
    elements only non-blank text counts, since indentation is not content."""
    children = list(el)
    text = el.text or ""
    return {
        "tag": el.tag,
        "attrib": dict(el.attrib),
        "text": text.strip() if children else text,
        "children": [canonical(c) for c in children],
        "tail": (el.tail or "").strip(),
    }


def parse(document: bytes) -> etree._ElementTree:
    return etree.fromstring(document).getroottree()


# ---- the oracle comparison -------------------------------------------------------------


@pytest.mark.parametrize("case", PARAMS)
def test_matches_twilio(case: Case, tmp_path):
    ours = flowc_document(case, tmp_path)
    theirs = oracle_document(case)
    assert canonical(parse(ours).getroot()) == canonical(parse(theirs).getroot())


@pytest.mark.parametrize("case", PARAMS)
def test_xml_declaration(case: Case, tmp_path):
    ours = flowc_document(case, tmp_path)
    assert ours.startswith(DECLARATION)
    ours_info, theirs_info = parse(ours).docinfo, parse(oracle_document(case)).docinfo
    assert (ours_info.xml_version, ours_info.encoding) == (theirs_info.xml_version, theirs_info.encoding)
    assert ours_info.encoding == "UTF-8"
    ours.decode("utf-8")  # raises when the bytes are not the declared encoding


def test_non_ascii_is_written_as_utf8(tmp_path):
    case = next(c for c in CASES if c.id == "say-non-ascii")
    ours = flowc_document(case, tmp_path)
    assert "Grüße aus Köln — 日本語 — 📞 ☎".encode() in ours


def test_special_characters_are_escaped(tmp_path):
    case = next(c for c in CASES if c.id == "say-escapes-xml-specials")
    ours = flowc_document(case, tmp_path)
    body = ours[ours.index(b"<Say>") + len(b"<Say>") : ours.index(b"</Say>")]
    assert b"&amp;" in body and b"&lt;b&gt;" in body
    assert b"<" not in body and b"& " not in body


# ---- the cases cover the tables ------------------------------------------------------


def _required_pairs() -> set[tuple[str, str | None]]:
    """(tag, attribute) for every row of ATTRIBUTES, the action and method of
    verbs that take a `->`, and (tag, None) for the verb itself."""
    pairs: set[tuple[str, str | None]] = set()
    for cls, rows in ATTRIBUTES.items():
        tag = TAGS[cls]
        pairs.add((tag, None))
        pairs.update((tag, attribute) for _, attribute, _ in rows)
        if "action" in cls.__dataclass_fields__:
            pairs.update({(tag, "action"), (tag, "method")})
    pairs.add((TAGS[ir.Redirect], "method"))
    return pairs


def test_every_attribute_of_the_table_is_exercised():
    seen: set[tuple[str, str | None]] = set()
    nested: set[tuple[str, str]] = set()
    for case in CASES:
        root = parse(oracle_document(case)).getroot()
        for el in root.iter():
            seen.add((el.tag, None))
            seen.update((el.tag, a) for a in el.attrib)
            if el.getparent() is not None and el.getparent() is not root:
                nested.add((el.getparent().tag, el.tag))
    missing = sorted(_required_pairs() - seen, key=str)
    assert missing == [], f"no oracle case emits these (verb, attribute) pairs: {missing}"
    wanted_nesting = {(TAGS[ir.Gather], TAGS[cls]) for cls in IN_GATHER}
    assert wanted_nesting - nested == set()


_OPTION_RULES = {
    "say": "say_option",
    "play_url": "play_option",
    "play_digits": "play_option",
    "record": "record_option",
    "gather": "gather_option",
    "dial": "dial_option",
}


def _alternative(origin: str, alias: str, first: str) -> tuple[str, str]:
    """An option alternative is named by its keyword and form (`record_option`,
    `NO BEEP`); another rule's alternative by its alias."""
    return (origin, f"{first} {alias}" if origin.endswith("_option") else alias)


def test_every_option_of_the_grammar_is_exercised():
    parser = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        postlex=FlowIndenter(keyword_terminals()),
    )
    wanted = {
        _alternative(str(rule.origin.name), rule.alias, rule.expansion[0].name if rule.expansion else "")
        for rule in parser.rules
        if rule.alias
        and (rule.origin.name.endswith("_option") or rule.origin.name in ("play", "target", "url"))
    }
    by_alias = {alias: origin for origin, alias in wanted if not origin.endswith("_option")}
    seen = set()
    for case in CASES:
        tree = parser.parse(case.text().rstrip() + "\n")
        for node in tree.iter_subtrees():
            if node.data in by_alias:
                seen.add((by_alias[node.data], node.data))
            if node.data in _OPTION_RULES:
                seen.update(
                    _alternative(_OPTION_RULES[node.data], child.data, child.children[0].type)
                    for child in node.children
                    if isinstance(child, Tree)
                )
    missing = sorted(wanted - seen)
    assert missing == [], f"no oracle case writes these grammar alternatives: {missing}"
