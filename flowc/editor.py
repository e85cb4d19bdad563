"""What an editor needs to know about flow files: hover texts, completions,
step definitions and references, renames.

Everything here works on plain data (text, IR, spans) and knows nothing of
the editor protocol; :mod:`flowc.lsp` wires it to a language server.
Lines and columns are 0-based here, as in editors, and count code points.

The hover texts come from one table, :data:`KEYWORDS`: a description, the
accepted values and Twilio's default are written here, and the TwiML element
and attribute names are taken from the TwiML backend's own table, so a hover
always names the attribute flowc really writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import ir, vocabulary
from .project import FLOW_SUFFIX, read
from .source import SourceFile, Span, split_lines
from .syntax.incremental import IncrementalParser
from .vocabulary import Shape

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# ---- the keyword table -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Keyword:
    word: str  # as written
    verb: str | None  # the verb whose option it is; None for verbs, settings and structure
    syntax: str
    summary: str
    fields: tuple[str, ...] = ()  # IR fields, mapped to TwiML attributes through the vocabulary
    values: str = ""
    default: str = ""
    element: str | None = None  # for verbs: the TwiML element

    def attributes(self) -> tuple[str, ...]:
        table = vocabulary.BY_NAME.get(self.verb or self.word)
        names: list[str] = []
        for field in self.fields:
            if field == "action":
                names += ["action", "method"]
            elif field == "method":
                names.append("method")
            elif field == "content" and table is not None:
                names.append(f"<{self.element or table.element}> content")
            elif table is not None:
                names += [attr for f, attr, _ in table.attributes if f == field and attr not in names]
        return tuple(names)

    def markdown(self) -> str:
        parts = [f"```flow\n{self.syntax}\n```", self.summary]
        rows = []
        if self.element:
            rows.append(f"**TwiML:** `<{self.element}>`")
        attributes = self.attributes()
        if attributes:
            rows.append("**TwiML attribute:** " + ", ".join(f"`{a}`" for a in attributes))
        if self.values:
            rows.append(f"**Accepts:** {self.values}")
        if self.default:
            rows.append(f"**Twilio's default:** {self.default}")
        if rows:
            parts.append("  \n".join(rows))
        return "\n\n".join(parts)


VERBS = tuple(v.name for v in vocabulary.ELEMENTS)
NOUNS = tuple(v.name for v in vocabulary.NOUNS)
BRANCHES = tuple(v.name for v in vocabulary.BRANCH_LINES)
LINE_WORDS = VERBS + NOUNS + BRANCHES  # what may start a line in a step (nouns: in a verb's block)


def _verb_keywords(verb: vocabulary.Verb) -> list[Keyword]:
    """The hover texts of a verb: itself, its keyworded values, its options
    and the words they take, and its `->`."""
    name = verb.name
    found = [
        Keyword(
            name,
            None,
            verb.syntax,
            verb.summary,
            verb.hover_fields,
            verb.accepts,
            verb.default,
            element=verb.element,
        )
    ]
    switches = [o for o in verb.options if o.shape is Shape.SWITCH]
    for o in verb.options:
        found.append(Keyword(o.name, name, o.syntax, o.summary, o.fields, o.accepts, o.default))
        if o.word:
            found.append(Keyword(o.word, name, f"{o.name} {o.word}", o.word_summary, (o.field,)))
        if o.shape is Shape.CALLBACK and o.events:  # `on EVENT ...`, where the callback has events
            found.append(
                Keyword(
                    vocabulary.EVENTS,
                    name,
                    f"{vocabulary.EVENTS} EVENT ...",
                    o.events_summary,
                    (f"{o.field}_events",),
                    ", ".join(f"`{e}`" for e in o.events) + ", each once",
                    o.events_default,
                )
            )
        if o is switches[-1] if switches else False:
            found.append(
                Keyword(
                    vocabulary.NEGATION,
                    name,
                    " | ".join(f"{vocabulary.NEGATION} {s.name}" for s in switches),
                    "Turns " + " or ".join(f"`{s.name}`" for s in switches) + " off.",
                    tuple(s.field for s in switches),
                )
            )
    for value in verb.values:
        if value.keyword:
            syntax = (
                f"{name} {value.keyword} {value.placeholder}"
                if name == "play"
                else (f"{value.keyword} {value.placeholder}")
            )
            found.append(
                Keyword(
                    value.keyword, name, syntax, value.summary, (value.field,), value.accepts, value.default
                )
            )
    if verb.arrow is not None:
        a = verb.arrow
        found.append(Keyword("->", name, a.syntax, a.summary, a.fields, a.accepts, a.default))
    return found


KEYWORDS: tuple[Keyword, ...] = (
    *(k for verb in vocabulary.VERBS for k in _verb_keywords(verb)),
    *(Keyword(s.name, None, s.syntax, s.summary) for s in vocabulary.STRUCTURE),
    *(
        Keyword(s.name, None, s.syntax, s.summary, values=s.accepts, default=s.default)
        for s in vocabulary.SETTINGS
    ),
)

_BY_WORD: dict[tuple[str | None, str], Keyword] = {(k.verb, k.word): k for k in KEYWORDS}
SETTINGS = tuple(s.name for s in vocabulary.SETTINGS)
OPTIONS: dict[str, tuple[str, ...]] = {
    verb: tuple(
        k.word for k in KEYWORDS if k.verb == verb and k.word not in ("off", "no", "on", "auto", "->")
    )
    for verb in LINE_WORDS
}


def _value_words() -> dict[tuple[str | None, str], tuple[str, ...]]:
    """The words that may follow a keyword, from the vocabulary."""
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for verb in vocabulary.VERBS:
        for value in verb.values:
            if value.choices:
                found[(verb.name, verb.name)] = tuple(sorted(value.choices))
        switches = tuple(o.name for o in verb.options if o.shape is Shape.SWITCH)
        if switches:
            found[(verb.name, vocabulary.NEGATION)] = switches
        for o in verb.options:
            if o.values:
                found[(verb.name, o.name)] = o.values
            if o.word:
                found[(verb.name, o.name)] = (o.word,)
            if o.events:
                found[(verb.name, vocabulary.EVENTS)] = o.events
    for setting in vocabulary.SETTINGS:
        if setting.values:
            found[(None, setting.name)] = setting.values
    return found


VALUE_WORDS = _value_words()


def keyword(verb: str | None, word: str) -> Keyword | None:
    return _BY_WORD.get((verb, word))


def _known(verb: str | None, word: str) -> Keyword:
    """The entry of a word the tables list (a verb, a setting, an option of the verb)."""
    return _BY_WORD[(verb, word)]


# ---- words of a line ---------------------------------------------------------------------

_PIECES = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*"?)'
    r"|(?P<comment>#.*)"
    r"|(?P<arrow>->)"
    r"|(?P<word>[^\s\"#]+(?:#[^\s\"]*)?)"
)


@dataclass(frozen=True, slots=True)
class Word:
    kind: str  # string, comment, arrow, word
    text: str
    start: int  # 0-based columns, end exclusive
    end: int


def words(line: str) -> list[Word]:
    """The pieces of a line: strings, a comment, `->` and other words."""
    out = []
    for m in _PIECES.finditer(line):
        kind = m.lastgroup
        if kind is None:  # every alternative of _PIECES is a named group
            continue
        if kind == "word" and m.group().endswith(":") and len(m.group()) > 1:
            out.append(Word(kind, m.group()[:-1], m.start(), m.end() - 1))
            continue
        out.append(Word(kind, m.group(), m.start(), m.end()))
        if kind == "comment":
            break
    return out


def _code(line: str) -> list[Word]:
    return [w for w in words(line) if w.kind != "comment"]


def _at(items: list[Word], col: int) -> Word | None:
    for w in items:
        if w.start <= col < w.end or (col == w.end and w.kind in ("word", "arrow")):
            return w
    return None


def _line_verb(items: list[Word]) -> str | None:
    if items and items[0].kind == "word" and items[0].text in LINE_WORDS:
        return items[0].text
    return None


def _block_of(lines: list[str], line: int) -> str | None:
    """The verb or noun whose block the line at ``line`` is written in, if any."""
    indent = len(lines[line]) - len(lines[line].lstrip(" \t"))
    for above in range(line - 1, -1, -1):
        text = lines[above]
        code = text.strip()
        if not code or code.startswith("#"):
            continue
        if len(text) - len(text.lstrip(" \t")) < indent:
            items = _code(text)
            return _line_verb(items)
    return None


def _after_arrow(items: list[Word], word: Word) -> bool:
    before = [w for w in items if w.end <= word.start]
    if not before:
        return False
    if before[-1].kind == "arrow":
        return True
    return len(before) > 1 and before[-2].kind == "arrow" and before[-1].text in ("GET", "POST")


_LAST_SPLIT: tuple[str, list[str]] = ("", [""])


def _split(text: str) -> list[str]:
    """``split_lines(text)``, kept for the last text asked: the requests of
    one version of a file ask for its lines again and again."""
    global _LAST_SPLIT
    last = _LAST_SPLIT
    if last[0] is text:
        return last[1]
    lines = split_lines(text)
    _LAST_SPLIT = (text, lines)
    return lines


# (verb, callback option) -> the hover of the `on` that lists its events.
_EVENTS_OF = {
    (k.verb, o.name): k
    for k in KEYWORDS
    if k.word == vocabulary.EVENTS and k.verb is not None
    for o in vocabulary.verb(k.verb).options
    if o.shape is Shape.CALLBACK and o.events and k.fields == (f"{o.field}_events",)
}


def hover(text: str, line: int, col: int) -> tuple[Keyword, Word] | None:
    """The keyword under the cursor and where it is written."""
    lines = _split(text)
    if not 0 <= line < len(lines):
        return None
    items = _code(lines[line])
    word = _at(items, col)
    if word is None or word.kind == "string":
        return None
    verb = _line_verb(items)
    first = items[0]
    if word is first:
        if verb is not None:
            return _known(None, verb), word
        if word.text in ("flow", "step", *SETTINGS):
            return _known(None, word.text), word
        return None
    if verb is None or _after_arrow(items, word):
        return None
    if word.kind == "arrow":
        found = keyword(verb, "->")
        return (found, word) if found else None
    previous = items[items.index(word) - 1]
    if verb == "play" and word.text == "digits" and previous is first:
        return _known("play", "digits"), word
    if verb == "record" and previous is first and word.text not in OPTIONS["record"] and word.text != "no":
        return None  # a label
    if word.text == vocabulary.EVENTS:
        # `on` belongs to the callback written before it (`status /s on …`, `recording-status …`)
        for before in reversed(items[: items.index(word)]):
            events = _EVENTS_OF.get((verb, before.text))
            if events is not None:
                return events, word
    found = keyword(verb, word.text)
    value_word = previous is not first and previous.text in ("voice", "language", "input", "hints")
    if found is None or previous.kind == "word" and value_word:
        return None  # a value, not an option
    return found, word


# ---- flows beside a file -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parsed:
    """A flow file as the editor sees it. While the file has syntax errors,
    ``flow`` is the partial flow (what did parse) and ``skipped`` holds the
    lines (1-based) that did not."""

    path: str
    source: SourceFile
    flow: ir.Flow | None
    complete: bool = True  # no syntax error
    skipped: frozenset[int] = frozenset()
    diagnostics: tuple = ()  # the syntax errors

    def line(self, number: int) -> str:
        """The text of a line (1-based) as written."""
        return self.source.line_text(number)


def _parsed(path: str, source: SourceFile) -> Parsed:
    parser = _PARSERS.get(path)
    if parser is None:
        parser = _PARSERS.setdefault(path, IncrementalParser())
    result = parser.parse(source)
    assert result is not None  # not cancellable without ``cancelled``
    return Parsed(path, source, result.flow, result.complete, result.skipped, tuple(result.diagnostics))


# Each file's parser keeps the pieces of its last version, so that the next
# version parses only what changed; the last result is kept by what it was
# parsed from. Both are shared by the requests and the checks of the language
# server, which run on different threads (dict operations are atomic, and a
# parser parses one version at a time).
_PARSERS: dict[str, IncrementalParser] = {}
_PARSED: dict[str, tuple[object, Parsed]] = {}  # path -> (what it was parsed from, result)


def parse_text(path: str, text: str) -> Parsed:
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == text:
        return cached[1]
    parsed = _parsed(path, SourceFile(path, text))
    _PARSED[path] = (text, parsed)
    return parsed


def parse_source(source: SourceFile, cancelled: Callable[[], bool] | None = None) -> Parsed | None:
    """:func:`parse_text` of a :class:`SourceFile`, keeping the file's line
    table; ``None`` when ``cancelled()`` turned true before it was done."""
    path, text = source.path, source.text
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == text:
        return cached[1]
    parser = _PARSERS.get(path)
    if parser is None:
        parser = _PARSERS.setdefault(path, IncrementalParser())
    result = parser.parse(source, cancelled)
    if result is None:
        return None
    parsed = Parsed(path, source, result.flow, result.complete, result.skipped, tuple(result.diagnostics))
    _PARSED[path] = (text, parsed)
    return parsed


def forget(path: str) -> None:
    """Drop what is kept of a file (closed in the editor)."""
    _PARSERS.pop(path, None)
    _PARSED.pop(path, None)


def _parse_file(path: str) -> Parsed | None:
    """A file on disk, parsed again only when its size or time changes."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    source, _ = read(path)
    if source is None:
        return None
    parsed = _parsed(path, source)
    _PARSED[path] = (key, parsed)
    return parsed


