"""The vocabulary of the language: every verb, option and setting, as data.

This table is the one place where the language's words are written. Each
option says how it is spelled, the IR field it fills, the shape of its value
(which fixes its grammar, how the parser reads it, how the formatter writes it
and how its TwiML attribute is formatted), its TwiML attribute, the values it
accepts and Twilio's default, and the texts an editor shows for it. From it
come:

- the grammar's option rules and option keywords (:func:`grammar_rules`,
  appended to ``grammar/flow.lark`` when the parser is built);
- the parser's reading of options (:mod:`flowc.syntax.transform`) and the
  option lists of its syntax errors (:mod:`flowc.syntax.messages`);
- the TwiML attribute table (:data:`flowc.backends.twiml.ATTRIBUTES`);
- the formatter's canonical option order;
- the Pygments lexer's keywords, the language server's hover and completion
  texts, the misspelt-option check of recording labels;
- the option tables of ``docs/language.md`` (a test fails when they differ).

Adding an option of an existing shape is one :class:`Option` entry here (and
an IR field of the same name on the verb's node). See "Adding an option" in
``docs/architecture.md``.
"""

from __future__ import annotations

import enum
import functools

from .ir import Context
from .records import record


class Shape(enum.Enum):
    """How an option's value is written. Each shape has one grammar, one
    reading into the IR, one canonical form and one TwiML format."""

    DURATION = "duration"  # timeout 5s
    DURATION_OR_OFF = "duration-or-off"  # timeout 5s | timeout off   (off = 0 seconds)
    DURATION_OR_AUTO = "duration-or-auto"  # speech-timeout 2s | speech-timeout auto
    STRING = "string"  # finish "#"
    TEXT = "text"  # voice alice | voice "Polly.Joanna"
    NUMBER = "number"  # loop 2
    WORDS = "words"  # input dtmf speech
    SWITCH = "switch"  # beep | no beep
    SWITCH_URL = "switch-url"  # transcribe [URL]: a switch with an optional callback
    CALLBACK = "callback"  # status [METHOD] URL [on EVENT ...]
    WORD = "word"  # record record-from-answer: one word of the option's `values`
    URL = "url"  # event-callback URL: a URL with no method
    MEASURE = "measure"  # break 500ms, prosody rate 90%: a number with its unit, or a word


# The words a shape may take instead of a value.
SHAPE_WORDS = {Shape.DURATION_OR_OFF: "off", Shape.DURATION_OR_AUTO: "auto"}
NEGATION = "no"  # `no beep`
EVENTS = "on"  # `status /s on completed`


@record
class Option:
    """One option of a verb."""

    name: str  # as written: `max`
    field: str  # the IR field it fills: `max_length`
    shape: Shape
    attribute: str  # the TwiML attribute: `maxLength`
    summary: str  # one sentence: what it does
    accepts: str = ""  # what flowc accepts, in words
    default: str = ""  # Twilio's default, in words
    placeholder: str = ""  # the value in a syntax line: `max DURATION`
    values: tuple[str, ...] = ()  # the words a WORDS option accepts
    switch_values: tuple[str, str] = ("true", "false")  # SWITCH: the attribute when on / off
    word_summary: str = ""  # DURATION_OR_*: what `off` / `auto` does
    events: tuple[str, ...] = ()  # CALLBACK: the events `on` accepts
    events_summary: str = ""
    events_default: str = ""
    # CALLBACK: the attribute of its method ("" for none; default `<attribute>Method`)
    # and of its events (default `<attribute>Event`).
    method_attribute: str | None = None
    events_attribute: str | None = None
    # NUMBER, DURATION: the range Twilio accepts (checked by `ranges`).
    minimum: int | None = None
    maximum: int | None = None
    fetches: bool = False  # CALLBACK: Twilio fetches TwiML from it, so it may name a step
    sid: str = ""  # STRING: the prefix of the SID it holds (`DE`, `AP`, `WW`), checked by `sids`
    check: str = ""  # STRING: what else is checked: "e164" (a phone number, `phone_numbers`)

    @property
    def method(self) -> str:
        """CALLBACK: the TwiML attribute of its method, or ``""``."""
        return f"{self.attribute}Method" if self.method_attribute is None else self.method_attribute

    @property
    def word(self) -> str | None:
        """The word the option takes instead of a value (`off`, `auto`)."""
        return SHAPE_WORDS.get(self.shape)

    @property
    def syntax(self) -> str:
        """How it is written, as hover and the docs show it."""
        n, p = self.name, self.placeholder
        match self.shape:
            case Shape.DURATION:
                return f"{n} {p or 'DURATION'}"
            case Shape.DURATION_OR_OFF | Shape.DURATION_OR_AUTO:
                return f"{n} {p or 'DURATION'} | {n} {self.word}"
            case Shape.STRING:
                return f'{n} "{p or "TEXT"}"'
            case Shape.TEXT | Shape.NUMBER:
                return f"{n} {p}"
            case Shape.WORDS:
                return f"{n} {p or 'WORD'} ..."
            case Shape.SWITCH:
                return f"{n} | {NEGATION} {n}"
            case Shape.SWITCH_URL:
                return f"{n} [URL]"
            case Shape.CALLBACK:
                method = "[METHOD] " if self.method else ""
                return f"{n} {method}URL" + (f" [{EVENTS} EVENT ...]" if self.events else "")
            case Shape.WORD:
                return f"{n} {p or 'WORD'}"
            case Shape.URL:
                return f"{n} URL"
            case Shape.MEASURE:
                return f"{n} {p or 'VALUE'}"
        raise AssertionError(self.shape)  # pragma: no cover

    @property
    def fields(self) -> tuple[str, ...]:
        """Every IR field the option fills (a callback also fills its events)."""
        if self.shape is Shape.SWITCH_URL:
            return (self.field, f"{self.field}_callback")
        if self.shape is Shape.CALLBACK and self.events:
            return (self.field, f"{self.field}_events")
        return (self.field,)

    @property
    def attributes(self) -> tuple[tuple[str, str, str], ...]:
        """``(IR field, TwiML attribute, format)`` for each attribute it writes.

        Formats: ``value`` (the text, number or seconds), ``switch`` (the two
        :attr:`switch_values`), ``words`` (space-separated), ``url`` and
        ``method`` (of a target)."""
        a = self.attribute
        match self.shape:
            case Shape.SWITCH:
                return ((self.field, a, "switch"),)
            case Shape.WORDS:
                return ((self.field, a, "words"),)
            case Shape.SWITCH_URL:
                return ((self.field, a, "switch"), (f"{self.field}_callback", f"{a}Callback", "url"))
            case Shape.CALLBACK:
                rows = [(self.field, a, "url")]
                if self.method:
                    rows.append((self.field, self.method, "method"))
                if self.events:
                    rows.append((f"{self.field}_events", self.events_attribute or f"{a}Event", "words"))
                return tuple(rows)
            case Shape.URL:
                return ((self.field, a, "url"),)
        return ((self.field, a, "value"),)


@record
class Value:
    """A value a verb takes before its options (`say "TEXT"`, `pause 2s`,
    `play digits "TONES"`)."""

    field: str
    attribute: str | None  # None: the element's content
    placeholder: str
    choices: tuple[str, ...] = ()  # the words it accepts, when they are a fixed set
    keyword: str = ""  # the word written before it, if any: `digits`
    summary: str = ""  # for a value with a keyword: what it does
    accepts: str = ""
    default: str = ""
    # For the elements whose rule is generated (`Verb.generated`): how the value is
    # written (STRING, TEXT, NUMBER, URL or WORD) and whether it may be left out.
    shape: Shape | None = None
    optional: bool = False
    sid: str = ""  # the prefix of the SID it holds, checked by `sids`
    check: str = ""  # what else is checked: "e164" (a phone number), "sip" (a `sip:` URI), "wss" (a WebSocket URL)


@record
class Arrow:
    """What `->` means on a verb."""

    syntax: str
    summary: str
    accepts: str
    default: str = ""
    fields: tuple[str, ...] = ("action",)  # whose TwiML the hover names: action (and method)
    method: bool = True  # whether the element has a `method` attribute (`<Pay>` is always POSTed)


_TARGET = "a step, `flow.step` or a URL, optionally after `GET`/`POST`"
_STEP = "a step or `flow.step`"
_FETCHED = "A step reference is fetched with `GET` unless a method is written."


def _action(default: str) -> Arrow:
    return Arrow("-> [METHOD] TARGET", f"Where the call goes next. {_FETCHED}", _TARGET, default)


@record
class Verb:
    """One verb: a line of a step that becomes one TwiML element."""

    name: str  # as written: `record`
    element: str | None  # the TwiML element; None for the lines of a branch step
    syntax: str  # how it is written, one form per line
    summary: str
    options: tuple[Option, ...] = ()
    values: tuple[Value, ...] = ()  # written without a keyword, before the options
    arrow: Arrow | None = None  # what `->` means on it; None when it takes none
    accepts: str = ""
    default: str = ""
    # The TwiML attribute order, by option or value field, when it is not
    # the values' then the options' (kept so that output stays byte-stable).
    attribute_order: tuple[str, ...] = ()
    hover_fields: tuple[str, ...] = ()  # IR fields whose attributes the verb's hover names
    # The table-driven part (see "Elements" in docs/architecture.md):
    noun: bool = False  # written only in the block of another element (`number` under `dial`)
    generated: bool = False  # its grammar rule is generated and its IR node is `ir.Element`
    children: tuple[str, ...] = ()  # the entries its block may hold
    alone: tuple[str, ...] = ()  # children that must be the only child of their kind in the block
    max_children: int | None = None  # the most children its block may hold
    required: tuple[str, ...] = ()  # options (by name) it must have
    ends: str = "never"  # how it ends its document: "always", "action" (when it has a `->`), "never"
    text: bool = False  # its block may hold text lines (`say` with SSML)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def attributes(self) -> tuple[tuple[str, str, str], ...]:
        """``(IR field, TwiML attribute, format)`` in the order they are written."""
        rows = [
            (v.field, v.attribute, "url" if v.shape is Shape.URL else "value")
            for v in self.values
            if v.attribute is not None
        ]
        for option in self.options:
            rows += option.attributes
        if self.attribute_order:
            rank = {name: i for i, name in enumerate(self.attribute_order)}
            rows.sort(key=lambda row: rank.get(row[0], len(rank)))
        return tuple(rows)


