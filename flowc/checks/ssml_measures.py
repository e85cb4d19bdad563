"""SSML measures outside what Twilio's voices accept.

A `break` is written as a time, in milliseconds or seconds (`500ms`, `2s`),
of at most 10 seconds. `prosody` takes a word or a measure for each of its
options: `volume` a change in decibels (`+6dB`, `-3dB`), `rate` a percentage
of the normal speed from `20%` to `200%`, `pitch` a change in percent from
`-33.3%` to `+50%`. Twilio's voices ignore a value outside these, or fail the
`<Say>`, and the caller hears the text at the default pace and pitch.

Bad::

    say:
        "Please hold."
        break 30s

Good::

    say:
        "Please hold."
        break 3s
"""

from __future__ import annotations

import re

from .. import ir, vocabulary
from ..codes import report
from .base import CheckContext, allowed, did_you_mean

CODES = ("FL319",)
LOCAL = True  # judges each SSML element by itself

_TIME = re.compile(r"(?P<n>[0-9]+(?:\.[0-9]+)?)(?P<unit>ms|s)\Z")
_MAX_BREAK_MS = 10_000
# prosody option → (pattern of its measure, lowest, highest, how it is written)
_MEASURES = {
    "volume": (
        re.compile(r"(?P<n>[+-][0-9]+(?:\.[0-9]+)?)dB\Z"),
        None,
        None,
        "a change in decibels (`+6dB`)",
    ),
    "rate": (re.compile(r"(?P<n>[0-9]+(?:\.[0-9]+)?)%\Z"), 20.0, 200.0, "a percentage from `20%` to `200%`"),
    "pitch": (
        re.compile(r"(?P<n>[+-][0-9]+(?:\.[0-9]+)?)%\Z"),
        -33.3,
        50.0,
        "a change in percent from `-33.3%` to `+50%`",
    ),
}


def _break(element: ir.Element):
    time = element.get("time")
    if not isinstance(time, ir.Text):
        return
    m = _TIME.match(time.value)
    if m is None:
        yield report(
            "FL319",
            f"`{time.value}` is not a break time; write milliseconds or seconds, such as `500ms` or `2s`",
            time.span,
        )
        return
    ms = float(m["n"]) * (1 if m["unit"] == "ms" else 1000)
    if ms > _MAX_BREAK_MS:
        yield report(
            "FL319",
            f"a `break` lasts at most 10 seconds, not `{time.value}`",
            time.span,
            hint="write several breaks, or a `pause` between two `say` lines",
        )


def _prosody(element: ir.Element):
    for option, (pattern, low, high, written) in _MEASURES.items():
        value = element.get(option)
        if not isinstance(value, ir.Text):
            continue
        words = vocabulary.PROSODY_WORDS[option]
        if value.value in words:
            continue
        m = pattern.match(value.value)
        if m is None:
            yield report(
                "FL319",
                f"`{value.value}` is not a `prosody {option}`; write {allowed(words)}, or {written}",
                value.span,
                hint=did_you_mean(value.value, words),
            )
        elif low is not None and high is not None and not low <= float(m["n"]) <= high:
            yield report("FL319", f"`prosody {option}` is {written}, not `{value.value}`", value.span)


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ("break", "prosody")):
            if isinstance(verb, ir.Element) and verb.kind == "break":
                yield from _break(verb)
            elif isinstance(verb, ir.Element) and verb.kind == "prosody":
                yield from _prosody(verb)
