"""Syntax errors in the user's words.

:func:`syntax_error` is the one place where Lark's exceptions (and the
indenter's) become diagnostics: what was found, what was expected (in words,
at most five items, the options of the verb on the line), the block still
open, and a hint for the mistakes people make.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from copy import copy
from dataclasses import dataclass

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
from lark.parsers.lalr_parser_state import ParserState

from .. import habits, vocabulary
from ..codes import report
from ..diagnostics import Diagnostic, Edit, Fix, Note, replace_span
from ..source import SourceFile, Span, split_lines
from . import tokens
from .grammar import keyword, keyword_terminals
from .indentation import GluedKeyword, IndentProblem, indent_of, previous_significant, trimmed

_TERMINAL_WORDS = {
    "NAME": "a name",
    "LABEL": "a name",
    "FLOW_STEP": "a `flow.step` reference",
    "WORD": "a word",
    "PATH": "a URL path",
    "ABSOLUTE_URL": "an absolute URL",
    "STRING": 'a quoted string ("...")',
    "DURATION": "a duration such as `20s`",
    "INT": "a whole number",
    "MEASURE": "a measure such as `500ms`, `90%` or `-6dB`",
    "METHOD": "`GET` or `POST`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
    "COLON": "`:`",
}
_VERBS = tuple(v.name for v in vocabulary.ELEMENTS)
_NOUNS = frozenset(v.name for v in vocabulary.NOUNS)
_BRANCHES = tuple(v.name for v in vocabulary.BRANCH_LINES)
_SETTING_WORDS = tuple(s.name for s in vocabulary.SETTINGS)
_STRUCTURE_WORDS = frozenset(s.name for s in vocabulary.STRUCTURE)
_ALL_KEYWORDS = frozenset(vocabulary.keywords())


@functools.cache
def _options_of(verb: str | None) -> frozenset[str]:
    entry = vocabulary.BY_NAME.get(verb) if verb else None
    return frozenset(o.name for o in entry.options) if entry else frozenset()


def _expected_words(expected, verb: str | None = None) -> str:
    """At most five things the parser expected, in words."""
    structure = {"_NL", "_INDENT", "_DEDENT", "$END", "COLON", "ARROW"}
    if "_NL" in expected:
        expected = set(expected) - {"COLON"}  # a block is seldom what a line lacks: `:` is noise here
    line_start = sum(keyword(name) in _VERBS for name in expected) > 2  # where a line begins
    if verb == "say" and "STRING" in expected and not line_start:
        return _TERMINAL_WORDS["STRING"]  # right after `say`: its text, first of all
    words, verbs, options, branches = [], [], [], []
    # A verb's or noun's word may also be an option of the line's verb (`dial record`).
    line_options = _options_of(verb)
    for name in sorted(expected, key=lambda n: (n in structure, n)):
        if name == "STRING" and line_start:
            continue  # a line of text, which only a `say` block holds (FL401 says so)
        kw = keyword(name)
        if kw in _NOUNS and (kw not in line_options or "_NL" not in expected):
            continue  # the nouns a block may hold are named by the checks, not in every message
        if kw in _VERBS and kw not in line_options:
            verbs.append(kw)
        elif kw in _BRANCHES:
            branches.append(kw)
        elif name == "NAME" and "FLOW_STEP" in expected:
            words.append("a step name")
        elif name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
        elif kw is not None and name not in structure:
            options.append(kw)
        elif kw is not None:
            words.append(f"`{kw}`")
        else:
            words.append(name.lower())
    if len(branches) == len(_BRANCHES):
        words.insert(0, "a branch (`when`, `otherwise`)")
    else:
        words[:0] = [f"`{b}`" for b in branches]
    if len(verbs) > 2:
        words.insert(0, "a verb (" + ", ".join(sorted(verbs, key=_VERBS.index)) + ")")
    else:
        words[:0] = [f"`{v}`" for v in verbs]
    if len(options) > 3 and verb is not None:
        shown = ", ".join(f"`{o}`" for o in options[:3])
        words.insert(0, f"an option of `{verb}` ({shown}, …)")
    else:
        words[:0] = [f"`{o}`" for o in options]
    # `->` and `:` read best after the options.
    words.sort(key=lambda w: w in ("`->`", "`:`", "the end of the line", "the end of the file"))
    if len(words) > 5:
        words = words[:4] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def accepted(state) -> set[str] | None:
    """The terminals the parser really accepts in ``state``.

    An LALR state's table lists the lookaheads of every context merged into
    it; feeding each candidate to a copy of the parser (without running the
    IR callbacks) keeps only those the current context can take.
    """
    if not isinstance(state, ParserState):
        return None
    conf = copy(state.parse_conf)
    conf.callbacks = {}
    accepted = set()
    for name in state.parse_conf.states[state.position]:
        if not name.isupper():
            continue
        trial = state.copy(deepcopy_values=False)
        trial.parse_conf = conf
        try:
            trial.feed_token(Token(name, ""), is_end=name == "$END")
        except Exception:  # noqa: BLE001, S112 - any failure means "not accepted here"
            continue
        accepted.add(name)
    return accepted


def _misread_word(state, expected, tok: Token) -> tuple[Token, str] | None:
    """A word the parser took as a value that was meant as an option: the
    label of `record mx 20s`, the last input of `gather input speech hint
    "yes"`, `digits` given to `record`. Returns the word and a hint, when the
    next token is what would follow that option."""
    stack = getattr(state, "value_stack", None)
    if not stack or len(stack) < 2:
        return None
    word, before = stack[-1], stack[-2]
    if not (type(word) is Token and word.type in ("NAME", "LABEL", "WORD")) or word.line != getattr(
        tok, "line", None
    ):
        return None
    # A record's label, or a word of a list (`input dtmf speech`, `on completed`).
    if word.type in ("NAME", "LABEL") and not (type(before) is Token and before.type == "RECORD"):
        return None
    import difflib  # only on syntax errors

    options = [kw for name in expected if (kw := keyword(name)) and kw[0].isalpha()]
    close = difflib.get_close_matches(word.value, options, n=1, cutoff=0.6)
    if close:
        return word, f"did you mean `{close[0]}`?"
    owners = _option_owners().get(word.value)
    verb = _line_verb(state)
    if owners and verb and verb not in owners:
        return word, _not_an_option(word.value, verb, owners)
    return None


def _line_verb(state) -> str | None:
    """The verb or noun that starts the line being parsed (not an option
    spelled like a verb, as `record` in `dial record ...`)."""
    found = None
    for value in reversed(getattr(state, "value_stack", ())):
        if type(value) is Token and (value.value in _VERBS or value.value in _NOUNS):
            if found is not None and value.line != found.line:
                break
            found = value
        elif type(value) is Token and found is not None and value.line != found.line:
            break
    return found.value if found is not None else None


@functools.cache
def _option_owners() -> dict[str, tuple[str, ...]]:
    """Each option keyword and the verbs that take it."""
    return vocabulary.option_owners()


def _not_an_option(word: str, verb: str, owners) -> str:
    names = [f"`{v}`" for v in owners]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"`{word}` is an option of {listed}, not of `{verb}`"


# The keywords a duration follows.
_TIMED = frozenset(
    vocabulary.terminal(o.name)
    for v in vocabulary.VERBS
    for o in v.options
    if o.shape
    in (vocabulary.Shape.DURATION, vocabulary.Shape.DURATION_OR_OFF, vocabulary.Shape.DURATION_OR_AUTO)
) | {"PAUSE", "MAX_CALL_DURATION"}


def _character_hint(char: str, line: str) -> str | None:
    if char in "\u201c\u201d\u201e\u2018\u2019":
        return 'write text in straight double quotes: "..."'
    if char == "-" and re.match(r"\s*step\s", line):
        return "a step name is letters, digits and `_`: write `_` for `-`"
    return None


def _describe(tok: Token) -> str:
    if tok.type == "_NL":
        return "end of line"
    if tok.type == "_INDENT":
        return "indentation"
    if tok.type == "_DEDENT":
        return "end of the block"
    if tok.type == "$END":
        return "end of file"
    return f"`{tok.value}`"


def _enclosing_step(source: SourceFile, line: int) -> Note | None:
    """The innermost block still open at ``line``: the step, or the
    `gather` block inside it, whose header is less indented than the line."""
    lines = source.lines
    if not 1 <= line <= len(lines):
        line = len(lines)
    depth = indent_of(lines[line - 1])
    if depth is None or depth == 0:
        # An unindented line is in no block, unless it was meant to open one.
        prev = previous_significant(lines, line - 1)
        prev_depth = indent_of(lines[prev]) if prev is not None else None
        if prev is None or prev_depth is None or not lines[prev].rstrip().endswith(":"):
            return None
        depth = prev_depth + 1
        line = prev + 2
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        d = indent_of(text)
        if d is None or d >= depth:
            continue
        m = re.match(r"step\s+([A-Za-z_]\w*)", text)
        if m:
            span = Span(file=source.path, line=number, col=1, end_line=number, end_col=m.end() + 1)
            return Note(message=f"in step `{m.group(1)}`, opened here", span=span)
        m = re.match(r"flow\s+([A-Za-z_]\w*)\s*(#.*)?$", text)
        if m:
            span = Span(file=source.path, line=number, col=1, end_line=number, end_col=m.end(1) + 1)
            return Note(message=f"in the settings of flow `{m.group(1)}`, opened here", span=span)
        code = text.split("#", 1)[0].rstrip()
        if code.endswith(":") and d > 0:
            word = text.split()[0]
            span = Span(file=source.path, line=number, col=d + 1, end_line=number, end_col=d + 1 + len(word))
            return Note(message=f"in the `{word}` block, opened here", span=span)
        if d == 0:
            return None
        depth = d
    return None


def _open_block(source: SourceFile, line: int) -> tuple[Note, ...]:
    note = _enclosing_step(source, line)
    return (note,) if note else ()


# ---- the translation: one function per kind of exception, one per reading of a token ----


@dataclass(slots=True)
class _Reading:
    """What a syntax error is, in words: where, what, a hint, and the
    terminals to list as expected."""

    span: Span
    message: str
    hint: str | None = None
    expected: Collection[str] = ()
    final: bool = False  # reported as it is: no list of what was expected
    fixes: tuple[Fix, ...] = ()


@dataclass(frozen=True, slots=True)
class _Found:
    """An unexpected token and what the parser had read before it."""

    source: SourceFile
    tok: Token
    state: object
    expected: Collection[str]
    stack: list

    @property
    def top(self):
        return self.stack[-1]

    @property
    def below(self):
        return self.stack[-2] if len(self.stack) > 1 else None

    def word_span(self, tok: Token, end_col: int | None = None) -> Span:
        line, col = tokens.start(tok)
        return Span(self.source.path, line, col, line, end_col or tokens.end(tok)[1])


def _point(source: SourceFile, line: int, col: int) -> Span:
    return Span.point(source.path, line, col)


def _end_of_code(source: SourceFile) -> Span:
    lines = split_lines(trimmed(source.text))
    return _point(source, len(lines), len(lines[-1]) + 1)


def _character(char: str, source: SourceFile, line: int, col: int, expected) -> _Reading:
    if char == '"':
        message, expected = 'unterminated string: a closing `"` is missing on this line', ()
    elif char == "\r":
        message = "a carriage return that does not end a line"
    elif not char.isprintable():
        message = f"unexpected character U+{ord(char):04X}"
    else:
        message = f"unexpected character `{char}`"
    return _Reading(
        _point(source, line, col),
        message,
        _character_hint(char, source.line_text(line)),
        expected,
        fixes=_character_fixes(char, source, line, col),
    )


def _character_fixes(char: str, source: SourceFile, line: int, col: int) -> tuple[Fix, ...]:
    """Curly quotes made straight; a step name's `-` made `_`."""
    text = source.line_text(line)
    if char in "\u201c\u201d\u201e":
        m = re.compile('[\u201c\u201d\u201e]([^\u201c\u201d\u201e"]*)[\u201c\u201d]').match(text, col - 1)
        if m:
            span = Span(source.path, line, m.start() + 1, line, m.end() + 1)
            return (replace_span(span, f'"{m.group(1)}"'),)
    if char in "\u2018\u2019":
        m = re.compile('[\u2018\u2019]([^\u2018\u2019"]*)\u2019').match(text, col - 1)
        if m:
            span = Span(source.path, line, m.start() + 1, line, m.end() + 1)
            return (replace_span(span, f'"{m.group(1)}"'),)
    if char == "-":
        m = re.match(r"(\s*step\s+)([A-Za-z_][\w-]*)", text)
        if m and "-" in m.group(2):
            span = Span(source.path, line, m.start(2) + 1, line, m.end(2) + 1)
            return (replace_span(span, m.group(2).replace("-", "_")),)
    return ()


