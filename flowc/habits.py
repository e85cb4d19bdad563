"""Habits from other languages, recognised where they occur, with the fix.

People write flows with TwiML, Python, YAML and JSON in their fingers:
``maxLength 20``, ``max=20s``, ``=>``, ``'Hello'``, ``input dtmf, speech``,
``pause 2 seconds``, ``Say "Hi"``. Each habit here is a rule that finds one
such mistake on a line and says how the language spells it: the span of the
whole mistake, a message, a hint, and the text that replaces the span (the
fix an editor applies with one keystroke and ``flowc check --fix`` writes).

The TwiML names come from the vocabulary (:mod:`flowc.vocabulary`): every
option's TwiML attribute, in its camelCase, snake_case and near-miss forms,
maps to the option, and every verb's TwiML element to the verb; a new option
or verb in the vocabulary is recognised here with no change. The rest is the
table :data:`HABITS`, tried in order; the syntax errors ask it first
(:func:`flowc.syntax.messages.syntax_error`), and the recording-label check
asks :func:`attribute` about a label such as ``playBeep``.

Columns here are 0-based and the end is exclusive, as in editors.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import vocabulary
from .vocabulary import Option, Shape, Verb


@dataclass(frozen=True, slots=True)
class Found:
    """One habit on one line: the span of the whole mistake (0-based, end
    exclusive), what is wrong, a hint, and the text that replaces the span
    (``None`` when no mechanical fix says what was meant)."""

    start: int
    end: int
    message: str
    hint: str | None
    text: str | None
    safe: bool = True  # applied by `flowc check --fix`
    line: int = 0  # lines after the line asked about (a block's missing `:` is on the line before)


# ---- the TwiML names, from the vocabulary ------------------------------------------------------


def _normal(word: str) -> str:
    """A name without case, `-` or `_`: `maxLength`, `max_length` and
    `max-length` are all `maxlength`."""
    return word.replace("-", "").replace("_", "").lower()


@dataclass(frozen=True, slots=True)
class Attribute:
    """A TwiML attribute name and the option it is written as."""

    attribute: str  # as TwiML spells it: `maxLength`
    verb: Verb
    option: Option
    callback: bool = False  # `transcribeCallback`, `recordingStatusCallback`: the URL of the option


def _attributes() -> dict[str, tuple[Attribute, ...]]:
    """Each TwiML attribute whose name differs from its option's, by its
    normal form, with every verb that has it."""
    found: dict[str, list[Attribute]] = {}
    for verb in vocabulary.VERBS:
        for option in verb.options:
            names = [(option.attribute, option.shape is Shape.CALLBACK)]
            if option.shape is Shape.SWITCH_URL:
                names.append((f"{option.attribute}Callback", True))
            for name, callback in names:
                if name == option.name:
                    continue
                found.setdefault(_normal(name), []).append(Attribute(name, verb, option, callback))
                if option.field != option.name and _normal(option.field) != _normal(name):
                    found.setdefault(_normal(option.field), []).append(
                        Attribute(name, verb, option, callback)
                    )
    return {key: tuple(items) for key, items in found.items()}


ATTRIBUTES = _attributes()
ELEMENTS = {v.element: v.name for v in vocabulary.VERBS if v.element and v.element != v.name}
_OPTIONS = {v.name: {o.name: o for o in v.options} for v in vocabulary.VERBS}
_VALUE_FIRST = {v.name: v for v in vocabulary.VERBS if v.values and not v.values[0].keyword and v.options}
_LISTS = {
    **{o.name: o for v in vocabulary.VERBS for o in v.options if o.shape is Shape.WORDS},
}
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


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
    if word not in (best.attribute, best.option.field) and (
        difflib.SequenceMatcher(None, word, option).ratio() >= 0.6
    ):
        return None
    return best


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] in "\"'" and raw[-1] == raw[0]:
        return raw[1:-1]
    return raw


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_DURATION = re.compile(r"(?:\d+h)?(?:\d+m)?(?:\d+s)?\Z")


def written(option: Option, raw: str | None, callback: bool = False) -> str | None:
    """How the language writes ``option`` with the value ``raw`` (as
    TwiML or another habit wrote it); ``None`` when the value does not fit."""
    name = option.name
    value = _unquote(raw) if raw is not None else None
    shape = option.shape
    if callback or shape is Shape.CALLBACK:
        return f"{name} {value}" if value and re.match(r"(https?://|/)\S*\Z", value) else None
    if shape is Shape.SWITCH or shape is Shape.SWITCH_URL:
        on, off = option.switch_values
        if value is None or value.lower() in (*_TRUE, on):
            return name
        if value.lower() in (*_FALSE, off) and shape is Shape.SWITCH:
            return f"{vocabulary.NEGATION} {name}"
        return None
    if value is None or value == "":
        return None
    if shape in (Shape.DURATION, Shape.DURATION_OR_OFF, Shape.DURATION_OR_AUTO):
        if value.isdigit():
            if value == "0" and option.word == "off":
                return f"{name} off"
            return f"{name} {value}s"
        if _DURATION.match(value):
            return f"{name} {value}"
        return f"{name} {value}" if value == option.word else None
    if shape is Shape.NUMBER:
        return f"{name} {value}" if value.isdigit() else None
    if shape is Shape.STRING:
        return f"{name} {_quoted(value)}"
    if shape is Shape.TEXT:
        return f"{name} {value}" if re.fullmatch(r"[A-Za-z][\w.-]*", value) else f"{name} {_quoted(value)}"
    if shape is Shape.WORDS:
        parts = [p for p in re.split(r"[\s,]+", value.strip("[]")) if p]
        return f"{name} " + " ".join(parts) if parts else None
    return None  # pragma: no cover - every shape is handled above


# ---- a line, as the habits read it -------------------------------------------------------------

_PIECES = re.compile(
    r"(?P<string>\"(?:[^\"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?)"
    r"|(?P<comment>#.*)"
    r"|(?P<word>[^\s\"'#]+)"
)


@dataclass(frozen=True, slots=True)
class Piece:
    kind: str  # string, comment, word
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Line:
    """The line a syntax error is on (and the file's lines, for habits
    that look at the line before)."""

    lines: tuple[str, ...]
    number: int  # 0-based
    col: int  # the error's column, 0-based

    @property
    def text(self) -> str:
        return self.lines[self.number]

    @property
    def pieces(self) -> list[Piece]:
        out = []
        for m in _PIECES.finditer(self.text):
            if m.lastgroup == "comment":
                break
            out.append(Piece(m.lastgroup or "word", m.group(), m.start(), m.end()))
        return out

    @property
    def verb(self) -> str | None:
        pieces = self.pieces
        first = pieces[0].text if pieces else ""
        return first if first in vocabulary.BY_NAME else None

    @property
    def code_end(self) -> int:
        """Where the code ends: before a comment and trailing blanks."""
        pieces = self.pieces
        return pieces[-1].end if pieces else 0


Habit = Callable[[Line], "Found | None"]


def _value_after(text: str, at: int) -> tuple[str | None, int]:
    """The value written at ``at`` after a name (after `=`, `:` or blanks):
    the value and where it ends; ``(None, at)`` when there is none."""
    m = re.compile(r"(\s*[=:]\s*|\s+)(\"[^\"]*\"|'[^']*'|[^\s\"'#]+|[#*0-9]+(?=\s|$))").match(text, at)
    if not m:
        return None, at
    return m.group(2), m.end()


def _separated(text: str, at: int) -> bool:
    return re.compile(r"\s*[=:]").match(text, at) is not None


# -- the habits, one function each --


def _indented_step(line: Line) -> Found | None:
    """`    step b:` inside another step: steps do not nest."""
    m = re.match(r"([ \t]+)step\b", line.text)
    if not m:
        return None
    return Found(
        0,
        m.end(),
        "a `step` line starts at the beginning of the line: steps do not nest",
        "remove the indentation before `step`",
        "step",
    )


def _hyphenated_flow(line: Line) -> Found | None:
    """`flow main-menu`: the hint about `_` for flows, as for steps."""
    m = re.match(r"flow\s+([A-Za-z_]\w*(?:-\w+)+)", line.text)
    if not m:
        return None
    name = m.group(1).replace("-", "_")
    return Found(
        m.start(1),
        m.end(1),
        f"`{m.group(1)}` is not a flow name: a flow name is letters, digits and `_`",
        f"write `{name}`",
        name,
    )


def _block_without_colon(line: Line) -> Found | None:
    """`gather digits 1 -> /h` with an indented block under it and no `:`."""
    indent = len(line.text) - len(line.text.lstrip(" \t"))
    number = line.number - 1
    while number >= 0 and not line.lines[number].split("#", 1)[0].strip():
        number -= 1
    if number < 0 or line.col > indent:
        return None
    header = Line(line.lines, number, 0)
    above = len(header.text) - len(header.text.lstrip(" \t"))
    if header.verb != "gather" or indent <= above or header.text[: header.code_end].endswith(":"):
        return None
    code = header.text[above : header.code_end]
    return Found(
        header.code_end,
        header.code_end,
        "a `gather` with a block of prompts under it ends with `:`",
        f"write `{code}:`",
        ":",
        line=number - line.number,
    )


_ARROWS = ("=>", "\u2192", "\u21d2", "-->", "\u2014>", "\u2013>", "- >")


def _arrow(line: Line) -> Found | None:
    """`=>`, `→`, `-->` for `->`."""
    for written_as in _ARROWS:
        at = line.text.find(written_as)
        if at >= 0 and line.text[:at].count('"') % 2 == 0:
            return Found(
                at,
                at + len(written_as),
                f"`{written_as}` is not an arrow: the arrow is written `->`",
                "write `->`",
                "->",
            )
    return None


def _single_quotes(line: Line) -> Found | None:
    """`say 'Hello'`: text is in double quotes."""
    for piece in line.pieces:
        if piece.kind == "string" and piece.text.startswith("'"):
            inner = piece.text[1:-1] if len(piece.text) > 1 and piece.text.endswith("'") else piece.text[1:]
            text = _quoted(inner.replace("\\'", "'"))
            return Found(
                piece.start,
                piece.end,
                "text is written in double quotes, not single quotes",
                f"write {text}",
                text,
            )
    return None


def _element(line: Line) -> Found | None:
    """`Say "Hi"`, `Hangup`: the TwiML element for the verb."""
    m = re.match(r"[ \t]*<?/?([A-Z][A-Za-z]*)(?:/?>)?", line.text)
    if not m or m.group(1) not in ELEMENTS or m.end() <= m.start(1):
        return None
    verb = ELEMENTS[m.group(1)]
    start = len(line.text) - len(line.text.lstrip(" \t"))
    return Found(
        start,
        m.end(),
        f"`{line.text[start : m.end()]}` is TwiML's element: the verb is written `{verb}`",
        f"write `{verb}`",
        verb,
    )


def _call_parentheses(line: Line) -> Found | None:
    """`hangup()`: a verb is not a function call."""
    m = re.match(r"[ \t]*([a-z]+)(\(\s*\))", line.text)
    if not m or m.group(1) not in vocabulary.BY_NAME:
        return None
    return Found(
        m.start(2),
        m.end(2),
        f"`{m.group(1)}` is a verb, not a function: it takes no parentheses",
        f"write `{m.group(1)}`",
        "",
    )


def _yaml_step(line: Line) -> Found | None:
    """`step: start`: the name comes before the `:`."""
    m = re.match(r"step\s*:\s*([A-Za-z_]\w*)\s*:?[ \t]*(?=#|$)", line.text)
    if not m:
        return None
    text = f"step {m.group(1)}:"
    return Found(0, len(m.group().rstrip()), "a step is written `step NAME:`", f"write `{text}`", text)


def _step_parentheses(line: Line) -> Found | None:
    """`step start():`: a step takes no parameters."""
    m = re.match(r"step\s+[A-Za-z_]\w*(\(\s*\))", line.text)
    if not m:
        return None
    return Found(
        m.start(1),
        m.end(1),
        "a step takes no parentheses",
        "remove `()`",
        "",
    )


def _semicolon(line: Line) -> Found | None:
    """`hangup;`, `say "Hi";`: a line ends without `;`."""
    end = line.code_end
    if end == 0 or line.text[end - 1] != ";":
        return None
    start = len(line.text[: end - 1].rstrip(" \t"))
    return Found(start, end, "a line ends without `;`", "remove the `;`", "")


def _value_named(line: Line) -> Found | None:
    """`dial number="+1555"`, `play url=/a.mp3`, `pause length=2`, `reject
    reason=busy`: a verb's value is written without its name."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    if verb is None:
        return None
    for value in verb.values:
        if value.keyword:
            continue
        m = re.compile(
            rf"\s+({re.escape(value.field)})(?:\s*[=:]\s*|\s+)(\"[^\"]*\"|'[^']*'|[^\s\"'#]+)"
        ).match(line.text, line.text.index(verb.name) + len(verb.name))
        if not m:
            continue
        raw = m.group(2)
        inner = _unquote(raw)
        if value.placeholder.startswith('"'):
            text = _quoted(inner)
        elif value.placeholder == "DURATION" and inner.isdigit():
            text = f"{inner}s"
        else:
            text = inner
        return Found(
            m.start(1),
            m.end(2),
            f"the {value.field} of `{verb.name}` is written without its name",
            f"write `{verb.name} {text}`",
            text,
        )
    return None


