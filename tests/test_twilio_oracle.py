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

import inspect
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from lark import Lark, Tree
from lxml import etree
from twilio.twiml import TwiML
from twilio.twiml.voice_response import VoiceResponse
from twilio_inventory import ROOT, placements

from flowc import vocabulary
from flowc.backends.twiml import ATTRIBUTES, TAGS, render_step
from flowc.checks.nesting import IN_GATHER
from flowc.diagnostics import Severity
from flowc.project import load
from flowc.syntax.grammar import grammar_text, keyword_terminals
from flowc.syntax.indentation import FlowIndenter
from flowc.vocabulary import Shape

# The options of the hand-written verbs that the cases above write by hand.
_HAND_WRITTEN_OPTIONS = {
    "dial": ("timeout", "time-limit", "caller-id"),
    "gather": (
        "digits",
        "timeout",
        "finish",
        "input",
        "speech-timeout",
        "hints",
        "language",
        "profanity-filter",
    ),
    "record": ("max", "timeout", "finish", "beep", "trim", "transcribe", "status"),
}

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


# ---- SSML inside `say`: text lines between the elements ----------------------------------------


def _balance(r: VoiceResponse) -> None:
    say = r.say(voice="Polly.Joanna-Neural")
    say.append("Your balance is ")
    say.say_as("$42.10", interpret_as="currency")
    say.break_(time="500ms")
    say.emphasis("today", level="strong")
    say.prosody(rate="90%", pitch="low").append("slowly now")
    say.append(" Goodbye.")


def _nested_ssml(r: VoiceResponse) -> None:
    say = r.say("Hello. ")
    p = say.p()
    p.s("First sentence.")
    s = p.s()
    s.append("Second ")
    s.w("read", role="amazon:VBD")
    s.append(" it.")
    lang = say.lang(xml_lang="fr-FR")
    lang.append("Bonjour ")
    lang.sub("M.", alias="Monsieur")
    say.phoneme("tomato", alphabet="ipa", ph="təˈmeɪtoʊ")


CASES += [
    Case(
        "ssml-text-lines-between-elements",
        """
        say voice Polly.Joanna-Neural:
            "Your balance is "
            say-as currency "$42.10"
            break 500ms
            emphasis strong "today"
            prosody rate 90% pitch low:
                "slowly now"
            " Goodbye."
        """,
        _balance,
    ),
    Case(
        "ssml-nested-paragraphs-sentences-words",
        """
        say "Hello. ":
            p:
                s "First sentence."
                s:
                    "Second "
                    w "read" role "amazon:VBD"
                    " it."
            lang fr-FR:
                "Bonjour "
                sub "M." alias "Monsieur"
            phoneme "tomato" alphabet ipa ph "təˈmeɪtoʊ"
        """,
        _nested_ssml,
    ),
    Case("say-short-form-unchanged", 'say "Hi"', lambda r: r.say("Hi")),
]


# ---- generated cases: every option of every element of the vocabulary -----------------------
#
# For each verb or noun the table marks `generated` (and each option the hand-written
# cases above do not write), one case per way of writing the option. The oracle calls
# twilio-python's builder method of the element (found by name, as `VoiceResponse.dial`,
# `Dial.conference`) with the keyword argument of the attribute; the test fails when
# flowc writes an attribute twilio-python has no parameter for.


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _builder(parent: object, element: str) -> Callable:
    """The builder method of ``element`` on an element of twilio-python's
    (`Dial.conference`, `Say.say_as`, `Say.break_`)."""
    name = _snake(element).replace("-", "_")
    return getattr(parent, name, None) or getattr(parent, name + "_")


# twilio-python's keyword for an attribute it does not camel-case (`xml:lang` → `xml_lang`)
_KEYWORDS = {attribute: keyword for keyword, attribute in TwiML.MAP.items()}


def _kwarg(method: Callable, attribute: str) -> str:
    params = inspect.signature(method).parameters
    for name in (_KEYWORDS.get(attribute, ""), _snake(attribute), _snake(attribute) + "_", attribute):
        if name in params:
            return name
    raise AssertionError(f"twilio-python's {method.__qualname__} has no parameter for `{attribute}`")


