"""Diagnostics of the reading and parsing phase: FL001-FL009 and FL106."""

from __future__ import annotations

import os

import pytest
from conftest import codes, where

from flowc.diagnostics import Severity
from flowc.project import NoFlowFiles, load, read
from flowc.syntax.indentation import MAX_DEPTH


def only(build, code=None):
    assert len(build.diagnostics) == 1, build.diagnostics
    d = build.diagnostics[0]
    if code is not None:
        assert d.code == code, d
    return d


def load_bytes(tmp_path, data: bytes, name: str = "main"):
    path = tmp_path / f"{name}.flow"
    path.write_bytes(data)
    return load([os.fspath(path)])


# ---- FL001: syntax errors ------------------------------------------------------------


def test_missing_colon_after_step_name(compile_flow):
    build = compile_flow('step start\n    say "Hello"\n')
    d = only(build, "FL001")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (1, 11, 1, 12)
    assert d.message == "unexpected end of line, expected `:`"
    assert d.notes == ()  # the error is on the step's own line: no "opened here" note
    assert build.flows == ()


def test_error_inside_a_step_names_the_open_step(compile_flow):
    d = only(compile_flow('step start:\n    say "Hello" lop 2\n'), "FL001")
    assert d.notes[0].message == "in step `start`, opened here"
    assert where(d.notes[0].span) == (1, 1, 1, 11)


def test_misspelt_verb(compile_flow):
    d = only(compile_flow('step start:\n    sya "Hello"\n'), "FL001")
    assert where(d.span) == (2, 5, 2, 8)
    assert d.message.startswith("unexpected `sya`, expected a verb (say, play, pause, record")
    assert d.hint == "did you mean `say`?"
    assert d.notes[0].message == "in step `start`, opened here"


def test_misspelt_verb_in_a_later_step_names_that_step(compile_flow):
    d = only(compile_flow("step start:\n    redirect -> a\nstep a:\n    hangpu\n"), "FL001")
    assert where(d.span) == (4, 5, 4, 11)
    assert d.hint == "did you mean `hangup`?"
    assert d.notes[0].message == "in step `a`, opened here"
    assert d.notes[0].span.line == 3


@pytest.mark.parametrize(
    "text, pos, keyword",
    [
        ("stpe start:\n    hangup\n", (1, 1), "step"),
        ("flwo main\nstep start:\n    hangup\n", (1, 1), "flow"),
        ("flow main\nsetp start:\n    hangup\n", (2, 1), "step"),
        ("flow main\n    contxt client\nstep start:\n    hangup\n", (2, 5), "context"),
        ('step start:\n    say "a" lop 2\n', (2, 13), "loop"),
        ('step start:\n    record beep finsh "#" -> /h\n', (2, 17), "finish"),
        ("step start:\n    record beep tiemout 5s -> /h\n", (2, 17), "timeout"),
        ("step start:\n    gather tiemout 5s -> /h\n", (2, 12), "timeout"),
        ('step start:\n    dial "+1" timeot 20s\n', (2, 15), "timeout"),
        ('step start:\n    say "a" voise Polly.Joanna\n', (2, 13), "voice"),
    ],
)
def test_misspelt_keywords_get_a_suggestion(compile_flow, text, pos, keyword):
    d = only(compile_flow(text), "FL001")
    assert (d.span.line, d.span.col) == pos
    assert ", expected " in d.message
    assert d.hint == f"did you mean `{keyword}`?"


def test_expected_words_name_the_options_of_the_verb(compile_flow):
    d = only(compile_flow('step start:\n    say "a" lop 2\n'), "FL001")
    assert d.message == "unexpected `lop`, expected `language`, `loop`, `voice` or the end of the line"


def test_expected_words_group_many_options_under_their_verb(compile_flow):
    d = only(compile_flow('step start:\n    record max 20s finsh "#" -> /h\n'), "FL001")
    assert d.message == (
        "unexpected `finsh`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line"
    )
    assert d.hint == "did you mean `finish`?"


