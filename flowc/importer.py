"""TwiML Voice documents → flows (``flowc import``).

The importer reads each TwiML element back through the vocabulary
(:mod:`flowc.vocabulary`), the table the parser, the formatter and the TwiML
backend are built from, so it knows every verb and option they know with no
list of its own:

- an element is the :class:`~flowc.vocabulary.Verb` whose ``element`` it is,
  and its child elements are the lines of the verb's block;
- an attribute is the :class:`~flowc.vocabulary.Option` (or the
  :class:`~flowc.vocabulary.Value`) that writes it (``Option.attributes``),
  and the option's shape says how to write the value: seconds as a duration,
  one of the two ``switch_values`` as ``NAME`` or ``no NAME``, space-separated
  words, a callback with its ``…Method`` and ``…Event`` companions;
- ``action`` and ``method`` are the ``->`` (``Verb.arrow``); a verb whose
  arrow is its content (``<Redirect>``) takes the target from its text.

A file becomes a flow of one step, ``main``. A directory becomes one flow,
one step per document, and a relative ``action`` that names another document
of the import (``handle.xml``, ``../billing/start.xml``) becomes a step
reference, when building the reference gives back the same URL and method.

The flow text is put through the formatter (:func:`flowc.formatter.format_text`),
parsed, and built again with the TwiML backend; every step must give back
its document, equal as XML (:func:`canonical`), or the import is refused with
a diagnostic at the element that differs. What the importer writes is
therefore always a flow that means what the TwiML means.

Documents are parsed safely: no DTD is loaded, no entity is expanded, no
network is used, and a document with a ``<!DOCTYPE>`` is refused outright
(billion-laughs and external-entity documents among them).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import typing
from collections.abc import Iterable

from lxml import etree

from . import ir, vocabulary
from .codes import report
from .diagnostics import Diagnostic, Severity
from .source import DecodeFailure, SourceFile, Span, decode
from .vocabulary import Option, Shape, Value, Verb

CODES = ("FL030", "FL031", "FL032", "FL033", "FL034", "FL035", "FL036", "FL037")
SUFFIXES = (".xml", ".twiml")  # the documents a directory argument holds
MAX_BYTES = 8 * 1024 * 1024
STDIN = "-"
DEFAULT_NAME = "imported"  # the flow of a document read from standard input
MAIN = "main"  # the step of a document imported on its own
ROOT = "Response"
DEFAULT_MAX_CALL_DURATION = 4 * 3600  # Twilio's default limit of an account's calls
ENTRY_NAMES = ("start", "main", "index", "welcome", "incoming")  # preferred entry steps

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_METHOD = re.compile(r"[A-Z]+\Z")
_WHOLE = re.compile(r"(0|[1-9][0-9]{0,11})\Z")
_BUILT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)/([A-Za-z_][A-Za-z0-9_]*)\.xml")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"  # `xml:lang` (of `<lang>`), as lxml names it
XML_LANG = "xml:lang"
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


# ---- the vocabulary, read backwards ----------------------------------------------------


def verb_for(element: str) -> Verb | None:
    """The verb written for a TwiML element (`Record` → `record`)."""
    return vocabulary.BY_ELEMENT.get(element)


def _field_types(verb: Verb) -> dict[str, object]:
    cls = ir.verb_classes().get(verb.name)
    return typing.get_type_hints(cls, vars(ir)) if cls is not None else {}


def _required(verb: Verb, value: Value) -> bool:
    """True when the line must write the value (an empty one if the element
    has no text): a value the vocabulary does not call optional, or an IR
    field with no default."""
    if getattr(verb, "generated", False):
        return not getattr(value, "optional", False)
    cls = ir.verb_classes().get(verb.name)
    if cls is None:
        return False
    spec = next(f for f in dataclasses.fields(typing.cast(typing.Any, cls)) if f.name == value.field)
    return spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING


# How a value of each shape is written before the options.
_VALUE_KINDS = {
    "string": "string",
    "text": "string",
    "number": "number",
    "url": "url",
    "word": "word",
    "measure": "measure",
}
_VALUE_KINDS.update({"duration": "duration", "duration-or-off": "duration", "duration-or-auto": "duration"})


def _value_kind(verb: Verb, value: Value) -> str:
    """How a value is written: ``url``, ``duration``, ``number``, ``string``
    or ``word``; from its shape, or else from its IR type."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return _VALUE_KINDS.get(shape.value, "string")
    hint = _field_types(verb).get(value.field)
    members = typing.get_args(hint) or (hint,)
    if any(m in members for m in (*typing.get_args(ir.Target), ir.Target)):
        return "url"
    if ir.Duration in members:
        return "duration"
    if ir.Number in members:
        return "number"
    return "string" if value.placeholder.startswith('"') else "word"


