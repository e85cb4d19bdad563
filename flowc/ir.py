"""The intermediate representation: what a flow means, independent of syntax.

Nodes are frozen, slotted, keyword-only dataclasses. Children are tuples and
every node carries the :class:`~flowc.source.Span` it was written at.
Durations are whole seconds. Options that were not written are ``None``, so
backends emit only what the source wrote.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .source import Span

node = dataclass(frozen=True, slots=True, kw_only=True)


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
class Target:
    """Where a ``->`` or a callback points.

    ``text`` is the URL as written (or ``flow.step``); ``flow`` and ``step`` are
    set for step references (``flow`` is ``None`` for the current flow).
    """

    kind: TargetKind
    text: str
    span: Span
    method: Text | None = None
    flow: str | None = None
    step: str | None = None

    @property
    def is_step(self) -> bool:
        return self.kind in (TargetKind.STEP, TargetKind.FLOW_STEP)


# ---- verbs ----------------------------------------------------------------------


@node
class Verb:
    """Base of all verbs. ``body`` holds verbs written in an indented block."""

    span: Span
    keyword: Span
    body: tuple[Verb, ...] = ()

    name = "verb"


@node
class Say(Verb):
    text: Text
    voice: Text | None = None
    language: Text | None = None
    loop: Number | None = None

    name = "say"


@node
class Play(Verb):
    url: Target | None = None
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
    transcribe_callback: Target | None = None
    status: Target | None = None
    status_events: tuple[Text, ...] = ()
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
    number: Text
    timeout: Duration | None = None
    time_limit: Duration | None = None
    caller_id: Text | None = None
    action: Target | None = None

    name = "dial"


@node
class When(Verb):
    """``when digits "1" -> sales``: one branch of a branch step.

    A branch step is decided by the server from what the caller did (the
    ``Digits`` Twilio posts), so only the flask target can serve it.
    """

    input: str  # what is compared: "digits"
    value: Text  # the key as written
    target: Target  # always a step reference

    name = "when"


@node
class Otherwise(Verb):
    """``otherwise -> start``: where a branch step sends a call no ``when`` matched."""

    target: Target

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
    base_url: Target | None = None

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

    @property
    def entry(self) -> Step | None:
        return self.steps[0] if self.steps else None

    def step(self, name: str) -> Step | None:
        for s in self.steps:
            if s.name == name:
                return s
        return None


def targets(verb: Verb) -> tuple[Target, ...]:
    """The targets a verb can send the call to (its action, redirect or branch)."""
    if isinstance(verb, Redirect | When | Otherwise):
        return (verb.target,)
    action = getattr(verb, "action", None)
    return (action,) if action is not None else ()


def walk(verbs: tuple[Verb, ...]):
    """Every verb, depth first, nested ones included."""
    for verb in verbs:
        yield verb
        if verb.body:
            yield from walk(verb.body)


def verb_classes() -> dict[str, type[Verb]]:
    """Each verb's IR class by the verb's name (`record` → :class:`Record`)."""
    return {cls.name: cls for cls in Verb.__subclasses__()}
