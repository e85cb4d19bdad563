"""flowc serve: a preview that rebuilds on change and shows errors instead of stopping.

The server runs as a real process; the tests poll its pages with a generous
deadline and assert on their content, never on how long a rebuild takes.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flowc.serve import rebuild

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 90  # seconds: generous, for a loaded machine

VOICEMAIL = (ROOT / "flows" / "voicemail.flow").read_text(encoding="utf-8")


class Server:
    def __init__(self, args, cwd):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowc.cli", "serve", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for_line(r"serving .* at (http://\S+/)")
        self.url = re.search(r"(http://\S+/)", line).group(1)
        self.directory = self.wait_for_line(r"^files in ").split()[2].rstrip(";")

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, pattern: str) -> str:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, f"flowc serve exited: {self.seen}"
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")

    def get(self, path: str) -> tuple[int, str, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read()

    def poll(self, path: str, predicate) -> bytes:
        """Fetch ``path`` until ``predicate(body)`` holds, or fail at the deadline."""
        end = time.monotonic() + DEADLINE
        body = b""
        while time.monotonic() < end:
            status, _, body = self.get(path)
            if status == 200 and predicate(body):
                return body
            time.sleep(0.2)
        raise AssertionError(f"{path} never matched; last body: {body[:500]!r}; output: {self.seen}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=DEADLINE)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def flows(tmp_path):
    d = tmp_path / "flows"
    d.mkdir()
    (d / "voicemail.flow").write_text(VOICEMAIL, encoding="utf-8")
    return d


def test_serve_builds_serves_and_rebuilds_on_change(flows, tmp_path):
    server = Server([str(flows), "--port", "0"], cwd=tmp_path)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        status, _, index = server.get("")
        assert status == 200 and b'data-flow="voicemail"' in index
        assert b'fetch("/.flowc/build"' in index  # served pages reload themselves after a rebuild
        assert server.get(".flowc/build")[2] == b"1"
        # the shared style sheet and script, as the pages link them
        sheet = re.search(rb'<link rel="stylesheet" href="(site_\w+\.css)">', index).group(1).decode()
        script = re.search(rb'<script src="(site_\w+\.js)"></script>', index).group(1).decode()
        _, _, page = server.get("voicemail/index.html")
        assert f'href="../{sheet}"'.encode() in page and f'src="../{script}"'.encode() in page
        status, ctype, css = server.get(sheet)
        assert status == 200 and ctype.startswith("text/css") and b".hl .line.mark-error" in css
        status, ctype, js = server.get(script)
        assert status == 200 and "javascript" in ctype and b"graph-figure" in js
        status, ctype, xml = server.get("voicemail/start.xml")
        assert status == 200 and xml.startswith(b"<?xml") and b"<Record" in xml

        # a syntax error: the server keeps running and the index shows it
        (flows / "voicemail.flow").write_text(VOICEMAIL + "step broken\n", encoding="utf-8")
        body = server.poll("", lambda b: b"FL001" in b)
        assert b"This preview has 1 error" in body
        server.poll(".flowc/build", lambda b: b != b"1")  # the number the pages poll has moved on
        server.wait_for_line(r"error\[FL001\]")

        # fixed, with a new step: its section and its TwiML appear
        (flows / "voicemail.flow").write_text(
            VOICEMAIL.replace("    hangup", "    redirect -> extra") + "\nstep extra:\n    hangup\n",
            encoding="utf-8",
        )
        page = server.poll("voicemail/index.html", lambda b: b'id="step-extra"' in b)
        assert b"FL001" not in page
        status, _, xml = server.get("voicemail/extra.xml")
        assert status == 200 and b"<Hangup/>" in xml

        # a new file is picked up too
        (flows / "other.flow").write_text("step start:\n    hangup\n", encoding="utf-8")
        server.poll("", lambda b: b'data-flow="other"' in b)
        directory = server.directory
        assert os.path.isdir(directory)
    finally:
        code = server.stop()
    assert code == 0
    assert not os.path.exists(directory)  # the temporary folder is removed


def test_serve_into_a_given_folder_keeps_it_and_shows_check_errors(flows, tmp_path):
    (flows / "voicemail.flow").write_text(VOICEMAIL.replace("-> GET handle", "-> handel"), encoding="utf-8")
    out = tmp_path / "preview"
    server = Server([str(flows), "-o", str(out), "--port", "0"], cwd=tmp_path)
    try:
        page = server.poll("voicemail/index.html", lambda b: b"FL104" in b)
        assert b"This flow has errors" in page
        assert b"missing" in page  # the graph draws the dangling reference
        status, _, _ = server.get("voicemail/start.xml")
        assert status == 404  # no TwiML for a flow with errors
    finally:
        assert server.stop() == 0
    assert (out / "index.html").is_file()


def test_rebuild_reports_errors_instead_of_stopping(tmp_path):
    src = tmp_path / "main.flow"
    src.write_text("step start:\n    record max 20s -> POST done\nstep done:\n    hangup\n", encoding="utf-8")
    lines: list[str] = []
    result = rebuild([str(src)], str(tmp_path / "out"), lines.append)
    # FL900, and not FL701 as well: one problem, one diagnostic
    assert (result.flows, result.errors, result.warnings) == (1, 1, 0)
    assert any("error[FL900]" in line for line in lines)
    assert not any("FL701" in line for line in lines)
    page = (tmp_path / "out" / "main" / "index.html").read_text(encoding="utf-8")
    assert 'data-code="FL900"' in page and 'data-code="FL701"' not in page
    assert not (tmp_path / "out" / "main" / "start.xml").exists()


def test_serve_refuses_a_folder_without_flows(tmp_path):
    (tmp_path / "empty").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "flowc.cli", "serve", str(tmp_path / "empty"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "no .flow files under" in result.stderr


def test_serve_on_a_busy_port_says_so(flows, tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "flowc.cli", "serve", str(flows), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=DEADLINE,
            cwd=tmp_path,
        )
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_syntax_error_keeps_the_flows_page_which_reloads_and_recovers(flows, tmp_path):
    out = tmp_path / "kept"
    server = Server([str(flows), "-o", str(out), "--port", "0"], cwd=tmp_path)
    try:
        server.poll("voicemail/index.html", lambda b: b'id="step-handle"' in b)
        (flows / "voicemail.flow").write_text(
            VOICEMAIL.replace("step start:", "step start"), encoding="utf-8"
        )
        # the page stays (no 404), shows the error where it is, and still reloads itself
        page = server.poll("voicemail/index.html", lambda b: b"FL001" in b)
        assert b"syntax errors" in page and b'id="step-start"' in page and b'id="step-handle"' in page
        assert b'fetch("/.flowc/build"' in page
        index = server.poll("", lambda b: b"FL001" in b)
        assert b'data-flow="voicemail"' in index  # still in the table
        # a page the preview does not have is a 404 that reloads too
        status, kind, body = server.get("nothing/index.html")
        assert status == 404 and kind.startswith("text/html")
        assert b'fetch("/.flowc/build"' in body
        # fixed: the page recovers, with its TwiML
        (flows / "voicemail.flow").write_text(VOICEMAIL, encoding="utf-8")
        page = server.poll("voicemail/index.html", lambda b: b"FL001" not in b)
        assert server.get("voicemail/start.xml")[0] == 200
    finally:
        assert server.stop() == 0
    # the folder kept with -o holds the site as `flowc build` writes it: no reload script
    pages = list(out.rglob("*.html"))
    assert pages and not [p for p in pages if b"/.flowc/build" in p.read_bytes()]
