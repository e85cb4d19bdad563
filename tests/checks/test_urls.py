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


# ---- URLs urllib cannot read: each is an FL307 error at the URL, never a crash -------------------

BRACKETS_HINT = "`[` and `]` may only enclose an IPv6 address in a host, as in `https://[2001:db8::1]/`"


def test_base_url_with_a_stray_bracket_is_reported(compile_flow):
    build = compile_flow(with_base("https://ex]ample.com/"))
    assert codes(build) == ["FL307"]
    [d] = found(build)
    assert d.message == "the host of the URL has a `]` with no `[`"
    assert d.hint == BRACKETS_HINT
    assert where(d) == (2, 14, 2, 35)


def test_base_url_with_a_host_character_that_normalises_to_a_delimiter_is_reported(compile_flow):
    build = compile_flow(with_base("https://a\u2a74b.com/"))
    assert codes(build) == ["FL307"]
    [d] = found(build)
    assert d.message == "the host of the URL holds `\u2a74`, which Unicode normalisation turns into `::=`"
    assert "xn--" in d.hint
    assert where(d) == (2, 14, 2, 30)


def test_a_network_path_with_an_open_bracket_is_reported(compile_flow):
    build = compile_flow('step start:\n    record -> "//[a/b"\n')
    assert codes(build) == ["FL307"]
    [d] = found(build)
    assert d.message == "the host of the URL has a `[` with no `]`"
    assert where(d) == (2, 12, 2, 23)


@pytest.mark.parametrize(
    "line, message",
    [
        ('redirect -> "https://[zz]/x"', "`[zz]` in the host of the URL is not an IPv6 address"),
        ('redirect -> "https://[1.2.3.4]/x"', "`[1.2.3.4]` in the host of the URL is not an IPv6 address"),
        ('redirect -> "https://h:99999/x"', "the port `99999` is not a number from 0 to 65535"),
        ('redirect -> "https://h:8o/x"', "the port `8o` is not a number from 0 to 65535"),
        (
            'play "https://a\u2100b/x.mp3"',
            "the host of the URL holds `\u2100`, which Unicode normalisation turns into `a/c`",
        ),
        ('record status "https://[::1/s" -> done', "the host of the URL has a `[` with no `]`"),
    ],
)
def test_unreadable_urls_of_verbs_are_reported(compile_flow, line, message):
    build = compile_flow(f"step start:\n    {line}\nstep done:\n    hangup\n")
    [d] = found(build)
    assert d.message == message
    assert d.span.line == 2


@pytest.mark.parametrize(
    "url", ["https://[2001:db8::1]:8443/ivr", "https://[v1.x]/ivr", "https://b\u00fccher.example/ivr"]
)
def test_readable_hosts_are_accepted(compile_flow, url):
    assert codes(compile_flow(with_base(url))) == []
