"""Verbs and nouns nested where TwiML does not allow it.

What a verb's or noun's block may hold is the vocabulary's (`children`):
``gather`` holds ``say``, ``play`` and ``pause``; ``dial`` holds its nouns
(``number``, ``client``, ``conference``, …); ``client`` holds ``identity`` and
``parameter``; ``say`` holds lines of text and the SSML elements, which nest
as twilio-python nests them (``s`` in ``p``, not ``p`` in ``s``). A block
under an element that takes none, or a line its block may not hold (text
anywhere but in ``say`` and the SSML elements that speak text), is refused:
Twilio rejects the document.

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


def _speakers() -> list[str]:
    return [v.name for v in vocabulary.VERBS if v.text]


def _text_line(line: ir.TextLine, parent: ir.Verb | None):
    where = f"cannot stand in `{parent.name}`" if parent is not None else "cannot stand alone in a step"
    return report(
        "FL401",
        f"a line of text {where}; text is spoken only in the block of {_listed(_speakers())}",
        line.keyword,
        notes=(Note(message=f"inside this {parent.name}", span=parent.keyword),) if parent is not None else (),
        hint='write it as `say "TEXT"`, or indent it under a `say:` line',
    )


def _check(parent: ir.Verb):
    entry = vocabulary.verb(parent.name)
    children = entry.children
    for child in parent.body:
        if isinstance(child, ir.TextLine):
            if not entry.text:
                yield _text_line(child, parent)
            continue
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
            hint = f"move the `{child.name}` to {where}"
            if entry.text and child.name == "pause":  # a pause inside the speech is SSML's `break`
                hint = "write `break` with a time (`break 1s`) for a pause inside the speech"
            yield report(
                "FL401",
                f"`{child.name}` cannot be nested in `{parent.name}`; only {_listed(children)} can",
                child.keyword,
                notes=(Note(message=f"inside this {parent.name}", span=parent.keyword),),
                hint=hint,
            )
        if child.body:
            yield from _check(child)


def _parents(noun: str) -> list[str]:
    return [v.name for v in vocabulary.VERBS if noun in v.children]


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for step in flow.steps:
            for verb in step.verbs:
                if isinstance(verb, ir.TextLine):
                    yield _text_line(verb, None)
                    continue
                entry = vocabulary.BY_NAME.get(verb.name)
                if entry is not None and entry.noun:
                    yield report(
                        "FL401",
                        f"`{verb.name}` is a noun: it is written in the block of {_listed(_parents(verb.name))}",
                        verb.keyword,
                        hint=f"indent it under a `{_parents(verb.name)[0]}:` line",
                    )
                if verb.body:
                    yield from _check(verb)
