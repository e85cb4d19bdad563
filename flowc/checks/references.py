"""``->`` targets that name a step or flow that does not exist.

Twilio would fetch a document that was never built, and the call would end
with an application error.

Bad: ``record -> handel`` when the step is ``handle``.
Good: ``record -> handle``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from .base import CheckContext, did_you_mean

CODES = ("FL104", "FL105")
LOCAL = False  # needs the whole flow


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow):
            for target in (*ir.targets(verb), *ir.callbacks(verb)):
                if not isinstance(target, ir.StepTarget):
                    continue
                if target.flow is None:
                    if flow.step(target.step) is None:
                        yield report(
                            "FL104",
                            f"there is no step `{target.step}` in flow `{flow.name}`",
                            target.span,
                            hint=did_you_mean(target.step, (s.name for s in flow.steps)),
                        )
                else:
                    other = ctx.known.get(target.flow)
                    if other is None and target.flow in ctx.unparsed:
                        continue
                    if other is None:
                        yield report(
                            "FL105",
                            f"there is no flow `{target.flow}` in this build",
                            target.span,
                            hint=did_you_mean(target.flow, ctx.known)
                            or "add its file to the build, or put it next to this file",
                        )
                    elif other.step(target.step) is None:
                        yield report(
                            "FL104",
                            f"there is no step `{target.step}` in flow `{target.flow}`",
                            target.span,
                            hint=did_you_mean(target.step, (s.name for s in other.steps)),
                        )
