"""The values a rehearsed call is made of: what the caller does, what happened.

These are plain immutable records shared by the engine, the scenario runner,
the path enumerator and the interactive caller. Nothing here does any work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---- what the caller does -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Press:
    """Keys pressed on the keypad (DTMF), in order: ``press "12#"``."""

    keys: str
    ref: object = None  # the scenario line it came from


@dataclass(frozen=True, slots=True)
class Speech:
    """Words spoken to a ``<Gather input="speech">``: ``say "billing"``."""

    text: str
    confidence: float = 0.9
    ref: object = None


@dataclass(frozen=True, slots=True)
class Silence:
    """The caller says and presses nothing for a while: ``silence 6s``."""

    seconds: float
    ref: object = None


@dataclass(frozen=True, slots=True)
class Speak:
    """The caller talks into a recording: ``speak 12s "call me back"``."""

    seconds: float
    text: str = ""
    ref: object = None


@dataclass(frozen=True, slots=True)
class HangUp:
    """The caller hangs up: ``hang up``."""

    ref: object = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """How something outside the caller's keypad turns out: a dialed party
    (``dial completed 30s``, ``dial busy``), a queue (``queue bridged 20s``), a
    payment (``pay success``), a connection (``connect 30s``)."""

    verb: str  # dial, queue, conference, pay, connect, refer
    status: str
    seconds: float | None = None
    ref: object = None
    data: str = ""  # what a connected agent hands over (`connect 30s handoff "..."`)


Action = Press | Speech | Silence | Speak | HangUp | Outcome

# Outcomes each verb accepts, as Twilio names them in the action request.
DIAL_STATUSES = ("completed", "answered", "busy", "no-answer", "failed", "canceled")
QUEUE_RESULTS = (
    "bridged",
    "bridging-in-process",
    "error",
    "hangup",
    "leave",
    "redirected",
    "redirected-from-bridged",
    "queue-full",
    "system-error",
)
PAY_RESULTS = (
    "success",
    "payment-connector-error",
    "too-many-failed-attempts",
    "caller-interrupted-with-star",
    "caller-hung-up",
    "validation-error",
    "internal-error",
)
QUEUE_WAIT = "wait"  # not a QueueResult: nobody takes the call yet, the wait URL plays (again)
CONFERENCE_EVENTS = ("start", "wait")  # a moderator joins and starts it; nobody has yet
CONNECT_RESULTS = ("ended", "handoff", "failed")
REFER_RESULTS = ("completed", "failed")
OUTCOMES: dict[str, tuple[str, ...]] = {
    "dial": DIAL_STATUSES,
    "queue": (*QUEUE_RESULTS, QUEUE_WAIT),
    "conference": CONFERENCE_EVENTS,
    "pay": PAY_RESULTS,
    "connect": CONNECT_RESULTS,
    "refer": REFER_RESULTS,
}


# ---- where the call waits for the caller -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    """A verb of a TwiML document: the document's URL and the verb's position
    (``(2,)`` is the third verb, ``(0, 1)`` the second verb nested in the first)."""

    url: str
    path: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Point:
    """A moment where the call waits for the caller (a gather, a record, a
    dial...). The caller answers it with an :data:`Action`."""

    verb: str  # "gather", "record", "dial", "enqueue", "conference", "pay", "connect", "refer", "echo"
    attrs: dict[str, str]
    origin: Origin
    at: float
    started: bool = True  # False when the point continues (more keys, after a silence)
    collected: str = ""  # keys a gather has so far


# ---- what happened ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """A request Twilio makes: for TwiML (the call, an action, a redirect) or a
    notification (recording status, transcription) whose answer is ignored."""

    method: str
    url: str
    params: dict[str, str]
    purpose: str  # "call", "action", "redirect", "recording status", "transcription", ...
    status: int = 0  # the HTTP status answered; 0 when nothing answered
    answer: str = ""  # what the answer was, in words


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a call's transcript."""

    at: float
    kind: str  # request, heard, caller, note, error, end
    text: str
    origin: Origin | None = None
    request: Request | None = None
    heard: str | None = None  # what the caller heard (for `hear`)
    action: object = None  # the caller's action this event carries out
    served: object = None  # what the target says about the answer (a flow line, a branch)


@dataclass(frozen=True, slots=True)
class Result:
    """A finished call: its transcript and how it ended."""

    events: tuple[Event, ...]
    ended_by: str  # hangup, reject, caller, end, error, limit
    duration: float
    unused: tuple[object, ...] = ()  # caller actions never used
    misfit: tuple[tuple[object, str], ...] = ()  # actions that did not fit where the call was
    documents: tuple[str, ...] = field(default=())  # URLs of the TwiML documents run, in order

    def requests(self) -> list[Request]:
        return [e.request for e in self.events if e.request is not None]

    def heard(self) -> list[str]:
        return [e.heard for e in self.events if e.heard is not None]


END_REASONS = ("hangup", "reject", "caller", "end", "error", "limit")
