"""The generated Flask app for flows/, driven with Flask's test client and
requests signed by twilio's RequestValidator."""

from __future__ import annotations

import pytest
from flask_helpers import FLOWS, HOST, TOKEN, app_builder, get, post, signature

from flowc.backends import twiml
from flowc.project import load

HANDLERS = """\
from . import models, respond

CALLS = []


def on_ivr_choice(request: models.GatherActionRequest):
    CALLS.append(request)
    if request.digits == "3":
        return respond.step("voicemail", "start")
    return "<Response><Say>You pressed " + (request.digits or "nothing") + "</Say></Response>"


def on_recording_status(request):
    CALLS.append(request)
    return "ignored"


def on_transcribed(request):
    CALLS.append(request)
"""

RECORDING = {
    "AccountSid": "AC" + "1" * 32,
    "CallSid": "CA" + "2" * 32,
    "RecordingSid": "RE" + "3" * 32,
    "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE3",
    "RecordingStatus": "completed",
    "RecordingDuration": "14",
    "RecordingChannels": "1",
    "RecordingSource": "RecordVerb",
}

TRANSCRIPTION = {
    "TranscriptionSid": "TR" + "4" * 32,
    "TranscriptionText": "Call me back, please.",
    "TranscriptionStatus": "completed",
    "TranscriptionUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Transcriptions/TR4",
    "RecordingSid": "RE" + "3" * 32,
    "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE3",
    "CallSid": "CA" + "2" * 32,
    "AccountSid": "AC" + "1" * 32,
    "From": "+15551230000",
    "To": "+15559870000",
    "CallStatus": "completed",
    "ApiVersion": "2010-04-01",
    "Direction": "inbound",
    "ForwardedFrom": "",
}


@pytest.fixture
def build_app(tmp_path):
    return app_builder(tmp_path)


@pytest.fixture
def voiceapp(build_app):
    app, package, out = build_app(handlers=HANDLERS)
    return app, package


def static_documents() -> dict[str, bytes]:
    """What the twiml target writes for every step that is not a branch step."""
    build = load([str(FLOWS)])
    assert build.ok
    return {
        f"/{flow.name}/{step.name}.xml": twiml.render_step(flow, step)
        for flow in build.flows
        for step in flow.steps
        if not step.is_branch
    }


def test_every_step_is_served_byte_identical_to_the_twiml_target(voiceapp):
    app, _ = voiceapp
    documents = static_documents()
    assert len(documents) == 26  # every step of flows/*.flow and flows/server/ but the branch step
    twiml_build = load([str(p) for p in sorted(FLOWS.glob("*.flow"))])
    for path, data in twiml.emit(twiml_build).files.items():
        assert documents["/" + path] == data  # the same bytes as `flowc build`
    client = app.test_client()
    for path, data in documents.items():
        for response in (get(client, path), post(client, path, {"CallSid": "CA1"})):
            assert response.status_code == 200, path
            assert response.headers["Content-Type"] == "text/xml"
            assert response.data == data, path


def test_the_app_has_exactly_the_routes_of_the_flows(voiceapp):
    app, _ = voiceapp
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert rules == set(static_documents()) | {
        "/healthz",
        "/support/choice.xml",
        "/ivr/choice",
        "/recording-status",
        "/transcribed",
        "/support/recorded",
        "/support/recording",
        "/support/transcription",
        "/support/recordings",
        "/assistant/transcripts",
        "/standup/events",
        "/standup/recordings",
    }


@pytest.mark.parametrize(
    ("digits", "step"),
    [
        ("1", "billing"),
        ("2", "technician"),
        ("3", "message"),
        ("9", "start"),
        ("11", "start"),
        (None, "start"),
    ],
)
def test_a_branch_step_answers_the_step_the_key_picks(voiceapp, digits, step):
    app, _ = voiceapp
    documents = static_documents()
    client = app.test_client()
    params = {"Digits": digits} if digits is not None else {}
    for response in (post(client, "/support/choice.xml", params), get(client, "/support/choice.xml", params)):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/xml"
        assert response.data == documents[f"/support/{step}.xml"]


