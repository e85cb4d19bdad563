#!/usr/bin/env python3
"""What one flow costs, against the floors it cannot go under.

Prints two figures, each with its goal:

1. parse + checks per flow (what ``flowc check`` does for a file already
   read) against Lark's contextual lexer alone on the same texts, fed the
   parser states the real parse was in (see bench/compile.py, whose
   generator, lexer replay and timing this reuses); goal <= 2.5x;
2. a cold ``flowc check --no-cache one.flow`` against ``python -c 'import
   click, lark, lxml.etree'``, medians of ``--cold-runs`` interleaved runs;
   goal <= 1.2x. ``flowc check one.flow`` with the cache warm is shown too:
   the cache answers an unchanged file without loading the parser, so that
   row is not the start-up's cost.

It prints the machine's core count and load average, and asserts nothing.

    .venv/bin/python bench/per_flow.py [--flows 500] [--repeat 5] [--cold-runs 15] [--tree DIR]

``--tree DIR`` also times the cold check of another checkout's ``flowc/``
(``python -m flowc.cli check --no-cache`` with ``PYTHONPATH=DIR``) in the same
runs, to compare two versions under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from compile import (  # noqa: E402 - bench/compile.py, beside this script
    best_of_interleaved,
    compile_all,
    contextual_lex_all,
    generate_all,
    parser_parts,
    record_states,
)

from flowc.source import SourceFile  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flows", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--chunks", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=15)
    ap.add_argument("--tree", help="another checkout whose cold check is timed too")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    generated = generate_all(args.flows, args.seed)
    texts = [text for _, text in generated]
    sources = [SourceFile(f"{name}.flow", text) for name, text in generated]
    compile_all(sources)  # once before timing: the parser built, the caches warm
    _, contextual, _, _ = parser_parts()
    states = [record_states(text)[0] for text in texts]
    best = best_of_interleaved(
        args.repeat,
        {
            "compile": (compile_all, (), [sources]),
            "lex": (contextual_lex_all, (contextual,), [texts, states]),
        },
        args.chunks,
    )
    n = len(sources)
    ratio = best["compile"] / best["lex"]
    print(f"\n[1] per flow, {n} generated flows, best of {args.repeat}")
    print(f"  parse + checks        {best['compile'] / n * 1e6:8.0f} µs/flow")
    print(f"  contextual lexer      {best['lex'] / n * 1e6:8.0f} µs/flow")
    print(f"  ratio {ratio:.2f}x  goal <= 2.5x  {'met' if ratio <= 2.5 else 'NOT met'}")

    venv = os.path.dirname(sys.executable)
    flowc = os.path.join(venv, "flowc")
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "one.flow")
        with open(one, "w", encoding="utf-8") as f:
            f.write(texts[0])
        commands = {
            "floor": [sys.executable, "-c", "import click, lark, lxml.etree"],
            "no-cache": [flowc, "check", "--no-cache", one],
            "check": [flowc, "check", one],
        }
        if args.tree:
            commands["tree"] = [sys.executable, "-m", "flowc.cli", "check", "--no-cache", one]
        for command in commands.values():  # the stored parser, flowc's cache and the OS caches warm
            subprocess.run(command, capture_output=True, cwd=tmp, check=False)
        env = dict(os.environ)
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.cold_runs):  # interleaved, so drift hits both alike
            for key, command in commands.items():
                start = time.perf_counter()
                extra = {"PYTHONPATH": os.path.abspath(args.tree)} if key == "tree" else {}
                subprocess.run(command, capture_output=True, cwd=tmp, check=False, env={**env, **extra})
                times[key].append(time.perf_counter() - start)
    floor, check = statistics.median(times["floor"]), statistics.median(times["check"])
    no_cache = statistics.median(times["no-cache"])
    print(f"\n[2] cold start, median of {args.cold_runs} interleaved runs")
    print(f"  python -c 'import click, lark, lxml.etree'  {floor * 1000:7.1f} ms")
    print(f"  flowc check --no-cache one.flow             {no_cache * 1000:7.1f} ms")
    print(f"  ratio {no_cache / floor:.2f}x  goal <= 1.2x  {'met' if no_cache / floor <= 1.2 else 'NOT met'}")
    print(f"  flowc check one.flow, cache warm            {check * 1000:7.1f} ms  {check / floor:.2f}x")
    if args.tree:
        tree = statistics.median(times["tree"])
        print(f"  {args.tree}: python -m flowc.cli check --no-cache one.flow  {tree * 1000:7.1f} ms  {tree / floor:.2f}x")
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
