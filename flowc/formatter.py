"""The canonical layout of flow files (``flowc fmt``).

The formatter parses the file, then writes it back from its IR, taking every
value's spelling from the source (strings, durations and URLs are copied as
written) and every comment from the line it was on. The canonical form:

- four spaces per indentation level; no trailing spaces; ``\\n`` line ends and
  one final newline;
- one space between the words of a line, two before a trailing comment;
- options in one order per verb (the order of :data:`OPTION_ORDER`, which is
  the vocabulary's), the ``->`` last;
- settings in the order ``max-call-duration``, ``context``, ``base-url``;
- quotes dropped where they are not needed: a quoted URL that can be written
  bare, a quoted voice or language that is a single word;
- exactly one blank line before each ``step``; elsewhere at most one blank
  line in a row, none at the start of a block;
- a comment on its own line takes the indentation of the line it precedes.

A file that does not parse is left alone: :func:`format_source` returns its
diagnostics instead. Before returning, the result is parsed again and
compared with the original, value for value and comment for comment; a
difference is a bug in flowc and raises :class:`FormatterBug` rather than
ever changing what a flow means.
"""

from __future__ import annotations

import dataclasses
import enum
import re

from . import ir, vocabulary
from .diagnostics import Diagnostic, Severity
from .source import SourceFile, Span, split_lines_keepends
from .syntax import parse
from .vocabulary import Shape

INDENT = "    "

# The options of each verb in canonical order: the vocabulary's.
OPTION_ORDER: dict[str, tuple[vocabulary.Option, ...]] = {v.name: v.options for v in vocabulary.VERBS}

_PATH = re.compile(r"/(?:[^\s\"]*[^\s\":])?")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"]*[^\s\":]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


class FormatterBug(Exception):
    """The formatted text would not mean what the original means."""


def format_source(source: SourceFile) -> tuple[str | None, list[Diagnostic]]:
    """The canonical text of ``source``, or ``None`` and the errors that keep
    it from parsing."""
    flow, found = parse(source)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if flow is None or errors:
        return None, errors or found
    text = _Layout(source, flow).text()
    again, problems = parse(SourceFile(source.path, text))
    if again is None or problems:
        raise FormatterBug(f"{source.path}: the formatted text does not parse: {problems}")
    if _meaning(again) != _meaning(flow):
        raise FormatterBug(f"{source.path}: the formatted text means something else")
    if sorted(comments(SourceFile(source.path, text), again)) != sorted(comments(source, flow)):
        raise FormatterBug(f"{source.path}: the formatted text lost or changed a comment")
    return text, []


def format_text(text: str, path: str = "<text>") -> tuple[str | None, list[Diagnostic]]:
    return format_source(SourceFile(path, text))


# ---- the meaning of a flow: its IR without positions ----------------------------------


def _meaning(value):
    if isinstance(value, Span):
        return None
    if dataclasses.is_dataclass(value):
        return (type(value).__name__,) + tuple(
            (f.name, _meaning(getattr(value, f.name)))
            for f in dataclasses.fields(value)
            if f.compare and not f.name.endswith("span") and f.name not in ("keyword", "path")
        )
    if isinstance(value, tuple):
        return tuple(_meaning(v) for v in value)
    return value


# ---- lines of the source -------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class _Line:
    kind: str  # flow, setting, step, verb, comment, blank
    level: int = 0
    code: str = ""  # canonical code, without the comment
    comment: str = ""  # "# ..." or ""
    opens: bool = False  # ends in ':' and opens a block
    indent: int = 0  # columns of indentation in the source
    order: int = 0  # settings: canonical rank


def _source_lines(source: SourceFile) -> list[str]:
    return list(source.lines)


def _code_ends(flow: ir.Flow) -> dict[int, int]:
    """Line → the column after the last token of code on it."""
    ends: dict[int, int] = {}

    def mark(span: Span) -> None:
        ends[span.line] = max(ends.get(span.line, 0), span.end_col)

    if flow.declared:
        mark(flow.name_span)
    settings = flow.settings
    for value in (settings.max_call_duration, *settings.contexts, settings.base_url):
        if value is not None:
            mark(value.span)
    for step in flow.steps:
        if not _bare(flow):
            mark(step.name_span)
        for verb in ir.walk(step.verbs):
            mark(verb.span)
    return ends


