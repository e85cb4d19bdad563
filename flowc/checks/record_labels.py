"""Recording labels that look like a misspelt `record` option.

After `record` a word that is not an option keyword is the recording's label,
so a typo of an option there parses without complaint and the option is
silently lost: `record mx -> handle` records for Twilio's default hour
instead of the intended limit, `record finsh -> handle` ends only on
silence. A label within a letter or two of an option (the same closeness the
syntax errors use for "did you mean") is reported with that option.

A label that is a TwiML attribute name (``record playBeep -> handle``,
``record maxLength -> handle``) is reported with the option it is written as
(:mod:`flowc.twiml_names`, :mod:`flowc.habits`); a switch (``beep``) comes with the fix.

The same holds for the name an element takes as a bare word: ``enqueue
maxQueueSize -> done`` is a queue named `maxQueueSize`, and ``conference
startConferenceOnEnter`` a conference of that name; a name that is a TwiML
attribute is reported the same way. The name of a pair (`parameter NAME
"VALUE"`, `header`, `config`) is the application's own key and is not judged:
`parameter customer_name "x"` is a parameter, whatever TwiML calls its
attributes.

Bad: ``record mx -> handle``, ``record playBeep -> handle``, ``enqueue maxLength``.
Good: ``record max 20s -> handle``, or a label that reads as none of the
options: ``record voicemail -> handle``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .. import ir, vocabulary
from ..codes import report
from ..diagnostics import replace_span
from .base import CheckContext, did_you_mean

if TYPE_CHECKING:
    from .. import twiml_names

CODES = ("FL060",)
LOCAL = True  # judges each verb by itself

_RECORD = vocabulary.verb("record")
# The words that begin an option of `record` (`no` only comes before `beep`
# or `trim`, and is too short for a near miss to mean anything).
OPTIONS = tuple(o.name for o in _RECORD.options)
# What a label glued together from two words was meant to be (`nobeep`).
PHRASES = tuple(
    f"{vocabulary.NEGATION} {o.name}" for o in _RECORD.options if o.shape is vocabulary.Shape.SWITCH
) + tuple(f"{o.name} {o.word}" for o in _RECORD.options if o.word)


STANDALONE = PHRASES + tuple(o.name for o in _RECORD.options if o.shape is vocabulary.Shape.SWITCH)


# The names an element takes as a bare word before its options (`enqueue NAME`,
# `conference NAME`): a TwiML attribute written there reads as the name.
_NAMES = {
    v.name: tuple(
        x
        for x in v.values
        if x.shape in (vocabulary.Shape.TEXT, vocabulary.Shape.WORD) and not x.keyword and not x.choices
    )
    for v in vocabulary.VERBS
    if v.generated and not vocabulary.is_pair(v)
}


# The verbs judged here: `record`, and the elements that take a bare name.
_JUDGED = frozenset(["record", *(name for name, values in _NAMES.items() if values)])


# How alike a bare name and an option must be to report the name: closer than
# for a recording's label, since `conference standup` is a name and not a
# misspelt `status`, while `enqueue maxsize` is a misspelt `max-size`.
_NAME_CUTOFF = 0.8


def _bare_names(verb: ir.Element):
    """(value, what it is) of each name of ``verb`` written as a bare word."""
    for spec in _NAMES.get(verb.kind, ()):
        value = verb.get(spec.field)
        if isinstance(value, ir.Text) and value.span.end_col - value.span.col == len(value.value):
            yield value, f"the {spec.placeholder.lower()} of `{verb.kind}`"


@functools.lru_cache(maxsize=1024)  # a project's recordings share a few labels
def _near_option(label: str) -> str | None:
    """The "did you mean" hint for a recording's label near an option of `record`, if any."""
    return did_you_mean(label, OPTIONS + PHRASES)


def flags_name(kind: str, word: str) -> bool:
    """Whether ``word``, written bare as the name of a ``kind`` element, is
    reported here (a TwiML attribute, or a typo of one of its options): the
    formatter keeps the quotes of such a name, which are how a name says it is
    one."""
    if not _NAMES.get(kind):
        return False
    from .. import habits

    options = tuple(o.name for o in vocabulary.verb(kind).options)
    return (
        habits.attribute(word, kind) is not None
        or did_you_mean(word.replace("_", "-"), options, _NAME_CUTOFF) is not None
    )


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, _JUDGED):
            if isinstance(verb, ir.Element):
                for value, what in _bare_names(verb):
                    from .. import twiml_names

                    twiml = twiml_names.attribute(value.value, verb.kind)
                    subject = f"{what}, `{value.value}`,"
                    if twiml is not None:
                        yield _attribute(value.value, twiml, value.span, verb.kind, subject)
                        continue
                    options = tuple(o.name for o in vocabulary.verb(verb.kind).options)
                    # a name is the user's own word: only a typo's closeness counts
                    suggestion = did_you_mean(value.value.replace("_", "-"), options, _NAME_CUTOFF)
                    if suggestion is not None:
                        yield report(
                            "FL060",
                            f"{subject} looks like a misspelt option",
                            value.span,
                            hint=f"{suggestion} If `{value.value}` really is the name, write it in quotes",
                        )
                continue
            if not isinstance(verb, ir.Record) or verb.label is None:
                continue
            label = verb.label.value
            from .. import twiml_names  # loaded only for a flow with a label

            twiml = twiml_names.attribute(label, "record")
            if twiml is not None:
                yield _attribute(label, twiml, verb.label.span)
                continue
            suggestion = _near_option(label)
            if suggestion is None:
                continue
            word = suggestion.split("`")[1]
            yield report(
                "FL060",
                f"the recording's label `{label}` looks like a misspelt option",
                verb.label.span,
                hint=f"{suggestion} If `{label}` really is the recording's label, "
                "rename it to a word that is not read as a misspelt option",
                # an option that stands alone; one that takes a value needs it written
                fixes=(replace_span(verb.label.span, word, safe=False),) if word in STANDALONE else (),
            )


def _attribute(label: str, twiml: twiml_names.Attribute, span, verb: str = "record", subject: str = ""):
    """A name (``subject``: the recording's label unless given) that is a TwiML attribute."""
    from .. import habits, twiml_names

    subject = subject or f"the recording's label `{label}`"
    option = twiml.option
    if twiml.verb.name != verb:
        same = twiml_names.counterpart(option, verb)
        message = (
            f"{subject} is TwiML's name for `{option.name}`, an option of `{twiml.verb.name}`, not of `{verb}`"
        )
        if same is None:
            what = "the label" if verb == "record" else "it"
            return report("FL060", message, span, hint=f"remove `{label}`, or rename {what}")
        hint, text = habits.without_value(same)
        return report(
            "FL060",
            message,
            span,
            hint=f"`{verb}` has `{same.name}` for this: {hint}",
            fixes=(replace_span(span, text, safe=False),) if text else (),
        )
    text = habits.written(option, None, twiml.callback)
    if text is not None:
        return report(
            "FL060",
            f"{subject} is TwiML's name for the option `{option.name}`",
            span,
            hint=f"write `{text}`",
            fixes=(replace_span(span, text),),
        )
    hint, guess = habits.without_value(option, twiml.callback)
    return report(
        "FL060",
        f"{subject} is TwiML's name for the option `{option.name}`",
        span,
        hint=hint,
        # Twilio's default stands for the value not written: applied by hand only.
        fixes=(replace_span(span, guess, safe=False),) if guess else (),
    )
