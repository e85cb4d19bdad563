"""The ``flowc`` command line.

Exit status: 0 when no flow has an error (warnings allowed), 1 when any flow
has an error, 2 for usage errors and internal errors.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import replace

import click

from . import __version__
from .backends import TARGETS

EXIT_OK, EXIT_FLOW_ERRORS, EXIT_USAGE = 0, 1, 2


class OutputProblem(click.ClickException):
    """The output directory cannot be written: status 2, since 1 means a flow has an error."""

    exit_code = EXIT_USAGE


_PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, readable=False)
)
_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text: messages with source lines on stderr. json: an array of diagnostics on stdout. "
    "sarif: a SARIF 2.1.0 log on stdout (for code-scanning upload). "
    "github: GitHub Actions annotations (::error file=...::message) on stdout.",
)
_WERROR = click.option("--werror", is_flag=True, help="Treat warnings as errors.")
_COLOR = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the messages (auto: only on a terminal, and never when NO_COLOR is set).",
)


_JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Parse and check in N processes (default: one per core). The report is the same, "
    "byte for byte, whatever N.",
)
_NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the cache: parse and check every file, and compare every output "
    "file with what it should hold.",
)
_CACHE_DIR = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the cache in DIR (default: $FLOWC_CACHE_DIR, else $XDG_CACHE_HOME/flowc, else "
    "~/.cache/flowc). Files that did not change since the last run are not parsed again.",
)


class MissingExtra(click.ClickException):
    """An optional dependency is not installed: status 2, like a usage error."""

    exit_code = EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowc")
@click.option("--debug", is_flag=True, help="Show a traceback when flowc itself fails.")
def cli(debug: bool) -> None:
    """Compile call flows (.flow files) into TwiML.

    \b
    flowc check flows/                   report problems, write nothing
    flowc build flows/ -o dist/          write dist/<flow>/<step>.xml
    flowc build -t site flows/ -o site/  the same TwiML, with pages to review
    flowc build -t flask flows/ -o app/  a Flask app that serves and branches
    flowc serve flows/                   preview the site, rebuilt on every change
    flowc fmt flows/                     rewrite flows in the canonical layout
    flowc lsp                            run the language server for editors
    flowc explain FL202                  explain a diagnostic code
    flowc test flows/                    rehearse the calls of *.calls files
    flowc paths flows/ivr.flow           every way through a flow
    flowc call flows/ivr.flow            call a flow from the terminal

    A directory argument means every .flow file under it. Exit status: 0 when
    there are no errors, 1 when a flow has an error, 2 for usage errors.
    """


def _use_colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def _load(paths):
    from .project import NoFlowFiles, load

    try:
        return load(paths)
    except NoFlowFiles as exc:
        raise click.UsageError(f"no .flow files under {exc.args[0]}") from None


def _analyse(paths, jobs, no_cache: bool, cache_dir, render: bool):
    """Check (and, with ``render``, prepare the TwiML of) the flows, reusing the cache."""
    from .cache import Cache, default_dir
    from .files import NoFlowFiles
    from .incremental import analyse, default_jobs

    cache = Cache.disabled() if no_cache else Cache.open(cache_dir or default_dir(), list(paths))
    try:
        return analyse(paths, jobs=jobs or default_jobs(), cache=cache, render=render)
    except NoFlowFiles as exc:
        raise click.UsageError(f"no .flow files under {exc.args[0]}") from None


def _with_unsupported(outcome) -> tuple:
    """The flows' diagnostics and what the twiml target cannot express, as ``with_target`` gives them."""
    from .diagnostics import Diagnostic

    return tuple(sorted({*outcome.diagnostics, *outcome.unsupported}, key=Diagnostic.sort_key))


