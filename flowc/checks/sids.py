"""Twilio SIDs with the wrong prefix or length.

Where an element takes a Twilio resource by its SID, the SID is two letters
that name the kind of resource and 32 hexadecimal digits: a SIM is `DE…`, a
TwiML App `AP…`, a TaskRouter workflow `WW…`, a Conversations service `IS…`,
a call `CA…`, a BYOC trunk `BY…`. A SID of another kind, or a name where a
SID belongs, makes Twilio fail the call.

Bad::

    enqueue support workflow "support-workflow"

Good::

    enqueue support workflow "WW0123456789abcdef0123456789abcdef"
"""

from __future__ import annotations

import re

from .. import ir
from ..codes import report
from .base import CheckContext, option_table, value_table

CODES = ("FL315",)
LOCAL = True  # sees one verb or one step at a time
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
# The letters whose names begin with a vowel sound, read aloud: "an `AP` SID", "an `IS` SID".
_AN = frozenset("AEFHILMNORSX")


def _a(prefix: str) -> str:
    return "an" if prefix[:1] in _AN else "a"


# What holds a SID, by verb: (IR field, the SID's prefix, what takes it) of
# its values, then of its options.
_VALUES = value_table(lambda value: bool(value.sid))
_OPTIONS = option_table(lambda option: bool(option.sid))
SIDS = {
    name: tuple((value.field, value.sid, name) for value in _VALUES.get(name, ()))
    + tuple((option.field, option.sid, f"{name} {option.name}") for option in _OPTIONS.get(name, ()))
    for name in (*_VALUES, *_OPTIONS)
}


def _sids(verb: ir.Verb):
    for field, prefix, what in SIDS[verb.name]:
        found = verb.get(field)
        if isinstance(found, ir.Text):
            yield prefix, found, what


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, SIDS):
            for prefix, sid, what in _sids(verb):
                if sid.value[:2] != prefix or not _HEX32.fullmatch(sid.value[2:]):
                    yield report(
                        "FL315",
                        f"`{sid.value}` is not {_a(prefix)} `{prefix}` SID, which `{what}` takes",
                        sid.span,
                        hint=f"{_a(prefix).capitalize()} `{prefix}` SID is `{prefix}` and 32 hexadecimal digits; "
                        "copy it from the Twilio console",
                    )
