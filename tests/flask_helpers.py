"""Build the Flask target into a temporary package, import it, sign requests."""

from __future__ import annotations

import http.client
import importlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from click.testing import CliRunner
from twilio.request_validator import RequestValidator

from flowc.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
TOKEN = "12345678901234567890123456789012"
HOST = "http://localhost"
_names = itertools.count()


def flowc_build(paths, out: Path, *extra: str):
    """Run `flowc build --target flask`; the click result (exit code, stderr)."""
    result = CliRunner().invoke(cli, ["build", "--target", "flask", *map(str, paths), "-o", str(out), *extra])
    return result


def write_flows(directory: Path, **flows: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in flows.items():
        (directory / f"{name}.flow").write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def load_package(out: Path):
    """Import the generated package at ``out`` under a fresh name."""
    name = out.name
    sys.path.insert(0, str(out.parent))
    try:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(out.parent))


def app_builder(tmp_path):
    """build_app(paths=None, config=None, handlers=None) -> (app, package, out).

    Builds the flows (flows/ by default) into a new package under tmp_path,
    optionally after writing ``handlers`` as the user's handlers.py, and
    creates the app with the test token and a database in tmp_path.
    """

    def run(paths=None, config=None, handlers: str | None = None):
        out = tmp_path / f"voiceapp_{next(_names)}"
        if handlers is not None:
            out.mkdir()
            (out / "handlers.py").write_text(textwrap.dedent(handlers), encoding="utf-8")
        result = flowc_build(paths or [FLOWS], out)
        assert result.exit_code == 0, result.output
        package = load_package(out)
        settings = {"TWILIO_AUTH_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path / (out.name + '.db')}"}
        app = package.create_app({**settings, **(config or {})})
        return app, package, out

    return run


def signature(url: str, params: dict | None = None, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params or {})


def post(client, path: str, params: dict | None = None, *, token: str = TOKEN, host: str = HOST, **kw):
    """A POST signed the way Twilio signs it."""
    params = params or {}
    headers = {"X-Twilio-Signature": signature(host + path, params, token), **kw.pop("headers", {})}
    return client.post(path, data=params, headers=headers, environ_overrides=_as_sent(path), **kw)


def get(client, path: str, params: dict | None = None, *, token: str = TOKEN, host: str = HOST, **kw):
    """A GET signed the way Twilio signs it: over the URL with its query string."""
    query = urlencode(params or {})
    url = path + (f"?{query}" if query else "")
    headers = {"X-Twilio-Signature": signature(host + url, None, token), **kw.pop("headers", {})}
    return client.get(url, headers=headers, environ_overrides=_as_sent(url), **kw)


def _as_sent(url: str) -> dict:
    """The request line as a server passes it on (werkzeug's test client does
    not): the path and query exactly as sent."""
    return {"RAW_URI": url, "REQUEST_URI": url}


# ---- servers in subprocesses ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "FLOWC_", "WEB_CONCURRENCY"))}
    env.pop("DATABASE_URL", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    return {**env, **extra}


class Server:
    """A server started from a command line; its standard error is collected."""

    def __init__(self, args, *, cwd, env, port):
        self.port = port
        self.proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        self._err: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                self._reader.join(5)
                raise AssertionError(f"the server exited: {self.stderr}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"the server did not start: {self.stderr}"
                time.sleep(0.1)

    def _read(self):
        for line in self.proc.stderr:
            self._err.append(line)

    @property
    def stderr(self) -> str:
        return b"".join(self._err).decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.stderr and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.stderr

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def request(port, method, target, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()
