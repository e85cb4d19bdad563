"""Verbs and nouns nested where TwiML does not allow it.

What a verb's or noun's block may hold is the vocabulary's (`children`):
``gather`` holds ``say``, ``play`` and ``pause``; ``dial`` holds its nouns
(``number``, ``client``, ``conference``, …); ``client`` holds ``identity`` and
``parameter``; and so on. A block under an element that takes none, or a
line its block may not hold, is refused: Twilio rejects the document.

Bad::

    gather -> choice:
        record -> done

Good::

    gather -> choice:
        say "Press 1 to record a message"
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL401",)
LOCAL = True  # judges each step's lines by themselves
IN_GATHER = (ir.Say, ir.Play, ir.Pause)


def _listed(words) -> str:
    words = [f"`{w}`" for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _check(parent: ir.Verb):
    children = vocabulary.verb(parent.name).children
    for child in parent.body:
        if not children:
            yield report(
                "FL401",
                f"`{parent.name}` cannot hold other verbs; it takes no block",
                child.span,
                notes=(Note(message=f"the block of this `{parent.name}`", span=parent.keyword),),
                hint="un-indent the verbs below it",
            )
            return
        if child.name not in children:
            where = "the step the gather's action leads to" if parent.name == "gather" else "where it belongs"
            yield report(
                "FL401",
                f"`{child.name}` cannot be nested in `{parent.name}`; only {_listed(children)} can",
                child.keyword,
                notes=(Note(message=f"inside this {parent.name}", span=parent.keyword),),
                hint=f"move the `{child.name}` to {where}",
            )
        yield from _check(child)


def _parents(noun: str) -> list[str]:
    return [v.name for v in vocabulary.VERBS if noun in v.children]


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for step in flow.steps:
            for verb in step.verbs:
                entry = vocabulary.BY_NAME.get(verb.name)
                if entry is not None and entry.noun:
                    yield report(
                        "FL401",
                        f"`{verb.name}` is a noun: it is written in the block of {_listed(_parents(verb.name))}",
                        verb.keyword,
                        hint=f"indent it under a `{_parents(verb.name)[0]}:` line",
                    )
                yield from _check(verb)