def comments(source: SourceFile, flow: ir.Flow) -> list[str]:
    """Every comment of the file, in order, without trailing blanks."""
    lines = _source_lines(source)
    ends = _code_ends(flow)
    found = []
    for number, line in enumerate(lines, 1):
        rest = line[ends[number] - 1 :] if number in ends else line
        rest = rest.strip(" \t")
        if number in ends and rest.startswith(":"):
            rest = rest[1:].lstrip(" \t")
        if rest:
            found.append(rest.rstrip(" \t"))
    return found


def _bare(flow: ir.Flow) -> bool:
    """Verbs written without a step header (the one step `main`)."""
    return len(flow.steps) == 1 and flow.steps[0].name_span == flow.steps[0].verbs[0].keyword


class _Layout:
    def __init__(self, source: SourceFile, flow: ir.Flow):
        self.source = source
        self.flow = flow
        self.lines = _source_lines(source)

    # -- values as written --

    def written(self, span: Span) -> str:
        line = self.lines[span.line - 1]
        end = span.end_col if span.end_line == span.line else len(line) + 1
        return line[span.col - 1 : end - 1]

    def url(self, target: ir.UrlTarget, literal: str | None = None) -> str:
        literal = self.written(target.span) if literal is None else literal
        if literal.startswith('"') and "\\" not in literal:
            inner = literal[1:-1]
            if _PATH.fullmatch(inner) or _ABSOLUTE.fullmatch(inner):
                return inner
        return literal

    def word_or_string(self, text: ir.Text) -> str:
        literal = self.written(text.span)
        if literal.startswith('"') and "\\" not in literal and _WORD.fullmatch(literal[1:-1]):
            return literal[1:-1]
        return literal

    def arrow(self, target: ir.Target) -> str:
        literal = self.written(target.span)
        literal = literal.removeprefix("->").lstrip(" \t")
        words = ["->"]
        if target.method is not None:
            words.append(target.method.value)
            literal = literal[len(target.method.value) :].lstrip(" \t")
        words.append(target.text if isinstance(target, ir.StepTarget) else self.url(target, literal))
        return " ".join(words)

    def option(self, verb: ir.Verb, option: vocabulary.Option) -> list[str]:
        """An option in canonical form, by its shape; ``[]`` when not written."""
        value = verb.get(option.field)
        if value is None or value == ():
            return []
        name, shape = option.name, option.shape
        if shape is Shape.SWITCH and isinstance(value, ir.Text):  # `beep onEnter`
            return [name, value.value]
        if shape is Shape.SWITCH:
            return [name] if value.on else [vocabulary.NEGATION, name]
        if shape is Shape.SWITCH_URL:
            callback = verb.get(f"{option.field}_callback")
            return [name] + ([self.url(callback)] if callback is not None else [])
        if shape is Shape.CALLBACK:
            words = [name]
            if value.method is not None:
                words.append(value.method.value)
            words.append(self.url(value))
            events = verb.get(f"{option.field}_events")
            if events:
                words += [vocabulary.EVENTS, *(e.value for e in events)]
            return words
        if shape is Shape.WORDS:
            return [name, *(w.value for w in value)]
        if shape is Shape.NUMBER:
            return [name, str(value.value)]
        if shape is Shape.TEXT:
            return [name, self.word_or_string(value)]
        if shape is Shape.URL:
            return [name, self.url(value)]
        if shape is Shape.DURATION_OR_OFF and self.written(value.span).startswith(name):
            return [name, "off"]  # `timeout off`: the span is the whole option
        return [name, self.written(value.span)]

    def values(self, element: ir.Element) -> list[str]:
        """A generated element's values, in the table's order, as written."""
        words = []
        for spec in vocabulary.verb(element.kind).values:
            value = element.get(spec.field)
            if value is None:
                continue
            if isinstance(value, ir.StepTarget):
                words.append(value.text)
            elif isinstance(value, ir.UrlTarget):
                words.append(self.url(value))
            elif isinstance(value, ir.Number):
                words.append(str(value.value))
            elif spec.shape in (Shape.TEXT, Shape.WORD):
                written = self.word_or_string(value)
                if written != self.written(value.span) and _a_flagged_name(element.kind, written):
                    written = self.written(value.span)  # `conference "statuss"`: quoted to say it is a name
                words.append(written)
            else:
                words.append(self.written(value.span))
        return words

    def verb(self, verb: ir.Verb) -> str:
        if isinstance(verb, ir.TextLine):  # a line of text in a `say` block
            return self.written(verb.text.span)
        words = [verb.name]
        if isinstance(verb, ir.Say):
            if verb.text is not None:
                words.append(self.written(verb.text.span))
        elif isinstance(verb, ir.Play):
            if verb.url is not None:
                words.append(self.url(verb.url))
            elif verb.digits is not None:
                words += ["digits", self.written(verb.digits.span)]
        elif isinstance(verb, ir.Pause):
            if verb.length is not None:
                words.append(self.written(verb.length.span))
        elif isinstance(verb, ir.Record):
            if verb.label is not None:
                words.append(verb.label.value)
        elif isinstance(verb, ir.Reject):
            if verb.reason is not None:
                words.append(verb.reason.value)
        elif isinstance(verb, ir.Dial):
            if verb.number is not None:
                words.append(self.written(verb.number.span))
        elif isinstance(verb, ir.Element):
            words += self.values(verb)
        elif isinstance(verb, ir.When):
            words += [verb.input, self.written(verb.value.span)]
        for option in OPTION_ORDER[verb.name]:
            words += self.option(verb, option)
        for target in ir.targets(verb):
            words.append(self.arrow(target))
        return " ".join(words)

    # -- lines --

    def code_lines(self) -> dict[int, _Line]:
        flow = self.flow
        out: dict[int, _Line] = {}
        if flow.declared:
            out[flow.name_span.line] = _Line("flow", 0, f"flow {flow.name}")
        settings = flow.settings
        if settings.max_call_duration is not None:
            value = settings.max_call_duration
            out[value.span.line] = _Line("setting", 1, f"max-call-duration {self.written(value.span)}")
        for context in settings.contexts:
            out[context.span.line] = _Line("setting", 1, f"context {context.value}", order=1)
        if settings.base_url is not None:
            out[settings.base_url.span.line] = _Line(
                "setting", 1, f"base-url {self.url(settings.base_url)}", order=2
            )
        if any(line.kind == "setting" for line in out.values()):
            out[flow.name_span.line].opens = True
        bare = _bare(flow)

        def verbs(items: tuple[ir.Verb, ...], level: int) -> None:
            for verb in items:
                out[verb.span.line] = _Line("verb", level, self.verb(verb), opens=bool(verb.body))
                verbs(verb.body, level + 1)

        for step in flow.steps:
            if bare:
                verbs(step.verbs, 0)
            else:
                out[step.name_span.line] = _Line("step", 0, f"step {step.name}:", opens=True)
                verbs(step.verbs, 1)
        return out

    def classify(self) -> list[_Line]:
        code = self.code_lines()
        ends = _code_ends(self.flow)
        result = []
        for number, line in enumerate(self.lines, 1):
            if number in code:
                item = code[number]
                rest = line[ends[number] - 1 :].strip(" \t")
                if rest.startswith(":"):
                    rest = rest[1:].lstrip(" \t")
                item.comment = rest.rstrip(" \t")
                item.indent = len(line) - len(line.lstrip(" \t"))
                result.append(item)
            elif line.strip(" \t"):
                stripped = line.lstrip(" \t")
                result.append(
                    _Line("comment", comment=stripped.rstrip(" \t"), indent=len(line) - len(stripped))
                )
            else:
                result.append(_Line("blank"))
        self._comment_levels(result)
        return self._sort_settings(result)

    @staticmethod
    def _comment_levels(lines: list[_Line]) -> None:
        """A comment line takes the level of the next code line, except that
        a comment indented deeper than that line (or than the margin, at the
        end of the file) stays in the block above it, at the level of the
        nearest line above whose indentation it reaches: the end of a
        `gather` block stays in the block, the end of a step in the step."""
        following: _Line | None = None
        stays = set()
        for i in range(len(lines) - 1, -1, -1):
            item = lines[i]
            if item.kind not in ("comment", "blank"):
                following = item
            elif item.kind == "comment":
                item.level = following.level if following is not None else 0
                if item.indent > (following.indent if following is not None else 0):
                    stays.add(i)
        above: list[_Line] = []
        for i, item in enumerate(lines):
            if i in stays:
                reached = next((line for line in reversed(above) if line.indent <= item.indent), None)
                if reached is not None:
                    item.level = max(item.level, reached.level)
            elif item.kind not in ("comment", "blank"):
                above.append(item)

    @staticmethod
    def _sort_settings(lines: list[_Line]) -> list[_Line]:
        """Settings (with the comments above them) in canonical order."""
        positions = [i for i, item in enumerate(lines) if item.kind == "setting"]
        if not positions:
            return lines
        first = next(i for i, item in enumerate(lines) if item.kind == "flow") + 1
        last = positions[-1]
        groups, pending = [], []
        for item in lines[first : last + 1]:
            if item.kind == "blank":
                continue
            pending.append(item)
            if item.kind == "setting":
                groups.append((item.order, pending))
                pending = []
        groups.sort(key=lambda g: g[0])
        return lines[:first] + [item for _, group in groups for item in group] + lines[last + 1 :]

    def text(self) -> str:
        out: list[str] = []
        previous: _Line | None = None  # the last line written, blank lines aside
        blank = False  # a blank line is pending
        steps = not _bare(self.flow)
        for item in self.classify():
            if item.kind == "blank":
                blank = previous is not None
                continue
            starts_step = steps and item.level == 0 and item.kind in ("step", "comment")
            if previous is not None:
                if previous.opens:
                    blank = False
                if starts_step and not (previous.kind == "comment" and previous.level == 0):
                    blank = True  # one blank line before a step and the comments above it
            if blank:
                out.append("")
            blank = False
            text = item.code
            if item.comment:
                text = f"{text}  {item.comment}" if text else item.comment
            if item.opens and item.kind == "verb":
                text = f"{item.code}:" + (f"  {item.comment}" if item.comment else "")
            out.append(INDENT * item.level + text)
            previous = item
        return "\n".join(out) + "\n" if out else ""


