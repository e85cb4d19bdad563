"""The call engine against what Twilio documents, with the documentation's own
examples (TwiML Voice <Record>: Example 1, Example 2 "Record a voicemail",
Example 3 "Transcribe a recording") and the other verbs' rules."""

from __future__ import annotations

from flowc.rehearsal import engine
from flowc.rehearsal.model import HangUp, Outcome, Press, Silence, Speak, Speech
from flowc.rehearsal.servers import Answer, Documents

DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
VOICEMAIL = (
    DECL + "<Response><Say>Please leave a message at the beep.\nPress the star key when finished.</Say>"
    '<Record action="http://foo.edu/handleRecording.php" method="GET" maxLength="20" finishOnKey="*"/>'
    "<Say>I did not receive a recording</Say></Response>"
)
THANKS = DECL + "<Response><Say>Thanks</Say><Hangup/></Response>"


class Recorder(Documents):
    """Documents that also answer notification paths (204) and remember every request."""

    def __init__(self, documents, bases=("http://foo.edu",)):
        super().__init__({k: v.encode() for k, v in documents.items()}, bases=bases)

    def serve(self, method, base, rest, params):
        answer = super().serve(method, base, rest, params)
        if answer.status == 404 and rest.startswith("/cb"):
            return Answer(204, "text/plain", b"")
        return answer


def call(documents, actions, entry="/doc.xml", **settings):
    server = Recorder(documents)
    script = iter(actions)
    return engine.Call(server, lambda point: next(script, None), "http://localhost" + entry,
                       engine.Settings(**settings)).run()


def requests(result, purpose=None):
    return [r for r in result.requests() if purpose is None or r.purpose == purpose]


# ---- <Record> Example 2: Record a voicemail -------------------------------------------------


def test_voicemail_speaks_less_than_20s_then_silent_5s():
    """'If the caller speaks for less than 20 seconds and is then silent for five
    seconds, Twilio makes a GET request to the action URL. The <Say> verb is never reached.'"""
    result = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(12), Silence(5)])
    action = requests(result, "action")
    assert len(action) == 1
    assert action[0].method == "GET"
    assert action[0].url == "http://foo.edu/handleRecording.php"
    assert action[0].params["RecordingDuration"] == "12"
    assert action[0].params["RecordingUrl"].startswith("https://api.twilio.com/2010-04-01/Accounts/AC")
    assert "Digits" not in action[0].params  # silence ended it, not a key
    assert "I did not receive a recording" not in result.heard()
    assert result.heard()[0].startswith("Please leave a message at the beep. Press the star key")
    assert "<beep>" in result.heard()


def test_voicemail_speaks_the_full_20s():
    """'If the caller speaks for the full 20 seconds, Twilio makes a GET request to
    the action URL. The <Say> verb is never reached.'"""
    result = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(35)])
    action = requests(result, "action")
    assert [a.params["RecordingDuration"] for a in action] == ["20"]
    assert action[0].method == "GET"
    assert "I did not receive a recording" not in result.heard()
    assert any("maxLength" in e.text for e in result.events)


def test_voicemail_star_ends_the_recording_and_is_sent_as_digits():
    result = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(7), Press("*")])
    action = requests(result, "action")[0]
    assert action.params["Digits"] == "*"
    assert action.params["RecordingDuration"] == "7"
    assert result.ended_by == "hangup"  # Thanks; <Hangup/>


def test_voicemail_a_key_not_in_finish_on_key_does_not_end_it():
    result = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(3), Press("5"), Silence(5)])
    action = requests(result, "action")[0]
    assert "Digits" not in action.params


def test_voicemail_silence_reaches_the_say_after_record():
    """The empty recording: nothing said before the silence timeout. Twilio keeps
    no recording; the rehearsal goes on with the next verb (the page's own
    example puts 'I did not receive a recording' there) and says so."""
    result = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Silence(6)])
    assert requests(result, "action") == []
    assert result.heard()[-1] == "I did not receive a recording"
    assert result.ended_by == "end"
    assert any(e.text.startswith("rehearsal: nothing was said") for e in result.events)


