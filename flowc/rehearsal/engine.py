"""The call engine: Twilio's part in a call, played on TwiML.

:class:`Call` fetches a TwiML document from a :class:`~.servers.Server`,
runs its verbs in order the way Twilio documents them, makes the requests
Twilio would make (actions, redirects, recording status and transcription
callbacks, with Twilio's parameters), follows the answers, and ends the call
where Twilio would. The caller is a function that answers each
:class:`~.model.Point` where the call waits for input (a gather, a record, a
dial...) with an :data:`~.model.Action`.

Each verb's behaviour is one entry of :data:`VERBS` (tag → handler): adding a
verb is adding an entry. Where Twilio's documentation leaves a behaviour
open, the engine makes a choice, writes it into the transcript as a note
that starts with ``rehearsal:``, and ``docs/rehearsal.md`` lists it.

Time is simulated: speech lasts a number of words at
:attr:`Settings.words_per_minute`, media a declared or default length,
pauses and timeouts their seconds. Nothing sleeps.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from lxml import etree

from ..urls import Url, UrlError
from .model import (
    QUEUE_WAIT,
    Action,
    Event,
    HangUp,
    Origin,
    Outcome,
    Point,
    Press,
    Request,
    Result,
    Silence,
    Speak,
    Speech,
)
from .servers import Answer, Server

ACCOUNT_SID = "AC" + "0" * 30 + "01"
API_VERSION = "2010-04-01"
APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye."
TWIML_TYPES = ("text/xml", "application/xml", "text/html")
MAX_DOCUMENT = 64 * 1024  # bytes of TwiML Twilio accepts in one answer (error 11750 past that)
MAX_REDIRECTS = 10  # HTTP 3xx that Twilio follows (error 11215 past that)
LOOP_ZERO = 1000  # loop="0": until the call ends or this many times
END_OF_SCRIPT = "end of script"  # the ref of the hang-up a caller with no more lines does


@dataclass(frozen=True, slots=True)
class Settings:
    """What the rehearsal assumes about the call and the world."""

    from_: str = "+15005550006"
    to: str = "+15005550001"
    method: str = "GET"  # of the first request (a number's voice URL set to GET, as for static hosting)
    max_call_duration: float = 14400.0  # Twilio's default: 4 hours
    words_per_minute: float = 150.0
    media_seconds: float = 5.0  # a <Play> whose length the scenario does not declare
    media: tuple[tuple[str, float], ...] = ()  # declared lengths of media URLs
    beep_seconds: float = 0.5
    max_documents: int = 500  # TwiML documents in one call
    max_idle_documents: int = 50  # documents in a row while the clock does not move
    max_events: int = 20000
    seed: str = "call"  # makes the SIDs of a call; the same seed gives the same SIDs
    status_callback: str | None = None  # the number's call status callback: told when the call ends


class _Ended(Exception):
    """Unwinds the engine when the call is over."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Goto:
    """Control passes to the TwiML the server answers at ``url``."""

    url: str
    method: str
    params: dict[str, str]
    purpose: str
    origin: Origin | None = None
    after: tuple[Callable[[], None], ...] = ()  # notifications Twilio sends after this request


Caller = Callable[[Point], Action | None]
Handler = Callable[["Call", etree._Element, Origin], Goto | None]


@dataclass
class Call:
    """One call: run with :meth:`run`."""

    server: Server
    caller: Caller
    entry: str  # absolute URL of the first document
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        self.clock = 0.0
        self.events: list[Event] = []
        self.documents: list[str] = []
        self.status = "ringing"
        self.hung_up = False
        self.answered = False
        self.unused: list[Action] = []
        self.misfit: list[tuple[Action, str]] = []
        self._sids = 0
        self.call_sid = self.sid("CA")
        self._rejected_busy = False
        self._media = dict(self.settings.media)
        self.pending: Action | None = None  # an action a verb gave back, for the next verb that waits
        self.waiting = False  # in a wait document (a queue's or a conference's)
        self.forks: list[Fork] = []  # what <Start> runs beside the call

    # ---- the transcript ----------------------------------------------------------------------

    def log(self, kind: str, text: str, **kw) -> None:
        if len(self.events) >= self.settings.max_events:
            self.events.append(Event(self.clock, "error", f"rehearsal: more than {self.settings.max_events} events"))
            raise _Ended("limit")
        self.events.append(Event(self.clock, kind, text, **kw))

    def note(self, text: str, origin: Origin | None = None) -> None:
        self.log("note", text, origin=origin)

    def advance(self, seconds: float) -> None:
        self.clock += max(0.0, seconds)
        if self.clock > self.settings.max_call_duration:
            self.clock = self.settings.max_call_duration
            self.log(
                "error",
                f"the call reached its maximum duration ({_duration(self.settings.max_call_duration)}): "
                "Twilio ends it",
            )
            raise _Ended("limit")

    def sid(self, prefix: str) -> str:
        self._sids += 1
        digest = hashlib.sha1(f"{self.settings.seed}/{prefix}/{self._sids}".encode()).hexdigest()
        return prefix + digest[:32]

    # ---- the caller -------------------------------------------------------------------------

    def ask(self, point: Point) -> Action:
        """The caller's next action at ``point``; no action left means the caller hangs up."""
        if self.pending is not None:
            action: Action | None = self.pending
            self.pending = None
        else:
            action = self.caller(point)
        if action is None:
            return HangUp(ref=END_OF_SCRIPT)
        if self.waiting and point.verb not in ("enqueue", "conference") and isinstance(action, Outcome) \
                and action.verb in ("queue", "conference") and action.status != QUEUE_WAIT:
            raise _Interrupted(action)
        return action

    def misfits(self, action: Action, where: str) -> None:
        """The caller's action does not fit here: a scenario error, the call ends."""
        self.misfit.append((action, where))
        self.log("error", f"the script's next line does not fit: {where}", action=action)
        raise _Ended("error")

    def caller_hangs_up(self, action: HangUp, origin: Origin | None = None) -> None:
        self.hung_up = True
        self.status = "completed"
        if action is not None and action.ref is END_OF_SCRIPT:
            self.log("caller", "hangs up (the script has no more lines)", origin=origin)
        else:
            self.log("caller", "hangs up", origin=origin, action=action)

    # ---- requests -----------------------------------------------------------------------------

    def standard(self) -> dict[str, str]:
        """The parameters of every request for TwiML (Twilio's standard request parameters)."""
        return {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": API_VERSION,
            "CallSid": self.call_sid,
            "CallStatus": self.status,
            "Called": self.settings.to,
            "Caller": self.settings.from_,
            "Direction": "inbound",
            "From": self.settings.from_,
            "To": self.settings.to,
        }

    def request(self, method: str, url: str, params: dict[str, str], purpose: str, origin=None) -> Answer:
        """Make a request and log it; follows HTTP redirects as Twilio does (at most 10)."""
        method = method.upper() if method.upper() in ("GET", "POST") else "POST"
        shown = {k: v for k, v in params.items() if k not in _STANDARD}
        target = url
        if method == "GET" and params:
            target = url + ("&" if "?" in url else "?") + "&".join(_pair(k, v) for k, v in params.items())
            send: dict[str, str] = {}
        else:
            send = params
        answer = self.server.fetch(method, target, send)
        hops = 0
        while 300 <= answer.status < 400 and answer.location:
            hops += 1
            if hops > MAX_REDIRECTS:
                answer = Answer(0, "", b"", served="too many redirects (Twilio error 11215)")
                break
            target = _join(target, answer.location)
            answer = self.server.fetch("GET", target, {})
        req = Request(method, url, dict(params), purpose, answer.status, _describe(answer))
        text = f"{method} {_short(url, self.server)}" + (f"  {_params(shown)}" if shown else "")
        self.log("request", text, origin=origin, request=req, served=answer.served)
        return answer

    def notify(self, method: str | None, url: str, params: dict[str, str], purpose: str,
               origin: Origin | None) -> None:
        """An asynchronous notification (recording status, transcription): its answer
        does not change the call."""
        answer = self.request(method or "POST", url, params, purpose, origin)
        if answer.status == 0 or answer.status >= 400:
            self.note(
                f"Twilio logs a warning: the {purpose} callback was answered "
                f"{_status(answer)} (the call goes on)",
                origin,
            )

    def url(self, origin: Origin, value: str | None) -> str:
        """A URL of the document at ``origin.url``, resolved as Twilio resolves relative URLs."""
        return _join(origin.url, value.strip()) if value is not None else origin.url

    # ---- running --------------------------------------------------------------------------

    def run(self) -> Result:
        step = Goto(self.entry, self.settings.method, {}, "call")
        idle = 0
        reason = "end"
        try:
            while True:
                before = self.clock
                root = self.fetch(step)
                for notify in step.after:
                    notify()
                if self.status == "ringing":
                    self.status = "in-progress"
                outcome = self.document(root, step.url)
                if outcome is None:
                    self.log("end", "no more verbs: Twilio ends the call")
                    reason = "end"
                    break
                step = outcome
                idle = idle + 1 if self.clock == before else 0
                if idle >= self.settings.max_idle_documents:
                    self.log(
                        "error",
                        f"rehearsal: {idle} documents in a row passed the call on with nothing heard and "
                        "no time spent: the flow loops; the call is stopped",
                    )
                    reason = "limit"
                    break
                if len(self.documents) >= self.settings.max_documents:
                    self.log("error", f"rehearsal: more than {self.settings.max_documents} TwiML documents")
                    reason = "limit"
                    break
        except _Ended as ended:
            reason = ended.reason
        try:
            stop_forks(self)
        except _Ended:
            pass
        if self.settings.status_callback is not None:
            self.status_callback(reason)
        unused: list[Action] = []
        if self.pending is not None and not (isinstance(self.pending, HangUp) and self.pending.ref is END_OF_SCRIPT):
            unused.append(self.pending)
        while True:
            rest = self.caller(Point("end", {}, Origin("", ()), self.clock))
            if rest is None:
                break
            unused.append(rest)
        return Result(
            events=tuple(self.events),
            ended_by=reason,
            duration=self.clock,
            unused=tuple(unused),
            misfit=tuple(self.misfit),
            documents=tuple(self.documents),
        )

    def status_callback(self, reason: str) -> None:
        """The call status callback of the number: POSTed once the call is over."""
        answered = not (reason == "reject" and len(self.documents) <= 1)
        status = "completed"
        if not answered:
            status = "busy" if self._rejected_busy else "no-answer"
        self.status = status
        params = {**self.standard(), "CallDuration": str(int(self.clock)), "CallbackSource": "call-progress-events",
                  "SequenceNumber": "0"}
        if not answered:
            params["CallDuration"] = "0"
        url = _join(self.entry, self.settings.status_callback or "")
        try:
            self.notify("POST", url, params, "call status", None)
        except _Ended:
            pass

    def fetch(self, step: Goto) -> etree._Element:
        params = {**self.standard(), **step.params}
        answer = self.request(step.method, step.url, params, step.purpose, step.origin)
        if answer.status == 0 or answer.status >= 400:
            self.fail("11200", f"HTTP retrieval failure: {_status(answer)}")
        if answer.content_type.startswith("audio/"):
            self.log("heard", f"hears the audio at {step.url}", heard=f"<audio {step.url}>")
            self.log("end", "an audio answer is played, then Twilio hangs up")
            raise _Ended("end")
        body = answer.body.strip()
        if not body:
            self.fail("11770", "the answer is empty")
        if len(answer.body) > MAX_DOCUMENT:
            self.fail("11750", f"the TwiML is {len(answer.body)} bytes, larger than 64 kB")
        root = _parse(body)
        if root is None:
            if answer.content_type == "text/plain":
                text = body.decode("utf-8", "replace")
                self.log("heard", f'hears "{text}" (a text/plain answer is read aloud)', heard=text)
                self.advance(self.speech_seconds(text))
                raise _Ended("end")
            self.fail("12100", "the answer is not well-formed XML")
        assert root is not None
        if _tag(root) != "Response":
            self.fail("12102", f"the root element is <{_tag(root)}>, not <Response>")
        if answer.content_type not in TWIML_TYPES and answer.content_type != "text/plain":
            self.fail("12300", f"the answer's Content-Type is {answer.content_type or 'missing'}")
        self.documents.append(step.url)
        return root

    def fail(self, code: str, message: str) -> None:
        """An error Twilio reports in the debugger; on a call, it says so and hangs up."""
        self.log("error", f"Twilio error {code}: {message}")
        if not self.hung_up:
            self.log("heard", f'hears "{APPLICATION_ERROR}"', heard=APPLICATION_ERROR)
            self.advance(self.speech_seconds(APPLICATION_ERROR))
        raise _Ended("error")

    def document(self, root: etree._Element, url: str) -> Goto | None:
        for index, el in enumerate(_verbs(root)):
            origin = Origin(url, (index,))
            outcome = self.verb(el, origin)
            if outcome is not None:
                return outcome
        return None

    def verb(self, el: etree._Element, origin: Origin) -> Goto | None:
        handler = VERBS.get(_tag(el))
        if handler is None:
            self.note(f"<{_tag(el)}> is not a TwiML verb: Twilio skips it (warning 12200)", origin)
            return None
        return handler(self, el, origin)

    # ---- time ----------------------------------------------------------------------------

    def speech_seconds(self, text: str) -> float:
        words = len(text.split())
        return round(max(1, words) * 60.0 / self.settings.words_per_minute, 1)

    def media_seconds(self, url: str) -> float:
        return self._media.get(url, self.settings.media_seconds)


