"""The intermediate representation: what a flow means, independent of syntax.

Nodes are frozen, slotted, keyword-only dataclasses. Children are tuples and
every node carries the :class:`~flowc.source.Span` it was written at.
Durations are whole seconds. Options that were not written are ``None``, so
backends emit only what the source wrote.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import field
from typing import TypeVar, dataclass_transform

from .records import record
from .source import Span

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def node(cls: type[_T]) -> type[_T]:
    """Make ``cls`` an IR node: a frozen, slotted, keyword-only dataclass
    (a :func:`~flowc.records.record`, made without generated code)."""
    made: type[_T] = record(cls, kw_only=True)
    return made


# ---- values -------------------------------------------------------------------


@node
class Duration:
    seconds: int
    span: Span


@node
class Number:
    value: int
    span: Span


@node
class Text:
    """A string (decoded) or a bare word, such as a voice or an event name."""

    value: str
    span: Span


@node
class Switch:
    """An on/off option: ``beep`` / ``no beep``."""

    on: bool
    span: Span


class TargetKind(enum.Enum):
    STEP = "step"  # -> handle
    FLOW_STEP = "flow-step"  # -> billing.start
    PATH = "path"  # -> /handle
    ABSOLUTE = "absolute"  # -> https://x.example/h
    RELATIVE = "relative"  # -> "relative/path.php" (any other quoted URL)


@node
class StepTarget:
    """A ``->`` to a step: ``-> handle``, or ``-> billing.start`` in another flow.

    ``text`` is the reference as written; ``flow`` is ``None`` for the current
    flow (a ``flow.step`` reference naming the current flow keeps its name).
    """

    text: str
    span: Span
    step: str
    flow: str | None = None
    method: Text | None = None

    is_step = True

    @property
    def kind(self) -> TargetKind:
        return TargetKind.STEP if self.flow is None else TargetKind.FLOW_STEP


@node
class UrlTarget:
    """A ``->`` or a callback to a URL, ``text`` as written; ``kind`` is
    :attr:`TargetKind.PATH`, :attr:`~TargetKind.ABSOLUTE` or :attr:`~TargetKind.RELATIVE`."""

    kind: TargetKind
    text: str
    span: Span
    method: Text | None = None

    is_step = False


Target = StepTarget | UrlTarget
"""Where a ``->`` or a callback points: a step or a URL."""


# ---- verbs ----------------------------------------------------------------------


@node
class Verb:
    """Base of all verbs. ``body`` holds verbs written in an indented block."""

    span: Span
    keyword: Span
    body: tuple[Verb, ...] = ()

    name = "verb"

    def get(self, field: str):
        """The value of an IR field, or ``None`` (the same for every node, typed or not)."""
        return getattr(self, field, None)


@node
class Say(Verb):
    text: Text | None = None  # None: only the lines of its block are spoken
    voice: Text | None = None
    language: Text | None = None
    loop: Number | None = None

    name = "say"


@node
class Play(Verb):
    url: UrlTarget | None = None
    digits: Text | None = None
    loop: Number | None = None

    name = "play"


@node
class Pause(Verb):
    length: Duration | None = None

    name = "pause"


@node
class Record(Verb):
    label: Text | None = None
    max_length: Duration | None = None
    timeout: Duration | None = None
    finish: Text | None = None
    beep: Switch | None = None
    trim: Switch | None = None
    transcribe: Switch | None = None
    transcribe_callback: UrlTarget | None = None
    status: UrlTarget | None = None
    status_events: tuple[Text, ...] = ()
    recording_configuration_id: Text | None = None
    action: Target | None = None

    name = "record"


@node
class Gather(Verb):
    num_digits: Number | None = None
    timeout: Duration | None = None
    finish: Text | None = None
    input: tuple[Text, ...] = ()
    speech_timeout: Duration | Text | None = None
    hints: Text | None = None
    language: Text | None = None
    profanity_filter: Switch | None = None
    max_speech_time: Duration | None = None
    partial_result: Target | None = None
    barge_in: Switch | None = None
    debug: Switch | None = None
    action_on_empty_result: Switch | None = None
    speech_model: Text | None = None
    enhanced: Switch | None = None
    action: Target | None = None

    name = "gather"


@node
class Redirect(Verb):
    target: Target

    name = "redirect"


@node
class Hangup(Verb):
    name = "hangup"


@node
class Reject(Verb):
    reason: Text | None = None

    name = "reject"


@node
class Dial(Verb):
    """``dial``: the number as its value, or the nouns of its block in ``body``."""

    number: Text | None = None
    timeout: Duration | None = None
    time_limit: Duration | None = None
    caller_id: Text | None = None
    hangup_on_star: Switch | None = None
    record: Text | None = None
    trim: Switch | None = None
    recording_status: Target | None = None
    recording_status_events: tuple[Text, ...] = ()
    recording_configuration_id: Text | None = None
    answer_on_bridge: Switch | None = None
    ring_tone: Text | None = None
    recording_track: Text | None = None
    sequential: Switch | None = None
    refer: Target | None = None
    events: Text | None = None
    passports: Text | None = None
    action: Target | None = None

    name = "dial"


Value = Duration | Number | Text | Switch | Target | tuple[Text, ...]


@node
class Element(Verb):
    """A verb or noun whose grammar, reading and TwiML come from the vocabulary
    table alone (``Verb.generated``): ``conference``, ``enqueue``, ``stream``, ….

    ``kind`` is its name in the table; ``values`` holds what was written, by
    the IR field the table gives each value and option (``max_participants``,
    ``status``, ``status_events``); nouns and nested verbs are in ``body``."""

    kind: str
    values: tuple[tuple[str, Value], ...] = ()
    action: Target | None = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.kind

    def get(self, field: str):
        if field == "action":
            return self.action
        for name, value in self.values:
            if name == field:
                return value
        return None

    def nouns(self, kind: str) -> tuple[Element, ...]:
        """The children of its block of one kind (`parameter`)."""
        return tuple(c for c in self.body if isinstance(c, Element) and c.kind == kind)


@node
class TextLine(Verb):
    """A line of text in the block of ``say`` or of an SSML element
    (``"Your balance is"``): spoken between the elements around it."""

    text: Text

    name = "text"


@node
class When(Verb):
    """``when digits "1" -> sales``: one branch of a branch step.

    A branch step is decided by the server from what the caller did (the
    ``Digits`` Twilio posts), so only the flask target can serve it.
    """

    input: str  # what is compared: "digits"
    value: Text  # the key as written
    target: StepTarget

    name = "when"


@node
class Otherwise(Verb):
    """``otherwise -> start``: where a branch step sends a call no ``when`` matched."""

    target: StepTarget

    name = "otherwise"


BRANCH_VERBS = (When, Otherwise)


# ---- flows ------------------------------------------------------------------------


@node
class Step:
    name: str
    name_span: Span
    span: Span
    verbs: tuple[Verb, ...]

    @property
    def is_branch(self) -> bool:
        """True for a step of ``when``/``otherwise`` lines, decided by the server."""
        return any(isinstance(v, BRANCH_VERBS) for v in self.verbs)


class Context(enum.Enum):
    CLIENT = "client"
    LIVE_UPDATE = "live-update"
    TWIML_PARAMETER = "twiml-parameter"


@node
class Settings:
    max_call_duration: Duration | None = None
    contexts: tuple[Text, ...] = ()
    base_url: UrlTarget | None = None

    def context(self, kind: Context) -> Text | None:
        """The ``context`` setting of this kind, if the flow declares it."""
        return next((c for c in self.contexts if c.value == kind.value), None)


@node
class Flow:
    """One ``.flow`` file. ``name_span`` is the ``flow`` line, or the file start
    when the name comes from the file's stem."""

    name: str
    name_span: Span
    declared: bool
    path: str
    settings: Settings
    steps: tuple[Step, ...]

    _by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Step] = {}
        for s in self.steps:
            by_name.setdefault(s.name, s)  # the first of duplicates, reported elsewhere
        object.__setattr__(self, "_by_name", by_name)

    @property
    def entry(self) -> Step | None:
        return self.steps[0] if self.steps else None

    def step(self, name: str) -> Step | None:
        """The step called ``name`` (the first one, if several are), without a scan."""
        return self._by_name.get(name)