def _arrow_source(verb: Verb) -> str | None:
    """Where the target of the verb's ``->`` is in TwiML: the ``action``
    attribute, or the element's text (``content``)."""
    if verb.arrow is None or verb.element is None:
        return None
    return verb.arrow.fields[0]


# ---- documents -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """One TwiML document of the import, parsed."""

    path: str  # as reported
    source: SourceFile  # its text, for the lines of diagnostics
    root: etree._Element
    step: str  # the step it becomes


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """The documents that become one flow."""

    name: str
    documents: tuple[Document, ...]
    directory: str | None  # the directory they came from; None for one file or stdin


@dataclasses.dataclass(frozen=True, slots=True)
class Imported:
    """One flow made from TwiML."""

    name: str
    text: str  # in the canonical layout
    documents: tuple[str, ...]  # the paths it was made from, entry step first


@dataclasses.dataclass(frozen=True, slots=True)
class Result:
    flows: tuple[Imported, ...]
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, SourceFile]  # every document read, for rendering diagnostics

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def identifier(text: str, fallback: str) -> str:
    """``text`` made a flow or step name: letters, digits and ``_``, not
    starting with a digit."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or fallback
    return name if _IDENTIFIER.match(name) else f"{fallback}_{name}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_blank_text=False,
    )


def _display_text(data: bytes) -> str:
    try:
        return decode(data)
    except DecodeFailure:
        return data.decode("utf-8", "replace")


def parse_document(path: str, data: bytes) -> tuple[etree._Element | None, SourceFile, list[Diagnostic]]:
    """Parse one document safely; ``None`` and the diagnostics when it is not
    a TwiML document the importer can read."""
    source = SourceFile(path, _display_text(data))
    start = Span.point(path, 1, 1)
    if len(data) > MAX_BYTES:
        return None, source, [report("FL009", f"the file is larger than {MAX_BYTES // 2**20} MiB", start)]
    doctype = re.search(rb"<!DOCTYPE", data)
    if doctype is not None:
        line, col = source.position(len(_display_text(data[: doctype.start()])))
        return (
            None,
            source,
            [
                report(
                    "FL031",
                    "the document has a DOCTYPE; TwiML documents have none, and flowc does not read DTDs "
                    "or expand entities",
                    Span(path, line, col, line, col + len("<!DOCTYPE")),
                    hint="remove the <!DOCTYPE …> declaration and any entity references",
                )
            ],
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno or 1, 1)
        line, col = max(line or 1, 1), max(col or 1, 1)
        return (
            None,
            source,
            [report("FL030", f"the document is not well-formed XML: {exc.msg}", Span.point(path, line, col))],
        )
    if root.getroottree().docinfo.internalDTD is not None:  # pragma: no cover - refused above
        return None, source, [report("FL031", "the document has a DOCTYPE", start)]
    if root.tag != ROOT:
        return (
            None,
            source,
            [
                report(
                    "FL032",
                    f"the root element is <{_tag(root)}>, not <{ROOT}>: this is not a TwiML Voice document",
                    _element_span(source, root),
                    hint=f"a TwiML document is one <{ROOT}> element holding the verbs",
                )
            ],
        )
    return root, source, []


# ---- positions in the document ------------------------------------------------------------


def _tag(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return "?"
    return etree.QName(tag).localname if tag.startswith("{") else tag


@functools.lru_cache(maxsize=8)
def _offsets(source: SourceFile, root: etree._Element) -> dict[etree._Element, int]:
    """Where each element's start tag begins. lxml gives only the line where
    a start tag ends, so look for ``<Tag`` in document order, each after the
    one before and before the end of its line."""
    found: dict[etree._Element, int] = {}
    at = 0
    for el in root.iter():
        line = el.sourceline or 1
        end = source.offset(line + 1, 1)
        if isinstance(el, etree._Comment):
            needle = "<!--"
        elif isinstance(el, etree._ProcessingInstruction):
            needle = "<?"
        elif isinstance(el, etree._Entity):
            needle = "&"
        else:
            needle = "<" + (el.prefix + ":" if el.prefix else "") + _tag(el)
        hit = source.text.find(needle, at, end)
        if hit < 0:
            hit = source.offset(line, 1)
        else:
            at = hit + 1
        found[el] = hit
    return found


def _start_offset(source: SourceFile, el: etree._Element) -> int:
    root = el.getroottree().getroot()
    return _offsets(source, root).get(el, source.offset(el.sourceline or 1, 1))


def _element_span(source: SourceFile, el: etree._Element) -> Span:
    offset = _start_offset(source, el)
    line, col = source.position(offset)
    return Span(source.path, line, col, line, col + 1 + len(_tag(el)))


def _attribute_span(source: SourceFile, el: etree._Element, name: str) -> Span:
    start = _start_offset(source, el)
    end = source.text.find(">", start)
    local = etree.QName(name).localname if name.startswith("{") else name
    found = re.compile(r"[\s:]" + re.escape(local) + r"\s*=").search(
        source.text, start, end if end > 0 else len(source.text)
    )
    if found is None:
        return _element_span(source, el)
    line, col = source.position(found.start() + 1)
    return Span(source.path, line, col, line, col + len(local))


def _text_span(source: SourceFile, el: etree._Element, text: str) -> Span:
    start = _start_offset(source, el)
    needle = text.strip()[:40]
    at = source.text.find(needle, start) if needle else -1
    if at < 0:
        return _element_span(source, el)
    line, col = source.position(at)
    first = needle.split("\n", 1)[0]
    return Span(source.path, line, col, line, col + max(len(first), 1))


# ---- writing values --------------------------------------------------------------------------


class _Inexpressible(Exception):
    """A value the flow language cannot write (the message says which)."""

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None):
        super().__init__(message)
        self.message, self.span, self.hint = message, span, hint


def quote(text: str) -> str:
    """A flow string literal for ``text``."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def duration(seconds: int) -> str:
    """``90`` → ``1m30s``: hours, minutes and seconds, each once."""
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in zip("hms", (3600, 60, 1), strict=True):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts)


