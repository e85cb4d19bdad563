"""The line model: a line ends at `\\n` (with an optional `\\r` before it) and
nowhere else, for the lexer, the diagnostics, the formatter, the site and the
language server alike."""

from __future__ import annotations

import pytest

from flowc.formatter import format_text
from flowc.project import load
from flowc.render import format_text as render
from flowc.source import SourceFile, split_lines, split_lines_keepends

# Characters that str.splitlines() breaks at but the lexer does not.
NOT_LINE_BREAKS = ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("char", NOT_LINE_BREAKS)
def test_only_newline_ends_a_line(char):
    source = SourceFile("f.flow", f"a{char}b\nc\r\nd")
    assert source.lines == (f"a{char}b", "c", "d")
    assert source.line_text(2) == "c"
    assert source.line_text(3) == "d"
    assert source.line_text(4) == ""
    assert source.line_text(0) == ""


def test_a_lone_carriage_return_stays_in_its_line():
    source = SourceFile("f.flow", 'say "a"\rhangup\r\r\nx')
    assert source.lines == ('say "a"\rhangup\r', "x")


def test_mixed_endings_and_a_final_newline():
    source = SourceFile("f.flow", "a\r\nb\nc\r\n")
    assert source.lines == ("a", "b", "c", "")
    assert source.line_count == 3
    assert SourceFile("f.flow", "a\nb").line_count == 2
    assert SourceFile("f.flow", "").line_count == 1


def test_keepends_splits_the_same_way():
    text = "a\r\nb\u2028c\nd"
    assert split_lines_keepends(text) == ["a\r\n", "b\u2028c\n", "d"]
    assert "".join(split_lines_keepends(text)) == text
    assert split_lines_keepends("") == []
    assert [line.removesuffix("\n").removesuffix("\r") for line in split_lines_keepends(text)] == split_lines(
        text
    )


def test_offsets_and_positions_round_trip():
    text = "flow a\r\nstep s:\n    hangup\u2028x\n"
    source = SourceFile("f.flow", text)
    for offset in range(len(text) + 1):
        line, col = source.position(offset)
        assert source.offset(line, col) == offset
    assert source.position(text.index("hangup")) == (3, 5)
    assert source.offset(3, 5) == text.index("hangup")


def test_a_diagnostic_after_u2028_shows_its_own_line(tmp_path):
    path = tmp_path / "main.flow"
    path.write_text(
        'step a:\n    say "x" # a comment with a \u2028 in it\n    record max 20s max 20s -> a\n',
        encoding="utf-8",
    )
    build = load([str(path)])
    [twice] = [d for d in build.diagnostics if d.code == "FL007"]
    assert twice.message == "the option `max` is written twice"
    assert (twice.span.line, twice.span.col) == (3, 20)
    shown = render(twice, build.sources())
    assert " 3 |     record max 20s max 20s -> a" in shown


@pytest.mark.parametrize("char", NOT_LINE_BREAKS)
def test_a_diagnostic_after_any_such_character_shows_its_own_line(tmp_path, char):
    path = tmp_path / "main.flow"
    path.write_text(f'step a:\n    say "x" # {char}\n    record max 20s max 20s -> a\n', encoding="utf-8")
    build = load([str(path)])
    [twice] = [d for d in build.diagnostics if d.code == "FL007"]
    assert "record max 20s max 20s" in render(twice, build.sources())


@pytest.mark.parametrize("text", ["hangup\r\r", "hangup\x0c", "hangup\n\x0c\n"])
def test_check_and_fmt_agree_on_what_ends_a_file(tmp_path, text):
    """A stray carriage return or form feed at the end of a file is the same
    error as anywhere else, for check and for fmt alike."""
    path = tmp_path / "main.flow"
    path.write_bytes(text.encode("utf-8"))
    build = load([str(path)])
    [error] = build.diagnostics
    line = 2 if text.startswith("hangup\n") else 1
    assert error.code == "FL001" and (error.span.line, error.span.col) == (line, 1 if line == 2 else 7)
    formatted, problems = format_text(text, str(path))
    assert formatted is None and problems == [error]


@pytest.mark.parametrize(
    "text", ["hangup\n\n  \n", "hangup\r\n\r\n", "hangup \t", "hangup\r", "hangup \r\n\r"]
)
def test_blank_ends_are_not_errors(tmp_path, text):
    """Blank lines and spaces at the end, and a last line ending cut after its
    carriage return, are nothing to check or format."""
    path = tmp_path / "main.flow"
    path.write_bytes(text.encode("utf-8"))
    assert load([str(path)]).diagnostics == ()
    assert format_text(text, str(path)) == ("hangup\n", [])


def test_a_file_with_old_mac_line_endings_is_one_clear_error(tmp_path):
    path = tmp_path / "main.flow"
    path.write_bytes(b'say "hi"\rhangup\r')
    [error] = load([str(path)]).diagnostics
    assert error.message.startswith("a carriage return that does not end a line")
    assert (error.span.line, error.span.col) == (1, 9)


def test_a_200_kb_line(tmp_path):
    long = 'say "' + "x" * 200_000 + '"'
    path = tmp_path / "main.flow"
    path.write_text(f"step a:\n    {long}\n    hangup\n", encoding="utf-8")
    source = SourceFile(str(path), path.read_text(encoding="utf-8"))
    assert len(source.line_text(2)) == len(long) + 4
    assert source.line_text(3) == "    hangup"
    build = load([str(path)])
    assert not build.diagnostics


def test_many_repeated_options_on_one_long_line_are_each_reported_once(tmp_path):
    path = tmp_path / "main.flow"
    path.write_text("step a:\n    record" + " max 20s" * 2000 + " -> a\n", encoding="utf-8")
    build = load([str(path)])
    twice = [d for d in build.diagnostics if d.code == "FL007"]
    assert len(twice) == 1999
    assert {d.message for d in twice} == {"the option `max` is written twice"}
    assert twice[-1].span.col == len("    record") + 1 + 8 * 1999 + 1


def test_parses_in_threads_share_no_state():
    """Each parse has its own transformer: parses running at the same time
    give what they give one at a time (and their diagnostics stay apart)."""
    from concurrent.futures import ThreadPoolExecutor

    from flowc.syntax import parse

    texts = [
        f'flow f{i}\n\nstep s{i}:\n    say "{i}" loop {i} loop {i}\n    record max {i + 2}s -> s{i}\n'
        for i in range(40)
    ]
    sources = [SourceFile(f"f{i}.flow", t) for i, t in enumerate(texts)]
    alone = [parse(s) for s in sources]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(parse, sources * 3))
    assert together == alone * 3
    for (flow, found), source in zip(alone, sources, strict=True):
        assert flow is not None and flow.name == source.stem
        assert [(d.code, d.span.file) for d in found] == [("FL007", source.path)]