def _action_attribute(line: Line) -> Found | None:
    """`gather action="/h"`: the action is written `-> /h`, last on the line."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    if verb is None or verb.arrow is None or "action" not in verb.arrow.fields:
        return None
    m = re.search(r"(?<![\w-])action\s*[=:]\s*(\"[^\"]*\"|'[^']*'|[^\s\"'#]+)", line.text)
    if not m:
        return None
    arrow = f"-> {_unquote(m.group(1))}"
    rest = line.text[m.end() : line.code_end].strip()
    text = f"{rest} {arrow}" if rest else arrow
    return Found(
        m.start(),
        line.code_end if rest else m.end(),
        f"`{m.group()}` is TwiML's spelling: the action is written `->` and its target",
        f"write `{arrow}` at the end of the line",
        text,
    )


def _missing_arrow(line: Line) -> Found | None:
    """`redirect /next`: the target follows `->`."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    pieces = line.pieces
    if verb is None or verb.arrow is None or any(p.text == "->" for p in pieces) or len(pieces) < 2:
        return None
    last = pieces[-1]
    if not re.match(r"(https?://|/)", last.text) or not last.start <= line.col <= last.end:
        return None
    if verb.values and len(pieces) == 2:
        return None  # `play /a.mp3`: the URL is its value
    text = f"-> {last.text}"
    return Found(last.start, last.end, f"the target of `{verb.name}` follows `->`", f"write `{text}`", text)