def test_gather_action_calls_the_handler_with_a_typed_frozen_request(voiceapp):
    app, package = voiceapp
    client = app.test_client()
    response = post(
        client, "/ivr/choice", {"Digits": "2", "CallSid": "CA9", "From": "+15550001111", "Confidence": "0.5"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml"
    assert response.data == b"<Response><Say>You pressed 2</Say></Response>"
    request = package.handlers.CALLS[-1]
    assert type(request).__name__ == "GatherActionRequest"
    assert (request.digits, request.call_sid, request.from_, request.confidence) == (
        "2",
        "CA9",
        "+15550001111",
        0.5,
    )
    assert request.speech_result is None
    with pytest.raises(AttributeError):
        request.digits = "1"  # frozen


def test_a_handler_can_send_the_call_to_a_step(voiceapp):
    app, _ = voiceapp
    response = get(app.test_client(), "/ivr/choice", {"Digits": "3"})
    assert response.status_code == 200
    assert b'<Redirect method="GET">/voicemail/start.xml</Redirect>' in response.data


def test_request_models_carry_exactly_twilios_parameters(voiceapp):
    _, package = voiceapp
    fields = {name: set(cls.PARAMETERS) for name, cls in package.models.MODELS.items()}
    assert fields["RecordingStatusRequest"] == set(RECORDING)
    assert fields["TranscriptionRequest"] == set(TRANSCRIPTION)
    assert {"RecordingUrl", "RecordingDuration", "Digits"} <= fields["RecordActionRequest"]
    assert {"Digits", "SpeechResult", "Confidence"} <= fields["GatherActionRequest"]
    assert fields["GatherActionRequest"] - fields["RedirectRequest"] == {
        "Digits",
        "SpeechResult",
        "Confidence",
    }
    assert fields["RecordActionRequest"] - fields["RedirectRequest"] == {
        "RecordingUrl",
        "RecordingDuration",
        "Digits",
    }


def test_recording_status_callback_is_stored_and_handled(voiceapp):
    app, package = voiceapp
    response = post(app.test_client(), "/recording-status", RECORDING)
    assert response.status_code == 204
    request = package.handlers.CALLS[-1]
    assert (request.recording_sid, request.recording_duration, request.recording_channels) == (
        RECORDING["RecordingSid"],
        14,
        1,
    )
    rows = app.extensions["flowc_store"].recordings()
    assert [(r["recording_sid"], r["status"], r["duration"], r["path"]) for r in rows] == [
        (RECORDING["RecordingSid"], "completed", 14, "/recording-status")
    ]


def test_a_replayed_callback_is_stored_once(voiceapp):
    app, _ = voiceapp
    client = app.test_client()
    for _ in range(3):
        assert post(client, "/recording-status", RECORDING).status_code == 204
        assert post(client, "/transcribed", TRANSCRIPTION).status_code == 204
    store = app.extensions["flowc_store"]
    assert len(store.recordings()) == 1
    transcriptions = store.transcriptions()
    assert [(t["transcription_sid"], t["text"], t["mailbox"]) for t in transcriptions] == [
        (TRANSCRIPTION["TranscriptionSid"], "Call me back, please.", "message")
    ]


def test_a_late_retry_never_moves_a_recording_back_to_in_progress(voiceapp):
    app, _ = voiceapp
    client = app.test_client()
    post(
        client, "/recording-status", {**RECORDING, "RecordingStatus": "in-progress", "RecordingDuration": ""}
    )
    post(client, "/recording-status", RECORDING)
    post(
        client, "/recording-status", {**RECORDING, "RecordingStatus": "in-progress", "RecordingDuration": ""}
    )
    rows = app.extensions["flowc_store"].recordings()
    assert [(r["status"], r["duration"]) for r in rows] == [("completed", 14)]


def test_the_cli_command_lists_what_was_stored(voiceapp):
    app, _ = voiceapp
    client = app.test_client()
    post(client, "/recording-status", RECORDING)
    post(client, "/transcribed", TRANSCRIPTION)
    result = app.test_cli_runner().invoke(args=["recordings"])
    assert result.exit_code == 0, result.output
    assert "1 recording\n" in result.output and "1 transcription\n" in result.output
    assert RECORDING["RecordingSid"] in result.output and "completed" in result.output
    assert "Call me back, please." in result.output


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},  # forged
        {
            "X-Twilio-Signature": signature(HOST + "/recording-status", RECORDING, token="0" * 32)
        },  # other token
    ],
)
def test_unsigned_or_forged_requests_are_refused(voiceapp, headers):
    app, package = voiceapp
    client = app.test_client()
    for path in ("/recording-status", "/ivr/start.xml", "/ivr/choice"):
        response = client.post(path, data=RECORDING, headers=headers)
        assert response.status_code == 403, path
    assert package.handlers.CALLS == []
    assert app.extensions["flowc_store"].recordings() == []


