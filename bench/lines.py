"""Long lines: how the cost of checking a file grows with the length of a line.

A line with the same option repeated many times (each repeat is a diagnostic
that quotes the source), checked with `project.load`, at growing lengths; the
ratio of the time per kilobyte between the longest and the shortest line says
whether the cost is linear (about 1) or worse.

    .venv/bin/python bench/lines.py [--sizes 10,25,50,100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from flowc.project import load
from flowc.render import format_text


def long_line(kilobytes: int) -> str:
    repeats = kilobytes * 1024 // len(" max 20s")
    return "step a:\n    record" + " max 20s" * repeats + " -> a\n"


def measure(text: str, directory: str) -> tuple[float, int]:
    path = os.path.join(directory, "long.flow")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    start = time.perf_counter()
    build = load([path])
    sources = build.sources()
    for d in build.diagnostics:
        format_text(d, sources)
    return time.perf_counter() - start, len(build.diagnostics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,25,50,100", help="line lengths in KB (default 10,25,50,100)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'line':>8}  {'diagnostics':>11}  {'seconds':>8}  {'ms per KB':>9}")
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for kb in sizes:
            seconds, found = measure(long_line(kb), directory)
            rows.append((kb, seconds))
            print(f"{kb:>6} KB  {found:>11}  {seconds:>8.3f}  {seconds * 1000 / kb:>9.2f}")
    (small, t_small), (large, t_large) = rows[0], rows[-1]
    ratio = (t_large / large) / (t_small / small)
    print(f"time per KB at {large} KB / at {small} KB: {ratio:.2f}x (1.0 is linear)")


if __name__ == "__main__":
    main()
