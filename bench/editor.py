#!/usr/bin/env python3
"""How fast the editor tools answer: ``flowc fmt`` and ``flowc lsp``.

Uses the seeded flows of bench/compile.py (about 25 lines each) and prints:

1. formatting throughput (``format_source``, which parses, lays out, parses
   the result again and compares) next to parsing alone, and their ratio;
2. the language server, as a subprocess spoken to over stdio: the time from
   ``didChange`` to the ``publishDiagnostics`` that answers it, and the round
   trip of hover, completion, definition, references and formatting requests,
   each the median of ``--requests`` runs on a flow in a directory of
   ``--siblings`` flows;
3. the language server at scale, each figure next to its goal: the outline
   (``documentSymbol``) of a file of ``--big-steps`` steps (about 1 MB), the
   time from one keystroke to the diagnostics of its version in a file of
   ``--mid-steps`` steps, a burst of ``--burst`` keystrokes sent at once until
   the diagnostics of the last one (and how many of the earlier versions were
   published), a hover sent in the middle of the burst, and formatting the
   big file.

It prints; it asserts nothing. Run from the repository root:

    .venv/bin/python bench/editor.py [--flows 500] [--requests 50] [--siblings 50]
    .venv/bin/python bench/editor.py --scale-only [--tree ../other-checkout]

``--tree`` runs the language server of another checkout (its ``flowc/``), to
compare two versions on the same machine and load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from compile import generate_all  # noqa: E402 - bench/compile.py, beside this script

sys.path.insert(0, os.path.join(ROOT, "tests"))
from lsp_client import big_flow  # noqa: E402 - the big flow the scale tests open too

from flowc.formatter import format_source  # noqa: E402
from flowc.source import SourceFile  # noqa: E402
from flowc.syntax import parse  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


class Server:
    def __init__(self, root: str, tree: str = ROOT):
        env = dict(os.environ, PYTHONPATH=tree)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowc.cli", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        self.next_id = 0
        self.request("initialize", {"processId": None, "rootUri": f"file://{root}", "capabilities": {}})
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def send(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def read(self) -> dict:
        length = 0
        while True:
            line = self.proc.stdout.readline().decode("ascii").strip()
            if not line:
                break
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method: str, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def wait_diagnostics(self, uri: str) -> list:
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def close(self) -> None:
        self.request("shutdown", None)
        self.send({"jsonrpc": "2.0", "method": "exit", "params": None})
        self.proc.wait(timeout=30)


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class Listener:
    """A client that reads the server's messages on a thread, with the time each arrived."""

    def __init__(self, root: str, tree: str):
        env = dict(os.environ, PYTHONPATH=tree)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flowc.cli", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        self.lock = threading.Condition()
        self.messages: list[tuple[float, dict]] = []
        self.next_id = 0
        self.versions: dict[str, int] = {}
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": f"file://{root}", "capabilities": {}})
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            with self.lock:
                self.messages.append((time.perf_counter(), message))
                self.lock.notify_all()

    def send(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def wait(self, test, timeout: float = 600) -> tuple[float, dict]:
        with self.lock:
            seen = 0
            while True:
                for stamp, message in self.messages[seen:]:
                    if test(message):
                        return stamp, message
                seen = len(self.messages)
                if not self.lock.wait(timeout):
                    raise TimeoutError("the language server did not answer")

    def ask(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def answer(self, msg_id: int) -> tuple[float, dict]:
        return self.wait(lambda m: m.get("id") == msg_id and "method" not in m)

    def request(self, method: str, params):
        return self.answer(self.ask(method, params))[1].get("result")

    def timed(self, method: str, params) -> float:
        start = time.perf_counter()
        stamp, _ = self.answer(self.ask(method, params))
        return stamp - start

    def open(self, path: str, text: str) -> str:
        uri = f"file://{path}"
        self.versions[uri] = 1
        self.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}},
            }
        )
        return uri

    def type_at(self, uri: str, line: int, col: int, text: str) -> int:
        """Type ``text`` at a position (an incremental change); returns the new version."""
        self.versions[uri] += 1
        position = {"line": line, "character": col}
        self.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": self.versions[uri]},
                    "contentChanges": [{"range": {"start": position, "end": position}, "text": text}],
                },
            }
        )
        return self.versions[uri]

    def published(self, uri: str, version: int | None = None):
        """A test for the diagnostics of ``uri`` (of ``version``, when given;
        a server that sends no version passes on any)."""

        def test(m: dict) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
                return False
            got = m["params"].get("version")
            return version is None or got is None or got == version

        return test

    def publishes(self, uri: str, after: float) -> list[dict]:
        with self.lock:
            return [
                m["params"]
                for stamp, m in self.messages
                if stamp >= after
                and m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
            ]

    def cpu(self) -> float:
        """The server's CPU time so far (user and system, all its threads), in seconds;
        0 where /proc is not there."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.send({"jsonrpc": "2.0", "method": "exit", "params": None})
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def _goal(figure: float, goal: float, unit: str = "s") -> str:
    scale = 1000 if unit == "ms" else 1
    return f"{figure * scale:9.3f} {unit}  goal <= {goal * scale:g} {unit}  ratio {figure / goal:5.2f}  " + (
        "met" if figure <= goal else "NOT met"
    )


def scale(args) -> None:
    """[3]: the language server on big files, each figure with its goal."""
    print(f"\n[3] flowc lsp at scale ({args.tree}); load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as root:
        big_text = big_flow(args.big_steps)
        mid_text = big_flow(args.mid_steps).replace("flow big", "flow mid")
        big_path, mid_path = os.path.join(root, "big.flow"), os.path.join(root, "mid.flow")
        for path, text in ((big_path, big_text), (mid_path, mid_text)):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        for name, text in generate_all(args.neighbours, args.seed):
            with open(os.path.join(root, f"{name}.flow"), "w", encoding="utf-8") as f:
                f.write(text)
        client = Listener(root, args.tree)
        try:
            start = time.perf_counter()
            big = client.open(big_path, big_text)
            stamp, _ = client.wait(client.published(big, 1))
            print(
                f"  big file: {args.big_steps} steps, {len(big_text.encode()) / 1e6:.2f} MB; "
                f"open -> diagnostics {stamp - start:.2f} s (a whole parse and check)"
            )
            doc = {"textDocument": {"uri": big}}
            cpu = client.cpu()
            outline = [client.timed("textDocument/documentSymbol", doc) for _ in range(args.outlines)]
            cpu = (client.cpu() - cpu) / args.outlines
            print(f"  outline (documentSymbol), median of {args.outlines}   {_goal(statistics.median(outline), 0.2)}")
            print(f"    best {min(outline):.3f} s; server CPU {cpu:.3f} s each")
            # The outline of a new version: a keystroke in a step, then the outline.
            line = 2 + 5 * (args.big_steps // 3) + 2  # a `say` line
            col = big_text.split("\n")[line].index('"') + 1
            edited = []
            cpu = client.cpu()
            for i in range(args.outlines):
                version = client.type_at(big, line, col + i, "x")
                client.wait(client.published(big, version))
                edited.append(client.timed("textDocument/documentSymbol", doc))
            print(
                f"  outline after an edit, median of {args.outlines}    {_goal(statistics.median(edited), 0.2)}"
                f"\n    best {min(edited):.3f} s; server CPU {(client.cpu() - cpu) / args.outlines:.3f} s "
                "each, with the edit's check"
            )
            symbols = client.request("textDocument/documentSymbol", doc)
            print(f"    {len(symbols)} symbols")
            line = 4 * (args.big_steps // 2) + 3
            hover = client.timed("textDocument/hover", {**doc, "position": {"line": line, "character": 9}})
            print(f"  hover in the big file                     {hover * 1000:9.1f} ms")
            fmt = client.timed("textDocument/formatting", {**doc, "options": {"tabSize": 4, "insertSpaces": True}})
            print(f"  formatting the big file                   {fmt:9.3f} s  (6.2 s before)")

            for name, text in generate_all(args.neighbours, args.seed):
                client.open(os.path.join(root, f"{name}.flow"), text)
            mid = client.open(mid_path, mid_text)
            client.wait(client.published(mid, 1))
            # Type into a string in the middle of the file, one character at a time.
            line = 2 + 5 * (args.mid_steps // 2) + 2
            col = mid_text.split("\n")[line].index('"') + 1
            times = []
            cpu = client.cpu()
            for i in range(args.keystrokes):
                start = time.perf_counter()
                version = client.type_at(mid, line, col + i, "x")
                stamp, _ = client.wait(client.published(mid, version))
                times.append(stamp - start)
            print(
                f"  keystroke -> diagnostics, {args.mid_steps} steps, median of {args.keystrokes}"
                f"  {_goal(statistics.median(times), 0.1, 'ms')}"
            )
            print(
                f"    best {min(times) * 1000:.1f} ms; server CPU {(client.cpu() - cpu) / args.keystrokes * 1000:.1f} ms"
                " each"
            )
            col += args.keystrokes
            start = time.perf_counter()
            cpu = client.cpu()
            hover_sent = hover_id = None
            for i in range(args.burst):
                last = client.type_at(mid, line, col + i, "y")
                if i == args.burst // 2:
                    hover_sent = time.perf_counter()
                    hover_id = client.ask(
                        "textDocument/hover", {"textDocument": {"uri": mid}, "position": {"line": 3, "character": 5}}
                    )
            stamp, _ = client.wait(client.published(mid, last))
            print(f"  burst of {args.burst} keystrokes -> last diagnostics  {_goal(stamp - start, 0.5)}")
            print(f"    server CPU {client.cpu() - cpu:.3f} s")
            if hover_id is not None and hover_sent is not None:
                hover_stamp, _ = client.answer(hover_id)
                print(f"  hover sent mid-burst answered in          {(hover_stamp - hover_sent) * 1000:9.1f} ms")
            time.sleep(0.5)  # anything published late
            seen = client.publishes(mid, start)
            stale = [p for p in seen if p.get("version") != last]
            print(
                f"  diagnostics published during the burst: {len(seen)} "
                f"({len(stale)} of an earlier version; goal: only the last)"
            )
        finally:
            client.close()
    print(f"  load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flows", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--siblings", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale-only", action="store_true", help="run only [3], the language server at scale")
    ap.add_argument("--tree", default=ROOT, help="the checkout whose flowc/ the language server runs")
    ap.add_argument("--big-steps", type=int, default=6500)
    ap.add_argument("--mid-steps", type=int, default=800)
    ap.add_argument("--neighbours", type=int, default=5, help="small flows open beside the big ones")
    ap.add_argument("--outlines", type=int, default=5)
    ap.add_argument("--keystrokes", type=int, default=20)
    ap.add_argument("--burst", type=int, default=200)
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.scale_only:
        scale(args)
        return

    flows = generate_all(args.flows, args.seed)
    sources = [SourceFile(f"{name}.flow", text) for name, text in flows]
    lines = sum(s.text.count("\n") + 1 for s in sources)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(sources)} flows, {lines} lines")

    parse_s = best(lambda: [parse(s) for s in sources], args.repeat)
    fmt_s = best(lambda: [format_source(s) for s in sources], args.repeat)
    print(f"\n[1] flowc fmt, in memory (best of {args.repeat})")
    print(f"  parse only           {len(sources) / parse_s:9.0f} flows/s  {lines / parse_s:9.0f} lines/s")
    print(f"  format_source        {len(sources) / fmt_s:9.0f} flows/s  {lines / fmt_s:9.0f} lines/s")
    print(f"  ratio fmt / parse    {fmt_s / parse_s:9.2f}x  (fmt parses twice: the input and its result)")

    with tempfile.TemporaryDirectory() as root:
        for name, text in flows[: args.siblings]:
            with open(os.path.join(root, f"{name}.flow"), "w", encoding="utf-8") as f:
                f.write(text)
        name, text = flows[0]
        path = os.path.join(root, f"{name}.flow")
        uri = f"file://{path}"
        server = Server(root, args.tree)
        server.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "flow", "version": 1, "text": text}},
            }
        )
        server.wait_diagnostics(uri)
        version = [1]

        def change():
            version[0] += 1
            edited = text + f"# edit {version[0]}\n"
            server.send(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": uri, "version": version[0]},
                        "contentChanges": [{"text": edited}],
                    },
                }
            )
            server.wait_diagnostics(uri)

        rows = text.split("\n")
        verb_line = next(i for i, r in enumerate(rows) if r.strip().startswith(("record", "gather")))
        arrow_line = next(i for i, r in enumerate(rows) if "-> " in r and not r.strip().startswith("#"))
        arrow_col = rows[arrow_line].index("-> ") + 4
        doc = {"textDocument": {"uri": uri}}

        def at(method, line, col, **extra):
            return lambda: server.request(
                method, {**doc, "position": {"line": line, "character": col}, **extra}
            )

        n = args.requests
        print(f"\n[2] flowc lsp over stdio: median of {n}, {args.siblings} flows in the directory")
        print(f"  didChange -> diagnostics   {median_ms(change, n):7.1f} ms")
        col = len(rows[verb_line]) - len(rows[verb_line].lstrip())
        print(
            f"  hover                      {median_ms(at('textDocument/hover', verb_line, col + 1), n):7.1f} ms"
        )
        completion = at("textDocument/completion", arrow_line, arrow_col - 1)
        print(f"  completion after ->        {median_ms(completion, n):7.1f} ms")
        definition = at("textDocument/definition", arrow_line, arrow_col)
        print(f"  definition                 {median_ms(definition, n):7.1f} ms")
        refs = at("textDocument/references", arrow_line, arrow_col, context={"includeDeclaration": True})
        print(f"  references                 {median_ms(refs, n):7.1f} ms")
        fmt = lambda: server.request(  # noqa: E731
            "textDocument/formatting", {**doc, "options": {"tabSize": 4, "insertSpaces": True}}
        )
        print(f"  formatting                 {median_ms(fmt, n):7.1f} ms")
        server.close()
    scale(args)
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