def _loop_times(line: Line) -> Found | None:
    """`loop 2 times`."""
    m = re.search(r"(?<![\w-])loop\s+(\d+)\s+times?\b", line.text)
    if not m:
        return None
    text = f"loop {m.group(1)}"
    return Found(m.start(), m.end(), f"`{m.group()}` is written `{text}`", f"write `{text}`", text)


def _listed(names: list[str], most: int = 4) -> str:
    """`a`, `b` and `c`; past ``most`` names, the first ones and how many more."""
    quoted = [f"`{n}`" for n in names]
    if len(quoted) > most:
        return ", ".join(quoted[: most - 1]) + f" and {len(quoted) - most + 1} other elements"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _twiml_attribute(line: Line) -> Found | None:
    """`maxLength 20`, `numDigits="4"`, `playBeep false`, `finish_on_key #`."""
    verb = line.verb
    if verb is None:
        return None
    for m in re.finditer(r"(?<![\w./-])([A-Za-z][A-Za-z_-]*[A-Za-z])(?![\w.-])", line.text[: line.code_end]):
        if line.text[: m.start()].count('"') % 2:
            continue  # inside a string
        found = attribute(m.group(1), verb)
        if found is None:
            continue
        option, name = found.option, m.group(1)
        own = _OPTIONS.get(verb, {}).get(option.name) is option
        if not own and option.name in _OPTIONS.get(verb, {}):
            continue  # the verb has an option of that name: a near miss of it, said by the parser
        if not own:
            owners = list(dict.fromkeys(a.verb.name for a in ATTRIBUTES[_normal(name)]))
            listed = _listed(owners)
            raw, end = _value_after(line.text, m.end(1))
            if (
                raw is None
                or raw == "->"
                or option.shape is Shape.SWITCH
                and not _separated(line.text, m.end(1))
            ):
                end = m.end(1)
            return Found(
                m.start(1),
                end,
                f"`{name}` is TwiML's name for `{option.name}`, an option of {listed}, not of `{verb}`",
                None,
                None,
            )
        raw, end = _value_after(line.text, m.end(1))
        not_its_value = (
            option.shape is Shape.SWITCH
            and not _separated(line.text, m.end(1))
            and _unquote(raw or "").lower() not in (*_TRUE, *_FALSE, *option.switch_values)
        )
        if raw is None or raw == "->" or not_its_value:
            raw, end = None, m.end(1)  # the next word is not this option's value
        text = written(option, raw, found.callback)
        if text is None and raw is not None and not _separated(line.text, m.end(1)):
            raw, end = None, m.end(1)
            text = written(option, None, found.callback)
        whole = line.text[m.start(1) : end]
        if text is None:
            return Found(
                m.start(1),
                end,
                f"`{name}` is TwiML's name for the option `{option.name}`",
                f"write `{option.syntax}`",
                None,
            )
        return Found(
            m.start(1),
            end,
            f"`{whole}` is TwiML's spelling: the option is `{option.name}`",
            f"write `{text}`",
            text,
        )
    return None


