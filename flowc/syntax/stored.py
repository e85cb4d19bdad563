"""Built parsers kept on disk, so that a new process loads one in a few milliseconds.

Lark's own cache (``cache=True``) stores the grammar's analysis and rebuilds
the parser's objects from it in Python on every start: the rules, the parse
table and a lexer per parser state. For this grammar that costs more than the
rest of a ``flowc check`` of one file. Here the parser as built (a
:class:`lark.Lark`, its lexers not yet compiled) is pickled once, and
unpickled at the next start.

The file is named by a digest of everything the pickled objects come from:
the grammar file, the modules the grammar text and the parser's objects are
made by (the vocabulary, the IR it imports, the grammar, transformer and
indenter modules), the Lark and Python versions, and what kind of parser it
is. Any change to one of them names another file, so a stored parser is
never used for another grammar or another version. The files live where
Lark keeps its cache (the temporary directory), one per user; a file that is
not the user's own, is writable by others, or does not load is ignored and
replaced.

The transformer is not stored: each load is given a new one, and the
callbacks Lark built from the stored transformer's methods are bound to it.

Lark's contextual lexer compiles the regular expression of a parser state
the first time the state is met, which for this grammar costs more than
parsing a small file. Python cannot store a compiled pattern, but it can
store what compiling one yields before the last step (``re``'s own parse
and code generation; the step after is in C and cheap): each lexer's ``re``
is a :class:`StoredRe` holding that for every pattern the lexers compile,
made when the parser is stored. It is only ever used by the Python that
made it (the version is part of the digest), and falls back to
``re.compile`` for a pattern it does not hold or if that fails.
"""

from __future__ import annotations

import array
import copy
import hashlib
import importlib
import io
import os
import pickle
import re
import sys
import types
from collections.abc import Callable
from typing import Any

import lark
from lark.parsers.lalr_analysis import Reduce, Shift

FORMAT = 4  # bump when what is stored changes shape

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The modules whose code decides what a stored parser holds: the grammar text
# (the vocabulary and what it imports), the Lark options, the transformer's
# callbacks, the indenter's state and the code of the reductions.
_SOURCES = (
    "vocabulary.py",
    "ir.py",
    "syntax/grammar.py",
    "syntax/transform.py",
    "syntax/indentation.py",
    "syntax/driver.py",
)
_DEFAULT_CALLBACK = "create_callback.<locals>.default_callback"


def digest(kind: str, grammar_file: str) -> str | None:
    """The name of the stored parser of this kind, or ``None`` when a source
    cannot be read (then nothing is stored)."""
    h = hashlib.sha256(f"{FORMAT}\0{kind}\0{lark.__version__}\0{sys.version}\0".encode())
    try:
        for path in (grammar_file, *(os.path.join(_PACKAGE, name) for name in _SOURCES)):
            with open(path, "rb") as f:
                data = f.read()
            h.update(b"%d\0" % len(data))
            h.update(data)
    except OSError:
        return None
    return h.hexdigest()[:32]


def path(key: str) -> str:
    import tempfile

    try:
        user = str(os.getuid())
    except AttributeError:  # Windows
        user = os.environ.get("USERNAME", "user")
    return os.path.join(tempfile.gettempdir(), f".flowc_parser_{user}_{key}.pickle")


def read(file: str) -> bytes | None:
    """The stored bytes, if the file exists and only its owner, the user, can write it."""
    try:
        with open(file, "rb") as f:
            if hasattr(os, "getuid"):
                st = os.fstat(f.fileno())
                if st.st_uid != os.getuid() or st.st_mode & 0o022:
                    return None
            return f.read()
    except OSError:
        return None


