"""Backends turn a checked build into files. They never import the parser.

Each target is a module of this package with three entry points::

    def require() -> None
    def unsupported(build: project.Build) -> tuple[Diagnostic, ...]
    def emit(build: project.Build) -> Emission

``require`` raises :class:`MissingDependency` when a library the target
needs is not installed (the CLI calls it before reading any flow);
``unsupported`` lists what the target cannot express (``flowc check
--target`` reports it without building); ``emit`` returns the files, or
those diagnostics and no files.

A target may also define ``SUPERSEDES``, a mapping from one of its codes to
the code of a flow check that says less about the same problem (the site's
``FL900`` replaces the ``FL701`` warning); :func:`with_target` then reports
only the target's diagnostic on that span.

``flowc build --target NAME`` looks the module up in :data:`TARGETS`, so a
target is added by writing its module and listing it here. What a target
cannot express is a diagnostic, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from ..diagnostics import Diagnostic
from ..records import record

# Target name -> module (relative to this package). The first is the default.
TARGETS: dict[str, str] = {
    "twiml": ".twiml",
    "site": ".site",
    "flask": ".flask",
}


class MissingDependency(Exception):
    """A target needs a library that is not installed; the message says how to install it."""


class ErrorNotice(str):
    """A line an ``after_write`` hook prints that is an error: the files were
    written, but what was built cannot run until the user fixes something, so
    the build exits 1."""


@record(kw_only=True)
class Emission:
    """What a target produced for a build.

    ``files`` maps paths relative to the output directory to their bytes;
    they are written all-or-nothing under the manifest (see :mod:`..output`).
    ``diagnostics`` are the constructs the target cannot express; when any is
    an error, nothing is written.

    ``seeds`` are files for the user to own and edit: each is created once,
    when it does not exist, and never listed in the manifest, so no later
    build overwrites or removes it. ``after_write``, when set, is called with
    the output directory once everything is written and returns lines for the
    CLI to print (for instance, what a seed the user owns is missing).
    """

    files: dict[str, bytes] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    summary: str = ""  # one line for the CLI, e.g. "12 TwiML files"
    notices: tuple[str, ...] = ()  # said once on stderr, e.g. a missing helper program
    seeds: dict[str, bytes] = field(default_factory=dict)
    after_write: Callable[[str], tuple[str, ...]] | None = None


def with_target(build, module) -> tuple[Diagnostic, ...]:
    """The build's diagnostics and those of the target ``module`` (its ``unsupported``),
    as one sorted report, whether or not the flows have errors, so ``check --target``,
    ``build --target`` and ``serve`` say the same. A target may declare
    ``SUPERSEDES = {its code: a flow check's code}``: the flow check's diagnostic on
    the same span is then left out, so one problem is reported once."""
    extra = tuple(module.unsupported(build))
    replaced = getattr(module, "SUPERSEDES", {})
    covered = {(replaced[d.code], d.span) for d in extra if d.code in replaced}
    kept = [d for d in build.diagnostics if (d.code, d.span) not in covered]
    return tuple(sorted({*kept, *extra}, key=Diagnostic.sort_key))


def target(name: str):
    """The backend module of target ``name``."""
    from importlib import import_module

    return import_module(TARGETS[name], __name__)
