#!/usr/bin/env python3
"""How long the site target takes, and how much of it is Graphviz.

Generates N flows with the generator of ``bench/compile.py`` (seeded, about
25 lines and 4 steps each), writes them to a temporary directory, and times
the phases of ``flowc build --target site`` in one process:

1. load: read, parse and check every file (``project.load``);
2. render: the site's files in memory (``backends.site.render``), of which
   ``dot``: the Graphviz processes that lay out the graphs (one per batch of
   ``site.DOT_BATCH`` graphs), and the rest (DOT text, Pygments, HTML, TwiML);
3. write: ``output.write_tree`` into an empty directory;

then the whole command as a user runs it (``flowc build --target site``, the
installed one when there is a .venv, else the source tree) and, for
comparison, the twiml target's emission. It also checks that two renders are
byte-identical. It prints; it asserts nothing.

    .venv/bin/python bench/site.py [--flows 2000] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print it")
    args = parser.parse_args()

    dot = shutil.which("dot")
    if dot is None:
        sys.exit("bench/site.py needs Graphviz `dot` (bash scripts/system-deps.sh)")
    version = subprocess.run([dot, "-V"], capture_output=True, text=True).stderr.strip()
    work = tempfile.mkdtemp(prefix="flowc-bench-site-")
    try:
        src = os.path.join(work, "flows")
        os.mkdir(src)
        for name, text in generate_all(args.flows, args.seed):
            with open(os.path.join(src, f"{name}.flow"), "w", encoding="utf-8") as f:
                f.write(text)
        n = args.flows
        print(
            f"{n} generated flows (seed {args.seed}); {version}; {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.2f} at start"
        )

        t_load, build = timed(load, [src])
        if not build.ok:
            sys.exit("the generated flows have errors; nothing to measure")
        steps = sum(len(f.steps) for f in build.flows)
        t_render, result = timed(site.render, build, extra=site.unsupported(build))
        t_dot = result.dot_seconds
        out = os.path.join(work, "site")
        t_write, written = timed(write_tree, out, result.files)
        total = t_load + t_render + t_write
        size = sum(len(b) for b in result.files.values())
        batches = -(-n // site.DOT_BATCH)

        print(
            f"{len(result.files)} files ({result.documents} TwiML, {result.pages} pages), "
            f"{size / 1e6:.1f} MB, {steps} steps"
        )
        print()
        print(f"{'phase':<36}{'seconds':>10}{'ms/flow':>10}{'share':>8}")

        def row(label, seconds):
            print(f"{label:<36}{seconds:>10.2f}{seconds / n * 1000:>10.2f}{seconds / total:>8.0%}")

        row("load (parse + checks)", t_load)
        row("render", t_render)
        row(f"  of which dot ({batches} processes)", t_dot)
        row("  of which the rest (HTML, Pygments)", t_render - t_dot)
        row("write", t_write)
        row("total (in process)", total)

        t_again, again = timed(site.render, build, extra=site.unsupported(build))
        same = again.files == result.files
        print()
        print(f"second render: {t_again:.2f} s, byte-identical to the first: {'yes' if same else 'NO'}")

        t_twiml, _ = timed(twiml.emit, build)
        print(
            f"twiml target's emission for comparison: {t_twiml:.2f} s "
            f"({t_twiml / n * 1000:.2f} ms/flow); site render / twiml emission = {t_render / t_twiml:.0f}x"
        )

        venv_flowc = os.path.join(ROOT, ".venv", "bin", "flowc")
        if os.path.exists(venv_flowc):
            cmd, env = [venv_flowc], dict(os.environ)
        else:
            cmd, env = [sys.executable, "-m", "flowc.cli"], dict(os.environ, PYTHONPATH=ROOT)
        out2 = os.path.join(work, "site-cli")
        start = time.perf_counter()
        proc = subprocess.run(
            [*cmd, "build", "--target", "site", src, "-o", out2], capture_output=True, text=True, env=env
        )
        t_cli = time.perf_counter() - start
        print(
            f"`flowc build --target site` on the {n} files: {t_cli:.2f} s wall "
            f"({t_cli / n * 1000:.2f} ms/flow), exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1]}"
        )
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
        del written
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