def _whole(attribute: str, raw: str, what: str) -> int:
    if not _WHOLE.match(raw):
        raise _Inexpressible(
            f'{attribute}="{raw}" is not {what} the flow language can write',
            hint="write it as a whole number without a sign, leading zeros or spaces",
        )
    return int(raw)


def _seconds(attribute: str, raw: str) -> str:
    return duration(_whole(attribute, raw, "a whole number of seconds"))


def _words(attribute: str, raw: str) -> list[str]:
    words = raw.split(" ")
    if not raw or not all(_WORD.match(w) for w in words):
        raise _Inexpressible(
            f'{attribute}="{raw}" is not a list of words separated by single spaces',
            hint="each word starts with a letter and holds letters, digits, `_`, `.` and `-`",
        )
    return words


def _method(attribute: str, raw: str) -> str:
    if not _METHOD.match(raw):
        raise _Inexpressible(
            f'{attribute}="{raw}" is not a method the flow language can write',
            hint="write the method in capitals: GET or POST",
        )
    return raw


def _switch(option: Option, attribute: str, raw: str) -> bool:
    on, off = option.switch_values
    if raw not in (on, off):
        raise _Inexpressible(
            f'{attribute}="{raw}" is neither "{on}" nor "{off}"',
            hint=f'write "{on}" or "{off}" (the flow writes `{option.name}` or `no {option.name}`)',
        )
    return raw == on


def _scalar(option: Option, attribute: str, raw: str) -> str:
    """A ``value`` attribute of an option, written by the option's shape."""
    shape = option.shape
    if option.word is not None and ((option.word == "off" and raw == "0") or raw == option.word):
        return option.word
    if shape in (Shape.DURATION, Shape.DURATION_OR_OFF, Shape.DURATION_OR_AUTO):
        return _seconds(attribute, raw)
    if shape is Shape.NUMBER:
        return str(_whole(attribute, raw, "a whole number"))
    if shape in (Shape.STRING, Shape.TEXT):
        return quote(raw)
    if shape.value == "word":  # one word of the option's values
        return _word(attribute, raw, option.values)
    if shape is Shape.MEASURE:
        return _measure(attribute, raw)
    raise _Inexpressible(f"flowc cannot import `{attribute}` yet: its shape is {shape.value}")


_MEASURE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:ms|s|%|dB)\Z")


def _measure(attribute: str, raw: str) -> str:
    """An SSML measure (`500ms`, `90%`, `-6dB`) or a word (`x-slow`)."""
    if _MEASURE.match(raw) or _WORD.match(raw):
        return raw
    raise _Inexpressible(
        f'{attribute}="{raw}" is neither a measure (`500ms`, `90%`, `-6dB`) nor a word',
        hint="write the value as Twilio documents it",
    )


def _word(attribute: str, raw: str, choices: tuple[str, ...] = ()) -> str:
    if not _WORD.match(raw):
        raise _Inexpressible(
            f'{attribute}="{raw}" is not a word the flow language can write',
            hint=("one of " + ", ".join(f"`{c}`" for c in choices)) if choices else None,
        )
    return raw


