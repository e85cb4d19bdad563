"""FL317: a pay action that cannot receive the payment's result."""

from __future__ import annotations

from conftest import codes, where


def test_docstring_bad_example(compile_flow):
    build = compile_flow(
        'step start:\n    pay charge-amount "10.00" -> GET receipt\nstep receipt:\n    hangup\n'
    )
    found = [d for d in build.diagnostics if d.code == "FL317"]
    assert [d.message for d in found] == [
        "the payment's result is posted to the step `receipt`, a static file; most static hosts answer POST with 405",
        "`pay` takes no method: Twilio always posts the payment's result with POST",
    ]
    assert where(found[1]) == (2, 34, 2, 37)


def test_docstring_good_example(compile_flow):
    build = compile_flow('step start:\n    pay charge-amount "10.00" -> https://pay.example.com/result\n')
    assert "FL317" not in codes(build)


def test_plain_http_is_refused(compile_flow):
    build = compile_flow("step start:\n    pay -> http://pay.example.com/result\n")
    assert [d.message for d in build.diagnostics if d.code == "FL317"] == [
        "Twilio posts the payment's result only to https URLs"
    ]
