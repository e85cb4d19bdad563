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
from .twiml_names import (  # noqa: F401 (part of this module's interface)
    _OPTIONS,
    ATTRIBUTES,
    SAME_MEANING,
    Attribute,
    _normal,
    attribute,
    counterpart,
)
from .vocabulary import Option, Shape, Value, Verb


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


# ---- the TwiML names, from the vocabulary (flowc/twiml_names.py) -------------------------------

ELEMENTS = {v.element: v.name for v in vocabulary.VERBS if v.element and v.element != v.name}
_VALUE_FIRST = {v.name: v for v in vocabulary.VERBS if v.values and not v.values[0].keyword and v.options}
_LISTS = {
    **{o.name: o for v in vocabulary.VERBS for o in v.options if o.shape is Shape.WORDS},
}
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


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
    if shape is Shape.SWITCH_URL and value is not None and re.match(r"(https?://|/)\S*\Z", value):
        return f"{name} {value}"
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


def default_written(option: Option) -> str | None:
    """The option written with Twilio's default value (``max 1h``), for a
    TwiML name written without its value; ``None`` when the default is not
    a duration the option can be written with."""
    m = re.match(r"(\d+) s\b", option.default)
    if m is None or option.shape not in (Shape.DURATION, Shape.DURATION_OR_OFF, Shape.DURATION_OR_AUTO):
        return None
    seconds = int(m.group(1))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    units = (hours, "h"), (minutes, "m"), (seconds, "s")
    return f"{option.name} " + "".join(f"{n}{u}" for n, u in units if n)


def without_value(option: Option, callback: bool = False) -> tuple[str, str | None]:
    """The hint and the fix (unsafe: the value is a guess) for a TwiML name
    written without its value: the option, and Twilio's default when it has
    one (``record maxLength -> /h``: ``max 1h``)."""
    text = written(option, None, callback)
    if text is not None:
        return f"write `{text}`", text
    default = default_written(option)
    if default is None:
        return f"write `{option.syntax}`", None
    return f"write `{option.syntax}`; `{default}` is Twilio's default", default


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
    m = re.match(r"flow\s+([A-Za-z_]\w*(?:[-.]\w+)+)", line.text)
    if not m:
        return None
    name = m.group(1).replace("-", "_").replace(".", "_")
    return Found(
        m.start(1),
        m.end(1),
        f"`{m.group(1)}` is not a flow name: a flow name is letters, digits and `_`",
        f"write `{name}`",
        name,
    )


def _block_without_colon(line: Line) -> Found | None:
    """`gather digits 1 -> /h`, `client` with an indented block under it and no `:`."""
    indent = len(line.text) - len(line.text.lstrip(" \t"))
    number = line.number - 1
    while number >= 0 and not line.lines[number].split("#", 1)[0].strip():
        number -= 1
    if number < 0 or line.col > indent:
        return None
    header = Line(line.lines, number, 0)
    above = len(header.text) - len(header.text.lstrip(" \t"))
    entry = vocabulary.BY_NAME.get(header.verb or "")
    if entry is None or not entry.children or indent <= above or header.text[: header.code_end].endswith(":"):
        return None
    first = line.text.split()[0] if line.text.split() else ""
    if first not in entry.children and not (entry.text and first.startswith('"')):
        return None  # not what the element holds: an indentation mistake, said by the parser
    code = header.text[above : header.code_end]
    held = "a `gather` with a block of prompts" if entry.name == "gather" else f"a `{entry.name}` line with a block"
    return Found(
        header.code_end,
        header.code_end,
        f"{held} under it ends with `:`",
        f"write `{code}:`",
        ":",
        line=number - line.number,
    )


