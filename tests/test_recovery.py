"""Several syntax errors per run: the parser recovers at the next line or
step, reports each independent mistake once, and never a follow-on error;
only local checks run on what parsed of a file with syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import codes

from flowc.project import load
from flowc.syntax.recovery import MAX_ERRORS, PIECE_LINES


def errors(build) -> list[tuple[int, int, str]]:
    return [(d.span.line, d.span.col, d.code) for d in build.diagnostics]


def test_two_errors_in_two_steps(compile_flow):
    build = compile_flow('step start:\n    sya "Hello"\n    redirect -> next\nstep next:\n    hangpu\n')
    assert errors(build) == [(2, 5, "FL001"), (5, 5, "FL001")]
    assert [d.hint for d in build.diagnostics] == ["did you mean `say`?", "did you mean `hangup`?"]
    assert [d.notes[0].message for d in build.diagnostics] == [
        "in step `start`, opened here",
        "in step `next`, opened here",
    ]


def test_three_independent_mistakes(compile_flow):
    build = compile_flow(
        'step start:\n    sya "Hello"\n    record mx 20s -> handle\n\nstep handle:\n    say "Bye" lop 2\n    hangup\n'
    )
    assert errors(build) == [(2, 5, "FL001"), (3, 12, "FL001"), (6, 15, "FL001")]
    assert [d.hint for d in build.diagnostics] == [
        "did you mean `say`?",
        "did you mean `max`?",
        "did you mean `loop`?",
    ]


def test_many_errors(compile_flow):
    text = "".join(f'step s{i}:\n    say "x" lop {i}\n    redirect -> s{i + 1}\n' for i in range(12))
    text += "step s12:\n    hangup\n"
    build = compile_flow(text)
    assert errors(build) == [(2 + 3 * i, 13, "FL001") for i in range(12)]


def test_errors_are_capped(compile_flow):
    text = "step start:\n" + '    say "x" lop 2\n' * (MAX_ERRORS + 10)
    build = compile_flow(text)
    assert codes(build) == ["FL001"] * MAX_ERRORS


def test_missing_colon_keeps_the_step_and_its_statements(compile_flow):
    build = compile_flow('step start\n    say "a" lop 2\n    hangup\nstep b:\n    hangpu\n')
    assert errors(build) == [(1, 11, "FL001"), (2, 13, "FL001"), (5, 5, "FL001")]
    # The statement's error still names its step, repaired from the broken header.
    assert build.diagnostics[1].notes[0].message == "in step `start`, opened here"


def test_misspelt_step_keyword_then_an_error_in_its_body(compile_flow):
    build = compile_flow('stpe start:\n    say "a"\n    hangpu\n')
    assert errors(build) == [(1, 1, "FL001"), (3, 5, "FL001")]


def test_misspelt_flow_keyword_before_settings(compile_flow):
    build = compile_flow("flwo main\n    context client\nstep start:\n    hangpu\n")
    assert errors(build) == [(1, 1, "FL001"), (4, 5, "FL001")]


def test_body_not_indented_then_a_later_error(compile_flow):
    build = compile_flow('step start:\nsay "Hello"\nhangup\nstep b:\n    sya "x"\n')
    assert errors(build) == [(2, 1, "FL001"), (5, 5, "FL001")]


def test_over_indented_block_header_is_one_error(compile_flow):
    # The gather line is indented too far: its block is no deeper than it,
    # and the step goes on at the usual level after it.
    build = compile_flow(
        'step start:\n        gather digits 1 -> next:\n        say "a"\n    say "b"\n    hangpu\nstep next:\n    hangup\n'
    )
    assert errors(build) == [(3, 9, "FL001"), (5, 5, "FL001")]


def test_over_indented_run_is_one_error(compile_flow):
    build = compile_flow('step start:\n    say "a"\n        say "b"\n        say "c"\n    hangpu\n')
    assert errors(build) == [(3, 1, "FL001"), (5, 5, "FL001")]


def test_dedent_to_no_level_is_one_error(compile_flow):
    build = compile_flow('step start:\n    say "a"\n  say "b"\n  say "c"\nstep b:\n    hangpu\n')
    assert errors(build) == [(3, 1, "FL003"), (6, 5, "FL001")]


def test_broken_gather_header_takes_its_block(compile_flow):
    build = compile_flow(
        'step start:\n    gather digts 1 -> next:\n        say "a" lop 2\n    hangup\nstep next:\n    hangpu\n'
    )
    # The block of a broken header is skipped with it: its own errors are not
    # searched, and nothing in it is reported twice.
    assert errors(build) == [(2, 12, "FL001"), (6, 5, "FL001")]


def test_error_inside_a_gather_block_names_the_block(compile_flow):
    build = compile_flow(
        'step start:\n    gather digits 1 -> next:\n        say "a" lop 2\n        sya "b"\nstep next:\n    hangup\n'
    )
    assert errors(build) == [(3, 17, "FL001"), (4, 9, "FL001")]
    assert {d.notes[0].message for d in build.diagnostics} == {"in the `gather` block, opened here"}


def test_unterminated_string_then_a_later_error(compile_flow):
    build = compile_flow('step start:\n    say "Hello\n    hangup\nstep b:\n    sya "x"\n')
    assert errors(build) == [(2, 9, "FL001"), (5, 5, "FL001")]


def test_empty_step_at_the_end_after_an_error(compile_flow):
    build = compile_flow('step start:\n    sya "x"\nstep b:\n')
    assert errors(build) == [(2, 5, "FL001"), (3, 8, "FL001")]


def test_branch_lines_recover_too(compile_flow):
    build = compile_flow(
        'step start:\n    gather digits 1 -> choice\nstep choice:\n    when digit "1" -> sales\n'
        '    when digits "2" sales\n    otherwis -> start\nstep sales:\n    hangup\n'
    )
    assert errors(build) == [(4, 10, "FL001"), (5, 21, "FL001"), (6, 5, "FL001")]
    assert [d.hint for d in build.diagnostics] == [
        "did you mean `digits`?",
        "write `-> sales` to go to the step `sales`",
        "did you mean `otherwise`?",
    ]


def test_a_glued_keyword_then_later_errors(compile_flow):
    build = compile_flow(
        "step start:\n    record max 20s status /s onn completed -> next\n"
        '    sya "x"\nstep next:\n    say "a" nobeep\n    hangup\n'
    )
    assert errors(build) == [(2, 30, "FL001"), (3, 5, "FL001"), (5, 13, "FL001")]
    assert [d.hint for d in build.diagnostics] == [
        "did you mean `on`?",
        "did you mean `say`?",
        None,
    ]


# ---- tabs mixed with spaces ----------------------------------------------------------


def test_a_tab_line_in_a_spaced_file_and_two_more_mistakes(compile_flow):
    build = compile_flow(
        'step start:\n    say "a"\n\tsay "b"\n    record mx 20s -> next\nstep next:\n    say "x" lop 2\n'
    )
    assert errors(build) == [(3, 1, "FL003"), (4, 12, "FL001"), (6, 13, "FL001")]
    assert (
        build.diagnostics[0].message == "indentation mixes tabs and spaces: a tab here, spaces since line 2"
    )
    assert [d.hint for d in build.diagnostics[1:]] == ["did you mean `max`?", "did you mean `loop`?"]


def test_a_tab_before_the_spaces_of_most_lines_is_the_one_reported(compile_flow):
    build = compile_flow('step start:\n\tsay "a"\n    say "b"\n    say "c"\n    sya "d"\n')
    assert errors(build) == [(2, 1, "FL003"), (5, 5, "FL001")]
    assert build.diagnostics[0].message == (
        "indentation mixes tabs and spaces: a tab here, spaces on most lines (from line 3)"
    )


def test_a_mistake_on_the_tab_line_itself_is_reported_at_its_column(compile_flow):
    build = compile_flow('step start:\n    say "a"\n\tsya "b"\n    hangpu\n')
    assert errors(build) == [(3, 1, "FL003"), (3, 2, "FL001"), (4, 5, "FL001")]
    assert build.diagnostics[1].message.startswith("unexpected `sya`")
    assert (build.diagnostics[1].span.end_line, build.diagnostics[1].span.end_col) == (3, 5)


def test_a_spaced_line_in_a_tabbed_gather_block_and_two_more_mistakes(compile_flow):
    build = compile_flow(
        'step start:\n\tgather digits 1 -> next:\n\t\tsay "x"\n        say "y"\n'
        '\tredirct -> next\nstep next:\n\tsya "x"\n'
    )
    assert errors(build) == [(4, 1, "FL003"), (5, 2, "FL001"), (7, 2, "FL001")]
    assert [d.hint for d in build.diagnostics[1:]] == ["did you mean `redirect`?", "did you mean `say`?"]


def test_a_tab_that_opens_a_block_is_read_as_deeper_than_its_header(compile_flow):
    # As one level (four spaces) the tab would leave the gather without its
    # block; as eight columns it is the block.
    build = compile_flow(
        'step start:\n    gather digits 1 -> next:\n\tsay "b"\n    sya "c"\nstep next:\n    hangpu\n'
    )
    assert errors(build) == [(3, 1, "FL003"), (4, 5, "FL001"), (6, 5, "FL001")]


def test_a_line_indented_the_other_way_is_not_checked(compile_flow):
    # As spaces, the tabbed `say` would come after `hangup` and never be
    # reached; its level is a guess, so nothing is said about it.
    build = compile_flow('step start:\n    hangup\n\tsay "b"\n    sya "c"\n')
    assert errors(build) == [(3, 1, "FL003"), (4, 5, "FL001")]


def test_no_reading_of_the_tab_fits_then_only_the_mix_is_reported(compile_flow):
    # The tab is no deeper than the gather at any width, and without the
    # line the gather has no block: going on would only report that.
    build = compile_flow('step start:\n        gather digits 1 -> /x:\n\tsay "b"\n    sya "c"\n')
    assert errors(build) == [(3, 1, "FL003")]


def test_too_deep_blocks_and_a_later_mistake(compile_flow):
    lines = ["step start:"]
    lines += ["    " * level + "gather -> /x:" for level in range(1, 17)]
    lines += ["    " * 17 + 'say "deep"', '    sya "x"', "step next:", '    say "x" lop 2', ""]
    build = compile_flow("\n".join(lines))
    syntax = [e for e in errors(build) if e[2] != "FL401"]
    assert syntax == [(18, 69, "FL004"), (19, 5, "FL001"), (21, 13, "FL001")]


# ---- which checks run on a partial flow ---------------------------------------------


def test_whole_flow_checks_do_not_run_on_a_partial_flow(compile_flow):
    # `lost` is unreachable and `-> nowhere` names no step, but the file has a
    # syntax error: only the syntax error and the local FL202 are reported.
    build = compile_flow(
        'step start:\n    record max 20s\n    say "x" lop 2\n    redirect -> nowhere\nstep lost:\n    hangup\n'
    )
    assert codes(build) == ["FL202", "FL001"]


def test_reference_to_a_step_whose_header_is_broken_is_not_reported(compile_flow):
    build = compile_flow("step start:\n    redirect -> sales\nstep sales\n    hangup\n")
    assert codes(build) == ["FL001"]


def test_other_flows_do_not_check_references_into_a_partial_flow(compile_flow):
    build = compile_flow(
        "step start:\n    redirect -> billing.pay\n",
        billing="step start:\n    sya 'x'\nstep pay:\n    hangup\n",
    )
    assert codes(build) == []


def test_nothing_is_reported_on_a_line_that_did_not_parse(compile_flow):
    # The broken line after `hangup` stands in the partial flow as a neutral
    # statement; "never reached" about it would be noise.
    build = compile_flow('step start:\n    hangup\n    sya "x"\n')
    assert codes(build) == ["FL001"]


def test_local_checks_still_report_on_lines_that_parsed(compile_flow):
    build = compile_flow('step start:\n    hangup\n    say "after"\n    sya "x"\n')
    assert errors(build) == [(3, 5, "FL201"), (4, 5, "FL001")]


def test_a_file_with_errors_builds_nothing(compile_flow):
    build = compile_flow('step start:\n    sya "x"\n    hangup\n')
    assert build.flows == ()
    assert not build.ok


@pytest.mark.parametrize(
    "text",
    [
        'step start:\n    sya "x"\n' * 3,
        "step:\n    hangup\nstep:\n    hangup\n",
        'step a:\n    gather -> b:\nstep b:\n    gather:\n        say "x" lop\n',
        "\tstep a:\n  hangup\n",
        'say "x" lop 2\nsay "y" lop 3\nhangup\n',
        # A block header right after a recovered line, its block dedented:
        # the error moves to the header, the recovery must not loop on it.
        'step start:\n    -dial "+1" timeut 20s\n    gather digits 1 -> m:\n  \\      say "x"\n'
        "    redirect -> m\nstep m:\n    hangup\n",
    ],
)
def test_every_error_lies_inside_the_file_and_is_reported_once(compile_flow, text):
    build = compile_flow(text)
    lines = text.split("\n")
    assert 0 < len(build.diagnostics) <= 6
    seen = set()
    for d in build.diagnostics:
        assert 1 <= d.span.line <= len(lines)
        assert 1 <= d.span.col <= len(lines[d.span.line - 1]) + 1
        assert (d.span.line, d.span.col, d.message) not in seen
        seen.add((d.span.line, d.span.col, d.message))


# ---- one mistake in a real flow is one error ----------------------------------------

FLOWS = sorted((Path(__file__).parent.parent / "flows").rglob("*.flow"))


def mutants(line: str):
    """Single-line mistakes people make: a swapped letter in the first word, a
    lost `:`, a lost `->`, a lost closing quote, a stray character, a line
    dedented by two spaces or indented by four."""
    text = line.lstrip()
    indent = line[: len(line) - len(text)]
    if not text or text.startswith("#"):
        return
    word = text.split()[0]
    if len(word) > 2:
        yield "swap", indent + word[1] + word[0] + word[2:] + text[len(word) :]
    if text.rstrip().endswith(":"):
        yield "no colon", line.rstrip()[:-1]
    if "-> " in text:
        yield "no arrow", line.replace("-> ", "", 1)
    if '"' in text:
        cut = line.rindex('"')
        yield "no closing quote", line[:cut] + line[cut + 1 :]
    yield "stray character", line + " $"
    if indent:
        yield "dedented", line[2:]
    yield "indented", "    " + line


def test_one_mistake_in_an_example_flow_is_one_syntax_error(tmp_path):
    assert FLOWS
    checked = 0
    for flow in FLOWS:
        lines = flow.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            for kind, mutant in mutants(line):
                path = tmp_path / flow.name
                path.write_text("\n".join([*lines[:i], mutant, *lines[i + 1 :]]), encoding="utf-8")
                build = load([str(path)], neighbours=False)
                syntax = [d for d in build.diagnostics if d.code in ("FL001", "FL003")]
                assert len(syntax) <= 1, (flow.name, i + 1, kind, mutant, build.diagnostics)
                checked += 1
    assert checked > 100


def test_one_tab_indented_line_in_an_example_flow_is_one_indentation_error(tmp_path):
    checked = 0
    for flow in FLOWS:
        lines = flow.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            text = line.lstrip(" ")
            if text == line or not text.strip() or text.startswith("#"):
                continue
            for tabs in ("\t", "\t" * ((len(line) - len(text)) // 4)):
                path = tmp_path / flow.name
                path.write_text("\n".join([*lines[:i], tabs + text, *lines[i + 1 :]]), encoding="utf-8")
                build = load([str(path)], neighbours=False)
                assert [(d.span.line, d.code) for d in build.diagnostics] == [(i + 1, "FL003")], (
                    flow.name,
                    i + 1,
                    build.diagnostics,
                )
                checked += 1
    assert checked > 50


# ---- long files are searched piece by piece ------------------------------------------


def long_flow(steps: int, broken: dict[int, str]) -> str:
    """`steps` steps of three lines; the record line of step i is broken[i] when given."""
    out = []
    for i in range(steps):
        out += [f"step s{i}:", '    say "hello"', broken.get(i, f"    record max 20s -> s{i + 1}")]
    out += [f"step s{steps}:", "    hangup", ""]
    return "\n".join(out)


def test_errors_in_many_pieces_of_a_long_file(compile_flow):
    assert PIECE_LINES < 3 * 300
    broken = {i: f'    record max 20s finsh "#" -> s{i + 1}' for i in (0, 99, 100, 250, 299)}
    build = compile_flow(long_flow(300, broken))
    assert errors(build) == [(3 * i + 3, 20, "FL001") for i in sorted(broken)]
    assert {d.hint for d in build.diagnostics} == {"did you mean `finish`?"}


def test_an_empty_step_at_the_end_of_a_piece_is_found_by_the_whole_parse(compile_flow):
    # Step s66 loses its body; parsed alone, its piece would just end there.
    text = long_flow(300, {})
    lines = text.split("\n")
    for n in range(len(lines)):
        if lines[n] == "step s67:":
            cut = n
            break
    text = "\n".join([*lines[: cut - 2], *lines[cut:]])
    build = compile_flow(text.replace("    record max 20s -> s200", "    record max 20s finsh -> s200"))
    assert [(d.code, d.message) for d in build.diagnostics] == [
        ("FL001", "unexpected `step`, expected an indented block"),
        (
            "FL001",
            "unexpected `finsh`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        ),
    ]
    assert build.diagnostics[0].span.line == cut - 1


def test_a_mistake_only_the_whole_file_shows_is_reported(compile_flow):
    # Bare statements before steps: each piece parses alone, the file does not.
    text = 'say "hi"\n' + long_flow(300, {150: "    record max 20s lop -> s151"})
    build = compile_flow(text)
    assert [d.span.line for d in build.diagnostics] == [2, 1 + 3 * 150 + 3]
    assert build.diagnostics[0].message == (
        "unexpected `step`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, "
        "leave, echo, enqueue, start, stop, connect, pay, refer, sms), "
        "a branch (`when`, `otherwise`) or the end of the file"
    )
    assert build.diagnostics[1].message.startswith("unexpected `lop`")


def test_check_prints_the_three_errors_in_text(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from flowc.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "voicemail.flow").write_text(
        "flow voicemail\n\nstep start\n"
        '    say "Please leave a message after the beep."\n'
        '    record voicemail mx 20s finish "#" -> handle\n\n'
        'step handle:\n    say "Thank you, goodbye." lop 2\n    hangup\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "--color", "never", "voicemail.flow"])
    assert result.exit_code == 1
    heads = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert heads == [
        "voicemail.flow:3:11: error[FL001]: unexpected end of line, expected `:`",
        "voicemail.flow:5:22: error[FL001]: unexpected `mx`, expected an option of `record` "
        "(`beep`, `finish`, `max`, …), `->` or the end of the line",
        "voicemail.flow:8:31: error[FL001]: unexpected `lop`, expected `language`, `loop`, `voice` "
        "or the end of the line",
    ]
    assert "  help: write `step start:`" in result.stderr
    assert "  help: did you mean `max`?" in result.stderr
    assert "  help: did you mean `loop`?" in result.stderr
    assert result.stderr.rstrip().endswith("1 file checked: 3 errors")
