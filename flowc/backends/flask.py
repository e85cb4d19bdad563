"""IR → a Flask application package that serves the flows and calls your code.

The package is made of generated modules, rewritten by every build, and one
module for the user, ``handlers.py``, created once (an ``Emission`` seed) and
never touched again. Every step is served at ``/<flow>/<step>.xml`` with the
bytes of the TwiML target (:func:`.twiml.render_step`); every callback path
(a ``->`` path, a recording ``status`` URL, a ``transcribe`` URL) becomes a
route that validates Twilio's signature, builds a typed request object and
calls the handler named after the path.

Generated Python is rendered from jinja2 templates with ``StrictUndefined``.
Every ``{{ value }}`` is passed through :func:`_finalize`, which writes
``repr(value)`` for anything but a :class:`Code` (Python text this module made
itself, such as an identifier it checked), so nothing from a flow's source can
become code.
"""

from __future__ import annotations

import ast
import keyword
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from .. import __version__, ir, urls, webhooks
from ..codes import report
from ..diagnostics import Diagnostic, Note, has_errors
from ..source import Span
from . import Emission, ErrorNotice, MissingDependency
from .twiml import render_step

HANDLERS_MODULE = "handlers.py"
_APP_HOST = "app.invalid"
TEMPLATES = "flask_templates"
HEALTH = "/healthz"  # answered by the app itself (security.py, app.py)

# Generated modules and files: template name -> path in the package.
GENERATED = {
    "__init__.py.j2": "__init__.py",
    "app.py.j2": "app.py",
    "flows.py.j2": "flows.py",
    "logs.py.j2": "logs.py",
    "models.py.j2": "models.py",
    "respond.py.j2": "respond.py",
    "security.py.j2": "security.py",
    "store.py.j2": "store.py",
    "requirements.txt.j2": "requirements.txt",
    "gunicorn_config.py.j2": "gunicorn_config.py",
    "Procfile.j2": "Procfile",
    "Dockerfile.j2": "Dockerfile",
}
# Files for the user, created once: template name -> path in the package.
SEEDS = {
    "handlers.py.j2": HANDLERS_MODULE,
    "tests/__init__.py.j2": "tests/__init__.py",
    "tests/conftest.py.j2": "tests/conftest.py",
    "tests/test_routes.py.j2": "tests/test_routes.py",
}
# What the generated app runs on, pinned in its requirements.txt: the versions
# the test extra of pyproject.toml installs, so the tests run what users deploy.
PINS = (
    "flask==3.1.3",
    "werkzeug==3.1.9",
    "twilio==9.13.0",
    "gunicorn==27.0.1",
    "# For a DATABASE_URL that is not SQLite (PostgreSQL: postgresql+psycopg://user:password@host/db):",
    "sqlalchemy==2.1.9",
    "psycopg[binary]==3.3.9",
)


class Code(str):
    """Python source made by this module (never text from a flow): written as is."""


# The kinds of request Twilio sends to a callback path, their request classes
# and parameters: the table of flowc/webhooks.py, by kind (`DIAL_ACTION`).
KINDS = webhooks.REQUESTS
STANDARD = webhooks.STANDARD

# Parameters that are not text.
TYPES = {
    "RecordingDuration": "int",
    "RecordingChannels": "int",
    "DialCallDuration": "int",
    "CallDuration": "int",
    "QueueTime": "int",
    "QueuePosition": "int",
    "AvgQueueTime": "int",
    "CurrentQueueSize": "int",
    "MaxQueueSize": "int",
    "SessionDuration": "int",
    "MachineDetectionDuration": "int",
    "SequenceNumber": "int",
    "SequenceId": "int",
    "Attempt": "int",
    "Duration": "int",
    "RecordingFileSize": "int",
    "Confidence": "float",
    "Stability": "float",
}
# Parameters that may be long text (a transcript, data handed over by an agent).
LONG_TEXT = frozenset({"TranscriptionText", "TranscriptionData", "HandoffData", "VirtualAgentProviderData"})

