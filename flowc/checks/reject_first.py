"""``reject`` after another verb: the call has already been answered.

Twilio declines a call without answering (and without billing it) only when
``<Reject>`` is the first verb of the document. After a ``<Say>`` or a
``<Play>`` the call is already up, so ``<Reject>`` merely hangs up: the
caller hears a prompt and a hang-up instead of a busy or rejected signal.

Bad::

    say "We are closed."
    reject busy

Good: ``reject busy`` as the first verb, or ``hangup`` after the prompt.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL205",)
LOCAL = True  # judges each step's lines by themselves


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for step in flow.steps:
            for i, verb in enumerate(step.verbs):
                if i > 0 and isinstance(verb, ir.Reject):
                    yield report(
                        "FL205",
                        "`reject` only declines an unanswered call; after another verb the call "
                        "is already answered and this just hangs up",
                        verb.keyword,
                        notes=(Note(message="the call is answered here", span=step.verbs[0].keyword),),
                        hint="make `reject` the first verb of the step, or use `hangup`",
                    )