def _report(build, fmt: str, werror: bool, colour: str) -> tuple:
    from .diagnostics import Severity
    from .render import format_summary

    diagnostics = build.diagnostics
    if werror:
        from .project import promote_warnings

        diagnostics = promote_warnings(diagnostics)
    use_colour = _use_colour(colour)
    rendered = getattr(build, "rendered", None)  # an incremental run keeps its text in the cache
    if fmt == "text" and rendered is not None:
        text = rendered(diagnostics, use_colour, lambda: _text(diagnostics, build.sources(), use_colour))
        if text:
            click.echo(text, err=True)
    else:
        _render(diagnostics, build.sources() if fmt == "text" else {}, fmt, use_colour)
    if fmt == "text" and diagnostics:
        click.echo(format_summary(diagnostics, len(build.units)), err=True)
    return diagnostics, any(d.severity is Severity.ERROR for d in diagnostics)


def _fix(paths, write: bool):
    from .fixing import fix
    from .formatter import unified_diff
    from .output import replace_file
    from .project import NoFlowFiles

    try:
        fixed = fix(paths)
    except NoFlowFiles as exc:
        raise click.UsageError(f"no .flow files under {exc.args[0]}") from None
    for path, (before, after) in fixed.changes.items():
        if not write:
            click.echo(unified_diff(path, before, after, "fixed"), nl=False)
            continue
        try:
            replace_file(path, after.encode("utf-8"))
        except OSError as exc:
            raise OutputProblem(f"cannot write {path}: {exc}") from None
        click.echo(f"fixed {path}", err=True)
    if fixed.changes:
        files = len(fixed.changes)
        verb = "fixed" if write else "would fix"
        click.echo(
            f"{verb} {fixed.applied} problem{'s' if fixed.applied != 1 else ''} "
            f"in {files} file{'s' if files != 1 else ''}",
            err=True,
        )
    return fixed.build


def _fails(diagnostics, werror: bool) -> bool:
    from .diagnostics import Severity, has_errors

    if werror:
        return any(d.severity in (Severity.ERROR, Severity.WARNING) for d in diagnostics)
    return has_errors(diagnostics)


@cli.command()
@_PATHS
@click.option(
    "-t",
    "--target",
    type=click.Choice(list(TARGETS)),
    default=None,
    help="Also report what this build target cannot express (e.g. branch steps for twiml).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe fixes (the `did you mean` and `write ...` of the messages) to the files, "
    "then report what remains.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Write nothing; print a unified diff of the safe fixes on stdout, then report what would remain.",
)
@_FORMAT
@_WERROR
@_COLOR
@_JOBS
@_NO_CACHE
@_CACHE_DIR
def check(paths, target, fix, diff, fmt, werror, color, jobs, no_cache, cache_dir):
    """Check flows and report problems; write nothing (unless --fix).

    Each PATH is a .flow file or a directory searched for .flow files.
    References to other flows resolve against all files given and, for a
    flow not among them, against the .flow files beside them.

    With --fix, the safe fixes are written to the files (each replaced
    atomically), as many rounds as it takes; the problems that remain are
    reported. Fixes that may change what a flow does (a URL given a scheme)
    are offered by the language server, never applied here.

    Files that did not change since the last check or build of the same
    paths are not parsed again (see --cache-dir; --no-cache checks every
    file afresh), and the work is spread over the cores (-j).
    """
    if diff and fmt != "text":
        raise click.UsageError("--diff prints a diff on stdout: use it with the text format")
    if fix or diff:
        build = _fix(paths, write=fix and not diff)
    elif target in (None, "twiml"):
        outcome = _analyse(paths, jobs, no_cache, cache_dir, render=False)
        run = outcome.run
        try:
            run.close()
            if target is not None:
                outcome = replace(outcome, diagnostics=_with_unsupported(outcome))
            _finish_check(outcome, fmt, werror, color, then=run.remember)
        finally:
            run.close()
        return
    else:
        build = _load(paths)
    if target is not None:
        from .backends import target as backend
        from .backends import with_target

        build = replace(build, diagnostics=with_target(build, backend(target)))
    _finish_check(build, fmt, werror, color)


