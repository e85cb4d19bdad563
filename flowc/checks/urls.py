"""Malformed URLs, and a ``base-url`` that cannot prefix step files.

``base-url`` must be an absolute http(s) URL with no query or fragment, since
``/<flow>/<step>.xml`` is appended to it. No URL may be empty or hold spaces
(write them as ``%20``).

Bad: ``base-url example.com/ivr``, ``-> "/handle me"``.
Good: ``base-url https://example.com/ivr``, ``-> "/handle%20me"``.
"""

from __future__ import annotations

import re

from .. import ir
from ..codes import report
from .base import CheckContext

CODES = ("FL307",)
LOCAL = True  # sees one verb or one step at a time
_SPACE = re.compile(r"\s")


def _targets(verb: ir.Verb):
    yield from ir.targets(verb)
    yield from ir.callbacks(verb)


def _malformed(target: ir.Target):
    if not target.text:
        return report("FL307", "the URL is empty", target.span)
    if _SPACE.search(target.text):
        return report("FL307", "a URL cannot contain spaces", target.span, hint="write a space as `%20`")
    return None


def run(ctx: CheckContext):
    for flow in ctx.flows:
        base = flow.settings.base_url
        if base is not None:
            from urllib.parse import urlsplit  # only with a base-url; keeps start-up short

            problem = _malformed(base)
            if problem is None:
                parts = urlsplit(base.text)
                if (
                    base.kind is not ir.TargetKind.ABSOLUTE
                    or parts.scheme not in ("http", "https")
                    or not parts.netloc
                ):
                    problem = report(
                        "FL307",
                        f"`base-url` must be an absolute http or https URL, not `{base.text}`",
                        base.span,
                    )
                elif parts.query or parts.fragment:
                    problem = report("FL307", "`base-url` cannot have a query or a fragment", base.span)
            if problem is not None:
                yield problem
        for _, verb in ctx.verbs(flow):
            for target in _targets(verb):
                if not target.is_step:
                    problem = _malformed(target)
                    if problem is not None:
                        yield problem
