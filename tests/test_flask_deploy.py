"""The generated package as an operator runs it: gunicorn with its config, the
Dockerfile's commands, the Procfile, the pinned requirements, the tests/ it
ships, and what gunicorn and `flask run` log."""

from __future__ import annotations

import importlib.metadata
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_helpers import (
    FLOWS,
    TOKEN,
    Server,
    environment,
    flowc_build,
    free_port,
    load_package,
    request,
    signature,
)
from packaging.requirements import Requirement

from flowc.backends import flask as target

ROOT = Path(__file__).resolve().parent.parent


HANDLERS = """\
import logging

from . import models, respond

log = logging.getLogger(__name__)


def on_ivr_choice(request: models.GatherActionRequest):
    log.info("the caller pressed %s", request.digits)
    return respond.hangup()
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    out = root / "voiceapp"
    out.mkdir()
    (out / "handlers.py").write_text(HANDLERS)
    result = flowc_build([FLOWS], out)
    assert result.exit_code == 0, result.output
    return out


def gunicorn(built: Path, tmp_path: Path, *, workers: int = 1, **env: str) -> Server:
    port = free_port()
    settings = {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
        "FLOWC_BIND": f"127.0.0.1:{port}",
        "FLOWC_WORKERS": str(workers),
        **env,
    }
    config = built / "gunicorn_config.py"
    return Server(
        [sys.executable, "-m", "gunicorn", "--config", str(config)],
        cwd=tmp_path,
        env=environment(**settings),
        port=port,
    )


@pytest.fixture
def served(built, tmp_path):
    servers = []

    def start(**kw):
        server = gunicorn(built, tmp_path, **kw)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# ---- 10. forwarded headers at FLOWC_PROXY_HOPS=0 ---------------------------------------------


def test_without_proxy_hops_gunicorn_trusts_no_forwarded_proto_even_from_loopback(served):
    server = served()
    port = server.port
    public = "https://voice.example.com/ivr/start.xml"
    headers = {
        "X-Forwarded-Proto": "https",
        "Host": "voice.example.com",
        "X-Twilio-Signature": signature(public),
    }
    assert request(port, "GET", "/ivr/start.xml", headers=headers)[0] == 403
    plain = {**headers, "X-Twilio-Signature": signature("http://voice.example.com/ivr/start.xml")}
    assert request(port, "GET", "/ivr/start.xml", headers=plain)[0] == 200


def test_with_proxy_hops_the_forwarded_scheme_is_applied_once(served):
    server = served(FLOWC_PROXY_HOPS="1")
    public = "https://voice.example.com/ivr/start.xml"
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "voice.example.com",
        "X-Twilio-Signature": signature(public),
    }
    assert request(server.port, "GET", "/ivr/start.xml", headers=headers)[0] == 200


def test_the_config_ties_forwarded_allow_ips_to_proxy_hops(built, monkeypatch):
    from gunicorn.config import Config

    def load(**env):
        for name in ("FLOWC_PROXY_HOPS", "FORWARDED_ALLOW_IPS", "WEB_CONCURRENCY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("FLOWC_WORKERS", "")  # restored afterwards: the config sets it for the app
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        namespace = {"__file__": str(built / "gunicorn_config.py")}
        exec(compile((built / "gunicorn_config.py").read_text(), "gunicorn_config.py", "exec"), namespace)
        cfg = Config()
        for key, value in namespace.items():
            if key in cfg.settings:
                cfg.set(key, value)
        return cfg

    cfg = load()
    assert cfg.forwarded_allow_ips == [] and cfg.secure_scheme_headers == {}
    assert cfg.limit_request_line == 4094 and cfg.workers == 2 and cfg.accesslog is None
    assert cfg.wsgi_app == "voiceapp:create_app()" and cfg.pythonpath == str(built.parent)
    assert load(FLOWC_PROXY_HOPS="1").forwarded_allow_ips == ["*"]
    assert load(FLOWC_PROXY_HOPS="2", FORWARDED_ALLOW_IPS="10.0.0.1").forwarded_allow_ips == ["10.0.0.1"]


def test_an_in_memory_database_is_refused_with_several_gunicorn_workers(built, tmp_path):
    port = free_port()
    env = environment(
        TWILIO_AUTH_TOKEN=TOKEN, DATABASE_URL="sqlite:///:memory:", FLOWC_BIND=f"127.0.0.1:{port}"
    )
    config = str(built / "gunicorn_config.py")
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", config, "--workers", "2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "in-memory database, which each of the 2 worker processes would have its own copy" in result.stderr
    preloaded = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", config, "--preload"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert preloaded.returncode != 0 and "in-memory database" in preloaded.stderr
    # One worker: it works, and keeps what it stores.
    server = Server(
        [sys.executable, "-m", "gunicorn", "--config", config, "--workers", "1"],
        cwd=tmp_path,
        env=env,
        port=port,
    )
    try:
        params = {"RecordingSid": "RE1", "RecordingStatus": "completed"}
        assert signed_post(port, "/recording-status", params) == 204
        assert request(port, "GET", "/healthz")[0] == 200
    finally:
        server.stop()


# ---- 1. memory under a 200 MB body -----------------------------------------------------------


def peak_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def send_big(port: int, path: str, headers: dict[str, str], size: int) -> int:
    """POST ``size`` bytes of a urlencoded body; the status, or 0 when the server closed first."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n"
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        sock.sendall(head.encode())
        chunk = b"a=" + b"x" * (2**20 - 3) + b"&"
        sent = 0
        try:
            while sent < size:
                piece = chunk[: size - sent]
                sock.sendall(piece)
                sent += len(piece)
        except OSError:
            pass  # the server answered and closed without reading the rest
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
        match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
        return int(match.group(1)) if match else 0
    finally:
        sock.close()