def _finish_check(build, fmt: str, werror: bool, color: str, then=None) -> None:
    _, failed = _report(build, fmt, werror, color)
    if then is not None:
        then()  # after the report: the cache keeps the text it printed
    if not failed and fmt == "text":
        from .render import format_summary

        if not build.diagnostics:
            click.echo(format_summary((), len(build.units)), err=True)
    sys.exit(EXIT_FLOW_ERRORS if failed else EXIT_OK)


@cli.command()
@_PATHS
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write into (OUT/<flow>/<step>.xml for twiml, a Python package for flask).",
)
@click.option(
    "-t",
    "--target",
    type=click.Choice(list(TARGETS)),
    default=next(iter(TARGETS)),
    show_default=True,
    help="What to write: twiml = OUT/<flow>/<step>.xml; site = the same TwiML plus "
    "OUT/index.html and a page per flow with its call-flow graph (needs flowc[site]); "
    "flask = a Flask app package in OUT (needs flowc[flask]; see docs/flask.md).",
)
@_FORMAT
@_WERROR
@_COLOR
@_JOBS
@_NO_CACHE
@_CACHE_DIR
def build(paths, out, target, fmt, werror, color, jobs, no_cache, cache_dir):
    """Compile flows into files under OUT.

    The twiml target writes OUT/<flow>/<step>.xml for every step; the site
    target adds OUT/index.html and OUT/<flow>/index.html, a page per flow
    with its call-flow graph, source and TwiML (see docs/site.md). The flask
    target writes OUT as a Python package that serves every step and calls
    your handlers (OUT/handlers.py, created once and never overwritten). All or
    nothing: when any flow has an error nothing is written. Each file is
    replaced atomically, and flowc only ever removes or overwrites files it
    wrote itself (listed in OUT/.flowc-manifest.json).

    The twiml target is incremental: a file that did not change since the
    last build is not parsed again, and a document whose bytes did not
    change is not rendered or written again (see --cache-dir; --no-cache
    builds everything afresh). Parsing and checking are spread over the
    cores (-j). The site and flask targets parse every file, in one process.
    """
    if target == "twiml":
        _build_twiml(paths, out, fmt, werror, color, jobs, no_cache, cache_dir)
    from .backends import MissingDependency
    from .backends import target as backend
    from .output import OutputError, write_tree

    module = backend(target)
    try:
        module.require()
    except MissingDependency as exc:
        raise click.UsageError(str(exc)) from None
    result = _load(paths)
    if _fails(result.diagnostics, werror):
        # What the target cannot express too, as `check --target` reports it.
        from .backends import with_target

        _report(replace(result, diagnostics=with_target(result, module)), fmt, werror, color)
        click.echo("nothing written: fix the errors above", err=True)
        sys.exit(EXIT_FLOW_ERRORS)
    emission = module.emit(result)
    # One report for the flows' and the target's diagnostics: a machine
    # format must be a single document.
    replaced = getattr(module, "SUPERSEDES", {})
    covered = {(replaced[d.code], d.span) for d in emission.diagnostics if d.code in replaced}
    kept = tuple(d for d in result.diagnostics if (d.code, d.span) not in covered)
    result = replace(result, diagnostics=(*kept, *emission.diagnostics))
    _, failed = _report(result, fmt, werror, color)
    if failed:
        click.echo(f"nothing written: the {target} target cannot build these flows", err=True)
        sys.exit(EXIT_FLOW_ERRORS)
    try:
        written = write_tree(out, emission.files, emission.seeds)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from None
    except OSError as exc:
        raise OutputProblem(f"cannot write to {out}: {exc}") from None
    for notice in emission.notices:
        click.echo(f"note: {notice}", err=True)
    notices = emission.after_write(out) if emission.after_write is not None else ()
    if fmt == "text":
        click.echo(
            f"{emission.summary} in {out} ({len(written.written)} written, "
            f"{len(written.unchanged)} unchanged, {len(written.removed)} removed)",
            err=True,
        )
        for rel in written.created:
            click.echo(
                f"created {os.path.join(out, rel)}: it is yours, later builds never change it", err=True
            )
    from .backends import ErrorNotice

    for line in notices:
        click.echo(line, err=True)
    sys.exit(EXIT_FLOW_ERRORS if any(isinstance(line, ErrorNotice) for line in notices) else EXIT_OK)


