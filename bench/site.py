#!/usr/bin/env python3
"""How long the site target takes, where the time goes, and against an older version.

For each N of ``--flows`` it generates N flows with the generator of
``bench/compile.py`` (seeded, about 25 lines and 4 steps each), writes them to
a temporary directory, and:

1. times the phases of ``flowc build --target site`` in one process: load
   (read, parse, check), render (the site's files in memory; the Graphviz
   ``dot`` processes run while the pages' text is made, and "waiting for
   dot" is what is left of them after it), write (``output.write_tree`` into
   an empty directory), then a rebuild into the same directory with nothing
   changed; checks that two renders are byte-identical; prints the files
   written and their size, by kind;
2. runs the whole command as a user runs it (``python -m flowc.cli build
   --target site``, a new process into an empty directory) ``--runs`` times;
   with ``--against REV``, the same command of the version at git revision
   REV (extracted with ``git archive`` into a temporary directory under the
   system's temporary folder) on the same flows, runs of the two alternating
   (and which goes first alternating too) so that a burst of load from other
   processes spoils both alike. It prints every run's wall clock and CPU time
   (of the process and its children, dot included; time spent waiting for
   the disk is not CPU time) with the load average, then the best and the
   median of each and their ratios, and of the user time alone (the system
   time, mostly the files' writing and flushing, moves with what else the
   disk does);
3. with ``--profile``, a cProfile of load + render + write in this process
   (top functions by own time and by cumulative time).

Both versions run from their source trees with this Python, each after a
warm-up run on a few flows (bytecode and Lark's grammar cache written). On a
shared machine, read the wall clock with the load average printed beside it;
the CPU time moves less with the load. It prints; it asserts nothing.

    .venv/bin/python bench/site.py --flows 500 2000 --against 4bd5631 --runs 3
    .venv/bin/python bench/site.py --flows 500 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from compile import generate_all  # noqa: E402 - bench/compile.py, beside this script

from flowc.backends import site, twiml  # noqa: E402
from flowc.output import write_tree  # noqa: E402
from flowc.project import load  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def cores() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{os.cpu_count()} CPUs ({usable} usable)"


def extract(rev: str, into: str) -> str:
    """The tree of git revision ``rev`` of this repository, in a new folder under ``into``."""
    commit = subprocess.run(
        ["git", "-C", ROOT, "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if commit.returncode != 0:
        sys.exit(f"--against: {rev} is not a commit of {ROOT}")
    sha = commit.stdout.strip()
    tree = os.path.join(into, f"flowc-{sha[:12]}")
    os.mkdir(tree)
    archive = subprocess.run(
        ["git", "-C", ROOT, "archive", "--format=tar", sha], capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def write_flows(folder: str, flows: list[tuple[str, str]]) -> None:
    os.makedirs(folder)
    for name, text in flows:
        with open(os.path.join(folder, f"{name}.flow"), "w", encoding="utf-8") as f:
            f.write(text)


def children_cpu() -> tuple[float, float]:
    """(user, system) CPU time of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime, usage.ru_stime


def run_cli(tree: str, src: str, out: str) -> tuple[float, tuple[float, float], subprocess.CompletedProcess]:
    """``flowc build --target site SRC -o OUT`` of the source tree ``tree``, in a new
    process: (wall clock, (user, system) CPU time of the process and of its children
    (dot), result)."""
    env = dict(os.environ, PYTHONPATH=tree)
    user, system = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "flowc.cli", "build", "--target", "site", src, "-o", out],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
    )
    wall = time.perf_counter() - start
    user_after, system_after = children_cpu()
    return wall, (user_after - user, system_after - system), proc


def last_line(proc: subprocess.CompletedProcess) -> str:
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return lines[-1] if lines else ""


def kind_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    if "/" not in name:
        return base  # the site's root: index.html and the shared assets
    return base if base.startswith(("graph.", "index.")) else "*" + os.path.splitext(base)[1]


