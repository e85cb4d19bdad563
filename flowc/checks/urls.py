"""Malformed URLs, and a ``base-url`` that cannot prefix step files.

``base-url`` must be an absolute http(s) URL with no query or fragment, since
``/<flow>/<step>.xml`` is appended to it. No URL may be empty, hold spaces
(write them as ``%20``), or have a host that cannot be read: a stray ``[`` or
``]``, brackets around something other than an IPv6 address, a port that is
not a number from 0 to 65535, or a character that Unicode normalisation turns
into ``/``, ``?``, ``#``, ``@`` or ``:``.

Bad: ``base-url example.com/ivr``, ``-> "/handle me"``, ``-> "//[a/b"``.
Good: ``base-url https://example.com/ivr``, ``-> "/handle%20me"``.
"""

from __future__ import annotations

import functools

from .. import ir, urls
from ..codes import report
from .base import CheckContext

CODES = ("FL307",)
LOCAL = True  # judges each verb and each setting by itself


@functools.lru_cache(maxsize=4096)  # a flow's URLs share a few hosts and paths, and change little
def _problem(text: str) -> urls.UrlError | None:
    """Why ``text`` is not a URL, if it is not one."""
    url = urls.split(text)
    return url if isinstance(url, urls.UrlError) else None


def _base_url(base: ir.Target):
    url = urls.parse(base.text, base.span)
    if not isinstance(url, urls.Url):
        return url
    if base.kind is not ir.TargetKind.ABSOLUTE or url.scheme not in ("http", "https") or not url.netloc:
        return report(
            "FL307", f"`base-url` must be an absolute http or https URL, not `{base.text}`", base.span
        )
    if url.query or url.fragment:
        return report("FL307", "`base-url` cannot have a query or a fragment", base.span)
    return None


def run(ctx: CheckContext):
    for flow in ctx.flows:
        base = flow.settings.base_url
        if base is not None:
            problem = _base_url(base)
            if problem is not None:
                yield problem
        for target in ctx.targets(flow):
            if not target.is_step:
                problem = _problem(target.text)
                if problem is not None:
                    yield problem.diagnostic(target.span)