def siblings(path: str, texts: Mapping[str, str]) -> list[Parsed]:
    """Every flow file in the directory of ``path`` (``path`` itself first),
    each from ``texts`` when it is open in the editor, else from disk."""
    own = texts.get(path)
    if own is not None:
        out = [parse_text(path, own)]
    else:
        out = [_parse_file(path) or Parsed(path, SourceFile(path, ""), None)]
    directory = os.path.dirname(path)
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    for name in names:
        full = os.path.join(directory, name)
        if not name.endswith(FLOW_SUFFIX) or full == path or not os.path.isfile(full):
            continue
        parsed = parse_text(full, texts[full]) if full in texts else _parse_file(full)
        if parsed is not None:
            out.append(parsed)
    return out


# ---- steps: where they are defined and referenced -------------------------------------------
#
# While a file has syntax errors its flow is partial: the lines that did not
# parse are left out (or stand in as `pause`), and a broken `step` line is
# repaired into the header it was meant to be, its name possibly moved. So a
# reference is only taken from a line that parsed, and a step's name only
# from where it is written on its line.


@dataclass(frozen=True, slots=True)
class Place:
    """A range in a file: 0-based line, start and end columns."""

    path: str
    line: int
    start: int
    end: int


def _place(span: Span) -> Place:
    return Place(span.file, span.line - 1, span.col - 1, span.end_col - 1)