def option_words(option: Option, attrs: dict[str, str]) -> list[str]:
    """An option as flow words, from the TwiML attributes it writes (those
    present in ``attrs``); ``[]`` when none is present."""
    rows = {kind: attribute for _, attribute, kind in option.attributes}
    present = {kind: attrs[a] for kind, a in rows.items() if a in attrs}
    if not present:
        return []
    name, shape = option.name, option.shape
    if shape is Shape.SWITCH:
        on = _switch(option, rows["switch"], present["switch"])
        return [name] if on else [vocabulary.NEGATION, name]
    if shape is Shape.WORDS:
        return [name, *_words(rows["words"], present["words"])]
    if shape is Shape.SWITCH_URL:
        switch = present.get("switch")
        if switch is None:
            raise _Inexpressible(
                f'{rows["url"]} cannot be written without {rows["switch"]}="{option.switch_values[0]}"',
                hint=f'add {rows["switch"]}="{option.switch_values[0]}", or remove {rows["url"]}',
            )
        if not _switch(option, rows["switch"], switch):
            raise _Inexpressible(
                f'{rows["switch"]}="{switch}" cannot be written: the flow writes `{name}` only to turn it on',
                hint=f"remove {rows['switch']}: it is off unless turned on",
            )
        url = present.get("url")
        return [name] + ([quote(url)] if url is not None else [])
    if shape is Shape.CALLBACK:
        url = present.get("url")
        if url is None:
            given = ", ".join(attrs_name for kind, attrs_name in rows.items() if kind in present)
            raise _Inexpressible(
                f"{given} cannot be written without {rows['url']}",
                hint=f"add {rows['url']}, or remove {given}",
            )
        words = [name]
        if "method" in present:
            words.append(_method(rows["method"], present["method"]))
        words.append(quote(url))
        if "words" in present:
            words += [vocabulary.EVENTS, *_words(rows["words"], present["words"])]
        return words
    if "value" in present:
        return [name, _scalar(option, rows["value"], present["value"])]
    if set(present) == {"url"}:  # a URL alone
        return [name, quote(present["url"])]
    raise _Inexpressible(f"flowc cannot import `{name}` yet: its shape is {shape.value}")  # pragma: no cover


# ---- documents → flow text ---------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class _Line:
    level: int
    text: str
    element: etree._Element | None  # None for a header or comment line
    document: Document | None = None


class _Links:
    """Which URLs of the import are documents of it, and the step each is."""

    def __init__(self, groups: Iterable[Group]):
        self.by_path: dict[str, tuple[Group, Document]] = {}
        self.by_name: dict[str, Group] = {}
        for group in groups:
            self.by_name[group.name] = group
            if group.directory is None:
                continue
            for doc in group.documents:
                self.by_path[os.path.realpath(doc.path)] = (group, doc)

    def resolve(
        self, group: Group, doc: Document, url: str, base_url: str | None = None
    ) -> tuple[Group, Document] | None:
        """The document ``url`` names, when a step reference written in
        ``group`` compiles to exactly ``url``."""
        if group.directory is None:
            return None
        if base_url is not None:
            prefix = base_url.rstrip("/") + "/"
            found = _BUILT.fullmatch(url[len(prefix) :]) if url.startswith(prefix) else None
            other = self.by_name.get(found.group(1)) if found else None
            if found is None or other is None or other.directory is None:
                return None
            target = next((d for d in other.documents if d.step == found.group(2)), None)
            return (other, target) if target is not None else None
        if not url or _SCHEME.match(url) or url.startswith("/") or any(c in url for c in "?#\\"):
            return None
        path = os.path.realpath(os.path.join(os.path.dirname(doc.path), *url.split("/")))
        link = self.by_path.get(path)
        if link is None:
            return None
        other, target = link
        expected = f"{target.step}.xml" if other.name == group.name else f"../{other.name}/{target.step}.xml"
        return link if url == expected else None

    def reference(self, group: Group, doc: Document, url: str, base_url: str | None) -> str | None:
        """The step reference that compiles to ``url``, if there is one."""
        link = self.resolve(group, doc, url, base_url)
        if link is None:
            return None
        other, target = link
        return target.step if other.name == group.name else f"{other.name}.{target.step}"


