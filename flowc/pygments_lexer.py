"""A Pygments lexer for ``.flow`` files.

Registered as a Pygments plugin (the ``pygments.lexers`` entry point of the
package), so once flowc is installed any tool that uses Pygments finds it by
name or file name::

    pygments.lexers.get_lexer_by_name("flow")
    pygments.lexers.find_lexer_class_for_filename("voicemail.flow")
    pygmentize -l flow voicemail.flow

It follows the language's rules closely enough for highlighting: keywords
only where a keyword can stand (``step record:`` names a step, ``-> say``
links to one), ``#`` starts a comment except inside a string or an unquoted
URL, and string escapes are marked. It is a highlighter, not a validator:
text the grammar refuses is still shown, never dropped.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, default, words
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from . import vocabulary

__all__ = ["FlowLexer"]

# The verbs and the other keywords, from the vocabulary table. Longer words
# first, so that `max-call-duration` is never read as `max`.
VERBS = tuple(v.name for v in vocabulary.VERBS)
OPTIONS = tuple(
    sorted(
        (w for w in vocabulary.keywords() if w not in VERBS and w not in ("flow", "step")),
        key=lambda w: (-len(w), w),
    )
)
_END = r"(?![A-Za-z0-9_.:-])"
_PATH = r"/(?:[^\s\"]*[^\s\":])?"
_ABSOLUTE = r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"]*[^\s\":]"


class FlowLexer(RegexLexer):
    """Call flows for flowc: steps of TwiML verbs (``record``, ``gather``, ``dial``…)."""

    name = "Flow"
    aliases = ["flow", "flowc"]
    filenames = ["*.flow"]
    mimetypes = ["text/x-flow"]
    url = "https://pypi.org/project/flowc/"

    tokens = {
        "root": [
            (r"[ \t]*\r?\n", Whitespace),
            (r"[ \t]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (
                r"(flow|step)([ \t]+)([A-Za-z_][A-Za-z0-9_]*)",
                bygroups(Keyword.Declaration, Whitespace, Name.Function),
            ),
            (r"->", Operator, "target"),
            (r'"', String.Double, "string"),
            (_ABSOLUTE, String.Other),
            (_PATH, String.Other),
            (words(VERBS, suffix=_END), Keyword),
            (words(OPTIONS, suffix=_END), Keyword.Pseudo),
            (r"(?:[0-9]+[hms])+" + _END, Number),
            (r"[+-]?[0-9]+(?:\.[0-9]+)?(?:ms|s|%|dB)(?![A-Za-z0-9_.:%-])", Number),  # `500ms`, `90%`, `-6dB`
            (r"[0-9]+" + _END, Number.Integer),
            (r"[A-Z]+(?=[ \t]+[^\s#:])", Keyword.Type),  # a method before a URL (`status POST /cb`)
            (r"[A-Za-z_][A-Za-z0-9_.-]*", Name),
            (r":", Punctuation),
            (r"[^\s\"#]", Text),
        ],
        "target": [
            (r"[ \t]+", Whitespace),
            (r"[A-Z]+(?=[ \t]+[^\s#:])", Keyword.Type),
            (r'"', String.Double, ("#pop", "string")),
            (_ABSOLUTE, String.Other, "#pop"),
            (_PATH, String.Other, "#pop"),
            (r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?", Name.Label, "#pop"),
            default("#pop"),
        ],
        "string": [
            (r'\\(?:u[0-9A-Fa-f]{4}|["\\ntr])', String.Escape),
            (r"\\.", Error),  # an escape the language does not know (FL005)
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"(?=\n)", Error, "#pop"),  # unterminated: the string ends with the line
        ],
    }
