"""Durations that are zero or out of range where Twilio forbids it.

``pause``, gather ``timeout`` and ``speech-timeout``, dial ``timeout`` and
``time-limit`` need at least one second; dial ``timeout`` is at most 600 s.
(``record timeout off``, or ``0s``, turns the silence timeout off, which
Twilio allows. That ``time-limit`` is at most the maximum call duration is
checked by ``time_limit``, since it reads the flow's settings.)

Bad: ``pause 0s``, ``dial "+15551234567" timeout 20m``.
Good: ``pause 1s``, ``dial "+15551234567" timeout 30s``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL305",)
LOCAL = True  # judges each verb by itself
DIAL_TIMEOUT_MAX = 600


def _limits(verb: ir.Verb):
    if isinstance(verb, ir.Pause):
        yield "pause", verb.length, None
    elif isinstance(verb, ir.Gather):
        yield "timeout", verb.timeout, None
        if isinstance(verb.speech_timeout, ir.Duration):
            yield "speech-timeout", verb.speech_timeout, None
    elif isinstance(verb, ir.Dial):
        yield "timeout", verb.timeout, DIAL_TIMEOUT_MAX
        yield "time-limit", verb.time_limit, None


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ("pause", "gather", "dial")):
            for option, duration, upper in _limits(verb):
                if duration is None:
                    continue
                if duration.seconds < 1:
                    yield report(
                        "FL305",
                        f"`{option}` must be at least 1 second"
                        if option == verb.name
                        else f"`{option}` on `{verb.name}` must be at least 1 second",
                        duration.span,
                        hint="use `speech-timeout auto` to let Twilio decide"
                        if option == "speech-timeout"
                        else None,
                    )
                elif upper is not None and duration.seconds > upper:
                    yield report(
                        "FL305",
                        f"`{option}` on `{verb.name}` is {duration.seconds} s; the most Twilio allows is {upper} s",
                        duration.span,
                    )