# ---- formatting files (`flowc fmt`) -------------------------------------------------------


class Outcome(enum.Enum):
    CHANGED = "changed"  # formatted differently (written, unless only checked)
    UNCHANGED = "unchanged"
    BROKEN = "broken"  # does not parse (or cannot be read): left alone
    BUG = "bug"  # the formatter would change its meaning: left alone


@dataclasses.dataclass(frozen=True, slots=True)
class FileResult:
    """What formatting one file gave."""

    path: str
    outcome: Outcome
    source: SourceFile | None = None
    text: str | None = None  # the canonical text (CHANGED, UNCHANGED)
    problems: tuple[Diagnostic, ...] = ()  # why it is BROKEN
    bug: str = ""  # what went wrong (BUG)

    def diff(self) -> str:
        """A unified diff from the file to its canonical text."""
        assert self.source is not None and self.text is not None
        return unified_diff(self.path, self.source.text, self.text)


def unified_diff(path: str, before: str, after: str, label: str = "formatted") -> str:
    """A unified diff of two texts, split into lines as the lexer splits them;
    a last line without a newline is marked as such, as ``diff -u`` does."""
    import difflib  # only when a diff is asked for

    out = []
    for line in difflib.unified_diff(
        split_lines_keepends(before),
        split_lines_keepends(after),
        fromfile=f"{path} (original)",
        tofile=f"{path} ({label})",
    ):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def format_file(path: str, read) -> FileResult:
    """Format the file at ``path``, read with ``read(path) -> (SourceFile |
    None, diagnostics)``. Writes nothing."""
    source, problems = read(path)
    if source is None:
        return FileResult(path, Outcome.BROKEN, problems=tuple(problems))
    try:
        text, problems = format_source(source)
    except FormatterBug as exc:
        return FileResult(path, Outcome.BUG, source, bug=str(exc))
    if text is None:
        return FileResult(path, Outcome.BROKEN, source, problems=tuple(problems))
    unchanged = text == source.text and not _has_bom(path)
    return FileResult(path, Outcome.UNCHANGED if unchanged else Outcome.CHANGED, source, text)


def _has_bom(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(3) == b"\xef\xbb\xbf"


def _a_flagged_name(kind: str, word: str) -> bool:
    from .checks.record_labels import flags_name  # only for a quoted name

    return flags_name(kind, word)
