"""WebSocket URLs written with another scheme.

`stream` and `conversation-relay` connect the call to a WebSocket server,
which Twilio reaches only over `wss://`; an `https://` or `ws://` URL fails
the stream with Twilio error 31922. A relative URL is left alone: Twilio
documents it, resolved against the document's URL.

Bad::

    start:
        stream https://example.com/audio

Good::

    start:
        stream wss://example.com/audio
"""

from __future__ import annotations

from .. import ir, urls
from ..codes import report
from .base import CheckContext, value_table

CODES = ("FL320",)
LOCAL = True  # sees one verb or one step at a time
SOCKETS = value_table(lambda value: value.check == "wss")  # the values that hold a WebSocket URL, by element


def run(ctx: CheckContext):
    for flow in ctx.flows:
        for _, verb in ctx.verbs(flow, SOCKETS):
            for value in SOCKETS[verb.name]:
                found = verb.get(value.field)
                if not isinstance(found, ir.UrlTarget):
                    continue
                url = urls.split(found.text)
                if isinstance(url, urls.UrlError) or not url.scheme or url.scheme.lower() == "wss":
                    continue  # unreadable (FL307, said by `urls`) or relative
                rest = found.text.split(":", 1)[1]
                yield report(
                    "FL320",
                    f"`{verb.name}` connects to a WebSocket server: its URL starts with `wss://`, "
                    f"not `{url.scheme}://`",
                    found.span,
                    hint=f"write `wss:{rest}`" if rest.startswith("//") else "write a `wss://` URL",
                )
