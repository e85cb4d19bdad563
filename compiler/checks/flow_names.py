"""Flow names that cannot name a directory, and flows declared twice.

A flow's name is the directory its steps are written to and the left half of
``flow.step`` references. A file stem such as ``my flow`` or ``v1.2`` is not
a plain identifier and, without a ``flow NAME`` line, fails here; two files
declaring one name would overwrite each other's output.

Bad: ``flows/main menu.flow`` with no ``flow`` line.
Good: ``flow main_menu`` as its first line.
"""

from __future__ import annotations

import re

from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL101", "FL103")
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
        other = ctx.known.get(flow.name)
        if other is not None and other.path != flow.path:
            yield report(
                "FL103",
                f"the flow `{flow.name}` is also declared in {other.path}",
                flow.name_span,
                notes=(Note(message="declared here too", span=other.name_span),),
                hint="flow names must be unique within a build",
            )
