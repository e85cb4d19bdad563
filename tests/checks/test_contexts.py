"""FL601, FL602, FL603: rules that hold in the context a flow is reached from."""

from __future__ import annotations

import pytest
from conftest import codes, only, where

from flowc.diagnostics import Severity


def client_flow(max_length: str) -> str:
    return (
        "flow support\n"
        "    context client\n"
        "step start:\n"
        f"    record max {max_length} -> done\n"
        "step done:\n"
        "    hangup\n"
    )


# ---- context client: FL603 ----------------------------------------------------


def test_client_recording_of_20_minutes_is_reported(compile_flow):
    build = compile_flow(client_flow("20m"))
    d = only(build, "FL603")
    assert d.severity is Severity.ERROR
    assert where(d) == (4, 16, 4, 19)
    assert "Twilio Client" in d.message
    assert "600 s" in d.message
    assert "1200 s" in d.message
    assert "10m" in d.hint
    assert len(d.notes) == 1
    assert d.notes[0].message == "declared here"
    assert (d.notes[0].span.line, d.notes[0].span.col) == (2, 13)
    assert codes(build) == ["FL603"]


def test_client_recording_of_10_minutes_is_accepted(compile_flow):
    assert codes(compile_flow(client_flow("10m"))) == []


@pytest.mark.parametrize("max_length", ["600s", "9m60s", "2s"])
def test_client_recording_up_to_600_seconds_is_accepted(compile_flow, max_length):
    assert "FL603" not in codes(compile_flow(client_flow(max_length)))


@pytest.mark.parametrize("max_length, seconds", [("601s", 601), ("10m1s", 601), ("1h", 3600)])
def test_client_recording_over_600_seconds_is_reported(compile_flow, max_length, seconds):
    d = only(compile_flow(client_flow(max_length)), "FL603")
    assert f"{seconds} s" in d.message


def test_client_recording_without_max_is_not_reported(compile_flow):
    build = compile_flow(
        """\
        flow support
            context client
        step start:
            record -> done
        step done:
            hangup
        """
    )
    assert codes(build) == []


def test_long_recording_without_client_context_is_not_fl603(compile_flow):
    build = compile_flow(
        """\
        flow support
            context live-update
        step start:
            record max 20m -> done
        step done:
            hangup
        """
    )
    assert "FL603" not in codes(build)


# ---- context live-update: FL601 ----------------------------------------------


def test_live_update_record_without_action_is_reported(compile_flow):
    build = compile_flow(
        """\
        flow support
            context live-update
        step start:
            record max 20s
        """
    )
    d = only(build, "FL601")
    assert d.severity is Severity.ERROR
    assert where(d) == (4, 5, 4, 11)
    assert "live call" in d.message
    assert "11100" in d.message
    assert "->" in d.hint
    assert d.notes[0].message == "declared here"
    assert (d.notes[0].span.line, d.notes[0].span.col) == (2, 13)
    # the action loop warning is still given
    assert sorted(codes(build)) == ["FL202", "FL601"]


def test_live_update_record_with_action_is_accepted(compile_flow):
    build = compile_flow(
        """\
        flow support
            context live-update
        step start:
            record max 20s -> /handle
        """
    )
    assert codes(build) == []


def test_record_without_action_outside_live_update_is_only_a_warning(compile_flow):
    build = compile_flow(
        """\
        flow support
            context client
        step start:
            record max 20s
        """
    )
    assert codes(build) == ["FL202"]


def test_live_update_gather_without_action_is_not_fl601(compile_flow):
    build = compile_flow(
        """\
        flow support
            context live-update
        step start:
            gather digits 1
            hangup
        """
    )
    assert "FL601" not in codes(build)


# ---- context twiml-parameter: FL602 -------------------------------------------


def test_twiml_parameter_relative_actions_are_reported(compile_flow):
    build = compile_flow(
        """\
        flow support
            context twiml-parameter
        step start:
            record -> done
        step done:
            gather -> /choice
        """
    )
    found = [d for d in build.diagnostics if d.code == "FL602"]
    assert len(found) == 2
    step_ref, path = found
    assert step_ref.severity is Severity.ERROR
    assert where(step_ref) == (4, 12, 4, 19)
    assert "`record`" in step_ref.message and "absolute URL" in step_ref.message
    assert "twiml parameter" in step_ref.message
    assert "base-url" in step_ref.hint
    assert where(path) == (6, 12, 6, 22)
    assert "`gather`" in path.message
    assert "https://" in path.hint
    assert (path.notes[0].span.line, path.notes[0].span.col) == (2, 13)


def test_twiml_parameter_quoted_relative_url_is_reported(compile_flow):
    build = compile_flow(
        """\
        flow support
            context twiml-parameter
        step start:
            record -> "rel/handle.php"
        """
    )
    d = only(build, "FL602")
    assert where(d) == (4, 12, 4, 31)


def test_twiml_parameter_absolute_actions_are_accepted(compile_flow):
    build = compile_flow(
        """\
        flow support
            context twiml-parameter
            base-url https://example.com/ivr
        step start:
            record -> done
        step done:
            gather -> https://example.com/choice
            redirect -> /elsewhere
        """
    )
    assert codes(build) == []


def test_twiml_parameter_flow_step_reference_with_base_url_is_accepted(compile_flow):
    build = compile_flow(
        """\
        flow support
            context twiml-parameter
            base-url https://example.com/ivr
        step start:
            record -> billing.start
        """,
        billing="flow billing\nstep start:\n    hangup\n",
    )
    assert codes(build) == []


def test_twiml_parameter_does_not_constrain_redirect_and_dial(compile_flow):
    build = compile_flow(
        """\
        flow support
            context twiml-parameter
        step start:
            dial "+15551234567" -> /after
        step other:
            redirect -> /x
        """
    )
    assert "FL602" not in codes(build)


def test_relative_actions_without_twiml_parameter_are_accepted(compile_flow):
    build = compile_flow(
        """\
        flow support
            context client
        step start:
            record -> "rel/handle.php"
        """
    )
    assert codes(build) == []


def test_twiml_parameter_record_without_action_is_an_error(compile_flow):
    # Without an action Twilio requests the current document's URL, which a
    # call started with the twiml parameter does not have: the action must be
    # an absolute URL, and an omitted one is not.
    build = compile_flow(
        """\
        flow support
            context twiml-parameter
        step start:
            record max 20s
        """
    )
    assert "FL602" in codes(build)


def test_all_contexts_together(compile_flow):
    build = compile_flow(
        """\
        flow support
            context client
            context live-update
            context twiml-parameter
        step start:
            record max 11m -> done
        step done:
            record max 20s -> https://example.com/done
        step other:
            record max 20s
        """
    )
    assert [(d.code, d.span.line) for d in build.diagnostics if d.code.startswith("FL6")] == [
        ("FL603", 6),
        ("FL602", 6),
        ("FL601", 10),
        ("FL602", 10),
    ]
