"""A ``dial`` whose ``time-limit`` is longer than the flow's maximum call duration.

Twilio ends every call at the account's maximum call duration: 4 hours unless
the flow declares ``max-call-duration`` (up to 24 hours). A longer
``timeLimit`` is refused. (That ``time-limit`` is at least one second is
checked with the other durations.)

Bad: ``dial "+15551234567" time-limit 5h``.
Good: ``dial "+15551234567" time-limit 5h`` under ``flow NAME`` with ``max-call-duration 24h``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext, max_call_duration

CODES = ("FL305",)
LOCAL = False  # judges a verb by the flow's settings


def run(ctx: CheckContext):
    for flow in ctx.flows:
        limit = max_call_duration(flow)
        for _, verb in ctx.verbs(flow, ("dial",)):
            if isinstance(verb, ir.Dial) and verb.time_limit is not None and verb.time_limit.seconds > limit:
                yield report(
                    "FL305",
                    f"`time-limit` on `dial` is {verb.time_limit.seconds} s; the most Twilio allows is {limit} s",
                    verb.time_limit.span,
                )
