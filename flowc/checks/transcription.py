"""Transcribed recordings whose ``max`` Twilio will not transcribe.

Twilio transcribes recordings longer than 2 s and shorter than 120 s, in
American English, as a paid feature. Outside that range it logs a warning and
produces no text. With no written ``max``, Twilio caps a transcribed
recording at 120 s, so nothing is reported.

Bad: ``record max 5m transcribe``.
Good: ``record max 90s transcribe``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL501",)
LOCAL = True  # judges each verb by itself


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ("record",)):
            if not isinstance(verb, ir.Record) or verb.max_length is None:
                continue
            if verb.transcribe is None and verb.transcribe_callback is None:
                continue
            seconds = verb.max_length.seconds
            if seconds >= 120 or seconds <= 2:
                yield report(
                    "FL501",
                    f"Twilio transcribes only recordings longer than 2 s and shorter than 120 s; "
                    f"`max` is {seconds} s",
                    verb.max_length.span,
                    hint="lower `max` below 120s, or drop `transcribe`",
                )