def _build_twiml(paths, out, fmt, werror, color, jobs, no_cache, cache_dir) -> None:
    """``flowc build --target twiml``, reusing what the cache holds (see incremental.py)."""
    from .output import NotOurs, OutputError, WriteResult, write_tree

    outcome = _analyse(paths, jobs, no_cache, cache_dir, render=True)
    run = outcome.run
    try:
        if _fails(outcome.diagnostics, werror):
            _report(replace(outcome, diagnostics=_with_unsupported(outcome)), fmt, werror, color)
            run.remember()
            click.echo("nothing written: fix the errors above", err=True)
            sys.exit(EXIT_FLOW_ERRORS)
        documents = None if outcome.unsupported else run.documents(out)
        run.close()
        result = replace(outcome, diagnostics=(*outcome.diagnostics, *outcome.unsupported))
        _, failed = _report(result, fmt, werror, color)
        if failed or documents is None:
            run.remember()
            click.echo("nothing written: the twiml target cannot build these flows", err=True)
            sys.exit(EXIT_FLOW_ERRORS)
        if documents.untouched:
            written = WriteResult(written=(), unchanged=(), removed=())
        else:
            try:
                try:
                    written = write_tree(out, documents.files, unchanged=documents.unchanged)
                except NotOurs:
                    documents = run.documents(out, trust_outputs=False)
                    written = write_tree(out, documents.files)
            except OutputError as exc:
                run.remember(out, None)
                raise OutputProblem(str(exc)) from None
            except OSError as exc:
                run.remember(out, None)
                raise OutputProblem(f"cannot write to {out}: {exc}") from None
        run.remember(out, documents, touched=(*written.written, *written.removed))
        if fmt == "text":
            unchanged = documents.count - len(written.written)
            click.echo(
                f"{documents.count} TwiML files in {out} ({len(written.written)} written, "
                f"{unchanged} unchanged, {len(written.removed)} removed)",
                err=True,
            )
        sys.exit(EXIT_OK)
    finally:
        run.close()


