"""Phone numbers that are not in E.164.

A `number`, a `whatsapp` user and the `to` and `from` of an `sms` are phone
numbers, which Twilio expects in E.164: a `+`, the country code and the
number, at most 15 digits, no spaces or punctuation. A local or formatted
number may be dialled in the wrong country or not at all (Twilio logs
warning 13223). White space around the number is not part of it: Twilio
trims it, as its own examples (``<Number>`` on lines of its own) show.

Bad::

    dial:
        number "(415) 555-0100"

Good::

    dial:
        number "+14155550100"
"""

from __future__ import annotations

import re

from .. import ir
from ..codes import report
from .base import CheckContext, option_table, value_table

CODES = ("FL313",)
LOCAL = True  # sees one verb or one step at a time
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
# The IR fields that hold a phone number, by verb: its values', then its options'.
_VALUES = value_table(lambda value: value.check == "e164")
_OPTIONS = option_table(lambda option: option.check == "e164")
NUMBERS = {
    name: tuple(value.field for value in _VALUES.get(name, ()))
    + tuple(option.field for option in _OPTIONS.get(name, ()))
    for name in (*_VALUES, *_OPTIONS)
}


def _numbers(verb: ir.Verb):
    for field in NUMBERS[verb.name]:
        found = verb.get(field)
        if isinstance(found, ir.Text):
            yield found


def _hint(value: str, digits: str) -> str:
    if not digits:
        return "write `+`, the country code and the number"
    if value.lstrip().startswith("+"):
        return f'write `"+{digits}"`, without spaces or punctuation'
    us = f' (a number of the US or Canada: `"+1{digits}"`)' if len(digits) == 10 else ""
    return f"start it with `+` and the country code, then `{digits}`{us}"


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, NUMBERS):
            for number in _numbers(verb):
                value = number.value.strip()
                if not E164.fullmatch(value):
                    digits = re.sub(r"[^0-9]", "", value)
                    yield report(
                        "FL313",
                        f"`{value}` is not a phone number in E.164",
                        number.span,
                        hint=_hint(value, digits),
                    )
