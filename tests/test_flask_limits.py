"""The generated app in production: limits, failures, logs, health, signatures, settings.

Driven with Flask's test client and requests signed by twilio's own
RequestValidator; the gunicorn side is in test_flask_production_serve.py.
"""

from __future__ import annotations

import re

import pytest
from flask_helpers import HOST, TOKEN, app_builder, get, post, signature
from twilio.request_validator import RequestValidator

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

FAILING = """\
import time

from . import models, respond


def on_ivr_choice(request: models.GatherActionRequest):
    if request.digits == "1":
        raise RuntimeError("the CRM is down")
    if request.digits == "2":
        return 42
    if request.digits == "3":
        return "Thank you, goodbye"
    if request.digits == "4":
        time.sleep(3)
        return respond.hangup()
    if request.digits == "5":
        return "<Response><Say>fine</Say></Response>"
    return respond.hangup()


def on_recording_status(request):
    raise ValueError("a bug in my notification handler")
"""


@pytest.fixture
def build_app(tmp_path):
    return app_builder(tmp_path)


def stored(app):
    return app.extensions["flowc_store"].recordings()


# ---- 1. limits on the body -------------------------------------------------------------------


def test_a_body_past_the_limit_is_413_and_an_unsigned_one_403_before_reading(build_app):
    app, _, _ = build_app(config={"FLOWC_MAX_BODY_BYTES": "4096"})
    client = app.test_client()
    big = {**RECORDING, "RecordingUrl": "x" * 8000}
    assert post(client, "/recording-status", big).status_code == 413
    assert stored(app) == []
    # Without a signature header, refused before the body is looked at.
    read = []

    class Body:
        def read(self, *args):
            read.append(args)
            return b""

    declared = {"wsgi.input": Body(), "CONTENT_LENGTH": str(200 * 2**20)}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = client.post("/recording-status", headers=form, environ_overrides=declared)
    assert response.status_code == 403
    assert read == []
    # Signed, but declared larger than the limit: 413 without reading it either.
    signed = {**form, "X-Twilio-Signature": signature(HOST + "/recording-status", {})}
    response = client.post("/recording-status", headers=signed, environ_overrides=declared)
    assert response.status_code == 413
    assert read == []
    # Under the limit, as before.
    assert post(client, "/recording-status", RECORDING).status_code == 204


def test_the_default_body_limit_is_well_above_what_twilio_sends(build_app):
    app, package, _ = build_app()
    assert app.config["MAX_CONTENT_LENGTH"] == package.security.DEFAULT_MAX_BODY == 128 * 1024
    client = app.test_client()
    text = {"TranscriptionSid": "TR1", "TranscriptionText": "word " * 3000}  # a long message, 15 KB
    assert post(client, "/transcribed", text).status_code == 204
    assert post(client, "/transcribed", {"TranscriptionSid": "TR2", "X": "y" * 200_000}).status_code == 413


@pytest.mark.parametrize("value", ["0", "yes", "-5"])
def test_a_bad_body_limit_is_a_clear_error(build_app, value):
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="FLOWC_MAX_BODY_BYTES must be a number"):
        package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "FLOWC_MAX_BODY_BYTES": value})


# ---- 2. log injection ----------------------------------------------------------------------------


def test_a_request_path_cannot_forge_log_lines(build_app, capsys):
    app, _, _ = build_app()
    capsys.readouterr()
    client = app.test_client()
    assert client.get("/x%0A[forged log line]%1b[31m").status_code == 403
    assert client.get("/ivr/start.xml%0D%0A2026-01-01 INFO forged").status_code == 403
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\r" not in err
    lines = err.splitlines()
    assert lines and not any(line.startswith(("[forged", "2026-01-01")) for line in lines)
    assert all(re.match(r"\d{4}-\d\d-\d\dT", line) for line in lines), lines
    assert any("\\n[forged log line]\\x1b[31m" in line for line in lines), lines


def test_handler_messages_stay_on_one_line(build_app, capsys):
    app, _, _ = build_app(
        handlers="""\
        import logging

        log = logging.getLogger(__name__)


        def on_ivr_choice(request):
            log.warning("caller said: %s", request.speech_result)
        """
    )
    capsys.readouterr()
    post(app.test_client(), "/ivr/choice", {"SpeechResult": "hello\nINFO fake line\x1b[2J"})
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "caller said" in line]
    assert len(said) == 1 and "hello\\nINFO fake line\\x1b[2J" in said[0]
    assert not any(line.startswith("INFO fake") for line in err.splitlines())


