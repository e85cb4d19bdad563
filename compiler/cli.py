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
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: messages with source lines on stderr. json: an array of diagnostics on stdout.",
)
_WERROR = click.option("--werror", is_flag=True, help="Treat warnings as errors.")
_COLOR = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the messages (auto: only on a terminal, and never when NO_COLOR is set).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowc")
@click.option("--debug", is_flag=True, help="Show a traceback when flowc itself fails.")
def cli(debug: bool) -> None:
    """Compile call flows (.flow files) into TwiML.

    \b
    flowc check flows/            report problems, write nothing
    flowc build flows/ -o dist/   write dist/<flow>/<step>.xml
    flowc build -t site flows/ -o site/   the same TwiML, with pages to review
    flowc serve flows/            preview the site, rebuilt on every change
    flowc explain FL202           explain a diagnostic code

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
    from .render import format_summary, format_text, to_json

    diagnostics = promote_warnings(build.diagnostics) if werror else build.diagnostics
    if fmt == "json":
        click.echo(to_json(diagnostics))
    else:
        sources = build.sources()
        use_colour = _use_colour(colour)
        for d in diagnostics:
            click.echo(format_text(d, sources, colour=use_colour), err=True)
        if diagnostics:
            click.echo(format_summary(diagnostics, len(build.units)), err=True)
    return diagnostics, any(d.severity is Severity.ERROR for d in diagnostics)


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
    if target is not None and build.ok:
        from .backends import target as backend
        from .diagnostics import Diagnostic

        extra = backend(target).unsupported(build)
        if extra:
            build = replace(
                build, diagnostics=tuple(sorted((*build.diagnostics, *extra), key=Diagnostic.sort_key))
            )
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
    help="Directory to write OUT/<flow>/<step>.xml into.",
)
@click.option(
    "-t",
    "--target",
    type=click.Choice(list(TARGETS)),
    default=next(iter(TARGETS)),
    show_default=True,
    help="What to write: twiml = OUT/<flow>/<step>.xml; site = the same TwiML plus "
    "OUT/index.html and a page per flow with its call-flow graph (needs flowc[site]).",
)
@_FORMAT
@_WERROR
@_COLOR
def build(paths, out, target, fmt, werror, color):
    """Compile flows into files under OUT.

    The twiml target writes OUT/<flow>/<step>.xml for every step; the site
    target adds OUT/index.html and OUT/<flow>/index.html, a page per flow
    with its call-flow graph, source and TwiML (see docs/site.md). All or
    nothing: when any flow has an error nothing is written. Each file is
    replaced atomically, and flowc only ever removes or overwrites files it
    wrote itself (listed in OUT/.flowc-manifest.json).
    """
    from .backends import MissingDependency
    from .backends import target as backend
    from .output import OutputError, write_tree

    module = backend(target)
    if hasattr(module, "require"):
        try:
            module.require()
        except MissingDependency as exc:
            raise click.UsageError(str(exc)) from None
    result = _load(paths)
    _, failed = _report(result, fmt, werror, color)
    if failed:
        click.echo("nothing written: fix the errors above", err=True)
        sys.exit(EXIT_FLOW_ERRORS)
    emission = module.emit(result)
    if emission.diagnostics:
        result = replace(result, diagnostics=tuple(emission.diagnostics))
        _, failed = _report(result, fmt, werror, color)
        if failed:
            click.echo(f"nothing written: the {target} target cannot build these flows", err=True)
            sys.exit(EXIT_FLOW_ERRORS)
    try:
        written = write_tree(out, emission.files)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from None
    except OSError as exc:
        raise OutputProblem(f"cannot write to {out}: {exc}") from None
    for notice in emission.notices:
        click.echo(f"note: {notice}", err=True)
    if fmt == "text":
        click.echo(
            f"{emission.summary} in {out} ({len(written.written)} written, "
            f"{len(written.unchanged)} unchanged, {len(written.removed)} removed)",
            err=True,
        )
    sys.exit(EXIT_OK)


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
    here), and flows with errors show no TwiML. Reload the page after saving
    a file. Stop with Ctrl-C.
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


def main() -> None:
    try:
        cli.main(prog_name="flowc")
    except Exception as exc:  # noqa: BLE001 - the one handler for flowc's own failures
        if "--debug" in sys.argv[1:]:
            raise
        click.echo(
            f"flowc: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in flowc. Run again with --debug for a traceback.",
            err=True,
        )
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
