"""Rules that hold only in the context a flow is reached from.

``context live-update``: a live call redirected to ``<Record>`` needs an
action, or Twilio fails it with error 11100. ``context twiml-parameter``: a
call started with the ``twiml`` parameter has no document URL, so record and
gather need an action and it must be absolute (a step reference is absolute
only with ``base-url``). ``context client``: Twilio Client calls record at most 600 s.

Bad: ``context client`` with ``record max 20m -> done``.
Good: ``context client`` with ``record max 10m -> done``.
"""

from __future__ import annotations

from .. import ir
from ..codes import report
from ..diagnostics import Note
from .base import CheckContext

CODES = ("FL601", "FL602", "FL603")
LOCAL = False  # judges a verb by the flow's settings
CLIENT_MAX_LENGTH = 600


def _absolute(flow: ir.Flow, target: ir.Target) -> bool:
    if target.is_step:
        return flow.settings.base_url is not None
    return target.kind is ir.TargetKind.ABSOLUTE


def _to_current_document(verb: ir.Verb) -> bool:
    """A verb whose action defaults to the current document (`record`, `gather`, `pay`)."""
    return isinstance(verb, ir.Record | ir.Gather) or (isinstance(verb, ir.Element) and verb.kind == "pay")


def run(ctx: CheckContext):
    for flow in ctx.flows:
        if not flow.settings.contexts:
            continue
        live = flow.settings.context(ir.Context.LIVE_UPDATE)
        twiml = flow.settings.context(ir.Context.TWIML_PARAMETER)
        client = flow.settings.context(ir.Context.CLIENT)
        for _, verb in ctx.verbs(flow, ("record", "gather", "pay")):
            if live and isinstance(verb, ir.Record) and verb.action is None:
                yield report(
                    "FL601",
                    "a flow entered by updating a live call needs an action on every `record` "
                    "(Twilio error 11100)",
                    verb.keyword,
                    notes=(Note(message="declared here", span=live.span),),
                    hint="add `-> STEP` or `-> URL`",
                )
            if twiml and _to_current_document(verb) and verb.get("action") is None:
                yield report(
                    "FL602",
                    f"`{verb.name}` needs an absolute action in a flow started with the twiml parameter: "
                    "without one Twilio requests the current document, which such a call does not have",
                    verb.keyword,
                    notes=(Note(message="declared here", span=twiml.span),),
                    hint="add `-> https://...`, or `-> STEP` with `base-url` set",
                )
            action = verb.get("action")
            if twiml and _to_current_document(verb) and action is not None:
                if not _absolute(flow, action):
                    yield report(
                        "FL602",
                        f"the action of `{verb.name}` must be an absolute URL in a flow started "
                        "with the twiml parameter",
                        action.span,
                        notes=(Note(message="declared here", span=twiml.span),),
                        hint="set `base-url` so steps compile to absolute URLs"
                        if action.is_step
                        else "write the full https:// URL",
                    )
            if client and isinstance(verb, ir.Record) and verb.max_length is not None:
                if verb.max_length.seconds > CLIENT_MAX_LENGTH:
                    yield report(
                        "FL603",
                        f"Twilio Client calls record at most 600 s; `max` is {verb.max_length.seconds} s",
                        verb.max_length.span,
                        notes=(Note(message="declared here", span=client.span),),
                        hint="lower `max` to `10m` or less",
                    )