def _word(name: str) -> re.Pattern[str]:
    """``name`` as a word: not part of a longer name."""
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")


def _written(parsed: Parsed, span: Span, name: str) -> Place | None:
    """Where ``name`` (parsed at ``span``) is written: the span itself on a
    line that parsed; on a repaired line, the name where it stands on that
    line, if it stands there once."""
    if span.line not in parsed.skipped:
        return _place(span)
    found = list(_word(name).finditer(parsed.line(span.line)))
    if len(found) != 1:
        return None
    return Place(span.file, span.line - 1, found[0].start(), found[0].end())


def steps(parsed: Parsed) -> list[tuple[ir.Step, Place]]:
    """The steps of a file with step headers, each with where its name is
    written; a step whose name cannot be found on its line is left out."""
    flow = parsed.flow
    if flow is None or not _has_headers(flow):
        return []
    out = []
    for step in flow.steps:
        place = _written(parsed, step.name_span, step.name)
        if place is not None:
            out.append((step, place))
    return out


def outline(parsed: Parsed) -> list[tuple[ir.Step, Place]]:
    """The steps for an outline: :func:`steps`, or the one step of a file
    without step headers, named at its first verb."""
    flow = parsed.flow
    if flow is not None and flow.steps and not _has_headers(flow):
        return [(flow.steps[0], _place(flow.steps[0].name_span))]
    return steps(parsed)