# ---- 3. values out of range --------------------------------------------------------------------


def test_out_of_range_numbers_are_stored_as_missing(build_app):
    app, _, _ = build_app()
    client = app.test_client()
    huge = {**RECORDING, "RecordingDuration": "99999999999999999999", "RecordingChannels": "-3000000000"}
    assert post(client, "/recording-status", huge).status_code == 204
    [row] = stored(app)
    assert (row["duration"], row["channels"], row["status"]) == (None, None, "completed")
    nan = {**RECORDING, "RecordingSid": "RE" + "4" * 32, "RecordingDuration": "1" * 5000}
    assert post(client, "/recording-status", nan).status_code == 204
    assert post(client, "/ivr/choice", {"Digits": "1", "Confidence": "1e999"}).status_code == 200


def test_overlong_values_are_capped_before_they_are_stored(build_app):
    app, package, _ = build_app(config={"FLOWC_MAX_BODY_BYTES": str(2 * 2**20)})
    client = app.test_client()
    sid = {**RECORDING, "RecordingSid": "RE" + "x" * 400_000}
    assert post(client, "/recording-status", sid).status_code == 400  # not an id of Twilio's: missing
    assert stored(app) == []
    url = {**RECORDING, "RecordingUrl": "https://api.twilio.com/" + "u" * 400_000}
    assert post(client, "/recording-status", url).status_code == 204
    [row] = stored(app)
    assert len(row["recording_url"]) == package.models.MAX_TEXT == 4096
    text = {"TranscriptionSid": "TR1", "TranscriptionText": "t" * 100_000}
    assert post(client, "/transcribed", text).status_code == 204
    [t] = app.extensions["flowc_store"].transcriptions()
    assert len(t["text"]) == package.models.MAX_LONG_TEXT


# ---- 4. handlers that fail ---------------------------------------------------------------------


@pytest.mark.parametrize("digits", ["1", "2", "3", "4"])
def test_a_failing_handler_gives_the_caller_the_fallback_with_200(build_app, capsys, digits):
    app, package, _ = build_app(handlers=FAILING, config={"FLOWC_HANDLER_TIMEOUT": "0.5"})
    capsys.readouterr()
    response = post(app.test_client(), "/ivr/choice", {"Digits": digits, "CallSid": "CA77"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml"
    assert response.data == package.respond.APOLOGY.encode()
    assert b"<Say>" in response.data and b"<Hangup/>" in response.data
    rid = response.headers["X-Request-Id"]
    errors = [line for line in capsys.readouterr().err.splitlines() if " ERROR " in line]
    assert errors and all(f"rid={rid}" in line for line in errors), errors
    reason = {
        "1": "the CRM is down",
        "2": "returned a int",
        "3": "not a TwiML",
        "4": "took longer than 0.5 s",
    }
    assert reason[digits] in errors[0]


def test_a_good_answer_is_unchanged(build_app):
    app, _, _ = build_app(handlers=FAILING)
    response = post(app.test_client(), "/ivr/choice", {"Digits": "5"})
    assert response.data == b"<Response><Say>fine</Say></Response>"


def test_the_fallback_can_be_a_step_of_the_flows(build_app):
    app, _, _ = build_app(handlers=FAILING, config={"FLOWC_FALLBACK_STEP": "voicemail.start"})
    response = post(app.test_client(), "/ivr/choice", {"Digits": "1"})
    assert response.status_code == 200
    assert b'<Redirect method="GET">/voicemail/start.xml</Redirect>' in response.data


def test_a_fallback_step_that_does_not_exist_is_refused(build_app):
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="FLOWC_FALLBACK_STEP must name a step"):
        package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "FLOWC_FALLBACK_STEP": "voicemail.nowhere"})


def test_a_failing_notification_handler_still_stores_and_answers_204(build_app, capsys):
    app, _, _ = build_app(handlers=FAILING)
    response = post(app.test_client(), "/recording-status", RECORDING)
    assert response.status_code == 204
    assert len(stored(app)) == 1
    assert "a bug in my notification handler" in capsys.readouterr().err


def test_a_failing_database_is_a_500_for_twilio_to_retry(build_app, monkeypatch, capsys):
    app, _, _ = build_app()
    store = app.extensions["flowc_store"]

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "_write", broken)
    response = post(app.test_client(), "/recording-status", RECORDING)
    assert response.status_code == 500
    err = capsys.readouterr().err
    assert "disk full" in err and f"rid={response.headers['X-Request-Id']}" in err