def _indent_problem(exc: IndentProblem, source: SourceFile) -> Diagnostic:
    notes = _open_block(source, exc.line) if exc.code == "FL003" else ()
    return report(exc.code, exc.message, _point(source, exc.line, exc.col), notes=notes, hint=exc.hint)


def _glued_keyword(exc: GluedKeyword, source: SourceFile) -> Diagnostic:
    kw, rest = exc.token, str(exc.rest.value)
    word = kw.value + rest
    line, col = tokens.start(kw)
    span = Span(source.path, line, col, line, col + len(word))
    if exc.rest.type in keyword_terminals() or len(rest) > 2:
        hint = f"put a space after `{kw.value}`: `{kw.value} {rest}`"
        fix = replace_span(span, f"{kw.value} {rest}")
    else:  # `onn`, `beeep`: a letter too many
        hint = f"did you mean `{kw.value}`?"
        fix = replace_span(span, kw.value)
    return report(
        "FL001",
        f"unexpected `{word}`, expected `{kw.value}` followed by a space",
        span,
        notes=_open_block(source, line),
        hint=hint,
        fixes=(fix,),
    )


def _unexpected_characters(exc: UnexpectedCharacters, source: SourceFile) -> _Reading:
    expected = accepted(exc.state) or exc.allowed or set()
    return _character(exc.char, source, exc.line, exc.column, expected)


