#!/usr/bin/env python3
"""How flowc builds and checks many flows: clean, again, after one change, in parallel.

Generates N seeded flows with ``bench/compile.py``'s generator (10,000 by
default, 40,000 TwiML documents), then runs the installed ``flowc`` command
on them, wall clock, one run per figure:

1. a clean ``flowc build flows -o out`` (no output directory, an empty
   cache), with one worker (``-j 1``) and with one per core;
2. the same build again, nothing changed;
3. the build after one flow changed (a prompt of one step), then a check
   that its output equals a clean build's (``--no-cache`` into another
   directory), file for file;
4. ``flowc check flows``, nothing changed;
5. the speed-up of all cores over one on the clean build.

It prints each figure with the load average around it, the machine's core
count, and the ratio to its goal; it asserts nothing. On a shared machine
the load average says how much the figures are worth. A ``flowc`` without
``--jobs`` (an older one) is measured the same way, in one process.

    .venv/bin/python bench/scale.py [--flows 10000] [--flowc .venv/bin/flowc] [--keep]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

GOALS = {
    "clean build": 6.0,
    "build again, nothing changed": 0.3,
    "build after one flow changed": 0.6,
    "check, nothing changed": 0.3,
}
SPEEDUP_GOAL = 1.8


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def generate(directory: str, n: int, seed: int) -> list[str]:
    from compile import generate_all  # bench/compile.py

    os.makedirs(directory)
    paths = []
    for name, text in generate_all(n, seed):
        path = os.path.join(directory, name + ".flow")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    return paths


class Runner:
    def __init__(self, flowc: str, work: str):
        self.flowc = flowc
        self.env = dict(os.environ, FLOWC_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1")
        self.cwd = work
        help_text = subprocess.run([flowc, "build", "--help"], capture_output=True, text=True).stdout
        self.parallel = "--jobs" in help_text

    def run(self, *args: str) -> tuple[float, float, str, str, str]:
        before = load()
        used = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run([self.flowc, *args], cwd=self.cwd, env=self.env, capture_output=True, text=True)
        took = time.perf_counter() - start
        cpu = _children_cpu() - used
        if done.returncode not in (0, 1):
            sys.exit(f"flowc {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        return took, cpu, before, load(), last


def _children_cpu() -> float:
    """User and system CPU seconds of the finished child processes (flowc and its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def trees_equal(a: str, b: str) -> tuple[bool, int]:
    """Whether two output directories hold the same files with the same bytes (the manifest included)."""
    files_a, files_b = set(), set()
    for top, found in ((a, files_a), (b, files_b)):
        for root, _, names in os.walk(top):
            found.update(os.path.relpath(os.path.join(root, n), top) for n in names)
    if files_a != files_b:
        return False, len(files_a)
    _, mismatch, errors = filecmp.cmpfiles(a, b, sorted(files_a), shallow=False)
    return not mismatch and not errors, len(files_a)


def change_one(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    marker = 'say "'
    at = text.rindex(marker) + len(marker)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:at] + "Changed. " + text[at:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flowc", default=os.path.join(ROOT, ".venv", "bin", "flowc"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="flowc-scale-")
    try:
        paths = generate(os.path.join(work, "flows"), args.flows, args.seed)
        runner = Runner(args.flowc, work)
        n = cores()
        print(f"flowc: {args.flowc}")
        print(f"{args.flows:,} flows in {work}/flows; {n} cores; load average {load()}")
        print(f"parallel builds: {'yes (-j)' if runner.parallel else 'no (this flowc has no --jobs)'}")
        print()
        rows: list[tuple[str, float, str, str, str]] = []
        print("each figure: wall clock; cpu: user + system time of flowc and its workers")

        def row(name: str, result: tuple[float, float, str, str, str]) -> float:
            took, cpu, before, after, last = result
            rows.append((name, took, before, after, last))
            goal = GOALS.get(name)
            ratio = f"{took / goal:6.1f}x the goal of {goal:g} s" if goal else ""
            print(f"{name:<34} {took:8.2f} s  (cpu {cpu:7.2f} s)  load {before} -> {after}   {ratio}")
            print(f"{'':<34} {last}")
            return took

        serial = None
        if runner.parallel:
            serial = row("clean build, -j 1", runner.run("build", "flows", "-o", "out", "-j", "1"))
            shutil.rmtree(os.path.join(work, "out"))
            shutil.rmtree(os.path.join(work, "cache"), ignore_errors=True)
        clean = row("clean build", runner.run("build", "flows", "-o", "out"))
        row("build again, nothing changed", runner.run("build", "flows", "-o", "out"))
        change_one(paths[len(paths) // 2])
        row("build after one flow changed", runner.run("build", "flows", "-o", "out"))
        row("check, nothing changed", runner.run("check", "flows"))

        if runner.parallel:  # an older flowc rebuilds everything anyway
            runner.run("build", "flows", "-o", "clean", "--no-cache")
            same, count = trees_equal(os.path.join(work, "out"), os.path.join(work, "clean"))
            verdict = "byte-identical to a clean build" if same else "DIFFERENT from a clean build"
            print(f"{'':<34} after one change: {count:,} files, {verdict}")
        print()
        if serial is not None:
            speedup = serial / clean
            print(
                f"speed-up of {n} workers over 1 on a clean build: {speedup:.2f}x "
                f"(goal {SPEEDUP_GOAL}x on 2 cores; {speedup / SPEEDUP_GOAL:.2f} of it)"
            )
        else:
            print("speed-up of 2 workers over 1 on a clean build: 1.00x (one process only)")
        print(f"load average at the end: {load()}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