@cli.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any."
)
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes on stdout.")
@_COLOR
def fmt_command(paths, check, diff, color):
    """Rewrite flows in the one canonical layout.

    Each PATH is a .flow file or a directory searched for .flow files; `-`
    reads a flow on stdin and prints it formatted on stdout. Indentation,
    spacing, option order, quoting and blank lines are rewritten; comments
    and meaning are kept. Files that do not parse are reported and left
    untouched. Files are replaced atomically.

    Exit status: 0 when all is well, 1 when a file does not parse or (with
    --check or --diff) a file would change.
    """
    from .formatter import Outcome, format_file, format_source
    from .output import replace_file
    from .project import collect, read
    from .render import format_text
    from .source import SourceFile

    use_colour = _use_colour(color)
    if "-" in paths:
        if len(paths) > 1:
            raise click.UsageError("`-` (stdin) cannot be combined with other paths")
        source = SourceFile("<stdin>", sys.stdin.read())
        text, problems = format_source(source)
        for d in problems:
            click.echo(format_text(d, {source.path: source}, colour=use_colour), err=True)
        if text is None:
            sys.exit(EXIT_FLOW_ERRORS)
        click.echo(text, nl=False)
        sys.exit(EXIT_FLOW_ERRORS if (check or diff) and text != source.text else EXIT_OK)

    results = [format_file(path, read) for path in _collect(collect, paths)]
    for result in results:
        path = result.path
        if result.outcome is Outcome.BUG:
            _internal_error(f"{result.bug}; the file is left untouched (a bug in flowc)")
        elif result.outcome is Outcome.BROKEN:
            sources = {path: result.source} if result.source is not None else {}
            for d in result.problems:
                click.echo(format_text(d, sources, colour=use_colour), err=True)
            click.echo(f"{path}: not formatted: fix the syntax error first", err=True)
        elif result.outcome is Outcome.CHANGED:
            if diff:
                click.echo(result.diff(), nl=False)
            if check or diff:
                click.echo(f"would reformat {path}", err=True)
                continue
            try:
                replace_file(path, result.text.encode("utf-8"))  # type: ignore[union-attr]
            except OSError as exc:
                raise OutputProblem(f"cannot write {path}: {exc}") from None
            click.echo(f"reformatted {path}", err=True)
    count = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
    verb = "would be reformatted" if check or diff else "reformatted"
    summary = [
        f"{_files(count[Outcome.CHANGED])} {verb}",
        f"{_files(count[Outcome.UNCHANGED])} left unchanged",
    ]
    if count[Outcome.BROKEN]:
        summary.append(f"{_files(count[Outcome.BROKEN])} not parsed")
    click.echo(", ".join(summary), err=True)
    failed = count[Outcome.BROKEN] or ((check or diff) and count[Outcome.CHANGED])
    sys.exit(EXIT_USAGE if count[Outcome.BUG] else EXIT_FLOW_ERRORS if failed else EXIT_OK)


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _collect(collect, paths):
    from .project import NoFlowFiles

    try:
        return collect(paths)
    except NoFlowFiles as exc:
        raise click.UsageError(f"no .flow files under {exc.args[0]}") from None


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False),
    help="Directory to write OUT/<flow>.flow into (default: print the one flow on stdout).",
)
@click.option(
    "--name",
    help="The flow's name, for a single file or `-` (default: the file's name; `imported` for stdin).",
)
@_FORMAT
@_COLOR
def import_command(paths, out, name, fmt, color):
    """Turn TwiML Voice documents into flows.

    \b
    flowc import greeting.xml                 print the flow on stdout
    flowc import twiml/ -o flows/             one flow per directory of documents
    curl -s https://example.com/ivr.xml | flowc import - --name ivr

    Each PATH is a TwiML document (a file, or `-` for stdin), which becomes a
    flow of one step `main` named after the file, or a directory: its .xml
    and .twiml files become one flow named after the directory, one step per
    document, and each subdirectory is a flow of its own. A relative action
    between documents of the import (action="handle.xml" with its method)
    becomes a step reference (`-> handle`), so a folder of TwiML Bins or the
    output of `flowc build` comes back as a flow.

    Building the flow gives back each document, equal as XML. A document
    that is not XML, has no <Response> root, has an element, attribute,
    text or value the flow language cannot write, or has a DOCTYPE is
    reported with its line, and nothing is written (exit 1). Flows are
    written in the canonical layout of `flowc fmt`; with -o, OUT/<flow>.flow
    is created for each (existing files are never overwritten; exit 2).
    What `flowc check` then finds in the flows (problems of the TwiML
    itself, such as a <Record> with no action) is printed on stderr. With
    --format json, sarif or github (which need -o), the diagnostics go to
    stdout in that format instead.
    """
    from .importer import STDIN, NoDocuments, import_paths
    from .importer import check as check_imported
    from .output import OutputError, create_files
    from .render import format_summary

    if paths.count(STDIN) > 1:
        raise click.UsageError("`-` (stdin) can be given once")
    if fmt != "text" and out is None:
        raise click.UsageError(f"--format {fmt} needs -o DIR: the report takes standard output")
    stdin = sys.stdin.buffer.read() if STDIN in paths else None
    try:
        result = import_paths(paths, name=name, stdin=stdin)
    except NoDocuments as exc:
        raise click.UsageError(f"no .xml or .twiml documents under {exc.args[0]}") from None
    use_colour = _use_colour(color)
    if not result.ok:
        _render(result.diagnostics, result.sources, fmt, use_colour)
        if fmt == "text":
            click.echo(
                format_summary(result.diagnostics, len(result.sources)).replace("checked", "read"), err=True
            )
            click.echo("nothing written: fix the documents above", err=True)
        sys.exit(EXIT_FLOW_ERRORS)
    if out is None and len(result.flows) != 1:
        raise click.UsageError(
            f"these paths give {len(result.flows)} flows; write them into a directory with -o DIR"
        )
    checked = check_imported(result.flows, out)
    if out is None:
        click.echo(result.flows[0].text, nl=False)
    else:
        files = {f"{flow.name}.flow": flow.text.encode("utf-8") for flow in result.flows}
        try:
            create_files(out, files)
        except OutputError as exc:
            raise OutputProblem(str(exc)) from None
        except OSError as exc:
            raise OutputProblem(f"cannot write to {out}: {exc}") from None
        for flow in result.flows:
            documents = len(flow.documents)
            click.echo(
                f"wrote {os.path.join(out, flow.name + '.flow')} "
                f"({documents} document{'s' if documents != 1 else ''})",
                err=True,
            )
    if checked.diagnostics and fmt == "text":
        click.echo(
            "flowc check finds these problems in the imported flows (they are the TwiML's own):", err=True
        )
    _render(checked.diagnostics, checked.sources(), fmt, use_colour)
    sys.exit(EXIT_OK)