class _Writer:
    """Writes the flow text of a group, element by element."""

    def __init__(self, links: _Links):
        self.links = links
        self.diagnostics: list[Diagnostic] = []

    def problem(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(report(code, message, span, hint=hint))

    # -- one group → lines --

    def flow(self, group: Group, base_url: str | None = None) -> list[_Line]:
        lines = [_Line(0, f"flow {group.name}", None)]
        if base_url is not None:
            lines.append(_Line(1, f"base-url {quote(base_url)}", None))
        for doc in group.documents:
            lines.append(_Line(0, "", None))
            lines.append(_Line(0, f"step {doc.step}:", None))
            body = self.children(group, doc, doc.root, 1, base_url)
            if not any(isinstance(child.tag, str) for child in doc.root):
                self.problem(
                    "FL036",
                    f"an empty <{ROOT}> cannot be written as a flow: a step needs at least one verb",
                    _element_span(doc.source, doc.root),
                    hint="add the verb Twilio should run (an empty document hangs up: `<Hangup/>`)",
                )
            lines += body
        return lines

    def children(
        self, group: Group, doc: Document, parent: etree._Element, level: int, base_url: str | None
    ) -> list[_Line]:
        lines: list[_Line] = []
        verb = verb_for(parent.tag) if parent is not doc.root and isinstance(parent.tag, str) else None
        speaks = verb is not None and verb.text  # `say` and SSML: text between the elements
        # An element with a value in its content takes the text before its first
        # child as that value (`<Enqueue>support<Task>…</Task></Enqueue>`, as
        # twilio-python writes it); text after a child is reported below.
        content = verb is not None and _content_value(verb) is not None
        if not content and parent.text and parent.text.strip():
            self._stray_text(doc, parent, parent.text, parent)
        for child in parent:
            if isinstance(child, etree._Comment):
                for text in (child.text or "").splitlines():
                    if text.strip():
                        lines.append(_Line(level, "# " + text.strip(), None))
            elif isinstance(child, etree._ProcessingInstruction | etree._Entity):
                self.problem(
                    "FL033",
                    "processing instructions and entity references have no place in TwiML",
                    _element_span(doc.source, child),
                )
            else:
                lines += self.element(group, doc, child, level, base_url)
            if child.tail and child.tail.strip():
                if speaks and isinstance(child.tag, str):
                    lines.append(_Line(level, quote(child.tail), child, doc))  # a text line
                else:
                    self._stray_text(doc, parent, child.tail, child)
        return lines

    def _stray_text(self, doc: Document, parent: etree._Element, text: str, near: etree._Element) -> None:
        self.problem(
            "FL035",
            f"<{_tag(parent)}> holds no text, but it has `{_short(text.strip())}`",
            _text_span(doc.source, near, text),
            hint="remove the text, or put it in a verb that speaks it (<Say>)",
        )

    def element(
        self, group: Group, doc: Document, el: etree._Element, level: int, base_url: str | None
    ) -> list[_Line]:
        verb = verb_for(el.tag) if isinstance(el.tag, str) else None
        retired = vocabulary.RETIRED_BY_ELEMENT.get(el.tag) if isinstance(el.tag, str) else None
        if retired is not None:
            self.problem("FL010", retired.message, _element_span(doc.source, el), hint=retired.hint)
            return []
        if verb is None:
            known = list(vocabulary.BY_ELEMENT)
            near = [k for k in known if k.lower() == _tag(el).lower()] or difflib.get_close_matches(
                _tag(el), known, n=1, cutoff=0.6
            )
            listed = ", ".join(f"<{k}>" for k in known[:12]) + (", …" if len(known) > 12 else "")
            self.problem(
                "FL033",
                f"<{_tag(el)}> is not an element the flow language has a verb for",
                _element_span(doc.source, el),
                hint=f"did you mean <{near[0]}>?" if near else f"the elements it knows: {listed}",
            )
            return []
        line = self.verb_line(group, doc, verb, el, base_url)
        body = self.children(group, doc, el, level + 1, base_url)
        if line is None:
            return body
        opens = any(child.element is not None for child in body)
        return [_Line(level, line + (":" if opens else ""), el, doc), *body]

    def verb_line(
        self, group: Group, doc: Document, verb: Verb, el: etree._Element, base_url: str | None
    ) -> str | None:
        attrs = {(XML_LANG if k == _XML_LANG else k): v for k, v in el.attrib.items()}
        words = [verb.name]
        failed = False
        text = el.text if not len(el) else None
        if len(el) and el.text and el.text.strip():
            # the text before the first child: `say "Your balance is ":` before its SSML
            # keeps its spaces; a name before its nouns (`enqueue support:`) is a word
            text = el.text if verb.text else el.text.strip()
        arrow_from = _arrow_source(verb)
        for value in verb.values:
            if value.attribute is None:
                raw = text
                if raw is None or raw == "":
                    if _required(verb, value):
                        words.append(quote(""))  # `<Say/>`: an empty text, as the backend writes it
                    continue
            else:
                raw = attrs.pop(value.attribute, None)
                if raw is None:
                    continue
            try:
                words += [value.keyword] if value.keyword else []
                words.append(self._value(verb, value, raw))
            except _Inexpressible as exc:
                span = _attribute_span(doc.source, el, value.attribute) if value.attribute else None
                self._inexpressible(doc, el, exc, span)
                failed = True
        for option in verb.options:
            try:
                words += option_words(option, attrs)
            except _Inexpressible as exc:
                attribute = next(a for _, a, _ in option.attributes if a in attrs)
                self._inexpressible(doc, el, exc, _attribute_span(doc.source, el, attribute))
                failed = True
            for _, attribute, _ in option.attributes:
                attrs.pop(attribute, None)
        if arrow_from is not None:
            target = text if arrow_from == "content" else attrs.pop("action", None)
            method = attrs.pop("method", None)
            if target is None and method is not None:
                self.problem(
                    "FL036",
                    f'<{_tag(el)}>: method="{method}" cannot be written without '
                    + ("a URL" if arrow_from == "content" else "action"),
                    _attribute_span(doc.source, el, "method"),
                    hint="the method is written in the `->` with its target: `-> GET TARGET`",
                )
                failed = True
            elif target is not None:
                try:
                    words.append(self._arrow(group, doc, target, method, base_url))
                except _Inexpressible as exc:
                    self._inexpressible(doc, el, exc, _attribute_span(doc.source, el, "method"))
                    failed = True
        for attribute in attrs:
            known = sorted(
                {a for _, a, _ in verb.attributes} | ({"action", "method"} if arrow_from else set())
            )
            near = difflib.get_close_matches(attribute, known, n=1, cutoff=0.6) or [
                k for k in known if k.lower() == attribute.lower()
            ]
            self.problem(
                "FL034",
                f"<{_tag(el)}> has no attribute `{attribute}` the flow language can write",
                _attribute_span(doc.source, el, attribute),
                hint=f"did you mean `{near[0]}`?"
                if near
                else ("its attributes: " + ", ".join(f"`{k}`" for k in known) if known else "it takes none"),
            )
            failed = True
        return None if failed else " ".join(words)

    def _inexpressible(
        self, doc: Document, el: etree._Element, exc: _Inexpressible, span: Span | None
    ) -> None:
        self.problem(
            "FL036",
            f"<{_tag(el)}>: {exc.message}",
            exc.span or span or _element_span(doc.source, el),
            hint=exc.hint,
        )

    def _value(self, verb: Verb, value: Value, raw: str) -> str:
        kind = _value_kind(verb, value)
        attribute = value.attribute or f"the text of <{verb.element}>"
        if kind == "url":
            return quote(raw)
        if kind == "duration":
            return _seconds(attribute, raw)
        if kind == "number":
            return str(_whole(attribute, raw, "a whole number"))
        if kind == "word":
            return _word(attribute, raw, value.choices)
        if kind == "measure":
            return _measure(attribute, raw)
        return quote(raw)

    def _arrow(self, group: Group, doc: Document, url: str, method: str | None, base_url: str | None) -> str:
        """The ``->``: a step reference when the URL is a document of the
        import and its method is written (a reference without one is fetched
        with GET, a URL without one with POST), else the URL."""
        words = ["->"]
        reference = self.links.reference(group, doc, url, base_url) if method is not None else None
        if reference is not None:
            if method != "GET":
                words.append(_method("method", method))  # type: ignore[arg-type]
            words.append(reference)
            return " ".join(words)
        if method is not None:
            words.append(_method("method", method))
        words.append(quote(url))
        return " ".join(words)


def _content_value(verb: Verb) -> Value | None:
    return next((v for v in verb.values if v.attribute is None), None) or (
        Value("target", None, "URL") if _arrow_source(verb) == "content" else None
    )


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


# ---- equal as XML ----------------------------------------------------------------------------


def canonical(el: etree._Element) -> tuple:
    """An element as a comparable value: its tag, its attributes (as a set),
    its text when it has no child elements (exactly), and its children.
    Comments, processing instructions and the whitespace between elements do
    not count."""
    children = [c for c in el if isinstance(c.tag, str)]
    text = el.text or "" if not children else _spoken(el.text)
    return (
        el.tag,
        tuple(sorted(el.attrib.items())),
        text,
        tuple((*canonical(c), _spoken(c.tail)) for c in children),
    )


def _spoken(text: str | None) -> str:
    """Text beside child elements (SSML in `<Say>`): exactly, unless it is only whitespace."""
    return text if text is not None and text.strip() else ""


def _first_difference(a: etree._Element, b: etree._Element) -> tuple[etree._Element, etree._Element | None]:
    """The first element of ``a`` whose own tag, attributes or text differ in ``b``."""
    if canonical(a)[:3] != canonical(b)[:3]:
        return a, b
    ours = [c for c in a if isinstance(c.tag, str)]
    theirs = [c for c in b if isinstance(c.tag, str)]
    for x, y in zip(ours, theirs, strict=False):
        if canonical(x) != canonical(y):
            return _first_difference(x, y)
    if len(ours) > len(theirs):
        return ours[len(theirs)], None
    return a, b


# ---- the import -------------------------------------------------------------------------------


def _read(path: str) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [report("FL009", f"cannot read the file: {exc.strerror or exc}", Span.point(path, 1, 1))]
    return data, []


def _documents_under(directory: str) -> dict[str, list[str]]:
    """Each directory under ``directory`` (itself included) that holds TwiML
    files, with those files, sorted; hidden directories are skipped."""
    found: dict[str, list[str]] = {}
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        docs = sorted(f for f in files if f.endswith(SUFFIXES) and not f.startswith("."))
        if docs:
            found[root] = [os.path.join(root, f) for f in docs]
    return found


class NoDocuments(Exception):
    """A directory argument holds no TwiML document (``.xml``, ``.twiml``)."""


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(os.path.normpath(path)))[0]


