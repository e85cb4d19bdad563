"""The ``flow_call`` pytest fixture, loaded by pytest when flowc is installed.

    def test_sales(flow_call):
        call = flow_call("flows/ivr.flow")
        call.hears("Press 1 for sales")
        call.press("1")
        call.expect_request("/ivr/choice", Digits="1")

``flow_call(PATH, against="flows", flow=None, start=None)`` calls the first
flow of PATH (a .flow file or a directory), or ``flow``, answered by the
flows compiled in memory, the Flask app built from them (``against="flask"``,
handlers included), a built folder or app directory, or a loopback URL. A
failed expectation raises ``AssertionError`` with the call's transcript.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def flow_call():
    from .live import open_call

    def make(path, against: str = "flows", flow: str | None = None, start: str | None = None, token=None):
        return open_call(path, against=against, flow=flow, start=start, token=token)

    return make
