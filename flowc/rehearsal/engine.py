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
        action = self.caller(point)
        if action is None:
            return HangUp(ref=END_OF_SCRIPT)
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
        if self.settings.status_callback is not None:
            self.status_callback(reason)
        unused: list[Action] = []
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


DIAL_NOUNS = ("Number", "Client", "Sip", "Conference", "Queue", "Sim", "Application", "WhatsApp")


def dial(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    timeout = _int(el.get("timeout"), 30)
    time_limit = _int(el.get("timeLimit"), 14400)
    nouns = [c for c in _verbs(el) if _tag(c) in DIAL_NOUNS]
    who = ", ".join(f"{_tag(c).lower()} {_text(c)}" for c in nouns) or _text(el)
    for c in _verbs(el):
        if _tag(c) not in DIAL_NOUNS:
            call.note(f"<{_tag(c)}> is not a <Dial> noun: Twilio skips it (warning 13215)", origin)
    call.log("note", f"dial: calls {who} (rings up to {_duration(timeout)})", origin=origin)
    action = call.ask(Point("dial", _attrs(el), origin, call.clock))
    dial_sid = call.sid("CA")
    params: dict[str, str]
    if isinstance(action, HangUp):
        call.caller_hangs_up(action, origin)
        params = {"DialCallStatus": "canceled", "DialCallSid": dial_sid, "DialCallDuration": "0"}
        call.note("rehearsal: the caller hangs up while the dialed party rings: DialCallStatus canceled", origin)
    elif isinstance(action, Outcome) and action.verb == "dial":
        status = action.status
        talk = 0
        if status in ("completed", "answered"):
            talk = int(action.seconds or 0)
            if talk > time_limit:
                call.note(f"timeLimit {_duration(time_limit)} ends the dialed call", origin)
                talk = time_limit
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
    else:
        call.misfits(action, "the call is at a <Dial> (write `dial completed 30s`, `dial busy`, ...)")
        return None
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


def enqueue(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    name = _text(el) or "(a TaskRouter task)"
    queue_sid = call.sid("QU")
    call.log("note", f"enqueue: the caller waits in the queue {name}", origin=origin)
    wait_url = el.get("waitUrl")
    left = False
    if wait_url:
        params = {
            **call.standard(),
            "QueueSid": queue_sid,
            "QueuePosition": "1",
            "QueueTime": "0",
            "AvgQueueTime": "0",
            "CurrentQueueSize": "1",
        }
        method = el.get("waitUrlMethod") or "POST"
        answer = call.request(method, call.url(origin, wait_url), params, "queue wait", origin)
        root = _parse(answer.body) if answer.status == 200 else None
        if root is not None:
            for index, child in enumerate(_verbs(root)):
                where = Origin(call.url(origin, wait_url), (index,))
                if _tag(child) == "Leave":
                    call.log("note", "<Leave>: the caller leaves the queue", origin=where)
                    left = True
                    break
                if _tag(child) in GATHER_NESTED:
                    VERBS[_tag(child)](call, child, where)
                else:
                    call.note(f"rehearsal: <{_tag(child)}> in a waitUrl document is not rehearsed", where)
    if left:
        result, seconds = "leave", 0.0
    else:
        action = call.ask(Point("enqueue", _attrs(el), origin, call.clock))
        if isinstance(action, HangUp):
            call.caller_hangs_up(action, origin)
            result, seconds = "hangup", 0.0
        elif isinstance(action, Outcome) and action.verb == "queue":
            result, seconds = action.status, action.seconds or 0.0
            call.log("caller", f"queue: {result}" + (f" after {_duration(seconds)}" if seconds else ""), origin=origin, action=action)
            call.advance(seconds)
        else:
            call.misfits(action, "the call is in a queue (write `queue bridged 30s`, `queue hangup`, ...)")
            return None
    params = {"QueueResult": result, "QueueSid": queue_sid, "QueueTime": str(int(seconds))}
    if el.get("action") is None:
        if call.hung_up:
            raise _Ended("caller")
        return None
    goto = Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params, "action", origin)
    if call.hung_up:
        call.request(goto.method, goto.url, {**call.standard(), **params}, "action", origin)
        raise _Ended("caller")
    return goto


def leave(call: Call, el: etree._Element, origin: Origin) -> None:
    call.note("<Leave> outside a queue's waitUrl document: nothing to leave", origin)


def pay(call: Call, el: etree._Element, origin: Origin) -> Goto:
    for index, prompt in enumerate(_verbs(el)):
        for inner, child in enumerate(_verbs(prompt)):
            if _tag(child) in GATHER_NESTED:
                VERBS[_tag(child)](call, child, Origin(origin.url, (*origin.path, index, inner)))
    call.log("note", "pay: collects the payment details", origin=origin)
    action = call.ask(Point("pay", _attrs(el), origin, call.clock))
    if isinstance(action, HangUp):
        call.caller_hangs_up(action, origin)
        result = "caller-hung-up"
    elif isinstance(action, Outcome) and action.verb == "pay":
        result = action.status
        call.log("caller", f"pay: {result}", origin=origin, action=action)
        call.advance(action.seconds or 30)
    else:
        call.misfits(action, "the call is at a <Pay> (write `pay success` or another result)")
        raise _Ended("error")
    params = {"Result": result}
    if result == "success":
        params["PaymentConfirmationCode"] = call.sid("PC")[:10]
    goto = Goto(call.url(origin, el.get("action")), "POST", params, "action", origin)
    if call.hung_up:
        call.request("POST", goto.url, {**call.standard(), **params}, "action", origin)
        raise _Ended("caller")
    return goto


def connect(call: Call, el: etree._Element, origin: Origin) -> Goto | None:
    nouns = ", ".join(f"<{_tag(c)}>" for c in _verbs(el)) or "nothing"
    call.log("note", f"connect: the call is connected to {nouns}", origin=origin)
    action = call.ask(Point("connect", _attrs(el), origin, call.clock))
    if isinstance(action, HangUp):
        call.caller_hangs_up(action, origin)
        raise _Ended("caller")
    if not (isinstance(action, Outcome) and action.verb == "connect"):
        call.misfits(action, "the call is at a <Connect> (write `connect 30s`)")
        return None
    call.log("caller", f"the connection ends after {_duration(action.seconds or 0)}", origin=origin, action=action)
    call.advance(action.seconds or 0)
    if el.get("action") is None:
        call.note("<Connect> has no action: the call goes on with the next verb", origin)
        return None
    return Goto(call.url(origin, el.get("action")), el.get("method") or "POST", {}, "action", origin)


def start(call: Call, el: etree._Element, origin: Origin) -> None:
    for child in _verbs(el):
        what = child.get("url") or child.get("name") or ""
        call.note(f"<{_tag(el)}><{_tag(child)}> {what}".rstrip() + ": runs beside the call, which goes on", origin)


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
    call.log("note", "refer: the SIP call is referred elsewhere", origin=origin)
    if el.get("action") is None:
        return None
    params = {"ReferCallStatus": "completed"}
    return Goto(call.url(origin, el.get("action")), el.get("method") or "POST", params, "action", origin)


def sms(call: Call, el: etree._Element, origin: Origin) -> None:
    call.note(f'<Sms> is deprecated: Twilio sends "{_text(el)}" as a message; the call goes on', origin)


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
    "Stop": start,
    "Echo": echo,
    "Refer": refer,
    "Sms": sms,
}


def url_of(server: Server, path: str) -> str:
    """An absolute URL for a path of the rehearsed server."""
    if "://" in path:
        return path
    return server.bases[0] + (path if path.startswith("/") else "/" + path)