def _render(diagnostics, sources, fmt: str, colour: bool) -> None:
    """Diagnostics in the chosen format: text on stderr, the others on stdout."""
    from .render import to_github, to_json, to_sarif

    if fmt == "json":
        click.echo(to_json(diagnostics))
    elif fmt == "sarif":
        click.echo(to_sarif(diagnostics))
    elif fmt == "github":
        if diagnostics:
            click.echo(to_github(diagnostics))
    elif diagnostics:
        click.echo(_text(diagnostics, sources, colour), err=True)


def _text(diagnostics, sources, colour: bool) -> str:
    """The text report of ``diagnostics``, one after the other, without the final newline."""
    from .render import format_text

    return "\n".join(format_text(d, sources, colour=colour) for d in diagnostics)


@cli.command()
def lsp():
    """Run the language server on stdin/stdout (for editors).

    It reports problems as you type, explains verbs and options on hover,
    completes verbs, options, steps and flows, finds and renames steps, and
    formats the file. It needs pygls: pip install 'flowc[lsp]'.
    """
    try:
        from .lsp import main as serve
    except ImportError as exc:
        if getattr(exc, "name", None) not in ("pygls", "lsprotocol") and "pygls" not in str(exc):
            raise
        raise MissingExtra(
            "the language server needs pygls, which is not installed; install it with\n"
            "    pip install 'flowc[lsp]'"
        ) from None
    serve()