def _option_equals(line: Line) -> Found | None:
    """`max=20s`, `voice: alice`, `beep=false`: an option and its value are
    separated by a space."""
    verb = line.verb
    if verb is None:
        return None
    for name, option in _OPTIONS.get(verb, {}).items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?=\s*[=:])", line.text):
            raw, end = _value_after(line.text, m.end())
            text = written(option, raw) if raw is not None else None
            return Found(
                m.start(),
                end if raw is not None else m.end(),
                f"`{line.text[m.start() : end]}`: an option and its value are separated by a space, "
                "not `=` or `:`",
                f"write `{text}`" if text else f"write `{option.syntax}`",
                text,
            )
    return None


def _switch_value(line: Line) -> Found | None:
    """`beep false`, `transcribe true`: a switch is written alone or after `no`."""
    verb = line.verb
    for name, option in _OPTIONS.get(verb or "", {}).items():
        if option.shape not in (Shape.SWITCH, Shape.SWITCH_URL):
            continue
        m = re.search(rf"(?<![\w-]){re.escape(name)}\s+({'|'.join((*_TRUE, *_FALSE))})(?![\w-])", line.text)
        if m:
            text = written(option, m.group(1))
            if text is None:
                continue
            return Found(
                m.start(),
                m.end(),
                f"`{m.group()}`: `{name}` is a switch, written `{name}` or `{vocabulary.NEGATION} {name}`",
                f"write `{text}`",
                text,
            )
    return None


