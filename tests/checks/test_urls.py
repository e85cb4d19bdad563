"""FL307: malformed URLs, and a `base-url` that cannot prefix step files."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL307"]


def with_base(url: str) -> str:
    return f"flow support\n    base-url {url}\nstep start:\n    hangup\n"


def test_base_url_without_scheme_is_reported(compile_flow):
    build = compile_flow(with_base("example.com/ivr"))
    assert codes(build) == ["FL307"]
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 14, 2, 29)
    assert "absolute http or https URL" in d.message


def test_quoted_base_url_without_scheme_is_reported(compile_flow):
    build = compile_flow(with_base('"example.com/ivr"'))
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 14, 2, 31)
    assert "`base-url` must be an absolute http or https URL, not `example.com/ivr`" == d.message


def test_absolute_base_url_is_accepted(compile_flow):
    assert codes(compile_flow(with_base("https://example.com/ivr"))) == []


@pytest.mark.parametrize(
    "url", ["http://example.com", "https://example.com/ivr/", '"https://example.com:8443/a"']
)
def test_other_good_base_urls(compile_flow, url):
    assert codes(compile_flow(with_base(url))) == []


@pytest.mark.parametrize("url", ["ftp://example.com/ivr", "/ivr", '"https://"'])
def test_base_url_must_be_absolute_http(compile_flow, url):
    [d] = found(compile_flow(with_base(url)))
    assert "absolute http or https URL" in d.message
    assert d.span.line == 2 and d.span.col == 14


@pytest.mark.parametrize("url", ["https://example.com/ivr?x=1", "https://example.com/ivr#f"])
def test_base_url_cannot_have_query_or_fragment(compile_flow, url):
    [d] = found(compile_flow(with_base(url)))
    assert "query or a fragment" in d.message
    assert where(d) == (2, 14, 2, 14 + len(url))


def test_empty_base_url_is_reported(compile_flow):
    [d] = found(compile_flow(with_base('""')))
    assert d.message == "the URL is empty"
    assert where(d) == (2, 14, 2, 16)


def test_url_with_a_space_is_reported(compile_flow):
    build = compile_flow('step start:\n    redirect -> "/handle me"\n')
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 14, 2, 29)
    assert "spaces" in d.message
    assert "%20" in d.hint
    assert codes(build) == ["FL307"]


def test_url_with_an_escaped_space_is_accepted(compile_flow):
    assert codes(compile_flow('step start:\n    redirect -> "/handle%20me"\n')) == []


def test_empty_action_url_is_reported(compile_flow):
    [d] = found(compile_flow('step start:\n    redirect -> ""\n'))
    assert d.message == "the URL is empty"
    assert where(d) == (2, 14, 2, 19)


def test_every_url_of_a_verb_is_checked(compile_flow):
    build = compile_flow('step start:\n    record status "/a b" transcribe "/c d" -> "/e f"\n')
    assert [where(d)[:2] for d in found(build)] == [(2, 19), (2, 37), (2, 44)]


@pytest.mark.parametrize(
    "line, col",
    [('play "https://x.com/a b.mp3"', 10), ('dial "+15551234567" -> "/x y"', 25), ('gather -> "/x\\ty"', 12)],
)
def test_play_dial_and_gather_urls_are_checked(compile_flow, line, col):
    [d] = found(compile_flow(f"step start:\n    {line}\n"))
    assert (d.span.line, d.span.col) == (2, col)


def test_step_references_are_not_urls(compile_flow):
    assert codes(compile_flow("step start:\n    redirect -> handle\nstep handle:\n    hangup\n")) == []