def _unexpected_eof(exc: UnexpectedEOF, source: SourceFile) -> _Reading:
    return _Reading(_end_of_code(source), "unexpected end of file", expected=exc.expected)


def _unexpected_token(exc: UnexpectedToken, source: SourceFile) -> _Reading | Diagnostic:
    tok = exc.token
    expected = accepted(exc.state) or exc.expected
    if tok.type == "LOOSE_URL" and "LOOSE_URL" not in exc.expected:
        # Outside `base-url` nothing lexes as LOOSE_URL: it is a stray character.
        return _character(tok.value[0], source, tok.line, tok.column, expected)
    found = _Found(source, tok, exc.state, expected, getattr(exc.state, "value_stack", None) or [None])
    for reading in _TOKEN_READINGS:
        result = reading(found)
        if result is not None:
            break
    else:
        result = _Reading(_token_span(found), f"unexpected {_describe(tok)}", expected=expected)
    if isinstance(result, _Reading) and tok.type in ("_DEDENT", "$END") and "_INDENT" in expected:
        result.span = _header_end(source, tok)
    return result


def _token_span(found: _Found) -> Span:
    tok = found.tok
    if tok.type == "$END" or tok.line is None or tok.column is None:
        return _end_of_code(found.source)  # the end, or a block closed at the end of the file
    line, col = tok.line, tok.column
    end_col = tok.end_column if tok.end_line == line and tok.end_column else col + 1
    return Span(found.source.path, line, col, line, max(end_col, col + 1))


