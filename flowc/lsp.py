"""``flowc lsp``: a language server for flow files, over stdio.

Diagnostics come from the same load and checks as ``flowc check``, run on the
editor's text of the file (unsaved buffers of other open flows included;
flows referenced as ``flow.step`` resolve against the ``.flow`` files beside
it). Hover, completion, go to definition, find references and rename come
from :mod:`flowc.editor`, and keep working while a file has syntax errors
(on what of it parsed); formatting from :mod:`flowc.formatter`.

pygls is an optional dependency (``pip install 'flowc[lsp]'``): this module
imports it, the rest of flowc never does.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import os
import re
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument, Workspace

from . import __version__, editor, ir
from .diagnostics import Diagnostic, Fix, Severity
from .formatter import FormatterBug, format_text
from .project import load
from .rehearsal import editor as calls
from .source import SourceFile, split_lines
from .syntax import Parsed

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
_COMPLETION_KIND = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "step": lsp.CompletionItemKind.Function,
    "flow": lsp.CompletionItemKind.Module,
    "value": lsp.CompletionItemKind.EnumMember,
}


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: the request was valid but cannot be carried out."""

    CODE = -32803


class _Refusals(logging.Filter):
    """A refused request (a rename the flow cannot take) is logged in one
    line, without a traceback: it is an answer, not a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, RequestFailed):
            record.msg, record.args = "refused: %s", (exc.message,)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class _Json:
    """A result already in its JSON form, sent as it is (see ``_converter``)."""

    __slots__ = ("data",)

    def __init__(self, data: object) -> None:
        self.data = data


class _Text:
    """A result already written as JSON text: it goes out as it is, without
    being parsed or encoded again (see :class:`_Protocol`)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, writing a :class:`_Text` result into the response as it is."""

    def _send_data(self, data: Any) -> None:
        result = getattr(data, "result", None)
        if not isinstance(result, _Text) or self.writer is None or getattr(data, "error", None) is not None:
            super()._send_data(data)
            return
        payload = f'{{"jsonrpc": "2.0", "id": {json.dumps(data.id)}, "result": {result.text}}}'.encode()
        header = (
            f"Content-Length: {len(payload)}\r\n"
            f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        )
        written = self.writer.write(header.encode("ascii") + payload)
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)


def _converter():
    """pygls's converter, sending a :class:`_Json` result as it is."""
    converter = default_converter()
    converter.register_unstructure_hook(_Json, lambda found: found.data)
    return converter


def _range_data(r: lsp.Range) -> dict:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def _range_of(data: dict) -> lsp.Range:
    return lsp.Range(
        start=lsp.Position(line=data["start"]["line"], character=data["start"]["character"]),
        end=lsp.Position(line=data["end"]["line"], character=data["end"]["character"]),
    )


class _Document(TextDocument):
    """An open document whose edits are applied where they fall, in the
    line model of :mod:`flowc.source` (lines end at ``\\n``): an edit costs
    a look for its line, not a new split of the whole text."""

    # (a text, a line of it, the offset where that line starts): edits come in
    # runs on one line, and a line starts where it did after an edit at or
    # after its start, so the next edit's line is found from there.
    _mark: tuple[str, int, int] | None = None

    def _apply_incremental_change(self, change: lsp.TextDocumentContentChangePartial) -> None:
        text = self.source
        start = self._offset(text, change.range.start)
        mark = self._mark
        end = max(self._offset(text, change.range.end), start)
        self._source = text[:start] + change.text + text[end:]
        if mark is not None and mark[0] is text and mark[2] <= start:
            self._mark = (self._source, mark[1], mark[2])

    def _offset(self, text: str, position: lsp.Position) -> int:
        at = first = 0
        mark = self._mark
        if mark is not None and mark[0] is text and mark[1] <= position.line:
            first, at = mark[1], mark[2]
        for _ in range(position.line - first):
            at = text.find("\n", at) + 1
            if not at:
                return len(text)
        self._mark = (text, position.line, at)
        stop = text.find("\n", at)
        line = text[at : len(text) if stop < 0 else stop].removesuffix("\r")
        if line.isascii():
            return at + min(position.character, len(line))
        units = 0
        for col, ch in enumerate(line):
            if units >= position.character:
                return at + col
            units += self.position_codec.client_num_units(ch)
        return at + len(line)


