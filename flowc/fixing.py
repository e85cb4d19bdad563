"""``flowc check --fix``: the safe fixes of the diagnostics, applied.

A diagnostic may carry fixes (:class:`flowc.diagnostics.Fix`); the safe ones
write what the message says was meant (`did you mean `max`?`, `write
`max 20s``) and change nothing else. Syntax errors are reported one at a time
(the file stops parsing at the first), so fixing runs in rounds: apply the
first safe fix of every diagnostic, check the fixed text again, and stop when
no safe fix is left or a round changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .diagnostics import Edit, apply_edits
from .project import Build, load

ROUNDS = 20  # a file with more mistakes in a row than this keeps the rest


@dataclass(frozen=True, slots=True)
class Fixed:
    """The build after fixing, and each changed file's text before and after."""

    build: Build
    changes: dict[str, tuple[str, str]]
    applied: int  # how many fixes


def fix(paths: Iterable[str]) -> Fixed:
    paths = list(paths)
    build = load(paths)
    originals = {path: source.text for path, source in build.sources().items()}
    texts: dict[str, str] = {}
    applied = 0
    for _ in range(ROUNDS):
        edits: dict[str, list[Edit]] = {}
        for d in build.diagnostics:
            safe = next((f for f in d.fixes if f.safe), None)
            if safe is None or any(e.span.file not in originals for e in safe.edits):
                continue
            for e in safe.edits:
                edits.setdefault(e.span.file, []).append(e)
        changed = False
        for path, found in edits.items():
            text = texts.get(path, originals[path])
            new, count = apply_edits(text, found)
            if new != text:
                texts[path], changed, applied = new, True, applied + count
        if not changed:
            break
        build = load(paths, texts=texts)
    changes = {path: (originals[path], text) for path, text in texts.items() if text != originals[path]}
    return Fixed(build, changes, applied)
