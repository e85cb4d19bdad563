"""Every webhook of TwiML Voice in the flask target: one route per callback the
vocabulary's verbs and nouns define, each with the typed request Twilio's
parameters make, behind the signature check."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from flask_helpers import (
    FLOWS,
    HOST,
    app_builder,
    environment,
    flowc_build,
    load_package,
    post,
    signature,
    write_flows,
)

from flowc import vocabulary, webhooks
from flowc.backends import flask as target

# One flow that writes every kind of webhook the language has.
HOOKS = """\
flow hooks
    base-url https://example.com/twiml

step start:
    start -> /hooks/started:
        stream wss://example.com/audio status /hooks/stream
        siprec connector-name "rec" status /hooks/siprec
        transcription name live status /hooks/transcript
        recording recording-status /hooks/recording
    gather partial-result /hooks/partial -> /hooks/gathered:
        say "Press a key."
    enqueue support wait /hooks/hold -> /hooks/dequeued

step texting:
    sms "Hello" status /hooks/sms-status -> /hooks/sms

step dialling:
    dial recording-status /hooks/dial-recording refer /hooks/refer-url -> /hooks/dialled:
        number "+14155550100" url /hooks/whisper status /hooks/call-status amd-status /hooks/amd

step conf:
    dial:
        conference standup wait /hooks/conference-wait status /hooks/conference on join event-callback /hooks/participant

step agent:
    dial:
        queue support url /hooks/dequeue

step ai:
    connect -> /hooks/connected:
        virtual-agent connector-name "cx" status /hooks/agent

step frontline:
    connect:
        conversation "IS0123456789abcdef0123456789abcdef" url /hooks/conversation status /hooks/conversation-status

step paying:
    pay status /hooks/pay-status -> /hooks/paid

step transfer:
    refer -> /hooks/referred:
        sip "sip:alice@example.com"

step message:
    record voicemail transcribe /hooks/transcribed status /hooks/recording-status -> /hooks/recorded

step away:
    redirect -> /hooks/away