def test_a_signature_for_other_parameters_is_refused(voiceapp):
    app, _ = voiceapp
    headers = {"X-Twilio-Signature": signature(HOST + "/recording-status", RECORDING)}
    tampered = {**RECORDING, "RecordingUrl": "https://evil.example/x"}
    assert app.test_client().post("/recording-status", data=tampered, headers=headers).status_code == 403


def test_a_get_is_validated_against_the_query_string_as_sent(voiceapp):
    app, _ = voiceapp
    client = app.test_client()
    # Twilio's own encoding (%20 for a space, %2B for +) must not be re-encoded before checking.
    raw = "Digits=1&SpeechResult=sales%20please&From=%2B15551230000&Confidence=0.9"
    url = f"/ivr/choice?{raw}"
    headers = {"X-Twilio-Signature": signature(HOST + url)}
    response = client.get(url, headers=headers, environ_overrides={"RAW_URI": url})
    assert response.status_code == 200
    assert response.data == b"<Response><Say>You pressed 1</Say></Response>"
    # The same parameters encoded another way (werkzeug would decode both alike).
    other = "/ivr/choice?Digits=1&SpeechResult=sales+please&From=%2B15551230000&Confidence=0.9"
    assert client.get(other, headers=headers, environ_overrides={"RAW_URI": other}).status_code == 403
    # Without the request line (a server that does not pass it on), the query string is used as received.
    assert client.get(url, headers=headers).status_code == 200


def test_behind_a_proxy_the_public_url_is_validated(build_app):
    app, _, _ = build_app(config={"FLOWC_PROXY_HOPS": "1"})
    client = app.test_client()
    public = "https://voice.example.com/app"
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "voice.example.com",
        "X-Forwarded-Prefix": "/app",
        "X-Forwarded-For": "203.0.113.9",
    }
    response = post(client, "/ivr/start.xml", {"CallSid": "CA1"}, host=public, headers=forwarded)
    assert response.status_code == 200
    # Signed for the internal URL instead: refused, since Twilio signs the public one.
    assert post(client, "/ivr/start.xml", {"CallSid": "CA1"}, headers=forwarded).status_code == 403


def test_without_proxy_hops_forwarded_headers_are_not_trusted(build_app):
    app, _, _ = build_app()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "voice.example.com"}
    client = app.test_client()
    assert (
        post(client, "/ivr/start.xml", {}, host="https://voice.example.com", headers=forwarded).status_code
        == 403
    )
    assert post(client, "/ivr/start.xml", {}, headers=forwarded).status_code == 200


def test_the_app_refuses_to_start_without_a_token(build_app, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("FLOWC_INSECURE_SKIP_SIGNATURE", raising=False)
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="TWILIO_AUTH_TOKEN is not set.*FLOWC_INSECURE_SKIP_SIGNATURE=1"):
        package.create_app({"DATABASE_URL": "sqlite:///unused.db"})


def test_the_development_switch_starts_without_a_token_and_skips_checks(build_app, monkeypatch, tmp_path):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    _, package, _ = build_app()
    app = package.create_app(
        {"FLOWC_INSECURE_SKIP_SIGNATURE": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"}
    )
    assert app.test_client().get("/voicemail/start.xml").status_code == 200


def test_the_token_comes_from_the_environment(build_app, monkeypatch, tmp_path):
    _, package, _ = build_app()
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "f" * 32)
    app = package.create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"})
    client = app.test_client()
    assert get(client, "/voicemail/start.xml", token="f" * 32).status_code == 200
    assert get(client, "/voicemail/start.xml").status_code == 403


def test_a_bad_proxy_setting_is_a_clear_error(build_app):
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="FLOWC_PROXY_HOPS must be a whole number"):
        package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "FLOWC_PROXY_HOPS": "yes"})


def test_default_stubs_answer_safely(build_app, tmp_path):
    app, package, out = build_app()
    client = app.test_client()
    response = post(client, "/ivr/choice", {"Digits": "1"})
    assert response.status_code == 200
    assert response.data == package.respond.HANGUP.encode()
    assert b"<Hangup/>" in response.data