_UNITS = {
    "s": ("seconds", "second", "secs", "sec"),
    "m": ("minutes", "minute", "mins", "min"),
    "h": ("hours", "hour", "hrs", "hr"),
}
_UNIT = {word: unit for unit, words in _UNITS.items() for word in words}


def _spelt_unit(line: Line) -> Found | None:
    """`pause 2 seconds`, `max 20 secs`: a duration is `2s`."""
    for m in re.finditer(r"(?<![\w.])(\d+)\s+([A-Za-z]+)\b", line.text):
        unit = _UNIT.get(m.group(2).lower())
        if unit is None:
            continue
        text = f"{m.group(1)}{unit}"
        return Found(m.start(), m.end(), f"`{m.group()}` is written `{text}`", f"write `{text}`", text)
    return None


def _comma_list(line: Line) -> Found | None:
    """`input dtmf, speech`, `on completed, absent`, `input [dtmf, speech]`."""
    names = "|".join(re.escape(n) for n in (*_LISTS, vocabulary.EVENTS))
    m = re.search(
        rf"(?<![\w-])({names})\s+(\[\s*[\w-]+(?:\s*,\s*[\w-]+)*\s*\]|[\w-]+(?:\s*,\s*[\w-]+)+)", line.text
    )
    if not m:
        return None
    words = " ".join(p for p in re.split(r"[\s,\[\]]+", m.group(2)) if p)
    text = f"{m.group(1)} {words}"
    return Found(
        m.start(),
        m.end(),
        f"the words of `{m.group(1)}` are separated by spaces, not commas",
        f"write `{text}`",
        text,
    )


