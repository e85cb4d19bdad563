#!/usr/bin/env python3
"""How compile time grows with the number of steps in one flow.

Writes one flow of N steps chained by ``redirect`` (``s0 -> s1 -> … -> hangup``)
and one where the last step redirects to the first (a single cycle of N
steps), then times, from one process, ``project.load`` on each (read, parse,
every check) and the checks alone on the flow already parsed, best of
``--repeat``. It also prints how many notes the cycle's diagnostic carries.
It prints; it asserts nothing.

    .venv/bin/python bench/long_flows.py [--steps 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from flowc.checks import CheckContext, run_checks  # noqa: E402
from flowc.project import load  # noqa: E402


def chain(steps: int, *, cycle: bool) -> str:
    lines = ["flow long", ""]
    for i in range(steps - 1):
        lines += [f"step s{i}:", f'    say "step {i}"', f"    redirect -> s{i + 1}", ""]
    last = "    redirect -> s0" if cycle else "    hangup"
    lines += [f"step s{steps - 1}:", last, ""]
    return "\n".join(lines)


def best(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"one flow of {args.steps:,} steps, best of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, cycle in (("chain", False), ("cycle", True)):
            path = os.path.join(tmp, f"{name}.flow")
            with open(path, "w", encoding="utf-8") as f:
                f.write(chain(args.steps, cycle=cycle))
            seconds, build = best(args.repeat, lambda path=path: load([path]))
            [flow] = build.flows
            ctx = CheckContext(flows=(flow,), known={flow.name: flow})
            check_seconds, _ = best(args.repeat, lambda ctx=ctx: run_checks(ctx))
            notes = sum(len(d.notes) for d in build.diagnostics)
            print(
                f"  {name:5}  project.load {seconds:7.3f} s   checks alone {check_seconds:7.3f} s   "
                f"{len(build.diagnostics)} diagnostic(s), {notes:,} note(s)"
            )


if __name__ == "__main__":
    main()