def flow_place(parsed: Parsed) -> Place | None:
    """Where the flow is named: its `flow` line, else the start of the file
    (``None`` when nothing of the file parsed)."""
    flow = parsed.flow
    if flow is None:
        return None
    written = _written(parsed, flow.name_span, flow.name) if flow.declared else None
    return written or _place(flow.name_span)


def _step_targets(parsed: Parsed) -> Iterable[ir.StepTarget]:
    """The step references of the lines that parsed."""
    if parsed.flow is None:
        return
    for step in parsed.flow.steps:
        for verb in ir.walk(step.verbs):
            for target in (*ir.targets(verb), *ir.callbacks(verb)):
                if isinstance(target, ir.StepTarget) and target.span.end_line not in parsed.skipped:
                    yield target


def _target_places(target: ir.StepTarget) -> tuple[Place, Place]:
    """The whole reference (`name` or `flow.name`) and its step part."""
    span = target.span
    whole = Place(span.file, span.end_line - 1, span.end_col - 1 - len(target.text), span.end_col - 1)
    return whole, Place(span.file, whole.line, whole.end - len(target.step), whole.end)


def _has_headers(flow: ir.Flow) -> bool:
    return bool(flow.steps) and not (
        len(flow.steps) == 1 and flow.steps[0].name_span == flow.steps[0].verbs[0].keyword
    )