# ---- 5. the insecure switch --------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        {"TWILIO_AUTH_TOKEN": TOKEN},
        {"FLOWC_PREVIOUS_AUTH_TOKENS": TOKEN},
        {"FLOWC_SHARED_KEYS": "key1=" + "s" * 32},
    ],
)
def test_the_insecure_switch_is_refused_when_a_secret_is_set(build_app, monkeypatch, secret):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="FLOWC_INSECURE_SKIP_SIGNATURE is set together with"):
        package.create_app({**secret, "FLOWC_INSECURE_SKIP_SIGNATURE": "TRUE"})


# ---- 6. logs -------------------------------------------------------------------------------------


def test_one_access_line_per_request_with_request_id_and_call_sid(build_app, capsys):
    app, _, _ = build_app()
    capsys.readouterr()
    client = app.test_client()
    ok = post(client, "/ivr/choice", {"Digits": "1", "CallSid": "CA" + "5" * 32})
    refused = client.post("/ivr/choice", data={"CallSid": "CA1"})
    err = capsys.readouterr().err
    access = [line for line in err.splitlines() if ".access " in line]
    assert len(access) == 2
    assert f"rid={ok.headers['X-Request-Id']}" in access[0]
    assert "method=POST path=/ivr/choice status=200 ms=" in access[0]
    assert access[0].endswith("call=CA" + "5" * 32)
    assert "status=403" in access[1] and access[1].endswith("call=-")  # not read before it is signed
    assert refused.headers["X-Request-Id"] != ok.headers["X-Request-Id"]
    # The handler's own line carries the same request id.
    mine = [line for line in err.splitlines() if ".handlers " in line]
    assert len(mine) == 1 and f"rid={ok.headers['X-Request-Id']}" in mine[0]


def test_a_proxys_request_id_is_kept_when_it_is_a_plain_token(build_app):
    app, _, _ = build_app()
    client = app.test_client()
    kept = get(client, "/ivr/start.xml", headers={"X-Request-Id": "lb-1234abcd"})
    assert kept.headers["X-Request-Id"] == "lb-1234abcd"
    replaced = get(client, "/ivr/start.xml", headers={"X-Request-Id": "bad id; x"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-Id"])


def test_the_log_level_setting(build_app, capsys):
    app, _, _ = build_app(config={"FLOWC_LOG_LEVEL": "warning"})
    capsys.readouterr()
    post(app.test_client(), "/ivr/choice", {"Digits": "1"})
    err = capsys.readouterr().err
    assert ".access " not in err and ".handlers " not in err
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="FLOWC_LOG_LEVEL must be one of"):
        package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "FLOWC_LOG_LEVEL": "loud"})


# ---- 7. health -----------------------------------------------------------------------------------


def test_healthz_answers_without_a_signature_and_says_whether_the_database_answers(build_app, monkeypatch):
    app, _, _ = build_app()
    client = app.test_client()
    response = client.get("/healthz")
    assert (response.status_code, response.data, response.headers["Content-Type"]) == (
        200,
        b"ok\n",
        "text/plain",
    )
    assert client.post("/healthz").status_code in (403, 405)  # only GET is free of the signature
    store = app.extensions["flowc_store"]

    def down(sql):
        raise OSError("connection refused")

    monkeypatch.setattr(store, "_query", down)
    response = client.get("/healthz")
    assert (response.status_code, response.data) == (503, b"database unavailable\n")


# ---- 8. signatures -------------------------------------------------------------------------------

SHARED_SECRET = "sharedsecret-" + "k" * 20


def shared_key_post(
    client, path, params, *, key_id="webhooks_sharedkey_1", secret=SHARED_SECRET, algorithm="HMAC_SHA256"
):
    sig = RequestValidator(secret).compute_signature(HOST + path, params, algorithm)
    headers = {
        "X-Twilio-Signature": sig,
        "X-Twilio-Webhooks-Signature-Settings": f"key={key_id},algorithm={algorithm}",
    }
    return client.post(path, data=params, headers=headers, environ_overrides={"RAW_URI": path})


def sig_of(path: str) -> str:
    return RequestValidator(SHARED_SECRET).compute_signature(HOST + path, {}, "HMAC_SHA256")


