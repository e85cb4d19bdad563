"""What Twilio sends to each URL a flow writes: one table for every target.

Every ``->`` and every callback option of the vocabulary is a *webhook*:
Twilio requests its URL during a call, with parameters it documents for that
request. :data:`REQUESTS` describes each kind of request once: the words the
site's call-flow graph writes on its edge (what happened: "dial ended",
"left the queue", "conference wait music"), the typed request class of the
flask target and the parameters Twilio sends, and whether Twilio runs the
answer as TwiML. :data:`WHERE` says which option of which verb or noun of the
vocabulary leads to which kind of request.

A URL a flow writes that is not a webhook (a ``play``'s audio, the WebSocket
of a ``stream`` or a ``conversation-relay``) is listed in :data:`NOT_WEBHOOKS`;
``tests/test_webhooks.py`` fails when an option of the vocabulary that holds
a URL is in neither table, so a new callback cannot go unserved.

Parameters follow Twilio's pages for each verb and noun (the "Request
parameters" of ``<Dial>``, ``<Enqueue>``, ``<Queue>``, ``<Pay>``,
``<Connect>``, ``<Refer>``, ``<Sms>``, ``<Stream>``, ``<Transcription>``,
``<Conference>``, the call status and answering-machine callbacks). Twilio may
add parameters without notice; the flask target reads the ones listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ir

# The parameters Twilio sends with every request for TwiML ("standard TwiML
# voice request parameters").
STANDARD: tuple[str, ...] = (
    "CallSid",
    "AccountSid",
    "From",
    "To",
    "CallStatus",
    "ApiVersion",
    "Direction",
    "ForwardedFrom",
    "CallerName",
    "ParentCallSid",
    "FromCity",
    "FromState",
    "FromZip",
    "FromCountry",
    "ToCity",
    "ToState",
    "ToZip",
    "ToCountry",
)


@dataclass(frozen=True, slots=True)
class Request:
    """One kind of request Twilio sends to a webhook."""

    title: str  # what it is, in words: "dial action"
    label: str  # what happened, for the graph's edge: "dial ended"
    model: str  # the request class of the flask target
    params: tuple[str, ...]  # the parameters Twilio documents (beyond STANDARD when `standard`)
    standard: bool  # whether the standard TwiML request parameters come too
    twiml: bool  # whether Twilio runs the answer as TwiML (an action or a document fetched)
    sample: tuple[tuple[str, str], ...] = ()  # parameters of a typical request, for generated tests


# A call status callback: the call's own parameters (the standard ones up to
# ParentCallSid, without the caller's location), then the status's.
_CALL_STATUS = STANDARD[: STANDARD.index("ParentCallSid") + 1] + (
    "CallDuration",
    "SipResponseCode",
    "Timestamp",
    "CallbackSource",
    "SequenceNumber",
    "RecordingUrl",
    "RecordingSid",
    "RecordingDuration",
)
_RECORDING_STATUS = (
    "AccountSid",
    "CallSid",
    "RecordingSid",
    "RecordingUrl",
    "RecordingStatus",
    "RecordingDuration",
    "RecordingChannels",
    "RecordingSource",
)
# What a <Pay> reports about the card or bank account, in its action and status callbacks.
_PAYMENT_DETAILS = (
    "PaymentCardNumber",
    "PaymentCardType",
    "ExpirationDate",
    "SecurityCode",
    "PaymentCardPostalCode",
    "BankAccountNumber",
    "BankRoutingNumber",
    "BankAccountType",
)

# Request kinds, by the name the flask target gives them (`flows.Kind.DIAL_ACTION`).
REQUESTS: dict[str, Request] = {
    # ---- actions: Twilio runs the answer as the call's next TwiML -------------------------
    "RECORD_ACTION": Request(
        "record action",
        "recording finished",
        "RecordActionRequest",
        ("RecordingUrl", "RecordingDuration", "Digits"),
        True,
        True,
        (("RecordingUrl", "https://api.twilio.com/r/RE1"), ("RecordingDuration", "7")),
    ),
    "GATHER_ACTION": Request(
        "gather action",
        "input received",
        "GatherActionRequest",
        ("Digits", "SpeechResult", "Confidence"),
        True,
        True,
        (("Digits", "1"),),
    ),
    "DIAL_ACTION": Request(
        "dial action",
        "dial ended",
        "DialActionRequest",
        ("DialCallStatus", "DialCallSid", "DialCallDuration", "DialBridged", "RecordingUrl"),
        True,
        True,
        (("DialCallStatus", "completed"), ("DialCallDuration", "42"), ("DialBridged", "true")),
    ),
    "REDIRECT": Request("redirect", "redirect", "RedirectRequest", (), True, True),
    "ENQUEUE_ACTION": Request(
        "enqueue action",
        "left the queue",
        "EnqueueActionRequest",
        ("QueueResult", "QueueSid", "QueueTime"),
        True,
        True,
        (("QueueResult", "bridged"), ("QueueSid", "QU" + "1" * 32), ("QueueTime", "95")),
    ),
    "CONNECT_ACTION": Request(
        "connect action",
        "connection ended",
        "ConnectActionRequest",
        (
            # <ConversationRelay>: how the session ended and what the agent handed over.
            "SessionId",
            "SessionStatus",
            "SessionDuration",
            "HandoffData",
            "ErrorCode",
            "ErrorMessage",
            # <VirtualAgent>: the Dialogflow CX agent's result.
            "VirtualAgentProvider",
            "VirtualAgentStatus",
            "VirtualAgentProviderData",
            "VirtualAgentErrorCode",
            "VirtualAgentError",
        ),
        True,
        True,
        (("SessionStatus", "ended"), ("SessionDuration", "61"), ("HandoffData", '{"reason": "agent"}')),
    ),
    "PAY_ACTION": Request(
        "pay action",
        "payment finished",
        "PayActionRequest",
        (
            "Result",
            "ProfileId",
            "PaymentToken",
            "PaymentConfirmationCode",
            "PaymentMethod",
            *_PAYMENT_DETAILS,
            "PaymentError",
            "PayErrorCode",
            "ConnectorError",
        ),
        True,
        True,
        (("Result", "success"), ("PaymentConfirmationCode", "ch_123"), ("PaymentCardType", "visa")),
    ),
    "REFER_ACTION": Request(
        "refer action",
        "transfer finished",
        "ReferActionRequest",
        ("ReferCallStatus", "ReferSipResponseCode", "NotifySipResponseCode"),
        True,
        True,
        (("ReferCallStatus", "completed"), ("ReferSipResponseCode", "202"), ("NotifySipResponseCode", "200")),
    ),
    "SMS_ACTION": Request(
        "sms action",
        "message sent",
        "SmsActionRequest",
        ("SmsSid", "SmsStatus"),
        True,
        True,
        (("SmsSid", "SM" + "1" * 32), ("SmsStatus", "sent")),
    ),
    "START_ACTION": Request("start action", "started", "StartActionRequest", (), True, True),
    # ---- documents Twilio fetches and plays while something else happens ------------------
    "QUEUE_WAIT": Request(
        "queue wait document",
        "queue hold music",
        "QueueWaitRequest",
        ("QueuePosition", "QueueSid", "QueueTime", "AvgQueueTime", "CurrentQueueSize", "MaxQueueSize"),
        True,
        True,
        (("QueuePosition", "2"), ("QueueTime", "30"), ("CurrentQueueSize", "3")),
    ),
    "CONFERENCE_WAIT": Request(
        "conference wait document",
        "conference wait music",
        "ConferenceWaitRequest",
        (),
        True,
        True,
    ),
    "DEQUEUE": Request(
        "dequeue document",
        "played before the queued caller is connected",
        "DequeueRequest",
        ("QueueSid", "QueueTime", "DequeingCallSid"),
        True,
        True,
        (("QueueSid", "QU" + "1" * 32), ("QueueTime", "95"), ("DequeingCallSid", "CA" + "2" * 32)),
    ),
    "WHISPER": Request(
        "whisper document",
        "played to the called party before connecting",
        "WhisperRequest",
        (),
        True,
        True,
    ),
    "REFER_URL": Request(
        "SIP REFER request",
        "transfer asked by the called party",
        "ReferRequest",
        ("ReferTransferTarget", "ReferredBy"),
        True,
        True,
        (("ReferTransferTarget", "sip:bob@example.com"),),
    ),
    "CONVERSATION_URL": Request(
        "conversation document",
        "conversation ended",
        "ConversationRequest",
        (),
        True,
        True,
    ),
    # ---- notifications: Twilio ignores the answer ------------------------------------------
    "RECORDING_STATUS": Request(
        "recording status callback",
        "recording status",
        "RecordingStatusRequest",
        _RECORDING_STATUS,
        False,
        False,
        (("RecordingSid", "RE" + "1" * 32), ("RecordingStatus", "completed"), ("RecordingDuration", "7")),
    ),
    "TRANSCRIPTION": Request(
        "transcription callback",
        "transcription",
        "TranscriptionRequest",
        (
            "TranscriptionSid",
            "TranscriptionText",
            "TranscriptionStatus",
            "TranscriptionUrl",
            "RecordingSid",
            "RecordingUrl",
            "CallSid",
            "AccountSid",
            "From",
            "To",
            "CallStatus",
            "ApiVersion",
            "Direction",
            "ForwardedFrom",
        ),
        False,
        False,
        (
            ("TranscriptionSid", "TR" + "1" * 32),
            ("TranscriptionStatus", "completed"),
            ("TranscriptionText", "Hello."),
        ),
    ),
    "PARTIAL_RESULT": Request(
        "partial result callback",
        "speech heard so far",
        "PartialResultRequest",
        (
            "AccountSid",
            "CallSid",
            "SequenceNumber",
            "UnstableSpeechResult",
            "StableSpeechResult",
            "Stability",
            "LanguageCode",
        ),
        False,
        False,
        (("SequenceNumber", "1"), ("UnstableSpeechResult", "I would like"), ("Stability", "0.8")),
    ),
    "CALL_STATUS": Request(
        "call status callback",
        "call progress",
        "CallStatusRequest",
        _CALL_STATUS,
        False,
        False,
        (("CallStatus", "completed"), ("CallDuration", "42"), ("SequenceNumber", "3")),
    ),
    "AMD_STATUS": Request(
        "answering machine detection callback",
        "answering machine result",
        "AmdStatusRequest",
        ("CallSid", "AccountSid", "AnsweredBy", "MachineDetectionDuration"),
        False,
        False,
        (("AnsweredBy", "machine_end_beep"), ("MachineDetectionDuration", "3200")),
    ),
    "CONFERENCE_STATUS": Request(
        "conference status callback",
        "conference events",
        "ConferenceStatusRequest",
        (
            "ConferenceSid",
            "FriendlyName",
            "AccountSid",
            "CallSid",
            "StatusCallbackEvent",
            "Timestamp",
            "SequenceNumber",
            "Muted",
            "Hold",
            "Coaching",
            "EndConferenceOnExit",
            "StartConferenceOnEnter",
            "ParticipantLabel",
            "CallSidEndingConference",
            "ParticipantLabelEndingConference",
            "ReasonConferenceEnded",
            "Reason",
            "RecordingUrl",
            "RecordingFileSize",
            "Duration",
        ),
        False,
        False,
        (("ConferenceSid", "CF" + "1" * 32), ("StatusCallbackEvent", "participant-join"), ("Muted", "false")),
    ),
    "STREAM_STATUS": Request(
        "stream status callback",
        "stream started, stopped or failed",
        "StreamStatusRequest",
        ("AccountSid", "CallSid", "StreamSid", "StreamName", "StreamEvent", "StreamError", "Timestamp"),
        False,
        False,
        (("StreamSid", "MZ" + "1" * 32), ("StreamEvent", "stream-stopped")),
    ),
    "SIPREC_STATUS": Request(
        "siprec status callback",
        "SIPREC session started, stopped or failed",
        "SiprecStatusRequest",
        ("AccountSid", "CallSid", "SiprecSid", "SiprecName", "SiprecEvent", "SiprecError", "Timestamp"),
        False,
        False,
        (("SiprecSid", "SR" + "1" * 32), ("SiprecEvent", "siprec-started")),
    ),
    "LIVE_TRANSCRIPTION": Request(
        "real-time transcription callback",
        "live transcript",
        "LiveTranscriptionRequest",
        (
            "AccountSid",
            "CallSid",
            "TranscriptionSid",
            "TranscriptionEvent",
            "TranscriptionData",
            "TranscriptionError",
            "TranscriptionErrorCode",
            "Final",
            "Track",
            "LanguageCode",
            "ProviderName",
            "SequenceId",
            "Stability",
            "Timestamp",
        ),
        False,
        False,
        (
            ("TranscriptionSid", "GT" + "1" * 32),
            ("TranscriptionEvent", "transcription-content"),
            ("TranscriptionData", '{"transcript": "hello", "confidence": 0.9}'),
            ("Final", "true"),
        ),
    ),
    "VIRTUAL_AGENT_STATUS": Request(
        "virtual agent status callback",
        "virtual agent events",
        "VirtualAgentStatusRequest",
        (
            "AccountSid",
            "CallSid",
            "StatusCallbackEvent",
            "VirtualAgentProvider",
            "VirtualAgentStatus",
            "VirtualAgentProviderData",
            "VirtualAgentErrorCode",
            "VirtualAgentError",
            "Timestamp",
        ),
        False,
        False,
        (("VirtualAgentStatus", "completed"),),
    ),
    "PAY_STATUS": Request(
        "pay status callback",
        "payment progress",
        "PayStatusRequest",
        ("AccountSid", "CallSid", "For", "ErrorType", "Attempt", *_PAYMENT_DETAILS),
        False,
        False,
        (("For", "payment-card-number"), ("Attempt", "1"), ("PaymentCardType", "visa")),
    ),
    "SMS_STATUS": Request(
        "sms status callback",
        "message status",
        "SmsStatusRequest",
        ("SmsSid", "SmsStatus", "AccountSid", "From", "To", "Body", "ApiVersion"),
        False,
        False,
        (("SmsSid", "SM" + "1" * 32), ("SmsStatus", "sent")),
    ),
}

# (verb or noun of the vocabulary, IR field) -> the kind of request its URL receives.
WHERE: dict[tuple[str, str], str] = {
    ("record", "action"): "RECORD_ACTION",
    ("record", "status"): "RECORDING_STATUS",
    ("record", "transcribe_callback"): "TRANSCRIPTION",
    ("gather", "action"): "GATHER_ACTION",
    ("gather", "partial_result"): "PARTIAL_RESULT",
    ("redirect", "target"): "REDIRECT",
    ("dial", "action"): "DIAL_ACTION",
    ("dial", "recording_status"): "RECORDING_STATUS",
    ("dial", "refer"): "REFER_URL",
    ("enqueue", "action"): "ENQUEUE_ACTION",
    ("enqueue", "wait"): "QUEUE_WAIT",
    ("start", "action"): "START_ACTION",
    ("stream", "status"): "STREAM_STATUS",
    ("siprec", "status"): "SIPREC_STATUS",
    ("transcription", "status"): "LIVE_TRANSCRIPTION",
    ("recording", "recording_status"): "RECORDING_STATUS",
    ("connect", "action"): "CONNECT_ACTION",
    ("virtual-agent", "status"): "VIRTUAL_AGENT_STATUS",
    ("conversation", "url"): "CONVERSATION_URL",
    ("conversation", "recording_status"): "RECORDING_STATUS",
    ("conversation", "status"): "CALL_STATUS",
    ("pay", "action"): "PAY_ACTION",
    ("pay", "status"): "PAY_STATUS",
    ("refer", "action"): "REFER_ACTION",
    ("sms", "action"): "SMS_ACTION",
    ("sms", "status"): "SMS_STATUS",
    ("conference", "wait"): "CONFERENCE_WAIT",
    ("conference", "status"): "CONFERENCE_STATUS",
    ("conference", "recording_status"): "RECORDING_STATUS",
    ("conference", "event_callback"): "CONFERENCE_STATUS",
    ("queue", "url"): "DEQUEUE",
    **{(noun, "url"): "WHISPER" for noun in ("number", "client", "sip", "application", "whatsapp")},
    **{(noun, "status"): "CALL_STATUS" for noun in ("number", "client", "sip", "application", "whatsapp")},
    **{(noun, "amd_status"): "AMD_STATUS" for noun in ("number", "sip")},
}

# URLs a flow writes that Twilio does not send webhooks to: media and WebSockets.
NOT_WEBHOOKS: dict[tuple[str, str], str] = {
    ("play", "url"): "audio Twilio plays",
    ("stream", "url"): "the WebSocket the audio is streamed to",
    ("conversation-relay", "url"): "the WebSocket of the AI agent",
}


@dataclass(frozen=True, slots=True)
class Hook:
    """One URL a verb (or a noun of its block) writes, and the request it receives."""

    owner: ir.Verb  # the verb or noun that writes it
    field: str  # its IR field: `action`, `status`, `wait`
    target: ir.Target
    kind: str  # a key of REQUESTS

    @property
    def request(self) -> Request:
        return REQUESTS[self.kind]


def _targets(verb: ir.Verb) -> list[tuple[str, ir.Target]]:
    if isinstance(verb, ir.Element):
        pairs: list[tuple[str, object]] = [*verb.values, ("action", verb.action)]
    else:
        pairs = [(name, getattr(verb, name)) for name in verb.__dataclass_fields__]
    return [(name, value) for name, value in pairs if isinstance(value, ir.StepTarget | ir.UrlTarget)]


def of(verb: ir.Verb) -> tuple[Hook, ...]:
    """The webhooks a verb writes itself (not those of the nouns of its block)."""
    return tuple(
        Hook(owner=verb, field=name, target=target, kind=WHERE[(verb.name, name)])
        for name, target in _targets(verb)
        if (verb.name, name) in WHERE
    )


def within(verb: ir.Verb) -> tuple[Hook, ...]:
    """The webhooks of a verb and of the nouns of its block (nested verbs of a
    `gather` or a `prompt` are visited as verbs of their own, by :func:`ir.walk`)."""
    found = list(of(verb))
    for child in verb.body:
        if isinstance(child, ir.Element):
            found += within(child)
    return tuple(found)