@record
class Setting:
    """A setting of a flow, indented under its `flow NAME` line."""

    name: str
    syntax: str
    summary: str
    accepts: str = ""
    default: str = ""
    values: tuple[str, ...] = ()


@record
class Structure:
    """A structural keyword: `flow`, `step`."""

    name: str
    syntax: str
    summary: str


_LOOP_SUMMARY = "How many times to {}; `0` repeats until the caller hangs up."


# ---- helpers for the table-driven elements -------------------------------------------------


def _field(name: str) -> str:
    """The IR field of an option or value: `hangup-on-star` → `hangup_on_star`."""
    return name.replace("-", "_")


def _opt(
    name: str,
    shape: Shape,
    attribute: str,
    summary: str,
    accepts: str = "",
    default: str = "",
    placeholder: str = "",
    **more,
) -> Option:
    return Option(name, _field(name), shape, attribute, summary, accepts, default, placeholder, **more)


def _switch(name: str, attribute: str, summary: str, default: str = "`false`", **more) -> Option:
    return _opt(name, Shape.SWITCH, attribute, summary, f"`{name}` or `{NEGATION} {name}`", default, **more)


def _word(name: str, attribute: str, summary: str, values: tuple[str, ...], default: str = "") -> Option:
    return _opt(
        name, Shape.WORD, attribute, summary, ", ".join(f"`{v}`" for v in values), default, values=values
    )


def _string(
    name: str,
    attribute: str,
    summary: str,
    accepts: str = "a string, passed through",
    default: str = "none",
    placeholder: str = "TEXT",
    sid: str = "",
) -> Option:
    if sid:
        accepts = f"a `{sid}` SID"
    return _opt(name, Shape.STRING, attribute, summary, accepts, default, placeholder, sid=sid)


def _number(
    name: str,
    attribute: str,
    summary: str,
    minimum: int | None,
    maximum: int | None,
    default: str = "",
    placeholder: str = "N",
) -> Option:
    accepts = f"a whole number from {minimum} to {maximum}" if maximum is not None else "a whole number"
    return _opt(
        name,
        Shape.NUMBER,
        attribute,
        summary,
        accepts,
        default,
        placeholder,
        minimum=minimum,
        maximum=maximum,
    )


def _callback(
    name: str,
    attribute: str,
    summary: str,
    events: tuple[str, ...] = (),
    events_default: str = "",
    method: str | None = None,
    default: str = "no callback; method `POST`",
    **more,
) -> Option:
    accepts = "a URL" + (", `GET` or `POST`" if method != "" else "")
    return _opt(
        name,
        Shape.CALLBACK,
        attribute,
        summary,
        accepts,
        default,
        events=events,
        events_summary="The events reported to the callback." if events else "",
        events_default=events_default,
        method_attribute=method,
        **more,
    )


def _value(
    field: str, attribute: str | None, placeholder: str, shape: Shape, optional: bool = False, **more
) -> Value:
    return Value(field, attribute, placeholder, shape=shape, optional=optional, **more)


def _noun(
    name: str,
    element: str,
    syntax: str,
    summary: str,
    values: tuple[Value, ...] = (),
    options: tuple[Option, ...] = (),
    **more,
) -> Verb:
    return _element(name, element, syntax, summary, values, options, noun=True, **more)


def _element(
    name: str,
    element: str,
    syntax: str,
    summary: str,
    values: tuple[Value, ...] = (),
    options: tuple[Option, ...] = (),
    **more,
) -> Verb:
    return Verb(
        name,
        element,
        syntax,
        summary,
        options=options,
        values=values,
        generated=True,
        hover_fields=tuple(v.field for v in values),
        **more,
    )


CALL_EVENTS = ("initiated", "ringing", "answered", "completed")
RECORDING_EVENTS = ("in-progress", "completed", "absent")
CONFERENCE_EVENTS = ("start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement")
RING_TONES = (
    "at",
    "au",
    "bg",
    "br",
    "be",
    "ch",
    "cl",
    "cn",
    "cz",
    "de",
    "dk",
    "ee",
    "es",
    "fi",
    "fr",
    "gr",
    "hu",
    "il",
    "in",
    "it",
    "lt",
    "jp",
    "mx",
    "my",
    "nl",
    "no",
    "nz",
    "ph",
    "pl",
    "pt",
    "ru",
    "se",
    "sg",
    "th",
    "uk",
    "us",
    "us-old",
    "tw",
    "ve",
    "za",
)
TRIM = ("trim-silence", "do-not-trim")
PAY_ERRORS = (
    "timeout",
    "invalid-card-number",
    "invalid-card-type",
    "invalid-date",
    "invalid-security-code",
    "invalid-postal-code",
    "invalid-bank-routing-number",
    "invalid-bank-account-number",
    "input-matching-failed",
)


# ---- SSML inside `say` ------------------------------------------------------------------------
# Which element nests in which is twilio-python's (`Say.emphasis`, `SsmlP.s`, …); the
# values are those Twilio documents for `<Say>` (Amazon Polly's and Google's voices).

SSML = ("break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w")
_SSML_INLINE = ("break", "emphasis", "lang", "phoneme", "prosody", "say-as", "sub", "w")
BREAK_STRENGTHS = ("none", "x-weak", "weak", "medium", "strong", "x-strong")
EMPHASIS_LEVELS = ("strong", "moderate", "reduced")
PHONEME_ALPHABETS = ("ipa", "x-sampa", "x-amazon-jyutping", "x-amazon-pinyin", "x-amazon-yomigana")
INTERPRET_AS = (
    "character",
    "characters",
    "spell-out",
    "cardinal",
    "number",
    "ordinal",
    "digits",
    "fraction",
    "unit",
    "date",
    "time",
    "address",
    "expletive",
    "telephone",
    "currency",
    "verbatim",
)
DATE_FORMATS = ("mdy", "dmy", "ymd", "md", "dm", "ym", "my", "d", "m", "y", "yyyymmdd")
WORD_ROLES = ("amazon:VB", "amazon:VBD", "amazon:SENSE_1")
# `prosody`: the words each attribute takes; besides them, a measure (see `checks/ssml_measures.py`).
PROSODY_WORDS = {
    "volume": ("default", "silent", "x-soft", "soft", "medium", "loud", "x-loud"),
    "rate": ("x-slow", "slow", "medium", "fast", "x-fast"),
    "pitch": ("default", "x-low", "low", "medium", "high", "x-high"),
}
_SSML_WORDS = "The words it covers; more text and elements may follow in its block."


def _words(optional: bool = True) -> Value:
    return _value("words", None, '"TEXT"', Shape.STRING, optional, accepts="a string")


def _measure(name: str, summary: str, accepts: str, default: str) -> Option:
    return _opt(name, Shape.MEASURE, name, summary, accepts, default, "VALUE")

# Options several nouns share: one entry each, listed by every noun that takes it.
_WHISPER = _callback(
    "url",
    "url",
    "A TwiML document (a step or a URL) played to the called party before the calls are connected.",
    method="method",
    fetches=True,
)
_CALL_STATUS = _callback(
    "status",
    "statusCallback",
    "Where Twilio reports the progress of the outgoing call.",
    CALL_EVENTS,
    "`completed`",
)
_MACHINE = (
    _word(
        "machine-detection",
        "machineDetection",
        "Detects an answering machine.",
        ("Enable", "DetectMessageEnd"),
    ),
    _callback("amd-status", "amdStatusCallback", "Where Twilio reports the answering-machine result."),
    _opt(
        "machine-detection-timeout",
        Shape.DURATION,
        "machineDetectionTimeout",
        "How long to try to tell a person from a machine.",
        "from `3s` to `59s`",
        "30 s",
        minimum=3,
        maximum=59,
    ),
    _number(
        "machine-detection-speech-threshold",
        "machineDetectionSpeechThreshold",
        "Milliseconds of speech after which a greeting is a machine's.",
        1000,
        6000,
        "2400",
        "MS",
    ),
    _number(
        "machine-detection-speech-end-threshold",
        "machineDetectionSpeechEndThreshold",
        "Milliseconds of silence that end a machine's greeting.",
        500,
        5000,
        "1200",
        "MS",
    ),
    _number(
        "machine-detection-silence-timeout",
        "machineDetectionSilenceTimeout",
        "Milliseconds of initial silence before the result is `unknown`.",
        2000,
        10000,
        "5000",
        "MS",
    ),
)
_RECORDING_STATUS = _callback(
    "recording-status",
    "recordingStatusCallback",
    "Where Twilio reports the recording's status.",
    RECORDING_EVENTS,
    "`completed`",
)
_RECORDING_CONFIGURATION = _string(
    "recording-configuration-id",
    "recordingConfigurationId",
    "The recording configuration to apply.",
    placeholder="ID",
)
_PARAMETER_CHILD = ("parameter",)

# The voice and recognition options a `conversation-relay` and each of its `language` lines take.
_RELAY_VOICE = (
    _word(
        "tts-provider",
        "ttsProvider",
        "The text-to-speech provider.",
        ("Google", "Amazon", "ElevenLabs"),
        "Twilio's; under a `language`, the relay's",
    ),
    _opt(
        "voice",
        Shape.TEXT,
        "voice",
        "The text-to-speech voice.",
        "a voice of the provider",
        "Twilio's; under a `language`, the relay's",
        "VOICE",
    ),
    _word(
        "transcription-provider",
        "transcriptionProvider",
        "The speech-to-text provider.",
        ("Google", "Deepgram"),
        "Twilio's; under a `language`, the relay's",
    ),
    _opt(
        "speech-model",
        Shape.TEXT,
        "speechModel",
        "The speech-to-text model.",
        "a model name",
        "Twilio's; under a `language`, the relay's",
        "MODEL",
    ),
    _string("hints", "hints", "Words and phrases speech recognition should expect."),
    _string(
        "asr-smart-format",
        "asrSmartFormat",
        "Smart formatting of the transcript.",
        placeholder="VALUE",
    ),
    _string(
        "tts-text-normalization",
        "ttsTextNormalization",
        "Text normalisation before speech.",
        placeholder="VALUE",
    ),
    _string(
        "tts-language-text-normalization",
        "ttsLanguageTextNormalization",
        "Language-specific text normalisation.",
        placeholder="VALUE",
    ),
)

