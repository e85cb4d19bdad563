"""FL303: recording status events Twilio does not send."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL303"]


def record(options: str) -> str:
    return f"step start:\n    record {options} -> /handle\n"


def test_misspelt_event_is_reported(compile_flow):
    build = compile_flow(record("status /rec on complete"))
    [d] = found(build)
    assert d.severity is Severity.ERROR
    assert where(d) == (2, 27, 2, 35)
    assert "`complete` is not a recording status event" in d.message
    for event in ("`in-progress`", "`completed`", "`absent`"):
        assert event in d.message
    assert d.hint == "did you mean `completed`?"
    assert codes(build) == ["FL303"]


def test_correct_event_is_accepted(compile_flow):
    assert codes(compile_flow(record("status /rec on completed"))) == []


def test_all_three_events_with_a_method_are_accepted(compile_flow):
    assert codes(compile_flow(record("status GET /rec on in-progress completed absent"))) == []


def test_status_without_events_is_accepted(compile_flow):
    assert codes(compile_flow(record("status /rec"))) == []


def test_repeated_event_is_reported_at_the_repeat(compile_flow):
    [d] = found(compile_flow(record("status /rec on completed completed")))
    assert where(d) == (2, 37, 2, 46)
    assert "`completed` is listed twice" in d.message


def test_unknown_event_without_close_match_has_no_hint(compile_flow):
    [d] = found(compile_flow(record("status /rec on failed")))
    assert "`failed`" in d.message
    assert d.hint is None


@pytest.mark.parametrize("event", ["Completed", "in_progress", "inprogress", "ABSENT"])
def test_events_are_spelt_exactly(compile_flow, event):
    assert len(found(compile_flow(record(f"status /rec on {event}")))) == 1


def test_each_bad_event_is_reported(compile_flow):
    ds = found(compile_flow(record("status /rec on started completed stopped")))
    assert len(ds) == 2
    assert "`started`" in ds[0].message and ds[0].span.col == 27
    assert "`stopped`" in ds[1].message and ds[1].span.col == 45


def test_a_glued_on_is_a_syntax_error_not_an_event(compile_flow):
    # The lexer would read `onn` as `on` and the event `n`.
    build = compile_flow(record("status /rec onn completed"))
    assert codes(build) == ["FL001"]
    [d] = build.diagnostics
    assert where(d) == (2, 24, 2, 27)
    assert d.hint == "did you mean `on`?"


def test_an_event_twilio_renamed_says_its_new_name(compile_flow):
    """Twilio renamed `<Conversation>`'s `call-in-progress` event `call-answered`
    (its helper libraries' changelogs, 24 August 2022); older examples still show it."""
    build = compile_flow(
        "step start:\n    connect:\n"
        '        conversation "IS00000000000000000000000000000000" status /s on call-in-progress call-completed\n'
    )
    [d] = found(build)
    assert d.message == (
        "`call-in-progress` is no longer an event of `conversation status`: Twilio renamed it "
        "`call-answered` in August 2022"
    )
    assert where(d) == (3, 72, 3, 88)
    assert d.hint == "write `call-answered`"
    [fix] = d.fixes
    assert [e.text for e in fix.edits] == ["call-answered"]
    assert codes(build) == ["FL303"]


def test_every_renamed_event_names_a_documented_event():
    from flowc import vocabulary

    for (element, option, old), (new, _) in vocabulary.RENAMED_EVENTS.items():
        events = vocabulary.verb(element).option(option).events
        assert new in events and old not in events
