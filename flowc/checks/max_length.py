"""``record max`` outside what Twilio allows for the account.

``maxLength`` must be greater than 1 second and at most the account's maximum
call duration: 4 hours unless the flow declares ``max-call-duration`` (up to
24 hours). Twilio rejects the document otherwise.

Bad: ``record max 5h``.
Good: ``record max 5h`` under ``flow NAME`` with ``max-call-duration 24h``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext, max_call_duration

CODES = ("FL301",)
LOCAL = False  # judges a verb by the flow's settings


def run(ctx: CheckContext):
    for flow in ctx.flows:
        limit = max_call_duration(flow)
        for _, verb in ctx.verbs(flow, ("record",)):
            if not isinstance(verb, ir.Record) or verb.max_length is None:
                continue
            seconds = verb.max_length.seconds
            if seconds <= 1:
                yield report(
                    "FL301", f"`max` must be more than 1 second, not {seconds}", verb.max_length.span
                )
            elif seconds > limit:
                if flow.settings.max_call_duration is None:
                    hint = (
                        "the account's maximum call duration is 4 hours unless the flow declares "
                        "`max-call-duration 24h` (Twilio Console, Voice Settings)"
                    )
                else:
                    hint = "raise the flow's `max-call-duration` if the account allows longer calls"
                yield report(
                    "FL301",
                    f"`max` is {seconds} s, longer than the maximum call duration of {limit} s",
                    verb.max_length.span,
                    hint=hint,
                )