VERBS: tuple[Verb, ...] = (
    Verb(
        "say",
        "Say",
        'say "TEXT" [voice VOICE] [language TAG] [loop N]\nsay ["TEXT"] [OPTION ...]:',
        "Speaks the text with text-to-speech. Its block may hold more text, one string a line, "
        "and the SSML elements that shape how it is spoken (`break`, `emphasis`, `say-as`, …).",
        values=(Value("text", None, '"TEXT"'),),
        hover_fields=("content",),
        children=SSML,
        text=True,
        options=(
            Option(
                "voice",
                "voice",
                Shape.TEXT,
                "voice",
                "The text-to-speech voice.",
                "a word or a string, passed through (`man`, `woman`, `Polly.Joanna`, …)",
                "`man`",
                "VOICE",
            ),
            Option(
                "language",
                "language",
                Shape.TEXT,
                "language",
                "The language of the text.",
                "a language tag such as `en-US` or `fr-FR`",
                "`en-US`",
                "TAG",
            ),
            Option(
                "loop",
                "loop",
                Shape.NUMBER,
                "loop",
                _LOOP_SUMMARY.format("speak the text"),
                "a whole number",
                "`1`",
                "N",
            ),
        ),
    ),
    Verb(
        "play",
        "Play",
        'play URL [loop N]\nplay digits "TONES" [loop N]',
        "Plays an audio file, or DTMF tones with `digits`.",
        values=(
            Value("url", None, "URL"),
            Value(
                "digits",
                "digits",
                '"TONES"',
                keyword="digits",
                summary="Plays DTMF tones instead of an audio file.",
                accepts="`0`-`9`, `*`, `#`, and `w` for a half-second wait",
                default="no tones",
            ),
        ),
        hover_fields=("content",),
        attribute_order=("loop", "digits"),
        options=(
            Option(
                "loop",
                "loop",
                Shape.NUMBER,
                "loop",
                _LOOP_SUMMARY.format("play"),
                "a whole number",
                "`1`",
                "N",
            ),
        ),
    ),
    Verb(
        "pause",
        "Pause",
        "pause [DURATION]",
        "Waits silently.",
        values=(Value("length", "length", "DURATION"),),
        hover_fields=("length",),
        default="1 second",
    ),
    Verb(
        "record",
        "Record",
        "record [LABEL] [OPTION ...] [-> [METHOD] TARGET]",
        "Records the caller and sends the recording to the action. Ends the document: "
        "verbs after it in the step never run. The label names the recording and is not written to the TwiML.",
        arrow=_action("the current document's URL; `POST`"),
        options=(
            Option(
                "max",
                "max_length",
                Shape.DURATION,
                "maxLength",
                "The longest recording.",
                "more than 1 s, at most the maximum call duration (10 minutes under `context client`)",
                "3600 s; 120 s for a transcribed recording",
            ),
            Option(
                "timeout",
                "timeout",
                Shape.DURATION_OR_OFF,
                "timeout",
                "Ends the recording after this much silence; `off` (or `0s`) never does.",
                "a duration, or `off`",
                "5 s",
                word_summary='Turns the silence timeout off (`timeout="0"`).',
            ),
            Option(
                "finish",
                "finish",
                Shape.STRING,
                "finishOnKey",
                "Keys that end the recording.",
                "one or more of `0`-`9`, `#`, `*`",
                "`1234567890*#` (any key)",
                "KEYS",
            ),
            Option(
                "beep",
                "beep",
                Shape.SWITCH,
                "playBeep",
                "Whether a beep plays before recording.",
                "`beep` or `no beep`",
                "`true`",
            ),
            Option(
                "trim",
                "trim",
                Shape.SWITCH,
                "trim",
                "Whether silence at the start and end is trimmed.",
                "`trim` (`trim-silence`) or `no trim` (`do-not-trim`)",
                "`trim-silence`",
                switch_values=("trim-silence", "do-not-trim"),
            ),
            Option(
                "transcribe",
                "transcribe",
                Shape.SWITCH_URL,
                "transcribe",
                "Asks Twilio to transcribe the recording (recordings of 2 to 120 s), "
                "optionally posting the text to URL.",
                "an optional callback URL",
                "`false`; no callback",
            ),
            Option(
                "status",
                "status",
                Shape.CALLBACK,
                "recordingStatusCallback",
                "Where Twilio reports the recording's status.",
                "a URL, `GET` or `POST`",
                "no callback; method `POST`",
                events=("in-progress", "completed", "absent"),
                events_summary="The recording events reported to the status callback.",
                events_default="`completed`",
            ),
            _RECORDING_CONFIGURATION,
        ),
    ),
    Verb(
        "gather",
        "Gather",
        "gather [OPTION ...] [-> [METHOD] TARGET][:]",
        "Collects key presses or speech and sends them to the action. An indented block holds the "
        "prompt (`say`, `play`, `pause`). Without input the call continues with the next verb.",
        arrow=_action("the current document's URL; `POST`"),
        attribute_order=("input",),
        children=("say", "play", "pause"),
        options=(
            Option(
                "digits",
                "num_digits",
                Shape.NUMBER,
                "numDigits",
                "How many keys to collect.",
                "a whole number, at least 1",
                "unlimited",
                "N",
            ),
            Option(
                "timeout",
                "timeout",
                Shape.DURATION,
                "timeout",
                "How long to wait for the next key.",
                "at least `1s`",
                "5 s",
            ),
            Option(
                "finish",
                "finish",
                Shape.STRING,
                "finishOnKey",
                "The key that submits the input.",
                'exactly one of `0`-`9`, `#`, `*`, or `""` to turn it off',
                "`#`",
                "KEY",
            ),
            Option(
                "input",
                "input",
                Shape.WORDS,
                "input",
                "What input to accept.",
                "`dtmf`, `speech`, or both",
                "`dtmf`",
                values=("dtmf", "speech"),
            ),
            Option(
                "speech-timeout",
                "speech_timeout",
                Shape.DURATION_OR_AUTO,
                "speechTimeout",
                "How long to wait after speech ends.",
                "at least `1s`, or `auto`",
                "the value of `timeout`",
                word_summary="Lets Twilio decide when speech has ended.",
            ),
            Option(
                "hints",
                "hints",
                Shape.STRING,
                "hints",
                "Words and phrases speech recognition should expect.",
                "a string, passed through",
                "none",
                "TEXT",
            ),
            Option(
                "language",
                "language",
                Shape.TEXT,
                "language",
                "The language of the expected speech.",
                "a language tag such as `en-US`",
                "`en-US`",
                "TAG",
            ),
            Option(
                "profanity-filter",
                "profanity_filter",
                Shape.SWITCH,
                "profanityFilter",
                "Whether speech recognition masks profanities with asterisks.",
                "`profanity-filter` or `no profanity-filter`",
                "`true`",
            ),
            _opt(
                "max-speech-time",
                Shape.DURATION,
                "maxSpeechTime",
                "The longest speech Twilio listens to.",
                "from `1s` to `60s`",
                "60 s",
                minimum=1,
                maximum=60,
            ),
            _callback(
                "partial-result",
                "partialResultCallback",
                "Where Twilio posts the speech recognised so far, while the caller speaks.",
            ),
            _switch("barge-in", "bargeIn", "Whether the caller's speech or keys stop the prompt.", "`true`"),
            _switch("debug", "debug", "Sends Twilio's recognition debugging to the debugger."),
            _switch(
                "action-on-empty-result",
                "actionOnEmptyResult",
                "Requests the action even when the caller gave no input (then the next verb never runs).",
            ),
            _opt(
                "speech-model",
                Shape.TEXT,
                "speechModel",
                "The speech recognition model.",
                "a model name (`default`, `numbers_and_commands`, `phone_call`, `googlev2_long`, …)",
                "`default`",
                "MODEL",
            ),
            _switch("enhanced", "enhanced", "Uses the premium `phone_call` model."),
        ),
    ),
    Verb(
        "redirect",
        "Redirect",
        "redirect -> [METHOD] TARGET",
        "Sends the call to another document. Ends the document.",
        hover_fields=("content", "method"),
        arrow=Arrow(
            "-> [METHOD] TARGET",
            f"Where the call goes. {_FETCHED}",
            _TARGET,
            "method `POST`",
            fields=("content", "method"),
        ),
    ),
    Verb(
        "hangup",
        "Hangup",
        "hangup[:]",
        "Ends the call. Ends the document. Its block may hold `parameter` lines.",
        children=_PARAMETER_CHILD,
    ),
    Verb(
        "reject",
        "Reject",
        "reject [REASON][:]",
        "Declines an incoming call without answering it (only as the first verb Twilio runs). "
        "Ends the document.",
        values=(Value("reason", "reason", "REASON", ("rejected", "busy")),),
        hover_fields=("reason",),
        children=_PARAMETER_CHILD,
        accepts="`rejected` or `busy`",
        default="`rejected`",
    ),
    Verb(
        "dial",
        "Dial",
        'dial ["NUMBER"] [OPTION ...] [-> [METHOD] TARGET][:]',
        "Connects the caller to another number, or, with a block, to the numbers, clients, SIP "
        "addresses, conference or queue its lines name. With an action, Twilio requests it when the "
        "dialled call ends; without one, the next verb runs.",
        values=(Value("number", None, '"NUMBER"'),),
        children=("number", "client", "sip", "sim", "conference", "queue", "application", "whatsapp"),
        alone=("conference", "queue", "sim"),
        max_children=10,
        ends="action",
        hover_fields=("content",),
        arrow=_action("no action; `POST`"),
        options=(
            Option(
                "timeout",
                "timeout",
                Shape.DURATION,
                "timeout",
                "How long to let the dialled number ring.",
                "from `1s` to `10m`",
                "30 s",
            ),
            Option(
                "time-limit",
                "time_limit",
                Shape.DURATION,
                "timeLimit",
                "The longest the dialled call may last.",
                "from `1s` to the maximum call duration",
                "14400 s (4 hours)",
            ),
            Option(
                "caller-id",
                "caller_id",
                Shape.STRING,
                "callerId",
                "The caller ID shown to the dialled party.",
                "a string, passed through",
                "the caller's own number",
                "ID",
            ),
            _switch(
                "hangup-on-star", "hangupOnStar", "Lets the caller hang up on the dialled party with `*`."
            ),
            _word(
                "record",
                "record",
                "Records the dialled call.",
                (
                    "do-not-record",
                    "record-from-answer",
                    "record-from-ringing",
                    "record-from-answer-dual",
                    "record-from-ringing-dual",
                ),
                "`do-not-record`",
            ),
            _switch(
                "trim",
                "trim",
                "Whether silence at the start and end of the recording is trimmed.",
                "`do-not-trim`",
                switch_values=TRIM,
            ),
            _RECORDING_STATUS,
            _RECORDING_CONFIGURATION,
            _switch(
                "answer-on-bridge",
                "answerOnBridge",
                "Keeps the caller's call ringing until the dialled party answers.",
            ),
            _word(
                "ring-tone",
                "ringTone",
                "The ringback tone the caller hears, by country.",
                RING_TONES,
                "the carrier's",
            ),
            _word(
                "recording-track",
                "recordingTrack",
                "Which audio the recording holds.",
                ("both", "inbound", "outbound"),
                "`both`",
            ),
            _switch(
                "sequential", "sequential", "Rings the nouns one after the other instead of all at once."
            ),
            _callback(
                "refer",
                "referUrl",
                "Where Twilio sends a SIP REFER from the dialled party.",
                method="referMethod",
            ),
            _string("events", "events", "The call events to subscribe to.", placeholder="EVENTS"),
            _string(
                "passports", "passports", "The passports (branded calling) to send.", placeholder="PASSPORTS"
            ),
        ),
    ),
    Verb(
        "when",
        None,
        'when digits "KEYS" -> STEP',
        "A line of a branch step: when the caller pressed exactly these keys (the `Digits` the "
        "gather posted), the call goes to STEP. Branch steps are decided on the server, so only "
        "`flowc build --target flask` can serve them.",
        accepts=f"phone keys `0`-`9`, `*`, `#`; {_STEP}",
        values=(
            Value(
                "value",
                None,
                '"KEYS"',
                keyword="digits",
                summary="Compares the keys the caller pressed with KEYS.",
                accepts="phone keys `0`-`9`, `*`, `#`",
            ),
        ),
        arrow=Arrow("-> STEP", "The step the call goes to when the keys match.", _STEP, fields=("target",)),
    ),
    Verb(
        "otherwise",
        None,
        "otherwise -> STEP",
        "The last line of a branch step: where the call goes when no `when` matched.",
        accepts=_STEP,
        arrow=Arrow(
            "-> STEP", "The step the call goes to when no `when` matched.", _STEP, fields=("target",)
        ),
    ),
    _element(
        "leave",
        "Leave",
        "leave",
        "Takes the caller out of the queue it waits in: the `enqueue` that put "
        "it there ends, and its action (or the verb after it) runs. Only in the hold music of a queue (its "
        "`wait` document).",
    ),
    _element(
        "echo",
        "Echo",
        "echo",
        "Plays back what the caller says, to test a line's audio. Runs until the caller hangs up.",
        ends="always",
    ),
    _element(
        "enqueue",
        "Enqueue",
        "enqueue [NAME] [OPTION ...] [-> [METHOD] TARGET][:]",
        "Puts the caller in a queue, where it hears the `wait` document until an agent dequeues it or a "
        "`leave` takes it out. Its block may hold one `task` (a TaskRouter workflow's task).",
        (_value("name", None, "NAME", Shape.TEXT, optional=True),),
        (
            _number("max-queue-size", "maxQueueSize", "The most callers the queue holds.", 1, 5000, "1000"),
            _callback(
                "wait",
                "waitUrl",
                'The TwiML (a step or a URL) played to the caller while it waits; `""` for silence.',
                method="waitUrlMethod",
                default="Twilio's hold music; method `POST`",
                fetches=True,
            ),
            _string(
                "workflow",
                "workflowSid",
                "The TaskRouter workflow that routes the call.",
                placeholder="SID",
                sid="WW",
            ),
        ),
        arrow=_action("no action; `POST`"),
        children=("task",),
        max_children=1,
        ends="action",
    ),
    _noun(
        "task",
        "Task",
        'task "JSON" [priority N] [timeout DURATION]',
        "The TaskRouter task of an `enqueue`: its attributes as JSON.",
        (_value("attributes", None, '"JSON"', Shape.STRING, accepts="a JSON object"),),
        (
            _number("priority", "priority", "The task's priority.", 0, None),
            _opt(
                "timeout",
                Shape.DURATION,
                "timeout",
                "How long the task may wait for a worker.",
                "from `1s`",
                "the workflow's",
                minimum=1,
            ),
        ),
    ),
    _element(
        "start",
        "Start",
        "start [-> [METHOD] TARGET]:",
        "Starts something that runs beside the call (a media `stream`, a `siprec` session, a live "
        "`transcription`, a `recording`) and goes on with the next verb at once.",
        arrow=Arrow("-> [METHOD] TARGET", "Where Twilio reports that the stream started.", _TARGET, "none"),
        children=("stream", "siprec", "transcription", "recording"),
    ),
    _element(
        "stop",
        "Stop",
        "stop:",
        "Stops a `stream`, `siprec` or `transcription` started by `start`, by its `name`.",
        children=("stream", "siprec", "transcription"),
    ),
    _noun(
        "stream",
        "Stream",
        "stream [URL] [OPTION ...][:]",
        "A media stream: the call's audio sent to a WebSocket (`wss://…`). Its block may hold `parameter` lines.",
        (_value("url", "url", "URL", Shape.URL, optional=True, accepts="a `wss://` URL", check="wss"),),
        (
            _opt(
                "name",
                Shape.TEXT,
                "name",
                "The stream's name, by which `stop` ends it.",
                "a word or a string",
                "none",
                "NAME",
            ),
            _string(
                "connector-name", "connectorName", "The Media Streams connector to use.", placeholder="NAME"
            ),
            _word(
                "track",
                "track",
                "Which audio is streamed.",
                ("inbound_track", "outbound_track", "both_tracks"),
                "`inbound_track`",
            ),
            _callback(
                "status", "statusCallback", "Where Twilio reports the stream's start, stop and errors."
            ),
            _string("audio-format", "audioFormat", "The audio encoding sent.", placeholder="FORMAT"),
            _number("sample-rate", "sampleRate", "The audio's sample rate in Hz.", 8000, 48000),
        ),
        children=_PARAMETER_CHILD,
    ),
    _noun(
        "siprec",
        "Siprec",
        "siprec [OPTION ...][:]",
        "A SIPREC session: the call's audio forked to a recording vendor's connector.",
        options=(
            _opt(
                "name",
                Shape.TEXT,
                "name",
                "The session's name, by which `stop` ends it.",
                "a word or a string",
                "none",
                "NAME",
            ),
            _string("connector-name", "connectorName", "The SIPREC connector to use.", placeholder="NAME"),
            _word(
                "track",
                "track",
                "Which audio is sent.",
                ("inbound_track", "outbound_track", "both_tracks"),
                "`both_tracks`",
            ),
            _callback("status", "statusCallback", "Where Twilio reports the session's status."),
        ),
        children=_PARAMETER_CHILD,
    ),
    _noun(
        "transcription",
        "Transcription",
        "transcription [OPTION ...][:]",
        "A real-time transcription of the call. Its block may hold `config` and `parameter` lines.",
        options=(
            _opt(
                "name",
                Shape.TEXT,
                "name",
                "The transcription's name, by which `stop` ends it.",
                "a word or a string",
                "none",
                "NAME",
            ),
            _word(
                "track",
                "track",
                "Which audio is transcribed.",
                ("inbound_track", "outbound_track", "both_tracks"),
                "`both_tracks`",
            ),
            _callback(
                "status",
                "statusCallbackUrl",
                "Where Twilio posts the transcription's events and text.",
                method="statusCallbackMethod",
            ),
            _string(
                "inbound-track-label",
                "inboundTrackLabel",
                "The label of the caller's speech.",
                placeholder="LABEL",
            ),
            _string(
                "outbound-track-label",
                "outboundTrackLabel",
                "The label of the other party's speech.",
                placeholder="LABEL",
            ),
            _switch("partial-results", "partialResults", "Whether partial results are posted as well."),
            _opt(
                "language",
                Shape.TEXT,
                "languageCode",
                "The language spoken.",
                "a language tag such as `en-US`",
                "`en-US`",
                "TAG",
            ),
            _word(
                "engine",
                "transcriptionEngine",
                "The transcription engine.",
                ("google", "deepgram"),
                "`google`",
            ),
            _switch("profanity-filter", "profanityFilter", "Whether profanities are masked.", "`true`"),
            _opt(
                "speech-model",
                Shape.TEXT,
                "speechModel",
                "The engine's speech model.",
                "a model name",
                "the engine's",
                "MODEL",
            ),
            _string("hints", "hints", "Words and phrases the engine should expect."),
            _switch("punctuation", "enableAutomaticPunctuation", "Whether punctuation is added.", "`true`"),
            _string(
                "intelligence-service",
                "intelligenceService",
                "The Conversational Intelligence service.",
                placeholder="SID",
                sid="GA",
            ),
        ),
        children=("config", "parameter"),
    ),
    _noun(
        "recording",
        "Recording",
        "recording [OPTION ...]",
        "Records the call from here on, beside what follows.",
        options=(
            _RECORDING_STATUS,
            _switch(
                "trim",
                "trim",
                "Whether silence is trimmed from the recording.",
                "`do-not-trim`",
                switch_values=TRIM,
            ),
            _word("track", "track", "Which audio is recorded.", ("inbound", "outbound", "both"), "`both`"),
            _word("channels", "channels", "One channel, or one per party.", ("mono", "dual"), "`mono`"),
            _RECORDING_CONFIGURATION,
        ),
    ),
    _noun(
        "config",
        "Config",
        'config NAME "VALUE"',
        "A setting of a `transcription` or `virtual-agent`.",
        (_value("name", "name", "NAME", Shape.TEXT), _value("value", "value", '"VALUE"', Shape.STRING)),
    ),
    _element(
        "connect",
        "Connect",
        "connect [-> [METHOD] TARGET]:",
        "Connects the call to one thing its block names: a `stream`, a video `room`, a `virtual-agent`, a "
        "`conversation`, a `conversation-relay` (an AI agent over a WebSocket), an `ai-session` or a "
        "`conversation-relay-session`.",
        arrow=_action("no action; `POST`"),
        children=(
            "stream",
            "room",
            "virtual-agent",
            "conversation",
            "conversation-relay",
            "ai-session",
            "conversation-relay-session",
        ),
        max_children=1,
        ends="action",
    ),
    _noun(
        "room",
        "Room",
        "room NAME [participant-identity ID]",
        "A Programmable Video room the call joins.",
        (_value("name", None, "NAME", Shape.TEXT),),
        (
            _string(
                "participant-identity",
                "participantIdentity",
                "The caller's identity in the room.",
                placeholder="ID",
            ),
        ),
    ),
    _noun(
        "virtual-agent",
        "VirtualAgent",
        "virtual-agent [OPTION ...][:]",
        "A Dialogflow CX virtual agent. Its block may hold `config` and `parameter` lines.",
        options=(
            _string(
                "connector-name", "connectorName", "The Dialogflow CX connector to use.", placeholder="NAME"
            ),
            _opt(
                "language",
                Shape.TEXT,
                "language",
                "The language spoken.",
                "a language tag such as `en-US`",
                "the agent's",
                "TAG",
            ),
            _switch("sentiment-analysis", "sentimentAnalysis", "Whether the agent analyses sentiment."),
            _callback("status", "statusCallback", "Where Twilio reports the agent's status."),
        ),
        children=("config", "parameter"),
    ),
    _noun(
        "conversation",
        "Conversation",
        'conversation "SID" [OPTION ...]',
        "A Twilio Conversations service the call joins, by its `IS` SID.",
        (_value("service", "serviceInstanceSid", '"SID"', Shape.STRING, accepts="an `IS` SID", sid="IS"),),
        (
            _switch(
                "inbound-autocreation",
                "inboundAutocreation",
                "Whether a conversation is created for the call.",
            ),
            _opt(
                "routing-assignment-timeout",
                Shape.DURATION,
                "routingAssignmentTimeout",
                "How long to wait for an agent.",
                "a duration",
                "none",
                minimum=1,
            ),
            _opt(
                "inbound-timeout",
                Shape.DURATION,
                "inboundTimeout",
                "How long the call may wait.",
                "a duration",
                "none",
                minimum=1,
            ),
            _callback(
                "url", "url", "Where Twilio requests TwiML when the conversation ends.", method="method"
            ),
            _word(
                "record",
                "record",
                "Records the call.",
                (
                    "do-not-record",
                    "record-from-answer",
                    "record-from-ringing",
                    "record-from-answer-dual",
                    "record-from-ringing-dual",
                ),
                "`do-not-record`",
            ),
            _switch(
                "trim",
                "trim",
                "Whether silence is trimmed from the recording.",
                "`do-not-trim`",
                switch_values=TRIM,
            ),
            _RECORDING_STATUS,
            _callback(
                "status",
                "statusCallback",
                "Where Twilio reports the call's progress.",
                ("call-initiated", "call-ringing", "call-answered", "call-completed"),
                "`call-completed`",
            ),
        ),
    ),
    _noun(
        "conversation-relay",
        "ConversationRelay",
        "conversation-relay URL [OPTION ...][:]",
        "An AI agent on a WebSocket server: Twilio turns the caller's speech into text for it and speaks "
        "its replies. Its block may hold `language` and `parameter` lines.",
        (_value("url", "url", "URL", Shape.URL, accepts="a `wss://` URL", check="wss"),),
        (
            _opt(
                "language",
                Shape.TEXT,
                "language",
                "The language of speech and text.",
                "a language tag",
                "`en-US`",
                "TAG",
            ),
            _opt(
                "tts-language",
                Shape.TEXT,
                "ttsLanguage",
                "The language of the spoken replies.",
                "a language tag",
                "`language`",
                "TAG",
            ),
            _opt(
                "transcription-language",
                Shape.TEXT,
                "transcriptionLanguage",
                "The language of the caller.",
                "a language tag",
                "`language`",
                "TAG",
            ),
            *_RELAY_VOICE,
            _switch("profanity-filter", "profanityFilter", "Whether profanities are masked.", "`true`"),
            _switch("dtmf-detection", "dtmfDetection", "Whether key presses are sent to the server."),
            _string("welcome-greeting", "welcomeGreeting", "What the agent says when the call connects."),
            _switch(
                "partial-prompts", "partialPrompts", "Whether partial speech is sent as it is recognised."
            ),
            _word(
                "welcome-greeting-interruptible",
                "welcomeGreetingInterruptible",
                "What may interrupt the welcome greeting.",
                ("none", "dtmf", "speech", "any"),
                "`any`",
            ),
            _word(
                "interruptible",
                "interruptible",
                "What may interrupt the agent's speech.",
                ("none", "dtmf", "speech", "any"),
                "`any`",
            ),
            _switch("preemptible", "preemptible", "Whether a new reply may cut the one being spoken."),
            _word(
                "report-input-during-agent-speech",
                "reportInputDuringAgentSpeech",
                "Which input is reported while the agent speaks.",
                ("none", "dtmf", "speech", "any"),
                "`none`",
            ),
            _word(
                "elevenlabs-text-normalization",
                "elevenlabsTextNormalization",
                "ElevenLabs' text normalisation.",
                ("on", "off", "auto"),
                "`off`",
            ),
            _word(
                "interrupt-sensitivity",
                "interruptSensitivity",
                "How easily speech interrupts the agent.",
                ("low", "medium", "high"),
                "`high`",
            ),
            _string("debug", "debug", "Debugging messages to send to the server.", placeholder="CHANNELS"),
            _string(
                "background-noise-reduction",
                "backgroundNoiseReduction",
                "Background noise reduction.",
                placeholder="VALUE",
            ),
            _string(
                "speech-timeout",
                "speechTimeout",
                "Silence, in milliseconds, that ends the caller's turn.",
                placeholder="MS",
            ),
            _string(
                "deepgram-smart-format",
                "deepgramSmartFormat",
                "Deepgram's smart formatting.",
                placeholder="VALUE",
            ),
            _string(
                "ignore-backchannel",
                "ignoreBackchannel",
                "Whether short acknowledgements are ignored.",
                placeholder="VALUE",
            ),
            _string("events", "events", "The events sent to the server.", placeholder="EVENTS"),
            _string(
                "partial-prompt-on-hangup",
                "partialPromptOnHangup",
                "Whether a partial prompt is sent when the caller hangs up.",
                placeholder="VALUE",
            ),
            _string(
                "eager-eot-threshold",
                "eagerEotThreshold",
                "The eager end-of-turn threshold.",
                placeholder="VALUE",
            ),
            _string(
                "elevenlabs-language-text-normalization",
                "elevenlabsLanguageTextNormalization",
                "ElevenLabs' language-specific normalisation.",
                placeholder="VALUE",
            ),
            _string(
                "include-in-prompt",
                "includeInPrompt",
                "What the prompts sent to the server include.",
                placeholder="VALUE",
            ),
            _string("customer-name", "customerName", "The caller's name, for the agent.", placeholder="NAME"),
            _string(
                "application-reconnect",
                "applicationReconnect",
                "How the WebSocket reconnects.",
                placeholder="VALUE",
            ),
            _string(
                "echo-prompt-filtering",
                "echoPromptFiltering",
                "Filters the agent's echo from the caller's speech.",
                placeholder="VALUE",
            ),
            _string(
                "turn-detection",
                "turnDetection",
                "How the end of the caller's turn is detected.",
                placeholder="VALUE",
            ),
            _string(
                "intelligence-service",
                "intelligenceService",
                "The Conversational Intelligence service that analyses the conversation.",
                placeholder="SID",
                sid="GA",
            ),
        ),
        children=("language", "parameter"),
    ),
    _noun(
        "language",
        "Language",
        "language TAG [OPTION ...]",
        "The providers and voice a `conversation-relay` uses for one language.",
        (_value("code", "code", "TAG", Shape.TEXT, accepts="a language tag such as `fr-FR`"),),
        _RELAY_VOICE,
    ),
    _noun(
        "ai-session",
        "AiSession",
        'ai-session [connector "NAME"] [configuration "ID"]',
        "An AI session through an AI connector.",
        options=(
            _string("connector", "aiConnector", "The AI connector.", placeholder="NAME"),
            _string(
                "configuration", "aiSessionConfiguration", "The session configuration.", placeholder="ID"
            ),
        ),
    ),
    _noun(
        "conversation-relay-session",
        "ConversationRelaySession",
        'conversation-relay-session [connector "NAME"] [configuration "ID"]',
        "A ConversationRelay session through a connector.",
        options=(
            _string("connector", "connector", "The connector.", placeholder="NAME"),
            _string("configuration", "sessionConfiguration", "The session configuration.", placeholder="ID"),
        ),
    ),
    _element(
        "pay",
        "Pay",
        "pay [OPTION ...] [-> [METHOD] TARGET][:]",
        "Collects a card or bank account payment by keypad, PCI-compliant, and posts the result to the "
        "action. Its block may hold `prompt` and `parameter` lines. Ends the document.",
        options=(
            _word("input", "input", "How the caller enters the details.", ("dtmf",), "`dtmf`"),
            _word(
                "bank-account-type",
                "bankAccountType",
                "The kind of bank account (`payment-method ach-debit`).",
                ("consumer-checking", "consumer-savings", "commercial-checking", "commercial-savings"),
                "`consumer-checking`",
            ),
            _callback("status", "statusCallback", "Where Twilio reports each step of the payment."),
            _opt(
                "timeout",
                Shape.DURATION,
                "timeout",
                "How long to wait for the next key.",
                "from `1s` to `600s`",
                "5 s",
                minimum=1,
                maximum=600,
            ),
            _number("max-attempts", "maxAttempts", "How many tries the caller gets.", 1, 3, "1"),
            _switch(
                "security-code", "securityCode", "Whether the card's security code is asked for.", "`true`"
            ),
            _switch("postal-code", "postalCode", "Whether the postal code is asked for.", "`true`"),
            _number(
                "min-postal-code-length", "minPostalCodeLength", "The shortest postal code accepted.", 1, 10
            ),
            _opt(
                "connector",
                Shape.TEXT,
                "paymentConnector",
                "The Pay connector that processes the payment.",
                "a connector name",
                "`Default`",
                "NAME",
            ),
            _word(
                "payment-method",
                "paymentMethod",
                "Card or bank account.",
                ("credit-card", "ach-debit"),
                "`credit-card`",
            ),
            _word(
                "token-type",
                "tokenType",
                "The token to create.",
                ("one-time", "reusable", "payment-method"),
                "`reusable`",
            ),
            _string(
                "charge-amount",
                "chargeAmount",
                "The amount to charge; without it the card is tokenized.",
                "a decimal amount such as `10.50`",
                placeholder="AMOUNT",
            ),
            _opt(
                "currency",
                Shape.TEXT,
                "currency",
                "The currency of the amount.",
                "a currency code",
                "`usd`",
                "CODE",
            ),
            _string("description", "description", "A description of the payment."),
            _opt(
                "card-types",
                Shape.WORDS,
                "validCardTypes",
                "The cards accepted.",
                ", ".join(
                    f"`{c}`"
                    for c in (
                        "visa",
                        "mastercard",
                        "amex",
                        "maestro",
                        "discover",
                        "optima",
                        "jcb",
                        "diners-club",
                        "enroute",
                    )
                ),
                "`visa mastercard amex`",
                values=(
                    "visa",
                    "mastercard",
                    "amex",
                    "maestro",
                    "discover",
                    "optima",
                    "jcb",
                    "diners-club",
                    "enroute",
                ),
            ),
            _opt(
                "language",
                Shape.TEXT,
                "language",
                "The language of the prompts.",
                "a language tag",
                "`en-US`",
                "TAG",
            ),
        ),
        arrow=Arrow(
            "-> TARGET",
            "Where Twilio posts the payment's result (always with `POST`, over https).",
            "an https URL, or a path under an https `base-url`",
            "the current document's URL",
            method=False,
        ),
        children=("prompt", "parameter"),
        ends="always",
    ),
    _noun(
        "prompt",
        "Prompt",
        "prompt for STEP [OPTION ...]:",
        "What the caller hears at one step of a `pay`: a block of `say`, `play` and `pause`.",
        options=(
            _word(
                "for",
                "for",
                "The step of the payment the prompt is for.",
                (
                    "payment-card-number",
                    "expiration-date",
                    "security-code",
                    "postal-code",
                    "bank-routing-number",
                    "bank-account-number",
                    "payment-processing",
                ),
            ),
            _opt(
                "error-type",
                Shape.WORDS,
                "errorType",
                "The errors after which the prompt plays.",
                ", ".join(f"`{e}`" for e in PAY_ERRORS),
                "any",
                values=PAY_ERRORS,
            ),
            _opt(
                "card-type",
                Shape.WORDS,
                "cardType",
                "The cards for which the prompt plays.",
                "card types",
                "any",
                values=(
                    "visa",
                    "mastercard",
                    "amex",
                    "maestro",
                    "discover",
                    "optima",
                    "jcb",
                    "diners-club",
                    "enroute",
                ),
            ),
            _string(
                "attempt",
                "attempt",
                "The attempts at which the prompt plays.",
                "numbers, space-separated",
                placeholder="N ...",
            ),
            _switch(
                "require-matching-inputs",
                "requireMatchingInputs",
                "Asks for the value twice and compares (bank details).",
            ),
        ),
        children=("say", "play", "pause"),
        required=("for",),
    ),
    _element(
        "refer",
        "Refer",
        "refer [-> [METHOD] TARGET]:",
        "Transfers a SIP call elsewhere with a SIP REFER, to the `sip` address of its block.",
        arrow=_action("no action; `POST`"),
        children=("sip",),
        max_children=1,
        ends="action",
    ),
    _element(
        "sms",
        "Sms",
        'sms "MESSAGE" [to "NUMBER"] [from "NUMBER"] [status URL] [-> [METHOD] TARGET]',
        "Sends a text message during the call (Twilio's older verb; Messaging is its replacement).",
        (_value("message", None, '"MESSAGE"', Shape.STRING),),
        (
            _opt(
                "to",
                Shape.STRING,
                "to",
                "The number the message goes to.",
                "a number in E.164",
                "the caller",
                "NUMBER",
                check="e164",
            ),
            _opt(
                "from",
                Shape.STRING,
                "from",
                "The number the message comes from.",
                "a number in E.164",
                "the called number",
                "NUMBER",
                check="e164",
            ),
            _callback("status", "statusCallback", "Where Twilio reports the message's status.", method=""),
        ),
        arrow=_action("no action; `POST`"),
        ends="action",
    ),
    # ---- the nouns of `dial` -------------------------------------------------------------
    _noun(
        "number",
        "Number",
        'number "NUMBER" [OPTION ...]',
        "A phone number to dial, in E.164 (`+14155550100`).",
        (_value("number", None, '"NUMBER"', Shape.STRING, accepts="a number in E.164", check="e164"),),
        (
            _string(
                "send-digits",
                "sendDigits",
                "Keys to press once the call is answered.",
                "`0`-`9`, `*`, `#`, and `w` for a half-second wait",
                placeholder="KEYS",
            ),
            _WHISPER,
            _CALL_STATUS,
            _string("byoc", "byoc", "The BYOC trunk to dial out through.", placeholder="SID", sid="BY"),
            *_MACHINE,
        ),
    ),
    _noun(
        "client",
        "Client",
        "client [IDENTITY] [OPTION ...][:]",
        "A Voice SDK client (a browser or app) to dial. Its block may hold `identity` and `parameter` lines.",
        (_value("identity", None, "IDENTITY", Shape.TEXT, optional=True),),
        (_WHISPER, _CALL_STATUS),
        children=("identity", "parameter"),
    ),
    _noun(
        "identity",
        "Identity",
        "identity IDENTITY",
        "The client's identity, when the client also takes parameters.",
        (_value("identity", None, "IDENTITY", Shape.TEXT),),
    ),
    _noun(
        "parameter",
        "Parameter",
        'parameter NAME "VALUE"',
        "A custom parameter passed to what the element connects to.",
        (_value("name", "name", "NAME", Shape.TEXT), _value("value", "value", '"VALUE"', Shape.STRING)),
    ),
    _noun(
        "sip",
        "Sip",
        'sip "SIP-URI" [OPTION ...][:]',
        "A SIP endpoint to dial (`sip:alice@example.com`); under `refer`, the address to transfer to.",
        (_value("uri", None, '"SIP-URI"', Shape.STRING, optional=True, accepts="a `sip:` URI", check="sip"),),
        (
            _string("username", "username", "The user name for SIP authentication.", placeholder="USER"),
            _string("password", "password", "The password for SIP authentication.", placeholder="PASSWORD"),
            _WHISPER,
            _CALL_STATUS,
            *_MACHINE,
        ),
        children=("uri", "headers"),
    ),
    _noun(
        "uri",
        "Uri",
        'uri "SIP-URI" [OPTION ...]',
        "One SIP address of a `sip` with several, tried by priority and weight.",
        (_value("uri", None, '"SIP-URI"', Shape.STRING, accepts="a `sip:` URI", check="sip"),),
        (
            _number("priority", "priority", "Addresses with a lower priority are tried first.", 0, None),
            _number("weight", "weight", "Among addresses of one priority, the share of calls.", 0, None),
            _string("username", "username", "The user name for SIP authentication.", placeholder="USER"),
            _string("password", "password", "The password for SIP authentication.", placeholder="PASSWORD"),
        ),
    ),
    _noun(
        "headers",
        "Headers",
        "headers:",
        "The custom SIP headers of a `sip`, one `header` line each.",
        children=("header",),
    ),
    _noun(
        "header",
        "Header",
        'header NAME "VALUE"',
        "A custom SIP header (`X-` headers).",
        (_value("name", "name", "NAME", Shape.TEXT), _value("value", "value", '"VALUE"', Shape.STRING)),
    ),
    _noun(
        "sim",
        "Sim",
        'sim "SID"',
        "A Twilio Programmable Wireless SIM to dial, by its `DE` SID.",
        (_value("sid", None, '"SID"', Shape.STRING, accepts="a `DE` SID", sid="DE"),),
    ),
    _noun(
        "conference",
        "Conference",
        "conference NAME [OPTION ...]",
        "Puts the caller in a conference room, by name.",
        (_value("name", None, "NAME", Shape.TEXT),),
        (
            _switch("muted", "muted", "Whether the participant can be heard."),
            _switch(
                "beep",
                "beep",
                "Whether a beep plays when participants join and leave; "
                "`beep onEnter` or `beep onExit` for one of the two.",
                "`true`",
                values=("onEnter", "onExit"),
            ),
            _switch(
                "start-on-enter",
                "startConferenceOnEnter",
                "Whether the conference starts when this participant joins.",
                "`true`",
            ),
            _switch(
                "end-on-exit",
                "endConferenceOnExit",
                "Whether the conference ends when this participant leaves.",
            ),
            _callback(
                "wait",
                "waitUrl",
                "The TwiML (a step or a URL) or audio played while the conference has not started.",
                method="waitMethod",
                default="Twilio's hold music; method `POST`",
                fetches=True,
            ),
            _number(
                "max-participants", "maxParticipants", "The most participants the room holds.", 2, 250, "250"
            ),
            _word(
                "record",
                "record",
                "Records the conference.",
                ("do-not-record", "record-from-start"),
                "`do-not-record`",
            ),
            _word(
                "region",
                "region",
                "Where the conference is mixed.",
                ("us1", "us2", "ie1", "de1", "sg1", "br1", "au1", "jp1"),
                "the caller's",
            ),
            _string("coach", "coach", "The call SID this participant coaches.", placeholder="SID", sid="CA"),
            _switch(
                "trim",
                "trim",
                "Whether silence is trimmed from the recording.",
                "`trim-silence`",
                switch_values=TRIM,
            ),
            _callback(
                "status",
                "statusCallback",
                "Where Twilio reports the conference's events.",
                CONFERENCE_EVENTS,
                "none",
            ),
            _RECORDING_STATUS,
            _RECORDING_CONFIGURATION,
            _opt(
                "event-callback",
                Shape.URL,
                "eventCallbackUrl",
                "Where Twilio reports the participant's events.",
                "a URL",
                "none",
            ),
            _word(
                "jitter-buffer-size",
                "jitterBufferSize",
                "The jitter buffer of the participant's audio.",
                ("large", "medium", "small", "off"),
                "`large`",
            ),
            _string(
                "participant-label", "participantLabel", "A label for the participant.", placeholder="LABEL"
            ),
        ),
    ),
    _noun(
        "queue",
        "Queue",
        "queue NAME [OPTION ...]",
        "Connects the caller to the first call waiting in a queue.",
        (_value("name", None, "NAME", Shape.TEXT),),
        (
            _callback(
                "url",
                "url",
                "A TwiML document (a step or a URL) played to the dequeued caller before "
                "the calls are connected.",
                method="method",
                fetches=True,
            ),
            _string(
                "reservation",
                "reservationSid",
                "The TaskRouter reservation to accept.",
                placeholder="SID",
                sid="WR",
            ),
            _string(
                "post-work-activity",
                "postWorkActivitySid",
                "The TaskRouter activity of the worker after the call.",
                placeholder="SID",
                sid="WA",
            ),
        ),
    ),
    _noun(
        "application",
        "Application",
        'application ["SID"] [OPTION ...][:]',
        "A TwiML App to dial, by its `AP` SID.",
        (_value("sid", None, '"SID"', Shape.STRING, optional=True, accepts="an `AP` SID", sid="AP"),),
        (
            _WHISPER,
            _CALL_STATUS,
            _string(
                "customer-id",
                "customerId",
                "Who the call is from, as the application sees it.",
                placeholder="ID",
            ),
            _switch(
                "copy-parent-to", "copyParentTo", "Copies the parent call's `To` to the application's call."
            ),
        ),
        children=("application-sid", "parameter"),
    ),
    _noun(
        "application-sid",
        "ApplicationSid",
        'application-sid "SID"',
        "The TwiML App's SID, when the application also takes parameters.",
        (_value("sid", None, '"SID"', Shape.STRING, accepts="an `AP` SID", sid="AP"),),
    ),
    _noun(
        "whatsapp",
        "WhatsApp",
        'whatsapp "NUMBER" [OPTION ...]',
        "A WhatsApp user to call, by phone number.",
        (_value("number", None, '"NUMBER"', Shape.STRING, accepts="a number in E.164", check="e164"),),
        (_WHISPER, _CALL_STATUS),
    ),
    # ---- SSML: the lines of a `say` block ----
    _noun(
        "break",
        "break",
        "break [TIME] [strength WORD]",
        "A pause in the speech, of a length (`500ms`, `2s`, at most 10 s) or a strength.",
        (
            _value(
                "time",
                "time",
                "TIME",
                Shape.MEASURE,
                optional=True,
                accepts="milliseconds or seconds: `500ms`, `2s`; at most 10 s",
            ),
        ),
        (
            _word(
                "strength",
                "strength",
                "How long a pause, in words.",
                BREAK_STRENGTHS,
                "`medium`",
            ),
        ),
    ),
    _noun(
        "emphasis",
        "emphasis",
        'emphasis [LEVEL] ["TEXT"][:]',
        "Speaks its words with more (or less) emphasis.",
        (
            _value(
                "level",
                "level",
                "LEVEL",
                Shape.WORD,
                optional=True,
                choices=EMPHASIS_LEVELS,
                accepts=", ".join(f"`{v}`" for v in EMPHASIS_LEVELS),
                default="`moderate`",
            ),
            _words(),
        ),
        children=_SSML_INLINE,
        text=True,
    ),
    _noun(
        "lang",
        "lang",
        'lang TAG ["TEXT"][:]',
        "Speaks its words in another language (`xml:lang`).",
        (
            _value("language", "xml:lang", "TAG", Shape.WORD, accepts="a language tag such as `fr-FR`"),
            _words(),
        ),
        children=SSML,
        text=True,
    ),
    _noun(
        "p",
        "p",
        'p ["TEXT"][:]',
        "A paragraph: a longer pause after it.",
        (_words(),),
        children=tuple(c for c in SSML if c != "p"),
        text=True,
    ),
    _noun(
        "phoneme",
        "phoneme",
        'phoneme "TEXT" ph "SYMBOLS" [alphabet WORD]',
        "Speaks its words as the phonetic symbols say.",
        (_words(optional=False),),
        (
            _word("alphabet", "alphabet", "The phonetic alphabet of `ph`.", PHONEME_ALPHABETS, "`ipa`"),
            _string("ph", "ph", "The pronunciation, in the phonetic alphabet.", placeholder="SYMBOLS"),
        ),
        required=("ph",),
    ),
    _noun(
        "prosody",
        "prosody",
        'prosody ["TEXT"] [volume VALUE] [rate VALUE] [pitch VALUE][:]',
        "Changes the volume, speed or pitch of its words.",
        (_words(),),
        (
            _measure(
                "volume",
                "The volume.",
                ", ".join(f"`{v}`" for v in PROSODY_WORDS["volume"]) + ", or a change in decibels: `+6dB`, `-3dB`",
                "`medium`",
            ),
            _measure(
                "rate",
                "The speaking rate.",
                ", ".join(f"`{v}`" for v in PROSODY_WORDS["rate"]) + ", or a percentage from `20%` to `200%`",
                "`medium`",
            ),
            _measure(
                "pitch",
                "The pitch.",
                ", ".join(f"`{v}`" for v in PROSODY_WORDS["pitch"])
                + ", or a change in percent from `-33.3%` to `+50%`",
                "`medium`",
            ),
        ),
        children=SSML,
        text=True,
    ),
    _noun(
        "s",
        "s",
        's ["TEXT"][:]',
        "A sentence: a pause after it.",
        (_words(),),
        children=_SSML_INLINE,
        text=True,
    ),
    _noun(
        "say-as",
        "say-as",
        'say-as KIND "TEXT" [format WORD]',
        "Tells the voice what kind of text its words are (a date, digits, a currency, …).",
        (
            _value(
                "interpret_as",
                "interpret-as",
                "KIND",
                Shape.WORD,
                choices=INTERPRET_AS,
                accepts=", ".join(f"`{v}`" for v in INTERPRET_AS),
            ),
            _words(optional=False),
        ),
        (_word("format", "format", "The order of a date's parts (with `say-as date`).", DATE_FORMATS),),
    ),
    _noun(
        "sub",
        "sub",
        'sub "TEXT" alias "SPOKEN"',
        "Speaks the alias in place of its words (an abbreviation, a symbol).",
        (_words(optional=False),),
        (_string("alias", "alias", "What is spoken instead of the words.", placeholder="SPOKEN"),),
    ),
    _noun(
        "w",
        "w",
        'w ["TEXT"] [role "ROLE"][:]',
        "A word, pronounced as the part of speech or sense its role names.",
        (_words(),),
        (
            _string(
                "role",
                "role",
                "The word's part of speech or sense.",
                ", ".join(f"`{r}`" for r in WORD_ROLES),
                placeholder="ROLE",
            ),
        ),
        children=("break", "emphasis", "phoneme", "prosody", "say-as", "sub"),
        text=True,
    ),
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "max-call-duration",
        "max-call-duration DURATION",
        "The account's maximum call duration: the upper limit of `record max` and `dial time-limit`.",
        "1 second to 24 hours",
        "4 hours",
    ),
    Setting(
        "context",
        "context KIND",
        "How calls enter the flow; changes what flowc checks.",
        "`client`, `live-update`, `twiml-parameter`",
        values=tuple(c.value for c in Context),
    ),
    Setting(
        "base-url",
        "base-url URL",
        "Where the build output is published: step references compile to `URL/<flow>/<step>.xml`.",
        "an absolute `http`/`https` URL without query or fragment",
    ),
)