"""


@pytest.fixture(scope="module")
def hooks_dir(tmp_path_factory):
    return write_flows(tmp_path_factory.mktemp("hooks_flows"), hooks=HOOKS)


def _handlers(paths) -> str:
    """A handlers.py that records every request it is given."""
    lines = ["CALLS = []", ""]
    for path in paths:
        lines += [f"def {target.handler_name(path)}(request):", "    CALLS.append(request)", ""]
    return "\n".join(lines)


@pytest.fixture
def hooks_app(tmp_path, hooks_dir):
    paths = [f"/hooks/{p}" for p in re.findall(r"/hooks/([a-z-]+)", HOOKS)]
    app, package, out = app_builder(tmp_path)(paths=[hooks_dir], handlers=_handlers(paths))
    return app, package


def _value(param: str) -> str:
    kind = target.TYPES.get(param)
    if kind == "int":
        return "42"
    if kind == "float":
        return "0.75"
    if param.endswith("Sid"):
        return "XX" + "7" * 32
    return f"{param} as sent"


def _params(request: webhooks.Request) -> dict[str, str]:
    names = (*request.params, *(webhooks.STANDARD if request.standard else ()))
    return {name: _value(name) for name in names}


# ---- the table --------------------------------------------------------------------------------


def _url_fields(verb: vocabulary.Verb) -> set[str]:
    """The IR fields of a verb or noun of the vocabulary that hold a URL."""
    fields = {v.field for v in verb.values if v.shape is vocabulary.Shape.URL}
    for option in verb.options:
        if option.shape in (vocabulary.Shape.CALLBACK, vocabulary.Shape.URL):
            fields.add(option.field)
        elif option.shape is vocabulary.Shape.SWITCH_URL:
            fields.add(f"{option.field}_callback")
    if verb.arrow is not None and verb.element is not None:
        fields.update(f for f in verb.arrow.fields if f in ("action", "target"))
        if verb.name == "redirect":
            fields.add("target")
    if verb.name == "play":
        fields.add("url")
    return fields


def test_every_url_of_the_vocabulary_is_a_webhook_or_named_as_none():
    missing = [
        (verb.name, field)
        for verb in vocabulary.VERBS
        for field in _url_fields(verb)
        if (verb.name, field) not in webhooks.WHERE and (verb.name, field) not in webhooks.NOT_WEBHOOKS
    ]
    assert missing == []


def test_the_table_names_only_what_the_vocabulary_has():
    for (name, field), kind in webhooks.WHERE.items():
        assert field in _url_fields(vocabulary.verb(name)), (name, field)
        assert kind in webhooks.REQUESTS
    assert set(webhooks.WHERE.values()) == set(webhooks.REQUESTS), "a kind of request nothing sends"
    for name, field in webhooks.NOT_WEBHOOKS:
        assert field in _url_fields(vocabulary.verb(name))


def test_each_kind_has_its_own_request_class_and_documented_parameters():
    models = [r.model for r in webhooks.REQUESTS.values()]
    assert len(models) == len(set(models))
    for kind, request in webhooks.REQUESTS.items():
        assert len(request.params) == len(set(request.params)), kind
        assert {name for name, _ in request.sample} <= {*request.params, *webhooks.STANDARD}, kind
        assert request.label and request.title


# ---- the routes -------------------------------------------------------------------------------


def test_every_kind_of_request_gets_a_route(hooks_app):
    _, package = hooks_app
    kinds = {c.kind.name for c in package.flows.CALLBACKS}
    assert kinds == set(webhooks.REQUESTS)
    by_path = {c.path: c.kind.name for c in package.flows.CALLBACKS}
    assert by_path["/hooks/dialled"] == "DIAL_ACTION"
    assert by_path["/hooks/dequeued"] == "ENQUEUE_ACTION"
    assert by_path["/hooks/hold"] == "QUEUE_WAIT"
    assert by_path["/hooks/dequeue"] == "DEQUEUE"
    assert by_path["/hooks/paid"] == "PAY_ACTION"
    assert by_path["/hooks/pay-status"] == "PAY_STATUS"
    assert by_path["/hooks/connected"] == "CONNECT_ACTION"
    assert by_path["/hooks/stream"] == "STREAM_STATUS"
    assert by_path["/hooks/transcript"] == "LIVE_TRANSCRIPTION"
    assert by_path["/hooks/conference"] == by_path["/hooks/participant"] == "CONFERENCE_STATUS"
    assert by_path["/hooks/conference-wait"] == "CONFERENCE_WAIT"
    assert by_path["/hooks/amd"] == "AMD_STATUS"
    assert by_path["/hooks/referred"] == "REFER_ACTION"
    assert by_path["/hooks/sms-status"] == "SMS_STATUS"
    assert by_path["/hooks/whisper"] == "WHISPER"


def test_signed_requests_reach_the_handler_as_typed_models(hooks_app):
    app, package = hooks_app
    client = app.test_client()
    for callback in package.flows.CALLBACKS:
        request = webhooks.REQUESTS[callback.kind.name]
        params = _params(request)
        before = len(package.handlers.CALLS)
        response = post(client, callback.path, params)
        if request.twiml:
            assert response.status_code == 200, callback.path
            assert b"<Response" in response.data
        else:
            assert response.status_code == 204, callback.path
        assert len(package.handlers.CALLS) == before + 1, callback.path
        got = package.handlers.CALLS[-1]
        assert type(got).__name__ == request.model
        for param, (name, convert) in type(got).PARAMETERS.items():
            value = getattr(got, name)
            if convert == "int":
                assert value == 42, (callback.path, param)
            elif convert == "float":
                assert value == 0.75, (callback.path, param)
            else:
                assert value == params[param], (callback.path, param)
        assert set(type(got).PARAMETERS) == set(params), callback.path


def test_forged_and_unsigned_requests_are_refused(hooks_app):
    app, package = hooks_app
    client = app.test_client()
    for callback in package.flows.CALLBACKS:
        params = _params(webhooks.REQUESTS[callback.kind.name])
        assert client.post(callback.path, data=params).status_code == 403
        forged = post(client, callback.path, params, token="not-the-auth-token")
        assert forged.status_code == 403, callback.path
        # Signed by Twilio, but for other parameters than those sent.
        sig = signature(HOST + callback.path, params)
        changed = client.post(
            callback.path,
            data={**params, "CallSid": "CA" + "8" * 32},
            headers={"X-Twilio-Signature": sig},
            environ_overrides={"RAW_URI": callback.path, "REQUEST_URI": callback.path},
        )
        assert changed.status_code == 403, callback.path
    assert package.handlers.CALLS == []


def test_the_models_read_what_twilio_documents(hooks_app):
    app, package = hooks_app
    client = app.test_client()
    m = package.models

    def send(path: str, params: dict):
        post(client, path, {"CallSid": "CA" + "1" * 32, **params})
        return package.handlers.CALLS[-1]

    dial = send(
        "/hooks/dialled", {"DialCallStatus": "no-answer", "DialCallDuration": "0", "DialBridged": "false"}
    )
    assert isinstance(dial, m.DialActionRequest)
    assert (dial.dial_call_status, dial.dial_call_duration, dial.dial_bridged) == ("no-answer", 0, "false")
    queue = send("/hooks/dequeued", {"QueueResult": "hangup", "QueueTime": "95", "QueueSid": "QU" + "2" * 32})
    assert (queue.queue_result, queue.queue_time, queue.queue_sid) == ("hangup", 95, "QU" + "2" * 32)
    wait = send("/hooks/hold", {"QueuePosition": "3", "AvgQueueTime": "40", "CurrentQueueSize": "7"})
    assert (wait.queue_position, wait.avg_queue_time, wait.current_queue_size) == (3, 40, 7)
    dequeue = send("/hooks/dequeue", {"DequeingCallSid": "CA" + "3" * 32, "QueueTime": "12"})
    assert (dequeue.dequeing_call_sid, dequeue.queue_time) == ("CA" + "3" * 32, 12)
    paid = send(
        "/hooks/paid",
        {
            "Result": "success",
            "PaymentConfirmationCode": "ch_1",
            "PaymentCardNumber": "xxxx-xxxx-xxxx-4001",
            "PaymentCardType": "visa",
            "ExpirationDate": "0528",
            "PaymentError": "",
            "ConnectorError": "",
            "PayErrorCode": "",
        },
    )
    assert isinstance(paid, m.PayActionRequest)
    assert (paid.result, paid.payment_card_type, paid.expiration_date) == ("success", "visa", "0528")
    assert paid.payment_confirmation_code == "ch_1" and paid.payment_card_number.endswith("4001")
    failed = send("/hooks/paid", {"Result": "payment-connector-error", "PaymentError": "card is declined"})
    assert (failed.result, failed.payment_error, failed.payment_confirmation_code) == (
        "payment-connector-error",
        "card is declined",
        None,
    )
    progress = send(
        "/hooks/pay-status", {"For": "expiration-date", "ErrorType": "invalid-date", "Attempt": "2"}
    )
    assert (progress.for_, progress.error_type, progress.attempt) == ("expiration-date", "invalid-date", 2)
    relay = send(
        "/hooks/connected",
        {"SessionStatus": "ended", "SessionDuration": "61", "HandoffData": '{"reason": "human"}'},
    )
    assert (relay.session_status, relay.session_duration, relay.handoff_data) == (
        "ended",
        61,
        '{"reason": "human"}',
    )
    stream = send("/hooks/stream", {"StreamEvent": "stream-stopped", "StreamSid": "MZ" + "4" * 32})
    assert (stream.stream_event, stream.stream_sid) == ("stream-stopped", "MZ" + "4" * 32)
    live = send("/hooks/transcript", {"TranscriptionEvent": "transcription-content", "Final": "true"})
    assert (live.transcription_event, live.final) == ("transcription-content", "true")
    conference = send(
        "/hooks/conference", {"StatusCallbackEvent": "participant-leave", "SequenceNumber": "4"}
    )
    assert (conference.status_callback_event, conference.sequence_number) == ("participant-leave", 4)
    amd = send("/hooks/amd", {"AnsweredBy": "machine_end_beep", "MachineDetectionDuration": "3100"})
    assert (amd.answered_by, amd.machine_detection_duration) == ("machine_end_beep", 3100)
    status = send("/hooks/call-status", {"CallStatus": "completed", "CallDuration": "30"})
    assert (status.call_status, status.call_duration) == ("completed", 30)
    refer = send("/hooks/referred", {"ReferCallStatus": "completed", "ReferSipResponseCode": "202"})
    assert (refer.refer_call_status, refer.refer_sip_response_code) == ("completed", "202")
    sms = send("/hooks/sms-status", {"SmsStatus": "failed", "SmsSid": "SM" + "5" * 32})
    assert (sms.sms_status, sms.sms_sid) == ("failed", "SM" + "5" * 32)
    partial = send("/hooks/partial", {"UnstableSpeechResult": "I would", "Stability": "0.5"})
    assert (partial.unstable_speech_result, partial.stability) == ("I would", 0.5)


def test_answers_to_notifications_are_ignored_and_actions_fall_back(tmp_path, hooks_dir):
    handlers = "def on_hooks_paid(request):\n    raise RuntimeError('the payment server is down')\n"
    handlers += "def on_hooks_stream(request):\n    raise RuntimeError('ignored')\n"
    app, package, _ = app_builder(tmp_path)(paths=[hooks_dir], handlers=handlers)
    client = app.test_client()
    paid = post(client, "/hooks/paid", {"CallSid": "CA1", "Result": "success"})
    assert paid.status_code == 200 and b"<Hangup" in paid.data  # the fallback
    assert post(client, "/hooks/stream", {"StreamEvent": "stream-error"}).status_code == 204


def test_the_example_flows_serve_their_new_callbacks(tmp_path):
    app, package, _ = app_builder(tmp_path)(paths=[FLOWS], handlers=_handlers(["/standup/events"]))
    kinds = {c.path: c.kind.name for c in package.flows.CALLBACKS}
    assert kinds["/assistant/transcripts"] == "LIVE_TRANSCRIPTION"
    assert kinds["/standup/events"] == "CONFERENCE_STATUS"
    assert kinds["/standup/recordings"] == kinds["/support/recordings"] == "RECORDING_STATUS"
    client = app.test_client()
    event = {"ConferenceSid": "CF" + "1" * 32, "StatusCallbackEvent": "participant-join", "CallSid": "CA1"}
    assert post(client, "/standup/events", event).status_code == 204
    assert package.handlers.CALLS[-1].status_callback_event == "participant-join"
    assert client.post("/standup/events", data=event).status_code == 403
    live = {"TranscriptionEvent": "transcription-started", "CallSid": "CA1"}
    assert post(client, "/assistant/transcripts", live).status_code == 204
    # A wait step of a conference is a step reference: a step route, not a callback.
    assert ("standup", "waiting") in package.flows.STEPS
    assert "/standup/waiting.xml" not in kinds


def test_the_generated_tests_pass_for_every_kind_of_webhook(tmp_path, hooks_dir):
    out = tmp_path / "hookapp"
    assert flowc_build([hooks_dir], out).exit_code == 0
    flows = load_package(out).flows
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "hookapp/tests"],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    expected = len(flows.STEPS) + len(flows.BRANCHES) + len(flows.CALLBACKS) + 3
    assert re.search(r"\b(\d+) passed", result.stdout).group(1) == str(expected)


def test_the_docs_list_every_request_object_and_its_parameters():
    text = (FLOWS.parent / "docs" / "flask.md").read_text(encoding="utf-8")
    for request in webhooks.REQUESTS.values():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{request.model}` |")), None)
        assert row is not None, request.model
        for param in request.params:
            assert f"`{target.attribute(param)}`" in row, (request.model, param)
        assert f"| {request.title} | `{request.model}` |" in text
