"""What reporting every syntax error costs, and how often one mistake gives one error.

    .venv/bin/python bench/recovery.py

1. Time: a generated file of 2,000 steps (6,000 lines), parsed clean and with
   1 to 2,000 misspelt options, best of 3. A file with syntax errors is parsed
   whole once, then piece by piece (runs of whole steps of at least
   ``PIECE_LINES`` lines), then whole again, so its cost stays a small multiple
   of a clean parse however many errors it has. The ratio is to the clean parse.
2. Cascades: every single-line mistake of the mutation set (swapped letters in
   the first word, a lost `:`, `->` or closing quote, a stray `$`, a line
   dedented by two spaces, indented by four, or indented with tabs) on every
   line of the example flows; how many mutants report more than one syntax
   error.
3. After a mix: a line indented with tabs and a swapped-letter mistake on
   another line, for every such pair in the example flows; how often both are
   reported (the mix, then the other mistake), only the mix, or more.

It benchmarks the source tree in-process and asserts nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flowc.project import load  # noqa: E402
from flowc.source import SourceFile  # noqa: E402
from flowc.syntax.recovery import MAX_ERRORS, PIECE_LINES, parse_recovering  # noqa: E402


def generated(steps: int, bad_every: int) -> str:
    out = []
    for i in range(steps):
        out.append(f"step s{i}:")
        out.append(f'    say "Hello number {i}" voice alice loop 2')
        option = "finsh" if bad_every and i % bad_every == 0 else "finish"
        out.append(f'    record max 20s {option} "#" -> s{i + 1}')
    out.append(f"step s{steps}:\n    hangup\n")
    return "\n".join(out)


def best(text: str, repeat: int = 3) -> tuple[float, int]:
    times, errors = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        parsed = parse_recovering(SourceFile("bench.flow", text))
        times.append(time.perf_counter() - start)
        errors = sum(d.code == "FL001" for d in parsed.diagnostics)
    return min(times), errors


def timing() -> None:
    steps = 2000
    print(f"[1] time: {steps} steps, {steps * 3} lines; pieces of at least {PIECE_LINES} lines")
    print(f"    at most {MAX_ERRORS} errors are reported per file")
    parse_recovering(SourceFile("warm.flow", "step a:\n    hangup\n"))
    clean, _ = best(generated(steps, 0))
    print(f"    {'misspelt options':>18} {'reported':>9} {'ms':>9} {'ratio':>7}")
    print(f"    {0:>18} {0:>9} {clean * 1000:>9.1f} {1.0:>7.2f}")
    for bad_every in (2000, 1000, 200, 40, 1):
        seconds, errors = best(generated(steps, bad_every))
        mistakes = len(range(0, steps, bad_every))
        print(f"    {mistakes:>18} {errors:>9} {seconds * 1000:>9.1f} {seconds / clean:>7.2f}")


def mutants(line: str):
    text = line.lstrip()
    indent = line[: len(line) - len(text)]
    if not text or text.startswith("#"):
        return
    word = text.split()[0]
    if len(word) > 2:
        yield "swap", indent + word[1] + word[0] + word[2:] + text[len(word) :]
    if text.rstrip().endswith(":"):
        yield "no colon", line.rstrip()[:-1]
    if "-> " in text:
        yield "no arrow", line.replace("-> ", "", 1)
    if '"' in text:
        cut = line.rindex('"')
        yield "no closing quote", line[:cut] + line[cut + 1 :]
    yield "stray", line + " $"
    if indent:
        yield "dedented", line[2:]
        yield "tab-indented", "\t" * max(1, len(indent) // 4) + text
    yield "indented", "    " + line


def cascades() -> None:
    flows = sorted((ROOT / "flows").rglob("*.flow"))
    total, by_kind, worse = 0, {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for flow in flows:
            lines = flow.read_text(encoding="utf-8").split("\n")
            for i, line in enumerate(lines):
                for kind, mutant in mutants(line):
                    path = os.path.join(tmp, flow.name)
                    with open(path, "w", encoding="utf-8") as f:
                        f.write("\n".join([*lines[:i], mutant, *lines[i + 1 :]]))
                    build = load([path], neighbours=False)
                    n = sum(d.code in ("FL001", "FL003") for d in build.diagnostics)
                    total += 1
                    seen = by_kind.setdefault(kind, [0, 0])
                    seen[0] += 1
                    if n > 1:
                        seen[1] += 1
                        worse.append(f"{flow.relative_to(ROOT)}:{i + 1} {kind}: {n} errors")
    print(f"[2] cascades: {total} single-line mistakes in {len(flows)} example flows")
    for kind, (count, more) in by_kind.items():
        print(f"    {kind:<18} {count:>4} mutants, {more:>3} with more than one syntax error")
    for line in worse:
        print(f"    {line}")


def after_a_mix() -> None:
    """A line indented with tabs in a file indented with spaces, and a
    swapped-letter mistake on another line: how often both are reported,
    and nothing else."""
    flows = sorted((ROOT / "flows").rglob("*.flow"))
    outcomes = {"both": 0, "only the mix": 0, "more": 0}
    worse = []
    with tempfile.TemporaryDirectory() as tmp:
        for flow in flows:
            lines = flow.read_text(encoding="utf-8").split("\n")
            for i, line in enumerate(lines):
                tabbed = dict(mutants(line)).get("tab-indented")
                if tabbed is None:
                    continue
                for j, other in enumerate(lines):
                    swapped = dict(mutants(other)).get("swap") if j != i else None
                    if swapped is None:
                        continue
                    changed = list(lines)
                    changed[i], changed[j] = tabbed, swapped
                    path = os.path.join(tmp, flow.name)
                    with open(path, "w", encoding="utf-8") as f:
                        f.write("\n".join(changed))
                    build = load([path], neighbours=False)
                    found = sorted(d.code for d in build.diagnostics if d.code in ("FL001", "FL003"))
                    if found == ["FL001", "FL003"]:
                        outcomes["both"] += 1
                    elif found == ["FL003"]:
                        outcomes["only the mix"] += 1
                    else:
                        outcomes["more"] += 1
                        worse.append(f"{flow.relative_to(ROOT)}:{i + 1}+{j + 1}: {found}")
    total = sum(outcomes.values())
    print(f"[3] a tab-indented line and a swapped-letter mistake elsewhere: {total} files")
    for outcome, count in outcomes.items():
        print(f"    {outcome:<18} {count:>5}")
    for line in worse[:20]:
        print(f"    {line}")


if __name__ == "__main__":
    timing()
    cascades()
    after_a_mix()