_STANDARD = frozenset(
    ("AccountSid", "ApiVersion", "CallSid", "CallStatus", "Called", "Caller", "Direction", "From", "To")
)


@functools.lru_cache(maxsize=4096)
def _join(base: str, url: str) -> str:
    """``url`` resolved against ``base`` as Twilio resolves it; a text that is not a
    URL stays as it is (no server answers it, which the call then reports)."""
    from ..urls import join

    joined = join(base, url)
    return url if isinstance(joined, UrlError) else unsplit(joined)


def unsplit(url: Url) -> str:
    text = f"{url.scheme}:" if url.scheme else ""
    text += f"//{url.netloc}" if url.netloc or url.scheme else ""
    text += url.path
    text += f"?{url.query}" if url.query else ""
    return text + (f"#{url.fragment}" if url.fragment else "")



@functools.lru_cache(maxsize=4096)
def _pair(name: str, value: str) -> str:
    """One ``name=value`` of a query string, encoded as a form is."""
    return urlencode({name: value})


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


@functools.lru_cache(maxsize=512)
def _parse(body: bytes) -> etree._Element | None:
    """The TwiML of an answer. Documents are only read, never changed, so one
    parse serves every call that gets the same bytes."""
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _verbs(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _tag(el: etree._Element) -> str:
    """The element's name (comments and processing instructions have none)."""
    return el.tag if isinstance(el.tag, str) else ""


def _text(el: etree._Element) -> str:
    return " ".join("".join(str(t) for t in el.itertext()).split())


def _attrs(el: etree._Element) -> dict[str, str]:
    return {str(k): str(v) for k, v in el.attrib.items()}


def _status(answer: Answer) -> str:
    if answer.status == 0:
        return "no answer (the URL is not on the rehearsed server)" if not answer.served else str(answer.served)
    return f"HTTP {answer.status}"


def _describe(answer: Answer) -> str:
    if answer.status == 0:
        return "unreachable"
    return f"{answer.status} {answer.content_type}".strip()


def _short(url: str, server: Server) -> str:
    for base in server.bases:
        if url.startswith(base + "/"):
            return url[len(base) :]
    return url


def _params(params: dict[str, str]) -> str:
    return " ".join(f"{k}={_quote(_shorten(v))}" for k, v in params.items())


def _shorten(value: str) -> str:
    """Twilio's resource URLs are long; a transcript shows their last part."""
    if value.startswith("https://api.twilio.com/") and len(value) > 40:
        return ".../" + value.rsplit("/", 2)[-2] + "/" + value.rsplit("/", 1)[-1][:12]
    return value


def _quote(value: str) -> str:
    return value if value and re.fullmatch(r"[\w.:/+*#@-]+", value) else f'"{value}"'


def _duration(seconds: float) -> str:
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (sec, "s")) if v) or "0s"


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _true(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() == "true"


def _loop(call: Call, el: etree._Element, origin: Origin) -> int:
    loop = _int(el.get("loop"), 1)
    if loop == 0 and call.waiting:
        call.note('rehearsal: loop="0" in a wait document plays once a pass; the script says how long the caller '
                  "waits", origin)
        return 1
    if loop == 0:
        call.note(f'loop="0": Twilio repeats it until the call ends, at most {LOOP_ZERO} times', origin)
        return LOOP_ZERO
    return max(1, loop)


# ---- the verbs ------------------------------------------------------------------------------


def say(call: Call, el: etree._Element, origin: Origin) -> None:
    text = _text(el)
    loops = _loop(call, el, origin)
    voice = f" ({el.get('voice')})" if el.get("voice") else ""
    for _ in range(min(loops, 3)):
        call.log("heard", f'hears "{text}"{voice}', origin=origin, heard=text)
    if loops > 3:
        call.note(f"... {loops - 3} more times", origin)
    call.advance(call.speech_seconds(text) * loops)


def play(call: Call, el: etree._Element, origin: Origin) -> None:
    digits = el.get("digits")
    if digits is not None:
        call.log("heard", f"plays the tones {digits}", origin=origin, heard=f"<tones {digits}>")
        call.advance(sum(0.5 if c == "w" else 1.0 if c == "W" else 0.1 for c in digits))
        return
    url = call.url(origin, _text(el))
    loops = _loop(call, el, origin)
    seconds = call.media_seconds(url)
    times = f" x{loops}" if loops > 1 else ""
    call.log("heard", f"hears the audio {url} ({_duration(seconds)}){times}", origin=origin, heard=f"<audio {url}>")
    call.advance(seconds * loops)
    return


def pause(call: Call, el: etree._Element, origin: Origin) -> None:
    seconds = _int(el.get("length"), 1)
    call.log("heard", f"silence for {_duration(seconds)}", origin=origin)
    call.advance(seconds)


def redirect(call: Call, el: etree._Element, origin: Origin) -> Goto:
    target = _text(el)
    if not target:
        call.fail("11100", "<Redirect> has no URL")
    return Goto(call.url(origin, target), el.get("method") or "POST", {}, "redirect", origin)


def hangup(call: Call, el: etree._Element, origin: Origin) -> None:
    call.log("end", "<Hangup>: Twilio hangs up", origin=origin)
    raise _Ended("hangup")


def reject(call: Call, el: etree._Element, origin: Origin) -> None:
    reason = el.get("reason") or "rejected"
    call._rejected_busy = reason == "busy"
    heard = "a busy signal" if reason == "busy" else "a message that the number is not in service"
    if call.documents == [origin.url] and origin.path == (0,):
        call.log("end", f"<Reject reason={reason}>: the call is not answered; the caller hears {heard}", origin=origin)
    else:
        call.log(
            "end",
            f"<Reject reason={reason}> after other verbs: the call was already answered (and is billed); "
            f"the caller hears {heard}",
            origin=origin,
        )
    raise _Ended("reject")


GATHER_NESTED = ("Say", "Play", "Pause")


def gather(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    inputs = set((el.get("input") or "dtmf").split())
    timeout = _int(el.get("timeout"), 5)
    finish = el.get("finishOnKey", "#")
    num = _int(el.get("numDigits"), 0)
    attrs = _attrs(el)
    for index, child in enumerate(_verbs(el)):
        where = Origin(origin.url, (*origin.path, index))
        if _tag(child) not in GATHER_NESTED:
            call.note(f"<{_tag(child)}> cannot be nested in <Gather>: Twilio skips it (warning 13320)", where)
            continue
        if _tag(child) == "Play" and child.get("digits") is not None:
            call.note("<Play digits> cannot be nested in <Gather>: Twilio skips it", where)
            continue
        VERBS[_tag(child)](call, child, where)
    listening = " and ".join(sorted(inputs))
    call.log("note", f"gather: waits {_duration(timeout)} for {listening}", origin=origin)
    digits = ""
    started = True
    speech: Speech | None = None
    while True:
        action = call.ask(Point("gather", attrs, origin, call.clock, started, digits))
        started = False
        if isinstance(action, HangUp):
            call.caller_hangs_up(action, origin)
            call.note("the caller hung up during <Gather>: Twilio requests no action", origin)
            raise _Ended("caller")
        if isinstance(action, Press):
            if "dtmf" not in inputs:
                call.log("caller", f'presses "{action.keys}"', origin=origin, action=action)
                call.note(f'gather input="{" ".join(sorted(inputs))}" does not listen to keys', origin)
                call.advance(timeout)
                break
            done = False
            used = ""
            for key in action.keys:
                used += key
                if finish and key == finish:
                    done = True
                    break
                digits += key
                if num and len(digits) >= num:
                    done = True
                    break
            call.log("caller", f'presses "{action.keys}"', origin=origin, action=action)
            left = action.keys[len(used) :]
            if left:
                call.note(f'rehearsal: the keys "{left}" come after the gather is complete and are dropped', origin)
            call.advance(0.3 * len(used))
            if done:
                if not digits:
                    call.note(f'"{finish}" before any digit: Twilio treats it as no input', origin)
                break
            continue
        if isinstance(action, Speech):
            call.log("caller", f'says "{action.text}"', origin=origin, action=action)
            if "speech" not in inputs:
                call.note(f'gather input="{" ".join(sorted(inputs))}" does not listen to speech', origin)
                call.advance(timeout)
                break
            call.advance(call.speech_seconds(action.text))
            speech = action
            break
        if isinstance(action, Silence):
            call.log("caller", f"is silent for {_duration(action.seconds)}", origin=origin, action=action)
            if action.seconds >= timeout:
                call.advance(timeout)
                break
            call.advance(action.seconds)
            continue
        call.misfits(action, f"the call is at a <Gather> (it waits for {listening})")
    method = el.get("method") or "POST"
    action_url = call.url(origin, el.get("action"))
    if speech is not None:
        params = {"SpeechResult": speech.text, "Confidence": f"{speech.confidence:g}"}
        return Goto(action_url, method, params, "action", origin)
    if digits:
        return Goto(action_url, method, {"Digits": digits}, "action", origin)
    if _true(el.get("actionOnEmptyResult"), False):
        call.note("no input, and actionOnEmptyResult is true: Twilio requests the action anyway", origin)
        return Goto(action_url, method, {"Digits": ""} if "dtmf" in inputs else {}, "action", origin)
    call.log("note", "gather: no input: the call goes on with the next verb", origin=origin)
    return None


def record(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    timeout = _int(el.get("timeout"), 5)
    finish = el.get("finishOnKey", "1234567890*#")
    max_length = _int(el.get("maxLength"), 3600)
    trim = (el.get("trim") or "trim-silence") != "do-not-trim"
    beep = _true(el.get("playBeep"), True)
    status_url = el.get("recordingStatusCallback")
    events = set((el.get("recordingStatusCallbackEvent") or "completed").split())
    transcribe = _true(el.get("transcribe"), False) or el.get("transcribeCallback") is not None
    recording_sid = call.sid("RE")
    recording_url = f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}/Recordings/{recording_sid}"
    if beep:
        call.log("heard", "hears a beep", origin=origin, heard="<beep>")
        call.advance(call.settings.beep_seconds)
    limits = [f"max {_duration(max_length)}", f"silence {_duration(timeout)}" if timeout else "no silence timeout"]
    call.log("note", f"record: recording ({', '.join(limits)}, finish on {finish or 'no key'})", origin=origin)

    def status(event: str, duration: int | None) -> None:
        if status_url is None or event not in events:
            return
        params = {
            "AccountSid": ACCOUNT_SID,
            "CallSid": call.call_sid,
            "RecordingSid": recording_sid,
            "RecordingUrl": recording_url,
            "RecordingStatus": event,
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
        }
        if duration is not None:
            params["RecordingDuration"] = str(duration)
        call.notify(el.get("recordingStatusCallbackMethod"), call.url(origin, status_url), params, "recording status", origin)

    status("in-progress", None)
    recorded = 0.0  # seconds of recording so far
    speech_end = None  # when the last speech ended, in recorded seconds
    speech_start = None
    words: list[str] = []
    digits: str | None = None
    started = True
    while True:
        action = call.ask(Point("record", _attrs(el), origin, call.clock, started))
        started = False
        if isinstance(action, Speak):
            take = min(action.seconds, max_length - recorded)
            call.log("caller", f"speaks for {_duration(action.seconds)}", origin=origin, action=action)
            if speech_start is None:
                speech_start = recorded
            recorded += take
            speech_end = recorded
            if action.text:
                words.append(action.text)
            call.advance(take)
            if recorded >= max_length:
                call.note(f"the recording reaches maxLength ({_duration(max_length)}) and stops", origin)
                if take < action.seconds:
                    call.note(f"rehearsal: the last {_duration(action.seconds - take)} of speech are not recorded", origin)
                break
            continue
        if isinstance(action, Silence):
            call.log("caller", f"is silent for {_duration(action.seconds)}", origin=origin, action=action)
            if timeout and action.seconds >= timeout:
                take = min(timeout, max_length - recorded)
                recorded += take
                call.advance(take)
                if speech_start is not None:
                    call.note(f"{_duration(timeout)} of silence: the recording stops", origin)
                break
            take = min(action.seconds, max_length - recorded)
            recorded += take
            call.advance(take)
            if recorded >= max_length:
                call.note(f"the recording reaches maxLength ({_duration(max_length)}) and stops", origin)
                break
            continue
        if isinstance(action, Press):
            key = next((k for k in action.keys if k in finish), None)
            call.log("caller", f'presses "{action.keys}"', origin=origin, action=action)
            if key is None:
                call.note(f'"{action.keys}" is not a finishOnKey key: the tones are recorded as sound', origin)
                continue
            if action.keys != key:
                call.note(f'rehearsal: the recording ends at "{key}"; the other keys are dropped', origin)
            digits = key
            break
        if isinstance(action, HangUp):
            call.caller_hangs_up(action, origin)
            digits = "hangup"
            break
        call.misfits(action, "the call is at a <Record> (it waits for speech, silence or a key)")
    if speech_start is None:
        duration = 0
    elif trim:
        duration = math.floor((speech_end or 0) - speech_start + 0.5)
    else:
        duration = math.floor(recorded + 0.5)
    if speech_start is None:
        call.note(
            "rehearsal: nothing was said, so the recording is empty: Twilio keeps no recording and goes on "
            "with the next verb without requesting the action",
            origin,
        )
        status("absent", None)
        if call.hung_up:
            raise _Ended("caller")
        return None
    params = {"RecordingUrl": recording_url, "RecordingDuration": str(duration)}
    if digits is not None:
        params["Digits"] = digits
    action_url = call.url(origin, el.get("action"))
    goto = Goto(action_url, el.get("method") or "POST", params, "action", origin)
    if call.hung_up:
        call.request(goto.method, goto.url, {**call.standard(), **goto.params}, "action", origin)
        call.note("the caller has hung up: Twilio ignores the answer", origin)
    def afterwards() -> None:
        status("completed", duration)
        transcription()

    def transcription() -> None:
        if transcribe:
            _transcribe(call, el, origin, duration, words, recording_sid, recording_url)

    if call.hung_up:
        afterwards()
        raise _Ended("caller")
    if el.get("action") is None:
        call.note("<Record> has no action: Twilio requests this same document again", origin)
    return Goto(goto.url, goto.method, goto.params, "action", origin, after=(afterwards,))


def _transcribe(call: Call, el, origin: Origin, duration: int, words: list[str], recording_sid: str,
                recording_url: str) -> None:
    callback = el.get("transcribeCallback")
    if callback is not None and not _true(el.get("transcribe"), False):
        call.note(
            'rehearsal: transcribeCallback without transcribe="true" is taken to ask for a transcription '
            "(Twilio's pages have said both; write both to be sure)",
            origin,
        )
    if not 2 < duration < 120:
        call.note(
            f"the recording lasts {duration}s: Twilio transcribes only recordings longer than 2 s and "
            "shorter than 120 s (warning 13617); no transcription",
            origin,
        )
    elif callback is None:
        call.note("transcribed; without transcribeCallback, nobody is notified", origin)
    else:
        text = " ".join(words)
        params = {
            "TranscriptionSid": call.sid("TR"),
            "TranscriptionText": text,
            "TranscriptionStatus": "completed",
            "TranscriptionUrl": f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}/Transcriptions",
            "RecordingSid": recording_sid,
            "RecordingUrl": recording_url,
            **call.standard(),
        }
        params["TranscriptionUrl"] += f"/{params['TranscriptionSid']}"
        call.notify("POST", call.url(origin, callback), params, "transcription", origin)


# ---- calls out: <Dial> and its nouns ------------------------------------------------------------

DIAL_NOUNS = ("Number", "Client", "Sip", "Conference", "Queue", "Sim", "Application", "WhatsApp")
CALL_EVENTS = {"initiated": "initiated", "ringing": "ringing", "answered": "in-progress", "completed": "completed"}


def _noun_origin(origin: Origin, index: int) -> Origin:
    return Origin(origin.url, (*origin.path, index))


def _events(el: etree._Element, attr: str, default: str) -> list[str]:
    return (el.get(attr) or default).replace(",", " ").split()


def dial(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    timeout = _int(el.get("timeout"), 30)
    time_limit = _int(el.get("timeLimit"), 14400)
    nouns = [(i, c) for i, c in enumerate(_verbs(el)) if _tag(c) in DIAL_NOUNS]
    for i, c in enumerate(_verbs(el)):
        if _tag(c) not in DIAL_NOUNS:
            call.note(f"<{_tag(c)}> is not a <Dial> noun: Twilio skips it (warning 13215)", _noun_origin(origin, i))
    conference = next(((i, c) for i, c in nouns if _tag(c) == "Conference"), None)
    if conference is not None:
        return _conference(call, el, conference[1], _noun_origin(origin, conference[0]), origin)
    who = ", ".join(f"{_tag(c).lower()} {_text(c)}" for _, c in nouns) or _text(el)
    order = "one after the other" if _true(el.get("sequential"), False) and len(nouns) > 1 else "at once"
    call.log("note", f"dial: calls {who} (rings up to {_duration(timeout)}" +
             (f", {order})" if len(nouns) > 1 else ")"), origin=origin)
    for i, c in nouns:
        call.note(f"<{_tag(c)}> {_text(c)}: {_NOUN_SAYS.get(_tag(c), 'dialed')}", _noun_origin(origin, i))
    if _true(el.get("answerOnBridge"), False):
        call.note("answerOnBridge: the caller hears ringing until the dialed party answers", origin)
    action = call.ask(Point("dial", {**_attrs(el), "noun": _tag(nouns[0][1]) if nouns else "Number"}, origin,
                            call.clock))
    dial_sid = call.sid("CA")
    params: dict[str, str]
    talk = 0
    if isinstance(action, HangUp):
        status = "canceled"
        call.caller_hangs_up(action, origin)
        call.note("rehearsal: the caller hangs up while the dialed party rings: DialCallStatus canceled", origin)
    elif isinstance(action, Outcome) and action.verb == "dial":
        status = action.status
        if status in ("completed", "answered"):
            talk = int(action.seconds or 0)
            if talk > time_limit:
                call.note(f"timeLimit {_duration(time_limit)} ends the dialed call", origin)
                talk = time_limit
        elif status == "canceled":
            call.note("rehearsal: `dial canceled`: the dialed call is canceled (by the REST API) while it rings", origin)
    else:
        call.misfits(action, "the call is at a <Dial> (write `dial completed 30s`, `dial busy`, ...)")
        return None
    answered_by = nouns[0] if nouns else None
    if answered_by is not None and len(nouns) > 1 and status in ("completed", "answered"):
        call.note(f"rehearsal: the first noun answers ({_tag(answered_by[1])} {_text(answered_by[1])}); "
                  "the others stop ringing", origin)
    for i, noun in nouns:
        _dial_progress(call, noun, _noun_origin(origin, i), dial_sid, status,
                       talk if noun is (answered_by[1] if answered_by else None) else 0)
    if isinstance(action, Outcome):
        if status in ("completed", "answered"):
            if answered_by is not None:
                _whisper(call, answered_by[1], _noun_origin(origin, answered_by[0]), dial_sid)
            call.log("caller", f"the dialed party answers; they talk for {_duration(talk)}", origin=origin, action=action)
            call.advance(talk)
        elif status == "no-answer":
            call.log("caller", f"nobody answers in {_duration(timeout)}", origin=origin, action=action)
            call.advance(timeout)
        else:
            call.log("caller", f"the dialed call ends: {status}", origin=origin, action=action)
            call.advance(action.seconds or 1)
    params = {"DialCallStatus": status, "DialCallSid": dial_sid, "DialCallDuration": str(talk)}
    if status in ("completed", "answered"):
        params["DialBridged"] = "true"
        params.update(_dial_recording(call, el, origin, talk))
    return _dial_action(call, el, origin, params)


_NOUN_SAYS = {
    "Number": "a phone number",
    "Client": "a Voice SDK client",
    "Sip": "a SIP endpoint",
    "Sim": "a Super SIM",
    "Application": "a TwiML application (its voice URL runs for the dialed leg)",
    "WhatsApp": "a WhatsApp user",
    "Queue": "takes the caller at the head of this queue",
}


def _dial_action(call: Call, el: etree._Element, origin: Origin, params: dict[str, str]) -> Goto | None:
    if el.get("action") is None:
        if call.hung_up:
            raise _Ended("caller")
        call.note("<Dial> has no action: the call goes on with the next verb", origin)
        return None
    goto = Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params, "action", origin)
    if call.hung_up:
        call.request(goto.method, goto.url, {**call.standard(), **params}, "action", origin)
        call.note("the caller has hung up: Twilio ignores the answer", origin)
        raise _Ended("caller")
    return goto


def _dial_progress(call: Call, noun: etree._Element, origin: Origin, sid: str, status: str, talk: int) -> None:
    """The call progress events of a dialed number, client or SIP address (statusCallback)."""
    callback = noun.get("statusCallback")
    if callback is None or _tag(noun) in ("Queue", "Conference"):
        return
    wanted = _events(noun, "statusCallbackEvent", "completed")
    answered = status in ("completed", "answered")
    happened = ["initiated"] + ([] if status == "failed" else ["ringing"]) + (["answered"] if answered else [])
    happened.append("completed")
    for seq, event in enumerate(e for e in happened if e in wanted):
        call_status = CALL_EVENTS[event]
        if event == "completed" and not answered:
            call_status = {"canceled": "canceled", "no-answer": "no-answer", "busy": "busy"}.get(status, "failed")
        params = {
            **call.standard(),
            "CallSid": sid,
            "ParentCallSid": call.call_sid,
            "CallStatus": call_status,
            "Direction": "outbound-dial",
            "To": _text(noun),
            "Called": _text(noun),
            "CallbackSource": "call-progress-events",
            "SequenceNumber": str(seq),
            "Timestamp": _timestamp(call.clock + (talk if event == "completed" else 0)),
        }
        if event == "completed":
            params["CallDuration"] = str(talk)
        call.notify(noun.get("statusCallbackMethod") or "POST", call.url(origin, callback), params,
                    f"dial status ({event})", origin)


def _whisper(call: Call, noun: etree._Element, origin: Origin, sid: str) -> None:
    """A <Number url>/<Client url>/<Sip url> document runs for the dialed party before
    the two are connected: the caller does not hear it."""
    url = noun.get("url")
    if url is None:
        return
    params = {**call.standard(), "CallSid": sid, "ParentCallSid": call.call_sid, "Direction": "outbound-dial",
              "To": _text(noun), "Called": _text(noun), "CallStatus": "in-progress"}
    if _tag(noun) == "Queue":
        params = {**call.standard(), "QueueSid": call.sid("QU"), "QueueTime": "0", "DequeingCallSid": call.call_sid}
    answer = call.request(noun.get("method") or "POST", call.url(origin, url), params, "whisper", origin)
    root = _parse(answer.body) if answer.status == 200 else None
    said = [_text(v) for v in (root.iter("Say") if root is not None else ()) if _text(v)]
    whom = "the dequeued caller" if _tag(noun) == "Queue" else "the dialed party"
    heard = "; ".join(f'"{s}"' for s in said) or "the document's verbs"
    call.note(f"rehearsal: {whom} hears {heard} before the two are connected; the caller does not", origin)


def _dial_recording(call: Call, el: etree._Element, origin: Origin, talk: int) -> dict[str, str]:
    record = el.get("record") or "do-not-record"
    if record in ("do-not-record", "false"):
        return {}
    sid = call.sid("RE")
    url = f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}/Recordings/{sid}"
    callback = el.get("recordingStatusCallback")
    if callback is not None and "completed" in _events(el, "recordingStatusCallbackEvent", "completed"):
        params = {**call.standard(), "RecordingSid": sid, "RecordingUrl": url, "RecordingStatus": "completed",
                  "RecordingDuration": str(talk), "RecordingChannels": "2" if "dual" in record else "1",
                  "RecordingSource": "DialVerb"}
        call.notify(el.get("recordingStatusCallbackMethod") or "POST", call.url(origin, callback), params,
                    "recording status", origin)
    return {"RecordingUrl": url, "RecordingSid": sid, "RecordingDuration": str(talk)}