def test_expected_words_for_settings(compile_flow):
    d = only(compile_flow("flow main\n    contxt client\nstep start:\n    hangup\n"), "FL001")
    assert d.message == "unexpected `contxt`, expected `base-url`, `context` or `max-call-duration`"
    assert d.hint == "did you mean `context`?"


def test_expected_list_is_at_most_five_items(compile_flow):
    d = only(compile_flow("step start:\n    record -> \n"), "FL001")
    assert where(d.span) == (2, 14, 2, 15)
    listed = d.message.split(", expected ", 1)[1]
    *items, last = listed.split(", ")
    items += last.rsplit(" or ", 1)
    assert len(items) <= 5
    assert items[-1] == "…"


def test_after_pause_length_only_the_end_of_the_line_is_expected(compile_flow):
    d = only(compile_flow("step start:\n    pause 5s loop 2\n"), "FL001")
    assert where(d.span) == (2, 14, 2, 18)
    assert d.message == "unexpected `loop`, expected the end of the line"


def test_after_a_record_duration_only_record_options_are_expected(compile_flow):
    d = only(compile_flow('step start:\n    record max 20s finsh "#" -> /h\n'), "FL001")
    assert where(d.span) == (2, 20, 2, 25)
    assert d.hint == "did you mean `finish`?"
    assert "`caller-id`" not in d.message
    assert "`digits`" not in d.message


def test_suggestion_is_an_option_of_the_verb_at_hand(compile_flow):
    d = only(compile_flow('step start:\n    dial "+15551234567" timeout 20s bep\n'), "FL001")
    assert (d.span.line, d.span.col) == (2, 37)
    assert d.hint != "did you mean `beep`?"


def test_unexpected_character(compile_flow):
    d = only(compile_flow('step start:\n    say "a" $\n'), "FL001")
    assert where(d.span) == (2, 13, 2, 14)
    assert d.message.startswith("unexpected character `$`, expected ")


def test_say_without_text(compile_flow):
    # `say` may take a block of text and SSML lines, so a bare `say` parses and
    # is reported by the check of what an element requires.
    d = only(compile_flow("step start:\n    say\n"), "FL316")
    assert where(d.span) == (2, 5, 2, 8)
    assert d.message == "`say` needs its text, or a block of text and SSML lines"
    assert d.hint == 'write `say "TEXT"`'


def test_redirect_without_arrow(compile_flow):
    d = only(compile_flow("step start:\n    redirect\n"), "FL001")
    assert (d.span.line, d.span.col) == (2, 13)
    assert d.message == "unexpected end of line, expected `->`"


def test_step_without_verbs_at_end_of_file(compile_flow):
    d = only(compile_flow("step start:\n"), "FL001")
    assert (d.span.line, d.span.col) == (1, 12)
    assert d.message == "unexpected end of file, expected an indented block"


def test_gather_colon_without_block(compile_flow):
    d = only(compile_flow("step start:\n    gather -> a:\n"), "FL001")
    assert "expected an indented block" in d.message


def test_verb_outside_a_step(compile_flow):
    d = only(compile_flow('step start:\n    say "a"\nhangup\n'), "FL001")
    assert where(d.span) == (3, 1, 3, 7)
    assert d.message == "unexpected `hangup`, expected `step` or the end of the file"


def test_step_after_bare_verbs(compile_flow):
    d = only(compile_flow('say "hi"\nstep a:\n    hangup\n'), "FL001")
    assert where(d.span) == (2, 1, 2, 5)
    assert "expected a verb" in d.message


def test_extra_word_on_flow_line(compile_flow):
    d = only(compile_flow("flow x y\nstep start:\n    hangup\n"), "FL001")
    # The words are one name written with a space: the whole name is the mistake.
    assert where(d.span) == (1, 6, 1, 9)
    assert d.message == "a flow name is one word: letters, digits and `_`"
    assert d.hint == "write `x_y`"


def test_lower_case_method_is_a_syntax_error(compile_flow):
    # The error points at the method read as a step name, not at the URL after it.
    d = only(compile_flow("step start:\n    record -> get /handle\n"), "FL001")
    assert where(d.span) == (2, 15, 2, 18)
    assert d.message == "the method `get` must be written in capitals"
    assert d.hint == "write `-> GET /handle`"


