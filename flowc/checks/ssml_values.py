"""SSML words `<Say>`'s voices do not know.

Inside a `say` block, `say-as` names the kind of its text (`date`, `digits`,
`telephone`, `currency`, …), `emphasis` a level (`strong`, `moderate`,
`reduced`), `w` a role (`amazon:VB`, `amazon:VBD`, `amazon:SENSE_1`) and
`lang` a language tag; `say-as format` orders the parts of a date, so it is
written only with `say-as date`. Twilio's voices ignore a word they do not
know, or fail the `<Say>` (Twilio error 13520), and the caller hears the text
read the wrong way, or nothing. The lists are Twilio's, for its Amazon Polly
and Google voices (docs/language.md shows them).

Bad::

    say:
        say-as telephon "4155550100"

Good::

    say:
        say-as telephone "4155550100"
"""

from __future__ import annotations

import re

from .. import ir, vocabulary
from ..codes import report
from .base import CheckContext, allowed, did_you_mean

CODES = ("FL318",)
LOCAL = True  # judges each SSML element by itself
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")

# element → (IR field, the words it takes, how the message names it)
_WORDS = {
    "say-as": ("interpret_as", vocabulary.INTERPRET_AS, "kind of `say-as`"),
    "emphasis": ("level", vocabulary.EMPHASIS_LEVELS, "level of `emphasis`"),
    "w": ("role", vocabulary.WORD_ROLES, "role of `w`"),
}


def _listed(words: tuple[str, ...]) -> str:
    return allowed(words) if len(words) <= 8 else "one of the values listed in docs/language.md"


def _check(element: ir.Element):
    if element.kind in _WORDS:
        field, words, what = _WORDS[element.kind]
        value = element.get(field)
        if isinstance(value, ir.Text) and value.value not in words:
            yield report(
                "FL318",
                f"`{value.value}` is not a {what}; write {_listed(words)}",
                value.span,
                hint=did_you_mean(value.value, words),
            )
    if element.kind == "say-as":
        kind, form = element.get("interpret_as"), element.get("format")
        if isinstance(form, ir.Text) and isinstance(kind, ir.Text) and kind.value != "date":
            yield report(
                "FL318",
                f"`format` orders the parts of a date; it does not apply to `say-as {kind.value}`",
                form.span,
                hint="write `say-as date`, or leave `format` out",
            )
    if element.kind == "lang":
        tag = element.get("language")
        if isinstance(tag, ir.Text) and not LANGUAGE_TAG.match(tag.value):
            yield report(
                "FL318",
                f"`{tag.value}` is not a language tag",
                tag.span,
                hint="write a BCP-47 tag such as `en-US` or `fr-FR`",
            )


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, vocabulary.SSML):
            if isinstance(verb, ir.Element) and verb.kind in vocabulary.SSML:
                yield from _check(verb)