def _timestamp(clock: float) -> str:
    """The time of an event, on the rehearsal's clock (the call starts at 2026-01-01 00:00 UTC)."""
    h, rest = divmod(int(clock), 3600)
    m, s = divmod(rest, 60)
    day, h = divmod(h, 24)
    return f"{['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'][day % 7]}, {1 + day:02d} Jan 2026 {h:02d}:{m:02d}:{s:02d} +0000"


class _Interrupted(Exception):
    """A caller waiting in a queue or a conference is taken out of it."""

    def __init__(self, action: Action):
        super().__init__("interrupted")
        self.action = action


class _Left(Exception):
    """<Leave> in a wait document."""


WAIT_VERBS = ("Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather")
MAX_WAIT_HOPS = 10


def _wait(call: Call, kind: str, url: str | None, method: str, params: Callable[[], dict[str, str]],
          origin: Origin, attrs: dict[str, str]) -> Action | str:
    """The caller waits (in a queue, or for a conference to start) while the wait
    document plays, pass after pass, until the script says what ends the wait: an
    outcome of ``kind``, hanging up, or <Leave> (then ``"leave"``)."""
    passes = 0
    while True:
        action = call.ask(Point(kind, attrs, origin, call.clock, passes == 0))
        if isinstance(action, Outcome) and action.verb in (kind, "queue" if kind == "enqueue" else "dial") \
                and action.status != QUEUE_WAIT:
            return action
        if isinstance(action, HangUp) and action.ref is not END_OF_SCRIPT:
            return action
        if isinstance(action, HangUp) and passes > 0:
            return action
        waiting = isinstance(action, Outcome) and action.status == QUEUE_WAIT
        if waiting:
            call.log("caller", "nobody takes the call yet: the caller keeps waiting", origin=origin, action=action)
        elif not isinstance(action, Outcome):
            call.pending = action
        else:
            call.misfits(action, f"the caller is waiting ({kind}): write `{_WAIT_WORD[kind]} ...` or `hang up`")
        passes += 1
        if url is None:
            call.log("heard", "hears Twilio's default hold music", origin=origin, heard="<hold music>")
            call.advance(call.settings.media_seconds)
        else:
            try:
                _wait_pass(call, url, method, params())
            except _Left:
                return "leave"
            except _Interrupted as interrupted:
                return interrupted.action
            except _Ended as ended:
                if ended.reason == "caller":
                    return HangUp(ref=END_OF_SCRIPT)
                raise
        if call.pending is action and not waiting:
            call.pending = None
            if isinstance(action, Silence):
                call.log("caller", f"waits {_duration(action.seconds)} more", origin=origin, action=action)
                call.advance(action.seconds)
            elif isinstance(action, HangUp):
                return action
            else:
                call.misfits(action, f"the caller is waiting ({kind}) and nothing in the wait document reads this")