def _header_end(source: SourceFile, tok: Token) -> Span:
    """A header whose block is missing: the end of the header."""
    lines = list(source.lines)
    header = previous_significant(lines, min(tok.line or len(lines), len(lines)) - 1)
    if tok.type == "$END" or header is None:
        header = len(split_lines(trimmed(source.text))) - 1
    return _point(source, header + 1, len(lines[header].rstrip()) + 1)


# -- readings of an unexpected token, tried in order --


def _glued_letters(found: _Found) -> _Reading | None:
    """`beeps`, `finished`: a keyword with letters glued to it."""
    top, tok = found.top, found.tok
    if not (
        type(top) is Token
        and top.value.isalpha()
        and top.type not in ("NAME", "WORD")
        and tok.line == top.end_line
        and tok.column == top.end_column
        and str(tok.value)[:1].isalnum()
    ):
        return None
    word = top.value + str(tok.value).split()[0]
    return _Reading(
        found.word_span(top, tokens.start(top)[1] + len(word)),
        f"unexpected `{word}`, expected `{top.value}` followed by a space",
        f"did you mean `{top.value}`?",
    )


def _misread(found: _Found) -> _Reading | None:
    """`record mx 20s`: `mx` was taken for the recording's label, so the
    parser only stumbles on `20s`; the mistake is the word before."""
    misread = _misread_word(found.state, found.expected, found.tok)
    if misread is None:
        return None
    word, hint = misread
    return _Reading(found.word_span(word), f"unexpected `{word.value}`", hint, found.expected)