_ARROWS = (
    "=>",
    "\u2192",
    "\u21d2",
    "\u27f6",
    "\u27f9",
    "\u2794",
    "\u279c",
    "-->",
    "\u2014>",
    "\u2013>",
    "- >",
    "->>",
)


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
    m = re.match(r"[ \t]*([a-z]+)\s*(\(\s*\))", line.text)
    if not m or m.group(1) not in vocabulary.BY_NAME:
        return None
    return Found(
        m.end(1),
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


def _fold(name: str) -> str:
    """A name with its case and separators folded: `serviceInstanceSid`,
    `service-instance-sid` and `service_instance_sid` are one name."""
    return name.replace("-", "").replace("_", "").lower()


def _names_the_value(verb: Verb, value: Value, word: str) -> bool:
    """Whether ``word`` is the name of ``value`` (its field or its TwiML
    attribute, in any case and with any separators) and not an option's name."""
    names = {_fold(value.field)}
    if value.attribute:
        names.add(_fold(value.attribute))
    return _fold(word) in names and word not in _OPTIONS.get(verb.name, {})


def _starts_with_the_value_name(line: Line) -> bool:
    """`conversation service-instance-sid "IS…"`: the line names its verb's
    value before writing it (answered by :func:`_value_named`)."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    pieces = line.pieces
    return (
        verb is not None
        and len(pieces) > 2
        and pieces[1].kind == "word"
        and any(not v.keyword and _names_the_value(verb, v, pieces[1].text.rstrip("=:")) for v in verb.values)
    )


def _value_named(line: Line) -> Found | None:
    """`dial number="+1555"`, `play url=/a.mp3`, `pause length=2`, `reject
    reason=busy`, `conversation serviceInstanceSid "IS…"`: a verb's value is
    written without its name (its field or its TwiML attribute)."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    if verb is None:
        return None
    for value in verb.values:
        if value.keyword:
            continue
        m = re.compile(r"\s+([A-Za-z][\w-]*)(?:\s*[=:]\s*|\s+)(\"[^\"]*\"|'[^']*'|[^\s\"'#]+)").match(
            line.text, line.text.index(verb.name) + len(verb.name)
        )
        if not m or not _names_the_value(verb, value, m.group(1)):
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
    if verb is None or verb.arrow is None:
        return None
    # `<Redirect>`'s URL is its text: `redirect url=/next` is the same habit
    name = "action" if "action" in verb.arrow.fields else "url"
    separator = r"\s*[=:]\s*" if name in _OPTIONS.get(verb.name, {}) else r"(?:\s*[=:]\s*|\s+)"
    m = re.search(rf"(?<![\w-]){name}{separator}(\"[^\"]*\"|'[^']*'|[^\s\"'#]+)", line.text)
    if not m or not _outside_strings(line.text, m.start()) or m.group(1).startswith("->"):
        return None
    value, colon, end = m.group(1), "", m.end()
    rest = line.text[m.end() : line.code_end].strip()
    if not rest and value.endswith(":") and len(value) > 1:
        value, end = value[:-1], end - 1  # `connect action /after:`: the colon opens its block
    elif rest.endswith(":"):
        rest, colon = rest[:-1].rstrip(), ":"
    arrow = f"-> {_unquote(value)}"
    text = (f"{rest} {arrow}" if rest else arrow) + colon
    whole = line.text[m.start() : end]
    return Found(
        m.start(),
        line.code_end if rest else end,
        f"`{whole}` is TwiML's spelling: the action is written `->` and its target"
        if name == "action"
        else f"`{whole}` is TwiML's spelling: the target is written after `->`",
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
    m = re.search(r"(?<![\w-])loop\s+(\d+)(?:\s+times?\b|\s*[x×]\b)", line.text)
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
        if not own and option.name in _OPTIONS.get(verb, {}) and line.col == m.start(1):
            continue  # the verb has an option of that name: the parser says the near miss here
        if not own:
            owners = list(dict.fromkeys(a.verb.name for a in ATTRIBUTES[_normal(name)]))
            listed = _listed(owners)
            raw, end = _value_after(line.text, m.end(1))
            if (
                raw is None
                or raw == "->"
                or option.shape is Shape.SWITCH
                and not _separated(line.text, m.end(1))
                and _unquote(raw).lower() not in (*_TRUE, *_FALSE, *option.switch_values)
            ):
                end = m.end(1)
            if raw == "->":
                raw = None
            same = counterpart(option, verb)
            text = written(same, raw) if same is not None else None
            if same is not None:
                hint = f"`{verb}` has `{same.name}` for this: write `{text or same.syntax}`"
            else:
                hint = _options_of(verb)
            return Found(
                m.start(1),
                end,
                f"`{name}` is TwiML's name for `{option.name}`, an option of {listed}, not of `{verb}`",
                hint,
                text,
                safe=False,  # another verb's option: what was meant is a guess
            )
        if found.part != "value":
            return _callback_part(line, m, found)
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
            hint, text = without_value(option, found.callback)
            return Found(
                m.start(1),
                end,
                f"`{name}` is TwiML's name for the option `{option.name}`",
                hint,
                text,
                safe=False,  # Twilio's default stands for the value not written
            )
        return Found(
            m.start(1),
            end,
            f"`{whole}` is TwiML's spelling: the option is `{option.name}`",
            f"write `{text}`",
            text,
        )
    return None


def _options_of(verb: str) -> str:
    """A hint that lists the options ``verb`` has."""
    names = list(_OPTIONS.get(verb, {}))
    if not names:
        return f"remove it: `{verb}` takes no options"
    listed = (
        ", ".join(f"`{n}`" for n in names[:-1]) + f" and `{names[-1]}`" if len(names) > 1 else f"`{names[0]}`"
    )
    return f"remove it: the options of `{verb}` are {listed}"


def _callback_part(line: Line, m: re.Match[str], found: Attribute) -> Found:
    """`recordingStatusCallbackMethod GET`, `recordingStatusCallbackEvent
    completed`: the method and the events are written with the callback's
    URL (`status GET /s on completed`)."""
    option, name = found.option, m.group(1)
    raw, end = _value_after(line.text, m.end(1))
    if raw == "->":
        raw, end = None, m.end(1)
    if found.part == "method":
        method = _unquote(raw or "").upper()
        return Found(
            m.start(1),
            end,
            f"`{name}` is TwiML's name for the method of `{option.name}`, written before its URL",
            f"write `{option.name} {method if method in ('GET', 'POST') else 'GET'} URL`",
            None,
        )
    words = [w for w in re.split(r"[\s,]+", _unquote(raw or "")) if w]
    end_words = end
    if raw is not None and not raw.startswith(("'", '"')):
        # `...Event completed absent`: the words after it that are events
        more = re.compile(r"\s+([a-z-]+)").match(line.text, end)
        while more and more.group(1) in option.events:
            words.append(more.group(1))
            end_words = more.end()
            more = re.compile(r"\s+([a-z-]+)").match(line.text, end_words)
    before = line.text[: m.start(1)].split()
    follows_url = len(before) >= 2 and (
        before[-2] == option.name or len(before) >= 3 and before[-3] == option.name
    )
    text = f"{vocabulary.EVENTS} {' '.join(words)}" if words and follows_url else None
    return Found(
        m.start(1),
        end_words,
        f"`{name}` is TwiML's name for the events of `{option.name}`, written `{vocabulary.EVENTS}` after "
        "its URL",
        f"write `{option.name} URL {vocabulary.EVENTS} {' '.join(words) or 'EVENT'}`"
        if text is None
        else f"write `{text}`",
        text,
    )


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
        rf"(?<![\w-])({names})\s+(\[\s*[\w-]+(?:\s*,\s*[\w-]+)*\s*\]|[\w-]+(?:\s*[,|/+]\s*[\w-]+)+)",
        line.text,
    )
    if not m:
        return None
    words = " ".join(p for p in re.split(r"[\s,|/+\[\]]+", m.group(2)) if p)
    text = f"{m.group(1)} {words}"
    mark = next((c for c in m.group(2) if c in ",|/+"), ",")
    return Found(
        m.start(),
        m.end(),
        f"the words of `{m.group(1)}` are separated by spaces, not "
        + ("commas" if mark == "," else f"`{mark}`"),
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


# -- more habits: Python, JSON, shell, and what TwiML writes as elements --------------------------


def _outside_strings(text: str, at: int) -> bool:
    return text[:at].count('"') % 2 == 0


_SCHEME = re.compile(
    r"(?<![\w.+-])(h+t+p+s?|htps?|htts?|hhtps?)(://?|:/|//|:\\\\|:(?=[A-Za-z0-9]))(?=[\w\[])"
)


def _scheme_typo(line: Line) -> Found | None:
    """`http//example.com`, `https:/example.com`, `htps://…`: a URL's
    scheme is `https://` or `http://`."""
    for m in _SCHEME.finditer(line.text):
        if m.group() in ("http://", "https://") or not _outside_strings(line.text, m.start()):
            continue
        text = "https://" if m.group(1).endswith("s") else "http://"
        return Found(
            m.start(),
            m.end(),
            f"`{m.group()}` is not a URL's scheme: a URL starts with `https://` or `http://`",
            f"write `{text}`",
            text,
        )
    return None


def _xml_line(line: Line) -> Found | None:
    """`<break time="500ms"/>`, `<Pause length="2"/>`, `<Number sendDigits="w1">+1555…</Number>`:
    a whole TwiML element on a line, written as the language writes it (every
    attribute must be one the element has; otherwise the habits below answer)."""
    m = re.match(
        r"[ \t]*<([A-Za-z][A-Za-z-]*)((?:\s+[A-Za-z:-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?:/>|>([^<]*)</\1>)[ \t]*(?=#|$)",
        line.text,
    )
    entry = vocabulary.BY_ELEMENT.get(m.group(1)) if m else None
    if m is None or entry is None:
        return None
    attrs = {a: _unquote(v) for a, v in re.findall(r"([A-Za-z:-]+)\s*=\s*(\"[^\"]*\"|'[^']*')", m.group(2))}
    content = (m.group(3) or "").strip()
    words = [entry.name]
    action = attrs.pop("action", None)
    if entry.arrow is not None and entry.arrow.fields[0] == "content":
        action, content = content or None, ""  # `<Redirect>/next</Redirect>`
    for value in entry.values:
        raw = content if value.attribute is None else attrs.pop(value.attribute, None)
        if not raw:
            continue
        if value.placeholder == "DURATION" and raw.isdigit():
            raw += "s"  # `<Pause length="2">`: seconds
        words += [value.keyword] if value.keyword else []
        words.append(_quoted(raw) if value.placeholder.startswith('"') or " " in raw else raw)
    for option in entry.options:
        present = [(a, form) for _, a, form in option.attributes if a in attrs]
        if not present:
            continue
        if [form for _, form in present] not in (["value"], ["words"]) and option.shape is not Shape.CALLBACK:
            return None
        text = written(option, attrs.pop(present[0][0]), callback=option.shape is Shape.CALLBACK)
        if text is None:
            return None
        words.append(text)
    method = attrs.pop("method", None)
    if attrs or (method and not action):
        return None  # an attribute the line cannot say: the parser's message stands
    if action:
        words.append("->" + (f" {method}" if method else "") + f" {action}")
    text = " ".join(words)
    start = len(line.text) - len(line.text.lstrip(" \t"))
    tag = line.text[start : m.end()] if m.group(3) is None and not m.group(2) else f"<{m.group(1)}>"
    said = f"the verb is written `{text}`" if text == entry.name else f"the line is written `{text}`"
    return Found(start, m.end(), f"`{tag.strip()}` is TwiML's element: {said}", f"write `{text}`", text)


def _element_with_content(line: Line) -> Found | None:
    """`<Say>Hello</Say>`, `<Redirect>/next</Redirect>`: TwiML's element with
    its text is the verb with its value."""
    m = re.match(r"[ \t]*<([A-Z][A-Za-z]*)((?:\s+[^>]*?)?)\s*>([^<]*)</\1>", line.text)
    if not m or m.group(1) not in ELEMENTS:
        return None
    verb = vocabulary.BY_NAME[ELEMENTS[m.group(1)]]
    content = m.group(3).strip()
    values = [v for v in verb.values if not v.keyword]
    if values and values[0].placeholder.startswith('"'):
        value = _quoted(content)
    elif verb.arrow is not None and not values:
        value = f"-> {content}"
    else:
        value = content
    attributes = m.group(2).strip()
    text = " ".join(p for p in (verb.name, value, attributes) if p)
    start = len(line.text) - len(line.text.lstrip(" \t"))
    return Found(
        start,
        m.end(),
        f"`<{m.group(1)}>` is TwiML's element: the verb is written `{verb.name}`, its text after it",
        f"write `{text}`",
        text,
    )


def _brace(line: Line) -> Found | None:
    """`step start {` and `}`: blocks are marked by indentation."""
    end = line.code_end
    code = line.text[:end]
    if code.strip() == "}":
        start = code.index("}")
        return Found(start, end, "blocks are marked by indentation, not braces", "remove the `}`", "", line=0)
    if code.endswith("{") and _outside_strings(code, end - 1):
        start = len(code[:-1].rstrip(" \t"))
        return Found(
            start, end, "a block opens with `:` and indentation, not `{`", "write `:` instead of `{`", ":"
        )
    return None


_BRANCH_WORDS = {"else": "otherwise", "default": "otherwise", "if": "when", "elif": "when", "case": "when"}


def _python_branch(line: Line) -> Found | None:
    """`else -> start`, `if digits "1" -> sales`: the branches are `when` and
    `otherwise`."""
    m = re.match(r"[ \t]+(else if|else|default|elif|if|case)\b", line.text)
    if not m:
        return None
    word = m.group(1)
    meant = _BRANCH_WORDS.get(word, "when")
    return Found(
        m.start(1),
        m.end(1),
        f'`{word}` is not a branch: a branch is `when digits "KEYS" -> …`, the rest `otherwise -> …`',
        f"write `{meant}`",
        meant,
    )


def _comparison(line: Line) -> Found | None:
    """`when digits == "1"`: the keys follow `digits` with no operator."""
    m = re.match(r"([ \t]+when\s+digits)(\s*(?:==|=|:|\bis\b|\bequals\b)\s*)(?=\S)", line.text)
    if not m:
        return None
    return Found(
        m.start(2),
        m.end(2),
        f'`{m.group(2).strip()}` is not needed: the keys follow `digits` (`when digits "1" -> …`)',
        f"remove `{m.group(2).strip()}`",
        " ",
    )


def _string_prefix(line: Line) -> Found | None:
    """`say f"Hello {name}"`: a flow's text is said as written."""
    m = re.search(r"(?<![\w\"])([fFrRbBuU]{1,2})(?=\")", line.text)
    if not m or not _outside_strings(line.text, m.start()):
        return None
    return Found(
        m.start(),
        m.end(),
        f'`{m.group()}"…"` is Python\'s: text is written in plain double quotes and said as written',
        f"remove `{m.group()}`",
        "",
    )


def _concatenation(line: Line) -> Found | None:
    """`say "Hello, " + "world"`: text is one string; flows have no variables."""
    pieces = line.pieces
    for i in range(len(pieces) - 1):
        if pieces[i].kind != "string" or pieces[i + 1].text != "+":
            continue
        if i + 2 < len(pieces) and pieces[i + 2].kind == "string":
            a, b = pieces[i], pieces[i + 2]
            if not (a.text.endswith('"') and b.text.endswith('"') and a.text[0] == b.text[0] == '"'):
                return None
            text = a.text[:-1] + b.text[1:]
            return Found(
                a.start, b.end, "text is one quoted string, not joined with `+`", f"write {text}", text
            )
        return Found(
            pieces[i + 1].start,
            line.code_end,
            "text is one quoted string: a flow has no variables to join to it",
            "write the whole text in one quoted string",
            None,
        )
    return None


def _triple_quotes(line: Line) -> Found | None:
    """`say \"\"\"Hello\"\"\"`: text is in one pair of double quotes."""
    m = re.search(r"(\"\"\"|''')(.*?)(\1|$)", line.text)
    if not m:
        return None
    if not line.text[: m.start()].strip() and not line.text[m.end() : line.code_end].strip():
        text = f"# {m.group(2).strip()}"  # a docstring, alone on its line
        return Found(m.start(), m.end(), "a comment starts with `#`", f"write `{text}`", text)
    text = _quoted(m.group(2))
    return Found(m.start(), m.end(), "text is in one pair of double quotes", f"write {text}", text)


def _flow_colon(line: Line) -> Found | None:
    """`flow main:`: a flow's line ends with its name."""
    m = re.match(r"flow\s+[A-Za-z_][\w-]*(\s*:)", line.text)
    if not m:
        return None
    return Found(m.start(1), m.end(1), "a `flow` line has no `:`", "remove the `:`", "")


def _slash_comment(line: Line) -> Found | None:
    """`say "Hi" // greet`: a comment starts with `#`."""
    for m in re.finditer(r"(?:^|(?<=\s))(//|--)(?=\s|$)", line.text):
        if _outside_strings(line.text, m.start()):
            return Found(m.start(), m.end(), "a comment starts with `#`", "write `#`", "#")
    return None


def _step_one_line(line: Line) -> Found | None:
    """`step start: hangup`: the step's lines go under it, indented."""
    m = re.match(r"(step\s+[A-Za-z_]\w*\s*:)[ \t]*(?=[a-z])", line.text)
    if not m or line.text[m.end() :].split()[0] not in vocabulary.BY_NAME:
        return None
    rest = line.text[m.end() : line.code_end]
    return Found(
        m.end(1),
        line.code_end,
        "a step's lines go under the `step` line, indented",
        f"write `{rest}` on the next line, indented",
        f"\n    {rest}",
    )


def _reference_parentheses(line: Line) -> Found | None:
    """`redirect -> handle()`: a step is not a function."""
    m = re.search(r"->\s*(?:(?:GET|POST)\s+)?(?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*(\(\s*\))", line.text)
    if not m:
        return None
    return Found(m.start(1), m.end(1), "a step is not a function: it takes no parentheses", "remove `()`", "")


def _colon_without_block(line: Line) -> Found | None:
    """`redirect -> handle:`: a verb with nothing to hold opens no block."""
    verb = line.verb
    end = line.code_end
    entry = vocabulary.BY_NAME.get(verb or "")
    if entry is None or entry.children or end == 0 or line.text[end - 1] != ":":
        return None
    start = len(line.text[: end - 1].rstrip(" \t"))
    return Found(
        start,
        end,
        f"`{verb}` holds nothing, so it opens no block: its line ends without `:`",
        "remove the `:`",
        "",
    )


def _list_item(line: Line) -> Found | None:
    """`- say "Hi"`: a step's lines are not a YAML list."""
    m = re.match(r"[ \t]*([-*•]\s+)(?=[a-z])", line.text)
    if not m or line.text[m.end() :].split()[0] not in vocabulary.keywords():
        return None
    return Found(
        m.start(1), m.end(1), "a step's lines are not a list: they start with the verb", "remove the `-`", ""
    )


def _verb_colon_text(line: Line) -> Found | None:
    """`say: Hello`: the verb, then its text in double quotes."""
    m = re.match(r"[ \t]*([a-z]+)(\s*:\s*)([^\s\"'#].*?)\s*(?=#|$)", line.text)
    if (
        not m
        or m.group(1) not in _VALUE_FIRST
        or not _VALUE_FIRST[m.group(1)].values[0].placeholder.startswith('"')
    ):
        return None
    text = " " + _quoted(m.group(3))
    return Found(
        m.start(2),
        m.end(3),
        f"`{m.group(1)}` is followed by its text in double quotes, not by `:`",
        f"write `{m.group(1)}{text}`",
        text,
    )


def _comma(line: Line) -> Found | None:
    """`say "Hi", voice alice`: options are separated by spaces."""
    if line.verb is None:
        return None
    for piece in line.pieces:
        if piece.kind == "word" and "," in piece.text and (piece.text == "," or piece.text.endswith(",")):
            at = piece.end - 1
            return Found(
                at, at + 1, "a verb's options are separated by spaces, not commas", "remove the `,`", ""
            )
    return None


def _variable(line: Line) -> Found | None:
    """`redirect -> $next`, `say {name}`, `redirect -> $BASE_URL/next`: a flow has no variables."""
    m = re.search(r"(\$\{?|\{)([A-Za-z_]\w*)\}?", line.text)
    if not m or not _outside_strings(line.text, m.start()):
        return None
    after_arrow = re.search(r"->\s*(?:(?:GET|POST)\s+)?$", line.text[: m.start()]) is not None
    message = f"`{m.group()}` is not a value: a flow has no variables"
    path = re.match(r"/([^\s\"#]*)", line.text[m.end() :])
    if after_arrow and path:  # `$BASE_URL/next`: a base URL kept in a variable
        rest = path.group(1).removesuffix(".xml")
        end = m.end() + path.end()
        if re.fullmatch(r"[A-Za-z_]\w*", rest):
            return Found(
                m.start(),
                end,
                message,
                f"write the step `{rest}`; to make step links absolute URLs, set `base-url URL` "
                "under the `flow` line",
                rest,
                safe=False,
            )
        return Found(m.start(), end, message, f"write the URL in full (`https://…/{path.group(1)}`)", None)
    return Found(
        m.start(),
        m.end(),
        message,
        f"write the step `{m.group(2)}`, `flow.step` or a URL" if after_arrow else "write the value itself",
        m.group(2) if after_arrow else None,
        safe=False,
    )


def _relative_path(line: Line) -> Found | None:
    """`play ~/a.mp3`, `redirect -> ./next`: URLs are absolute or start with `/`."""
    m = re.search(r"(?<![\w/.])(~|\.\.?)/([^\s\"#]*)", line.text)
    if not m or not _outside_strings(line.text, m.start()):
        return None
    name = m.group(2)
    step = re.fullmatch(r"[A-Za-z_]\w*", name) and line.verb != "play"
    hint = f"write the URL path `/{name}`" + (f", or the step `{name}`" if step else "")
    return Found(
        m.start(),
        m.end(),
        f"`{m.group()}` is a path on your disk: a URL is absolute (`https://…`) or a path from the site's "
        "root (`/…`)",
        hint,
        None,
    )


_SUBSECOND = re.compile(r"(?<![\w.])(\d+)ms\b|(?<![\w.,])(\d+[.,]\d+)(s|m|h)?\b")


_TIMED_SHAPES = (Shape.DURATION, Shape.DURATION_OR_OFF, Shape.DURATION_OR_AUTO)


def _subsecond(line: Line) -> Found | None:
    """`pause 500ms`, `pause 1.5s`: Twilio counts whole seconds."""
    for m in _SUBSECOND.finditer(line.text):
        if not _outside_strings(line.text, m.start()):
            continue
        before = line.text[: m.start()].split()
        option = _OPTIONS.get(line.verb or "", {}).get(before[-1]) if before else None
        if option is not None and option.shape not in _TIMED_SHAPES:
            continue  # `charge-amount 10.00`: not a duration
        if m.group(1) is not None:
            seconds = max(1, round(int(m.group(1)) / 1000))
            text = f"{seconds}s"
        else:
            unit = m.group(3) or "s"
            scale = {"s": 1, "m": 60, "h": 3600}[unit]
            seconds = max(1, round(float(m.group(2).replace(",", ".")) * scale))
            minutes, rest = divmod(seconds, 60)
            text = f"{minutes}m{rest}s" if minutes and rest else f"{minutes}m" if minutes else f"{rest}s"
        return Found(
            m.start(),
            m.end(),
            f"`{m.group()}`: Twilio counts durations in whole seconds",
            f"write `{text}`",
            text,
            safe=False,  # rounded
        )
    return None


def _upper_unit(line: Line) -> Found | None:
    """`20S`, `1H30M`: units are lower case."""
    m = re.search(r"(?<![\w.])((?:\d+[hHmMsS])+)(?![\w.])", line.text)
    if not m or m.group(1) == m.group(1).lower() or not _outside_strings(line.text, m.start()):
        return None
    text = m.group(1).lower()
    if not _DURATION.match(text):
        return None
    return Found(m.start(1), m.end(1), "a duration's unit is written in lower case", f"write `{text}`", text)


def _quoted_value(line: Line) -> tuple[Verb, str] | None:
    """The line's verb when its value is a quoted string (`say "TEXT"`,
    `sip "SIP-URI"`), with that value's name in words (`text`, `SIP URI`)."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    first = next((v for v in verb.values if not v.keyword), None) if verb is not None else None
    if verb is None or first is None or not first.placeholder.startswith('"'):
        return None
    words = first.placeholder.strip('"').split("-")
    return verb, " ".join(w if w in ("SIP", "URI", "SID", "JSON") else w.lower() for w in words)


def _unquoted_value(line: Line) -> Found | None:
    """`sip sip:alice@example.com`, `number +15550100`: an element's value
    that is a quoted string, written bare."""
    found = _quoted_value(line)
    if found is None or not found[0].generated or len(line.pieces) < 2 or _starts_with_the_value_name(line):
        return None
    (verb, what), piece = found, line.pieces[1]
    if (
        piece.kind != "word"
        or piece.text in _OPTIONS.get(verb.name, {})
        or not re.fullmatch(r"[^\s\"'#]*[:@+./][^\s\"'#]*", piece.text)
    ):
        return None
    text = _quoted(piece.text.strip("'"))
    return Found(
        piece.start,
        piece.end,
        f"`{verb.name}` takes its {what} in double quotes",
        f"write `{verb.name} {text}`",
        text,
    )


def _bare_json(line: Line) -> Found | None:
    """`task {"team": "support"}`: JSON is a value in double quotes, its own quotes escaped."""
    m = re.match(r"[ \t]*[a-z-]+[ \t]+(\{.*\}|\[.*\])[ \t]*(?=#|$)", line.text)
    found = _quoted_value(line)
    if m is None or found is None:
        return None
    verb, what = found
    text = _quoted(m.group(1))
    return Found(
        m.start(1),
        m.end(1),
        f"`{verb.name}` takes its {what} in double quotes, with its own quotes written `\\\"`",
        f"write `{verb.name} {text}`",
        text,
    )


def _parameter_attributes(line: Line) -> Found | None:
    """`parameter name "x" value "y"`, `parameter name="x" value="y"`: TwiML's
    attributes; the language writes `parameter NAME "VALUE"`."""
    m = re.match(
        r"[ \t]*parameter[ \t]+(name[ \t]*=?[ \t]*(\"[^\"]*\"|\S+)[ \t]+value[ \t]*=?[ \t]*(\"[^\"]*\"|\S+))",
        line.text,
    )
    if m is None:
        return None
    name, value = _unquote(m.group(2)), _unquote(m.group(3))
    written_name = name if re.fullmatch(r"[A-Za-z_][\w.-]*", name) else _quoted(name)
    text = f"{written_name} {_quoted(value)}"
    return Found(
        m.start(1),
        m.end(1),
        "a `parameter` line is written `parameter NAME \"VALUE\"`, without TwiML's attribute names",
        f"write `parameter {text}`",
        text,
    )


def _unquoted_text(line: Line) -> Found | None:
    """`say Hello there`: a verb's text is in double quotes."""
    found = _quoted_value(line)
    if found is None or len(line.pieces) < 2 or _starts_with_the_value_name(line):
        return None
    verb, what = found
    words = []
    for piece in line.pieces[1:]:
        if piece.kind != "word" or piece.text in _OPTIONS.get(verb.name, {}) or piece.text == "->":
            break
        words.append(piece)
    if (
        not words
        or not re.fullmatch(r"[A-Za-z][\w',.!?-]*", words[0].text)
        or words[0].text in vocabulary.BY_NAME  # `dial queue support`: a noun, said below
        or line.text[words[0].end : words[0].end + 1] in ("'", '"')  # `f"…"`: a string's prefix
    ):
        return None
    text = _quoted(line.text[words[0].start : words[-1].end])
    return Found(
        words[0].start,
        words[-1].end,
        f"`{verb.name}` takes its {what} in double quotes",
        f"write `{verb.name} {text}`",
        text,
    )


def _quoted_words(line: Line) -> Found | None:
    """`gather input "speech dtmf"`: the words of a list are written bare."""
    lists = [n for n, o in _OPTIONS.get(line.verb or "", {}).items() if o.shape is Shape.WORDS]
    if not lists:
        return None
    names = "|".join(re.escape(n) for n in lists)
    m = re.search(rf"(?<![\w-])({names})[ \t]+(\"([a-z][\w -]*)\")", line.text)
    if not m or not _outside_strings(line.text, m.start()):
        return None
    text = " ".join(m.group(3).split())
    return Found(
        m.start(2),
        m.end(2),
        f"the words of `{m.group(1)}` are written without quotes",
        f"write `{m.group(1)} {text}`",
        text,
    )


def _value_without_its_option(line: Line) -> Found | None:
    """`prompt payment-card-number`: a value written without the option it belongs to."""
    options = _OPTIONS.get(line.verb or "", {})
    for piece in line.pieces[1:]:
        word = piece.text.rstrip(":")
        if piece.kind != "word" or word in options or word in vocabulary.BY_NAME:
            continue
        owners = [o for o in options.values() if word in o.values and o.shape in (Shape.WORD, Shape.WORDS)]
        if len(owners) != 1:
            continue
        text = f"{owners[0].name} {word}"
        return Found(
            piece.start,
            piece.start + len(word),
            f"`{word}` is a value of `{owners[0].name}`, written after it",
            f"write `{text}`",
            text,
        )
    return None


def _verb_not_indented(line: Line) -> Found | None:
    """A verb at the start of the line under `step NAME:`: a step's lines are indented."""
    m = re.match(r"([a-z][a-z-]*)(?=\s|$)", line.text)
    if not m or m.group(1) not in vocabulary.BY_NAME or vocabulary.BY_NAME[m.group(1)].noun:
        return None
    number = line.number - 1
    while number >= 0 and not line.lines[number].split("#", 1)[0].strip():
        number -= 1
    if number < 0 or not re.match(r"\S.*:\s*(#.*)?$", line.lines[number]):
        return None  # not right under a line that opens a block
    return Found(0, 0, "the lines of a step are indented under it", "indent it by four spaces", "    ")


def _unquoted_string_option(line: Line) -> Found | None:
    """`finish #`, `gather finish *`, `caller-id +15550000000`: the value
    of such an option is in double quotes (`#` alone starts a comment)."""
    strings = [n for n, o in _OPTIONS.get(line.verb or "", {}).items() if o.shape is Shape.STRING]
    if not strings:
        return None
    names = "|".join(re.escape(n) for n in strings)
    listed = re.search(rf"(?<![\w-])({names})[ \t]+(\[[^\]]*\])", line.text)
    if listed and _outside_strings(line.text, listed.start()):
        words = [_unquote(w.strip()) for w in listed.group(2)[1:-1].split(",") if w.strip()]
        text = _quoted(", ".join(words))
        return Found(
            listed.start(2),
            listed.end(2),
            f"the value of `{listed.group(1)}` is one quoted text, not a list",
            f"write `{listed.group(1)} {text}`",
            text,
        )
    m = re.search(rf"(?<![\w-])({names})[ \t]+(#[#*0-9]*(?=\s|$)|[^\s\"'#]+?)(?=:?[ \t]*(?:#|$)|[\s\"'#])", line.text)
    if not m or not _outside_strings(line.text, m.start()) or m.group(2) == "->":
        return None
    value = m.group(2).strip("'")  # a `:` after it opens the line's block
    text = _quoted(value)
    comment = " (`#` alone starts a comment)" if value.startswith("#") else ""
    return Found(
        m.start(2),
        m.end(2),
        f"the value of `{m.group(1)}` is written in double quotes{comment}",
        f"write `{m.group(1)} {text}`",
        text,
    )


def _loop_forever(line: Line) -> Found | None:
    """`loop forever`, `loop -1`: `loop 0` repeats until the caller hangs up."""
    m = re.search(r"(?<![\w-])loop(\s+|\s*=\s*)(forever|infinite|infinity|always|inf|-1|true)\b", line.text)
    if not m:
        return None
    return Found(
        m.start(),
        m.end(),
        f"`{m.group()}`: `loop 0` repeats until the caller hangs up",
        "write `loop 0`",
        "loop 0",
    )


def _goto(line: Line) -> Found | None:
    """`goto handle`, `-> handle` alone: going to a step is `redirect -> …`."""
    m = re.match(r"[ \t]+(goto|go to|jump to|jump|jmp|next|call)\s+(?:->\s*)?([^\s#]+)", line.text)
    if m and m.group(1) not in vocabulary.keywords():
        text = f"redirect -> {m.group(2)}"
        return Found(
            m.start(1),
            m.end(2),
            f"`{m.group(1)}` is not a verb: the call goes to another step with `redirect ->`",
            f"write `{text}`",
            text,
        )
    m = re.match(r"[ \t]+(->\s*\S+)", line.text)
    if m:
        text = f"redirect {m.group(1)}"
        return Found(
            m.start(1),
            m.end(1),
            "`->` follows a verb: the call goes on with `redirect ->`",
            f"write `{text}`",
            text,
        )
    return None


def _arrow_without_target(line: Line) -> Found | None:
    """`say "Hi" -> next`, `hangup -> next`: only some verbs take `->`."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    if verb is None or verb.arrow is not None:
        return None
    pieces = line.pieces
    arrow = next((i for i, p in enumerate(pieces) if p.text == "->"), None)
    if arrow is None or arrow + 1 >= len(pieces):
        return None
    target = line.text[pieces[arrow + 1].start : line.code_end]
    start = len(line.text[: pieces[arrow].start].rstrip(" \t"))
    indent = line.text[: len(line.text) - len(line.text.lstrip(" \t"))]
    if verb.name in ("hangup", "reject"):
        return Found(
            pieces[arrow].start,
            line.code_end,
            f"`{verb.name}` ends the call: it has no `->`",
            f"remove `-> {target}`, or write `redirect -> {target}` instead of `{verb.name}`",
            None,
        )
    return Found(
        start,
        line.code_end,
        f"`{verb.name}` has no `->`: the call goes on with `redirect -> {target}` on the next line",
        f"write `redirect -> {target}` on a line of its own",
        f"\n{indent}redirect -> {target}",
        safe=False,
    )


def _statements_on_one_line(line: Line) -> Found | None:
    """`say "Hi"; hangup`: one verb a line."""
    for piece in line.pieces:
        if piece.kind != "word" or ";" not in piece.text:
            continue
        at = piece.start + piece.text.index(";")
        rest = line.text[at + 1 : line.code_end].strip()
        if not rest:
            return None
        if rest.split()[0] not in vocabulary.BY_NAME:  # `; a comment`, as in INI files
            return Found(at, at + 1, "a comment starts with `#`", "write `#`", "#")
        start = len(line.text[:at].rstrip(" \t"))
        indent = line.text[: len(line.text) - len(line.text.lstrip(" \t"))]
        return Found(
            start,
            line.code_end,
            "one verb a line: `;` does not separate them",
            f"write `{rest}` on the next line",
            f"\n{indent}{rest}",
        )
    return None


def _method_attribute(line: Line) -> Found | None:
    """`record method=POST -> /h`: the method is written after `->`."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    if verb is None or verb.arrow is None:
        return None
    m = re.search(r"(?<![\w-])method(?:\s*[=:]\s*|\s+)([\"']?)(get|post|GET|POST)\1(?![\w-])", line.text)
    if not m:
        return None
    method = m.group(2).upper()
    arrow = re.search(r"->\s*(?:(?:GET|POST)\s+)?", line.text)
    if arrow is None:
        return Found(
            m.start(),
            m.end(),
            f"`{m.group()}` is TwiML's: the method is written after `->`",
            f"write `-> {method} TARGET`",
            None,
        )
    start, end = min(m.start(), arrow.start()), line.code_end
    rest = line.text[start:end]
    rest = rest[: m.start() - start] + rest[m.end() - start :]
    rest = re.sub(r"->\s*(?:(?:GET|POST)\s+)?", f"-> {method} ", rest, count=1)
    text = " ".join(rest.split())
    return Found(
        start,
        end,
        f"`{m.group()}` is TwiML's: the method is written after `->`",
        f"write `{text}`",
        text,
    )


def _pass(line: Line) -> Found | None:
    """`pass`: a step does something."""
    m = re.match(r"[ \t]+(pass|noop|nop|continue)[ \t]*(?=#|$)", line.text)
    if not m:
        return None
    return Found(
        m.start(1),
        m.end(1),
        f"`{m.group(1)}` is not a verb: every line of a step does something",
        "to wait a moment, write `pause`; to end the call, `hangup`",
        "pause",
        safe=False,
    )


def _upper_case_word(line: Line) -> Found | None:
    """`RECORD max 20s`, `STEP start:`: keywords are lower case."""
    m = re.match(r"[ \t]*([A-Z][A-Z_-]+)\b", line.text)
    if not m or m.group(1).lower() not in (*vocabulary.BY_NAME, "step", "flow"):
        return None
    text = m.group(1).lower()
    return Found(
        m.start(1), m.end(1), f"`{m.group(1)}`: keywords are written in lower case", f"write `{text}`", text
    )


def _quoted_word(line: Line) -> Found | None:
    """`record "max" 20s`, `gather digits "4"`: JSON's quotes around an
    option's name, or around a number."""
    verb = line.verb
    options = _OPTIONS.get(verb or "", {})
    pieces = line.pieces
    for i, piece in enumerate(pieces):
        if piece.kind != "string" or i == 0:
            continue
        inner = _unquote(piece.text)
        if inner in options and pieces[i - 1].text != inner:
            option = options[inner]
            if option.shape in (Shape.STRING, Shape.TEXT) and i + 1 >= len(pieces):
                continue
            return Found(
                piece.start,
                piece.end,
                f"an option's name is written without quotes: `{inner}`",
                f"write `{inner}`",
                inner,
            )
        before = options.get(pieces[i - 1].text)
        if before is not None and before.shape in (
            Shape.NUMBER,
            Shape.DURATION,
            Shape.DURATION_OR_OFF,
            Shape.DURATION_OR_AUTO,
        ):
            text = written(before, inner)
            if text is None:
                continue
            value = text.split(" ", 1)[1]
            return Found(
                piece.start,
                piece.end,
                f"the value of `{before.name}` is written without quotes",
                f"write `{before.name} {value}`",
                value,
            )
    return None


def _keyword_value_equals(line: Line) -> Found | None:
    """`play digits=1234`: a verb's keyword value after a space, in quotes."""
    verb = vocabulary.BY_NAME.get(line.verb or "")
    if verb is None:
        return None
    for value in verb.values:
        if not value.keyword:
            continue
        m = re.search(
            rf"(?<![\w-]){re.escape(value.keyword)}(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'#]+)", line.text
        )
        if m:
            inner = _unquote(m.group(2))
            text = f"{value.keyword} " + (_quoted(inner) if value.placeholder.startswith('"') else inner)
            return Found(
                m.start(),
                m.end(),
                f"`{m.group()}`: `{value.keyword}` and its value are separated by a space",
                f"write `{text}`",
                text,
            )
    return None


def _nested_element(line: Line) -> Found | None:
    """`dial <Number>+15551234567</Number>`: a noun's text is the verb's value."""
    m = re.search(r"(?<=\S)\s+(<([A-Z][A-Za-z]*)(?:\s[^>]*)?>([^<]*)</\2>)", line.text)
    if not m or line.verb is None:
        return None
    text = _quoted(m.group(3).strip())
    return Found(
        m.start(1),
        m.end(1),
        f"`<{m.group(2)}>` is TwiML's: the value is written after `{line.verb}`, in quotes",
        f"write `{line.verb} {text}`",
        text,
    )


def _continued_line(line: Line) -> Found | None:
    """`say "Hello \\` going on on the next line: text is on one line."""
    code = line.text.rstrip()
    if not code.endswith("\\"):
        return None
    quote = code.find('"')
    start = quote if quote >= 0 else len(code) - 1
    return Found(
        start,
        len(code),
        "a line does not go on with `\\`: a text is written on one line",
        "join the text and the line after it into one line",
        None,
    )


def _unknown_camel_case(line: Line) -> Found | None:
    """`gather actionOnEmptyResult`: a TwiML attribute the language does not
    have (the ones it has are recognised by :func:`_twiml_attribute`)."""
    verb = line.verb
    if verb is None:
        return None
    for before, piece in zip(line.pieces, line.pieces[1:], strict=False):
        m = re.fullmatch(r"([a-z]+(?:[A-Z][a-z0-9]*)+)(?:=.*)?", piece.text)
        if piece.kind != "word" or not m or attribute(m.group(1), verb) is not None:
            continue
        owner = _OPTIONS.get(verb, {}).get(before.text)
        if owner is not None and owner.shape in (Shape.STRING, Shape.TEXT, Shape.WORD):
            continue  # `connector-name uniqueName`: the option's value
        if difflib.get_close_matches(m.group(1), list(_OPTIONS.get(verb, {})), n=1, cutoff=0.6):
            return None  # a misspelt option, which the syntax error names
        return Found(
            piece.start,
            piece.start + len(m.group(1)),
            f"`{m.group(1)}` is not an option of `{verb}`: flowc does not write this TwiML attribute",
            _options_of(verb),
            None,
        )
    return None


def _verb_in_the_line(line: Line) -> Found | None:
    """`dial "+1555" record`: a verb's name among another verb's options."""
    verb = line.verb
    if verb is None:
        return None
    for piece in line.pieces[1:]:
        if (
            piece.kind != "word"
            or piece.text not in vocabulary.BY_NAME
            or piece.text in _OPTIONS.get(verb, {})
        ):
            continue
        if line.verb == "record" and piece is line.pieces[1]:
            continue  # the recording's label
        if piece.text in vocabulary.BY_NAME[verb].children:
            head = line.text[len(line.text) - len(line.text.lstrip(" \t")) : piece.start].rstrip()
            tail = line.text[piece.start : line.code_end].strip()
            arrow = re.search(r"\s->\s.*$", tail)
            noun = tail[: arrow.start()] if arrow else tail
            header = f"{head}{arrow.group() if arrow else ''}:"
            return Found(
                piece.start,
                piece.end,
                f"`{piece.text}` is a noun of `{verb}`: it goes on a line of its own in `{verb}`'s block",
                f"write `{header}` and, indented below it, `{noun}`",
                None,
            )
        return Found(
            piece.start,
            piece.end,
            f"`{piece.text}` is not an option of `{verb}`: a verb starts a line of its own",
            _options_of(verb)
            .replace("remove it: ", "the options of a verb follow it: ")
            .replace("the options of a verb follow it: the options", "the options"),
            None,
        )
    return None


def _mixed_quotes(line: Line) -> Found | None:
    """`say "Hello'`: a text opened with `"` is closed with `"`."""
    m = re.search(
        r"\"([^\"]*)['\u2019\u201d]\s*$", line.text[: line.code_end] if "#" not in line.text else line.text
    )
    if not m or line.text[: m.start()].count('"') % 2:
        return None
    text = _quoted(m.group(1))
    return Found(
        m.start(),
        m.start() + len(m.group().rstrip()),
        'a text opened with `"` is closed with `"`',
        f"write {text}",
        text,
    )


def _spaced_name(line: Line) -> Found | None:
    """`step main menu:`, `flow my flow`: a name is one word."""
    m = re.match(r"(step|flow)\s+([A-Za-z_]\w*(?:[ \t]+[A-Za-z_]\w*)+)[ \t]*(:?)[ \t]*(?=#|$)", line.text)
    if not m or (m.group(1) == "step") != bool(m.group(3)):
        return None
    name = "_".join(m.group(2).split())
    return Found(
        m.start(2),
        m.end(2),
        f"a {m.group(1)} name is one word: letters, digits and `_`",
        f"write `{name}`",
        name,
    )


def _polly_voice(line: Line) -> Found | None:
    """`voice Polly Joanna`: a Polly or Google voice is one word with a `.`."""
    m = re.search(r"(?<![\w-])voice\s+((Polly|Google)[ \t]+([A-Z][\w-]*))", line.text)
    if not m:
        return None
    text = f"{m.group(2)}.{m.group(3)}"
    return Found(m.start(1), m.end(1), f"a voice is one word: `{text}`", f"write `{text}`", text)


def _when_keys(line: Line) -> Found | None:
    """`when 1 -> sales`, `when digits 1, 2 -> sales`: the keys are quoted
    after `digits`, one `when` line for each."""
    m = re.match(
        r"([ \t]+)when\s+(digits\s+)?([0-9*#]+(?:\s*(?:,|or|\|)\s*[0-9*#]+)*)\s*(->.*?)\s*(?=#|$)", line.text
    )
    if not m:
        return None
    keys = [k for k in re.split(r"\s*(?:,|or|\|)\s*", m.group(3)) if k]
    lines = [f'when digits "{k}" {m.group(4)}' for k in keys]
    text = ("\n" + m.group(1)).join(lines)
    start = len(m.group(1))
    if len(keys) > 1:
        message = "one `when` line for each key, quoted after `digits`"
        hint = f"write `{lines[0]}` and `{lines[1]}`" + (" …" if len(keys) > 2 else "")
        return Found(start, m.end(4), message, hint, text)
    keys_text = ("" if m.group(2) else "digits ") + f'"{keys[0]}"'
    return Found(
        m.start(3),
        m.end(3),
        'the keys of `when` are quoted after `digits`: `when digits "1"`',
        f"write `{lines[0]}`",
        keys_text,
    )


def _phone_number(line: Line) -> Found | None:
    """`dial +1 555 123 4567`: the number is quoted, in E.164 form."""
    m = re.match(r"[ \t]*dial\s+(\+?[0-9(][0-9 ().-]*[0-9])(?=\s*(?:->|#|$|[a-z]))", line.text)
    if not m or " " not in m.group(1):
        return None
    digits = re.sub(r"[ ().-]", "", m.group(1))
    text = _quoted(digits)
    return Found(
        m.start(1),
        m.end(1),
        "the number to dial is quoted, written without spaces",
        f"write `dial {text}`",
        text,
    )


def _options_in_a_block(line: Line) -> Found | None:
    """`record:` with `max: 20s` under it: options are on the verb's line."""
    m = re.match(r"([ \t]+)([a-z-]+)\s*[:=]?\s*(.*?)\s*(?=#|$)", line.text)
    if not m:
        return None
    number = line.number - 1
    while number >= 0 and not line.lines[number].split("#", 1)[0].strip():
        number -= 1
    if number < 0:
        return None
    above = Line(line.lines, number, 0)
    pieces = above.pieces
    verb = pieces[0].text.rstrip(":") if pieces else None
    if verb not in _OPTIONS or m.group(2) not in _OPTIONS[verb]:
        return None
    head = above.text[: above.code_end].rstrip(":").strip()
    option = _OPTIONS[verb][m.group(2)]
    text = written(option, m.group(3) or None)
    verb_part, arrow, target = head.partition(" ->")
    whole = f"{verb_part} {text or option.syntax}" + (f" ->{target}" if arrow else "")
    return Found(
        min(len(m.group(1)), line.col),  # the parser may stop at the indentation
        len(m.group(1)) + len(m.group(2)),
        f"`{m.group(2)}` is an option of `{verb}`: options are written on the verb's line",
        f"write `{whole}` on one line",
        None,
    )


def _attribute_prefix(line: Line) -> Found | None:
    """`gather num 4`: the start of a TwiML attribute name (`numDigits`)."""
    verb = line.verb
    if verb is None:
        return None
    for piece in line.pieces[1:]:
        word = piece.text
        if (
            piece.kind != "word"
            or not piece.start <= line.col <= piece.end
            or len(word) < 3
            or not word.isalpha()
            or word in vocabulary.keywords()
        ):
            continue
        if difflib.get_close_matches(word, list(_OPTIONS.get(verb, {})), n=1, cutoff=0.6):
            return None  # a misspelt option, which the syntax error names
        for a in (a for items in ATTRIBUTES.values() for a in items):
            if a.verb.name != verb or a.part != "value" or not _normal(a.attribute).startswith(word.lower()):
                continue
            raw, end = _value_after(line.text, piece.end)
            text = written(a.option, raw, a.callback) if raw is not None and raw != "->" else None
            if text is None:
                end = piece.end
            return Found(
                piece.start,
                end,
                f"`{word}` is not an option of `{verb}`",
                f"did you mean `{a.option.name}` (TwiML's `{a.attribute}`)?",
                text,
                safe=False,
            )
    return None


def _name_with_a_digit_first(line: Line) -> Found | None:
    """`step 1st:`: a name starts with a letter or `_`."""
    m = re.match(r"(step|flow)\s+(\d\w*)", line.text)
    if not m:
        return None
    return Found(
        m.start(2),
        m.end(2),
        f"a {m.group(1)} name starts with a letter or `_`, not a digit",
        f"write a name such as `{m.group(1)}_{m.group(2)}`",
        None,
    )


def _negative_duration(line: Line) -> Found | None:
    """`pause -1s`: a duration is not negative."""
    m = re.search(r"(?<![\w-])-(\d+[hms]?)\b", line.text)
    if not m or not _outside_strings(line.text, m.start()) or line.verb is None:
        return None
    return Found(
        m.start(), m.end(), "a duration is not negative", f"write `{m.group(1)}`", m.group(1), safe=False
    )


def _hyphenated_negation(line: Line) -> Found | None:
    """`record no-beep`: `no` and the switch are two words."""
    switches = [n for n, o in _OPTIONS.get(line.verb or "", {}).items() if o.shape is Shape.SWITCH]
    if not switches:
        return None
    names = "|".join(re.escape(n) for n in switches)
    m = re.search(rf"(?<![\w-]){vocabulary.NEGATION}[-_]({names})(?![\w-])", line.text)
    if not m:
        return None
    text = f"{vocabulary.NEGATION} {m.group(1)}"
    return Found(m.start(), m.end(), f"`{text}` is two words", f"write `{text}`", text)


def _double_arrow(line: Line) -> Found | None:
    """`redirect -> -> next`: one arrow."""
    m = re.search(r"->(\s*->)+", line.text)
    if not m:
        return None
    return Found(m.start(), m.end(), "one `->` before the target", "write `->`", "->")


HABITS: tuple[Habit, ...] = (
    _indented_step,
    _yaml_step,
    _step_parentheses,
    _step_one_line,
    _spaced_name,
    _name_with_a_digit_first,
    _hyphenated_flow,
    _flow_colon,
    _brace,
    _block_without_colon,
    _xml_line,
    _element_with_content,
    _element,
    _upper_case_word,
    _nested_element,
    _continued_line,
    _list_item,
    _python_branch,
    _when_keys,
    _options_in_a_block,
    _phone_number,
    _unquoted_value,
    _unquoted_text,
    _quoted_words,
    _value_without_its_option,
    _verb_not_indented,
    _bare_json,
    _parameter_attributes,
    _comparison,
    _goto,
    _pass,
    _call_parentheses,
    _reference_parentheses,
    _arrow,
    _double_arrow,
    _triple_quotes,
    _mixed_quotes,
    _single_quotes,
    _string_prefix,
    _concatenation,
    _verb_colon_text,
    _slash_comment,
    _scheme_typo,
    _url_without_scheme,
    _relative_path,
    _variable,
    _hyphenated_reference,
    _action_attribute,
    _method_attribute,
    _polly_voice,
    _value_named,
    _keyword_value_equals,
    _twiml_attribute,
    _unknown_camel_case,
    _hyphenated_negation,
    _negative_duration,
    _quoted_word,
    _option_equals,
    _loop_times,
    _loop_forever,
    _switch_value,
    _spelt_unit,
    _subsecond,
    _upper_unit,
    _unquoted_string_option,
    _comma_list,
    _comma,
    _options_before_value,
    _label_after_options,
    _arrow_not_last,
    _arrow_without_target,
    _missing_arrow,
    _verb_in_the_line,
    _attribute_prefix,
    _statements_on_one_line,
    _semicolon,
    _colon_without_block,
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