# Values and options whose sample must be one the checks accept.
_VALUE_SAMPLES = {
    "interpret_as": "date",  # `format` applies only to `say-as date` (FL318)
    "language": "fr-FR",  # `lang TAG`
}
_OPTION_SAMPLES = {"role": vocabulary.WORD_ROLES[0]}
_MEASURES = {"volume": "+6dB", "rate": "90%", "pitch": "-10%"}


def _sample_value(value: vocabulary.Value) -> tuple[str, object]:
    """(as written, as twilio-python takes it) for a value of a generated element."""
    if value.shape is Shape.MEASURE:
        return "500ms", "500ms"
    if value.field in _VALUE_SAMPLES:
        text = _VALUE_SAMPLES[value.field]
        return (f'"{text}"' if value.shape is Shape.STRING else text), text
    if value.choices:
        return value.choices[0], value.choices[0]
    if value.sid:
        text = value.sid + "0" * 32
    elif value.check == "e164":
        text = "+14155550100"
    elif value.check == "sip":
        text = "sip:alice@example.com"
    elif value.shape is Shape.URL:
        return "wss://example.com/s", "wss://example.com/s"
    elif value.shape is Shape.NUMBER:
        return "3", 3
    else:
        text = "x1"
    return (f'"{text}"' if value.shape is Shape.STRING else text), text


def _sample_options(option: vocabulary.Option) -> list[tuple[str, dict[str, str]]]:
    """Ways to write an option, each with the attributes it must give."""
    n, a = option.name, option.attribute
    low = option.minimum if option.minimum is not None else 1
    match option.shape:
        case Shape.DURATION:
            return [(f"{n} {max(low, 7)}s", {a: str(max(low, 7))})]
        case Shape.NUMBER:
            return [
                (
                    f"{n} {max(low, 2) if option.maximum is None else low}",
                    {a: str(max(low, 2) if option.maximum is None else low)},
                )
            ]
        case Shape.STRING:
            text = option.sid + "0" * 32 if option.sid else _OPTION_SAMPLES.get(n, "7")
            return [(f'{n} "{text}"', {a: text})]
        case Shape.MEASURE:
            word = vocabulary.PROSODY_WORDS[n][1]
            return [(f"{n} {_MEASURES[n]}", {a: _MEASURES[n]}), (f"{n} {word}", {a: word})]
        case Shape.TEXT:
            return [(f"{n} en-GB", {a: "en-GB"}), (f'{n} "Polly Amy"', {a: "Polly Amy"})]
        case Shape.WORD:
            return [(f"{n} {option.values[0]}", {a: option.values[0]})]
        case Shape.WORDS:
            return [(f"{n} {' '.join(option.values[:2])}", {a: " ".join(option.values[:2])})]
        case Shape.SWITCH:
            on, off = option.switch_values
            return [(n, {a: on}), (f"no {n}", {a: off}), *((f"{n} {v}", {a: v}) for v in option.values)]
        case Shape.URL:
            return [(f"{n} /callback", {a: "/callback"})]
        case Shape.CALLBACK:
            found = [(f"{n} /callback", {a: "/callback"})]
            if option.method:
                found.append((f"{n} GET /callback", {a: "/callback", option.method: "GET"}))
            if option.events:
                attr = option.events_attribute or f"{a}Event"
                found.append(
                    (
                        f"{n} /callback on {' '.join(option.events[:2])}",
                        {a: "/callback", attr: " ".join(option.events[:2])},
                    )
                )
            if option.fetches:
                found.append((f"{n} menu", {a: "menu.xml", option.method: "GET"}))
            return found
    raise AssertionError(option.shape)


def _chain(entry: vocabulary.Verb) -> list[vocabulary.Verb]:
    chain = [entry]
    while chain[0].noun:
        chain.insert(0, next(v for v in vocabulary.VERBS if chain[0].name in v.children and v.element))
    return chain


# What FL316 requires: elements that need a line in their block, or their value.
_NEEDS_A_CHILD = ("start", "stop", "connect", "refer")
_VALUE_NEEDED = ("client", "application", "sip")

