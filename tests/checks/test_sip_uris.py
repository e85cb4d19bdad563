"""FL314: SIP addresses that are not sip: URIs."""

from __future__ import annotations

from conftest import codes, where


def test_docstring_bad_example(compile_flow):
    build = compile_flow('step start:\n    dial:\n        sip "alice@example.com"\n')
    [d] = [d for d in build.diagnostics if d.code == "FL314"]
    assert where(d) == (3, 13, 3, 32)
    assert d.message == "`alice@example.com` is not a SIP URI"
    assert d.hint == 'write `"sip:alice@example.com"`'


def test_docstring_good_example(compile_flow):
    build = compile_flow(
        'step start:\n    dial:\n        sip "sip:alice@example.com"\n    refer:\n        sip "sips:bob@example.com"\n'
    )
    assert "FL314" not in codes(build)


def test_uris_of_a_sip_are_checked(compile_flow):
    build = compile_flow(
        'step start:\n    dial:\n        sip:\n            uri "tel:+14155550100" priority 1\n'
    )
    assert [d.message for d in build.diagnostics if d.code == "FL314"] == [
        "`tel:+14155550100` is not a SIP URI"
    ]


def test_white_space_around_an_address_is_not_part_of_it(compile_flow):
    """Twilio's own <Sip> examples put the address on a line of its own."""
    build = compile_flow('step start:\n    dial:\n        sip "\\n    sip:jack@example.com;transport=tcp\\n  "\n')
    assert "FL314" not in codes(build)
    build = compile_flow('step start:\n    dial:\n        sip "\\n    jack@example.com\\n  "\n')
    [d] = [d for d in build.diagnostics if d.code == "FL314"]
    assert (d.message, d.hint) == ("`jack@example.com` is not a SIP URI", 'write `"sip:jack@example.com"`')
