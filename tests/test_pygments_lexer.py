"""The Pygments lexer for .flow files, found through the installed plugin entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from flowc.pygments_lexer import FlowLexer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted([*ROOT.glob("flows/*.flow"), *ROOT.glob("tests/golden/*.flow")])


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in FlowLexer().get_tokens(text) if v.strip()]


def test_pygments_finds_the_lexer_by_name_and_by_file_name():
    assert type(get_lexer_by_name("flow")).__name__ == "FlowLexer"
    assert type(get_lexer_by_name("flowc")).__name__ == "FlowLexer"
    assert find_lexer_class_for_filename("voicemail.flow").__name__ == "FlowLexer"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_tokens_give_back_the_text_and_no_errors_on_real_flows(path):
    text = path.read_text(encoding="utf-8")
    toks = list(FlowLexer().get_tokens(text))
    assert "".join(v for _, v in toks) == text
    assert not [v for t, v in toks if t in Error]


def test_keywords_only_where_a_keyword_can_stand():
    toks = tokens("step record:\n    record say max 20s -> say\n")
    assert toks[:3] == [(Keyword.Declaration, "step"), (Name.Function, "record"), (toks[2][0], ":")]
    assert (Keyword, "record") in toks
    assert (Keyword.Pseudo, "max") in toks
    assert (Number, "20s") in toks
    assert toks[-2:] == [(Operator, "->"), (Name.Label, "say")]


def test_methods_targets_urls_and_comments():
    toks = tokens("    gather digits 1 -> GET billing.start   # a comment\n    redirect -> /menu#top\n")
    assert (Keyword.Type, "GET") in toks
    assert (Name.Label, "billing.start") in toks
    assert (Comment.Single, "# a comment") in toks
    assert (String.Other, "/menu#top") in toks  # a `#` inside a URL is not a comment
    toks = tokens("    record status POST https://x.example/cb on completed\n")
    assert (Keyword.Type, "POST") in toks and (String.Other, "https://x.example/cb") in toks


def test_string_escapes_and_bad_ones():
    toks = tokens(r'say "a \"b\" \u00e9 \q"' + "\n")
    assert (String.Escape, r"\"") in toks
    assert (String.Escape, r"\u00e9") in toks
    assert (Error, r"\q") in toks


def test_an_unterminated_string_stops_at_the_end_of_its_line():
    toks = tokens('say "Hello\nhangup\n')
    assert (Keyword, "hangup") in toks


def test_ssml_words_and_measures():
    source = 'say:\n    break 500ms\n    prosody rate 90% pitch -10% volume +6dB "x"\n'
    tokens = list(FlowLexer().get_tokens(source))
    assert (Keyword, "break") in tokens and (Keyword, "prosody") in tokens
    assert (Keyword.Pseudo, "rate") in tokens
    for measure in ("500ms", "90%", "-10%", "+6dB"):
        assert (Number, measure) in tokens, measure
    assert not any(t is Error for t, _ in tokens)