def test_caller_hangs_up_during_the_recording_digits_hangup():
    """'Digits: the key (if any) pressed to end the recording, or hangup if the caller hung up.'"""
    result = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(9), HangUp()])
    action = requests(result, "action")[0]
    assert action.params["Digits"] == "hangup"
    assert action.params["CallStatus"] == "completed"
    assert result.ended_by == "caller"
    assert "Thanks" not in result.heard()  # the answer is ignored: the call is over


# ---- <Record> Example 1: Simple Record (the default action) -----------------------------


def test_simple_record_posts_to_the_current_document():
    """'If the caller is silent for more than five seconds, hits the # key, or the
    recording maxlength time is hit, Twilio will make an HTTP POST request to the
    default action URL (ie. the current document URL) with the parameters
    RecordingUrl and RecordingDuration.'"""
    doc = DECL + "<Response><Record/></Response>"
    result = call({"/doc.xml": doc}, [Speak(4), Press("#"), HangUp()])
    first = requests(result, "action")[0]
    assert first.method == "POST" and first.url == "http://localhost/doc.xml"
    assert set(first.params) >= {"RecordingUrl", "RecordingDuration", "Digits", "CallSid", "From", "To"}
    assert first.params["Digits"] == "#"
    # the answer is the same document: the <Record> starts again (the loop the page warns of)
    assert result.heard().count("<beep>") == 2
    assert result.documents == ("http://localhost/doc.xml", "http://localhost/doc.xml")


def test_record_trim_and_timeout_zero():
    doc = DECL + '<Response><Record timeout="0" trim="do-not-trim" maxLength="30" action="/next"/></Response>'
    result = call({"/doc.xml": doc, "/next": THANKS}, [Silence(3), Speak(4), Silence(10), Press("1")])
    action = requests(result, "action")[0]
    assert action.params["RecordingDuration"] == "17"  # nothing trimmed; silence never ends it


# ---- <Record> Example 3: Transcribe a recording -------------------------------------------


TRANSCRIBE = DECL + '<Response><Record transcribe="true" transcribeCallback="/cb/transcribe" action="/next"/></Response>'


def test_transcription_callback_after_the_recording():
    """'When the recording is complete, Twilio will transcribe the recording and make
    an HTTP POST request to the transcribeCallback URL with a parameter containing
    a transcription of the recording.'"""
    result = call({"/doc.xml": TRANSCRIBE, "/next": THANKS}, [Speak(10, "Call me back"), Press("#")])
    kinds = [r.purpose for r in result.requests()]
    assert kinds == ["call", "action", "transcription"]
    cb = requests(result, "transcription")[0]
    assert cb.method == "POST"
    assert cb.params["TranscriptionText"] == "Call me back"
    assert cb.params["TranscriptionStatus"] == "completed"
    assert cb.params["RecordingSid"].startswith("RE")
    assert cb.params["TranscriptionSid"].startswith("TR")
    for name in ("TranscriptionUrl", "RecordingUrl", "CallSid", "AccountSid", "From", "To", "CallStatus", "ApiVersion"):
        assert name in cb.params


def test_no_transcription_outside_2_to_120_seconds():
    short = call({"/doc.xml": TRANSCRIBE, "/next": THANKS}, [Speak(2), Press("#")])
    long = call({"/doc.xml": TRANSCRIBE, "/next": THANKS}, [Speak(130), Press("#")])
    for result in (short, long):
        assert requests(result, "transcription") == []
        assert any("13617" in e.text for e in result.events)


