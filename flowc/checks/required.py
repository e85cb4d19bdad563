"""Elements written without what Twilio requires of them.

Some elements mean nothing without a value, an option or a line of their
block: a `say` without text and without a block, a `dial` without a number and without nouns, a `client` without an
identity, an `application` without its SID, a `sip` without an address, a
`prompt` without `for`, a `start`, `stop`, `connect` or `refer` with an empty
block. Twilio rejects the document or does nothing at that point.

Bad::

    pay -> https://pay.example.com/done:
        prompt:
            say "Please enter your card number"

Good::

    pay -> https://pay.example.com/done:
        prompt for payment-card-number:
            say "Please enter your card number"
"""

from __future__ import annotations

from .. import ir, vocabulary
from ..codes import report
from .base import CheckContext

CODES = ("FL316",)
# Not local: where a line of a block does not parse, a partial flow holds the
# verb without its block, and "`dial` needs a block" would be a false report.
LOCAL = False

# An element and the value that, or a child of which, must be there: its
# value's IR field, and the child that may stand for it.
_VALUE_OR_CHILD = {
    "client": ("identity", "identity"),
    "application": ("sid", "application-sid"),
    "sip": ("uri", "uri"),
}
# Elements that must hold at least one line in their block.
_NEEDS_A_CHILD = ("start", "stop", "connect", "refer")


def _listed(words) -> str:
    words = [f"`{w}`" for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# The verbs and nouns that may lack something.
_JUDGED = frozenset(
    [v.name for v in vocabulary.VERBS if v.required] + ["say", "dial", *_VALUE_OR_CHILD, *_NEEDS_A_CHILD]
)


def _missing(verb: ir.Verb):
    entry = vocabulary.BY_NAME.get(verb.name)
    if entry is None:
        return
    for name in entry.required:
        option = entry.option(name)
        if option is not None and verb.get(option.field) in (None, ()):
            yield f"`{verb.name}` needs `{name}`", f"add `{option.syntax}`"
    if isinstance(verb, ir.Say) and verb.text is None and not verb.body:
        yield "`say` needs its text, or a block of text and SSML lines", 'write `say "TEXT"`'
    if isinstance(verb, ir.Dial) and verb.number is None and not verb.body:
        yield (
            "`dial` needs a number, or a block of what to dial",
            'write `dial "+14155550100"`, or nouns under `dial:`',
        )
    if isinstance(verb, ir.Element):
        rule = _VALUE_OR_CHILD.get(verb.kind)
        if rule is not None:
            field, child = rule
            if verb.get(field) is None and not verb.nouns(child):
                placeholder = next(v.placeholder for v in entry.values if v.field == field)
                what = placeholder.strip('"').lower()
                yield (
                    f"`{verb.kind}` needs its {what}",
                    f"write `{verb.kind} {placeholder}`, or a `{child}` line in its block",
                )
        if verb.kind in _NEEDS_A_CHILD and not verb.body:
            yield f"`{verb.kind}` needs a block", f"indent {_listed(entry.children)} under `{verb.kind}:`"


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, _JUDGED):
            for message, hint in _missing(verb):
                yield report("FL316", message, verb.keyword, hint=hint)
