"""``->`` targets that name a step or flow that does not exist.

Twilio would fetch a document that was never built, and the call would end
with an application error.

Bad: ``record -> handel`` when the step is ``handle``.
Good: ``record -> handle``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from ..diagnostics import replace_span
from .base import CheckContext, meant

CODES = ("FL104", "FL105")
LOCAL = False  # needs the whole flow


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for target in ctx.targets(flow):
            if not isinstance(target, ir.StepTarget):
                continue
            if target.flow is None:
                if flow.step(target.step) is None:
                    hint, fixes = meant(target.step, (s.name for s in flow.steps), target.span)
                    yield report(
                        "FL104",
                        f"there is no step `{target.step}` in flow `{flow.name}`",
                        target.span,
                        hint=hint,
                        fixes=fixes,
                    )
            else:
                other = ctx.known.get(target.flow)
                if other is None and target.flow in ctx.unparsed:
                    continue
                if other is None and target.step in FILE_SUFFIXES:
                    yield _file_name(flow, target)
                elif other is None:
                    # the flow's name ends where `.step` begins
                    before_step = target.span._replace(end_col=target.span.end_col - len(target.step) - 1)
                    hint, fixes = meant(target.flow, ctx.known, before_step)
                    yield report(
                        "FL105",
                        f"there is no flow `{target.flow}` in this build",
                        target.span,
                        hint=hint or "add its file to the build, or put it next to this file",
                        fixes=fixes,
                    )
                elif other.step(target.step) is None:
                    hint, fixes = meant(target.step, (s.name for s in other.steps), target.span)
                    yield report(
                        "FL104",
                        f"there is no step `{target.step}` in flow `{target.flow}`",
                        target.span,
                        hint=hint,
                        fixes=fixes,
                    )


# `-> next.xml`: the name of a step's file, which reads as the step `xml` of a
# flow `next`.
FILE_SUFFIXES = ("xml", "twiml", "html", "php", "py", "json")


def _file_name(flow: ir.Flow, target: ir.StepTarget):
    written = f"{target.flow}.{target.step}"
    at = target.span._replace(col=target.span.end_col - len(written))
    step = flow.step(target.flow or "")
    if step is not None:
        return report(
            "FL105",
            f"`{written}` reads as the step `{target.step}` of a flow `{target.flow}`: a step is named "
            "without its file's suffix",
            target.span,
            hint=f"write `{target.flow}`",
            fixes=(replace_span(at, target.flow or ""),),
        )
    return report(
        "FL105",
        f"`{written}` reads as the step `{target.step}` of a flow `{target.flow}`, which is not in "
        "this build",
        target.span,
        hint=f"name a step without its file's suffix, or write the URL path `/{written}`",
    )
