"""FL320: WebSocket URLs written with another scheme."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def test_docstring_bad_example(compile_flow):
    build = compile_flow("step start:\n    start:\n        stream https://example.com/audio\n")
    [d] = [d for d in build.diagnostics if d.code == "FL320"]
    assert d.severity is Severity.ERROR
    assert where(d) == (3, 16, 3, 41)
    assert d.message == "`stream` connects to a WebSocket server: its URL starts with `wss://`, not `https://`"
    assert d.hint == "write `wss://example.com/audio`"


def test_docstring_good_example(compile_flow):
    build = compile_flow("step start:\n    start:\n        stream wss://example.com/audio\n")
    assert "FL320" not in codes(build)


@pytest.mark.parametrize("scheme", ["http", "ws", "HTTPS"])
def test_conversation_relay_and_a_connected_stream_are_checked(compile_flow, scheme):
    build = compile_flow(
        f"step start:\n    connect:\n        conversation-relay {scheme}://example.com/ws\n"
        f"    connect:\n        stream {scheme}://example.com/s\n"
    )
    assert [d.span.line for d in build.diagnostics if d.code == "FL320"] == [3, 5]


def test_a_relative_url_is_left_to_twilio(compile_flow):
    build = compile_flow("step start:\n    start:\n        stream /audio\n")
    assert "FL320" not in codes(build)