STRUCTURE: tuple[Structure, ...] = (
    Structure(
        "flow",
        "flow NAME",
        "Names the flow: the output directory and the left half of "
        "`NAME.step` references. Its settings are indented below it.",
    ),
    Structure(
        "step",
        "step NAME:",
        "Starts a step: one TwiML document, `OUT/<flow>/NAME.xml`. The first step is the entry step.",
    ),
)

BY_NAME: dict[str, Verb] = {v.name: v for v in VERBS}

# ---- retired elements -----------------------------------------------------------------------
# Elements twilio-python still builds but Twilio no longer runs. The language has no construct
# for them: writing one in a flow (FL010) or importing one (FL010) says why, and what took its place.


@record
class Retired:
    """An element Twilio has retired."""

    name: str  # how it would be written: `autopilot`
    element: str  # its TwiML element: `Autopilot`
    parent: str  # the element twilio-python builds it in: `Connect`
    reason: str
    replacement: str  # what to write instead, in the language's words

    @property
    def message(self) -> str:
        """What FL010 says, in a flow and in imported TwiML."""
        return f"`<{self.element}>` is retired: {self.reason}"

    @property
    def hint(self) -> str:
        return f"use {self.replacement} instead"


RETIRED: tuple[Retired, ...] = (
    Retired(
        "autopilot",
        "Autopilot",
        "Connect",
        "Twilio retired Autopilot on 30 September 2023; calls to an Autopilot assistant no longer connect",
        "an AI agent under `connect`: `virtual-agent` (Dialogflow CX) or `conversation-relay`",
    ),
)
RETIRED_BY_NAME: dict[str, Retired] = {r.name: r for r in RETIRED}
RETIRED_BY_ELEMENT: dict[str, Retired] = {r.element: r for r in RETIRED}

