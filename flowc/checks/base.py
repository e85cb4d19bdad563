"""What every check receives: the flows of the build and the graph over them."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .. import ir, vocabulary
from ..diagnostics import Fix, replace_span
from ..graph import CallGraph
from ..source import Span

DEFAULT_MAX_CALL_DURATION = 14400  # 4 hours: Twilio's default account setting
LONGEST_MAX_CALL_DURATION = 86400  # 24 hours: the longest an account can allow


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """``flows`` are the flows being checked; ``known`` maps every flow name a
    reference can resolve to (the build's files and, for a file checked
    alone, its neighbours) to its flow. References to ``unparsed`` flows are
    not reported: their files already carry an error."""

    flows: tuple[ir.Flow, ...]
    known: Mapping[str, ir.Flow]
    unparsed: frozenset[str] = frozenset()  # flows whose files did not parse
    _verbs: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @functools.cached_property
    def graph(self) -> CallGraph:
        return CallGraph(self.known.values(), self.known)

    def verbs(self, flow: ir.Flow) -> tuple[tuple[ir.Step, ir.Verb], ...]:
        """Every verb of a flow with its step, nested verbs included (computed once)."""
        found = self._verbs.get(id(flow))
        if found is None:
            found = self._verbs[id(flow)] = tuple(
                (step, verb) for step in flow.steps for verb in ir.walk(step.verbs)
            )
        return found


def max_call_duration(flow: ir.Flow) -> int:
    d = flow.settings.max_call_duration
    return (
        min(d.seconds, LONGEST_MAX_CALL_DURATION)
        if d is not None and d.seconds > 0
        else DEFAULT_MAX_CALL_DURATION
    )


def did_you_mean(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The "did you mean" hint for the choice most like ``word``, if any is at
    least ``cutoff`` alike (difflib's ratio)."""
    import difflib  # only needed when there is something to suggest; keeps start-up short

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"did you mean `{close[0]}`?" if close else None


def meant(word: str, choices, span: Span) -> tuple[str | None, tuple[Fix, ...]]:
    """The "did you mean" hint for ``word`` and its fix, which writes the
    suggestion over ``span``: the last ``len(word)`` characters of it, where
    a span (of a target, `-> word`) ends with the word. A word that differs
    from a choice only in case is that choice."""
    choices = list(choices)
    same = [c for c in choices if c.lower() == word.lower()]
    hint = f"did you mean `{same[0]}`?" if same else did_you_mean(word, choices)
    if hint is None or span.end_line != span.line or span.end_col - span.col < len(word):
        return hint, ()
    where = Span(span.file, span.line, span.end_col - len(word), span.line, span.end_col)
    return hint, (replace_span(where, hint.split("`")[1]),)


def allowed(values) -> str:
    values = [f"`{v}`" for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


_VALUE_FIELDS: dict[type[ir.Verb], tuple[str, ...]] = {}


def _value_fields(kind: type[ir.Verb]) -> tuple[str, ...]:
    found = _VALUE_FIELDS.get(kind)
    if found is None:
        found = _VALUE_FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(kind) if f.name not in ("span", "keyword", "body")
        )
    return found


def strings(verb: ir.Verb) -> Iterator[tuple[str, Span]]:
    """Every text a verb carries (texts, words, URLs) with its span."""
    pairs = (
        (*verb.values, ("action", verb.action))
        if isinstance(verb, ir.Element)
        else ((n, getattr(verb, n)) for n in _value_fields(type(verb)))
    )
    for _, value in pairs:
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, ir.Text):
                yield item.value, item.span
            elif isinstance(item, ir.Target):
                yield item.text, item.span
                if item.method is not None:
                    yield item.method.value, item.method.span


def options(verb: ir.Verb) -> Iterator[tuple[vocabulary.Option, object]]:
    """Each option a verb or noun was written with, and its value, by the vocabulary."""
    entry = vocabulary.BY_NAME.get(verb.name)
    for option in entry.options if entry is not None else ():
        value = verb.get(option.field)
        if value is not None and value != ():
            yield option, value


def values(verb: ir.Verb) -> Iterator[tuple[vocabulary.Value, object]]:
    """Each value (written without a keyword) of a generated element, by the vocabulary."""
    if isinstance(verb, ir.Element):
        for value in vocabulary.verb(verb.kind).values:
            found = verb.get(value.field)
            if found is not None:
                yield value, found
