"""Enumerated and simple values outside what the option allows.

``reject`` takes ``rejected`` or ``busy``; ``context`` takes ``client``,
``live-update`` or ``twiml-parameter``; gather ``input`` takes ``dtmf`` and/or
``speech``; gather ``digits`` is at least 1; ``language`` is a language tag
such as ``en-US``; a dial number, a ``say`` text, ``voice``, ``hints`` and
``caller-id`` are not empty. Twilio rejects the document or
ignores the value otherwise.

Bad: ``reject busyy``.
Good: ``reject busy``.
"""

from __future__ import annotations

import re

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import replace_span
from .base import CheckContext, allowed, meant

CODES = ("FL306",)
LOCAL = True  # judges each verb and each setting by itself
REASONS = vocabulary.verb("reject").values[0].choices
CONTEXTS = next(s.values for s in vocabulary.SETTINGS if s.name == "context")
INPUTS = vocabulary.verb("gather").option("input").values  # type: ignore[union-attr]
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")


def _choice(text: ir.Text, choices, what: str):
    if text.value not in choices:
        hint, fixes = meant(text.value, choices, text.span)
        return report(
            "FL306",
            f"`{text.value}` is not a {what}; write {allowed(choices)}",
            text.span,
            hint=hint,
            fixes=fixes,
        )
    return None


def _language(language: ir.Text):
    """`en_US`, `EN-us`: a tag with `_` is written with `-`."""
    tag = language.value.replace("_", "-")
    if tag != language.value and LANGUAGE_TAG.match(tag):
        return report(
            "FL306",
            f"`{language.value}` is not a language tag: its parts are joined with `-`",
            language.span,
            hint=f"write `{tag}`",
            fixes=(replace_span(language.span, tag),)
            if language.span.end_col - language.span.col == len(language.value)
            else (),
        )
    return report(
        "FL306",
        f"`{language.value}` is not a language tag",
        language.span,
        hint="write a BCP-47 tag such as `en-US` or `fr-FR`",
    )


_NOT_EMPTY = ("voice", "hints", "caller_id")  # options that must not be empty
# The fields of each typed verb judged by their value: its `language`, and
# its options of `_NOT_EMPTY`.
_FIELDS = {
    kind: (
        "language" in kind.__dataclass_fields__,
        tuple(f for f in _NOT_EMPTY if f in kind.__dataclass_fields__),
    )
    for kind in ir.verb_classes().values()
}
# The verbs judged here: those named in `_verb`, and those with such a field.
_JUDGED = frozenset(
    ["reject", "gather", "dial", "say"]
    + [name for name, kind in ir.verb_classes().items() if _FIELDS[kind][0] or _FIELDS[kind][1]]
)
GATHER_OPTIONS = tuple(o.name for o in vocabulary.verb("gather").options if o.name != "input")


def _misplaced_option(word: str) -> str | None:
    """The gather option a word among the inputs was meant to be, if any."""
    if word in INPUTS:
        return None
    import difflib  # only for a word that is not an input

    close = difflib.get_close_matches(word, GATHER_OPTIONS, n=1, cutoff=0.75)
    return close[0] if close else None


def _verb(verb: ir.Verb):
    if isinstance(verb, ir.Reject) and verb.reason is not None:
        yield _choice(verb.reason, REASONS, "reject reason")
    if isinstance(verb, ir.Gather):
        seen = set()
        for word in verb.input:
            option = _misplaced_option(word.value)
            if option is not None:
                # `input speech speech-timout auto`: a misspelt option read as
                # an input; the words after it are its value, not inputs.
                yield report(
                    "FL306",
                    f"`{word.value}` is not a gather input; `input` reads every word after it as one",
                    word.span,
                    hint=f"did you mean the option `{option}`?",
                )
                break
            yield _choice(word, INPUTS, "gather input")
            if word.value in seen:
                yield report("FL306", f"the input `{word.value}` is listed twice", word.span)
            seen.add(word.value)
        if verb.num_digits is not None and verb.num_digits.value < 1:
            yield report("FL306", "`digits` must be at least 1", verb.num_digits.span)
    has_language, not_empty = _FIELDS.get(type(verb), (False, ()))
    language = getattr(verb, "language") if has_language else None
    if language is not None and not LANGUAGE_TAG.match(language.value):
        yield _language(language)
    if isinstance(verb, ir.Dial) and verb.number is not None and not verb.number.value.strip():
        yield report("FL306", "the number to dial is empty", verb.number.span)
    if isinstance(verb, ir.Say) and verb.text is not None and not verb.body and not verb.text.value.strip():
        yield report("FL306", "`say` has no text to say", verb.text.span)
    for option in not_empty:
        value = getattr(verb, option)
        if value is not None and not value.value.strip():
            yield report(
                "FL306",
                f"`{option.replace('_', '-')}` is empty",
                value.span,
                hint="give a value or leave the option out",
            )


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for context in flow.settings.contexts:
            found = _choice(context, CONTEXTS, "context")
            if found:
                yield found
        for _, verb in ctx.verbs(flow, _JUDGED):
            for found in _verb(verb):
                if found is not None:
                    yield found
