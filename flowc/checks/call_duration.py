"""``max-call-duration`` outside Twilio's limits.

An account's maximum call duration is positive and at most 24 hours.

Bad: ``max-call-duration 48h``.
Good: ``max-call-duration 24h``.
"""

from __future__ import annotations

from ..codes import report
from .base import LONGEST_MAX_CALL_DURATION, CheckContext

CODES = ("FL308",)
LOCAL = True  # judges the setting by itself


def run(ctx: CheckContext):
    for flow in ctx.flows:
        d = flow.settings.max_call_duration
        if d is not None and not 1 <= d.seconds <= LONGEST_MAX_CALL_DURATION:
            yield report(
                "FL308",
                f"`max-call-duration` must be between 1 second and 24 hours, not {d.seconds} s",
                d.span,
            )