def _arrow_not_last(line: Line) -> Found | None:
    """`record -> /h max 20s`: the `->` and its target end the line."""
    verb = line.verb
    pieces = line.pieces
    arrow = next((i for i, p in enumerate(pieces) if p.text == "->"), None)
    if verb is None or arrow is None:
        return None
    target_end = arrow + 1
    if target_end < len(pieces) and pieces[target_end].text in ("GET", "POST"):
        target_end += 1
    rest = pieces[target_end + 1 :]
    if rest and rest[-1].text == ":":
        rest = rest[:-1]
    if not rest or rest[0].text not in _OPTIONS.get(verb, {}) and rest[0].text != vocabulary.NEGATION:
        return None
    start, end = pieces[arrow].start, rest[-1].end
    if rest[-1].text.endswith(":"):  # `gather -> next digits 1:`: the `:` stays last
        end -= 1
    moved = line.text[rest[0].start : end]
    arrow_text = line.text[pieces[arrow].start : pieces[target_end].end]
    text = f"{moved} {arrow_text}"
    return Found(
        start, end, "`->` and its target end the line: options come before it", f"write `{text}`", text
    )


def _label_after_options(line: Line) -> Found | None:
    """`record max 20s voicemail -> /h`: the label comes right after `record`."""
    if line.verb != "record":
        return None
    pieces = line.pieces
    arrow = next((i for i, p in enumerate(pieces) if p.text == "->"), len(pieces))
    for i in range(2, arrow):
        p = pieces[i]
        if not (p.start <= line.col <= p.end and re.fullmatch(r"[A-Za-z_]\w*", p.text)):
            continue
        if p.text in vocabulary.keywords() or i + 1 >= len(pieces):
            return None
        before = _OPTIONS["record"].get(pieces[i - 1].text)
        if pieces[i - 1].text == vocabulary.NEGATION or (
            before is not None and before.shape is not Shape.SWITCH
        ):
            return None  # the value of an option, or a misspelt switch after `no`
        if difflib.get_close_matches(p.text, [*_OPTIONS["record"], vocabulary.NEGATION], n=1, cutoff=0.6):
            return None  # a misspelt option
        if difflib.get_close_matches(p.text, vocabulary.keywords(), n=1, cutoff=0.75):
            return None  # a misspelt keyword (`lop`), which its own message names
        if pieces[i + 1].text != "->":
            return None
        start = pieces[1].start
        options = line.text[start : pieces[i - 1].end]
        text = f"{p.text} {options}"
        return Found(
            start,
            p.end,
            f"the recording's label `{p.text}` comes right after `record`, before the options",
            f"write `record {text}`",
            text,
        )
    return None


