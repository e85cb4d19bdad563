"""The ``flowc`` command line.

Exit status: 0 when no flow has an error (warnings allowed), 1 when any flow
has an error, 2 for usage errors and internal errors.
"""

from __future__ import annotations

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


def _report(build, fmt: str, werror: bool, colour: str) -> tuple:
    from .diagnostics import Severity
    from .project import promote_warnings
    from .render import format_summary, format_text, to_github, to_json, to_sarif

    diagnostics = promote_warnings(build.diagnostics) if werror else build.diagnostics
    if fmt == "json":
        click.echo(to_json(diagnostics))
    elif fmt == "sarif":
        click.echo(to_sarif(diagnostics))
    elif fmt == "github":
        if diagnostics:
            click.echo(to_github(diagnostics))
    else:
        sources = build.sources()
        use_colour = _use_colour(colour)
        for d in diagnostics:
            click.echo(format_text(d, sources, colour=use_colour), err=True)
        if diagnostics:
            click.echo(format_summary(diagnostics, len(build.units)), err=True)
    return diagnostics, any(d.severity is Severity.ERROR for d in diagnostics)


def _fails(diagnostics, werror: bool) -> bool:
    from .diagnostics import has_errors
    from .project import promote_warnings

    return has_errors(promote_warnings(diagnostics) if werror else diagnostics)


@cli.command()
@_PATHS
@click.option(
    "-t",
    "--target",
    type=click.Choice(list(TARGETS)),
    default=None,
    help="Also report what this build target cannot express (e.g. branch steps for twiml).",
)
@_FORMAT
@_WERROR
@_COLOR
def check(paths, target, fmt, werror, color):
    """Check flows and report problems; write nothing.

    Each PATH is a .flow file or a directory searched for .flow files.
    References to other flows resolve against all files given and, for a
    flow not among them, against the .flow files beside them.
    """
    build = _load(paths)
    if target is not None:
        from .backends import target as backend
        from .backends import with_target

        build = replace(build, diagnostics=with_target(build, backend(target)))
    _, failed = _report(build, fmt, werror, color)
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
def build(paths, out, target, fmt, werror, color):
    """Compile flows into files under OUT.

    The twiml target writes OUT/<flow>/<step>.xml for every step; the site
    target adds OUT/index.html and OUT/<flow>/index.html, a page per flow
    with its call-flow graph, source and TwiML (see docs/site.md). The flask
    target writes OUT as a Python package that serves every step and calls
    your handlers (OUT/handlers.py, created once and never overwritten). All or
    nothing: when any flow has an error nothing is written. Each file is
    replaced atomically, and flowc only ever removes or overwrites files it
    wrote itself (listed in OUT/.flowc-manifest.json).
    """
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
    for line in notices:
        click.echo(line, err=True)
    sys.exit(EXIT_OK)


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


if __name__ == "__main__":
    main()
