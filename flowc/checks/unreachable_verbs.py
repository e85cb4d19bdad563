"""Verbs after a verb that ends the document.

Twilio leaves the document at ``<Record>``, ``<Redirect>``, ``<Hangup>``,
``<Reject>`` and at ``<Dial>`` with an action, and a ``<Say>``/``<Play>`` with
``loop 0`` repeats until the caller hangs up. Whatever follows never runs: a
goodbye that is never said, an error prompt that is never played.

Bad::

    record -> handle
    say "I did not get a recording"

Good: put the ``say`` in the step the action points at.
"""

from __future__ import annotations

from ..codes import report
from ..diagnostics import Note
from ..graph import ends_document
from .base import CheckContext

CODES = ("FL201",)
LOCAL = True  # judges each step's lines by themselves


def run(ctx: CheckContext):
    for flow in ctx.flows:
        branching = ctx.branch_steps(flow)
        for step in flow.steps:
            if branching and step.is_branch:
                continue  # branch lines are checked by the branches check
            for i, verb in enumerate(step.verbs[:-1]):
                if ends_document(verb):
                    dead = step.verbs[i + 1]
                    yield report(
                        "FL201",
                        f"`{dead.name}` is never reached: the document ends at `{verb.name}`",
                        dead.span,
                        notes=(Note(message=_why(verb), span=verb.span),),
                        hint="move it into the step the call goes to next, or remove it",
                    )
                    break


def _why(verb) -> str:
    if verb.name in ("say", "play"):
        return f"`{verb.name}` with `loop 0` repeats until the caller hangs up"
    if verb.name in ("hangup", "reject"):
        return f"`{verb.name}` ends the call here"
    return f"`{verb.name}` leaves the document here"
