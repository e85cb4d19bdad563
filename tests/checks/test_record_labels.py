"""FL060: a recording's label that looks like a misspelt `record` option."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.checks import LOCAL_CHECKS, record_labels
from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL060"]


def record(rest: str) -> str:
    return f"step start:\n    record {rest}\nstep handle:\n    hangup\n"


def test_near_miss_of_max_is_reported_at_the_label(compile_flow):
    build = compile_flow(record("mx -> handle"))
    [d] = found(build)
    assert d.severity is Severity.WARNING
    assert where(d) == (2, 12, 2, 14)
    assert d.message == "the recording's label `mx` looks like a misspelt option"
    assert d.hint.startswith("did you mean `max`?")
    assert "If `mx` really is the recording's label, rename it" in d.hint
    assert codes(build) == ["FL060"]
    assert build.ok  # a warning: the flow still builds


@pytest.mark.parametrize(
    ("label", "option"),
    [
        ("finsh", "finish"),
        ("timout", "timeout"),
        ("transcibe", "transcribe"),
        ("beeb", "beep"),
        ("trimm", "trim"),
        ("stauts", "status"),
        ("maxx", "max"),
        ("nobeep", "no beep"),
        ("no_trim", "no trim"),
        ("timeoutoff", "timeout off"),
    ],
)
def test_near_misses_of_each_option(compile_flow, label, option):
    [d] = found(compile_flow(record(f"{label} -> handle")))
    assert f"`{label}`" in d.message
    assert d.hint.startswith(f"did you mean `{option}`?")


@pytest.mark.parametrize("label", ["voicemail", "message", "long", "inbox", "mx_box", "greeting"])
def test_ordinary_labels_are_accepted(compile_flow, label):
    assert found(compile_flow(record(f"{label} max 20s -> handle"))) == []


def test_reported_with_options_after_the_label_too(compile_flow):
    [d] = found(compile_flow(record('beeb finish "#" -> handle')))
    assert where(d) == (2, 12, 2, 16)


def test_each_record_is_checked(compile_flow):
    build = compile_flow(
        'step start:\n    gather digits 1 -> a:\n        say "x"\n    record mx -> handle\n'
        "step a:\n    record timout -> handle\nstep handle:\n    hangup\n"
    )
    assert [where(d)[:2] for d in found(build)] == [(4, 12), (6, 12)]


def test_the_options_are_those_of_the_grammar():
    from flowc.syntax.grammar import reference

    grammar = {
        str(rule.expansion[0].name).lower().replace("_", "-")
        for rule in reference().rules
        if rule.origin.name == "record_option"
    }
    assert set(record_labels.OPTIONS) == grammar - {"no"}


def test_runs_on_a_file_with_syntax_errors(compile_flow):
    assert record_labels in LOCAL_CHECKS
    build = compile_flow('step start:\n    record mx -> handle\n    sya "x"\nstep handle:\n    hangup\n')
    assert codes(build) == ["FL060", "FL001"]


def conference(rest: str) -> str:
    return f"step start:\n    dial:\n        conference {rest}\n"


@pytest.mark.parametrize("name", ["standup", "support", "sales", "waiting", "room-1"])
def test_an_ordinary_conference_name_is_accepted(compile_flow, name):
    assert found(compile_flow(conference(f"{name} beep"))) == []


@pytest.mark.parametrize(("name", "option"), [("statuss", "status"), ("mutedd", "muted"), ("recrd", "record")])
def test_a_conference_name_one_typo_from_an_option_is_reported(compile_flow, name, option):
    [d] = found(compile_flow(conference(name)))
    assert where(d) == (3, 20, 3, 20 + len(name))
    assert d.message == f"the name of `conference`, `{name}`, looks like a misspelt option"
    assert d.hint.startswith(f"did you mean `{option}`?")


def test_a_twiml_attribute_as_a_queue_name_names_the_option(compile_flow):
    [d] = found(compile_flow("step start:\n    enqueue maxQueueSize\n"))
    assert where(d) == (2, 13, 2, 25)
    assert "TwiML's name for" in d.message


@pytest.mark.parametrize("element", ["parameter", "header", "config"])
def test_the_name_of_a_pair_is_the_applications_own_word(compile_flow, element):
    source = {
        "parameter": 'step start:\n    hangup:\n        parameter customer_name "x"\n',
        "header": 'step start:\n    dial:\n        sip "sip:a@example.com":\n            headers:\n'
        '                header card_type "x"\n',
        "config": 'step start:\n    connect:\n        virtual-agent connector-name "bot":\n'
        '            config status_callback "x"\n',
    }[element]
    build = compile_flow(source)
    assert codes(build) == []
    assert found(build) == []