def _glued_number(found: _Found) -> Diagnostic | None:
    """`2x`, `20sec`: a number glued to letters that are not a unit."""
    top, tok = found.top, found.tok
    if not (
        type(top) is Token
        and (top.type == "DURATION" or (top.type == "INT" and getattr(found.below, "type", None) in _TIMED))
        and tok.line == top.end_line
        and tok.column == top.end_column
        and tok.value[:1].isalpha()
    ):
        return None
    span = found.word_span(top, tok.end_column)
    glued = re.fullmatch(r"(\d+)([A-Za-z]+)", f"{top.value}{tok.value}")
    unit = _SPELT_UNITS.get(glued.group(2).lower()) if glued else None
    number = glued.group(1) if glued else ""
    return report(
        "FL001",
        f"`{top.value}{tok.value}` is not a duration",
        span,
        notes=_open_block(found.source, tokens.start(top)[0]),
        hint="a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
        fixes=(replace_span(span, number + unit),) if unit and number.isdigit() else (),
    )


# `20sec`, `5min`: the unit a spelt-out word means.
_SPELT_UNITS = {
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
}


def _unexpected_word(found: _Found) -> _Reading | None:
    """A word where it does not fit: the first of :data:`_WORD_HINTS` that
    has something to say about it."""
    tok = found.tok
    if not (
        tok.type in ("NAME", "LABEL", "WORD")
        or (tok.type not in ("_NL", "_INDENT", "_DEDENT", "$END") and tok.value.isalpha())
    ):
        return None
    hint = next((h for rule in _WORD_HINTS if (h := rule(found)) is not None), None)
    return _Reading(_token_span(found), f"unexpected {_describe(tok)}", hint, found.expected)


def _lower_case_method(found: _Found) -> _Reading | None:
    """`-> get /h`: the method was read as a step name."""
    top, tok = found.top, found.tok
    if not (
        type(top) is Token
        and top.type == "NAME"
        and top.value.upper() in ("GET", "POST")
        and tok.line == top.line
        and getattr(found.below, "type", None) == "ARROW"
    ):
        return None
    span = found.word_span(top)
    return _Reading(
        span,
        f"the method `{top.value}` must be written in capitals",
        f"write `-> {top.value.upper()} {tok.value}`",
        fixes=(replace_span(span, top.value.upper(), f"write `{top.value.upper()}`"),),
    )