def import_paths(paths: Iterable[str], *, name: str | None = None, stdin: bytes | None = None) -> Result:
    """Import the TwiML documents at ``paths`` (files, directories, ``-`` for
    ``stdin``). ``name`` names the flow of a single file or of standard input."""
    paths = list(paths)
    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    # (flow name, directory or None, [(path, data)])
    pending: list[tuple[str, str | None, list[tuple[str, bytes]]]] = []
    for path in paths:
        if path == STDIN:
            pending.append((name or DEFAULT_NAME, None, [("<stdin>", stdin or b"")]))
        elif os.path.isdir(path):
            under = _documents_under(path)
            if not under:
                raise NoDocuments(path)
            for directory, files in under.items():
                read = []
                for file in files:
                    data, problems = _read(file)
                    diagnostics += problems
                    if data is not None:
                        read.append((file, data))
                base = os.path.basename(os.path.realpath(directory))
                pending.append((identifier(base, "flow"), directory, read))
        else:
            data, problems = _read(path)
            diagnostics += problems
            if data is not None:
                flow_name = name if name is not None and len(paths) == 1 else identifier(_stem(path), "flow")
                pending.append((flow_name, None, [(path, data)]))
    groups: list[Group] = []
    names: dict[str, str] = {}  # flow name -> where it came from
    for flow_name, folder, documents in pending:
        docs: list[Document] = []
        steps: dict[str, str] = {}
        for doc_path, doc_data in documents:
            root, source, problems = parse_document(doc_path, doc_data)
            sources[doc_path] = source
            diagnostics += problems
            if root is None:
                continue
            step = MAIN if folder is None else identifier(_stem(doc_path), "step")
            if step in steps:
                diagnostics.append(
                    report(
                        "FL037",
                        f"{doc_path} and {steps[step]} would both be the step `{step}`",
                        Span.point(doc_path, 1, 1),
                        hint="rename one of the documents",
                    )
                )
                continue
            steps[step] = doc_path
            docs.append(Document(doc_path, source, root, step))
        where = (folder or documents[0][0]) if documents else flow_name
        if flow_name in names:
            diagnostics.append(
                report(
                    "FL037",
                    f"{where} and {names[flow_name]} would both be the flow `{flow_name}`",
                    Span.point(documents[0][0] if documents else where, 1, 1),
                    hint="import them separately, or rename one",
                )
            )
            continue
        names[flow_name] = where
        if docs:
            groups.append(Group(flow_name, tuple(docs), folder))
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return Result((), tuple(sorted(diagnostics, key=Diagnostic.sort_key)), sources)
    links = _Links(groups)
    flows = []
    for group in groups:
        flow, problems = _import_group(group, links)
        diagnostics += problems
        if flow is not None:
            flows.append(flow)
    ok = not any(d.severity is Severity.ERROR for d in diagnostics)
    return Result(tuple(flows) if ok else (), tuple(sorted(diagnostics, key=Diagnostic.sort_key)), sources)


