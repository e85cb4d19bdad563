"""Phone numbers that are not in E.164.

A `number`, a `whatsapp` user and the `to` and `from` of an `sms` are phone
numbers, which Twilio expects in E.164: a `+`, the country code and the
number, at most 15 digits, no spaces or punctuation. A local or formatted
number may be dialled in the wrong country or not at all.

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
from .base import CheckContext, options, values

CODES = ("FL313",)
LOCAL = True  # sees one verb or one step at a time
E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def _numbers(verb: ir.Verb):
    for value, found in values(verb):
        if value.check == "e164" and isinstance(found, ir.Text):
            yield found
    for option, found in options(verb):
        if option.check == "e164" and isinstance(found, ir.Text):
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
        for _, verb in ctx.verbs(flow):
            for number in _numbers(verb):
                if not E164.fullmatch(number.value):
                    digits = re.sub(r"[^0-9]", "", number.value)
                    yield report(
                        "FL313",
                        f"`{number.value}` is not a phone number in E.164",
                        number.span,
                        hint=_hint(number.value, digits),
                    )
