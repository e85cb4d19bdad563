"""FL302: `finish` keys that are not phone keys."""

from __future__ import annotations

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity


def found(build):
    return [d for d in build.diagnostics if d.code == "FL302"]


def test_docstring_bad_examples(compile_flow):
    build = compile_flow(
        """\
        step start:
            record finish "x" -> a
        step a:
            gather finish "#*" -> /choice
        """
    )
    record, gather = found(build)
    assert record.severity is Severity.ERROR and gather.severity is Severity.ERROR
    assert where(record) == (2, 19, 2, 22)
    assert "`finish` takes the keys 0-9, # and *" in record.message
    assert "`x`" in record.message
    assert where(gather) == (4, 19, 4, 23)
    assert "`finish` on `gather` takes one key, not 2" in gather.message
    assert '""' in gather.hint


def test_docstring_good_examples(compile_flow):
    build = compile_flow(
        """\
        step start:
            record finish "#*" -> a
        step a:
            gather finish "#" -> /choice
        """
    )
    assert codes(build) == []


@pytest.mark.parametrize("keys", ["0", "9", "#", "*", "1234567890*#", "**"])
def test_record_accepts_any_nonempty_set_of_phone_keys(compile_flow, keys):
    assert codes(compile_flow(f'step start:\n    record finish "{keys}" -> /h\n')) == []


def test_record_with_empty_finish_is_reported(compile_flow):
    [d] = found(compile_flow('step start:\n    record finish "" -> /h\n'))
    assert where(d) == (2, 19, 2, 21)
    assert "at least one key" in d.message
    assert "leave `finish` out" in d.hint


@pytest.mark.parametrize("key", ["0", "5", "#", "*", ""])
def test_gather_accepts_one_key_or_none(compile_flow, key):
    assert codes(compile_flow(f'step start:\n    gather finish "{key}" -> /choice\n')) == []


@pytest.mark.parametrize("keys, bad", [("a", "`a`"), ("1 ", "` `"), ("w", "`w`"), ("#+", "`+`")])
def test_non_phone_keys_are_named(compile_flow, keys, bad):
    [d] = found(compile_flow(f'step start:\n    record finish "{keys}" -> /h\n'))
    assert bad in d.message


def test_control_character_key_is_shown_as_code_point(compile_flow):
    [d] = found(compile_flow('step start:\n    record finish "\\t" -> /h\n'))
    assert "U+0009" in d.message


def test_gather_with_a_bad_key_reports_the_key_not_the_count(compile_flow):
    [d] = found(compile_flow('step start:\n    gather finish "a" -> /choice\n'))
    assert "`a`" in d.message