def step_at(parsed: Parsed, line: int, col: int) -> tuple[str, str, Place] | None:
    """(flow, step, range under the cursor) when the cursor is on a step
    header's name or on a step reference."""
    flow = parsed.flow
    if flow is None:
        return None

    def inside(place: Place) -> bool:
        return place.line == line and place.start <= col <= place.end

    for step, place in steps(parsed):
        if inside(place):
            return flow.name, step.name, place
    for target in _step_targets(parsed):
        whole, step_part = _target_places(target)
        if inside(whole):
            return target.flow or flow.name, target.step, step_part
    return None


def flow_at(parsed: Parsed, line: int, col: int) -> str | None:
    """The flow name when the cursor is on the `flow` part of `flow.step`."""
    if parsed.flow is None:
        return None
    for target in _step_targets(parsed):
        if target.flow is not None:
            whole, _ = _target_places(target)
            if whole.line == line and whole.start <= col < whole.start + len(target.flow):
                return target.flow
    return None


def find_flow(flows: list[Parsed], name: str) -> Parsed | None:
    return next((p for p in flows if p.flow is not None and p.flow.name == name), None)


def definition(flows: list[Parsed], flow_name: str, step_name: str) -> Place | None:
    found = find_flow(flows, flow_name)
    if found is None:
        return None
    return next((place for step, place in steps(found) if step.name == step_name), None)


def references(
    flows: list[Parsed], flow_name: str, step_name: str, *, step_part: bool = False
) -> list[Place]:
    """Every reference to the step, in all the flows given (on the lines
    that parsed)."""
    out = []
    for parsed in flows:
        if parsed.flow is None:
            continue
        for target in _step_targets(parsed):
            if target.step == step_name and (target.flow or parsed.flow.name) == flow_name:
                whole, part = _target_places(target)
                out.append(part if step_part else whole)
    return out


class RenameRefused(Exception):
    pass


def _name_unsure(parsed: Parsed) -> bool:
    """Whether the flow's name may not be the one the file means: its `flow`
    line did not parse, or a line before the first step did not."""
    flow = parsed.flow
    if parsed.complete or flow is None:
        return False
    if flow.declared:
        return flow.name_span.line in parsed.skipped
    first = flow.steps[0].span.line if flow.steps else float("inf")
    return any(line < first for line in parsed.skipped)


def _mentions(parsed: Parsed, pattern: re.Pattern[str]) -> int | None:
    """The first line that did not parse and holds ``pattern``."""
    return next((n for n in sorted(parsed.skipped) if pattern.search(parsed.line(n))), None)