def _options_before_value(line: Line) -> Found | None:
    """`say voice alice "Hello"`: the text comes right after the verb."""
    verb = _VALUE_FIRST.get(line.verb or "")
    pieces = line.pieces
    if verb is None or len(pieces) < 3 or pieces[1].text not in _OPTIONS[verb.name]:
        return None
    for i in range(2, len(pieces)):
        p = pieces[i]
        if p.text == "->":
            return None
        value = p.kind == "string" or (verb.name == "play" and re.match(r"(https?://|/)", p.text))
        if value and not (
            pieces[i - 1].text in _OPTIONS[verb.name] and _takes_string(verb, pieces[i - 1].text)
        ):
            start = pieces[1].start
            options = line.text[start : pieces[i - 1].end]
            text = f"{p.text} {options}"
            what = verb.values[0].placeholder.strip('"').lower()
            return Found(
                start,
                p.end,
                f"the {what} of `{verb.name}` comes right after it, before the options",
                f"write `{verb.name} {text}`",
                text,
            )
    return None


def _takes_string(verb: Verb, option: str) -> bool:
    found = verb.option(option)
    return found is not None and found.shape in (Shape.STRING, Shape.TEXT)


_HOST = r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?"


def _url_without_scheme(line: Line) -> Found | None:
    """`redirect -> example.com/next`, `play www.example.com/a.mp3`."""
    m = re.search(rf"(?<![\w/:.\"-])({_HOST}/[^\s\"#]*|www\.{_HOST}[^\s\"#]*)", line.text)
    if not m:
        return None
    text = f"https://{m.group(1)}"
    return Found(
        m.start(1),
        m.end(1),
        f"`{m.group(1)}` has no scheme: a URL starts with `https://` (without one, it reads as a "
        "step of another flow)",
        f"write `{text}`",
        text,
        safe=False,  # `http://` may be meant
    )


def _hyphenated_reference(line: Line) -> Found | None:
    """`-> main-menu`: a step name has no `-`."""
    m = re.search(
        r"->\s*(?:(?:GET|POST)\s+)?((?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*(?:-\w+)+)(?![\w/.:-])", line.text
    )
    if not m:
        return None
    name = m.group(1).replace("-", "_")
    return Found(
        m.start(1),
        m.end(1),
        f"`{m.group(1)}` is not a step name: a step name is letters, digits and `_`",
        f"write `{name}`",
        name,
    )


HABITS: tuple[Habit, ...] = (
    _indented_step,
    _yaml_step,
    _step_parentheses,
    _hyphenated_flow,
    _block_without_colon,
    _element,
    _call_parentheses,
    _arrow,
    _single_quotes,
    _url_without_scheme,
    _hyphenated_reference,
    _action_attribute,
    _value_named,
    _twiml_attribute,
    _option_equals,
    _loop_times,
    _switch_value,
    _spelt_unit,
    _comma_list,
    _options_before_value,
    _label_after_options,
    _arrow_not_last,
    _missing_arrow,
    _semicolon,
)


def recognise(lines: list[str] | tuple[str, ...], line: int, col: int) -> Found | None:
    """The first habit on ``line`` (0-based) whose mistake covers ``col``
    (0-based; the column a syntax error points at), or ``None``."""
    if not 0 <= line < len(lines):
        return None
    at = Line(tuple(lines), line, col)
    for habit in HABITS:
        found = habit(at)
        if found is None:
            continue
        if found.line or found.start <= col <= max(found.end, found.start + 1):
            return found
    return None