# Attributes Twilio renamed, by (element, old name): the new name and when. Documents written
# before the rename (Twilio's own published examples among them) still carry the old name;
# importing one says what to write instead of only that the attribute is unknown.
RENAMED_ATTRIBUTES: dict[tuple[str, str], tuple[str, str]] = {
    # twilio-python, -node, -csharp … 2022-12-14: "Rename `role` attribute to `format` in SSML `<say-as>`"
    ("say-as", "role"): ("format", "December 2022"),
}

# Callback events Twilio renamed, by (element or verb, option, old name): the new name and
# when. Twilio's older published examples still list the old name.
RENAMED_EVENTS: dict[tuple[str, str, str], tuple[str, str]] = {
    # twilio-python, -php, -cli … 2022-08-24: "Update `event` value `call-in-progress` to `call-answered`"
    ("conversation", "status", "call-in-progress"): ("call-answered", "August 2022"),
}

ELEMENTS: tuple[Verb, ...] = tuple(
    v for v in VERBS if v.element is not None and not v.noun
)  # the TwiML verbs
NOUNS: tuple[Verb, ...] = tuple(v for v in VERBS if v.noun)  # written in the block of an element
GENERATED: tuple[Verb, ...] = tuple(v for v in VERBS if v.generated)  # their rules come from the table
BRANCH_LINES: tuple[Verb, ...] = tuple(v for v in VERBS if v.element is None)
# The verb of each TwiML element, for reading TwiML back (`flowc import`).
BY_ELEMENT: dict[str, Verb] = {v.element: v for v in VERBS if v.element is not None}