def test_missing_handlers_answer_by_default_and_still_store(build_app):
    app, package, _ = build_app(handlers="# nothing here yet\n")
    client = app.test_client()
    assert post(client, "/ivr/choice", {"Digits": "1"}).data == package.respond.HANGUP.encode()
    assert post(client, "/recording-status", RECORDING).status_code == 204
    assert len(app.extensions["flowc_store"].recordings()) == 1


def test_a_database_url_goes_through_sqlalchemy(build_app, tmp_path):
    app, package, _ = build_app(config={"DATABASE_URL": f"sqlite+pysqlite:///{tmp_path / 'sa.db'}"})
    store = app.extensions["flowc_store"]
    assert type(store).__name__ == "SqlAlchemyStore"
    client = app.test_client()
    for _ in range(2):
        assert post(client, "/recording-status", RECORDING).status_code == 204
        assert post(client, "/transcribed", TRANSCRIPTION).status_code == 204
    assert [r["recording_sid"] for r in store.recordings()] == [RECORDING["RecordingSid"]]
    assert [t["transcription_sid"] for t in store.transcriptions()] == [TRANSCRIPTION["TranscriptionSid"]]


def test_without_a_database_url_recordings_go_to_the_instance_folder(build_app, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    _, package, out = build_app()
    app = package.create_app({"TWILIO_AUTH_TOKEN": TOKEN})
    post(app.test_client(), "/recording-status", RECORDING)
    assert (out.parent / "instance" / "recordings.sqlite3").is_file()
    assert len(app.extensions["flowc_store"].recordings()) == 1


ACTION_PARAMS = {
    "RecordActionRequest": {
        "RecordingUrl": "https://api.twilio.com/r/RE1",
        "RecordingDuration": "7",
        "Digits": "#",
    },
    "GatherActionRequest": {"Digits": "1"},
    "RecordingStatusRequest": RECORDING,
    "TranscriptionRequest": TRANSCRIPTION,
    "LiveTranscriptionRequest": {"TranscriptionEvent": "transcription-started"},
    "ConferenceStatusRequest": {"ConferenceSid": "CF" + "1" * 32, "StatusCallbackEvent": "participant-join"},
}


def test_every_callback_route_of_the_example_flows(build_app):
    app, package, _ = build_app()
    client = app.test_client()
    callbacks = package.flows.CALLBACKS
    assert {c.path for c in callbacks} == {
        "/ivr/choice",
        "/recording-status",
        "/transcribed",
        "/support/recorded",
        "/support/recording",
        "/support/transcription",
        "/support/recordings",
        "/assistant/transcripts",
        "/standup/events",
        "/standup/recordings",
    }
    for callback in callbacks:
        params = {**ACTION_PARAMS[callback.model], "CallSid": "CA" + "7" * 32}
        for send in (post, get):
            response = send(client, callback.path, params)
            if callback.kind in package.flows.ANSWERS_TWIML:
                assert response.status_code == 200, callback.path
                assert response.headers["Content-Type"] == "text/xml"
                assert response.data == package.respond.HANGUP.encode()  # the stub of handlers.py
            else:
                assert response.status_code == 204, callback.path
                assert response.data == b""
    store = app.extensions["flowc_store"]
    # One RecordingSid and one TranscriptionSid, sent to several paths each: one row each, from the first.
    assert [r["path"] for r in store.recordings()] == ["/recording-status"]
    assert [t["path"] for t in store.transcriptions()] == ["/support/transcription"]


def test_a_support_recording_keeps_its_path(build_app):
    app, _, _ = build_app()
    client = app.test_client()
    other = {**RECORDING, "RecordingSid": "RE" + "9" * 32}
    assert post(client, "/support/recording", other).status_code == 204
    assert post(client, "/recording-status", RECORDING).status_code == 204
    rows = {r["recording_sid"]: r["path"] for r in app.extensions["flowc_store"].recordings()}
    assert rows == {
        RECORDING["RecordingSid"]: "/recording-status",
        other["RecordingSid"]: "/support/recording",
    }


def test_a_status_callback_without_its_sid_is_a_bad_request(voiceapp):
    app, package = voiceapp
    response = post(app.test_client(), "/recording-status", {"RecordingStatus": "completed"})
    assert response.status_code == 400
    assert app.extensions["flowc_store"].recordings() == []
    assert package.handlers.CALLS == []