_WAIT_WORD = {"enqueue": "queue", "conference": "conference"}


def _wait_pass(call: Call, url: str, method: str, params: dict[str, str]) -> None:
    """One run of the wait document (and of the documents its Gather or Redirect lead to)."""
    step = Goto(url, method, params, "queue wait" if "QueueSid" in params else "conference wait")
    call.waiting = True
    try:
        for _ in range(MAX_WAIT_HOPS):
            root = call.fetch(step)
            nxt: Goto | None = None
            for index, el in enumerate(_verbs(root)):
                where = Origin(step.url, (index,))
                tag = _tag(el)
                if tag == "Leave":
                    call.log("note", "<Leave>: the caller leaves the wait", origin=where)
                    raise _Left()
                if tag not in WAIT_VERBS:
                    call.note(f"<{tag}> is not allowed in a wait document: Twilio skips it", where)
                    continue
                nxt = VERBS[tag](call, el, where)
                if nxt is not None:
                    break
            if nxt is None:
                return
            step = Goto(nxt.url, nxt.method, {**params, **nxt.params}, nxt.purpose, nxt.origin)
        call.note(f"rehearsal: more than {MAX_WAIT_HOPS} documents in one pass of the wait; the pass ends", None)
    finally:
        call.waiting = False


# ---- queues ---------------------------------------------------------------------------------------