def test_hmac_sha256_shared_key_signatures_are_accepted(build_app):
    app, _, _ = build_app(config={"FLOWC_SHARED_KEYS": f"webhooks_sharedkey_1={SHARED_SECRET}"})
    client = app.test_client()
    assert shared_key_post(client, "/recording-status", RECORDING).status_code == 204
    assert shared_key_post(client, "/ivr/start.xml", {"CallSid": "CA1"}).status_code == 200
    assert shared_key_post(client, "/ivr/start.xml", {}, algorithm="HMAC_SHA1").status_code == 200
    # Another key id, another secret, another algorithm than signed, a tampered body: refused.
    assert shared_key_post(client, "/ivr/start.xml", {}, key_id="webhooks_sharedkey_2").status_code == 403
    assert shared_key_post(client, "/ivr/start.xml", {}, secret="x" * 32).status_code == 403
    md5 = {
        "X-Twilio-Signature": sig_of("/ivr/start.xml"),
        "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_MD5",
    }
    assert client.post("/ivr/start.xml", headers=md5).status_code == 403
    sig = RequestValidator(SHARED_SECRET).compute_signature(HOST + "/ivr/start.xml", {}, "HMAC_SHA256")
    headers = {
        "X-Twilio-Signature": sig,
        "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA1",
    }
    assert client.post("/ivr/start.xml", headers=headers).status_code == 403
    # The auth token still signs the requests that do not name a shared key.
    assert post(client, "/ivr/start.xml", {}).status_code == 200
    # A shared key's secret is not an auth token.
    assert post(client, "/ivr/start.xml", {}, token=SHARED_SECRET).status_code == 403


def test_a_shared_key_alone_is_enough_to_start(build_app, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    _, package, out = build_app()
    app = package.create_app(
        {
            "FLOWC_SHARED_KEYS": f"webhooks_sharedkey_1={SHARED_SECRET}",
            "DATABASE_URL": f"sqlite:///{out.parent / 'keys.db'}",
        }
    )
    client = app.test_client()
    assert shared_key_post(client, "/ivr/start.xml", {}).status_code == 200
    assert post(client, "/ivr/start.xml", {}).status_code == 403


def test_a_previous_token_is_accepted_during_a_rotation(build_app):
    old, new = "o" * 32, "n" * 32
    app, _, _ = build_app(
        config={"TWILIO_AUTH_TOKEN": new, "FLOWC_PREVIOUS_AUTH_TOKENS": f"{old}, {'p' * 32}"}
    )
    client = app.test_client()
    for token in (new, old, "p" * 32):
        assert post(client, "/ivr/start.xml", {"CallSid": "CA1"}, token=token).status_code == 200
    assert post(client, "/ivr/start.xml", {"CallSid": "CA1"}, token=TOKEN).status_code == 403


def test_a_public_base_url_is_checked_instead_of_the_host(build_app):
    app, _, _ = build_app(config={"FLOWC_PUBLIC_URL": "https://voice.example.com/app/"})
    client = app.test_client()
    public = "https://voice.example.com/app"
    assert post(client, "/ivr/start.xml", {"CallSid": "CA1"}, host=public).status_code == 200
    assert get(client, "/ivr/choice", {"Digits": "1"}, host=public).status_code == 200
    # Signed for the Host the request came with: not what Twilio signed.
    assert post(client, "/ivr/start.xml", {"CallSid": "CA1"}).status_code == 403
    # Forwarded headers change nothing.
    forwarded = {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example"}
    assert post(client, "/ivr/start.xml", {}, host=public, headers=forwarded).status_code == 200


@pytest.mark.parametrize("url", ["voice.example.com", "ftp://x.example", "https://x.example/?a=1"])
def test_a_bad_public_url_is_a_clear_error(build_app, url):
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="FLOWC_PUBLIC_URL must be the app's public base URL"):
        package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "FLOWC_PUBLIC_URL": url})


# ---- 9. in-memory SQLite -----------------------------------------------------------------------


def test_an_in_memory_database_works_in_one_process(build_app):
    app, _, _ = build_app(config={"DATABASE_URL": "sqlite:///:memory:"})
    client = app.test_client()
    for _ in range(2):
        assert post(client, "/recording-status", RECORDING).status_code == 204
    assert [r["recording_sid"] for r in stored(app)] == [RECORDING["RecordingSid"]]
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://", "sqlite+pysqlite:///:memory:"])
@pytest.mark.parametrize("workers", [{"FLOWC_WORKERS": "4"}, {"WEB_CONCURRENCY": "2"}])
def test_an_in_memory_database_with_several_workers_is_refused(build_app, monkeypatch, url, workers):
    monkeypatch.delenv("FLOWC_WORKERS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    _, package, _ = build_app()
    with pytest.raises(RuntimeError, match="in-memory database, which each of the . worker processes"):
        package.create_app({"TWILIO_AUTH_TOKEN": TOKEN, "DATABASE_URL": url, **workers})