_TOKEN_READINGS = (_glued_letters, _misread, _glued_number, _unexpected_word, _lower_case_method)


# -- hints for an unexpected word, tried in order --


def _near_keyword(found: _Found) -> str | None:
    if str(found.tok.value) in _ALL_KEYWORDS:
        return None  # a word of the language, out of place: the hints after this one say where it goes
    keywords = [kw for name in found.expected if (kw := keyword(name)) and kw[0].isalpha()]
    import difflib  # only on syntax errors; keeps start-up short

    close = difflib.get_close_matches(str(found.tok.value), keywords, n=3, cutoff=0.6)
    if not close:
        return None
    # On a tie, the structure's words (`step` for `stpe`, not `stop`) come first.
    best = difflib.SequenceMatcher(None, str(found.tok.value), close[0]).ratio()
    tied = [k for k in close if difflib.SequenceMatcher(None, str(found.tok.value), k).ratio() == best]
    structural = [k for k in tied if k in _STRUCTURE_WORDS]
    return f"did you mean `{(structural or tied)[0]}`?"


def _step_without_arrow(found: _Found) -> str | None:
    tok = found.tok
    if "ARROW" not in found.expected or not re.fullmatch(r"[A-Za-z_]\w*", str(tok.value)):
        return None
    after = found.source.line_text(tokens.start(tok)[0])[tokens.end(tok)[1] - 1 :]
    if not after.split("#", 1)[0].strip():
        return f"write `-> {tok.value}` to go to the step `{tok.value}`"
    return None


def _option_of_another_verb(found: _Found) -> str | None:
    verb = _line_verb(found.state)
    owners = _option_owners().get(str(found.tok.value))
    if owners and verb and verb not in owners:
        return _not_an_option(found.tok.value, verb, owners)
    return None


def _setting_out_of_place(found: _Found) -> str | None:
    if found.tok.value in _SETTING_WORDS:
        return f"`{found.tok.value}` is a setting: put it indented under the `flow NAME` line"
    return None


def _verb_outside_a_step(found: _Found) -> str | None:
    if found.tok.column == 1 and "STEP" in found.expected and found.tok.value in _VERBS:
        return "a verb belongs to a step: indent it under the step's line"
    return None


_WORD_HINTS = (
    _near_keyword,
    _step_without_arrow,
    _option_of_another_verb,
    _setting_out_of_place,
    _verb_outside_a_step,
)

_TRANSLATIONS: tuple[tuple[type, Callable[..., _Reading | Diagnostic]], ...] = (
    (IndentProblem, _indent_problem),
    (GluedKeyword, _glued_keyword),
    (UnexpectedCharacters, _unexpected_characters),
    (UnexpectedToken, _unexpected_token),
    (UnexpectedEOF, _unexpected_eof),
)