def test_a_200_mb_body_is_refused_without_growing_the_worker(served):
    server = served(workers=1)
    port = server.port
    assert request(port, "GET", "/healthz")[0] == 200
    [worker] = server.workers()
    before = peak_kb(worker)
    size = 200 * 2**20
    unsigned = send_big(port, "/recording-status", {}, size)
    forged = send_big(port, "/recording-status", {"X-Twilio-Signature": "Zm9yZ2Vk"}, size)
    after = peak_kb(worker)
    assert server.workers() == [worker]  # the same worker, alive
    assert unsigned in (403, 0) and forged in (413, 0)
    assert (unsigned, forged) != (0, 0)
    grown_mb = (after - before) / 1024
    assert grown_mb < 16, f"the worker's peak memory grew by {grown_mb:.0f} MB"
    assert request(port, "GET", "/healthz")[0] == 200


# ---- 6. logs under gunicorn and flask run ------------------------------------------------------


def signed_post(port: int, path: str, params: dict) -> int:
    url = f"http://127.0.0.1:{port}{path}"
    headers = {
        "X-Twilio-Signature": signature(url, params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return request(port, "POST", path, urlencode(params).encode(), headers)[0]


def check_logs(server: Server) -> None:
    port = server.port
    assert signed_post(port, "/ivr/choice", {"Digits": "7", "CallSid": "CA" + "9" * 32}) == 200
    assert request(port, "GET", "/x%0A[forged]%1b[31m")[0] == 403
    err = server.wait_for("status=403")
    assert "has no on_recording_status(request)" in err  # the start-up warning of a missing handler
    assert "voiceapp.handlers" in err and "the caller pressed 7" in err
    access = [line for line in err.splitlines() if "voiceapp.access" in line]
    assert any("method=POST path=/ivr/choice status=200" in a and a.endswith("CA" + "9" * 32) for a in access)
    assert any('path="/x\\n[forged]\\x1b[31m" status=403' in a for a in access), access
    ours = [line for line in err.splitlines() if re.match(r"\d{4}-\d\d-\d\dT", line)]
    assert ours and not any("\x1b" in line for line in ours)
    assert not any(line.startswith("[forged]") for line in err.splitlines())


def test_handler_logs_and_access_lines_under_gunicorn(served):
    check_logs(served(workers=2))


def test_handler_logs_and_access_lines_under_flask_run(built, tmp_path):
    port = free_port()
    env = environment(TWILIO_AUTH_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path / 'f.db'}")
    server = Server(
        [sys.executable, "-m", "flask", "--app", str(built), "run", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        port=port,
    )
    try:
        check_logs(server)
    finally:
        server.stop()


def test_the_log_level_applies_under_gunicorn(served):
    server = served(FLOWC_LOG_LEVEL="WARNING")
    assert signed_post(server.port, "/ivr/choice", {"Digits": "7"}) == 200
    assert request(server.port, "GET", "/nowhere")[0] == 403
    err = server.wait_for("refused")
    assert "refused: no X-Twilio-Signature" in err
    assert "voiceapp.access" not in err and "the caller pressed" not in err


# ---- deployment files ------------------------------------------------------------------------


def dockerfile(built: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions, (NAME, arguments), continuation lines joined."""
    text = (built / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, rest = line.partition(" ")
            out.append((name, " ".join(rest.split())))
    return out


def test_the_dockerfile(built):
    steps = dockerfile(built)
    names = [n for n, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert names.index("USER") > names.index("RUN")  # installs as root, runs as a user
    assert dict(steps)["USER"] == "voiceapp"
    runs = [args for n, args in steps if n == "RUN"]
    assert runs[0] == "pip install --no-cache-dir -r /srv/voiceapp/requirements.txt"
    assert dict(steps)["WORKDIR"] == "/srv"
    assert ("COPY", ". /srv/voiceapp") in steps
    assert dict(steps)["CMD"] == '["gunicorn", "--config", "/srv/voiceapp/gunicorn_config.py"]'
    assert dict(steps)["HEALTHCHECK"].startswith(
        "--interval=30s --timeout=5s --start-period=10s CMD python -c "
    )


def test_the_dockerfiles_commands_run_the_app(built, tmp_path):
    """What the image runs, in a copy laid out as the Dockerfile lays it out (/srv -> tmp)."""
    steps = dockerfile(built)
    srv = tmp_path / "srv"
    shutil.copytree(built, srv / "voiceapp")  # COPY . /srv/voiceapp
    port = free_port()
    cmd = [a.replace("/srv/", f"{srv}/") for a in json.loads(dict(steps)["CMD"])]
    env = environment(TWILIO_AUTH_TOKEN=TOKEN, PORT=str(port), FLOWC_WORKERS="1")
    server = Server([sys.executable, "-m", *cmd], cwd=srv, env=env, port=port)  # WORKDIR /srv
    try:
        assert request(port, "GET", "/healthz")[0] == 200
        assert (srv / "instance" / "recordings.sqlite3").is_file()  # the VOLUME
        health = dict(steps)["HEALTHCHECK"].split(" CMD ", 1)[1]
        argv = shlex.split(health)
        assert argv[0] == "python"
        result = subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True, timeout=30)
        assert result.returncode == 0, result.stderr
        server.stop()
        result = subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True, timeout=30)
        assert result.returncode != 0  # nothing listens: unhealthy
    finally:
        server.stop()


def test_the_procfile_runs_gunicorn_with_the_config_from_the_package(built, tmp_path):
    (line,) = (built / "Procfile").read_text().splitlines()
    kind, _, command = line.partition(": ")
    assert kind == "web"
    argv = shlex.split(command)
    assert argv == ["gunicorn", "--config", "gunicorn_config.py"]
    port = free_port()
    env = environment(
        TWILIO_AUTH_TOKEN=TOKEN,
        PORT=str(port),
        FLOWC_WORKERS="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}",
    )
    server = Server([sys.executable, "-m", *argv], cwd=built, env=env, port=port)
    try:
        assert request(port, "GET", "/healthz")[:2] == (200, "text/plain")
        assert request(port, "GET", "/ivr/start.xml")[0] == 403
    finally:
        server.stop()


def test_requirements_are_pinned_and_are_what_the_tests_run(built):
    lines = [
        line
        for line in (built / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == [p for p in target.PINS if not p.startswith("#")]
    for line in lines:
        requirement = Requirement(line)
        [spec] = requirement.specifier
        assert spec.operator == "==", line
        installed = importlib.metadata.version(requirement.name)
        assert installed == spec.version, f"{line}: the tests run {installed}"
    pyproject = (ROOT / "pyproject.toml").read_text()
    for line in lines:
        assert f'"{line}"' in pyproject, f"the test extra does not pin {line}"


# ---- the tests/ package for the user's code --------------------------------------------------


def test_the_generated_tests_pass_as_generated(built, tmp_path):
    copy = tmp_path / "voiceapp"
    shutil.copytree(built, copy)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "voiceapp/tests"],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # One test per step, branch step and callback route, and the three checks
    # (unsigned requests, forged signatures, health).
    flows = load_package(built).flows
    expected = len(flows.STEPS) + len(flows.BRANCHES) + len(flows.CALLBACKS) + 3
    assert re.search(r"\b(\d+) passed", result.stdout).group(1) == str(expected)


def test_the_generated_tests_are_created_once_and_catch_a_broken_route(tmp_path):
    out = tmp_path / "voiceapp"
    assert flowc_build([FLOWS], out).exit_code == 0
    mine = (out / "tests" / "test_routes.py").read_text() + "\n\ndef test_mine():\n    assert True\n"
    (out / "tests" / "test_routes.py").write_text(mine)
    again = flowc_build([FLOWS], out)
    assert again.exit_code == 0 and "created" not in again.output
    assert (out / "tests" / "test_routes.py").read_text() == mine
    # A handler that answers something that is not TwiML makes the app answer the fallback,
    # which is still TwiML: the smoke test passes; one that breaks the signature check fails.
    (out / "security.py").write_text((out / "security.py").read_text().replace("abort(403)", "return None"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "voiceapp/tests"],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    # Both the unsigned and the forged requests get through: two tests fail.
    assert "2 failed" in result.stdout and "test_forged_signatures_are_refused" in result.stdout