def enqueue(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    name = " ".join((el.text or "").split()) or "(a TaskRouter task)"
    queue_sid = call.sid("QU")
    entered = call.clock
    call.log("note", f"enqueue: the caller waits in the queue {name}", origin=origin)
    for i, child in enumerate(_verbs(el)):
        workflow = el.get("workflowSid") or "the workflow"
        call.note(f"<{_tag(child)}>: TaskRouter creates a task for {workflow} with {_text(child) or 'no attributes'}",
                  _noun_origin(origin, i))
    wait_url = el.get("waitUrl")
    url = call.url(origin, wait_url) if wait_url else None
    if wait_url == "":
        call.note('waitUrl="": the caller waits in silence', origin)
    max_size = el.get("maxQueueSize") or "1000"

    def params() -> dict[str, str]:
        return {
            "QueueSid": queue_sid,
            "QueuePosition": "1",
            "QueueTime": str(int(call.clock - entered)),
            "AvgQueueTime": "0",
            "CurrentQueueSize": "1",
            "MaxQueueSize": max_size,
        }

    if wait_url == "":
        outcome: Action | str = _wait(call, "enqueue", None, "POST", params, origin, _attrs(el))
    else:
        outcome = _wait(call, "enqueue", url, el.get("waitUrlMethod") or "POST", params, origin, _attrs(el))
    if outcome == "leave":
        result = "leave"
    elif isinstance(outcome, HangUp):
        if not call.hung_up:
            call.caller_hangs_up(outcome, origin)
        result = "hangup"
    else:
        assert isinstance(outcome, Outcome)
        result = outcome.status
        if outcome.verb == "dial":
            result = "bridged" if outcome.status in ("completed", "answered") else "error"
        if result == "queue-full":
            call.log("caller", f"the queue {name} is full ({max_size} callers): the caller is not queued",
                     origin=origin, action=outcome)
        elif result == "bridged":
            call.log("caller", f"an agent dequeues the call; they talk for {_duration(outcome.seconds or 0)}",
                     origin=origin, action=outcome)
            call.advance(outcome.seconds or 0)
        else:
            call.log("caller", f"queue: {result}", origin=origin, action=outcome)
            call.advance(outcome.seconds or 0)
    params_ = {"QueueResult": result, "QueueSid": queue_sid, "QueueTime": str(int(call.clock - entered))}
    if el.get("action") is None:
        if call.hung_up:
            raise _Ended("caller")
        call.note("<Enqueue> has no action: the call goes on with the next verb", origin)
        return None
    goto = Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params_, "action", origin)
    if call.hung_up:
        call.request(goto.method, goto.url, {**call.standard(), **params_}, "action", origin)
        call.note("the caller has hung up: Twilio ignores the answer", origin)
        raise _Ended("caller")
    return goto