class _Workspace(Workspace):
    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None) -> TextDocument:
        return _Document(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )


def is_flow(uri: str, language: str | None = None) -> bool:
    """Whether a document is a flow: its language is `flow`, or its name
    ends in `.flow`. Other documents of the editor are left alone."""
    return language == "flow" or uri.endswith(".flow")


DEBOUNCE = 0.02  # seconds an edit waits for the next one before its file is checked (checkDelayMs)


class _Cancelled(Exception):
    """A check whose version of the file is no longer the editor's."""


@dataclass(frozen=True, slots=True)
class _Job:
    uri: str
    version: int | None
    full: bool  # a .calls file's calls are rehearsed (on open and save)


class FlowServer(LanguageServer):
    """The language server.

    **Positions.** Each version of a document has its line table (a
    :class:`~flowc.source.SourceFile`, split once): a position is converted
    by looking its line up, so a request or a diagnostic costs the same
    whatever the size of the file.

    **Checks.** An edit does not check the file at once: it waits
    :data:`DEBOUNCE` for the next edit, then the check runs on a worker
    thread, so requests keep being answered meanwhile. A check of a version
    that is no longer the editor's stops (between files and pieces of the
    parse) and publishes nothing: only the diagnostics of the newest version
    are published, with its ``version``. A check parses and judges again
    only the steps an edit changed (:mod:`flowc.syntax.incremental`,
    :mod:`flowc.livecheck`). The flows open beside a file are
    checked again only when what they can see of it changed: its flow's name,
    its steps and where they lead (:func:`_summary`).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sources: dict[str, SourceFile] = {}  # path -> the line table of its current text
        self._disk: dict[str, tuple[tuple[int, int], SourceFile]] = {}
        self._latest: dict[str, int | None] = {}  # uri -> the version its next check is for
        self._pending: dict[str, _Job] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flowc-check")
        self._summaries: dict[str, object] = {}  # path -> what the flows beside it see of it
        # path -> (the parse of the last outline, its symbols by step id, the symbols)
        self._outlines: dict[str, tuple[editor.Parsed, dict[int, tuple[ir.Step, str]], str]] = {}
        self.debounce = DEBOUNCE
        self.shut_down = False

    def path(self, uri: str) -> str:
        return os.path.abspath(to_fs_path(uri) or uri)

    def texts(self) -> dict[str, str]:
        """The editor's text of every open flow, by absolute path."""
        return {
            self.path(uri): doc.source
            for uri, doc in self.workspace.text_documents.items()
            if is_flow(uri, doc.language_id)
        }

    def is_flow(self, uri: str) -> bool:
        doc = self.workspace.text_documents.get(uri)
        return is_flow(uri, doc.language_id if doc is not None else None)

    def source(self, path: str) -> SourceFile:
        """The file's current text with its line table: the editor's buffer
        when it is open, else the file on disk."""
        doc = self.workspace.text_documents.get(_uri(path))
        if doc is not None:
            text = doc.source
            cached = self._sources.get(path)
            if cached is not None and cached.text is text:
                return cached
            found = SourceFile(path, text)
            self._sources[path] = found
            return found
        try:
            stat = os.stat(path)
            key = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            return SourceFile(path, "")
        kept = self._disk.get(path)
        if kept is not None and kept[0] == key:
            return kept[1]
        try:
            with open(path, encoding="utf-8") as f:
                found = SourceFile(path, f.read())
        except (OSError, UnicodeDecodeError):
            found = SourceFile(path, "")
        self._disk[path] = (key, found)
        return found

    def lines(self, path: str) -> tuple[str, ...]:
        return self.source(path).lines

    def units(self, text: str) -> int:
        """Columns of ``text`` in the client's position encoding."""
        if text.isascii():
            return len(text)
        return self.workspace.position_codec.client_num_units(text)

    def position(self, source: SourceFile, line: int, col: int) -> lsp.Position:
        """The client's position of 0-based ``line`` and code point ``col`` in ``source``."""
        text = source.line_text(line + 1) if line >= 0 else ""
        col = max(col, 0)
        return lsp.Position(line=max(line, 0), character=col if text.isascii() else self.units(text[:col]))

    def to_client(self, path: str, line: int, col: int) -> lsp.Position:
        return self.position(self.source(path), line, col)

    def from_client(self, uri: str, position: lsp.Position) -> tuple[str, int, int]:
        """(path, line, column in code points)."""
        path = self.path(uri)
        text = self.source(path).line_text(position.line + 1)
        if text.isascii():
            return path, position.line, min(position.character, len(text))
        units = 0
        for col, ch in enumerate(text):
            if units >= position.character:
                return path, position.line, col
            units += self.units(ch)
        return path, position.line, len(text)

    def range(self, place: editor.Place) -> lsp.Range:
        source = self.source(place.path)
        return lsp.Range(
            start=self.position(source, place.line, place.start),
            end=self.position(source, place.line, place.end),
        )

    def location(self, place: editor.Place) -> lsp.Location:
        return lsp.Location(uri=from_fs_path(place.path) or place.path, range=self.range(place))

    def span_range(self, span, empty: bool = False, sources: Mapping[str, SourceFile] | None = None) -> lsp.Range:
        """The range of a span, in the lines of ``sources`` (the version
        that was checked) or else of the file's current text."""
        end_line, end_col = span.end_line, span.end_col
        if (end_line, end_col) <= (span.line, span.col) and not empty:
            end_line, end_col = span.line, span.col + 1
        source = sources.get(span.file) if sources is not None else None
        if source is None:
            source = self.source(span.file)
        return lsp.Range(
            start=self.position(source, span.line - 1, span.col - 1),
            end=self.position(source, end_line - 1, end_col - 1),
        )

    def diagnostic(self, d: Diagnostic, sources: Mapping[str, SourceFile] | None = None) -> lsp.Diagnostic:
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        related = [
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(
                    uri=from_fs_path(n.span.file) or n.span.file, range=self.span_range(n.span, sources=sources)
                ),
                message=n.message,
            )
            for n in d.notes
        ]
        return lsp.Diagnostic(
            range=self.span_range(d.span, sources=sources),
            severity=_SEVERITY[d.severity],
            code=d.code,
            source="flowc",
            message=message,
            related_information=related or None,
            data={"fixes": [self.fix_data(f, sources) for f in d.fixes]} if d.fixes else None,
        )

    def fix_data(self, fix: Fix, sources: Mapping[str, SourceFile] | None = None) -> dict:
        """A fix as the diagnostic's ``data``, for the quick fix to apply."""
        return {
            "title": fix.title,
            "edits": [
                {
                    "uri": from_fs_path(e.span.file) or e.span.file,
                    "range": _range_data(self.span_range(e.span, empty=True, sources=sources)),
                    "newText": e.text,
                }
                for e in fix.edits
            ],
        }

    def outline(self, parsed: editor.Parsed) -> str:
        """The symbols of a parsed file's steps, as JSON text (a thousand steps
        make a thousand symbols: no typed object for each position on the way).

        The symbols of the last version are kept by step: the incremental
        parse gives an unchanged step the same object, and its symbol is the
        same (its lines and their text are), so an edit builds only the
        symbols of the steps it changed; the same version's outline is
        built once."""
        flow = parsed.flow
        assert flow is not None
        kept = self._outlines.get(parsed.path)
        if kept is not None and kept[0] is parsed:
            return kept[2]
        old = kept[1] if kept is not None and kept[0].flow is not None and kept[0].flow.name == flow.name else {}
        old_skipped = kept[0].skipped if kept is not None else frozenset()
        lines, units = parsed.source.lines, self.units

        def at(line: int, col: int) -> dict:
            text = lines[line] if 0 <= line < len(lines) else ""
            return {"line": line, "character": col if text.isascii() else units(text[:col])}

        by_step: dict[int, tuple[ir.Step, str]] = {}
        symbols: list[str] = []
        for step, name in editor.outline(parsed):
            found = old.get(id(step))
            if found is not None and found[0] is step and not parsed.skipped and not old_skipped:
                by_step[id(step)] = found
                symbols.append(found[1])
                continue
            last = step.verbs[-1]
            while last.body:
                last = last.body[-1]
            end_line = last.span.end_line
            if end_line in parsed.skipped:  # a stand-in for a line that did not parse: to its end
                end = at(end_line - 1, len(parsed.line(end_line)))
            else:
                end = at(end_line - 1, last.span.end_col - 1)
            symbol = json.dumps({
                "name": step.name,
                "detail": "branch step" if step.is_branch else f"{flow.name}/{step.name}.xml",
                "kind": lsp.SymbolKind.Function.value,
                "range": {"start": at(step.span.line - 1, step.span.col - 1), "end": end},
                "selectionRange": {"start": at(name.line, name.start), "end": at(name.line, name.end)},
            })
            by_step[id(step)] = (step, symbol)
            symbols.append(symbol)
        text = "[" + ",".join(symbols) + "]"
        self._outlines[parsed.path] = (parsed, by_step, text)
        return text

    # -- checks ------------------------------------------------------------------------------

    def doc_version(self, uri: str) -> int | None:
        doc = self.workspace.text_documents.get(uri)
        return doc.version if doc is not None else None

    def schedule(self, uri: str, full: bool = False, delay: float | None = None) -> None:
        """Check the file's current version once the edits pause (see the class's doc)."""
        version = self.doc_version(uri)
        self._latest[uri] = version
        earlier = self._pending.get(uri)
        self._pending[uri] = _Job(uri, version, full or (earlier is not None and earlier.full))
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(
            self.debounce if delay is None else delay, self._flush
        )

    def _flush(self) -> None:
        self._timer = None
        jobs, self._pending = list(self._pending.values()), {}
        for job in jobs:
            texts = self.texts()
            future = self._worker.submit(self._check, job, texts)
            future.add_done_callback(self._done_callback(job))

    def _done_callback(self, job: _Job):
        loop = asyncio.get_running_loop()

        def done(future) -> None:
            if future.cancelled():
                return
            loop.call_soon_threadsafe(self._publish, job, future)

        return done

    def stale(self, job: _Job) -> bool:
        return self._latest.get(job.uri, job.version) != job.version or job.uri not in self.workspace.text_documents

    def _check(self, job: _Job, texts: dict[str, str]):
        """On the worker thread: the file's diagnostics and what its
        neighbours see of it; ``None`` when the check went stale."""
        if self.stale(job):
            return None
        path = self.path(job.uri)
        if calls.is_calls(path):
            problems = calls.diagnostics(path, texts, rehearse=job.full)
            return [self.diagnostic(d) for d in problems if d.span.file == path], None

        def parse(source: SourceFile) -> Parsed:
            found = editor.parse_source(source, lambda: self.stale(job))
            if found is None or self.stale(job):
                raise _Cancelled
            return Parsed(found.flow, list(found.diagnostics), found.complete, found.skipped)

        try:
            build = load([path], texts=texts, parse=parse, check=editor.step_checks(path).run)
        except _Cancelled:
            return None
        if self.stale(job):
            return None
        sources = build.sources()
        found = [self.diagnostic(d, sources) for d in build.diagnostics if d.span.file == path]
        unit = next((u for u in build.units if u.path == path), None)
        if unit is None or unit.source is None:
            return found, None
        return found, _summary(unit.source.text, unit.flow is not None)

    def _publish(self, job: _Job, future) -> None:
        """On the event loop: publish a finished check, unless it went stale."""
        try:
            result = future.result()
        except Exception:
            logging.getLogger(__name__).exception("checking %s failed", job.uri)
            return
        if result is None or self.stale(job):
            return
        found, summary = result
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=job.uri, diagnostics=found, version=job.version)
        )
        path = self.path(job.uri)
        if summary is None or self._summaries.get(path) == summary:
            return
        first = path not in self._summaries
        self._summaries[path] = summary
        if first:
            return
        # What the flows beside it see of this file changed: check them again.
        directory = os.path.dirname(path)
        for uri in list(self.workspace.text_documents):
            if uri != job.uri and self.is_flow(uri) and os.path.dirname(self.path(uri)) == directory:
                self.schedule(uri, delay=0)

    def check(self, uri: str, full: bool = False) -> None:
        """Check a flow or a ``.calls`` file (see :meth:`schedule`); a ``.calls``
        file's calls are rehearsed when ``full`` (on open and save), its lines
        only read while typing. Other documents are left alone."""
        if calls.is_calls(self.path(uri)) or self.is_flow(uri):
            self.schedule(uri, full)

    def forget(self, uri: str) -> None:
        path = self.path(uri)
        self._latest.pop(uri, None)
        self._pending.pop(uri, None)
        self._sources.pop(path, None)
        self._outlines.pop(path, None)
        editor.forget(path)

    def flows(self, path: str) -> list[editor.Parsed]:
        return editor.siblings(path, self.texts())

    def step_under_cursor(self, uri: str, position: lsp.Position):
        """The file's flow and its siblings (the file's first), and the step
        named at the cursor (``editor.step_at``), or ``None``."""
        path, line, col = self.from_client(uri, position)
        flows = self.flows(path)
        return flows, editor.step_at(flows[0], line, col)


