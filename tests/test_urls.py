"""flowc.urls: any text becomes a parsed URL or the reason it is not one, and nothing raises."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowc import urls
from flowc.diagnostics import Diagnostic
from flowc.source import Span

SPAN = Span("main.flow", 3, 7, 3, 20)

# Characters that make urllib.parse raise, or that end a part of a URL, mixed
# with characters NFKC turns into delimiters (U+2100 'a/c', U+2A74 '::=',
# U+FE55 ':', U+FF03 '#', U+FF1F '?', U+FE6B '@', U+2474 '(1)').
PIECES = st.sampled_from(list("[]:/?#@%.v0123456789abcdefABCDEF-+h ~\t")) | st.sampled_from(
    ["https://", "//", "\u2100", "\u2a74", "\ufe55", "\uff03", "\uff1f", "\ufe6b", "\u2474", "\ud800", "é"]
)
URLISH = st.lists(PIECES | st.characters(), max_size=30).map("".join)
FUZZ = settings(max_examples=1000, derandomize=True, database=None, deadline=None)


@FUZZ
@given(st.one_of(URLISH, st.text()))
def test_split_and_parse_never_raise(text):
    url = urls.split(text)
    assert isinstance(url, urls.Url | urls.UrlError)
    parsed = urls.parse(text, SPAN)
    if isinstance(url, urls.UrlError):
        assert isinstance(parsed, Diagnostic)
        assert (parsed.code, parsed.message, parsed.span, parsed.hint) == (
            "FL307",
            url.message,
            SPAN,
            url.hint,
        )
    else:
        assert parsed == url
        assert text and not any(c.isspace() for c in text)
        parts = urlsplit(text)  # what urls.split accepted, urllib reads, port included
        assert (url.scheme, url.netloc, url.path, url.query, url.fragment, url.port) == (
            *parts,
            parts.port,
        )


@FUZZ
@given(URLISH, URLISH)
def test_join_never_raises(base, text):
    assert isinstance(urls.join(base, text), urls.Url | urls.UrlError)
    assert isinstance(urls.join("https://app.invalid/main/start.xml", text), urls.Url | urls.UrlError)


@pytest.mark.parametrize(
    "text",
    [
        "https://ex]ample.com/",
        "//[a/b",
        "https://a\u2a74b.com/",
        "https://[zz]/",
        "http://h:65536/",
        "http://h:-1/",
    ],
)
def test_what_urllib_refuses_is_an_error(text):
    with pytest.raises(ValueError):
        parts = urlsplit(text)
        _ = parts.port
    assert isinstance(urls.split(text), urls.UrlError)


def test_an_absolute_url():
    url = urls.split("https://example.com:8443/ivr?x=1#f")
    assert url == urls.Url(
        scheme="https", netloc="example.com:8443", path="/ivr", query="x=1", fragment="f", port=8443
    )
    assert url.is_absolute
    assert not urls.split("/ivr").is_absolute


def test_join_resolves_like_twilio():
    base = "https://app.invalid/main/start.xml"
    assert urls.join(base, "next.php?x=1").path == "/main/next.php"
    assert urls.join(base, "../../x").path == "/x"
    assert urls.join(base, "//[a/b") == urls.UrlError(
        "the host of the URL has a `[` with no `]`", urls.split("//[a").hint
    )


def test_only_flowc_urls_splits_urls():
    # Any other module calling urllib.parse's splitting functions could raise on a user's URL.
    package = Path(urls.__file__).parent
    callers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"\b(urlsplit|urlparse|urljoin)\b", path.read_text(encoding="utf-8"))
    )
    assert callers == ["urls.py"]