def rename_blocker(flows: list[Parsed], flow_name: str, step_name: str) -> str | None:
    """Why the step cannot be renamed while files have syntax errors, or
    ``None``: a line that did not parse may refer to it, and would keep the
    old name."""
    found = find_flow(flows, flow_name)
    for parsed in flows:
        if parsed.complete or parsed.flow is None:
            continue
        name = os.path.basename(parsed.path)
        if parsed is found:
            if _name_unsure(parsed):
                return (
                    f"the `flow` line of {name} does not parse, so references to `{flow_name}.{step_name}` "
                    "from other flows cannot be found: fix the syntax error first"
                )
            mention, shown = _word(step_name), step_name
        else:
            mention, shown = _word(f"{flow_name}.{step_name}"), f"{flow_name}.{step_name}"
        line = _mentions(parsed, mention)
        if line is not None:
            return (
                f"line {line} of {name} does not parse and mentions `{shown}`: "
                "fix the syntax error first, or that line would keep the old name"
            )
    return None


def rename(
    flows: list[Parsed], flow_name: str, step_name: str, new: str
) -> dict[str, list[tuple[Place, str]]]:
    """The edits (per file) that rename a step and every reference to it.

    While files have syntax errors the rename works on what parsed, and is
    refused when a line that did not parse may refer to the step or define
    a step of the new name (see :func:`rename_blocker`)."""
    if not IDENTIFIER.match(new):
        raise RenameRefused(
            f"`{new}` is not a step name: use letters, digits and _, not starting with a digit"
        )
    found = find_flow(flows, flow_name)
    if found is None or found.flow is None or found.flow.step(step_name) is None:
        raise RenameRefused(f"there is no step `{step_name}` in flow `{flow_name}`")
    if not _has_headers(found.flow):
        raise RenameRefused("this flow has no step headers: its one step is always called `main`")
    if new != step_name and found.flow.step(new) is not None:
        raise RenameRefused(f"flow `{flow_name}` already has a step `{new}`")
    same = next(
        (s.name for s in found.flow.steps if s.name != step_name and s.name.lower() == new.lower()), None
    )
    if same is not None:
        raise RenameRefused(
            f"flow `{flow_name}` already has a step `{same}`: step names that differ only in case "
            "would collide on case-insensitive file systems"
        )
    blocker = rename_blocker(flows, flow_name, step_name)
    if blocker is not None:
        raise RenameRefused(blocker)
    clash = _mentions(found, _word(new)) if new != step_name else None
    if clash is not None:
        raise RenameRefused(
            f"line {clash} of {os.path.basename(found.path)} does not parse and mentions `{new}`, "
            f"which may be a step of that name: fix the syntax error first"
        )
    declared = definition(flows, flow_name, step_name)
    if declared is None:
        raise RenameRefused(f"the `step` line of `{step_name}` does not parse: fix the syntax error first")
    edits: dict[str, list[tuple[Place, str]]] = {}
    for place in (declared, *references(flows, flow_name, step_name, step_part=True)):
        edits.setdefault(place.path, []).append((place, new))
    return edits


# ---- completion ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: str  # keyword, step, flow, value
    detail: str = ""
    documentation: str = ""


def _keyword_item(k: Keyword, label: str | None = None) -> Completion:
    return Completion(label or k.word, "keyword", k.syntax.split("\n")[0], k.markdown())


def _in_settings(lines: list[str], line: int) -> bool:
    for number in range(line - 1, -1, -1):
        text = lines[number].rstrip("\r")
        stripped = text.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        if text == stripped:  # not indented
            return stripped.split()[0] == "flow"
        if stripped.split()[0] not in SETTINGS:
            return False
    return False


