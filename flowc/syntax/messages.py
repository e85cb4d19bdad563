"""Syntax errors in the user's words.

:func:`syntax_error` is the one place where Lark's exceptions (and the
indenter's) become diagnostics: what was found, what was expected (in words,
at most five items, the options of the verb on the line), the block still
open, and a hint for the mistakes people make.
"""

from __future__ import annotations

import functools
import re
from copy import copy

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
from lark.parsers.lalr_parser_state import ParserState

from .. import vocabulary
from ..codes import report
from ..diagnostics import Diagnostic, Note
from ..source import SourceFile, Span
from .grammar import keyword, keyword_terminals, reference
from .indentation import GluedKeyword, IndentProblem, indent_of, previous_significant, trimmed

_TERMINAL_WORDS = {
    "NAME": "a name",
    "FLOW_STEP": "a `flow.step` reference",
    "WORD": "a word",
    "PATH": "a URL path",
    "ABSOLUTE_URL": "an absolute URL",
    "STRING": 'a quoted string ("...")',
    "DURATION": "a duration such as `20s`",
    "INT": "a whole number",
    "METHOD": "`GET` or `POST`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
    "COLON": "`:`",
}
_VERBS = tuple(v.name for v in vocabulary.ELEMENTS)
_BRANCHES = tuple(v.name for v in vocabulary.BRANCH_LINES)
_SETTING_WORDS = tuple(s.name for s in vocabulary.SETTINGS)


def keyword(name: str) -> str | None:
    try:
        pattern = reference().get_terminal(name).pattern
    except KeyError:
        return None
    return pattern.value if pattern.type == "str" else None


def _expected_words(expected, verb: str | None = None) -> str:
    """At most five things the parser expected, in words."""
    structure = {"_NL", "_INDENT", "_DEDENT", "$END", "COLON", "ARROW"}
    if "_NL" in expected:
        expected = set(expected) - {"COLON"}  # only a gather takes a block: `:` is noise here
    words, verbs, options, branches = [], [], [], []
    for name in sorted(expected, key=lambda n: (n in structure, n)):
        kw = keyword(name)
        if kw in _VERBS:
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
        except Exception:  # noqa: BLE001 - any failure means "not accepted here"
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
    if not (type(word) is Token and word.type in ("NAME", "WORD")) or word.line != getattr(tok, "line", None):
        return None
    # A record's label, or a word of a list (`input dtmf speech`, `on completed`).
    if word.type == "NAME" and not (type(before) is Token and before.type == "RECORD"):
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
    for value in reversed(getattr(state, "value_stack", ())):
        if type(value) is Token and value.value in _VERBS:
            return value.value
    return None


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
    if o.shape in (vocabulary.Shape.DURATION, vocabulary.Shape.DURATION_OR_OFF, vocabulary.Shape.DURATION_OR_AUTO)
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
        if prev is None or not lines[prev].rstrip().endswith(":"):
            return None
        depth = indent_of(lines[prev]) + 1
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