# The hand-written verbs a generated element's block may hold, as written and as built.
_TYPED_LINES = {
    "say": ('say "x1"', ("x1",)),
    "play": ("play /a.mp3", ("/a.mp3",)),
    "pause": ("pause", ()),
    "dial": ('dial "+14155550100"', ("+14155550100",)),
}


def _generated_case(
    chain: list[vocabulary.Verb], written: str, attributes: dict[str, str], tag: str, at: int = -1
) -> Case:
    """``chain[at]`` written with ``written`` (giving ``attributes``), each element in the block of
    the one before it. Every element gets what Twilio requires of it (FL316): its values, its
    required options, and a line in the block of those that need one."""
    at = at % len(chain)
    if chain[-1].name in _NEEDS_A_CHILD:
        chain = [*chain, vocabulary.verb(chain[-1].children[0])]
    entry = chain[at]
    lines, calls = [], []
    for depth, e in enumerate(chain):
        last = e is entry
        innermost = depth == len(chain) - 1
        positional: tuple = ()
        kwargs: dict = {}
        if e.name in _TYPED_LINES and (last or e.name != "dial"):  # a dial with nouns has no number
            line, positional = _TYPED_LINES[e.name]
            words = [line]
        else:
            words = [e.name]
            for value in e.values if e.generated else ():
                if value.optional and not last and e.name not in _VALUE_NEEDED:
                    continue
                text, given = _sample_value(value)
                words.append(text)
                if value.attribute is None:
                    positional += (given,)
                else:
                    kwargs[value.attribute] = given
        extra: dict[str, str] = {}
        for name in e.required:
            if not (last and written.startswith(f"{name} ")):
                option = e.option(name)
                sample, given = _sample_options(option)[0]
                words.append(sample)
                extra.update(given)
        if last and written:
            words.append(written)
        lines.append("    " * depth + " ".join(words) + ("" if innermost else ":"))
        calls.append((e.element, positional, {**kwargs, **extra, **(attributes if last else {})}))

    def oracle(r: VoiceResponse) -> None:
        node: object = r
        for element, positional, kwargs in calls:
            method = _builder(node, element)
            node = method(*positional, **{_kwarg(method, k): v for k, v in kwargs.items()})

    return Case(f"generated-{'-'.join(e.name for e in chain)}-{tag}", "\n".join(lines), oracle)


GENERATED_CASES = (
    [
        _generated_case(_chain(entry), written, attributes, f"{i}-{written}", at=len(_chain(entry)) - 1)
        for entry in vocabulary.VERBS
        if entry.element is not None and (entry.generated or entry.name in ("dial", "gather", "record"))
        for option in entry.options
        if entry.generated or option.name not in _HAND_WRITTEN_OPTIONS.get(entry.name, ())
        for i, (written, attributes) in enumerate(_sample_options(option))
    ]
    + [_generated_case(_chain(entry), "", {}, "bare") for entry in vocabulary.GENERATED]
    + [
        _generated_case(
            _chain(entry),
            "-> POST /next" if entry.arrow.method else "-> https://example.com/paid",
            {"action": "/next", "method": "POST"}
            if entry.arrow.method
            else {"action": "https://example.com/paid"},
            "action",
        )
        for entry in vocabulary.GENERATED
        if entry.arrow is not None
    ]
    + [
        # every child in every block that may hold it
        _generated_case([*_chain(parent), vocabulary.verb(child)], "", {}, "nested", at=len(_chain(parent)))
        for parent in vocabulary.VERBS
        if parent.element is not None and parent.name != "gather"
        for child in parent.children
    ]
)

