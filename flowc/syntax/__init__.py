"""Source text → IR: the flow language's parser, in parts.

- :mod:`.grammar`: the grammar (``grammar/flow.lark`` and the option rules of
  :mod:`flowc.vocabulary`) and the Lark parsers built from it;
- :mod:`.indentation`: blocks from indentation, tabs mixed with spaces;
- :mod:`.transform`: the IR, built while the parser reduces rules;
- :mod:`.driver`: the loop that parses a text over Lark's parse table and
  lexers, each rule's reduction compiled from its shape, and Lark itself for
  a text that does not parse;
- :mod:`.messages`: Lark's exceptions as diagnostics in the user's words;
- :mod:`.recovery`: parsing a file and going on after its syntax errors.

Lark's trees, tokens and exceptions never leave this package.
"""

from __future__ import annotations

from .. import ir
from ..diagnostics import Diagnostic
from ..source import SourceFile
from .grammar import grammar_path
from .recovery import MAX_ERRORS, Parsed, parse_recovering

__all__ = ["MAX_ERRORS", "Parsed", "grammar_path", "parse", "parse_recovering"]


def parse(source: SourceFile) -> tuple[ir.Flow | None, list[Diagnostic]]:
    """Parse one file. Returns the flow (``None`` when it does not parse) and
    every diagnostic found on the way."""
    parsed = parse_recovering(source)
    return (parsed.flow if parsed.complete else None), parsed.diagnostics
