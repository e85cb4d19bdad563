"""`flowc fmt`: the canonical layout, its golden cases, the command line, and
a property test over generated flows.

Golden cases: every fmt/NAME.flow is formatted and compared with
fmt/NAME.formatted (rewrite them with --update-golden). The property test
takes the valid flows of test_fuzz, spreads odd spacing over them, and checks
that the formatted text compiles to byte-identical TwiML and that formatting
it again changes nothing.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz import FUZZ, comments, valid_flows

from flowc.backends.twiml import render_step
from flowc.cli import cli
from flowc.formatter import format_text
from flowc.project import load
from flowc.source import decode
from flowc.syntax.indentation import code_of

FMT = Path(__file__).parent / "fmt"
CASES = sorted(p.stem for p in FMT.glob("*.flow"))
FORMAT_EXAMPLES = 1000  # generated flows for the property test
FORMAT_BRANCH_EXAMPLES = 250  # generated flows with branch steps


@pytest.mark.parametrize("name", CASES)
def test_golden_layout(name, update_golden):
    source = (FMT / f"{name}.flow").read_text(encoding="utf-8")
    text, problems = format_text(source, f"{name}.flow")
    assert problems == []
    expected_path = FMT / f"{name}.formatted"
    if update_golden:
        expected_path.write_text(text, encoding="utf-8")
        return
    assert expected_path.exists(), f"{expected_path.name} is missing; actual:\n{text}"
    assert text == expected_path.read_text(encoding="utf-8")
    again, _ = format_text(text, f"{name}.flow")
    assert again == text, "the canonical form is not a fixed point"


def test_every_golden_case_is_not_already_canonical_or_is_an_example():
    # Each case exercises something: its input differs from its output,
    # unless it is one of the example flows kept as is.
    for name in CASES:
        source = (FMT / f"{name}.flow").read_text(encoding="utf-8")
        expected = (FMT / f"{name}.formatted").read_text(encoding="utf-8")
        assert source != expected or name.startswith("canonical_"), name


def test_example_flows_are_canonical():
    flows = Path(__file__).parent.parent / "flows"
    found = sorted(flows.rglob("*.flow"))
    assert found
    for path in found:
        source = path.read_text(encoding="utf-8")
        assert format_text(source, str(path))[0] == source, path.name


# ---- single behaviours ------------------------------------------------------------------


def fmt(text: str) -> str:
    out, problems = format_text(text, "main.flow")
    assert problems == [], problems
    return out


def test_options_are_sorted_into_attribute_order():
    assert (
        fmt('say "Hi" loop 2 language fr-FR voice alice\n') == 'say "Hi" voice alice language fr-FR loop 2\n'
    )
    assert (
        fmt('gather language en-GB hints "a" input speech digits 1 -> /c\n')
        == 'gather digits 1 input speech hints "a" language en-GB -> /c\n'
    )
    assert (
        fmt('dial "+15550100" caller-id "+15550111" time-limit 1h timeout 10s\n')
        == 'dial "+15550100" timeout 10s time-limit 1h caller-id "+15550111"\n'
    )


def test_quotes_are_dropped_only_where_they_are_not_needed():
    assert (
        fmt('say "x" voice "Polly.Joanna" language "en-US"\n')
        == 'say "x" voice Polly.Joanna language en-US\n'
    )
    assert fmt('say "x" voice "Polly Joanna"\n') == 'say "x" voice "Polly Joanna"\n'
    assert fmt('redirect -> "https://example.com/a?b=1"\n') == "redirect -> https://example.com/a?b=1\n"
    assert fmt('redirect -> "/next"\n') == "redirect -> /next\n"
    # relative URLs, URLs with spaces or escapes, keep their quotes
    assert fmt('redirect -> "next.php"\n') == 'redirect -> "next.php"\n'
    assert fmt('play "/a b.mp3"\n') == 'play "/a b.mp3"\n'
    assert fmt('play "/a\\u0041.mp3"\n') == 'play "/a\\u0041.mp3"\n'


def test_values_keep_their_spelling():
    assert fmt("pause   1m30s\n") == "pause 1m30s\n"
    assert fmt('say "caf\\u00e9\\t\\"x\\""\n') == 'say "caf\\u00e9\\t\\"x\\""\n'
    assert fmt("record timeout off -> /a\n") == "record timeout off -> /a\n"
    assert fmt("record timeout 0s -> /a\n") == "record timeout 0s -> /a\n"
    assert fmt('say "x" loop 007\n') == 'say "x" loop 7\n'


def test_indentation_spacing_and_line_ends():
    source = (
        'step a:\r\n\t\tgather   digits 1->b :\r\n\t\t\tsay "x"\t# c\r\n\r\n\r\n\r\nstep b:\r\n\t\thangup'
    )
    assert fmt(source) == 'step a:\n    gather digits 1 -> b:\n        say "x"  # c\n\nstep b:\n    hangup\n'


def test_one_blank_line_before_each_step_and_its_comments():
    source = "flow x\n# first\nstep a:\n\n    redirect -> b\n    # end of a\n# about b\n\nstep b:\n    hangup\n\n\n"
    assert fmt(source) == (
        "flow x\n\n# first\nstep a:\n    redirect -> b\n    # end of a\n\n# about b\n\nstep b:\n    hangup\n"
    )


def test_settings_in_canonical_order_with_their_comments():
    source = "flow x\n  base-url https://e.com\n  # client only\n  context client\n  max-call-duration 1h\nhangup\n"
    assert fmt(source) == (
        "flow x\n    max-call-duration 1h\n    # client only\n    context client\n    base-url https://e.com\nhangup\n"
    )


def test_a_file_with_only_comments_and_a_header():
    assert fmt("# nothing yet\nflow   x   # later\n") == "# nothing yet\nflow x  # later\n"


def test_syntax_errors_are_returned_not_formatted():
    text, problems = format_text("step a:\n    recrod x\n", "main.flow")
    assert text is None
    assert [d.code for d in problems] == ["FL001"]
    text, problems = format_text('say "x" loop 1 loop 2\n', "main.flow")
    assert text is None and [d.code for d in problems] == ["FL007"]


# ---- the command line --------------------------------------------------------------------

MESSY = 'step  start :\n  say   "Hello"  loop 2 voice alice\n  hangup\n'
CLEAN = 'step start:\n    say "Hello" voice alice loop 2\n    hangup\n'


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "messy.flow").write_text(MESSY, encoding="utf-8")
    (tmp_path / "clean.flow").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def test_cli_rewrites_files_and_keeps_the_others(tree):
    os.chmod(tree / "messy.flow", 0o600)
    before = (tree / "clean.flow").stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["fmt", str(tree)])
    assert result.exit_code == 0, result.output
    assert (tree / "messy.flow").read_text(encoding="utf-8") == CLEAN
    assert (tree / "messy.flow").stat().st_mode & 0o777 == 0o600
    assert (tree / "clean.flow").stat().st_mtime_ns == before
    assert f"reformatted {tree / 'messy.flow'}" in result.stderr
    assert "1 file reformatted, 1 file left unchanged" in result.stderr
    assert [p.name for p in tree.iterdir() if p.name.startswith(".flowc-")] == []


def test_cli_check_lists_files_and_writes_nothing(tree):
    result = CliRunner().invoke(cli, ["fmt", "--check", str(tree)])
    assert result.exit_code == 1
    assert f"would reformat {tree / 'messy.flow'}" in result.stderr
    assert "clean.flow" not in result.stderr
    assert (tree / "messy.flow").read_text(encoding="utf-8") == MESSY
    result = CliRunner().invoke(cli, ["fmt", "--check", str(tree / "clean.flow")])
    assert result.exit_code == 0
    assert "0 files would be reformatted, 1 file left unchanged" in result.stderr


def test_cli_diff_prints_the_change(tree):
    result = CliRunner().invoke(cli, ["fmt", "--diff", str(tree / "messy.flow")])
    assert result.exit_code == 1
    assert '\n-  say   "Hello"  loop 2 voice alice\n' in result.stdout
    assert '\n+    say "Hello" voice alice loop 2\n' in result.stdout
    assert (tree / "messy.flow").read_text(encoding="utf-8") == MESSY


def test_cli_leaves_files_with_syntax_errors_untouched(tree):
    broken = 'step start:\n    say "unclosed\n'
    (tree / "broken.flow").write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", str(tree)])
    assert result.exit_code == 1
    assert "broken.flow:2:9: error[FL001]: unterminated string" in result.stderr
    assert "broken.flow: not formatted" in result.stderr
    assert (tree / "broken.flow").read_text(encoding="utf-8") == broken
    assert (tree / "messy.flow").read_text(encoding="utf-8") == CLEAN  # the others are still formatted


def test_cli_stdin():
    result = CliRunner().invoke(cli, ["fmt", "-"], input=MESSY)
    assert result.exit_code == 0
    assert result.stdout == CLEAN
    result = CliRunner().invoke(cli, ["fmt", "--check", "-"], input=MESSY)
    assert result.exit_code == 1


# ---- property: meaning kept, fixed point --------------------------------------------------

_PIECE = re.compile(r'"(?:[^"\\]|\\.)*"|#.*|\s+|[^\s"#]+|.')


def spread(data: bytes, seed: int) -> bytes:
    """Widen the spaces between the words of each line with random runs of
    spaces and tabs (strings and comments untouched, indentation kept)."""
    rng = random.Random(seed)
    text = decode(data)
    bom = data.startswith(b"\xef\xbb\xbf")
    out = []
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        pieces = _PIECE.findall(body)
        for i, piece in enumerate(pieces):
            if piece.isspace() and i + 1 < len(pieces) and not pieces[i + 1].startswith("\r"):
                pieces[i] = "".join(rng.choice(" \t") for _ in range(rng.randint(1, 4)))
        out.append(line[: len(line) - len(body)] + "".join(pieces))
    return (b"\xef\xbb\xbf" if bom else b"") + "\n".join(out).encode("utf-8")


KEY = st.sampled_from("0123456789*")


@st.composite
def branch_flows(draw) -> bytes:
    """A menu whose key picks the next step: a gather, a branch step of
    `when`/`otherwise` lines, and the steps they lead to, with comments."""
    indent = draw(st.sampled_from(["    ", "  ", "\t"]))
    flow = draw(st.sampled_from(["support", "menu", "fuzz"]))
    header = flow != "fuzz" or draw(st.booleans())
    keys = draw(st.lists(KEY, min_size=1, max_size=4, unique=True))
    targets = [f"to_{i}" for i in range(len(keys))]
    lines = [f"flow {flow}", ""] if header else []
    lines += ["step start:", f"{indent}gather digits 1 -> choice:", f'{indent * 2}say "Press a key"']
    lines += [f"{indent}redirect -> start", "", "step choice:"]
    for key, target in zip(keys, targets, strict=True):
        where = target if draw(st.booleans()) else f"{flow}.{target}"
        comment = draw(st.one_of(st.just(""), comments.map(lambda c: "  " + c)))
        lines.append(f'{indent}when digits "{key}" -> {where}{comment}')
    if draw(st.booleans()):
        lines.append(f"{indent}otherwise -> {targets[0]}")
    for target in targets:
        if draw(st.booleans()):
            lines.append(draw(comments))
        lines += [f"step {target}:", f'{indent}say "{target}"', f"{indent}hangup"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _compiled(path: str) -> dict[str, object]:
    """Every step's TwiML; a branch step (served by a server, not a file) as
    its list of (input, keys, target)."""
    build = load([path])
    assert build.ok, [f"{d.code} {d.message}" for d in build.diagnostics]
    out: dict[str, object] = {}
    for flow in build.flows:
        for step in flow.steps:
            if step.is_branch:
                out[f"{flow.name}/{step.name}"] = [
                    (
                        getattr(v, "input", None),
                        getattr(getattr(v, "value", None), "value", None),
                        v.target.text,
                    )
                    for v in step.verbs
                ]
            else:
                out[f"{flow.name}/{step.name}.xml"] = render_step(flow, step)
    return out


def check_formatting(base: Path, data: bytes, seed: int) -> None:
    """The formatted text compiles to the same documents, and is a fixed point."""
    data = spread(data, seed)
    original = base / "fmt_original" / "fuzz.flow"
    formatted = base / "fmt_formatted" / "fuzz.flow"
    for path in (original, formatted):
        path.parent.mkdir(exist_ok=True)
    original.write_bytes(data)
    text, problems = format_text(decode(data), str(original))
    assert problems == [], data
    formatted.write_text(text, encoding="utf-8")
    assert _compiled(str(formatted)) == _compiled(str(original))
    assert format_text(text, str(formatted))[0] == text


@settings(FUZZ, max_examples=FORMAT_EXAMPLES)
@given(data=valid_flows(), seed=st.integers(0, 1 << 30))
def test_formatting_keeps_the_twiml_and_is_idempotent(tmp_path_factory, data, seed):
    check_formatting(tmp_path_factory.getbasetemp(), data, seed)


@settings(FUZZ, max_examples=FORMAT_BRANCH_EXAMPLES)
@given(data=branch_flows(), seed=st.integers(0, 1 << 30))
def test_formatting_keeps_branch_steps_and_is_idempotent(tmp_path_factory, data, seed):
    check_formatting(tmp_path_factory.getbasetemp(), data, seed)


def test_the_documented_example():
    doc = (Path(__file__).parent.parent / "docs" / "editors.md").read_text(encoding="utf-8")
    before = re.search(r"Before:\n\n```\n(.*?)```", doc, re.S).group(1)
    after = re.search(r"After `flowc fmt`:\n\n```\n(.*?)```", doc, re.S).group(1)
    assert "\t" in before
    assert fmt(before) == after


def test_cli_a_formatter_bug_leaves_the_file_alone(tree, monkeypatch):
    import flowc.formatter

    def broken(source):
        raise flowc.formatter.FormatterBug(f"{source.path}: the formatted text means something else")

    monkeypatch.setattr(flowc.formatter, "format_source", broken)
    result = CliRunner().invoke(cli, ["fmt", str(tree / "messy.flow")])
    assert result.exit_code == 2
    assert "internal error" in result.stderr and "left untouched" in result.stderr
    assert (tree / "messy.flow").read_text(encoding="utf-8") == MESSY


def test_cli_drops_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.flow"
    path.write_bytes(b"\xef\xbb\xbf" + CLEAN.encode("utf-8"))
    assert CliRunner().invoke(cli, ["fmt", "--check", str(path)]).exit_code == 1
    assert CliRunner().invoke(cli, ["fmt", str(path)]).exit_code == 0
    assert path.read_bytes() == CLEAN.encode("utf-8")


def test_diff_marks_a_last_line_without_a_newline(tmp_path):
    path = tmp_path / "main.flow"
    path.write_text("pause  2s\nhangup", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--diff", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "-hangup" in lines and "+hangup" in lines
    assert lines[lines.index("-hangup") + 1] == "\\ No newline at end of file"
    assert path.read_text(encoding="utf-8") == "pause  2s\nhangup"


def test_format_file_reports_each_outcome_without_writing(tmp_path):
    from flowc.formatter import Outcome, format_file
    from flowc.project import read

    good, messy, broken = tmp_path / "good.flow", tmp_path / "messy.flow", tmp_path / "broken.flow"
    good.write_text("hangup\n", encoding="utf-8")
    messy.write_text("pause   2s\n", encoding="utf-8")
    broken.write_text("hangpu\n", encoding="utf-8")
    results = {p.name: format_file(str(p), read) for p in (good, messy, broken)}
    assert results["good.flow"].outcome is Outcome.UNCHANGED
    assert results["messy.flow"].outcome is Outcome.CHANGED and results["messy.flow"].text == "pause 2s\n"
    assert results["broken.flow"].outcome is Outcome.BROKEN
    assert [d.code for d in results["broken.flow"].problems] == ["FL001"]
    assert messy.read_text(encoding="utf-8") == "pause   2s\n"


def test_a_comment_at_the_end_of_a_gather_block_stays_in_the_block():
    text = (
        'step start:\n    gather digits 1 -> next:\n        say "Press 1"\n        # end of the prompt\n'
        '    say "Nothing pressed"\n    # end of start\n\nstep next:\n    hangup\n'
    )
    formatted, problems = format_text(text, "main.flow")
    assert problems == []
    assert formatted == text
    # At step level, after the block, it stays at step level.
    moved = text.replace("        # end of the prompt", "    # after the prompt")
    assert format_text(moved, "main.flow")[0] == moved


@st.composite
def commented_flows(draw) -> tuple[bytes, int]:
    """A valid flow with a comment after one of its lines, at that line's
    indentation, and perhaps no final newline: (data, the comment's line)."""
    data = draw(valid_flows())
    lines = decode(data).rstrip("\n").split("\n")
    code = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    after = draw(st.sampled_from(code))
    line = lines[after]
    if code_of(line).endswith(":"):  # a `#` inside a string is not a comment
        after = code[-1]
        line = lines[after]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    lines.insert(after + 1, f"{indent}# placed here")
    text = "\n".join(lines) + ("\n" if draw(st.booleans()) else "")
    return text.encode("utf-8"), after + 1


@settings(FUZZ, max_examples=FORMAT_EXAMPLES)
@given(case=commented_flows())
def test_a_comment_keeps_the_level_of_the_line_above_it(tmp_path_factory, case):
    data, _ = case
    check_formatting(tmp_path_factory.getbasetemp(), data, 0)
    text, _ = format_text(decode(data), "fuzz.flow")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "# placed here")
    above = next(line for line in reversed(lines[:at]) if line.strip())
    if not above.lstrip().startswith(("flow", "max-call-duration", "context", "base-url")):
        width = len(above) - len(above.lstrip(" "))
        if code_of(above).endswith(":"):
            return  # after a header: the first line of its block
        assert len(lines[at]) - len(lines[at].lstrip(" ")) == width, text


@pytest.mark.parametrize(
    ("name", "written"),
    [("statuss", '"statuss"'), ("maxQueueSize", '"maxQueueSize"'), ("standup", "standup"), ("room-1", "room-1")],
)
def test_a_quoted_name_keeps_its_quotes_only_where_bare_it_reads_as_an_option(compile_flow, name, written):
    """Quotes are how a name that looks like an option (FL060) says it is a name: fmt keeps them there."""
    source = f'step start:\n    dial:\n        conference "{name}"\n'
    out, problems = format_text(source, "main.flow")
    assert not problems
    assert out == f"step start:\n    dial:\n        conference {written}\n"
    assert [d.code for d in compile_flow(out).diagnostics if d.code == "FL060"] == []