def complete(text: str, line: int, col: int, flows: list[Parsed]) -> list[Completion]:
    """What may be written at the cursor."""
    lines = _split(text)
    if not 0 <= line < len(lines):
        return []
    before = lines[line][:col]
    items = _code(before)
    if any(w.kind == "comment" for w in words(before)) or (
        items and items[-1].kind == "string" and not items[-1].text.endswith('"')
    ):
        return []
    typing = bool(before) and not before[-1].isspace() and items and items[-1].kind == "word"
    done = items[:-1] if typing else items
    indented = before[: len(before) - len(before.lstrip(" \t"))] != ""
    if not done:
        if indented and _in_settings(lines, line):
            return [_keyword_item(_known(None, s)) for s in SETTINGS]
        holder = vocabulary.BY_NAME.get(_block_of(lines, line) or "") if indented else None
        if holder is not None and holder.children:  # the lines its block may hold
            return [_keyword_item(_known(None, v)) for v in holder.children]
        found = [_keyword_item(_known(None, v)) for v in LINE_WORDS]
        if not indented:
            found += [_keyword_item(_known(None, "step")), _keyword_item(_known(None, "flow"))]
        return found
    arrow = next((i for i, w in enumerate(done) if w.kind == "arrow"), None)
    if arrow is not None:
        after = done[arrow + 1 :]
        if len(after) > 1 or (after and after[0].text not in ("GET", "POST")):
            return []
        methods = not after and _line_verb(done) not in BRANCHES
        return _targets(text, flows, typing and items[-1].text or "", methods=methods)
    verb = _line_verb(done)
    last = done[-1].text if done[-1].kind == "word" else None
    if verb is None:
        values = VALUE_WORDS.get((None, done[0].text)) if len(done) == 1 else None
        return [Completion(v, "value") for v in values or ()]
    values = VALUE_WORDS.get((verb, last)) if last is not None else None
    if values:
        return [Completion(v, "value") for v in values]
    written = {w.text for w in done}
    found = [_keyword_item(_known(verb, o)) for o in OPTIONS[verb] if o not in written]
    arrow_entry = keyword(verb, "->")
    if arrow_entry is not None:
        found.append(_keyword_item(arrow_entry))
    return found


_STEP_LINE = re.compile(r"^step[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*:", re.MULTILINE)
_FLOW_LINE = re.compile(r"^flow[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:#.*)?\r?$", re.MULTILINE)


def _targets(text: str, flows: list[Parsed], typed: str, methods: bool) -> list[Completion]:
    # The text being typed rarely parses: its steps are those of its partial
    # flow and those of the `step` lines written so far.
    header = _FLOW_LINE.search(text)
    own = header.group(1) if header else (flows[0].source.stem if flows else "")
    out = []
    if methods:
        out += [Completion(m, "keyword", "HTTP method") for m in ("GET", "POST")]
    names = [(text.count("\n", 0, m.start()), m.group(1)) for m in _STEP_LINE.finditer(text)]
    if flows:
        names += [(place.line, step.name) for step, place in steps(flows[0])]
    out += [
        Completion(name, "step", f"step of flow {own}")
        for name in dict.fromkeys(name for _, name in sorted(names))
    ]
    for parsed in flows[1:]:
        flow = parsed.flow
        if flow is None or flow.name == own or _name_unsure(parsed):
            continue
        written = steps(parsed)
        if not written:
            continue
        out.append(Completion(f"{flow.name}.", "flow", f"flow {flow.name}, {os.path.basename(parsed.path)}"))
        out += [Completion(f"{flow.name}.{s.name}", "step", f"step of flow {flow.name}") for s, _ in written]
    if "." in typed:
        prefix = typed.split(".")[0] + "."
        out = [c for c in out if c.label.startswith(prefix) and c.label != prefix]
    return out


def typed_start(line: str, col: int) -> int:
    """Where the word being typed at ``col`` starts: the text a completion
    replaces (letters, digits, `_`, `-` and the `.` of `flow.step`)."""
    start = col
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_-."):
        start -= 1
    return start


# ---- hover beyond keywords ----------------------------------------------------------------------


