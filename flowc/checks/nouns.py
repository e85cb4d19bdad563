"""Nouns that cannot stand together in one block.

A `dial` rings one `conference`, one `queue` or one `sim`, alone: mixed with
other nouns, or two of them, Twilio rejects the document. A `dial` rings at
most 10 numbers, clients and SIP addresses at once; a `dial` with a number of
its own takes no nouns. A `connect` connects to exactly one thing, a `refer`
transfers to one `sip`, an `enqueue` holds at most one `task`. The limits are
the vocabulary's (`alone`, `max_children`).

Bad::

    dial:
        conference standup
        number "+14155550100"

Good::

    dial:
        conference standup
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL402",)
LOCAL = True  # sees one verb or one step at a time


# The verbs and nouns whose nouns are judged: those with a rule about them
# (a `dial` also has its number).
_JUDGED = frozenset([v.name for v in vocabulary.VERBS if v.alone or v.max_children is not None] + ["dial"])


def _nouns(verb: ir.Verb) -> list[ir.Element]:
    return [c for c in verb.body if isinstance(c, ir.Element) and c.kind != "parameter"]


def _check(verb: ir.Verb):
    entry = vocabulary.BY_NAME.get(verb.name)
    nouns = _nouns(verb)
    if entry is None or not nouns:
        return
    note = (Note(message=f"in this `{verb.name}`", span=verb.keyword),)
    if isinstance(verb, ir.Dial) and verb.number is not None:
        yield report(
            "FL402",
            "a `dial` with a number of its own takes no nouns",
            nouns[0].keyword,
            notes=note,
            hint="move the number into the block as a `number` line",
        )
        return
    for noun in nouns:
        if noun.kind in entry.alone and len(nouns) > 1:
            other = next(n for n in nouns if n is not noun)
            yield report(
                "FL402",
                f"a `{noun.kind}` must be the only noun of its `{verb.name}`; this one also has a `{other.kind}`",
                noun.keyword,
                notes=note,
                hint=f"use one `{verb.name}` for the `{noun.kind}`",
            )
            return
    if entry.max_children is not None and len(nouns) > entry.max_children:
        yield report(
            "FL402",
            f"a `{verb.name}` holds at most {entry.max_children} "
            + ("line" if entry.max_children == 1 else "lines")
            + f"; this one has {len(nouns)}",
            nouns[entry.max_children].keyword,
            notes=note,
        )


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, _JUDGED):
            yield from _check(verb)
