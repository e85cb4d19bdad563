"""Rehearsal benchmark: every path of every flow under flows/, in calls per second.

    .venv/bin/python bench/rehearsal.py              # best of 3
    .venv/bin/python bench/rehearsal.py --repeat 5 --against flask

It lists the paths of each flow (``flowc paths``), then rehearses the
golden scenarios of flows/ (``flowc test flows``: every path, with its
expectations) and prints, for each phase, the calls, the time and the calls
per second, and the time a thousand calls take at that rate. It prints
figures and asserts nothing. Runs the source tree (``flowc/`` beside
``bench/``) in-process.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from flowc.rehearsal import session as sessions


def best(fn, repeat: int) -> tuple[float, object]:
    times = []
    value = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", default="flows", help="flows (default), flask, or a directory")
    args = parser.parse_args()
    flows = os.path.join(ROOT, "flows")
    print(f"rehearsal benchmark: {flows}, against {args.against}, best of {args.repeat}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    def enumerate_paths():
        _, found = sessions.paths([flows], args.against)
        return sum(len(f.paths) for f in found)

    seconds, count = best(enumerate_paths, args.repeat)
    assert isinstance(count, int)
    print(f"[1] flowc paths    {count:5d} paths   {seconds * 1000:8.1f} ms   "
          f"{count / seconds:8.0f} paths/s   (the engine runs once per fork, so more calls than paths)")

    def test_all():
        session = sessions.run(sessions.load([flows]), args.against)
        return session

    seconds, session = best(test_all, args.repeat)
    calls = len(session.rehearsals)  # type: ignore[attr-defined]
    failed = sum(not r.passed for r in session.rehearsals)  # type: ignore[attr-defined]
    rate = calls / seconds
    print(f"[2] flowc test     {calls:5d} calls   {seconds * 1000:8.1f} ms   {rate:8.0f} calls/s   "
          f"({failed} failed)  -> 1,000 calls in {1000 / rate:.2f} s")

    def rehearse_only():
        for r in session.rehearsals:  # type: ignore[attr-defined]
            sessions.rehearse(r.file, r.scenario, session.server, session.index)  # type: ignore[attr-defined]

    seconds, _ = best(rehearse_only, args.repeat)
    print(f"[3] rehearse only  {calls:5d} calls   {seconds * 1000:8.1f} ms   {calls / seconds:8.0f} calls/s   "
          "(scenarios already read, server already open)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