# Kinds whose response Twilio uses as the call's next TwiML document.
ANSWERS_TWIML = frozenset(kind for kind, request in KINDS.items() if request.twiml)


def attribute(param: str) -> str:
    """``RecordingUrl`` → ``recording_url``; ``From`` → ``from_``."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", param).lower()
    return name + "_" if keyword.iskeyword(name) else name


def handler_name(path: str) -> str:
    """The handler of a path: ``/ivr/choice`` → ``on_ivr_choice``."""
    words = re.sub(r"[^0-9A-Za-z]+", "_", path).strip("_").lower()
    return f"on_{words or 'root'}"


# ---- what the flows need served ------------------------------------------------------------


@dataclass
class Use:
    """One place a callback path is written."""

    flow: str
    step: str
    verb: str
    span: Span


@dataclass
class Callback:
    path: str  # percent-decoded, without query or fragment: what the app matches
    kind: str  # a key of webhooks.REQUESTS
    handler: str
    uses: list[Use] = field(default_factory=list)
    mailboxes: set[str] = field(default_factory=set)

    @property
    def model(self) -> str:
        return KINDS[self.kind].model

    @property
    def title(self) -> str:
        return KINDS[self.kind].title

    @property
    def mailbox(self) -> str | None:
        """The label of the recording, when every record using the path has the same one."""
        return next(iter(self.mailboxes)) if len(self.mailboxes) == 1 else None


def _route_path(flow: ir.Flow, step: ir.Step, target: ir.Target) -> str | None:
    """The path on this app a URL target requests, or None (a step, another host, or no URL)."""
    if isinstance(target, ir.StepTarget) or target.kind is ir.TargetKind.ABSOLUTE:
        return None
    url = urls.split(target.text)
    if isinstance(url, urls.UrlError) or url.scheme or url.netloc:
        return None
    if target.kind is ir.TargetKind.RELATIVE:
        # Resolved against the step's own URL, as Twilio resolves it; the host
        # stands for wherever the app is served.
        url = urls.join(f"https://{_APP_HOST}{step_path(flow.name, step.name)}", target.text)
        if isinstance(url, urls.UrlError) or url.netloc != _APP_HOST:
            return None
    if not url.path.startswith("/"):
        return None
    return unquote(url.path)


def step_path(flow: str, step: str) -> str:
    return f"/{flow}/{step}.xml"


def _callbacks_of(verb: ir.Verb) -> Iterable[tuple[ir.Target, str]]:
    """The URLs a verb (or a noun) writes and the kind of request each receives
    (webhooks.WHERE); `when` and `otherwise` point at steps, never at a path."""
    for hook in webhooks.of(verb):
        yield hook.target, hook.kind


# gunicorn_config.py's limit_request_line: the longest request line the server accepts.
LIMIT_REQUEST_LINE = 4094
# Room kept for the query string Twilio adds to a GET: the call's parameters
# (CallSid, AccountSid, From, To, caller's and callee's places, …).
QUERY_ROOM = 1024
# The longest URL path (as sent, percent-encoded) that leaves that room.
MAX_PATH = LIMIT_REQUEST_LINE - len("POST  HTTP/1.1") - QUERY_ROOM
_SENT_AS_IS = "/:@!$&'()*+,;=-._~"


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _too_long(path: str, what: str, span) -> Diagnostic | None:
    sent = len(quote(path, safe=_SENT_AS_IS))
    if sent <= MAX_PATH:
        return None
    return report(
        "FL823",
        f"{what} is {sent} characters long; the server accepts request lines of at most "
        f"{LIMIT_REQUEST_LINE} bytes and Twilio adds the call's parameters to a GET, so paths over "
        f"{MAX_PATH} characters may get 414 instead of TwiML",
        span,
        hint="use shorter names",
    )


def collect(flows: Iterable[ir.Flow]) -> tuple[dict[str, Callback], list[Diagnostic]]:
    """Every callback path of the flows, and what makes one unservable."""
    flows = list(flows)
    steps = {step_path(f.name, s.name) for f in flows for s in f.steps}
    found: dict[str, Callback] = {}
    first_span: dict[str, Span] = {}
    problems: list[Diagnostic] = []
    for flow in flows:
        for step in flow.steps:
            url = step_path(flow.name, step.name)
            long = _too_long(url, f"the URL of step `{_short(flow.name + '.' + step.name)}`", step.name_span)
            if long is not None:
                problems.append(long)
    for flow in flows:
        for step in flow.steps:
            for verb in ir.walk(step.verbs):
                for target, kind in _callbacks_of(verb):
                    path = _route_path(flow, step, target)
                    if path is None:
                        continue
                    if "<" in path or ">" in path or path.startswith("//"):
                        problems.append(
                            report(
                                "FL820",
                                f"the flask target cannot serve `{target.text}`: a route cannot contain "
                                "`<` or `>` or start with `//`",
                                target.span,
                                hint="use a plain path such as /recording-status",
                            )
                        )
                        continue
                    if path == HEALTH:
                        problems.append(
                            report(
                                "FL820",
                                f"the flask target cannot serve `{target.text}`: the app answers "
                                f"{HEALTH} itself, for health checks",
                                target.span,
                                hint="choose another path",
                            )
                        )
                        continue
                    if path in steps:
                        if kind in ANSWERS_TWIML:
                            continue  # the step's own route answers it
                        problems.append(
                            report(
                                "FL821",
                                f"`{target.text}` is the URL of a step, so Twilio's {KINDS[kind].title} would get "
                                "its TwiML and nothing would be stored",
                                target.span,
                                hint="give the callback a path of its own, such as /recording-status",
                            )
                        )
                        continue
                    cb = found.get(path)
                    if cb is None:
                        cb = found[path] = Callback(path=path, kind=kind, handler=handler_name(path))
                        first_span[path] = target.span
                        long = _too_long(path, f"the callback path `{_short(path)}`", target.span)
                        if long is not None:
                            problems.append(long)
                    elif cb.kind != kind:
                        problems.append(
                            report(
                                "FL821",
                                f"`{path}` receives both a {cb.title} and a {KINDS[kind].title}; Twilio sends "
                                "them different parameters",
                                target.span,
                                notes=(Note(message=f"used for a {cb.title} here", span=first_span[path]),),
                                hint="give each kind of request its own path",
                            )
                        )
                        continue
                    cb.uses.append(Use(flow=flow.name, step=step.name, verb=verb.name, span=target.span))
                    if isinstance(verb, ir.Record) and verb.label is not None:
                        cb.mailboxes.add(verb.label.value)
    by_name: dict[str, Callback] = {}
    for cb in found.values():
        other = by_name.setdefault(cb.handler, cb)
        if other is not cb:
            problems.append(
                report(
                    "FL822",
                    f"`{cb.path}` and `{other.path}` would both be answered by `{cb.handler}`",
                    first_span[cb.path],
                    notes=(Note(message=f"`{other.path}` is written here", span=first_span[other.path]),),
                    hint="rename one of the paths",
                )
            )
    return found, problems


# ---- branch steps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a branch line answers: a step of the same flow (served directly, so
    its relative URLs resolve as in its own document) or a fixed document."""

    step: str | None = None
    document: bytes | None = None