def leave(call: Call, el: etree._Element, origin: Origin) -> None:
    call.note("<Leave> outside a queue's waitUrl document: nothing to leave", origin)


# ---- conferences ----------------------------------------------------------------------------------


def _conference(call: Call, dial_el: etree._Element, el: etree._Element, origin: Origin,
                dial_origin: Origin) -> Goto | None:
    name = _text(el)
    conf_sid = call.sid("CF")
    starts = _true(el.get("startConferenceOnEnter"), True)
    ends = _true(el.get("endConferenceOnExit"), False)
    callback = el.get("statusCallback")
    wanted = _events(el, "statusCallbackEvent", "start end")
    seq = [0]

    def event(what: str, short: str) -> None:
        if callback is None or short not in wanted:
            return
        params = {"AccountSid": ACCOUNT_SID, "ConferenceSid": conf_sid, "FriendlyName": name,
                  "StatusCallbackEvent": what, "Timestamp": _timestamp(call.clock),
                  "SequenceNumber": str(seq[0])}
        if what.startswith("participant"):
            params.update({"CallSid": call.call_sid, "Muted": str(_true(el.get("muted"), False)).lower(),
                           "Hold": "false", "Coaching": "false", "EndConferenceOnExit": str(ends).lower(),
                           "StartConferenceOnEnter": str(starts).lower()})
        seq[0] += 1
        call.notify(el.get("statusCallbackMethod") or "POST", call.url(origin, callback), params,
                    f"conference status ({what})", origin)

    call.log("note", f"dial: the caller joins the conference {name}", origin=dial_origin)
    call.note(f"<Conference> {name}: startConferenceOnEnter {str(starts).lower()}, "
              f"endConferenceOnExit {str(ends).lower()}", origin)
    if el.get("maxParticipants"):
        call.note(f"rehearsal: the caller is the only participant rehearsed; maxParticipants "
                  f"{el.get('maxParticipants')} is not reached", origin)
    event("participant-join", "join")
    entered = call.clock
    started = starts
    if starts:
        call.note("the caller starts the conference on entering", origin)
    else:
        wait_url = el.get("waitUrl")
        url = call.url(origin, wait_url) if wait_url else None
        if wait_url is None:
            call.note("no waitUrl: the caller hears Twilio's default hold music until a moderator joins", origin)

        def params() -> dict[str, str]:
            return {"ConferenceSid": conf_sid, "FriendlyName": name}

        attrs = {**_attrs(el), "waiting": "true"}
        outcome = _wait(call, "conference", url, el.get("waitMethod") or "POST", params, origin, attrs)
        if isinstance(outcome, Outcome) and outcome.verb == "conference":
            call.log("caller", "a moderator joins: the conference starts", origin=origin, action=outcome)
            started = True
        elif isinstance(outcome, HangUp):
            if not call.hung_up:
                call.caller_hangs_up(outcome, origin)
        elif isinstance(outcome, Outcome):
            call.pending = outcome  # a dial outcome ends the conference while the caller waits
        else:  # <Leave> has no meaning here: the wait ends as if the caller left
            call.note("rehearsal: <Leave> in a conference's waitUrl: the caller leaves the conference", origin)
    if started:
        event("conference-start", "start")
        if el.get("record") == "record-from-start":
            call.note("the conference is recorded from its start", origin)
    status = "completed"
    talk_start = call.clock
    if not call.hung_up:
        action = call.ask(Point("conference", {**_attrs(el), "waiting": "false"}, origin, call.clock))
        if isinstance(action, HangUp):
            call.caller_hangs_up(action, origin)
        elif isinstance(action, Outcome) and action.verb == "dial":
            status = action.status
            if status in ("completed", "answered"):
                call.log("caller", f"the caller is in the conference for {_duration(action.seconds or 0)}; "
                         "then the conference ends", origin=origin, action=action)
                call.advance(action.seconds or 0)
            else:
                call.log("caller", f"the conference cannot be joined: {status}", origin=origin, action=action)
        else:
            call.misfits(action, "the caller is in a conference (write `dial completed 30s` or `hang up`)")
    event("participant-leave", "leave")
    if started and (status in ("completed", "answered") or ends):
        event("conference-end", "end")
        _conference_recording(call, el, origin, conf_sid, int(call.clock - talk_start))
    params_ = {"DialCallStatus": status, "DialCallDuration": str(int(call.clock - entered))}
    return _dial_action(call, dial_el, dial_origin, params_)


def _conference_recording(call: Call, el: etree._Element, origin: Origin, conf_sid: str, seconds: int) -> None:
    record = el.get("record") or "do-not-record"
    callback = el.get("recordingStatusCallback")
    if record == "do-not-record" or callback is None:
        return
    if "completed" not in _events(el, "recordingStatusCallbackEvent", "completed"):
        return
    sid = call.sid("RE")
    params = {"AccountSid": ACCOUNT_SID, "ConferenceSid": conf_sid, "RecordingSid": sid,
              "RecordingUrl": f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}/Recordings/{sid}",
              "RecordingStatus": "completed", "RecordingDuration": str(seconds), "RecordingChannels": "1",
              "RecordingSource": "Conference"}
    call.notify(el.get("recordingStatusCallbackMethod") or "POST", call.url(origin, callback), params,
                "recording status", origin)


# ---- <Pay> ----------------------------------------------------------------------------------------

DECLINED_CARD = "4000000000000002"  # the card the rehearsed payment connector declines
CARD_TYPES = (("amex", ("34", "37")), ("visa", ("4",)), ("mastercard", ("51", "52", "53", "54", "55", "22")),
              ("discover", ("6011", "65")), ("jcb", ("35",)), ("diners-club", ("36", "38")))


