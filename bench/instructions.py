"""Instructions per flow parsed, counted by valgrind's callgrind.

Seconds on a shared machine move with its load; instruction counts do not
(the same binary, inputs and environment give the same count). This parses
flows from `bench/compile.py`'s generator under callgrind twice, once
stopping after building the parser and parsing one flow, once after parsing
them all, and prints the difference per flow, with the start-up cost apart.

    .venv/bin/python bench/instructions.py [--flows 300] [--python PYTHON]

`--python` measures another installation of flowc (say, a venv of an older
commit) on the same flows, to compare two versions.

`--ratio` also counts parse + checks per flow and the contextual lexer alone
(fed the parser states the real parse was in, as bench/compile.py does), and
prints their ratio: the per-flow goal (<= 2.5x) in instructions, which the
machine's load does not move.
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
mode = sys.argv[2]
if mode == "all":
    for source in sources:
        parse(source)
elif mode in ("checks-one", "checks"):
    from compile import compile_all
    compile_all(sources if mode == "checks" else sources[:1])
elif mode in ("record", "lex"):
    from compile import contextual_lex_all, parser_parts, record_states
    texts = [s.text for s in sources]
    states = [record_states(t)[0] for t in texts]
    if mode == "lex":
        contextual_lex_all(parser_parts()[1], texts, states)
"""


def instructions(python: str, script: str, flows: str, mode: str, out: str) -> int:
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python, script, flows, mode],
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), HERE]))),
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
    parser.add_argument("--ratio", action="store_true", help="also parse + checks against the lexer alone")
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
        if args.ratio:
            checks_one = instructions(args.python, script, flows, "checks-one", os.path.join(tmp, "one.out"))
            checks = instructions(args.python, script, flows, "checks", os.path.join(tmp, "checks.out"))
            record = instructions(args.python, script, flows, "record", os.path.join(tmp, "record.out"))
            lex = instructions(args.python, script, flows, "lex", os.path.join(tmp, "lex.out"))
    per_flow = (total - start) / args.flows
    print(f"{args.flows} generated flows (seed {args.seed}), {args.python}")
    print(f"  start-up (imports, parser, one flow): {start / 1e6:10.1f} M instructions")
    print(f"  parse, per flow:                      {per_flow / 1e6:10.3f} M instructions")
    if args.ratio:
        compiled = (checks - checks_one) / (args.flows - 1)
        lexed = (lex - record) / args.flows
        ratio = compiled / lexed
        print(f"  parse + checks, per flow:             {compiled / 1e6:10.3f} M instructions")
        print(f"  contextual lexer alone, per flow:     {lexed / 1e6:10.3f} M instructions")
        print(f"  ratio {ratio:.2f}x  goal <= 2.5x  {'met' if ratio <= 2.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
