"""TwiML's names for the options of the vocabulary.

Every option's TwiML attribute, in its camelCase, snake_case and near-miss
forms, maps to the option, so that a name written the TwiML way
(``maxLength``, ``playBeep``) is recognised and answered with the option it
is written as. :mod:`flowc.habits` uses these to correct whole lines; the
recording-label check (:mod:`flowc.checks.record_labels`) asks
:func:`attribute` about a label such as ``playBeep`` without loading the
habits.
"""

from __future__ import annotations

from . import vocabulary
from .records import record
from .vocabulary import Option, Shape, Verb


def _normal(word: str) -> str:
    """A name without case, `-` or `_`: `maxLength`, `max_length` and
    `max-length` are all `maxlength`."""
    return word.replace("-", "").replace("_", "").lower()


@record
class Attribute:
    """A TwiML attribute name and the option it is written as."""

    attribute: str  # as TwiML spells it: `maxLength`
    verb: Verb
    option: Option
    callback: bool = False  # `transcribeCallback`, `recordingStatusCallback`: the URL of the option
    part: str = "value"  # `method` or `events` for a callback's `...Method` and `...Event`


def _attributes() -> dict[str, tuple[Attribute, ...]]:
    """Each TwiML attribute whose name differs from its option's, by its
    normal form, with every verb that has it: every attribute the option
    writes (:attr:`flowc.vocabulary.Option.attributes`), so a callback's
    ``...Method`` and ``...Event`` are known too."""
    found: dict[str, list[Attribute]] = {}
    for verb in vocabulary.VERBS:
        for option in verb.options:
            for field, name, form in option.attributes:
                if name == option.name:
                    continue
                callback = form == "url"
                part = {"method": "method", "words": "events"}.get(form, "value")
                if option.shape is Shape.WORDS:
                    part = "value"  # `input`: the option's own words
                entry = Attribute(name, verb, option, callback, part)
                found.setdefault(_normal(name), []).append(entry)
                if field == option.field and option.field != option.name and _normal(field) != _normal(name):
                    found.setdefault(_normal(option.field), []).append(entry)
    return {key: tuple(items) for key, items in found.items()}


# Options of different verbs that mean the same thing under TwiML's different
# names: `<Dial timeLimit>` is what `<Record maxLength>` is, the longest the
# call part may last.
SAME_MEANING: tuple[frozenset[tuple[str, str]], ...] = (
    frozenset({("record", "max"), ("dial", "time-limit")}),
)


def counterpart(option: Option, verb: str) -> Option | None:
    """The option of ``verb`` that means what ``option`` (of another verb)
    means, from :data:`SAME_MEANING`, or one of the same name."""
    for group in SAME_MEANING:
        names = {name for _, name in group}
        if option.name in names:
            for owner, name in group:
                if owner == verb:
                    return _OPTIONS.get(verb, {}).get(name)
    return _OPTIONS.get(verb, {}).get(option.name)


ATTRIBUTES = _attributes()
_OPTIONS = {v.name: {o.name: o for o in v.options} for v in vocabulary.VERBS}


def attribute(word: str, verb: str | None = None) -> Attribute | None:
    """The TwiML attribute ``word`` is a form of (``maxLength``,
    ``max_length``, ``maxlength``), preferring ``verb``'s; ``None`` for a
    word that is not one, and for a near miss of the option's own name
    (``timelimit``), which reads as a misspelling."""
    found = ATTRIBUTES.get(_normal(word))
    if not found:
        return None
    best = next((a for a in found if a.verb.name == verb), found[0])
    option = best.option.name
    # A near miss of the option's own name (`timelimit`) on a verb that has
    # the option reads as a misspelling, which the syntax error names; on
    # another verb it is that verb's TwiML name all the same.
    if (
        word not in (best.attribute, best.option.field)
        and verb in (None, best.verb.name)
        and _normal(word) == _normal(option)
    ):
        return None
    return best
