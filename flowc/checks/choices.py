"""Words that are not among the values an option takes.

An enumeration is written as a word: `record record-from-answer`, `track
both_tracks`, `ring-tone uk`, `payment-method ach-debit`, `prompt for
expiration-date`, `card-types visa amex`. Twilio lists the values each takes;
any other word makes it reject the document or fall back to its default.
The lists are the vocabulary's (`docs/language.md` shows them).

Bad::

    dial record from-answer:
        number "+14155550100"

Good::

    dial record record-from-answer:
        number "+14155550100"
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from .base import CheckContext, allowed, did_you_mean, option_table

CODES = ("FL312",)
LOCAL = True  # sees one verb or one step at a time
Shape = vocabulary.Shape
# The options that take words from a list, by verb; gather's `input` is
# checked with gather's other values (FL306).
LISTED = {
    name: found
    for name, found in option_table(lambda option: bool(option.values)).items()
    if name != "gather"
}


def _words(option: vocabulary.Option, value: object) -> tuple[ir.Text, ...]:
    if option.shape is Shape.WORD and isinstance(value, ir.Text):
        return (value,)
    if option.shape is Shape.SWITCH and isinstance(value, ir.Text):  # `beep onEnter`
        return (value,)
    if option.shape is Shape.WORDS and isinstance(value, tuple):
        return value
    return ()


_ON = ("true", "yes", "on", "1")
_OFF = ("false", "no", "off", "0")


def _switch_hint(option: vocabulary.Option, word: str) -> str | None:
    """`beep false`: a switch that also takes words is still turned off with `no`."""
    if option.shape is not Shape.SWITCH:
        return None
    if word.lower() in _OFF:
        return f"to turn it off, write `{vocabulary.NEGATION} {option.name}`"
    if word.lower() in _ON:
        return f"to turn it on, write `{option.name}` alone"
    return None


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, LISTED):
            for option in LISTED[verb.name]:
                value = verb.get(option.field)
                seen: set[str] = set()
                for word in _words(option, value):
                    if word.value not in option.values:
                        listed = (
                            allowed(option.values)
                            if len(option.values) <= 8
                            else "one of the values listed in docs/language.md"
                        )
                        yield report(
                            "FL312",
                            f"`{word.value}` is not a value of `{verb.name} {option.name}`; write {listed}",
                            word.span,
                            hint=_switch_hint(option, word.value) or did_you_mean(word.value, option.values),
                        )
                    elif word.value in seen:
                        yield report("FL312", f"`{word.value}` is listed twice", word.span)
                    seen.add(word.value)
