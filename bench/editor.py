#!/usr/bin/env python3
"""How fast the editor tools answer: ``flowc fmt`` and ``flowc lsp``.

Uses the seeded flows of bench/compile.py (about 25 lines each) and prints:

1. formatting throughput (``format_source``, which parses, lays out, parses
   the result again and compares) next to parsing alone, and their ratio;
2. the language server, as a subprocess spoken to over stdio: the time from
   ``didChange`` to the ``publishDiagnostics`` that answers it, and the round
   trip of hover, completion, definition, references and formatting requests,
   each the median of ``--requests`` runs on a flow in a directory of
   ``--siblings`` flows.

It prints; it asserts nothing. Run from the repository root:

    .venv/bin/python bench/editor.py [--flows 500] [--requests 50] [--siblings 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from compile import generate_all  # noqa: E402 - bench/compile.py, beside this script

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
    def __init__(self, root: str):
        env = dict(os.environ, PYTHONPATH=ROOT)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flows", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--siblings", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

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
        server = Server(root)
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
    print(f"\nload average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