def write(file: str, data: bytes) -> None:
    """Store atomically (a reader sees the whole file or none); failing quietly."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=".flowc_parser_", suffix=".tmp", dir=os.path.dirname(file))
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, file)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def dumps(parser: lark.Lark, transformer: object | None) -> bytes:
    """The parser as bytes, the transformer and its methods left out by name.
    Its lexers are given a :class:`StoredRe` first (see above)."""
    _store_patterns(parser)
    names: dict[Any, str] = {}
    if transformer is not None:
        for name in dir(type(transformer)):
            value = getattr(type(transformer), name, None)
            if isinstance(value, types.FunctionType):
                names.setdefault(value, name)

    class _Pickler(pickle.Pickler):
        # Each of these is written once and referred to after (a reduction is
        # memoized; a persistent id is not), so loading calls back into Python
        # once per distinct object, not once per reference.
        def persistent_id(self, obj: Any) -> Any:
            return ("transformer",) if transformer is not None and obj is transformer else None

        def reducer_override(self, obj: Any) -> Any:
            if obj is Shift or obj is Reduce:  # compared by identity in the parse table
                return _action, (obj.name,)
            if isinstance(obj, types.ModuleType):  # the lexers' `re`
                return importlib.import_module, (obj.__name__,)
            if transformer is not None:
                if isinstance(obj, types.MethodType) and obj.__self__ is transformer:
                    return getattr, (transformer, names[obj.__func__])
                if isinstance(obj, types.FunctionType) and obj.__qualname__.endswith(_DEFAULT_CALLBACK):
                    return _default_callback, (transformer,)
            return NotImplemented

    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(parser)
    return out.getvalue()


def loads(data: bytes, transformer: object | None) -> lark.Lark:
    """A parser from :func:`dumps`'s bytes, its callbacks bound to ``transformer``."""

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            if pid == ("transformer",) and transformer is not None:
                return transformer
            raise pickle.UnpicklingError(f"unexpected stored object {pid!r}")

    parser = _Unpickler(io.BytesIO(data)).load()
    if not isinstance(parser, lark.Lark):
        raise pickle.UnpicklingError("not a parser")
    return parser


def _action(name: str) -> object:
    """Lark's Shift or Reduce, which the parse table compares by identity."""
    return {"Shift": Shift, "Reduce": Reduce}[name]


def _default_callback(transformer: Any) -> Callable:
    """What Lark calls for a rule the transformer has no method for."""
    handler = transformer.__default__

    def default_callback(data: str, children: list) -> Any:
        return handler(data, children, None)

    return default_callback


class StoredRe:
    """A stand-in for the ``re`` module in Lark's lexers: patterns compiled
    from the stored result of ``re``'s parse and code generation."""

    error = re.error

    def __init__(self, table: dict[tuple[str, int], tuple]):
        self.table = table
        self._compiled: dict[tuple[str, int], re.Pattern] = {}

    def __getstate__(self) -> dict:
        return {"table": self.table}

    def __setstate__(self, state: dict) -> None:
        self.table, self._compiled = state["table"], {}

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern:
        key = (pattern, flags)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _from_code(pattern, flags, self.table.get(key))
        return compiled

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match | None:
        return self.compile(pattern, flags).match(string)


def _code(pattern: str, flags: int) -> tuple:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` (Python 3.11 to 3.13)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    words = array.array("I", code)
    if words.tolist() != code:  # a code word that does not fit: do not store it
        raise ValueError(pattern)
    return flags | parsed.state.flags, words.tobytes(), parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _from_code(pattern: str, flags: int, stored: tuple | None) -> re.Pattern:
    if stored is not None:
        import _sre  # type: ignore[import-not-found]

        all_flags, code, groups, groupindex, indexgroup = stored
        try:
            return _sre.compile(pattern, all_flags, array.array("I", code).tolist(), groups, groupindex, indexgroup)
        except (TypeError, ValueError, RuntimeError):
            pass
    return re.compile(pattern, flags)


class _Recording:
    """``re`` for a lexer building its scanner once, noting what each pattern compiles to."""

    error = re.error

    def __init__(self) -> None:
        self.table: dict[tuple[str, int], tuple] = {}

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern:
        if (pattern, flags) not in self.table:
            self.table[(pattern, flags)] = _code(pattern, flags)
        return re.compile(pattern, flags)

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match | None:
        return self.compile(pattern, flags).match(string)


def _store_patterns(parser: lark.Lark) -> None:
    """Give the parser's lexers a :class:`StoredRe` holding every pattern they compile;
    leave them with ``re`` when that cannot be worked out."""
    lexer = getattr(parser.parser, "lexer", None)
    lexer = getattr(lexer, "lexer", lexer)  # inside the postlexer's connector
    lexers = [*getattr(lexer, "lexers", {}).values(), getattr(lexer, "root_lexer", None)]
    unique = list({id(x): x for x in lexers if x is not None and getattr(x, "re", None) is re}.values())
    recording = _Recording()
    try:
        for one in unique:
            trial = copy.copy(one)  # builds its scanner on the copy: the lexer stays unbuilt
            trial.re = recording
            trial._build_scanner()
    except Exception:  # re's internals differ in this Python: keep re
        return
    stored = StoredRe(recording.table)
    for one in unique:
        one.re = stored
