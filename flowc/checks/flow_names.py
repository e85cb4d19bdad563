"""Flow names that cannot name a directory, and flows declared twice.

A flow's name is the directory its steps are written to and the left half of
``flow.step`` references. A file stem such as ``my flow`` or ``v1.2`` is not
a plain identifier and, without a ``flow NAME`` line, fails here; two files
declaring one name (or names that differ only in case, on a case-insensitive
file system) would overwrite each other's output.

Bad: ``flows/main menu.flow`` with no ``flow`` line.
Good: ``flow main_menu`` as its first line.
"""

from __future__ import annotations

import re

from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL101", "FL103")
LOCAL = False  # needs the whole flow
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def run(ctx: CheckContext):
    for flow in ctx.flows:
        if not IDENTIFIER.match(flow.name):
            yield report(
                "FL101",
                f"the file name gives the flow the name `{flow.name}`, which is not a plain identifier",
                flow.name_span,
                hint="add a `flow NAME` line (letters, digits and `_`) or rename the file",
            )
        other = _earlier_twin(ctx, flow)
        if other is not None:
            same = other.name == flow.name
            yield report(
                "FL103",
                f"the flow `{flow.name}` is also declared in {other.path}"
                if same
                else f"the flows `{other.name}` ({other.path}) and `{flow.name}` differ only in case",
                flow.name_span,
                notes=(Note(message="declared here too", span=other.name_span),),
                hint="flow names must be unique within a build"
                if same
                else "their directories would collide on case-insensitive file systems",
            )


def _earlier_twin(ctx: CheckContext, flow):
    """The flow declared before ``flow`` under the same name, or one that
    differs only in case."""
    first = ctx.known.get(flow.name)
    if first is not None and first is not flow:
        return first
    order = list(ctx.known.values())
    for other in order:
        if other is flow:
            return None
        if other.name.casefold() == flow.name.casefold():
            return other
    return None