def verb(name: str) -> Verb:
    return BY_NAME[name]


def option_owners() -> dict[str, tuple[str, ...]]:
    """Each option's name and the verbs that take it, in the table's order."""
    owners: dict[str, list[str]] = {}
    for v in VERBS:
        for o in v.options:
            owners.setdefault(o.name, []).append(v.name)
    return {name: tuple(verbs) for name, verbs in owners.items()}


# The grammar's own terminals: a keyword spelled like one gets `_KW` appended (`name`).
_STRUCTURAL = frozenset(
    ("NAME", "WORD", "STRING", "PATH", "INT", "DURATION", "METHOD", "FLOW_STEP", "ABSOLUTE_URL", "LOOSE_URL")
)


def terminal(word: str) -> str:
    """The grammar's terminal for a keyword: `speech-timeout` → `SPEECH_TIMEOUT`, `name` → `NAME_KW`."""
    name = word.upper().replace("-", "_")
    return f"{name}_KW" if name in _STRUCTURAL else name


def keywords() -> tuple[str, ...]:
    """Every word of the vocabulary that is a keyword somewhere."""
    words: dict[str, None] = {}
    for s in STRUCTURE:
        words[s.name] = None
    for st in SETTINGS:
        words[st.name] = None
    for v in VERBS:
        words[v.name] = None
        for o in v.options:
            words[o.name] = None
            if o.word:
                words[o.word] = None
            if o.shape is Shape.SWITCH:
                words[NEGATION] = None
            if o.shape is Shape.CALLBACK and o.events:
                words[EVENTS] = None
    return tuple(words)