@functools.lru_cache(maxsize=1024)
def _uri(path: str) -> str:
    """The key of the file among the workspace's documents."""
    return unquote(from_fs_path(path) or path)


_SAID = re.compile(r'^([ \t]*say\b[^"\n]*)"(?:[^"\\\n]|\\.)*"', re.MULTILINE)


def _summary(text: str, complete: bool) -> object:
    """What the flows beside a file can see of it, as text: whether it
    parses, and its lines without blank and comment lines, trailing spaces
    and what a ``say`` says. Equal summaries make the same flow but for
    positions and spoken texts, which is all the other flows' diagnostics can
    depend on; so typing in a ``say`` or a comment checks none of them again."""
    lines = _SAID.sub(r'\1""', text).split("\n")
    return complete, "\n".join(
        line.rstrip() for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


server = FlowServer("flowc", __version__, converter_factory=_converter, protocol_cls=_Protocol)


@server.feature(lsp.INITIALIZE)
def initialize(ls: FlowServer, params: lsp.InitializeParams) -> None:
    """Settings from the client's ``initializationOptions``: ``checkDelayMs``,
    how long an edit waits for the next one before the file is checked."""
    # Open documents apply their edits in flowc's line model (see _Document).
    ls.workspace.__class__ = _Workspace
    options = params.initialization_options
    delay = options.get("checkDelayMs") if isinstance(options, dict) else None
    if isinstance(delay, int | float) and not isinstance(delay, bool) and 0 <= delay <= 10_000:
        ls.debounce = delay / 1000


@server.feature(lsp.SHUTDOWN)
def shutdown(ls: FlowServer, params: None) -> None:
    ls.shut_down = True


@server.feature(lsp.EXIT)
def exit_now(ls: FlowServer, params: None) -> None:
    """Exit at once, without waiting for a check or a long request under way:
    the editor has gone. The exit code is LSP's: 0 after ``shutdown``, else 1."""
    sys.stdout.flush()
    os._exit(0 if ls.shut_down else 1)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FlowServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.check(params.text_document.uri, full=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FlowServer, params: lsp.DidChangeTextDocumentParams) -> None:
    # Open flows beside it are checked again when what they see of it changes (FlowServer._publish).
    ls.check(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: FlowServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.check(params.text_document.uri, full=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FlowServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: FlowServer, params: lsp.HoverParams) -> lsp.Hover | None:
    if not ls.is_flow(params.text_document.uri):
        return None
    path, line, col = ls.from_client(params.text_document.uri, params.position)
    found = editor.hover_text(path, ls.source(path).text, line, col, ls.flows(path))
    if found is None:
        return None
    text, place = found
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
        range=ls.range(place),
    )


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", ".", ">"]))
def completion(ls: FlowServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    if not ls.is_flow(params.text_document.uri):
        return lsp.CompletionList(is_incomplete=False, items=[])
    path, line, col = ls.from_client(params.text_document.uri, params.position)
    lines = ls.lines(path)
    found = editor.complete(ls.source(path).text, line, col, ls.flows(path))
    # Each item replaces the word being typed (a `flow.step` reference with
    # its dot), whatever the client's own idea of a word. No `filterText`:
    # it would be the label anyway, and Neovim's omnifunc takes the start of
    # the word from the edit's range only for items without one.
    start = editor.typed_start(lines[line] if line < len(lines) else "", col)
    replaced = ls.range(editor.Place(path, line, start, col))
    items = [
        lsp.CompletionItem(
            label=c.label,
            kind=_COMPLETION_KIND[c.kind],
            detail=c.detail or None,
            documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=c.documentation)
            if c.documentation
            else None,
            text_edit=lsp.TextEdit(range=replaced, new_text=c.label),
        )
        for c in found
    ]
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: FlowServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    if not ls.is_flow(params.text_document.uri):
        return None
    path, line, col = ls.from_client(params.text_document.uri, params.position)
    flows = ls.flows(path)
    flow_name = editor.flow_at(flows[0], line, col)
    if flow_name is not None:
        target = editor.find_flow(flows, flow_name)
        place = editor.flow_place(target) if target is not None else None
        return ls.location(place) if place is not None else None
    found = editor.step_at(flows[0], line, col)
    if found is None:
        return None
    place = editor.definition(flows, found[0], found[1])
    return ls.location(place) if place is not None else None


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: FlowServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    if not ls.is_flow(params.text_document.uri):
        return []
    flows, found = ls.step_under_cursor(params.text_document.uri, params.position)
    if found is None:
        return []
    places = editor.references(flows, found[0], found[1])
    if params.context.include_declaration:
        declared = editor.definition(flows, found[0], found[1])
        if declared is not None:
            places.insert(0, declared)
    return [ls.location(p) for p in places]


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: FlowServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    if not ls.is_flow(params.text_document.uri):
        return None
    flows, found = ls.step_under_cursor(params.text_document.uri, params.position)
    if found is None:
        return None
    blocker = editor.rename_blocker(flows, found[0], found[1])
    if blocker is not None:
        raise RequestFailed(blocker)
    return ls.range(found[2])


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(ls: FlowServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    if calls.is_calls(ls.path(params.text_document.uri)):
        raise RequestFailed("steps are renamed from their .flow file")
    if not ls.is_flow(params.text_document.uri):
        return None
    flows, found = ls.step_under_cursor(params.text_document.uri, params.position)
    if found is None:
        raise RequestFailed("place the cursor on a step name or a step reference to rename a step")
    try:
        edits = editor.rename(flows, found[0], found[1], params.new_name)
    except editor.RenameRefused as exc:
        raise RequestFailed(str(exc)) from None
    return lsp.WorkspaceEdit(
        changes={
            from_fs_path(file) or file: [lsp.TextEdit(range=ls.range(p), new_text=text) for p, text in items]
            for file, items in edits.items()
        }
    )


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_action(ls: FlowServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """A quick fix for every fix a diagnostic in the range carries: the
    "did you mean" and "write ..." of its hint, one keystroke away."""
    actions = []
    for d in params.context.diagnostics:
        data = d.data if isinstance(d.data, dict) else {}
        for fix in data.get("fixes", ()):
            changes: dict[str, list[lsp.TextEdit]] = {}
            for e in fix["edits"]:
                changes.setdefault(e["uri"], []).append(
                    lsp.TextEdit(range=_range_of(e["range"]), new_text=e["newText"])
                )
            actions.append(
                lsp.CodeAction(
                    title=fix["title"][:1].upper() + fix["title"][1:],
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[d],
                    edit=lsp.WorkspaceEdit(changes=changes),
                    is_preferred=len(data["fixes"]) == 1,
                )
            )
    return actions


@server.feature(
    lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
    lsp.SemanticTokensLegend(token_types=list(editor.TOKEN_TYPES), token_modifiers=[]),
)
def semantic_tokens(ls: FlowServer, params: lsp.SemanticTokensParams) -> lsp.SemanticTokens | None:
    """Keywords, strings, comments, numbers, `->`, steps, flows and labels,
    for editors that colour by meaning; relative positions, as LSP wants."""
    if not ls.is_flow(params.text_document.uri):
        return None
    path = ls.path(params.text_document.uri)
    lines = ls.lines(path)
    data: list[int] = []
    last_line = last_start = 0
    for line, start, length, kind in editor.semantic_tokens(ls.source(path).text):
        text = lines[line]
        begin = ls.units(text[:start])
        size = ls.units(text[start : start + length])
        delta = line - last_line
        data += [delta, begin - (last_start if delta == 0 else 0), size, editor.TOKEN_TYPES.index(kind), 0]
        last_line, last_start = line, begin
    return lsp.SemanticTokens(data=data)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: FlowServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    """The outline: the flow's steps, each with the lines it spans (while
    the file has syntax errors, the steps that parsed)."""
    if not ls.is_flow(params.text_document.uri):
        return []
    path = ls.path(params.text_document.uri)
    if calls.is_calls(path):
        return _calls_outline(ls, path)
    source = ls.source(path)
    parsed = editor.parse_text(path, source.text)
    if parsed.flow is None:
        return []
    return _Text(ls.outline(parsed))  # type: ignore[return-value]


def _calls_outline(ls: FlowServer, path: str) -> list[lsp.DocumentSymbol]:
    """The outline of a .calls file: its calls."""
    file = calls.outline(path, ls.source(path).text)
    out = []
    for scenario in file.scenarios:
        end = scenario.lines[-1].span if scenario.lines else scenario.span
        title = ls.span_range(scenario.span)
        out.append(
            lsp.DocumentSymbol(
                name=scenario.title,
                detail=f"call to {file.flow}",
                kind=lsp.SymbolKind.Event,
                range=lsp.Range(start=lsp.Position(line=scenario.span.line - 1, character=0),
                                end=ls.span_range(end).end),
                selection_range=title,
            )
        )
    return out


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
@server.thread()  # a long file takes long: the other requests are answered meanwhile
def formatting(ls: FlowServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    if not ls.is_flow(params.text_document.uri):
        return None
    path = ls.path(params.text_document.uri)
    text = ls.workspace.get_text_document(params.text_document.uri).source
    try:
        formatted, problems = format_text(text, path)
    except FormatterBug:
        return None
    if formatted is None or formatted == text:
        return [] if formatted is not None else None
    lines = split_lines(text)
    end = lsp.Position(line=len(lines) - 1, character=ls.units(lines[-1]))
    return [
        lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=formatted)
    ]


def main() -> None:
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_Refusals())
    # A check runs on the worker thread while the event loop reads the editor's
    # messages: hand the interpreter over every millisecond rather than every
    # five, so a message waits little behind a check.
    sys.setswitchinterval(0.001)
    server.start_io()