CASES += GENERATED_CASES
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
    elements only text with words in it counts (exactly: the text of SSML in
    ``<Say>``), since indentation is not content."""
    children = list(el)
    text = el.text or ""
    tail = el.tail or ""
    return {
        "tag": el.tag,
        "attrib": dict(el.attrib),
        # beside child elements, text is indentation unless it has words (SSML in `<Say>`)
        "text": text if text.strip() or not children else "",
        "children": [canonical(c) for c in children],
        "tail": tail if tail.strip() else "",
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
    for name, rows in ATTRIBUTES.items():
        tag = TAGS[name]
        pairs.add((tag, None))
        pairs.update((tag, attribute) for _, attribute, _ in rows)
        arrow = vocabulary.verb(name).arrow
        if arrow is not None and name not in ("redirect", "when", "otherwise"):
            pairs.update({(tag, "action"), (tag, "method")} if arrow.method else {(tag, "action")})
    pairs.add((TAGS["redirect"], "method"))
    return pairs


def _attribute(name: str) -> str:
    """An attribute as TwiML writes it: lxml's `{http://www.w3.org/XML/1998/namespace}lang` is `xml:lang`."""
    return "xml:" + etree.QName(name).localname if name.startswith("{http://www.w3.org/XML/") else name


def test_every_attribute_of_the_table_is_exercised():
    seen: set[tuple[str, str | None]] = set()
    nested: set[tuple[str, str]] = set()
    for case in CASES:
        root = parse(oracle_document(case)).getroot()
        for el in root.iter():
            seen.add((el.tag, None))
            seen.update((el.tag, _attribute(a)) for a in el.attrib)
            if el.getparent() is not None and el.getparent() is not root:
                nested.add((el.getparent().tag, el.tag))
    missing = sorted(_required_pairs() - seen, key=str)
    assert missing == [], f"no oracle case emits these (verb, attribute) pairs: {missing}"
    wanted_nesting = {(TAGS["gather"], TAGS[cls.name]) for cls in IN_GATHER}
    wanted_nesting |= {(v.element, TAGS[c]) for v in vocabulary.VERBS if v.element for c in v.children}
    assert sorted(wanted_nesting - nested) == []


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
            rule = _OPTION_RULES.get(node.data) or (
                node.data.removesuffix("_element") + "_option" if node.data.endswith("_element") else None
            )
            if rule:
                seen.update(
                    _alternative(rule, child.data, child.children[0].type)
                    for child in node.children
                    if isinstance(child, Tree)
                )
    missing = sorted(wanted - seen)
    assert missing == [], f"no oracle case writes these grammar alternatives: {missing}"


# ---- the cases cover twilio-python's inventory -----------------------------------------------


def test_every_pair_of_the_twilio_inventory_is_exercised():
    """Every (element, attribute) twilio-python's voice_response.py builds, every
    element in every parent it builds it in, and the text of every element that
    has one, is in some oracle document (tests/twilio_inventory.py walks the
    module). Left out: retired elements, which flowc refuses (FL010), and the
    nouns twilio-python also builds at the top of a document, which flowc writes
    only in their verb (test_inventory.py)."""
    seen_attributes: set[tuple[str, str]] = set()
    seen_places: set[tuple[str, str]] = set()
    seen_text: set[str] = set()
    for case in CASES:
        root = parse(oracle_document(case)).getroot()
        for el in root.iter():
            if el is root or not isinstance(el.tag, str):
                continue
            parent = el.getparent()
            seen_places.add((ROOT if parent is root else parent.tag, el.tag))
            seen_attributes.update((el.tag, _attribute(a)) for a in el.attrib)
            if (el.text or "").strip():
                seen_text.add(el.tag)
    wanted_attributes: set[tuple[str, str]] = set()
    wanted_places: set[tuple[str, str]] = set()
    wanted_text: set[str] = set()
    nouns = {v.element for v in vocabulary.NOUNS}
    for place in placements().values():
        if place.child in vocabulary.RETIRED_BY_ELEMENT:
            continue
        if not (place.parent == ROOT and place.child in nouns):
            wanted_places.add((place.parent, place.child))
        wanted_attributes.update((place.child, a) for a in place.attributes)
        if place.content:
            wanted_text.add(place.child)
    assert sorted(wanted_places - seen_places) == [], "no oracle case nests these (parent, element) pairs"
    assert sorted(wanted_attributes - seen_attributes) == [], "no oracle case writes these attributes"
    assert sorted(wanted_text - seen_text) == [], "no oracle case writes the text of these elements"
