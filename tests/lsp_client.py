"""A small synchronous client for `flowc lsp`: it starts the server as a
subprocess and speaks JSON-RPC to it over stdio, the way an editor does.
Also the big flow the scale tests and `bench/editor.py` both open."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

CMD = [sys.executable, "-m", "flowc.cli", "lsp"]
WAIT = 60  # seconds before a missing answer fails the test (a guard, not a measurement)


def big_flow(steps: int) -> str:
    """One flow of ``steps`` steps, each a menu and a fallback (about 150 bytes a step)."""
    out = ["flow big", ""]
    for i in range(steps):
        after = f"s{i + 1}" if i + 1 < steps else "s0"
        out += [
            f"step s{i}:",
            f"    gather digits 1 timeout 5s -> {after}:",
            f'        say "Press 1 for the next step, or wait to hear step {i} again."',
            f"    redirect -> s{i}",
            "",
        ]
    return "\n".join(out)


class LspError(Exception):
    def __init__(self, error: dict):
        super().__init__(error.get("message"))
        self.code = error.get("code")
        self.message = error.get("message")


class Client:
    def __init__(self, root: Path, options: dict | None = None):
        self.proc = subprocess.Popen(
            CMD,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=root,
        )
        self.messages: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.root = root
        self.initialize_result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
                **({"initializationOptions": options} if options is not None else {}),
            },
        )
        self.notify("initialized", {})

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def _next(self) -> dict:
        try:
            message = self.messages.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError("the language server did not answer") from None
        if message is None:
            raise AssertionError("the language server exited: " + self.proc.stderr.read().decode())
        return message

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict):
        self.next_id += 1
        my_id = self.next_id
        self._send({"jsonrpc": "2.0", "id": my_id, "method": method, "params": params})
        while True:
            message = self._next()
            if message.get("id") == my_id and "method" not in message:
                if "error" in message:
                    raise LspError(message["error"])
                return message.get("result")
            if "method" in message and "id" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" in message:
                self.notifications.append(message)

    def diagnostics(self, uri: str) -> list[dict]:
        """The next diagnostics published for ``uri``."""
        return self.published(uri)["diagnostics"]

    def published(self, uri: str) -> dict:
        """The next ``publishDiagnostics`` for ``uri``: its params (diagnostics, version)."""
        while True:
            for i, n in enumerate(self.notifications):
                if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri:
                    del self.notifications[i]
                    return n["params"]
            message = self._next()
            if "method" in message and "id" not in message:
                self.notifications.append(message)

    def send_all(self, messages: list[dict]) -> None:
        """Several messages in one write, as a client sends a burst of edits."""
        data = b""
        for message in messages:
            body = json.dumps(message).encode("utf-8")
            data += b"Content-Length: %d\r\n\r\n" % len(body) + body
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def answers(self, ids: list[int], first: int | None = None) -> list[int]:
        """Wait for the answers to the requests ``ids`` (or only until the
        answer to ``first``); their ids in the order they came."""
        order: list[int] = []
        while len(order) < len(ids) and first not in order:
            message = self._next()
            if message.get("id") in ids and "method" not in message:
                order.append(message["id"])
            elif "method" in message and "id" not in message:
                self.notifications.append(message)
        return order

    # -- documents --

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        if text is None:
            text = path.read_text(encoding="utf-8")
        self.versions = getattr(self, "versions", {})
        self.versions[uri] = 1
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}},
        )
        return uri

    def change(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": self.versions[uri]}, "contentChanges": [{"text": text}]},
        )

    def at(self, method: str, uri: str, line: int, character: int, **extra):
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}, **extra}
        return self.request(method, params)

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                stream.close()