def _luhn(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card_type(number: str) -> str:
    return next((name for name, starts in CARD_TYPES if number.startswith(starts)), "unknown")


def _pay_steps(el: etree._Element) -> list[str]:
    if (el.get("paymentMethod") or "credit-card") == "ach-debit":
        return ["bank-routing-number", "bank-account-number"]
    steps = ["payment-card-number", "expiration-date"]
    if _true(el.get("securityCode"), True):
        steps.append("security-code")
    if (el.get("postalCode") or "true") == "true":
        steps.append("postal-code")
    return steps


def _pay_check(step: str, value: str, card: str, el: etree._Element) -> str | None:
    """The errorType Twilio reports for ``value`` entered at ``step``, or None when it is valid."""
    if step == "payment-card-number":
        if not 12 <= len(value) <= 19 or not _luhn(value):
            return "invalid-card-number"
        valid = (el.get("validCardTypes") or "visa mastercard amex").split()
        return None if _card_type(value) in valid else "invalid-card-type"
    if step == "expiration-date":
        return None if len(value) == 4 and 1 <= int(value[:2]) <= 12 else "invalid-date"
    if step == "security-code":
        return None if len(value) == (4 if _card_type(card) == "amex" else 3) else "invalid-security-code"
    if step == "postal-code":
        return None if len(value) >= _int(el.get("minPostalCodeLength"), 1) else "invalid-postal-code"
    return None if len(value) >= 4 else "invalid-" + step.replace("bank-", "")


def _prompt(call: Call, el: etree._Element, origin: Origin, step: str, error: str | None, attempt: int) -> None:
    """The <Prompt> for ``step`` (and the error of the last attempt), or Twilio's own words."""
    best: tuple[int, int, etree._Element] | None = None
    for i, p in enumerate(_verbs(el)):
        if _tag(p) != "Prompt" or step not in (p.get("for") or "").split():
            continue
        errors = (p.get("errorType") or "").split()
        if errors and (error is None or error not in errors):
            continue
        if not errors and error is not None and best is not None:
            continue
        attempts = (p.get("attempt") or "").split()
        if attempts and str(attempt) not in attempts:
            continue
        score = (2 if errors else 0) + (1 if attempts else 0)
        if best is None or score > best[0]:
            best = (score, i, p)
    if best is None:
        words = f"<Twilio's prompt for {step}" + (f" after {error}>" if error else ">")
        call.log("heard", f"hears {words[1:-1]} (no <Prompt> for it)", origin=origin, heard=words)
        call.advance(3)
        return
    where = _noun_origin(origin, best[1])
    call.log("note", f"pay: <Prompt for=\"{best[2].get('for')}\"" +
             (f" errorType=\"{best[2].get('errorType')}\"" if best[2].get("errorType") else "") + ">", origin=where)
    for j, child in enumerate(_verbs(best[2])):
        if _tag(child) in GATHER_NESTED:
            VERBS[_tag(child)](call, child, _noun_origin(where, j))


def pay(call: Call, el: etree._Element, origin: Origin) -> Goto:
    timeout = _int(el.get("timeout"), 5)
    attempts = max(1, _int(el.get("maxAttempts"), 1))
    charge = el.get("chargeAmount")
    charging = charge not in (None, "", "0", "0.00")
    what = f"a charge of {charge} {el.get('currency') or 'usd'}" if charging else "a payment token"
    call.log("note", f"pay: collects card details for {what}", origin=origin)
    for i, child in enumerate(_verbs(el)):
        if _tag(child) == "Parameter":
            call.note(f"<Parameter> {child.get('name')}={child.get('value')}: passed to the payment connector",
                      _noun_origin(origin, i))
    entered: dict[str, str] = {}
    result: str | None = None
    error_text = ""
    status_callback = el.get("statusCallback")
    for step in _pay_steps(el):
        error: str | None = None
        for attempt in range(1, attempts + 1):
            _prompt(call, el, origin, step, error, attempt)
            digits = ""
            action = call.ask(Point("pay", {**_attrs(el), "for": step, "attempt": str(attempt)}, origin, call.clock))
            if isinstance(action, HangUp):
                call.caller_hangs_up(action, origin)
                result = "caller-hung-up"
            elif isinstance(action, Outcome) and action.verb == "pay":
                result = action.status
                call.log("caller", f"pay: {result}", origin=origin, action=action)
                call.advance(action.seconds or 0)
                if result == "success":
                    call.note("rehearsal: `pay success`: the caller enters a valid test card "
                              "(4242 4242 4242 4242, 12/30, 123, 94105)", origin)
                    entered.update({"payment-card-number": "4242424242424242", "expiration-date": "1230",
                                    "security-code": "123", "postal-code": "94105"})
            elif isinstance(action, Press):
                call.log("caller", f'presses "{action.keys}"', origin=origin, action=action)
                call.advance(0.3 * len(action.keys))
                if "*" in action.keys:
                    result = "caller-interrupted-with-star"
                    call.note("* ends <Pay>", origin)
                else:
                    digits = action.keys.split("#")[0]
            elif isinstance(action, Silence):
                call.log("caller", f"is silent for {_duration(action.seconds)}", origin=origin, action=action)
                call.advance(min(action.seconds, timeout))
                if action.seconds < timeout:
                    call.note(f"rehearsal: <Pay> waits {_duration(timeout)}; the silence is taken as the timeout",
                              origin)
            else:
                call.misfits(action, f"the call is at a <Pay> asking for {step} (press the digits and #)")
            if result is not None:
                break
            error = "timeout" if not digits else _pay_check(step, digits, entered.get("payment-card-number", ""), el)
            if status_callback is not None:
                params = {**call.standard(), "For": step, "Attempt": str(attempt), "PaymentConnector":
                          el.get("paymentConnector") or "Default", "PartialResult": "true"}
                if error:
                    params["ErrorType"] = error
                call.notify(el.get("statusCallbackMethod") or "POST", call.url(origin, status_callback), params,
                            "pay status", origin)
            if error is None:
                entered[step] = digits
                break
            call.note(f"pay: {step} attempt {attempt} of {attempts}: {error}", origin)
        else:
            result = "too-many-failed-attempts"
            error_text = f"{error} at {step}"
        if result is not None:
            break
    if result is None:
        _prompt(call, el, origin, "payment-processing", None, 1)
        if entered.get("payment-card-number") == DECLINED_CARD:
            result = "payment-connector-error"
            error_text = "the card was declined"
            call.note(f"rehearsal: the connector declines the test card {DECLINED_CARD}", origin)
        else:
            result = "success"
    params = {"Result": result, "PaymentMethod": el.get("paymentMethod") or "credit-card"}
    card = entered.get("payment-card-number") if result in ("success", "payment-connector-error") else None
    if card:
        params.update({"PaymentCardNumber": "x" * (len(card) - 4) + card[-4:], "PaymentCardType": _card_type(card),
                       "ExpirationDate": entered.get("expiration-date", "")})
        if "postal-code" in entered:
            params["PaymentCardPostalCode"] = entered["postal-code"]
        if "security-code" in entered:
            params["SecurityCode"] = "x" * len(entered["security-code"])
    if result == "success":
        if charging:
            params["PaymentConfirmationCode"] = call.sid("ch_")[:16]
            params["PaymentAmount"] = charge or ""
        else:
            params["PaymentToken"] = call.sid("tok_")[:20]
    elif error_text:
        params["PaymentError"] = error_text
    goto = Goto(call.url(origin, el.get("action")), "POST", params, "action", origin)
    if el.get("method") not in (None, "POST"):
        call.note("<Pay> requests its action with POST only", origin)
    if call.hung_up:
        call.request("POST", goto.url, {**call.standard(), **params}, "action", origin)
        call.note("the caller has hung up: Twilio ignores the answer", origin)
        raise _Ended("caller")
    return goto


# ---- <Connect> ------------------------------------------------------------------------------------

CONNECT_SAYS = {
    "Stream": "a bidirectional media stream to {url}",
    "ConversationRelay": "ConversationRelay at {url} (an AI agent talks with the caller)",
    "VirtualAgent": "a Dialogflow CX virtual agent {connectorName}",
    "Room": "the Video room {text}",
    "Conversation": "a Conversations conversation {serviceInstanceSid}",
    "AiSession": "an AI session",
    "Assistant": "an AI assistant",
}


def connect(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    nouns = _verbs(el)
    if not nouns:
        call.note("<Connect> has nothing to connect to", origin)
    noun = nouns[0] if nouns else None
    tag = _tag(noun) if noun is not None else ""
    noun_origin = _noun_origin(origin, 0)
    if noun is not None:
        says = CONNECT_SAYS.get(tag, "<" + tag + ">").format(
            url=noun.get("url", ""), text=_text(noun), connectorName=noun.get("connectorName", ""),
            serviceInstanceSid=noun.get("serviceInstanceSid", ""))
        call.log("note", f"connect: the call is connected to {says}", origin=origin)
        call.note(f"<{tag}>", noun_origin)
        for j, child in enumerate(_verbs(noun)):
            what = " ".join(f"{k}={v}" for k, v in child.attrib.items())
            call.note(f"<{_tag(child)}> {what}".rstrip(), _noun_origin(noun_origin, j))
        greeting = noun.get("welcomeGreeting")
        if greeting:
            call.log("heard", f'hears "{greeting}" (the welcome greeting)', origin=noun_origin, heard=greeting)
            call.advance(call.speech_seconds(greeting))
    action = call.ask(Point("connect", {**_attrs(el), "noun": tag}, origin, call.clock))
    if isinstance(action, HangUp):
        call.caller_hangs_up(action, origin)
        status, seconds, data = "completed", 0.0, ""
    elif isinstance(action, Outcome) and action.verb == "connect":
        seconds = action.seconds or 0.0
        status, data = {"ended": "completed", "handoff": "completed", "failed": "failed"}[action.status], action.data
        if action.status == "failed":
            call.log("caller", f"the connection to <{tag}> fails", origin=origin, action=action)
        else:
            tail = " and hands the call back" + (f" with {data}" if data else "") if action.status == "handoff" else ""
            call.log("caller", f"the connection ends after {_duration(seconds)}{tail}", origin=origin, action=action)
        call.advance(seconds)
    else:
        call.misfits(action, "the call is at a <Connect> (write `connect 30s`, `connect 30s handoff \"...\"` "
                     "or `connect failed`)")
        return None
    params: dict[str, str] = {}
    if tag == "ConversationRelay":
        params = {"SessionId": call.sid("VX"), "SessionStatus": status, "SessionDuration": str(int(seconds))}
        if data:
            params["HandoffData"] = data
    elif tag == "VirtualAgent":
        params = {"VirtualAgentProvider": "DialogflowCX", "VirtualAgentStatus": status}
        if data:
            params["VirtualAgentProviderData"] = data
    elif tag == "Stream":
        params = {"StreamSid": call.sid("MZ"), "StreamStatus": "stopped" if status == "completed" else "failed"}
    if call.hung_up:
        if el.get("action") is not None:
            call.request(el.get("method") or "POST", call.url(origin, el.get("action")),
                         {**call.standard(), **params}, "action", origin)
            call.note("the caller has hung up: Twilio ignores the answer", origin)
        raise _Ended("caller")
    if el.get("action") is None:
        call.note("<Connect> has no action: the call goes on with the next verb", origin)
        return None
    return Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params, "action", origin)


# ---- <Start> and <Stop> ---------------------------------------------------------------------------

FORK_CALLBACK = {"Stream": "statusCallback", "Siprec": "statusCallback", "Transcription": "statusCallbackUrl",
                 "Recording": "recordingStatusCallback"}


@dataclass
class Fork:
    """Something <Start> runs beside the call, until <Stop> or the end of the call."""

    tag: str
    name: str
    sid: str
    el: etree._Element
    origin: Origin
    since: float


def _fork_event(call: Call, fork: Fork, started: bool) -> None:
    el, tag = fork.el, fork.tag
    callback = el.get(FORK_CALLBACK.get(tag, "statusCallback"))
    if callback is None:
        return
    base = {"AccountSid": ACCOUNT_SID, "CallSid": call.call_sid, "Timestamp": _timestamp(call.clock)}
    if tag == "Stream":
        params = {**base, "StreamSid": fork.sid, "StreamName": fork.name,
                  "StreamEvent": "stream-started" if started else "stream-stopped"}
    elif tag == "Siprec":
        params = {**base, "SiprecSid": fork.sid, "SiprecName": fork.name,
                  "SiprecStatus": "in-progress" if started else "stopped"}
    elif tag == "Transcription":
        params = {**base, "TranscriptionSid": fork.sid,
                  "TranscriptionEvent": "transcription-started" if started else "transcription-stopped",
                  "ProviderName": el.get("transcriptionEngine") or "google",
                  "LanguageCode": el.get("languageCode") or "en-US", "Track": el.get("track") or "both_tracks"}
    elif tag == "Recording":
        status = "in-progress" if started else "completed"
        if status not in _events(el, "recordingStatusCallbackEvent", "completed"):
            return
        params = {**base, "RecordingSid": fork.sid, "RecordingStatus": status,
                  "RecordingUrl": f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}/Recordings/{fork.sid}",
                  "RecordingChannels": "2" if el.get("channels") == "dual" else "1",
                  "RecordingSource": "StartCallRecordingTwiML", "RecordingTrack": el.get("track") or "both"}
        if not started:
            params["RecordingDuration"] = str(int(call.clock - fork.since))
    else:
        return
    method = el.get("statusCallbackMethod") or el.get("recordingStatusCallbackMethod") or "POST"
    what = {"Stream": "stream", "Siprec": "siprec", "Transcription": "transcription",
            "Recording": "recording"}[tag]
    call.notify(method, call.url(fork.origin, callback), params, f"{what} status", fork.origin)