def test_recording_status_callback_events():
    doc = (
        DECL + '<Response><Record action="/next" recordingStatusCallback="/cb/status" '
        'recordingStatusCallbackEvent="in-progress completed absent"/></Response>'
    )
    spoke = call({"/doc.xml": doc, "/next": THANKS}, [Speak(6), Press("#")])
    statuses = [r.params["RecordingStatus"] for r in requests(spoke, "recording status")]
    assert statuses == ["in-progress", "completed"]
    done = requests(spoke, "recording status")[1].params
    assert done["RecordingDuration"] == "6" and done["RecordingSource"] == "RecordVerb"
    assert done["RecordingChannels"] == "1"
    silent = call({"/doc.xml": doc, "/next": THANKS}, [Silence(9)])
    assert [r.params["RecordingStatus"] for r in requests(silent, "recording status")] == ["in-progress", "absent"]


# ---- <Gather> --------------------------------------------------------------------------------

MENU = (
    DECL + '<Response><Gather numDigits="1" action="/choice"><Say>Press 1</Say></Gather>'
    "<Say>We did not receive your choice.</Say></Response>"
)


def test_gather_digits_post_to_the_action():
    result = call({"/doc.xml": MENU, "/choice": THANKS}, [Press("1")])
    action = requests(result, "action")[0]
    assert (action.method, action.url, action.params["Digits"]) == ("POST", "http://localhost/choice", "1")


def test_gather_no_input_falls_through():
    result = call({"/doc.xml": MENU}, [Silence(6)])
    assert requests(result, "action") == []
    assert result.heard() == ["Press 1", "We did not receive your choice."]
    assert result.ended_by == "end"


def test_gather_silence_shorter_than_timeout_then_a_key():
    result = call({"/doc.xml": MENU, "/choice": THANKS}, [Silence(3), Press("1")])
    assert requests(result, "action")[0].params["Digits"] == "1"


def test_gather_finish_key_and_no_digits_is_no_input():
    doc = DECL + '<Response><Gather action="/choice"/><Say>fell through</Say></Response>'
    typed = call({"/doc.xml": doc, "/choice": THANKS}, [Press("123#")])
    assert requests(typed, "action")[0].params["Digits"] == "123"
    empty = call({"/doc.xml": doc, "/choice": THANKS}, [Press("#")])
    assert requests(empty, "action") == [] and empty.heard() == ["fell through"]


def test_gather_action_on_empty_result():
    doc = DECL + '<Response><Gather action="/choice" actionOnEmptyResult="true"/></Response>'
    result = call({"/doc.xml": doc, "/choice": THANKS}, [Silence(10)])
    assert len(requests(result, "action")) == 1


def test_gather_speech():
    doc = DECL + '<Response><Gather input="speech dtmf" action="/choice"><Say>Say billing</Say></Gather></Response>'
    result = call({"/doc.xml": doc, "/choice": THANKS}, [Speech("billing", 0.75)])
    params = requests(result, "action")[0].params
    assert params["SpeechResult"] == "billing" and params["Confidence"] == "0.75"
    dtmf_only = call({"/doc.xml": MENU}, [Speech("billing")])
    assert requests(dtmf_only, "action") == []


def test_gather_hang_up_requests_nothing():
    result = call({"/doc.xml": MENU, "/choice": THANKS}, [HangUp()])
    assert requests(result, "action") == [] and result.ended_by == "caller"


def test_the_script_running_out_means_the_caller_hangs_up():
    result = call({"/doc.xml": MENU}, [])
    assert result.ended_by == "caller"


# ---- <Dial> ----------------------------------------------------------------------------------


DIAL = DECL + '<Response><Dial action="/after" timeout="20">+15558675310</Dial><Say>unreachable</Say></Response>'


def test_dial_outcomes_are_sent_as_dial_call_status():
    for status, seconds in (("completed", 42), ("busy", None), ("no-answer", None), ("failed", None)):
        result = call({"/doc.xml": DIAL, "/after": THANKS}, [Outcome("dial", status, seconds)])
        params = requests(result, "action")[0].params
        assert params["DialCallStatus"] == status
        assert params["DialCallSid"].startswith("CA")
        assert "unreachable" not in result.heard()
    answered = call({"/doc.xml": DIAL, "/after": THANKS}, [Outcome("dial", "completed", 42)])
    assert requests(answered, "action")[0].params["DialCallDuration"] == "42"
    no_answer = call({"/doc.xml": DIAL, "/after": THANKS}, [Outcome("dial", "no-answer")])
    assert no_answer.duration >= 20