def _redirect_document(flow: ir.Flow, step: ir.Step, target: ir.Target) -> bytes:
    verb = ir.Redirect(span=step.span, keyword=step.span, target=target)
    return render_step(flow, ir.Step(name=step.name, name_span=step.name_span, span=step.span, verbs=(verb,)))


def _outcome(flow: ir.Flow, step: ir.Step, target: ir.Target) -> Outcome:
    if isinstance(target, ir.StepTarget) and target.flow in (None, flow.name):
        return Outcome(step=target.step)
    return Outcome(document=_redirect_document(flow, step, target))


def branches(flow: ir.Flow) -> dict[str, tuple[tuple[tuple[str, Outcome], ...], Outcome | None]]:
    """``{step: ((key, outcome), ...), fallback}`` for the branch steps of a flow.

    Lines are tried from the top, so of two lines with one key (``FL804``)
    the first wins. The fallback is the ``otherwise`` line, or ``None``
    without one: then keys no line names end the call (the app answers an
    empty ``<Response/>`` and logs it).
    """
    out = {}
    for step in flow.steps:
        if not step.is_branch:
            continue
        cases: dict[str, Outcome] = {}
        fallback = None
        for verb in step.verbs:
            if isinstance(verb, ir.When):
                cases.setdefault(verb.value.value, _outcome(flow, step, verb.target))
            elif isinstance(verb, ir.Otherwise):
                fallback = _outcome(flow, step, verb.target)
                break  # lines after `otherwise` are never taken (FL803)
        out[step.name] = (tuple(cases.items()), fallback)
    return out