def syntax_error(exc: Exception, source: SourceFile) -> Diagnostic:
    """The diagnostic for a syntax error: the translation of its kind
    (:data:`_TRANSLATIONS`), then what was expected and the open block."""
    translate = next((t for kind, t in _TRANSLATIONS if isinstance(exc, kind)), None)
    if translate is None:  # pragma: no cover - UnexpectedInput has no other concrete kinds
        raise exc
    retired = _retired(exc, source)
    if retired is not None:
        return retired
    result = translate(exc, source)
    habit = _habit(result, source)
    if habit is not None:
        return habit
    if isinstance(result, Diagnostic):
        return result
    span, message, hint, expected = result.span, result.message, result.hint, result.expected
    fixes = result.fixes
    if hint is None and expected and set(expected) <= {"COLON"}:
        m = re.match(r"\s*step\s+([A-Za-z_]\w*)", source.line_text(span.line))
        if m and not source.line_text(span.line)[span.col - 1 :].split("#", 1)[0].strip():
            hint = f"write `step {m.group(1)}:`"
            at = Span(span.file, span.line, span.col, span.line, span.col)
            fixes = (Fix(title="add `:`", edits=(Edit(span=at, text=":"),)),)
        elif m:
            hint = f"write `step {m.group(1)}:`"
    glued = re.match(r"\s*([a-z][a-z-]*)\s*:\s*\"", source.line_text(span.line))
    if hint is None and glued and glued.end() == span.col:  # `say: "Hello"`
        hint = f"the text comes before the `:` that opens a block: `{glued.group(1)} \"...\"`"
    if not fixes and hint is not None and span.end_line == span.line and span.end_col > span.col:
        meant = re.fullmatch(r"did you mean `([^`]+)`\?|write `(-> \w+)` to go to the step `\w+`", hint)
        if meant:
            fixes = (replace_span(span, meant.group(1) or meant.group(2)),)
    if expected and not result.final:
        words = source.line_text(span.line).split()
        verb = words[0] if words and (words[0] in _VERBS or words[0] in _NOUNS) else None
        message += ", expected " + _expected_words(expected, verb)
        text = source.line_text(span.line)
        if hint is None and verb is not None and not text[span.col - 1 :].split("#", 1)[0].strip():
            hint = _value_hint(verb, text[: span.col - 1])  # the line ends where a value was due
    return report("FL001", message, span, notes=_open_block(source, span.line), hint=hint, fixes=fixes)


def _value_hint(verb: str, before: str) -> str | None:
    """What the option written last before the error takes, when its value is
    missing (`dial "+1…" record`): its accepted values in words."""
    m = re.search(r"(?:^|\s)([a-z][a-z-]*)\s*$", before.split("#", 1)[0])
    entry = vocabulary.BY_NAME.get(verb)
    if m is None or entry is None or len(before.split()) < 2:
        return None
    option = next((o for o in entry.options if o.name == m.group(1)), None)
    if option is None or option.shape is vocabulary.Shape.SWITCH or not option.accepts:
        return None
    return f"`{option.name}` needs a value: {option.accepts}"


def _retired(exc: Exception, source: SourceFile) -> Diagnostic | None:
    """A line that starts with a retired element's name (`autopilot`), where the parser stopped."""
    line, col = getattr(exc, "line", None), getattr(exc, "column", None)
    if not isinstance(line, int) or not isinstance(col, int) or line < 1:
        return None
    text = source.line_text(line)
    m = re.match(r"[ \t]*([A-Za-z][A-Za-z-]*)", text)
    if m is None or m.start(1) != col - 1:
        return None
    entry = vocabulary.RETIRED_BY_NAME.get(m.group(1).lower())
    if entry is None:
        return None
    span = Span(source.path, line, col, line, col + len(m.group(1)))
    return report("FL010", entry.message, span, hint=entry.hint)


def _habit(result: _Reading | Diagnostic, source: SourceFile) -> Diagnostic | None:
    """A habit from another language (:mod:`flowc.habits`) on the line of
    the error, covering the place the parser stumbled: its message, at the
    whole mistake, with its fix."""
    if isinstance(result, Diagnostic) and result.code != "FL001":
        return None
    span = result.span
    found = habits.recognise(source.lines, span.line - 1, span.col - 1)
    if found is None:
        return None
    line = span.line + found.line
    where = Span(source.path, line, found.start + 1, line, found.end + 1)
    fixes: tuple[Fix, ...] = ()
    if found.text is not None:
        title = None
        if found.start == found.end:
            title = f"add `{found.text}`"
        elif found.text == "":
            title = f"remove `{source.line_text(line)[found.start : found.end].strip()}`"
        elif "\n" in found.text and found.hint is not None:
            title = found.hint  # `write `hangup` on the next line`
        fixes = (replace_span(where, found.text, title, safe=found.safe),)
    if found.start == found.end:
        where = Span.point(source.path, line, found.start + 1)
    return report(
        "FL001", found.message, where, notes=_open_block(source, line), hint=found.hint, fixes=fixes
    )
