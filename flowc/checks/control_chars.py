"""Characters that XML 1.0 cannot carry.

TwiML is XML 1.0: no control characters other than tab, line feed and carriage
return, no lone surrogates, no U+FFFE/U+FFFF. Twilio refuses a document that
holds one, so the text must change at the source.

Bad: ``say "Hello\\u0007"``.
Good: ``say "Hello"``.
"""

from __future__ import annotations

import re

from ..codes import report
from .base import CheckContext

CODES = ("FL310",)
LOCAL = True  # judges each verb and each setting by itself
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def run(ctx: CheckContext):
    for flow in ctx.flows:
        texts = ctx.strings(flow)
        # One search over all the texts, joined by a character it does not
        # match, finds whether any of them holds one (most flows: none).
        if NOT_XML.search("\n".join([text for text, _ in texts])):
            for text, span in texts:
                m = NOT_XML.search(text)
                if m:
                    yield report(
                        "FL310",
                        f"U+{ord(m.group()):04X} cannot appear in TwiML (XML 1.0)",
                        span,
                        hint="remove the character; use \\n or \\t for a line break or a tab",
                    )
        base = flow.settings.base_url
        if base is not None and NOT_XML.search(base.text):
            yield report("FL310", "the base URL holds a character XML cannot carry", base.span)