@cli.command()
@_PATHS
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False),
    help="Directory to build the site into (default: a temporary directory, removed on exit).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port)."
)
def serve(paths, out, host, port):
    """Preview the site of flows on a local web server, rebuilt when a .flow file changes.

    Builds what `flowc build --target site` builds, but keeps going when a
    flow has errors: the pages show the diagnostics (and they are printed
    here), and flows with errors show no TwiML. Open pages reload
    themselves after each rebuild. Stop with Ctrl-C.
    """
    from .backends import MissingDependency, site
    from .output import OutputError

    try:
        site.require()
        import watchfiles  # noqa: F401
    except (MissingDependency, ImportError):
        raise click.UsageError("flowc serve needs the site extra: pip install 'flowc[site]'") from None
    from .serve import serve as run
    from .serve import stderr

    _load(paths)  # a usage error (no .flow file) stops here, before anything is served
    try:
        run(list(paths), out, host, port, stderr)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from None
    except OSError as exc:
        raise OutputProblem(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


_AGAINST = click.option(
    "--against",
    default="flows",
    show_default=True,
    metavar="SERVER",
    help="What answers the calls: `flows` (the .flow files compiled in memory), `flask` (the Flask app "
    "built from them, called through WSGI with signed requests), a directory (a static build, or a "
    "generated Flask app), or an http://127.0.0.1:PORT URL.",
)


@cli.command("test")
@_PATHS
@_AGAINST
@click.option("--token", default=None, help="Sign requests to an http:// server with this auth token.")
@click.option("--coverage", is_flag=True, help="Report the steps, verbs, branch keys and edges the calls ran.")
@click.option("-v", "--verbose", is_flag=True, help="Print the transcript of every call, not only of failures.")
@_FORMAT
@_COLOR
def test_command(paths, against, token, coverage, verbose, fmt, color):
    """Rehearse the calls of *.calls files against the flows.

    Each PATH is a .calls file, a .flow file (its .calls files), or a
    directory searched for both. Every `call` block is played by flowc in
    Twilio's part: what the caller hears, presses and says, each request
    and its answer. A failed expectation is reported with the call's
    transcript. Exit status: 0 when every call passes, 1 when one fails
    (or a file has an error), 2 for usage errors.
    """
    from .rehearsal import report as rehearsal_report
    from .rehearsal.runner import Unusable
    from .rehearsal.session import NothingToRehearse, load, run

    try:
        session = load(paths)
    except NothingToRehearse:
        raise click.UsageError(f"no .calls files under {' '.join(paths)}") from None
    try:
        run(session, against, token)
    except Unusable as exc:
        raise click.UsageError(str(exc)) from None
    rehearsal_report.emit(session, fmt=fmt, colour=_use_colour(color), verbose=verbose, coverage=coverage)
    sys.exit(EXIT_FLOW_ERRORS if session.failed else EXIT_OK)


@cli.command("paths")
@_PATHS
@_AGAINST
@click.option("--write", is_flag=True, help="Write each flow's paths to FLOW.paths.calls beside it, with the "
              "transcript of each call as its expectations (golden scenarios).")
@click.option("--limit", default=500, show_default=True, help="At most this many paths per flow.")
def paths_command(paths, against, write, limit):
    """List every distinct way through each flow, with the caller script that takes it.

    Each key a branch step reads (and one it does not), no input, an empty
    recording, each dial outcome and hanging up at each point where the call
    waits are paths; loops are followed twice, then the caller hangs up.
    Answers for paths the flows do not serve (`answer /path -> step`) come
    from the settings of the FLOW.calls file beside a flow.
    """
    from .project import NoFlowFiles
    from .rehearsal import paths as listing
    from .rehearsal.runner import Unusable
    from .rehearsal.session import paths as find
    from .render import format_text

    try:
        session, found = find(paths, against, limit)
    except Unusable as exc:
        raise click.UsageError(str(exc)) from None
    except NoFlowFiles as exc:
        raise click.UsageError(f"no .flow files under {exc.args[0]}") from None
    for d in session.diagnostics:
        click.echo(format_text(d, session.sources), err=True)
    if session.diagnostics:
        sys.exit(EXIT_FLOW_ERRORS)
    assert session.index is not None
    for item in found:
        more = " (the limit cut the list short)" if item.truncated else ""
        click.echo(f"{item.flow}: {len(item.paths)} path{'s' if len(item.paths) != 1 else ''}{more}")
        for number, path in enumerate(item.paths, start=1):
            steps = " -> ".join(dict.fromkeys(_step_names(session.index, path.result.documents)))
            click.echo(f"  {number:>3}. {path.title}")
            click.echo(f"       ends by {path.result.ended_by} after {len(path.result.documents)} documents: {steps}")
        if write:
            text = listing.write_scenarios(item.flow, item.paths, session.index, item.header)
            _replace(item.file, text)
            click.echo(f"wrote {item.file}", err=True)


def _step_names(index, urls) -> list[str]:
    out = []
    for url in urls:
        found = index.step_at(url)
        out.append(f"{found[0].name}.{found[1].name}" if found else url)
    return out


def _replace(path: str, text: str) -> None:
    """Write a file whole or not at all."""
    import tempfile

    directory = os.path.dirname(path) or "."
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".flowc-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@cli.command("call")
@click.argument("flow", type=click.Path(exists=True, dir_okay=True))
@_AGAINST
@click.option("--token", default=None, help="Sign requests to an http:// server with this auth token.")
@click.option("--start", default=None, metavar="STEP", help="Start at this step instead of the first.")
def call_command(flow, against, token, start):
    """Call a flow from the terminal: hear it, press keys, speak, hang up.

    flowc plays Twilio's part: it prints what the caller hears and each
    request with its answer, then waits for what the caller does where the
    call waits for input: keys (`1`, `12#`), `say "words"`, `speak 10s`,
    `silence 5s` (an empty line is silence until the timeout), a dial
    outcome (`completed 30s`, `busy`, `no-answer`), or `hang up`.
    """
    from .project import NoFlowFiles
    from .rehearsal.live import interactive, open_call
    from .rehearsal.runner import Unusable

    try:
        live = open_call(flow, against=against, start=start, token=token)
    except (Unusable, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    except NoFlowFiles as exc:
        raise click.UsageError(f"no .flow files under {exc.args[0]}") from None

    def read(prompt: str):
        try:
            return click.prompt(prompt, default="", show_default=False, prompt_suffix="")
        except (click.Abort, EOFError):
            return None

    interactive(live, read, click.echo)


@cli.command()
@click.argument("code", required=False)
def explain(code):
    """Explain a diagnostic code (FL202) or name (action-loop).

    Without CODE, list every code.
    """
    from .codes import REGISTRY, lookup

    if code is None:
        for c in REGISTRY.values():
            click.echo(f"{c.id}  {c.name:<38} {c.severity:<8} {c.summary}")
        return
    entry = lookup(code)
    if entry is None:
        raise click.UsageError(f"unknown code {code!r}; run `flowc explain` for the list")
    click.echo(
        f"{entry.id} {entry.name} ({entry.severity})\n\n{entry.summary}\n\n{entry.explanation.rstrip()}"
    )


def _internal_error(what: str) -> None:
    """The one way flowc reports its own failure (a bug, never the user's)."""
    click.echo(f"flowc: internal error: {what}", err=True)


def main() -> None:
    try:
        cli.main(prog_name="flowc")
    except Exception as exc:
        if "--debug" in sys.argv[1:]:
            raise
        _internal_error(
            f"{type(exc).__name__}: {exc}\nThis is a bug in flowc. Run again with --debug for a traceback."
        )
        sys.exit(EXIT_USAGE)


def run() -> None:
    """The ``flowc`` console script: :func:`main`, then leave at once.

    A normal exit tears the interpreter down, which for flowc (its IR, its
    vocabulary table, the parser and click's commands) costs more than
    checking a small flow does. Once the command is done and no other thread
    runs, the ``atexit`` handlers run (they close what the standard library
    opened, such as a process pool), the output is flushed, and the process
    ends with ``os._exit`` and the same status (unless a profiler or tracer
    is on: it writes its results at a normal exit).

    The cyclic garbage collector runs less often (after 200,000 allocations
    rather than 700, as mypy tunes it): loading the parser and the checks
    allocates many objects that live until the end, and collecting them early
    again and again finds nothing to free."""
    gc.set_threshold(200_000, 30, 30)
    status: str | int | None = 0
    try:
        main()
    except SystemExit as exc:
        status = 0 if exc.code is None else exc.code
    import atexit

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if (
        not isinstance(status, int)
        or _other_threads()
        or run_exit_handlers is None
        or sys.getprofile() is not None
        or sys.gettrace() is not None
    ):
        # A message to print, threads to wait for, no way to run the handlers, or a
        # profiler or tracer (cProfile, coverage) that writes its results at exit.
        sys.exit(status)
    run_exit_handlers()  # as the interpreter does first when it exits
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)  # let the interpreter report a closed pipe as it always does
    os._exit(status)


def _other_threads() -> bool:
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


if __name__ == "__main__":
    run()