def hover_text(path: str, text: str, line: int, col: int, flows: list[Parsed]) -> tuple[str, Place] | None:
    """The hover at the cursor, as Markdown, and the range it is about: a
    keyword (:func:`hover`), a step reference or header, a recording's
    label, and on a line that did not parse, what the word would be and
    the syntax error of the line."""
    found = hover(text, line, col)
    parsed = flows[0] if flows else None
    broken = parsed is not None and (line + 1) in parsed.skipped
    if found is not None and not broken:
        entry, word = found
        return entry.markdown(), Place(path, line, word.start, word.end)
    if parsed is not None and not broken:
        step = _step_hover(flows, line, col)
        if step is not None:
            return step
    lines = _split(text)
    if not 0 <= line < len(lines):
        return None
    items = _code(lines[line])
    under = _at(items, col)
    if under is None:
        return None
    word = under
    place = Place(path, line, word.start, word.end)
    if not broken:
        verb = _line_verb(items)
        if verb == "record" and len(items) > 1 and word is items[1] and word.kind == "word":
            return _LABEL, place
        return None
    parts = []
    if found is not None:
        parts.append(found[0].markdown())
    elif word.kind == "word":
        meant = next((k for k in KEYWORDS if k.word == word.text), None)
        if meant is not None:
            parts.append(meant.markdown())
    for d in parsed.diagnostics if parsed is not None else ():
        if d.span.line == line + 1:
            parts.append(
                f"**This line does not parse:** {d.message}" + (f"  \nhelp: {d.hint}" if d.hint else "")
            )
    return ("\n\n---\n\n".join(parts), place) if parts else None


_LABEL = (
    "```flow\nrecord LABEL [OPTION ...] [-> [METHOD] TARGET]\n```\n\n"
    "The recording's label: it names the recording in the flow and is not written to the TwiML."
)


def _step_hover(flows: list[Parsed], line: int, col: int) -> tuple[str, Place] | None:
    found = step_at(flows[0], line, col)
    if found is None:
        return None
    flow_name, step_name, place = found
    target = find_flow(flows, flow_name)
    step = target.flow.step(step_name) if target is not None and target.flow is not None else None
    if step is None:
        where = f"flow `{flow_name}` has no step `{step_name}`"
        return f"```flow\n{flow_name}.{step_name}\n```\n\n{where}.", place
    kind = "branch step" if step.is_branch else f"`{flow_name}/{step_name}.xml`"
    lines = [f"```flow\nstep {step_name}:\n```", f"Step `{step_name}` of flow `{flow_name}`: {kind}."]
    declared = definition(flows, flow_name, step_name)
    if declared is not None:
        lines.append(f"Defined on line {declared.line + 1} of {os.path.basename(declared.path)}.")
    return "\n\n".join(lines), place


# ---- semantic tokens -----------------------------------------------------------------------------

TOKEN_TYPES = ("keyword", "string", "comment", "number", "function", "namespace", "operator", "variable")
_KEYWORDS = frozenset(vocabulary.keywords()) | {"GET", "POST"}
_NUMBER = re.compile(r"(?:\d+[hms])+|\d+")


def semantic_tokens(text: str) -> list[tuple[int, int, int, str]]:
    """(line, start, length, type) of each word worth colouring: keywords,
    strings, comments, durations and numbers, `->`, step names (`function`),
    flow names (`namespace`) and recording labels (`variable`). Lines and
    columns are 0-based code points; a line that does not parse is coloured
    by its words all the same."""
    out = []
    for number, line in enumerate(split_lines(text)):
        items = words(line)
        code = [w for w in items if w.kind != "comment"]
        verb = _line_verb(code)
        first = code[0].text if code else ""
        for i, w in enumerate(items):
            kind = None
            if w.kind in ("comment", "string"):
                kind = w.kind
            elif w.kind == "arrow":
                kind = "operator"
            elif (i == 1 and first == "step") or (
                i and _after_arrow(code, w) and w.text not in ("GET", "POST") and IDENTIFIER.match(w.text)
            ):
                kind = "function"
            elif i == 1 and first == "flow":
                kind = "namespace"
            elif w.text in _KEYWORDS and not (i and _after_arrow(code, w) and w.text not in ("GET", "POST")):
                kind = "keyword"
            elif _NUMBER.fullmatch(w.text):
                kind = "number"
            elif i and _after_arrow(code, w) and re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", w.text):
                flow = w.text.split(".")[0]
                out.append((number, w.start, len(flow), "namespace"))
                out.append((number, w.start + len(flow) + 1, len(w.text) - len(flow) - 1, "function"))
                continue
            elif verb == "record" and i == 1 and IDENTIFIER.match(w.text):
                kind = "variable"
            if kind is not None:
                out.append((number, w.start, w.end - w.start, kind))
    return out