def test_dial_without_action_falls_through():
    doc = DECL + "<Response><Dial>+15558675310</Dial><Say>after the call</Say></Response>"
    result = call({"/doc.xml": doc}, [Outcome("dial", "completed", 5)])
    assert result.heard() == ["after the call"]


def test_a_key_where_the_call_dials_does_not_fit():
    result = call({"/doc.xml": DIAL}, [Press("1")])
    assert result.ended_by == "error" and result.misfit


# ---- the other verbs ---------------------------------------------------------------------------


def test_redirect_hangup_reject_and_document_end():
    docs = {
        "/doc.xml": DECL + '<Response><Redirect method="GET">next.xml</Redirect><Say>never</Say></Response>',
        "/next.xml": DECL + "<Response><Say>Hi</Say></Response>",
    }
    result = call(docs, [])
    assert [r.method for r in result.requests()] == ["GET", "GET"]
    assert result.heard() == ["Hi"] and result.ended_by == "end"
    rejected = call({"/doc.xml": DECL + '<Response><Reject reason="busy"/><Say>x</Say></Response>'}, [])
    assert rejected.ended_by == "reject" and rejected.heard() == []


def test_enqueue_pay_connect_start():
    doc = DECL + (
        '<Response><Start><Stream url="wss://x/s"/></Start><Enqueue action="/q">support</Enqueue></Response>'
    )
    queued = call({"/doc.xml": doc, "/q": THANKS}, [Outcome("queue", "bridged", 30)])
    assert requests(queued, "action")[0].params["QueueResult"] == "bridged"
    pay = DECL + '<Response><Pay action="/paid"/></Response>'
    paid = call({"/doc.xml": pay, "/paid": THANKS}, [Outcome("pay", "success")])
    assert requests(paid, "action")[0].params["Result"] == "success"
    connect = DECL + '<Response><Connect><Stream url="wss://x/s"/></Connect><Say>after</Say></Response>'
    connected = call({"/doc.xml": connect}, [Outcome("connect", "ended", 12)])
    assert connected.heard() == ["after"]


def test_errors_end_the_call_as_twilio_does():
    missing = call({"/doc.xml": MENU}, [Press("1")])  # /choice is not served
    assert missing.ended_by == "error"
    assert any("11200" in e.text for e in missing.events)
    assert missing.heard()[-1] == engine.APPLICATION_ERROR
    broken = call({"/doc.xml": "<Response><Say>unclosed</Response>"}, [])
    assert broken.ended_by == "error" and any("12100" in e.text for e in broken.events)
    wrong_root = call({"/doc.xml": "<Foo/>"}, [])
    assert any("12102" in e.text for e in wrong_root.events)


def test_limits_stop_loops():
    loop = {"/doc.xml": DECL + "<Response><Redirect>/doc.xml</Redirect></Response>"}
    result = call(loop, [])
    assert result.ended_by == "limit"
    long = {"/doc.xml": DECL + '<Response><Pause length="600"/><Redirect>/doc.xml</Redirect></Response>'}
    timed = call(long, [], max_call_duration=3600)
    assert timed.ended_by == "limit" and timed.duration == 3600


def test_signature_parameters_and_sids_are_deterministic():
    a = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(3), Press("*")])
    b = call({"/doc.xml": VOICEMAIL, "/handleRecording.php": THANKS}, [Speak(3), Press("*")])
    assert a.requests() == b.requests()
    first = a.requests()[0].params
    assert first["CallStatus"] == "ringing" and first["Direction"] == "inbound"
    assert a.requests()[1].params["CallStatus"] == "in-progress"


def test_a_document_over_64_kb_is_refused():
    big = DECL + "<Response>" + "<Say>word</Say>" * 6000 + "</Response>"
    result = call({"/doc.xml": big}, [])
    assert result.ended_by == "error" and any("11750" in e.text for e in result.events)


