"""Reading URLs: any text becomes a parsed :class:`Url` or a reason it is not one.

Every check and backend that looks inside a URL goes through this module.
:mod:`urllib.parse` raises ``ValueError`` for some texts (a host with an
unmatched ``[`` or ``]``, brackets that do not hold an IP address, a host
character that Unicode normalisation turns into ``/``, ``?``, ``#``, ``@`` or
``:``, and, when ``port`` is read, a port that is not a number from 0 to
65535); here those become a :class:`UrlError` with a message in the flow
author's words, and none of these functions raises.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, urljoin, urlsplit

from .codes import report
from .diagnostics import Diagnostic
from .records import record
from .source import Span

_SPACE = re.compile(r"\s")
_SCHEME = re.compile(r"[A-Za-z0-9+.-]+")
_BRACKETS_HINT = "`[` and `]` may only enclose an IPv6 address in a host, as in `https://[2001:db8::1]/`"


@record(kw_only=True)
class Url:
    """The parts of a URL, as :func:`urllib.parse.urlsplit` reads them (nothing decoded)."""

    scheme: str
    netloc: str
    path: str
    query: str
    fragment: str
    port: int | None

    @property
    def is_absolute(self) -> bool:
        """True for a URL with a scheme and a host, such as ``https://example.com/ivr``."""
        return bool(self.scheme and self.netloc)


@record
class UrlError:
    """Why a text is not a URL, in the words of a diagnostic."""

    message: str
    hint: str | None = None

    def diagnostic(self, span: Span) -> Diagnostic:
        return report("FL307", self.message, span, hint=self.hint)


def split(text: str) -> Url | UrlError:
    """The parts of ``text``, or why it is not a URL (empty, with a space, or unreadable)."""
    if not text:
        return UrlError("the URL is empty")
    if _SPACE.search(text):
        return UrlError("a URL cannot contain spaces", "write a space as `%20`")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        return _explain(text, exc)
    return _url(parts)


def parse(text: str, span: Span) -> Url | Diagnostic:
    """:func:`split`, with the reason reported as an ``FL307`` diagnostic at ``span``."""
    url = split(text)
    return url.diagnostic(span) if isinstance(url, UrlError) else url


def join(base: str, text: str) -> Url | UrlError:
    """``text`` resolved against the URL ``base`` (as a browser or Twilio would), or why it cannot be."""
    first = split(text)
    if isinstance(first, UrlError):
        return first
    try:
        joined = urljoin(base, text)
    except ValueError as exc:  # the base is unreadable
        return _explain(base, exc)
    return split(joined)


def _url(parts: SplitResult) -> Url | UrlError:
    try:
        port = parts.port
    except ValueError:
        port_text = parts.netloc.rpartition("]")[2].rpartition(":")[2]
        return UrlError(f"the port `{port_text}` is not a number from 0 to 65535")
    return Url(
        scheme=parts.scheme,
        netloc=parts.netloc,
        path=parts.path,
        query=parts.query,
        fragment=parts.fragment,
        port=port,
    )


def _netloc(text: str) -> str:
    """The host part of ``text`` where urlsplit looks for it (after a scheme and ``//``)."""
    scheme, colon, rest = text.partition(":")
    if colon and scheme[:1].isascii() and scheme[:1].isalpha() and _SCHEME.fullmatch(scheme):
        text = rest
    if not text.startswith("//"):
        return ""
    return re.split(r"[/?#]", text[2:], maxsplit=1)[0]


def _explain(text: str, exc: ValueError) -> UrlError:
    """Name what made urlsplit refuse ``text``."""
    netloc = _netloc(text)
    if ("[" in netloc) != ("]" in netloc):
        missing, present = ("]", "[") if "[" in netloc else ("[", "]")
        return UrlError(f"the host of the URL has a `{present}` with no `{missing}`", _BRACKETS_HINT)
    if "[" in netloc:
        inside = netloc.partition("[")[2].partition("]")[0]
        if not _ip_literal(inside):
            return UrlError(f"`[{inside}]` in the host of the URL is not an IPv6 address", _BRACKETS_HINT)
    for char in netloc:
        normal = unicodedata.normalize("NFKC", char)
        if normal != char and any(c in normal for c in "/?#@:"):
            return UrlError(
                f"the host of the URL holds `{char}`, which Unicode normalisation turns into `{normal}`",
                "write the host with ASCII letters, digits, `-` and `.` (an international domain "
                "name in its `xn--` form)",
            )
    return UrlError(f"`{text}` cannot be read as a URL: {exc}")


def _ip_literal(text: str) -> bool:
    """What urlsplit accepts between brackets: an IPv6 address or an ``IPvFuture`` literal."""
    if re.fullmatch(r"v[0-9A-Fa-f]+\..+", text):
        return True
    try:
        import ipaddress  # only for a host in brackets

        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False
