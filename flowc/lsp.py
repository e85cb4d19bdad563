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

import logging
import os

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__, editor
from .diagnostics import Diagnostic, Fix, Severity
from .formatter import FormatterBug, format_text
from .project import load
from .rehearsal import editor as calls
from .source import split_lines

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


def is_flow(uri: str, language: str | None = None) -> bool:
    """Whether a document is a flow: its language is `flow`, or its name
    ends in `.flow`. Other documents of the editor are left alone."""
    return language == "flow" or uri.endswith(".flow")


class FlowServer(LanguageServer):
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

    def lines(self, path: str) -> list[str]:
        text = self.texts().get(path)
        if text is None:
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                text = ""
        return split_lines(text)

    def units(self, text: str) -> int:
        """Columns of ``text`` in the client's position encoding."""
        return self.workspace.position_codec.client_num_units(text)

    def to_client(self, path: str, line: int, col: int) -> lsp.Position:
        lines = self.lines(path)
        text = lines[line] if 0 <= line < len(lines) else ""
        return lsp.Position(line=max(line, 0), character=self.units(text[: max(col, 0)]))

    def from_client(self, uri: str, position: lsp.Position) -> tuple[str, int, int]:
        """(path, line, column in code points)."""
        path = self.path(uri)
        lines = self.lines(path)
        text = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for col, ch in enumerate(text):
            if units >= position.character:
                return path, position.line, col
            units += self.units(ch)
        return path, position.line, len(text)

    def range(self, place: editor.Place) -> lsp.Range:
        return lsp.Range(
            start=self.to_client(place.path, place.line, place.start),
            end=self.to_client(place.path, place.line, place.end),
        )

    def location(self, place: editor.Place) -> lsp.Location:
        return lsp.Location(uri=from_fs_path(place.path) or place.path, range=self.range(place))

    def span_range(self, span, empty: bool = False) -> lsp.Range:
        end_line, end_col = span.end_line, span.end_col
        if (end_line, end_col) <= (span.line, span.col) and not empty:
            end_line, end_col = span.line, span.col + 1
        return lsp.Range(
            start=self.to_client(span.file, span.line - 1, span.col - 1),
            end=self.to_client(span.file, end_line - 1, end_col - 1),
        )

    def diagnostic(self, d: Diagnostic) -> lsp.Diagnostic:
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        related = [
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(
                    uri=from_fs_path(n.span.file) or n.span.file, range=self.span_range(n.span)
                ),
                message=n.message,
            )
            for n in d.notes
        ]
        return lsp.Diagnostic(
            range=self.span_range(d.span),
            severity=_SEVERITY[d.severity],
            code=d.code,
            source="flowc",
            message=message,
            related_information=related or None,
            data={"fixes": [self.fix_data(f) for f in d.fixes]} if d.fixes else None,
        )

    def fix_data(self, fix: Fix) -> dict:
        """A fix as the diagnostic's ``data``, for the quick fix to apply."""
        return {
            "title": fix.title,
            "edits": [
                {
                    "uri": from_fs_path(e.span.file) or e.span.file,
                    "range": _range_data(self.span_range(e.span, empty=True)),
                    "newText": e.text,
                }
                for e in fix.edits
            ],
        }

    def check(self, uri: str, full: bool = False) -> None:
        """Publish the file's problems; a ``.calls`` file's calls are rehearsed when ``full``
        (on open and save), its lines only read while typing."""
        path = self.path(uri)
        if not calls.is_calls(path) and not self.is_flow(uri):
            return
        if calls.is_calls(path):
            problems = calls.diagnostics(path, self.texts(), rehearse=full)
            found = [self.diagnostic(d) for d in problems if d.span.file == path]
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found))
            return
        build = load([path], texts=self.texts())
        found = [self.diagnostic(d) for d in build.diagnostics if d.span.file == path]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found))

    def flows(self, path: str) -> list[editor.Parsed]:
        return editor.siblings(path, self.texts())

    def step_under_cursor(self, uri: str, position: lsp.Position):
        """The file's flow and its siblings (the file's first), and the step
        named at the cursor (``editor.step_at``), or ``None``."""
        path, line, col = self.from_client(uri, position)
        flows = self.flows(path)
        return flows, editor.step_at(flows[0], line, col)


server = FlowServer("flowc", __version__)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FlowServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.check(params.text_document.uri, full=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FlowServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.check(params.text_document.uri)
    # Open flows beside it may refer to its steps: check them again too.
    directory = os.path.dirname(ls.path(params.text_document.uri))
    for uri in list(ls.workspace.text_documents):
        if uri != params.text_document.uri and os.path.dirname(ls.path(uri)) == directory and ls.is_flow(uri):
            ls.check(uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: FlowServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.check(params.text_document.uri, full=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FlowServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: FlowServer, params: lsp.HoverParams) -> lsp.Hover | None:
    if not ls.is_flow(params.text_document.uri):
        return None
    path, line, col = ls.from_client(params.text_document.uri, params.position)
    found = editor.hover_text(path, "\n".join(ls.lines(path)), line, col, ls.flows(path))
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
    found = editor.complete("\n".join(lines), line, col, ls.flows(path))
    # Each item replaces the word being typed (a `flow.step` reference with
    # its dot), whatever the client's own idea of a word.
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
            filter_text=c.label,
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
    for line, start, length, kind in editor.semantic_tokens("\n".join(lines)):
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
    parsed = ls.flows(path)[0]
    symbols: list[lsp.DocumentSymbol] = []
    if parsed.flow is None:
        return symbols
    flow = parsed.flow
    for step, name in editor.outline(parsed):
        last = step.verbs[-1]
        while last.body:
            last = last.body[-1]
        whole = editor.Place(path, step.span.line - 1, step.span.col - 1, 0)
        end_line = last.span.end_line
        if end_line in parsed.skipped:  # a stand-in for a line that did not parse: to its end
            end = ls.to_client(path, end_line - 1, len(parsed.line(end_line)))
        else:
            end = ls.to_client(path, end_line - 1, last.span.end_col - 1)
        symbols.append(
            lsp.DocumentSymbol(
                name=step.name,
                detail="branch step" if step.is_branch else f"{flow.name}/{step.name}.xml",
                kind=lsp.SymbolKind.Function,
                range=lsp.Range(start=ls.range(whole).start, end=end),
                selection_range=ls.range(name),
            )
        )
    return symbols


def _calls_outline(ls: FlowServer, path: str) -> list[lsp.DocumentSymbol]:
    """The outline of a .calls file: its calls."""
    file = calls.outline(path, "\n".join(ls.lines(path)))
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
    server.start_io()
