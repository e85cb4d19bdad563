"""Instructions per flow parsed, counted by valgrind's callgrind.

Seconds on a shared machine move with its load; instruction counts do not
(the same binary, inputs and environment give the same count). This parses
flows from `bench/compile.py`'s generator under callgrind twice, once
stopping after building the parser and parsing one flow, once after parsing
them all, and prints the difference per flow, with the start-up cost apart.

    .venv/bin/python bench/instructions.py [--flows 300] [--python PYTHON]

`--python` measures another installation of flowc (say, a venv of an older
commit) on the same flows, to compare two versions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

_RUN = r"""
import json, sys
from flowc.source import SourceFile
from flowc.syntax import parse
flows = json.load(open(sys.argv[1]))
sources = [SourceFile(name + ".flow", text) for name, text in flows]
parse(sources[0])
if sys.argv[2] == "all":
    for source in sources:
        parse(source)
"""


def instructions(python: str, script: str, flows: str, mode: str, out: str) -> int:
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python, script, flows, mode],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    assert found, result.stderr
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=300, help="generated flows to parse (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=sys.executable, help="the Python whose flowc is measured")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    sys.path.insert(0, HERE)
    from compile import generate_all

    with tempfile.TemporaryDirectory() as tmp:
        flows = os.path.join(tmp, "flows.json")
        with open(flows, "w", encoding="utf-8") as f:
            json.dump(generate_all(args.flows, args.seed), f)
        script = os.path.join(tmp, "run.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(_RUN)
        start = instructions(args.python, script, flows, "one", os.path.join(tmp, "one.out"))
        total = instructions(args.python, script, flows, "all", os.path.join(tmp, "all.out"))
    per_flow = (total - start) / args.flows
    print(f"{args.flows} generated flows (seed {args.seed}), {args.python}")
    print(f"  start-up (imports, parser, one flow): {start / 1e6:10.1f} M instructions")
    print(f"  parse, per flow:                      {per_flow / 1e6:10.3f} M instructions")


if __name__ == "__main__":
    main()