def _links_of(doc: Document) -> Iterable[str]:
    """Every URL of a document that Twilio fetches TwiML from, in the order
    its flow line writes them: each option that fetches (`wait`, a noun's
    `url`), then the ``->``."""
    for el in doc.root.iter():
        verb = verb_for(el.tag) if isinstance(el.tag, str) else None
        if verb is None:
            continue
        for option in verb.options:
            if option.fetches:
                for _, name, form in option.attributes:
                    url = el.get(name) if form == "url" else None
                    if url:
                        yield url
        source = _arrow_source(verb)
        url = (el.text if source == "content" else el.get("action")) if source else None
        if url:
            yield url


def _ordered(group: Group, links: _Links, base_url: str | None) -> Group:
    """The group's documents with the entry step first (a document no other
    links to, preferring the usual entry names), then in the order a call
    following the links reaches them first (depth first, the links of a
    document in the order its lines write them), then the rest by name."""
    if len(group.documents) < 2:
        return group
    edges: dict[str, list[str]] = {d.step: [] for d in group.documents}
    for doc in group.documents:
        for url in _links_of(doc):
            link = links.resolve(group, doc, url, base_url)
            if link is not None and link[0].name == group.name and link[1].step != doc.step:
                edges[doc.step].append(link[1].step)
    targeted = {t for ts in edges.values() for t in ts}
    candidates = [d.step for d in group.documents if d.step not in targeted] or [
        d.step for d in group.documents
    ]
    entry = next((n for n in ENTRY_NAMES if n in candidates), candidates[0])
    order: list[str] = []
    for start in [entry, *sorted(edges)]:
        stack = [start]  # depth first: a step, then where it leads, as a call goes
        while stack:
            step = stack.pop()
            if step not in order:
                order.append(step)
                stack += reversed(edges[step])
    by_step = {d.step: d for d in group.documents}
    return dataclasses.replace(group, documents=tuple(by_step[s] for s in order))


