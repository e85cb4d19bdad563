"""The engine's behaviour for dial nouns, queues, conferences, <Pay>, <Connect>,
<Start>/<Stop>, <Refer> and <Sms>, against what Twilio documents for each: the
requests made and their parameters, what the caller hears, how the call goes on."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner
from test_rehearsal_engine import DECL, THANKS, call, requests

from flowc.cli import cli
from flowc.rehearsal import engine
from flowc.rehearsal.model import HangUp, Outcome, Press, Silence
from flowc.rehearsal.scenario import parse
from flowc.source import SourceFile


def doc(body: str) -> str:
    return DECL + f"<Response>{body}</Response>"


def notified(result, purpose_start: str):
    return [r for r in result.requests() if r.purpose.startswith(purpose_start)]


# ---- <Dial> and its nouns ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["completed", "answered", "busy", "no-answer", "failed", "canceled"])
def test_every_dial_call_status_reaches_the_action(status):
    result = call({"/doc.xml": doc('<Dial action="/after"><Number>+15558675310</Number></Dial>'), "/after": THANKS},
                  [Outcome("dial", status, 42)])
    action = requests(result, "action")[0].params
    assert action["DialCallStatus"] == status
    assert action["DialCallSid"].startswith("CA") and action["DialCallSid"] != result.requests()[0].params["CallSid"]
    assert action["DialCallDuration"] == ("42" if status in ("completed", "answered") else "0")
    assert ("DialBridged" in action) == (status in ("completed", "answered"))
    assert result.heard() == ["Thanks"]


def test_the_caller_hanging_up_while_it_rings_is_canceled_and_the_answer_ignored():
    result = call({"/doc.xml": doc('<Dial action="/after">+15558675310</Dial>'), "/after": THANKS}, [HangUp()])
    assert requests(result, "action")[0].params["DialCallStatus"] == "canceled"
    assert result.ended_by == "caller" and result.heard() == []


def test_number_status_callback_events_follow_the_dialed_call():
    noun = ('<Number statusCallback="/cb/progress" statusCallbackEvent="initiated ringing answered completed">'
            "+15558675310</Number>")
    answered = call({"/doc.xml": doc(f'<Dial action="/after">{noun}</Dial>'), "/after": THANKS},
                    [Outcome("dial", "completed", 20)])
    events = notified(answered, "dial status")
    assert [e.params["CallStatus"] for e in events] == ["initiated", "ringing", "in-progress", "completed"]
    assert all(e.params["ParentCallSid"] == answered.requests()[0].params["CallSid"] for e in events)
    assert all(e.params["CallSid"] == requests(answered, "action")[0].params["DialCallSid"] for e in events)
    assert events[-1].params["CallDuration"] == "20" and events[0].params["Direction"] == "outbound-dial"
    assert [e.params["SequenceNumber"] for e in events] == ["0", "1", "2", "3"]
    busy = call({"/doc.xml": doc(f'<Dial action="/after">{noun}</Dial>'), "/after": THANKS}, [Outcome("dial", "busy")])
    assert [e.params["CallStatus"] for e in notified(busy, "dial status")] == ["initiated", "ringing", "busy"]
    default = call({"/doc.xml": doc('<Dial><Client statusCallback="/cb/c">jenny</Client></Dial>')},
                   [Outcome("dial", "no-answer")])
    assert [e.params["CallStatus"] for e in notified(default, "dial status")] == ["no-answer"]


def test_a_number_url_whispers_to_the_dialed_party_not_the_caller():
    docs = {
        "/doc.xml": doc('<Dial><Number url="/whisper" method="GET">+15558675310</Number></Dial><Say>after</Say>'),
        "/whisper": doc("<Say>A customer is on the line</Say>"),
    }
    result = call(docs, [Outcome("dial", "completed", 10)])
    whisper = requests(result, "whisper")[0]
    assert whisper.method == "GET" and whisper.params["Direction"] == "outbound-dial"
    assert result.heard() == ["after"]
    assert any("A customer is on the line" in e.text and "does not" in e.text for e in result.events)
    unanswered = call(docs, [Outcome("dial", "busy")])
    assert requests(unanswered, "whisper") == []


def test_a_recorded_dial_reports_its_recording():
    docs = {"/doc.xml": doc('<Dial action="/after" record="record-from-answer" recordingStatusCallback="/cb/rec">'
                            "+15558675310</Dial>"), "/after": THANKS}
    result = call(docs, [Outcome("dial", "completed", 33)])
    action = requests(result, "action")[0].params
    assert action["RecordingUrl"].endswith(action["RecordingSid"]) and action["RecordingDuration"] == "33"
    status = requests(result, "recording status")[0].params
    assert status["RecordingStatus"] == "completed" and status["RecordingSid"] == action["RecordingSid"]


def test_dialing_a_queue_whispers_to_the_dequeued_caller():
    docs = {"/doc.xml": doc('<Dial action="/after"><Queue url="/about">support</Queue></Dial>'),
            "/about": doc("<Say>You are connected to an agent</Say>"), "/after": THANKS}
    result = call(docs, [Outcome("dial", "completed", 60)])
    about = requests(result, "whisper")[0].params
    assert about["QueueSid"].startswith("QU") and about["DequeingCallSid"] == result.requests()[0].params["CallSid"]
    assert requests(result, "action")[0].params["DialCallStatus"] == "completed"


# ---- queues -------------------------------------------------------------------------------------

WAIT = doc('<Say>Please hold</Say><Gather numDigits="1" action="/leave"><Play>https://x.example/m.mp3</Play>'
           "</Gather>")
QUEUE = {
    "/doc.xml": doc('<Enqueue waitUrl="/wait" action="/after">support</Enqueue><Say>unreachable</Say>'),
    "/wait": WAIT,
    "/leave": doc("<Leave/>"),
    "/after": THANKS,
}


def test_the_wait_url_plays_pass_after_pass_until_an_agent_takes_the_call():
    result = call(QUEUE, [Outcome("queue", "wait"), Silence(5), Outcome("queue", "wait"), Silence(5),
                          Outcome("queue", "bridged", 90)])
    waits = requests(result, "queue wait")
    assert len(waits) == 2 and all(w.method == "POST" for w in waits)
    assert int(waits[1].params["QueueTime"]) > int(waits[0].params["QueueTime"]) == 0
    assert waits[0].params["QueueSid"].startswith("QU") and waits[0].params["MaxQueueSize"] == "1000"
    action = requests(result, "action")[0].params
    assert action["QueueResult"] == "bridged" and action["QueueSid"] == waits[0].params["QueueSid"]
    assert int(action["QueueTime"]) >= 90
    assert result.heard().count("Please hold") == 2 and result.heard()[-1] == "Thanks"


def test_an_agent_can_take_the_call_in_the_middle_of_the_wait_music():
    result = call(QUEUE, [Outcome("queue", "wait"), Outcome("queue", "bridged", 30)])
    assert requests(result, "action")[0].params["QueueResult"] == "bridged"
    assert result.misfit == ()


def test_leave_in_the_wait_document_gives_queue_result_leave():
    result = call(QUEUE, [Outcome("queue", "wait"), Press("1")])
    assert [r.url.rsplit("/", 1)[-1] for r in result.requests()] == ["doc.xml", "wait", "leave", "after"]
    gathered, left = requests(result, "action")
    assert gathered.params["Digits"] == "1" and "QueueSid" in gathered.params
    assert left.params["QueueResult"] == "leave"


def test_a_full_queue_never_plays_the_wait_url():
    result = call(QUEUE, [Outcome("queue", "queue-full")])
    assert requests(result, "queue wait") == []
    assert requests(result, "action")[0].params["QueueResult"] == "queue-full"


def test_hanging_up_in_the_queue_requests_the_action_and_ends():
    result = call(QUEUE, [Outcome("queue", "wait"), HangUp()])
    assert requests(result, "action")[0].params["QueueResult"] == "hangup"
    assert result.ended_by == "caller" and "Thanks" not in result.heard()


def test_without_action_the_call_goes_on_after_the_queue():
    docs = {**QUEUE, "/doc.xml": doc('<Enqueue waitUrl="/wait">support</Enqueue><Say>after the queue</Say>')}
    result = call(docs, [Outcome("queue", "wait"), Press("1")])
    assert result.heard()[-1] == "after the queue"
    assert [r.params.get("QueueResult") for r in requests(result, "action")] == [None]  # the gather's only


def test_loop_zero_in_a_wait_document_does_not_run_the_clock_out():
    docs = {**QUEUE, "/wait": doc('<Play loop="0">https://x.example/m.mp3</Play>')}
    result = call(docs, [Outcome("queue", "wait"), Outcome("queue", "wait"), Outcome("queue", "bridged", 10)])
    assert result.duration < 60 and len(requests(result, "queue wait")) == 2


# ---- conferences --------------------------------------------------------------------------------

CONF = ('<Dial action="/after"><Conference startConferenceOnEnter="false" endConferenceOnExit="true" '
        'waitUrl="/hold" statusCallback="/cb/conf" statusCallbackEvent="start end join leave" '
        'record="record-from-start" recordingStatusCallback="/cb/rec">room</Conference></Dial>')


def test_a_conference_waits_for_its_moderator_then_reports_each_event():
    docs = {"/doc.xml": doc(CONF), "/hold": doc("<Say>Waiting for the host</Say>"), "/after": THANKS}
    result = call(docs, [Outcome("conference", "wait"), Outcome("conference", "start"),
                         Outcome("dial", "completed", 600)])
    assert result.heard() == ["Waiting for the host", "Thanks"]
    events = [r.params["StatusCallbackEvent"] for r in notified(result, "conference status")]
    assert events == ["participant-join", "conference-start", "participant-leave", "conference-end"]
    first = notified(result, "conference status")[0].params
    assert first["FriendlyName"] == "room" and first["ConferenceSid"].startswith("CF")
    assert first["StartConferenceOnEnter"] == "false" and first["EndConferenceOnExit"] == "true"
    assert requests(result, "recording status")[0].params["RecordingDuration"] == "600"
    assert requests(result, "action")[0].params["DialCallStatus"] == "completed"


def test_a_moderator_who_hangs_up_ends_the_conference():
    docs = {"/doc.xml": doc(CONF.replace('startConferenceOnEnter="false"', "")), "/after": THANKS}
    result = call(docs, [HangUp()])
    events = [r.params["StatusCallbackEvent"] for r in notified(result, "conference status")]
    assert events == ["participant-join", "conference-start", "participant-leave", "conference-end"]
    assert result.ended_by == "caller"


def test_conference_status_callback_defaults_to_start_and_end():
    docs = {"/doc.xml": doc('<Dial><Conference statusCallback="/cb/conf">room</Conference></Dial>')}
    result = call(docs, [Outcome("dial", "completed", 5)])
    events = [r.params["StatusCallbackEvent"] for r in notified(result, "conference status")]
    assert events == ["conference-start", "conference-end"]


# ---- <Pay> --------------------------------------------------------------------------------------

PAY = doc(
    '<Pay action="/paid" maxAttempts="2" chargeAmount="20.45" statusCallback="/cb/pay">'
    '<Prompt for="payment-card-number"><Say>Card number please</Say></Prompt>'
    '<Prompt for="payment-card-number" errorType="invalid-card-number"><Say>Not a valid card</Say></Prompt>'
    '<Prompt for="expiration-date"><Say>Expiry please</Say></Prompt>'
    '<Prompt for="security-code"><Say>Security code please</Say></Prompt>'
    "</Pay>"
)
PAID = {"/doc.xml": PAY, "/paid": THANKS}


def test_pay_asks_each_thing_with_its_prompt_and_reports_the_payment():
    result = call(PAID, [Press("4111111111111111#"), Press("1230#"), Press("123#"), Press("94105#")])
    assert result.heard() == ["Card number please", "Expiry please", "Security code please",
                              "<Twilio's prompt for postal-code>", "<Twilio's prompt for payment-processing>", "Thanks"]
    action = requests(result, "action")[0]
    assert action.method == "POST"
    p = action.params
    assert p["Result"] == "success" and p["PaymentCardNumber"] == "xxxxxxxxxxxx1111"
    assert p["PaymentCardType"] == "visa" and p["ExpirationDate"] == "1230" and p["SecurityCode"] == "xxx"
    assert p["PaymentCardPostalCode"] == "94105" and p["PaymentConfirmationCode"]
    steps = [r.params["For"] for r in notified(result, "pay status")]
    assert steps == ["payment-card-number", "expiration-date", "security-code", "postal-code"]


def test_a_wrong_card_number_plays_the_error_prompt_and_counts_an_attempt():
    result = call(PAID, [Press("4111111111111112#"), Press("4111111111111111#"), Press("1230#"), Press("123#"),
                         Press("94105#")])
    assert result.heard()[:3] == ["Card number please", "Not a valid card", "Expiry please"]
    assert requests(result, "action")[0].params["Result"] == "success"
    assert notified(result, "pay status")[0].params["ErrorType"] == "invalid-card-number"


def test_max_attempts_then_too_many_failed_attempts():
    result = call(PAID, [Press("4111111111111112#"), Press("1234#")])
    action = requests(result, "action")[0].params
    assert action["Result"] == "too-many-failed-attempts" and "PaymentCardNumber" not in action
    assert "invalid-card-number" in action["PaymentError"]


def test_pay_errors_timeout_card_type_and_expiry():
    timed_out = call(PAID, [Silence(5), Silence(5)])
    assert [r.params["ErrorType"] for r in notified(timed_out, "pay status")] == ["timeout", "timeout"]
    amex_only = {"/doc.xml": PAY.replace("<Pay ", '<Pay validCardTypes="amex" '), "/paid": THANKS}
    wrong_type = call(amex_only, [Press("4111111111111111#"), Press("378282246310005#"), Press("1330#"),
                                  Press("1230#"), Press("123#"), Press("1234#"), Press("94105#")])
    errors = [r.params.get("ErrorType") for r in notified(wrong_type, "pay status")]
    assert errors == ["invalid-card-type", None, "invalid-date", None, "invalid-security-code", None, None]
    assert requests(wrong_type, "action")[0].params["PaymentCardType"] == "amex"


def test_star_hang_up_and_a_declined_card():
    star = call(PAID, [Press("*")])
    assert requests(star, "action")[0].params["Result"] == "caller-interrupted-with-star"
    gone = call(PAID, [Press("4111111111111111#"), HangUp()])
    assert requests(gone, "action")[0].params["Result"] == "caller-hung-up" and gone.ended_by == "caller"
    declined = call(PAID, [Press(engine.DECLINED_CARD + "#"), Press("1230#"), Press("123#"), Press("94105#")])
    action = requests(declined, "action")[0].params
    assert action["Result"] == "payment-connector-error" and action["PaymentError"]


def test_without_a_charge_amount_pay_tokenizes_the_card():
    docs = {"/doc.xml": doc('<Pay action="/paid" securityCode="false" postalCode="false"/>'), "/paid": THANKS}
    result = call(docs, [Press("5555555555554444#"), Press("0128#")])
    action = requests(result, "action")[0].params
    assert action["PaymentToken"] and "PaymentConfirmationCode" not in action
    assert action["PaymentCardType"] == "mastercard"


# ---- <Connect> ----------------------------------------------------------------------------------

RELAY = ('<Connect action="/after"><ConversationRelay url="wss://ai.example/relay" welcomeGreeting="Hi, how can I '
         'help?"><Parameter name="line" value="sales"/></ConversationRelay></Connect>')


def test_conversation_relay_greets_then_hands_over_with_its_session():
    docs = {"/doc.xml": doc(RELAY), "/after": THANKS}
    result = call(docs, [Outcome("connect", "handoff", 95, data='{"to":"billing"}')])
    assert result.heard() == ["Hi, how can I help?", "Thanks"]
    p = requests(result, "action")[0].params
    assert p["SessionStatus"] == "completed" and p["SessionDuration"] == "95" and p["HandoffData"] == '{"to":"billing"}'
    assert p["SessionId"].startswith("VX")
    failed = call(docs, [Outcome("connect", "failed")])
    assert requests(failed, "action")[0].params["SessionStatus"] == "failed"


def test_a_stream_without_action_falls_through_when_the_socket_closes():
    result = call({"/doc.xml": doc('<Connect><Stream url="wss://x/s"/></Connect><Say>after</Say>')},
                  [Outcome("connect", "ended", 30)])
    assert result.heard() == ["after"] and result.duration >= 30


def test_a_virtual_agent_reports_its_status():
    docs = {"/doc.xml": doc('<Connect action="/after"><VirtualAgent connectorName="bot"/></Connect>'),
            "/after": THANKS}
    result = call(docs, [Outcome("connect", "ended", 10)])
    assert requests(result, "action")[0].params["VirtualAgentStatus"] == "completed"


# ---- <Start> and <Stop> -------------------------------------------------------------------------


def test_start_does_not_block_and_stop_ends_what_it_began_by_name():
    body = ('<Start><Stream name="s1" url="wss://x/s" statusCallback="/cb/stream"/></Start><Say>one</Say>'
            '<Stop><Stream name="s1"/></Stop><Say>two</Say>')
    result = call({"/doc.xml": doc(body)}, [])
    assert result.heard() == ["one", "two"]
    events = [(e.params["StreamEvent"], e.params["StreamName"]) for e in notified(result, "stream status")]
    assert events == [("stream-started", "s1"), ("stream-stopped", "s1")]
    order = [e.text for e in result.events]
    assert order.index(next(t for t in order if "stream-stopped" in t)) < order.index('hears "two"')


def test_what_nothing_stopped_ends_with_the_call():
    body = ('<Start><Recording recordingStatusCallback="/cb/rec" recordingStatusCallbackEvent="in-progress completed"'
            '/><Transcription statusCallbackUrl="/cb/tr"/><Siprec connectorName="c" statusCallback="/cb/sr"/></Start>'
            '<Pause length="7"/>')
    result = call({"/doc.xml": doc(body)}, [])
    rec = [r.params for r in notified(result, "recording status")]
    assert [r["RecordingStatus"] for r in rec] == ["in-progress", "completed"] and rec[1]["RecordingDuration"] == "7"
    assert [r.params["TranscriptionEvent"] for r in notified(result, "transcription status")] == [
        "transcription-started", "transcription-stopped"]
    assert [r.params["SiprecStatus"] for r in notified(result, "siprec status")] == ["in-progress", "stopped"]


# ---- <Refer>, <Sms> -------------------------------------------------------------------------------


def test_refer_outcomes():
    docs = {"/doc.xml": doc('<Refer action="/after"><Sip>sip:a@b.example</Sip></Refer>'), "/after": THANKS}
    accepted = call(docs, [])
    assert requests(accepted, "action")[0].params == {**requests(accepted, "action")[0].params,
                                                      "ReferCallStatus": "completed", "ReferSipResponseCode": "202"}
    failed = call(docs, [Outcome("refer", "failed")])
    assert requests(failed, "action")[0].params["ReferCallStatus"] == "failed"
    gone = call({"/doc.xml": doc("<Refer><Sip>sip:a@b.example</Sip></Refer><Say>x</Say>")}, [])
    assert gone.ended_by == "end" and gone.heard() == []


def test_sms_sends_and_passes_control_to_its_action():
    docs = {"/doc.xml": doc('<Sms action="/after" statusCallback="/cb/sms">hi</Sms><Say>x</Say>'), "/after": THANKS}
    result = call(docs, [])
    action = requests(result, "action")[0].params
    assert action["SmsSid"].startswith("SM") and action["SmsStatus"] == "sending"
    assert requests(result, "sms status")[0].params["SmsStatus"] == "sent"
    assert result.heard() == ["Thanks"]


# ---- the scenario language ----------------------------------------------------------------------


def scenario(text: str):
    return parse(SourceFile("x.calls", textwrap.dedent(text)))


def test_new_outcomes_parse():
    file, problems = scenario("""\
        call "c":
            queue wait
            conference start
            connect 30s handoff "{}"
            connect failed
            refer failed
    """)
    assert problems == []
    actions = [line.action for line in file.scenarios[0].lines]
    assert [(a.verb, a.status) for a in actions] == [("queue", "wait"), ("conference", "start"),
                                                     ("connect", "handoff"), ("connect", "failed"),
                                                     ("refer", "failed")]
    assert actions[2].seconds == 30 and actions[2].data == "{}"


def test_bad_outcomes_are_diagnostics_with_spans():
    _, problems = scenario("""\
        call "c":
            conference begins
            connect
            connect 30s handoff
    """)
    assert [(p.code, p.span.line, p.span.col) for p in problems] == [("FL951", 2, 16), ("FL951", 3, 12),
                                                                     ("FL951", 4, 24)]
    assert "start, wait" in (problems[0].hint or "")


def test_paths_fork_at_queues_conferences_and_pay(tmp_path):
    from pathlib import Path

    flows = Path(__file__).parent.parent / "flows"
    result = CliRunner().invoke(cli, ["paths", str(flows / "helpdesk.flow"), str(flows / "standup.flow"),
                                       str(flows / "payments.flow")])
    out = result.output
    for fork in ("queue wait, press 1", "queue bridged 30s", "queue queue-full", "conference start",
                 "conference wait, hang up", "press 4111111111111112#, press 4111111111111112#",
                 f"press {engine.DECLINED_CARD}#", "press *"):
        assert fork in out, fork