def phases(n: int, src: str, work: str) -> None:
    """In-process phases of the current tree."""
    t_load, build = timed(load, [src])
    if not build.ok:
        sys.exit("the generated flows have errors; nothing to measure")
    steps = sum(len(f.steps) for f in build.flows)
    t_render, result = timed(site.render, build, extra=site.unsupported(build))
    t_dot = result.dot_seconds
    out = os.path.join(work, "site")
    t_write, written = timed(write_tree, out, result.files)
    t_rewrite, rewritten = timed(write_tree, out, result.files)
    total = t_load + t_render + t_write
    size = sum(len(b) for b in result.files.values())
    batches = -(-n // site.DOT_BATCH)

    print(
        f"{len(result.files)} files ({result.documents} TwiML, {result.pages} pages), "
        f"{size / 1e6:.1f} MB, {steps} steps"
    )
    kinds: dict[str, list[int]] = {}
    for name, data in result.files.items():
        kinds.setdefault(kind_of(name), []).append(len(data))
    print(
        "  by kind: "
        + ", ".join(
            f"{k} {len(v)} x {sum(v) / len(v) / 1000:.1f} kB"
            for k, v in sorted(kinds.items(), key=lambda kv: -sum(kv[1]))
        )
    )
    print()
    print(f"{'phase (current tree, in process)':<40}{'seconds':>10}{'ms/flow':>10}{'share':>8}")

    def row(label: str, seconds: float, share: bool = True) -> None:
        print(
            f"{label:<40}{seconds:>10.2f}{seconds / n * 1000:>10.2f}"
            + (f"{seconds / total:>8.0%}" if share else "")
        )

    row("load (parse + checks)", t_load)
    row("render", t_render)
    wait = getattr(result, "dot_wait", None)
    if wait is None:  # dot before the rest
        row(f"  of which dot ({batches} processes)", t_dot)
        row("  of which the rest (HTML, Pygments)", t_render - t_dot)
    else:  # dot beside the rest
        row(f"  dot ({batches} processes, beside the rest)", t_dot, share=False)
        row("  of which waiting for dot", wait)
        row("  of which the rest (HTML, Pygments)", t_render - wait)
    row(f"write ({len(written.written)} files)", t_write)
    row("total (in process)", total)
    row(f"rebuild, nothing changed ({len(rewritten.written)} written)", t_rewrite, share=False)

    t_again, again = timed(site.render, build, extra=site.unsupported(build))
    same = again.files == result.files
    print(f"second render: {t_again:.2f} s, byte-identical to the first: {'yes' if same else 'NO'}")
    t_twiml, _ = timed(twiml.emit, build)
    print(
        f"twiml target's emission for comparison: {t_twiml:.2f} s "
        f"({t_twiml / n * 1000:.2f} ms/flow); site render / twiml emission = {t_render / t_twiml:.0f}x"
    )
    shutil.rmtree(out, ignore_errors=True)


def profile(src: str, work: str, top: int) -> None:
    out = os.path.join(work, "site-profiled")
    profiler = cProfile.Profile()
    profiler.enable()
    build = load([src])
    result = site.render(build, extra=site.unsupported(build))
    write_tree(out, result.files)
    profiler.disable()
    for key in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(key).print_stats(top)
        body = text.getvalue()
        print(f"\ncProfile of load + render + write, top {top} by {key} (the main thread only):")
        print(body[body.index("   ncalls") :].rstrip())
    shutil.rmtree(out, ignore_errors=True)


def compare(n: int, src: str, work: str, trees: dict[str, str], runs: int) -> None:
    names = list(trees)
    print()
    print(f"`flowc build --target site` on the {n} files, a new process into an empty folder each run:")
    few = os.path.join(work, "warm-up")
    if not os.path.isdir(few):
        write_flows(few, generate_all(5, 99))
    for name in names:
        _, _, proc = run_cli(trees[name], few, os.path.join(work, "warm-up-out"))
        shutil.rmtree(os.path.join(work, "warm-up-out"), ignore_errors=True)
        if proc.returncode != 0:
            sys.exit(f"{name} failed on the warm-up flows: {last_line(proc)}")
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    users: dict[str, list[float]] = {name: [] for name in names}
    for r in range(runs):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            out = os.path.join(work, "cli-out")
            before = loadavg()
            t, (user, system), proc = run_cli(trees[name], src, out)
            cpu = user + system
            paths = [os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs]
            files, size = len(paths), sum(os.path.getsize(p) for p in paths) / 1e6
            shutil.rmtree(out, ignore_errors=True)
            walls[name].append(t)
            cpus[name].append(cpu)
            users[name].append(user)
            print(
                f"  run {r + 1} {name:<10} {t:>7.2f} s wall, {cpu:>6.2f} s CPU = {user:.2f} user + "
                f"{system:.2f} system  ({t / n * 1000:.2f} ms/flow, "
                f"{files} files, {size:.1f} MB, exit {proc.returncode})  load average {before} before"
                + ("" if proc.returncode == 0 else f": {last_line(proc)}")
            )
    print()
    print(
        f"  {'version':<12}{'wall: best':>11}{'median':>9}{'worst':>9}{'CPU: best':>12}{'median':>9}"
        f"{'user: best':>13}{'median':>9}"
    )
    for name in names:
        t, c, u = walls[name], cpus[name], users[name]
        print(
            f"  {name:<12}{min(t):>10.2f}s{statistics.median(t):>8.2f}s{max(t):>8.2f}s"
            f"{min(c):>11.2f}s{statistics.median(c):>8.2f}s{min(u):>12.2f}s{statistics.median(u):>8.2f}s"
        )
    if len(names) == 2:
        a, b = names
        print(
            f"  {a} / {b}: wall best {min(walls[a]) / min(walls[b]):.2f}x, "
            f"median {statistics.median(walls[a]) / statistics.median(walls[b]):.2f}x; "
            f"CPU best {min(cpus[a]) / min(cpus[b]):.2f}x, "
            f"median {statistics.median(cpus[a]) / statistics.median(cpus[b]):.2f}x "
            "(below 1: the current tree is faster)"
        )
        print(
            f"  of which user time: best {min(users[a]) / min(users[b]):.2f}x, "
            f"median {statistics.median(users[a]) / statistics.median(users[b]):.2f}x "
            "(system time is mostly writing the files and moves with the disk's other work)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--flows", type=int, nargs="+", default=[2000], help="numbers of flows (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="whole-command runs of each version (default 3)")
    parser.add_argument("--against", metavar="REV", help="also time the version at this git revision")
    parser.add_argument("--profile", action="store_true", help="cProfile of one build in this process")
    parser.add_argument("--top", type=int, default=25, help="functions listed by --profile (default 25)")
    parser.add_argument("--no-phases", action="store_true", help="skip the in-process phases")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print it")
    args = parser.parse_args()

    dot = shutil.which("dot")
    if dot is None:
        sys.exit("bench/site.py needs Graphviz `dot` (bash scripts/system-deps.sh)")
    version = subprocess.run([dot, "-V"], capture_output=True, text=True).stderr.strip()
    work = tempfile.mkdtemp(prefix="flowc-bench-site-")
    try:
        trees = {"current": ROOT}
        if args.against:
            trees[args.against] = extract(args.against, work)
        print(f"{version}; Python {sys.version.split()[0]}; {cores()}; load average {loadavg()} at start")
        for n in args.flows:
            print()
            print(f"==== {n} generated flows (seed {args.seed}) ====")
            src = os.path.join(work, f"flows-{n}")
            write_flows(src, generate_all(n, args.seed))
            if not args.no_phases:
                phases(n, src, work)
            if args.runs:
                compare(n, src, work, trees, args.runs)
            if args.profile:
                profile(src, work, args.top)
            print(f"load average {loadavg()} after {n} flows")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
