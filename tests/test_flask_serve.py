"""The generated package runs as it is: `flask --app DIR` and gunicorn on loopback."""

from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
from flask_helpers import FLOWS, TOKEN, flowc_build, signature

from flowc.backends import twiml
from flowc.project import load


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    out = root / "voiceapp"
    result = flowc_build([FLOWS], out)
    assert result.exit_code == 0, result.output
    return out


def environment(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("TWILIO_AUTH_TOKEN", "FLOWC_INSECURE_SKIP_SIGNATURE")
    }
    return {**env, **extra}


def test_flask_app_option_finds_the_package_from_anywhere(built, tmp_path):
    db = f"sqlite:///{tmp_path / 'routes.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", str(built), "routes"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment(TWILIO_AUTH_TOKEN=TOKEN, DATABASE_URL=db),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "/voicemail/start.xml" in result.stdout and "/support/choice.xml" in result.stdout
    assert "/recording-status" in result.stdout


def test_flask_refuses_to_start_without_a_token(built, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", str(built), "routes"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment(),
        timeout=60,
    )
    assert result.returncode != 0
    assert "TWILIO_AUTH_TOKEN is not set" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(built, tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--preload",  # the app is created before the workers fork: each opens its own database connection
            "--chdir",
            str(built.parent),
            "voiceapp:create_app()",
        ],
        env=environment(TWILIO_AUTH_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def request(port: int, method: str, target: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def test_under_gunicorn_signed_requests_are_answered_and_others_refused(gunicorn, tmp_path):
    port = gunicorn
    base = f"http://127.0.0.1:{port}"
    build = load([str(FLOWS)])
    voicemail = build.known["voicemail"]
    expected = twiml.render_step(voicemail, voicemail.step("start"))

    status, kind, data = request(
        port,
        "GET",
        "/voicemail/start.xml",
        headers={"X-Twilio-Signature": signature(base + "/voicemail/start.xml")},
    )
    assert (status, kind, data) == (200, "text/xml", expected)
    assert request(port, "GET", "/voicemail/start.xml")[0] == 403

    # A query string exactly as Twilio encodes it, checked as received.
    target = "/ivr/choice?Digits=1&SpeechResult=sales%20please&From=%2B15551230000"
    status, _, data = request(port, "GET", target, headers={"X-Twilio-Signature": signature(base + target)})
    assert status == 200 and b"<Hangup/>" in data

    params = {"RecordingSid": "RE" + "5" * 32, "RecordingStatus": "completed", "CallSid": "CA1"}
    headers = {
        "X-Twilio-Signature": signature(base + "/recording-status", params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    for _ in range(2):
        assert request(port, "POST", "/recording-status", urlencode(params).encode(), headers)[0] == 204
    forged = {
        **headers,
        "X-Twilio-Signature": signature(base + "/recording-status", {**params, "CallSid": "CA2"}),
    }
    assert request(port, "POST", "/recording-status", urlencode(params).encode(), forged)[0] == 403
    with sqlite3.connect(tmp_path / "g.db") as conn:
        assert conn.execute("SELECT recording_sid, call_sid FROM recordings").fetchall() == [
            (params["RecordingSid"], "CA1")
        ]