_ONE_TARGET = (Redirect, When, Otherwise)  # a tuple: isinstance is faster with it than with a union


def targets(verb: Verb) -> tuple[Target, ...]:
    """The targets a verb can send the call to (its action, redirect or branch)."""
    if isinstance(verb, _ONE_TARGET):
        return (verb.target,)
    action = getattr(verb, "action", None)
    return (action,) if action is not None else ()


_TARGETS = (StepTarget, UrlTarget)  # a tuple: isinstance is faster with it than with the union
_CALLBACK_FIELDS: dict[type, tuple[str, ...]] = {}


def _callback_fields(kind: type) -> tuple[str, ...]:
    """The fields of a typed verb that may hold a target, but its ``->``
    (those whose type names one; a field of another type never holds one)."""
    found = _CALLBACK_FIELDS.get(kind)
    if found is None:
        found = _CALLBACK_FIELDS[kind] = tuple(
            name
            for name, f in kind.__dataclass_fields__.items()  # type: ignore[attr-defined]
            if name not in ("action", "target") and ("Target" in str(f.type) or "Value" in str(f.type))
        )
    return found


def callbacks(verb: Verb) -> tuple[Target, ...]:
    """Every URL a verb writes besides its ``->``: callbacks (``status``,
    ``wait``, ``url``), a ``play``'s audio, a ``stream``'s socket. A callback
    that fetches TwiML (``wait``, ``url``) may be a step reference."""
    if isinstance(verb, Element):
        return tuple(v for name, v in verb.values if isinstance(v, _TARGETS) and name not in ("action", "target"))
    return tuple(v for v in map(verb.__getattribute__, _callback_fields(type(verb))) if isinstance(v, _TARGETS))


def step_callbacks(verb: Verb) -> tuple[Target, ...]:
    """The callbacks of a verb, and of the nouns in its block, that name a step."""
    found = [t for t in callbacks(verb) if t.is_step]
    for child in verb.body:
        if isinstance(child, Element):
            found += step_callbacks(child)
    return tuple(found)


def walk(verbs: tuple[Verb, ...]) -> Iterator[Verb]:
    """Every verb, depth first, nested ones included."""
    for verb in verbs:
        yield verb
        if verb.body:
            yield from walk(verb.body)


def verb_classes() -> dict[str, type[Verb]]:
    """Each verb's IR class by the verb's name (`record` → :class:`Record`)."""
    return {cls.name: cls for cls in Verb.__subclasses__() if cls is not Element}