def _base_url(group: Group, links: _Links) -> str | None:
    """The ``base-url`` a directory built by flowc was built with: the one
    prefix of its absolute links to its own documents (``BASE/<flow>/<step>.xml``),
    when it has no relative ones."""
    if group.directory is None:
        return None
    pattern = re.compile(r"(https?://[^?#\s]+)/" + re.escape(group.name) + r"/[A-Za-z_][A-Za-z0-9_]*\.xml\Z")
    bases = set()
    for doc in group.documents:
        for url in _links_of(doc):
            if links.resolve(group, doc, url) is not None:
                return None  # built without a base
            found = pattern.match(url)
            if found is not None and links.resolve(group, doc, url, found.group(1)) is not None:
                bases.add(found.group(1))
    return bases.pop() if len(bases) == 1 else None


def _import_group(group: Group, links: _Links) -> tuple[Imported | None, list[Diagnostic]]:
    base = _base_url(group, links)
    if base is not None:
        flow, problems = _write_group(_ordered(group, links, base), links, base)
        if flow is not None:
            return flow, problems
    return _write_group(_ordered(group, links, None), links, None)


def _write_group(
    group: Group, links: _Links, base_url: str | None
) -> tuple[Imported | None, list[Diagnostic]]:
    writer = _Writer(links)
    lines = writer.flow(group, base_url)
    if writer.diagnostics:
        return None, writer.diagnostics
    imported, problems, flow = _verified(group, lines, base_url)
    longest = _longest(flow) if flow is not None else 0
    if imported is not None and longest > DEFAULT_MAX_CALL_DURATION:
        # A duration longer than the account's default limit: the calls this
        # document runs need an account that allows it, and the flow says so.
        lines.insert(1, _Line(1, f"max-call-duration {duration(longest)}", None))
        imported, problems, flow = _verified(group, lines, base_url)
    return imported, problems


def _longest(flow: ir.Flow) -> int:
    """The longest duration any verb of the flow holds, in seconds."""
    found = [0]
    for step in flow.steps:
        for verb in ir.walk(step.verbs):
            for f in dataclasses.fields(verb):
                value = getattr(verb, f.name)
                if isinstance(value, ir.Duration):
                    found.append(value.seconds)
    return max(found)


def _verified(
    group: Group, lines: list[_Line], base_url: str | None
) -> tuple[Imported | None, list[Diagnostic], ir.Flow | None]:
    """Format the lines, parse them, build the flow, and compare each step
    with its document."""
    from .backends.twiml import render_flow
    from .formatter import FormatterBug, format_text
    from .syntax import parse

    path = f"{group.name}.flow"
    text = "\n".join(("    " * line.level + line.text) if line.text else "" for line in lines) + "\n"
    try:
        formatted, problems = format_text(text, path)
    except FormatterBug as exc:  # pragma: no cover - a bug in flowc, reported as one
        raise AssertionError(f"the imported flow {path} cannot be formatted: {exc}") from exc
    if formatted is None:
        found = []
        for problem in problems:
            line = lines[problem.span.line - 1] if 0 < problem.span.line <= len(lines) else None
            if line is None or line.element is None or line.document is None:
                raise AssertionError(f"flowc wrote a flow it cannot parse: {problem.message}\n{text}")
            found.append(
                report(
                    "FL036",
                    f"<{_tag(line.element)}> cannot be written as a flow line: `{line.text}` is refused "
                    f"({problem.message})",
                    _element_span(line.document.source, line.element),
                    hint=problem.hint,
                )
            )
        return None, found, None
    flow, problems = parse(SourceFile(path, formatted))
    assert flow is not None and not problems, problems
    built = render_flow(flow)
    found = []
    for doc in group.documents:
        again = etree.fromstring(built[f"{doc.step}.xml"], _parser())
        if canonical(again) != canonical(doc.root):
            ours, theirs = _first_difference(doc.root, again)
            gives = (
                etree.tostring(theirs, with_tail=False, encoding="unicode").split("\n", 1)[0]
                if theirs is not None
                else "nothing"
            )
            found.append(
                report(
                    "FL036",
                    f"<{_tag(ours)}> cannot be written exactly in the flow language: "
                    f"the flow would build {_short(gives, 80)}",
                    _element_span(doc.source, ours),
                )
            )
    if found:
        return None, found, flow
    return Imported(group.name, formatted, tuple(d.path for d in group.documents)), [], flow


def check(flows: Iterable[Imported], directory: str | None = None):
    """What ``flowc check`` reports on the imported flows (as if written to
    ``directory``): the TwiML's own problems, such as a ``<Record>`` with no
    action that records again forever. Returns the project's build."""
    from .project import load

    texts = {os.path.join(directory or "", f"{flow.name}.flow"): flow.text for flow in flows}
    return load(list(texts), neighbours=False, texts=texts)