# A one-letter keyword (`p`, `s`, `w` of SSML) is a whole word only: as a literal the
# contextual lexer would read the `s` of `stop` or `sotp` as the keyword and the rest as
# another word.
WHOLE_WORD = "(?![A-Za-z0-9_.-])"


def terminal_definition(name: str, word: str) -> str:
    """The grammar's definition of a keyword terminal: `SAY: "say"`, `S: /s(?![A-Za-z0-9_.-])/`."""
    return f"{name}: /{word}{WHOLE_WORD}/" if len(word) == 1 else f'{name}: "{word}"'


def is_pair(verb: Verb) -> bool:
    """An element that is a key and its value, `parameter NAME "VALUE"` (also
    `header`, `config`): its name is the application's own word."""
    values = verb.values
    return (
        len(values) == 2
        and not any(v.optional or v.keyword for v in values)
        and values[0].shape is Shape.TEXT
        and values[1].shape is Shape.STRING
    )


def rule_name(verb: Verb) -> str:
    """The grammar rule of a verb's line: `say`, or `say_as_element` for a generated one."""
    base = terminal(verb.name).lower()
    return f"{base}_element" if verb.generated else base


# ---- the grammar of options ----------------------------------------------------------------

# Each shape's productions: (tail after the keyword, rule alias). The alias
# names how the transformer reads the children (see flowc.syntax.transform).
_PRODUCTIONS: dict[Shape, tuple[tuple[str, str], ...]] = {
    Shape.DURATION: (("duration", "option_value"),),
    Shape.DURATION_OR_OFF: (("duration", "option_value"), ("OFF", "option_word")),
    Shape.DURATION_OR_AUTO: (("duration", "option_value"), ("AUTO", "option_word")),
    Shape.STRING: (("STRING", "option_value"),),
    Shape.TEXT: (("text", "option_value"),),
    Shape.NUMBER: (("INT", "option_value"),),
    Shape.WORDS: (("WORD+", "option_words"),),
    Shape.SWITCH: (("", "option_on"),),
    Shape.SWITCH_URL: (("[url]", "option_url"),),
    Shape.CALLBACK: (("[METHOD] url [events]", "option_callback"),),
    Shape.WORD: (("WORD", "option_value"),),
    Shape.URL: (("url", "option_value"),),
    Shape.MEASURE: (("(MEASURE | WORD)", "option_value"),),
}
# The grammar of a generated element's value, by its shape.
# A word or a string is written out, not through the shared `text` rule: LALR merges
# the lookaheads of every use of `text`, and a state whose lookaheads include NAME
# would lex the `max` of `max-queue-size` as a name.
_VALUE_GRAMMAR = {
    Shape.STRING: "STRING",
    Shape.TEXT: "(STRING | WORD)",
    Shape.NUMBER: "INT",
    Shape.URL: "url",
    Shape.WORD: "WORD",
    Shape.MEASURE: "MEASURE",
}