def start(call: Call, el: etree._Element, origin: Origin) -> None:
    call.note("<Start> does not block: what it starts runs beside the call", origin)
    for i, child in enumerate(_verbs(el)):
        where = _noun_origin(origin, i)
        tag = _tag(child)
        name = child.get("name") or ""
        prefix = {"Stream": "MZ", "Siprec": "SR", "Transcription": "GT", "Recording": "RE"}.get(tag, "XX")
        fork = Fork(tag, name, call.sid(prefix), child, where, call.clock)
        what = child.get("url") or child.get("connectorName") or name
        call.log("note", f"<Start><{tag}> {what}".rstrip() + ": runs beside the call, which goes on", origin=where)
        call.forks.append(fork)
        _fork_event(call, fork, True)


def stop(call: Call, el: etree._Element, origin: Origin) -> None:
    call.note("<Stop> ends what a <Start> began, by name", origin)
    for i, child in enumerate(_verbs(el)):
        where = _noun_origin(origin, i)
        tag, name = _tag(child), child.get("name") or ""
        found = next((f for f in call.forks if f.tag == tag and (f.name == name or not name)), None)
        if found is None:
            call.note(f"<Stop><{tag}> {name}: nothing of that name runs; Twilio does nothing".replace("  ", " "), where)
            continue
        call.forks.remove(found)
        call.log("note", f"<Stop><{tag}> {name}: stops".replace("  ", " "), origin=where)
        _fork_event(call, found, False)


def stop_forks(call: Call) -> None:
    """What <Start> began and nothing stopped ends with the call."""
    for fork in list(call.forks):
        call.forks.remove(fork)
        call.note(f"<{fork.tag}> {fork.name} stops: the call is over".replace("  ", " "), fork.origin)
        _fork_event(call, fork, False)


# ---- the rest -------------------------------------------------------------------------------------


def echo(call: Call, el: etree._Element, origin: Origin) -> None:
    call.log("note", "echo: the caller hears their own voice until they hang up", origin=origin)
    action = call.ask(Point("echo", {}, origin, call.clock))
    if isinstance(action, Silence | Speak):
        call.log("caller", f"talks to the echo for {_duration(action.seconds)}", origin=origin, action=action)
        call.advance(action.seconds)
        action = call.ask(Point("echo", {}, origin, call.clock, False))
    if isinstance(action, HangUp):
        call.caller_hangs_up(action, origin)
        raise _Ended("caller")
    call.misfits(action, "the call is at an <Echo>, which lasts until the caller hangs up")


def refer(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    target = ", ".join(_text(c) for c in _verbs(el)) or "(no <Sip>)"
    call.log("note", f"refer: the SIP call is referred to {target}", origin=origin)
    for i, child in enumerate(_verbs(el)):
        call.note(f"<{_tag(child)}> {_text(child)}", _noun_origin(origin, i))
    action = call.ask(Point("refer", _attrs(el), origin, call.clock))
    if isinstance(action, HangUp) and action.ref is not END_OF_SCRIPT:
        call.caller_hangs_up(action, origin)
        raise _Ended("caller")
    if isinstance(action, Outcome) and action.verb == "refer":
        status = action.status
        call.log("caller", f"the REFER {'is accepted' if status == 'completed' else 'fails'}", origin=origin,
                 action=action)
    else:
        call.pending = action
        status = "completed"
        call.note("rehearsal: the REFER is accepted (write `refer failed` for the other outcome)", origin)
    params = {"ReferCallStatus": status, "ReferSipResponseCode": "202" if status == "completed" else "603"}
    if el.get("action") is None:
        if status == "completed":
            call.log("end", "the call is transferred by the REFER: Twilio's part in it ends", origin=origin)
            raise _Ended("end")
        return None
    return Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params, "action", origin)


def sms(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    call.note(f'<Sms> is deprecated: Twilio sends "{_text(el)}" as a message', origin)
    params = {"SmsSid": call.sid("SM"), "SmsStatus": "sending"}
    if el.get("statusCallback") is not None:
        call.notify("POST", call.url(origin, el.get("statusCallback")), {**call.standard(), **params,
                    "SmsStatus": "sent"}, "sms status", origin)
    if el.get("action") is None:
        return None
    return Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params, "action", origin)


# tag -> handler. A handler runs the verb and returns None (the next verb runs),
# a Goto (the document ends; the call continues with the TwiML the server answers),
# or raises _Ended.
VERBS: dict[str, Handler] = {
    "Say": say,
    "Play": play,
    "Pause": pause,
    "Gather": gather,
    "Record": record,
    "Redirect": redirect,
    "Hangup": hangup,
    "Reject": reject,
    "Dial": dial,
    "Enqueue": enqueue,
    "Leave": leave,
    "Pay": pay,
    "Connect": connect,
    "Start": start,
    "Stop": stop,
    "Echo": echo,
    "Refer": refer,
    "Sms": sms,
}


def url_of(server: Server, path: str) -> str:
    """An absolute URL for a path of the rehearsed server."""
    if "://" in path:
        return path
    return server.bases[0] + (path if path.startswith("/") else "/" + path)
