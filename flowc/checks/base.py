"""What every check receives: the flows of the build, the graph over them and
what the checks look for in each flow (found once), and the helpers they share."""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
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
    not reported: their files already carry an error.

    What the checks look for in a flow (its verbs, by name, its targets, its
    texts) is found once, in one walk over its verbs, and shared by every
    check: a check asks for the verbs it judges (``ctx.verbs(flow, NAMES)``)
    and visits only those."""

    flows: tuple[ir.Flow, ...]
    known: Mapping[str, ir.Flow]
    unparsed: frozenset[str] = frozenset()  # flows whose files did not parse
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # id(flow) -> FlowIndex

    @functools.cached_property
    def graph(self) -> CallGraph:
        return CallGraph(self.known.values(), self.known)

    def index(self, flow: ir.Flow) -> FlowIndex:
        """The flow's :class:`FlowIndex` (computed once)."""
        found = self._index.get(id(flow))
        if found is None or found.flow is not flow:
            found = self._index[id(flow)] = FlowIndex(flow)
        return found

    def verbs(self, flow: ir.Flow, names: Container[str] | None = None) -> Sequence[tuple[ir.Step, ir.Verb]]:
        """Every verb of a flow with its step, nested verbs included, in the
        order they are written; with ``names``, only the verbs (and nouns)
        called one of them (`record`, `conference`)."""
        index = self.index(flow)
        return index.verbs if names is None else index.named(names)

    def targets(self, flow: ir.Flow) -> tuple[ir.Target, ...]:
        """Every target of a flow's verbs, in order: each verb's ``->``
        (:func:`ir.targets`), then its callbacks (:func:`ir.callbacks`)."""
        return self.index(flow).targets

    def branch_steps(self, flow: ir.Flow) -> tuple[ir.Step, ...]:
        """The flow's branch steps (:attr:`ir.Step.is_branch`), in order."""
        return self.index(flow).branch_steps

    def strings(self, flow: ir.Flow) -> tuple[tuple[str, Span], ...]:
        """Every text a flow's verbs carry (texts, words, URLs and the
        methods of targets) with its span, verb by verb."""
        return self.index(flow).strings


class FlowIndex:
    """What the checks look for in one flow, found once (see :class:`CheckContext`)."""

    __slots__ = ("_strings", "_targets", "branch_steps", "by_name", "flow", "verbs")

    def __init__(self, flow: ir.Flow) -> None:
        self.flow = flow
        verbs: list[tuple[ir.Step, ir.Verb]] = []
        by_name: dict[str, list[int]] = {}  # a verb's name -> where its verbs are in `verbs`

        def add(step: ir.Step, body: tuple[ir.Verb, ...]) -> None:
            for verb in body:
                at = by_name.get(verb.name)
                if at is None:
                    by_name[verb.name] = [len(verbs)]
                else:
                    at.append(len(verbs))
                verbs.append((step, verb))
                if verb.body:
                    add(step, verb.body)

        for step in flow.steps:
            add(step, step.verbs)
        self.verbs = tuple(verbs)
        self.by_name = by_name
        # a branch step holds a `when` or an `otherwise`: without one, no step is
        self.branch_steps = (
            tuple(step for step in flow.steps if step.is_branch)
            if "when" in by_name or "otherwise" in by_name
            else ()
        )
        self._targets: tuple[ir.Target, ...] | None = None
        self._strings: tuple[tuple[str, Span], ...] | None = None

    def named(self, names: Container[str]) -> Sequence[tuple[ir.Step, ir.Verb]]:
        """The verbs called one of ``names``, in the order they are written."""
        found = [at for name, at in self.by_name.items() if name in names]
        if not found:
            return ()
        verbs = self.verbs
        if len(found) == 1:
            return [verbs[i] for i in found[0]]
        return [verbs[i] for i in sorted([i for at in found for i in at])]

    @property
    def targets(self) -> tuple[ir.Target, ...]:
        if self._targets is None:
            self._targets, self._strings = self._read_values()
        return self._targets

    @property
    def strings(self) -> tuple[tuple[str, Span], ...]:
        if self._strings is None:
            self._targets, self._strings = self._read_values()
        return self._strings

    def _read_values(self) -> tuple[tuple[ir.Target, ...], tuple[tuple[str, Span], ...]]:
        """Find the targets and the texts of every verb, in one pass over their values."""
        targets: list[ir.Target] = []
        strings: list[tuple[str, Span]] = []
        for _, verb in self.verbs:
            values: Iterable[object]
            if isinstance(verb, ir.Element):
                values = [value for _, value in verb.values]
                values.append(verb.action)
            else:
                values = _value_fields(type(verb))(verb)
            held = 0  # the targets among its values
            for value in values:
                if value is None:
                    continue
                for item in value if isinstance(value, tuple) else (value,):
                    if isinstance(item, ir.Text):
                        strings.append((item.value, item.span))
                    elif isinstance(item, _TARGETS):
                        strings.append((item.text, item.span))
                        if item.method is not None:
                            strings.append((item.method.value, item.method.span))
                        held += 1
            own = ir.targets(verb)
            targets += own
            # Its callbacks are targets among its values besides those: when
            # there are no others, it has none.
            if held > len(own):
                targets += ir.callbacks(verb)
        return tuple(targets), tuple(strings)


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


_TARGETS = (ir.StepTarget, ir.UrlTarget)  # a tuple: isinstance is faster with it than with the union
_VALUE_FIELDS: dict[type[ir.Verb], Callable[[ir.Verb], tuple]] = {}


def _value_fields(kind: type[ir.Verb]) -> Callable[[ir.Verb], tuple]:
    """What reads the values of a typed verb: each of its fields but its span, keyword and body."""
    found = _VALUE_FIELDS.get(kind)
    if found is None:
        names = [f.name for f in dataclasses.fields(kind) if f.name not in ("span", "keyword", "body")]
        if len(names) > 1:
            found = operator.attrgetter(*names)
        elif names:
            one = operator.attrgetter(names[0])
            found = lambda verb: (one(verb),)  # noqa: E731
        else:
            found = lambda verb: ()  # noqa: E731
        _VALUE_FIELDS[kind] = found
    return found


def option_table(concerns: Callable[[vocabulary.Option], bool]) -> dict[str, tuple[vocabulary.Option, ...]]:
    """The options of each verb and noun that ``concerns`` picks, in the
    vocabulary's order, by the verb's name (those with none are left out):
    a check that judges some options visits only ``ctx.verbs(flow, TABLE)``."""
    table = {}
    for entry in vocabulary.VERBS:
        found = tuple(option for option in entry.options if concerns(option))
        if found:
            table[entry.name] = found
    return table


def value_table(concerns: Callable[[vocabulary.Value], bool]) -> dict[str, tuple[vocabulary.Value, ...]]:
    """The same for the values (written without a keyword) of the elements
    the vocabulary generates (:class:`ir.Element`); a typed verb's values
    are judged by the checks that know it."""
    typed = ir.verb_classes()
    table = {}
    for entry in vocabulary.VERBS:
        found = tuple(value for value in entry.values if concerns(value))
        if found and entry.name not in typed:
            table[entry.name] = found
    return table
