"""SIP addresses that are not `sip:` URIs.

The address of a `sip` (under `dial` or `refer`) and of each `uri` is a SIP
URI: `sip:` (or `sips:`) followed by a user and a host, as
`sip:alice@example.com`. Twilio cannot route anything else, and the dialled
call fails. White space around the address is not part of it: Twilio trims
it, as its own examples (``<Sip>`` on lines of its own) show.

Bad::

    dial:
        sip "alice@example.com"

Good::

    dial:
        sip "sip:alice@example.com"
"""

from __future__ import annotations

import re

from .. import ir
from ..codes import report
from .base import CheckContext, value_table

CODES = ("FL314",)
LOCAL = True  # sees one verb or one step at a time
SIP_URI = re.compile(r"sips?:[^\s@]+@[^\s@]+|sips?:[^\s@]+", re.IGNORECASE)
ADDRESSES = value_table(lambda value: value.check == "sip")  # the values that hold a SIP URI, by element


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, ADDRESSES):
            for value in ADDRESSES[verb.name]:
                found = verb.get(value.field)
                if not isinstance(found, ir.Text):
                    continue
                address = found.value.strip()
                if not SIP_URI.fullmatch(address):
                    yield report(
                        "FL314",
                        f"`{address}` is not a SIP URI",
                        found.span,
                        hint=f'write `"sip:{address}"`'
                        if "@" in address and ":" not in address
                        else "write `sip:user@host`",
                    )