# ---- rendering ----------------------------------------------------------------------------------


def _finalize(value):
    if isinstance(value, Code):
        return str(value)
    if value is None or isinstance(value, str | bytes | int | float | bool | tuple | frozenset):
        return repr(value)
    raise TypeError(f"refusing to write a {type(value).__name__} into generated Python")


def require() -> None:
    """Raise :class:`MissingDependency` when jinja2, which renders the app, is missing."""
    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise MissingDependency(
            "the flask target needs jinja2, which is not installed: pip install 'flowc[flask]'"
        ) from None


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # `{{ name|literal }}`: a string literal even for Python text made here.
    env.filters["literal"] = lambda value: Code(repr(str(value)))
    return env


def _ident(name: str) -> Code:
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        raise ValueError(f"not a Python identifier: {name!r}")
    return Code(name)


@dataclass(frozen=True)
class ModelField:
    param: str
    name: Code
    type: Code
    convert: Code  # the converter of models.py: str, text, sid, int or float

    @property
    def label(self) -> Code:
        return _ident(self.param)  # a parameter name of Twilio's, from the table above


def _convert(param: str) -> Code:
    if param in TYPES:
        return Code(TYPES[param])
    if param.endswith("Sid"):
        return Code("sid")
    return Code("text" if param in LONG_TEXT else "str")


def _models() -> list[dict]:
    out = []
    seen: set[str] = set()
    for request in KINDS.values():
        if request.model in seen:
            continue  # one class serves every kind that shares it
        seen.add(request.model)
        params = request.params
        names = (*params, *(p for p in STANDARD if p not in params)) if request.standard else params
        out.append(
            {
                "cls": _ident(request.model),
                "kind": Code(request.title),
                "fields": [
                    ModelField(
                        param=p,
                        name=_ident(attribute(p)),
                        type=Code(TYPES.get(p, "str")),
                        convert=_convert(p),
                    )
                    for p in names
                ],
            }
        )
    return out


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD = re.compile(r"[a-z][a-z-]*\Z")  # a verb or noun of the vocabulary: `virtual-agent`


def _uses_text(cb: Callback) -> Code:
    """``gather in ivr.start, gather in ivr.again``: flow and step names are
    plain names (the grammar and FL101 see to it), checked again here because
    this text is written into comments as is."""
    for u in cb.uses:
        if not (_NAME.match(u.flow) and _NAME.match(u.step) and _WORD.match(u.verb)):
            raise ValueError(f"not a plain name: {u.flow}.{u.step} ({u.verb})")
    return Code(", ".join(f"{u.verb} in {u.flow}.{u.step}" for u in cb.uses))


def _handler_stub(cb: Callback) -> dict:
    return {
        "name": _ident(cb.handler),
        "model": _ident(cb.model),
        "path": cb.path,
        "uses": _uses_text(cb),
        "kind": Code(cb.title),
        "answers": cb.kind in ANSWERS_TWIML,
    }


def unsupported(build) -> tuple[Diagnostic, ...]:
    """Callback paths the generated app cannot serve (``FL820``-``FL822``)."""
    return tuple(collect(build.flows)[1])