# ---- every verb of the table ----------------------------------------------------------------------

EVERY_VERB = {
    "Say": ("<Say>Hi</Say>", [], "end", ["Hi"]),
    "Play": ("<Play>https://x.example/a.mp3</Play>", [], "end", ["<audio https://x.example/a.mp3>"]),
    "Pause": ('<Pause length="3"/>', [], "end", []),
    "Gather": ("<Gather><Say>Menu</Say></Gather>", [Silence(5)], "end", ["Menu"]),
    "Record": ("<Record/>", [Silence(5)], "end", ["<beep>"]),
    "Redirect": ("<Redirect>/after</Redirect>", [], "hangup", ["Thanks"]),
    "Hangup": ("<Hangup/>", [], "hangup", []),
    "Reject": ("<Reject/>", [], "reject", []),
    "Dial": ("<Dial><Conference>room</Conference></Dial><Say>after</Say>", [Outcome("dial", "completed", 9)],
             "end", ["after"]),
    "Enqueue": ('<Enqueue waitUrl="/wait">support</Enqueue><Say>left</Say>', [], "end", ["Hold on", "left"]),
    "Leave": ("<Leave/><Say>still here</Say>", [], "end", ["still here"]),
    "Pay": ('<Pay action="/after"/>', [Outcome("pay", "success")], "hangup",
            ["<Twilio's prompt for payment-card-number>", "Thanks"]),
    "Connect": ('<Connect action="/after"><Room>r</Room></Connect>', [Outcome("connect", "ended", 5)], "hangup",
                ["Thanks"]),
    "Start": ('<Start><Stream url="wss://x/s"/></Start><Say>on</Say>', [], "end", ["on"]),
    "Stop": ('<Stop><Stream name="s"/></Stop><Say>off</Say>', [], "end", ["off"]),
    "Echo": ("<Echo/>", [Speak(4), HangUp()], "caller", []),
    "Refer": ('<Refer action="/after"><Sip>sip:a@b.example</Sip></Refer>', [], "hangup", ["Thanks"]),
    "Sms": ("<Sms>hello</Sms><Say>sent</Say>", [], "end", ["sent"]),
}


def test_every_verb_of_the_table_is_rehearsed():
    assert set(EVERY_VERB) == set(engine.VERBS)
    for tag, (body, actions, ended_by, heard) in EVERY_VERB.items():
        docs = {
            "/doc.xml": DECL + f"<Response>{body}</Response>",
            "/after": THANKS,
            "/wait": DECL + "<Response><Say>Hold on</Say><Leave/></Response>",
        }
        result = call(docs, actions)
        assert result.ended_by == ended_by, (tag, [e.text for e in result.events])
        assert result.heard() == heard, tag


def test_dial_nouns_and_queue_wait_documents():
    doc = DECL + (
        '<Response><Dial action="/after"><Number sendDigits="ww1">+15558675310</Number><Client>jenny</Client>'
        "<Sip>sip:a@b.example</Sip></Dial></Response>"
    )
    result = call({"/doc.xml": doc, "/after": THANKS}, [Outcome("dial", "no-answer")])
    dialing = next(e.text for e in result.events if e.text.startswith("dial:"))
    assert "number +15558675310" in dialing and "client jenny" in dialing and "sip sip:a@b.example" in dialing
    assert requests(result, "action")[0].params["DialCallStatus"] == "no-answer"
    queued = DECL + '<Response><Enqueue waitUrl="/wait" action="/after">support</Enqueue></Response>'
    left = call({"/doc.xml": queued, "/after": THANKS,
                 "/wait": DECL + "<Response><Say>Hold on</Say><Leave/></Response>"}, [])
    wait = requests(left, "queue wait")[0]
    assert wait.method == "POST" and wait.params["QueuePosition"] == "1"
    assert requests(left, "action")[0].params["QueueResult"] == "leave"