def _productions(option: Option, generated: bool) -> tuple[tuple[str, str], ...]:
    if option.shape is Shape.CALLBACK:
        where = "target" if option.fetches else "url"
        tail = (f"[METHOD] {where}" if option.method else where) + (" [events]" if option.events else "")
        return ((tail, "option_callback"),)
    if option.shape is Shape.SWITCH and option.values:  # `beep onEnter`
        return (*_PRODUCTIONS[option.shape], ("WORD", "option_value"))
    if generated and option.shape is Shape.TEXT:
        return (("(STRING | WORD)", "option_value"),)
    if option.shape is Shape.WORDS:
        # a value that is also a keyword (`error-type timeout`) lexes as that keyword
        taken = sorted(terminal(w) for w in option.values if w in _keyword_set())
        if taken:
            return ((f"(WORD | {' | '.join(taken)})+", "option_words"),)
    return _PRODUCTIONS[option.shape]


@functools.cache
def _keyword_set() -> frozenset[str]:
    return frozenset(keywords())


def _element_rule(v: Verb) -> str:
    parts = [terminal(v.name)]
    for value in v.values:
        grammar = _VALUE_GRAMMAR[value.shape] if value.shape else "STRING"
        parts.append(f"[{grammar}]" if value.optional else grammar)
    if v.options:
        parts.append(f"{rule_name(v).removesuffix('_element')}_option*")
    if v.arrow is not None:
        parts.append("[arrow]")
    return f"{rule_name(v)}: " + " ".join(parts)


def grammar_rules(defined: frozenset[str] = frozenset()) -> str:
    """The option rules of every verb (``say_option: VOICE text -> …``) and the
    keyword terminals they use that ``defined`` (the hand-written grammar's
    terminals) lacks, as Lark grammar text."""
    out = ["// ---- generated from flowc/vocabulary.py ----"]
    used: dict[str, str] = {}
    for v in VERBS:
        if not v.options:
            continue
        alternatives = []
        for o in v.options:
            kw = terminal(o.name)
            used[kw] = o.name
            for tail, alias in _productions(o, v.generated):
                alternatives.append(f"{kw} {tail}".strip() + f" -> {alias}")
                if alias == "option_on":
                    alternatives.append(f"NO {kw} -> option_off")
            if o.word:
                used[terminal(o.word)] = o.word
        out.append(f"{terminal(v.name).lower()}_option: " + "\n    | ".join(alternatives))
    for v in GENERATED:
        out.append(_element_rule(v))
    verbs = [rule_name(v) for v in GENERATED if not v.noun]
    out.append("?generated_verb: " + " | ".join(verbs))
    out.append("?noun: " + " | ".join(rule_name(v) for v in NOUNS))
    for word in keywords():
        used.setdefault(terminal(word), word)
    for name, word in sorted(used.items()):
        if name not in defined:
            out.append(terminal_definition(name, word))
    return "\n".join(out) + "\n"
