"""The `flow_call` fixture (the pytest plugin flowc installs) and `flowc call`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import cli

FLOWS = Path(__file__).resolve().parent.parent / "flows"


def test_the_plugin_is_registered_by_the_installed_package(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("flowc")


def test_flow_call_hears_presses_and_expects(flow_call):
    call = flow_call(FLOWS / "server" / "support.flow")
    call.hears("Press 1 for billing")
    assert call.waiting_for == "gather"
    call.press("2")
    call.hears("Connecting you to a technician")
    call.dial("completed", 30)
    call.expect_request("support.goodbye", method="GET", DialCallStatus="completed", DialCallDuration=30)
    call.hears("Goodbye").expect_ended(by="hangup")


def test_flow_call_waits_in_a_queue_and_an_agent_answers(flow_call):
    call = flow_call(FLOWS / "helpdesk.flow")
    assert call.waiting_for == "enqueue"
    call.outcome("queue", "wait")
    call.hears("All our agents are busy")
    assert call.waiting_for == "gather"
    call.silence(5)
    call.outcome("queue", "bridged", 60)
    call.expect_request("helpdesk.after_queue", method="GET", QueueResult="bridged")
    with pytest.raises(ValueError, match="queue: bridged"):
        call.outcome("queue", "answered")


def test_flow_call_failures_carry_the_transcript(flow_call):
    call = flow_call(FLOWS / "voicemail.flow")
    with pytest.raises(AssertionError) as failure:
        call.hears("Welcome to the jungle")
    assert "Please leave a message" in str(failure.value)
    assert "GET /voicemail/start.xml" in str(failure.value)


def test_flow_call_against_the_flask_app_runs_its_handlers(flow_call):
    call = flow_call(FLOWS / "ivr.flow", against="flask")
    call.press("1")
    call.expect_request("/ivr/choice", method="POST", Digits="1")
    call.expect_ended(by="hangup")  # the default handler of /ivr/choice hangs up


def test_flowc_call_is_interactive():
    keys = "1\ncompleted 20s\n"
    result = CliRunner().invoke(cli, ["call", str(FLOWS / "server" / "support.flow")], input=keys)
    assert result.exit_code == 0, result.output
    out = result.output
    assert 'hears "Press 1 for billing, 2 for a technician, or 3 to leave a message."' in out
    assert "gather> " in out and "dial> " in out
    assert "GET /support/choice.xml  Digits=1" in out
    assert "the call ended: hangup" in out


def test_flowc_call_explains_bad_input_and_hangs_up_at_end_of_input():
    result = CliRunner().invoke(cli, ["call", str(FLOWS / "voicemail.flow")], input="bogus\n")
    assert result.exit_code == 0, result.output
    assert "not understood" in result.output
    assert "the call ended: caller" in result.output