def test_carriage_return_inside_a_line(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n    say "a"\rhangup\n'), "FL001")
    assert (d.span.line, d.span.col) == (2, 12)
    assert "carriage return" in d.message


def test_crlf_line_endings_are_accepted(tmp_path):
    assert codes(load_bytes(tmp_path, b'step start:\r\n    say "a"\r\n    hangup\r\n')) == []


def test_comments_are_accepted(compile_flow):
    build = compile_flow('# greeting\nstep start:  # the entry\n    say "a # b" # say it\n    hangup\n')
    assert codes(build) == []
    assert build.flows[0].steps[0].verbs[0].text.value == "a # b"


# ---- unterminated string -------------------------------------------------------------


def test_unterminated_string(compile_flow):
    d = only(compile_flow('step start:\n    say "Hello\n'), "FL001")
    assert where(d.span) == (2, 9, 2, 10)
    assert d.message == 'unterminated string: a closing `"` is missing on this line'
    assert d.notes[0].message == "in step `start`, opened here"


def test_unterminated_string_at_end_of_file_without_newline(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n    say "Hello'), "FL001")
    assert (d.span.line, d.span.col) == (2, 9)
    assert "unterminated string" in d.message


def test_escaped_quote_does_not_end_a_string(compile_flow):
    build = compile_flow('step start:\n    say "a\\"b"\n')
    assert codes(build) == []
    assert build.flows[0].steps[0].verbs[0].text.value == 'a"b'


# ---- FL005: unknown escapes ------------------------------------------------------------


def test_unknown_escape(compile_flow):
    d = only(compile_flow('step start:\n    say "C:\\temp\\x"\n'), "FL005")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (2, 17, 2, 19)
    assert d.message == "unknown escape `\\x` in a string"
    assert "\\\\" in d.hint


def test_each_unknown_escape_is_reported(compile_flow):
    build = compile_flow('step start:\n    say "a\\q" voice "x\\z"\n')
    assert codes(build) == ["FL005", "FL005"]
    assert [where(d.span) for d in build.diagnostics] == [(2, 11, 2, 13), (2, 23, 2, 25)]


def test_incomplete_unicode_escape(compile_flow):
    d = only(compile_flow('step start:\n    say "a\\u00"\n'), "FL005")
    assert (d.span.line, d.span.col) == (2, 11)


def test_known_escapes_are_decoded(compile_flow):
    build = compile_flow('step start:\n    say "q\\" b\\\\ n\\n t\\t r\\r u\\u00e9"\n')
    assert codes(build) == []
    assert build.flows[0].steps[0].verbs[0].text.value == 'q" b\\ n\n t\t r\r u\u00e9'


def test_unknown_escape_in_a_quoted_url(compile_flow):
    d = only(compile_flow('step start:\n    redirect -> "/a\\qb"\n'), "FL005")
    assert (d.span.line, d.span.col) == (2, 20)


# ---- FL006: durations ---------------------------------------------------------------------


def test_duration_without_unit(compile_flow):
    d = only(compile_flow("step start:\n    record max 20 -> /h\n"), "FL006")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (2, 16, 2, 18)
    assert d.message == "the duration `20` has no unit"
    assert "`20s`" in d.hint


def test_units_out_of_order(compile_flow):
    d = only(compile_flow("step start:\n    record max 30s1m -> /h\n"), "FL006")
    assert where(d.span) == (2, 16, 2, 21)
    assert "`30s1m`" in d.message and "out of order" in d.message
    assert "`1h30m`" in d.hint


@pytest.mark.parametrize("value", ["1m1m", "1s1h", "5m2h", "1h1h"])
def test_repeated_or_unordered_units(compile_flow, value):
    assert codes(compile_flow(f"step start:\n    pause {value}\n")) == ["FL006"]


@pytest.mark.parametrize(
    "value, seconds", [("1h30m", 5400), ("2m15s", 135), ("1h1m1s", 3661), ("1h5s", 3605)]
)
def test_ordered_units_are_accepted(compile_flow, value, seconds):
    build = compile_flow(f"step start:\n    pause {value}\n")
    assert codes(build) == []
    assert build.flows[0].steps[0].verbs[0].length.seconds == seconds


def test_setting_duration_without_unit(compile_flow):
    d = only(compile_flow("flow x\n    max-call-duration 24\nstep start:\n    hangup\n"), "FL006")
    assert where(d.span) == (2, 23, 2, 25)


# ---- FL007: duplicate options ---------------------------------------------------------------


def test_duplicate_option(compile_flow):
    d = only(compile_flow("step start:\n    record max 20s max 30s -> /h\n"), "FL007")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (2, 20, 2, 27)
    assert d.message == "the option `max` is written twice"
    assert d.notes[0].message == "first written here"
    assert where(d.notes[0].span) == (2, 12, 2, 19)
    assert d.hint == "keep one of them"


@pytest.mark.parametrize(
    "line, message",
    [
        ("record beep no beep -> /h", "`no beep` contradicts `beep`, written before it"),
        ("record no trim trim -> /h", "`trim` contradicts `no trim`, written before it"),
        ("record timeout off timeout 5s -> /h", "the option `timeout` is written twice"),
        ("record transcribe transcribe /x -> /h", "the option `transcribe` is written twice"),
        ('say "x" loop 2 loop 3', "the option `loop` is written twice"),
        (
            "gather speech-timeout auto speech-timeout 3s -> /h",
            "the option `speech-timeout` is written twice",
        ),
        ('dial "+1" caller-id "+2" caller-id "+3"', "the option `caller-id` is written twice"),
    ],
)
def test_duplicate_options_name_the_option(compile_flow, line, message):
    d = only(compile_flow(f"step start:\n    {line}\n"), "FL007")
    assert d.message == message


# ---- FL106: duplicate settings ----------------------------------------------------------------


def test_duplicate_setting_span_stays_on_its_line(compile_flow):
    d = only(
        compile_flow("flow x\n    context client\n    context client\nstep start:\n    hangup\n"), "FL106"
    )
    assert d.severity is Severity.ERROR
    assert d.message == "the setting `context` is written twice"
    assert d.notes[0].message == "first written here"
    assert d.notes[0].span.line == 2
    assert where(d.span) == (3, 5, 3, 19)


@pytest.mark.parametrize(
    "setting, first, second",
    [
        ("base-url", "https://a.example", "https://b.example"),
        ("max-call-duration", "1h", "2h"),
        ("context", "client", "client"),
    ],
)
def test_duplicate_settings(compile_flow, setting, first, second):
    build = compile_flow(f"flow x\n    {setting} {first}\n    {setting} {second}\nstep start:\n    hangup\n")
    d = only(build, "FL106")
    assert (d.span.line, d.span.col) == (3, 5)
    assert f"`{setting}`" in d.message


def test_different_contexts_are_not_duplicates(compile_flow):
    build = compile_flow("flow x\n    context client\n    context live-update\nstep start:\n    hangup\n")
    assert codes(build) == []


# ---- FL008: empty flows ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [b"", b"\n\n\n", b"   \n\t\n", b"# only a comment\n\n# another\n"])
def test_empty_file(tmp_path, text):
    d = only(load_bytes(tmp_path, text), "FL008")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (1, 1, 1, 2)
    assert "no step and no verb" in d.message


@pytest.mark.parametrize("text", ["flow x\n", "flow x\n    context client\n    base-url https://e.example\n"])
def test_flow_line_without_steps(compile_flow, text):
    d = only(compile_flow(text), "FL008")
    assert where(d.span) == (1, 6, 1, 7)


# ---- FL003: indentation ------------------------------------------------------------------------


def test_tab_after_spaces(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n    say "a"\n\thangup\n'), "FL003")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (3, 1, 3, 2)
    assert d.message == "indentation mixes tabs and spaces: a tab here, spaces since line 2"
    assert "spaces only" in d.hint


def test_spaces_after_tabs(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n\tsay "a"\n    hangup\n'), "FL003")
    assert (d.span.line, d.span.col) == (3, 1)
    assert "a space here, tabs since line 2" in d.message


def test_tab_and_space_on_one_line(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n \tsay "a"\n'), "FL003")
    assert (d.span.line, d.span.col) == (2, 2)


def test_tabs_only_are_accepted(tmp_path):
    assert codes(load_bytes(tmp_path, b'step start:\n\tgather -> /x:\n\t\tsay "a"\n\thangup\n')) == []


def test_comment_and_blank_lines_do_not_count_as_indentation(tmp_path):
    assert codes(load_bytes(tmp_path, b'step start:\n\tsay "a"\n    # note\n    \n\thangup\n')) == []


def test_dedent_to_a_level_never_opened(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n    say "a"\n  hangup\n'), "FL003")
    assert where(d.span) == (3, 1, 3, 2)
    assert "matches no enclosing block" in d.message
    assert d.hint is not None


def test_dedent_between_two_open_levels(tmp_path):
    data = b'step start:\n    gather -> /x:\n        say "a"\n      pause 1s\n'
    d = only(load_bytes(tmp_path, data), "FL003")
    assert (d.span.line, d.span.col) == (4, 1)


def test_indented_first_line(tmp_path):
    d = only(load_bytes(tmp_path, b"  step start:\n    hangup\n"), "FL003")
    assert (d.span.line, d.span.col) == (1, 1)
    assert "first line" in d.message


# ---- FL004: nesting depth ------------------------------------------------------------------------


def nested(levels: int) -> bytes:
    out = ["step start:"]
    for level in range(1, levels):
        out.append("    " * level + "gather -> /x:")
    out.append("    " * levels + 'say "deep"')
    return ("\n".join(out) + "\n").encode()


def test_sixteen_levels_parse(tmp_path):
    assert MAX_DEPTH == 16
    build = load_bytes(tmp_path, nested(16))
    assert "FL004" not in codes(build)
    assert "FL001" not in codes(build)
    assert build.flows


def too_deep(build):
    """The one FL004 of a build; the parse goes on after it, so the gathers
    nested in gathers (the only blocks there are) get their FL401 as well."""
    assert {d.code for d in build.diagnostics} == {"FL004", "FL401"}, build.diagnostics
    [d] = [d for d in build.diagnostics if d.code == "FL004"]
    return d


def test_seventeen_levels_are_refused(tmp_path):
    d = too_deep(load_bytes(tmp_path, nested(17)))
    assert d.severity is Severity.ERROR
    assert (d.span.line, d.span.col) == (18, 17 * 4 + 1)
    assert "more than 16 levels" in d.message


def test_far_too_deep_is_refused_at_the_seventeenth_level(tmp_path):
    d = too_deep(load_bytes(tmp_path, nested(200)))
    assert d.span.line == 18


# ---- FL002: encoding ------------------------------------------------------------------------------


def test_invalid_utf8_byte(tmp_path):
    d = only(load_bytes(tmp_path, b'step start:\n    say "caf\xe9"\n'), "FL002")
    assert d.severity is Severity.ERROR
    assert where(d.span) == (2, 13, 2, 14)
    assert "0xe9" in d.message and "UTF-8" in d.message
    assert d.hint == "save the file as UTF-8"


def test_invalid_byte_column_counts_characters(tmp_path):
    d = only(load_bytes(tmp_path, 'step start:\n    say "é'.encode() + b'\xff"\n'), "FL002")
    assert (d.span.line, d.span.col) == (2, 11)


def test_invalid_first_byte(tmp_path):
    d = only(load_bytes(tmp_path, b"\xff"), "FL002")
    assert (d.span.line, d.span.col) == (1, 1)


def test_byte_order_mark_is_accepted(tmp_path):
    assert codes(load_bytes(tmp_path, b"\xef\xbb\xbfstep start:\n    hangup\n")) == []


def test_utf8_text_is_accepted(compile_flow):
    build = compile_flow('step start:\n    say "Grüße, 你好"\n')
    assert codes(build) == []
    assert build.flows[0].steps[0].verbs[0].text.value == "Grüße, 你好"


# ---- FL009: unreadable files ------------------------------------------------------------------------


def test_directory_named_like_a_flow_cannot_be_read(tmp_path):
    path = tmp_path / "x.flow"
    path.mkdir()
    source, diagnostics = read(os.fspath(path))
    assert source is None
    [d] = diagnostics
    assert d.code == "FL009"
    assert d.severity is Severity.ERROR
    assert where(d.span) == (1, 1, 1, 2)
    assert d.message.startswith("cannot read the file: ")
    assert "directory" in d.message.lower()


def test_directory_named_like_a_flow_is_searched_like_any_directory(tmp_path):
    path = tmp_path / "x.flow"
    path.mkdir()
    with pytest.raises(NoFlowFiles):
        load([os.fspath(path)])
    (path / "inner.flow").write_text("step a:\n    hangup\n", encoding="utf-8")
    build = load([os.fspath(path)])
    assert [f.name for f in build.flows] == ["inner"]


def test_broken_link(tmp_path):
    link = tmp_path / "broken.flow"
    link.symlink_to(tmp_path / "nowhere.flow")
    d = only(load([os.fspath(link)]), "FL009")
    assert d.span.file == os.fspath(link)
    assert where(d.span) == (1, 1, 1, 2)
    assert "No such file" in d.message


def test_missing_file(tmp_path):
    d = only(load([os.fspath(tmp_path / "missing.flow")]), "FL009")
    assert d.message.startswith("cannot read the file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(tmp_path):
    path = tmp_path / "locked.flow"
    path.write_text("step start:\n    hangup\n", encoding="utf-8")
    path.chmod(0)
    try:
        d = only(load([os.fspath(path)]), "FL009")
        assert "Permission denied" in d.message
    finally:
        path.chmod(0o644)


def test_unreadable_file_does_not_stop_the_others(tmp_path):
    good = tmp_path / "good.flow"
    good.write_text("step start:\n    hangup\n", encoding="utf-8")
    build = load([os.fspath(tmp_path / "missing.flow"), os.fspath(good)])
    assert codes(build) == ["FL009"]
    assert [f.name for f in build.flows] == ["good"]


# ---- flow names and the one-step `main` flow ------------------------------------------------------


def test_file_without_flow_line_takes_its_stem(compile_flow):
    build = compile_flow("step start:\n    hangup\n", name="greeting")
    assert codes(build) == []
    [flow] = build.flows
    assert flow.name == "greeting"
    assert flow.declared is False
    assert where(flow.name_span) == (1, 1, 1, 2)


def test_flow_line_names_the_flow(compile_flow):
    build = compile_flow("flow support\nstep start:\n    hangup\n", name="greeting")
    [flow] = build.flows
    assert flow.name == "support"
    assert flow.declared is True
    assert where(flow.name_span) == (1, 6, 1, 13)


def test_file_with_only_verbs_is_one_step_named_main(compile_flow):
    build = compile_flow('say "hi"\npause 1s\nhangup\n', name="hello")
    assert codes(build) == []
    [flow] = build.flows
    assert flow.name == "hello"
    [step] = flow.steps
    assert step.name == "main"
    assert [v.name for v in step.verbs] == ["say", "pause", "hangup"]
    assert where(step.name_span) == (1, 1, 1, 4)


def test_normative_single_record_line_compiles(compile_flow):
    build = compile_flow('record voicemail max 20s finish "#" transcribe -> /handle\n', name="voicemail")
    assert codes(build) == []
    [step] = build.flows[0].steps
    assert step.name == "main"
    [record] = step.verbs
    assert record.label.value == "voicemail"
    assert record.max_length.seconds == 20
    assert record.finish.value == "#"
    assert record.action.text == "/handle"


def test_flow_line_with_bare_verbs(compile_flow):
    build = compile_flow('flow hello\nsay "hi"\nhangup\n')
    assert codes(build) == []
    [flow] = build.flows
    assert flow.name == "hello"
    assert [s.name for s in flow.steps] == ["main"]


def test_syntax_error_stops_the_whole_flow_checks(compile_flow):
    # `lost` is unreachable, but with a syntax error in the file only the
    # local checks run (the record without an action is one of them).
    build = compile_flow('step start:\n    record max 30s\n    say "x" lop 2\nstep lost:\n    hangup\n')
    assert codes(build) == ["FL202", "FL001"]
    assert build.flows == ()
