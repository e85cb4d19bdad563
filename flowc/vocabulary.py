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
from dataclasses import dataclass

from .ir import Context


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


# The words a shape may take instead of a value.
SHAPE_WORDS = {Shape.DURATION_OR_OFF: "off", Shape.DURATION_OR_AUTO: "auto"}
NEGATION = "no"  # `no beep`
EVENTS = "on"  # `status /s on completed`


@dataclass(frozen=True, slots=True)
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
                return f"{n} [METHOD] URL [{EVENTS} EVENT ...]"
        raise AssertionError(self.shape)  # pragma: no cover

    @property
    def fields(self) -> tuple[str, ...]:
        """Every IR field the option fills (a callback also fills its events)."""
        if self.shape is Shape.SWITCH_URL:
            return (self.field, f"{self.field}_callback")
        if self.shape is Shape.CALLBACK:
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
                return (
                    (self.field, a, "url"),
                    (self.field, f"{a}Method", "method"),
                    (f"{self.field}_events", f"{a}Event", "words"),
                )
        return ((self.field, a, "value"),)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Arrow:
    """What `->` means on a verb."""

    syntax: str
    summary: str
    accepts: str
    default: str = ""
    fields: tuple[str, ...] = ("action",)  # whose TwiML the hover names: action (and method)


_TARGET = "a step, `flow.step` or a URL, optionally after `GET`/`POST`"
_STEP = "a step or `flow.step`"
_FETCHED = "A step reference is fetched with `GET` unless a method is written."


def _action(default: str) -> Arrow:
    return Arrow("-> [METHOD] TARGET", f"Where the call goes next. {_FETCHED}", _TARGET, default)


@dataclass(frozen=True, slots=True)
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

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def attributes(self) -> tuple[tuple[str, str, str], ...]:
        """``(IR field, TwiML attribute, format)`` in the order they are written."""
        rows = [(v.field, v.attribute, "value") for v in self.values if v.attribute is not None]
        for option in self.options:
            rows += option.attributes
        if self.attribute_order:
            rank = {name: i for i, name in enumerate(self.attribute_order)}
            rows.sort(key=lambda row: rank.get(row[0], len(rank)))
        return tuple(rows)


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting of a flow, indented under its `flow NAME` line."""

    name: str
    syntax: str
    summary: str
    accepts: str = ""
    default: str = ""
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Structure:
    """A structural keyword: `flow`, `step`."""

    name: str
    syntax: str
    summary: str


_LOOP_SUMMARY = "How many times to {}; `0` repeats until the caller hangs up."

VERBS: tuple[Verb, ...] = (
    Verb(
        "say",
        "Say",
        'say "TEXT" [voice VOICE] [language TAG] [loop N]',
        "Speaks the text with text-to-speech.",
        values=(Value("text", None, '"TEXT"'),),
        hover_fields=("content",),
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
    Verb("hangup", "Hangup", "hangup", "Ends the call. Ends the document."),
    Verb(
        "reject",
        "Reject",
        "reject [REASON]",
        "Declines an incoming call without answering it (only as the first verb Twilio runs). "
        "Ends the document.",
        values=(Value("reason", "reason", "REASON", ("rejected", "busy")),),
        hover_fields=("reason",),
        accepts="`rejected` or `busy`",
        default="`rejected`",
    ),
    Verb(
        "dial",
        "Dial",
        'dial "NUMBER" [timeout DURATION] [time-limit DURATION] [caller-id "ID"] [-> [METHOD] TARGET]',
        "Connects the caller to another number. With an action, Twilio requests it when the dialled "
        "call ends; without one, the next verb runs.",
        values=(Value("number", None, '"NUMBER"'),),
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
ELEMENTS: tuple[Verb, ...] = tuple(v for v in VERBS if v.element is not None)  # the TwiML verbs
BRANCH_LINES: tuple[Verb, ...] = tuple(v for v in VERBS if v.element is None)


def verb(name: str) -> Verb:
    return BY_NAME[name]


def option_owners() -> dict[str, tuple[str, ...]]:
    """Each option's name and the verbs that take it, in the table's order."""
    owners: dict[str, list[str]] = {}
    for v in VERBS:
        for o in v.options:
            owners.setdefault(o.name, []).append(v.name)
    return {name: tuple(verbs) for name, verbs in owners.items()}


def terminal(word: str) -> str:
    """The grammar's terminal for a keyword: `speech-timeout` → `SPEECH_TIMEOUT`."""
    return word.upper().replace("-", "_")


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
            if o.shape is Shape.CALLBACK:
                words[EVENTS] = None
    return tuple(words)


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
}


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
            for tail, alias in _PRODUCTIONS[o.shape]:
                alternatives.append(f"{kw} {tail}".strip() + f" -> {alias}")
                if alias == "option_on":
                    alternatives.append(f"NO {kw} -> option_off")
            if o.word:
                used[terminal(o.word)] = o.word
        out.append(f"{v.name}_option: " + "\n    | ".join(alternatives))
    for word in keywords():
        used.setdefault(terminal(word), word)
    for name, word in sorted(used.items()):
        if name not in defined:
            out.append(f'{name}: "{word}"')
    return "\n".join(out) + "\n"