def syntax_error(exc: Exception, source: SourceFile) -> Diagnostic:
    path = source.path
    if isinstance(exc, IndentProblem):
        notes = _open_block(source, exc.line) if exc.code == "FL003" else ()
        return report(exc.code, exc.message, Span.point(path, exc.line, exc.col), notes=notes, hint=exc.hint)
    if isinstance(exc, GluedKeyword):
        kw, rest = exc.token, str(exc.rest.value)
        word = kw.value + rest
        span = Span(file=path, line=kw.line, col=kw.column, end_line=kw.line, end_col=kw.column + len(word))
        if exc.rest.type in keyword_terminals() or len(rest) > 2:
            hint = f"put a space after `{kw.value}`: `{kw.value} {rest}`"
        else:  # `onn`, `beeep`: a letter too many
            hint = f"did you mean `{kw.value}`?"
        return report(
            "FL001",
            f"unexpected `{word}`, expected `{kw.value}` followed by a space",
            span,
            notes=_open_block(source, kw.line),
            hint=hint,
        )
    hint = None
    if isinstance(exc, UnexpectedCharacters):
        line, col = exc.line, exc.column
        char = exc.char
        if char == '"':
            message = 'unterminated string: a closing `"` is missing on this line'
        elif char in "\r":
            message = "a carriage return that does not end a line"
        elif not char.isprintable():
            message = f"unexpected character U+{ord(char):04X}"
        else:
            message = f"unexpected character `{char}`"
        expected = set() if char == '"' else accepted(exc.state) or exc.allowed or set()
        span = Span.point(path, line, col)
        hint = _character_hint(char, source.line_text(line))
    elif (
        isinstance(exc, UnexpectedToken) and exc.token.type == "LOOSE_URL" and "LOOSE_URL" not in exc.expected
    ):
        # Outside `base-url` nothing lexes as LOOSE_URL: it is a stray character.
        line, col = exc.token.line, exc.token.column
        char = exc.token.value[0]
        message = (
            f"unexpected character `{char}`"
            if char.isprintable()
            else f"unexpected character U+{ord(char):04X}"
        )
        expected = accepted(exc.state) or exc.expected
        span = Span.point(path, line, col)
        hint = _character_hint(char, source.line_text(line))
    elif isinstance(exc, UnexpectedToken):
        tok = exc.token
        expected = accepted(exc.state) or exc.expected
        if tok.type == "$END":
            lines = trimmed(source.text).split("\n")
            line, col = len(lines), len(lines[-1]) + 1
            span = Span.point(path, line, col)
        else:
            line, col = tok.line, tok.column
            end_col = tok.end_column if tok.end_line == line and tok.end_column else col + 1
            span = Span(file=path, line=line, col=col, end_line=line, end_col=max(end_col, col + 1))
        message = f"unexpected {_describe(tok)}"
        misread = _misread_word(exc.state, expected, tok)
        stack = getattr(exc.state, "value_stack", None) or [None]
        top = stack[-1]
        glued = (
            type(top) is Token
            and top.value.isalpha()
            and top.type not in ("NAME", "WORD")
            and tok.line == top.end_line
            and tok.column == top.end_column
            and str(tok.value)[:1].isalnum()
        )
        if glued:
            # `beeps`, `finished`: a keyword with letters glued to it.
            word = top.value + str(tok.value).split()[0]
            line, col = top.line, top.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=col + len(word))
            message = f"unexpected `{word}`, expected `{top.value}` followed by a space"
            hint = f"did you mean `{top.value}`?"
            expected = set()
        elif misread is not None:
            # `record mx 20s`: `mx` was taken for the recording's label, so the
            # parser only stumbles on `20s`; the mistake is the word before.
            word, hint = misread
            line, col = word.line, word.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=word.end_column)
            message = f"unexpected `{word.value}`"
        elif (
            type(top) is Token
            and (
                top.type == "DURATION"
                or (
                    top.type == "INT"
                    and getattr(stack[-2] if len(stack) > 1 else None, "type", None) in _TIMED
                )
            )
            and tok.line == top.end_line
            and tok.column == top.end_column
            and tok.value[:1].isalpha()
        ):
            # `2x`, `20sec`: a number glued to letters that are not a unit.
            line, col = top.line, top.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=tok.end_column)
            return report(
                "FL001",
                f"`{top.value}{tok.value}` is not a duration",
                span,
                notes=_open_block(source, line),
                hint="a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
            )
        elif tok.type in ("NAME", "WORD") or (
            tok.type not in ("_NL", "_INDENT", "_DEDENT", "$END") and tok.value.isalpha()
        ):
            keywords = [kw for name in expected if (kw := keyword(name)) and kw[0].isalpha()]
            import difflib  # only on syntax errors; keeps start-up short

            close = difflib.get_close_matches(str(tok.value), keywords, n=1, cutoff=0.6)
            verb = _line_verb(exc.state)
            owners = _option_owners().get(str(tok.value))
            if close:
                hint = f"did you mean `{close[0]}`?"
            elif (
                "ARROW" in expected
                and re.fullmatch(r"[A-Za-z_]\w*", str(tok.value))
                and not source.line_text(line)[tok.end_column - 1 :].split("#", 1)[0].strip()
            ):
                hint = f"write `-> {tok.value}` to go to the step `{tok.value}`"
            elif owners and verb and verb not in owners:
                hint = _not_an_option(tok.value, verb, owners)
            elif tok.value in _SETTING_WORDS:
                hint = f"`{tok.value}` is a setting: put it indented under the `flow NAME` line"
            elif col == 1 and "STEP" in expected and tok.value in _VERBS:
                hint = "a verb belongs to a step: indent it under the step's line"
        elif (
            type(top) is Token
            and top.type == "NAME"
            and top.value.upper() in ("GET", "POST")
            and tok.line == top.line
            and len(stack) > 1
            and getattr(stack[-2], "type", None) == "ARROW"
        ):
            # `-> get /h`: the method was read as a step name.
            line, col = top.line, top.column
            span = Span(file=path, line=line, col=col, end_line=line, end_col=top.end_column)
            message = f"the method `{top.value}` must be written in capitals"
            hint = f"write `-> {top.value.upper()} {tok.value}`"
            expected = set()
        if tok.type in ("_DEDENT", "$END") and "_INDENT" in expected:
            # A header whose block is missing: point at the end of the header.
            lines = source.text.split("\n")
            header = previous_significant(lines, min(tok.line or len(lines), len(lines)) - 1)
            if tok.type == "$END" or header is None:
                header = len(trimmed(source.text).split("\n")) - 1
            line, col = header + 1, len(lines[header].rstrip()) + 1
            span = Span.point(path, line, col)
    elif isinstance(exc, UnexpectedEOF):
        lines = trimmed(source.text).split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        span = Span.point(path, line, col)
        message = "unexpected end of file"
        expected = exc.expected
    else:  # pragma: no cover - UnexpectedInput has no other concrete kinds
        raise exc
    if hint is None and expected and set(expected) <= {"COLON"}:
        m = re.match(r"\s*step\s+([A-Za-z_]\w*)", source.line_text(span.line))
        if m:
            hint = f"write `step {m.group(1)}:`"
    if expected:
        words = source.line_text(span.line).split()
        verb = words[0] if words and words[0] in _VERBS else None
        message += ", expected " + _expected_words(expected, verb)
    note = _enclosing_step(source, span.line)
    return report("FL001", message, span, notes=(note,) if note else (), hint=hint)