def emit(build) -> Emission:
    """The flask target: a Python package in OUT (see docs/flask.md)."""
    flows = list(build.flows)
    callbacks, problems = collect(flows)
    if has_errors(problems):
        return Emission(diagnostics=tuple(problems), summary="")
    env = _environment()
    steps = []
    branch_table = []
    for flow in flows:
        table = branches(flow)
        for step in flow.steps:
            if step.name in table:
                cases, fallback = table[step.name]
                branch_table.append(
                    {"flow": flow.name, "step": step.name, "cases": cases, "otherwise": fallback}
                )
            else:
                steps.append({"flow": flow.name, "step": step.name, "document": render_step(flow, step)})
    cbs = [callbacks[p] for p in sorted(callbacks)]
    context = {
        "version": Code(__version__) if re.fullmatch(r"[0-9A-Za-z.+-]+", __version__) else "?",
        "sources": tuple(f.path for f in flows),
        "steps": steps,
        "branches": branch_table,
        "callbacks": [
            {
                "path": cb.path,
                "kind": _ident(cb.kind),
                "handler": cb.handler,
                "model": _ident(cb.model),
                "mailbox": cb.mailbox,
            }
            for cb in cbs
        ],
        "handlers": [_handler_stub(cb) for cb in cbs],
        "models": _models(),
        "model_names": sorted({_ident(cb.model) for cb in cbs}),
        "kinds": [(_ident(k), r.title) for k, r in KINDS.items()],
        "answers": [_ident(k) for k in KINDS if k in ANSWERS_TWIML],
        "samples": [(_ident(k), r.sample) for k, r in KINDS.items()],
    }
    context["pins"] = [Code(line) for line in PINS]
    files = {path: env.get_template(name).render(context).encode("utf-8") for name, path in GENERATED.items()}
    seeds = {path: env.get_template(name).render(context).encode("utf-8") for name, path in SEEDS.items()}
    stubs = {cb.handler: _handler_stub(cb) for cb in cbs}

    def after_write(out: str) -> tuple[str, ...]:
        return missing_handlers(os.path.join(out, HANDLERS_MODULE), stubs)

    n = len(steps) + len(branch_table)
    summary = (
        f"a Flask app with {n} step route{'s' if n != 1 else ''} and {len(cbs)} callback "
        f"route{'s' if len(cbs) != 1 else ''}"
    )
    return Emission(
        files=files, seeds=seeds, after_write=after_write, diagnostics=tuple(problems), summary=summary
    )


class HandlersError(Exception):
    """The user's module cannot be read or does not parse; the message says where."""


def _top_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements that run when the module is imported: those of the module's
    body and, recursively, of its ``if``, ``try``, ``with``, ``for``, ``while`` and
    ``match`` blocks (not of functions or classes)."""
    for node in body:
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for name in ("body", "orelse", "finalbody"):
            yield from _top_level(getattr(node, name, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            yield from _top_level(handler.body)
        for case in getattr(node, "cases", []) or []:
            yield from _top_level(case.body)


def defined_functions(path: str) -> set[str]:
    """Names a module defines at its top level (functions, assignments, imports),
    also inside blocks such as ``if``. Raises :class:`HandlersError`."""
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise HandlersError(f"{path}: cannot be read: {exc}") from None
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno or 1}:{exc.offset or 1}"
        raise HandlersError(f"{where}: {exc.msg}") from None
    except ValueError as exc:  # a NUL byte
        raise HandlersError(f"{path}: {exc}") from None
    names = set()
    for node in _top_level(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def missing_handlers(path: str, stubs: dict[str, dict]) -> tuple[str, ...]:
    """What to tell the user about handlers their module does not define yet."""
    try:
        names = defined_functions(path)
    except HandlersError as exc:
        return (
            ErrorNotice(
                f"error: {exc}\n"
                f"  {os.path.basename(path)} does not parse, so the app cannot start until it is fixed "
                "(the generated modules were written)"
            ),
        )
    lines = []
    for name in sorted(set(stubs) - names):
        stub = stubs[name]
        lines.append(
            f"note: {path} has no handler for {stub['path']} ({stub['uses']}); until you add it, "
            f"the app {'hangs up' if stub['answers'] else 'only stores and logs the request'}. Add:\n\n"
            f"    def {name}(request: models.{stub['model']}):\n"
            f"        ...\n"
        )
    return tuple(lines)
