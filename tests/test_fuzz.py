"""Property tests: no input crashes flowc, and good input compiles clean.

Three kinds of input are generated:

* arbitrary bytes (random binary, random text with control characters, and a
  soup of the language's own tokens);
* valid flows assembled from the grammar: a flow header with settings, steps,
  every verb with a random subset of its options in random order, gather
  blocks, comments, blank lines, spaces or tabs, LF or CRLF. References only
  point at later steps, so no step cycle can form, and every value respects
  the checks, so these flows must compile with no error;
* those valid flows, mutated at the byte level (characters and lines deleted,
  inserted, duplicated and swapped; tabs, deep indentation, very long lines,
  invalid UTF-8, NUL and control characters, unclosed strings, huge numbers).

For every input: ``flowc.project.load`` never raises; every diagnostic (and
note) has a registered code and a span inside the file, with line and column
>= 1; ``flowc check`` exits with 0 or 1 (never 2, never an exception), agreeing
with the build, and ``--format json`` prints valid JSON listing the same
codes. When a build has no error every step renders to well-formed XML with
one element per verb, byte-identical when rendered twice, and every target
(twiml, site, flask) builds it without an internal error: a target refuses
only what it cannot express, with a registered diagnostic, and otherwise
produces well-formed XML, pages and Python.

``flowc fmt`` never fails with an internal error: it formats a file that
parses, leaves any other untouched, and its output is a fixed point (a second
run changes nothing) that means what the original meant (the same IR apart
from positions, the same diagnostics).

The runs are reproducible: every property draws the same examples on every
run (``derandomize``) and no example database is read or written. A failure
prints the example and a blob for ``@reproduce_failure``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import string

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from flowc.backends import TARGETS
from flowc.backends import target as backend
from flowc.backends.twiml import render_step, unsupported
from flowc.cli import cli
from flowc.codes import REGISTRY
from flowc.diagnostics import Severity
from flowc.project import load
from flowc.source import Span

# ---- example budget ----------------------------------------------------------------
# max_examples per property: about a minute of CPU in all (2 cores; see the durations
# pytest prints with --durations=0).

BYTES_LOAD_EXAMPLES = 400
BYTES_CLI_EXAMPLES = 100
VALID_EXAMPLES = 200
VALID_CLI_EXAMPLES = 60
VALID_FMT_EXAMPLES = 150
VALID_TARGET_EXAMPLES = 40
MUTATED_LOAD_EXAMPLES = 250
MUTATED_CLI_EXAMPLES = 100
MUTATED_FMT_EXAMPLES = 150
TOTAL_EXAMPLES = (
    BYTES_LOAD_EXAMPLES
    + BYTES_CLI_EXAMPLES
    + VALID_EXAMPLES
    + VALID_CLI_EXAMPLES
    + VALID_FMT_EXAMPLES
    + VALID_TARGET_EXAMPLES
    + MUTATED_LOAD_EXAMPLES
    + MUTATED_CLI_EXAMPLES
    + MUTATED_FMT_EXAMPLES
)

settings.register_profile(
    "flowc-fuzz",
    deadline=None,
    derandomize=True,  # the same examples on every run, in CI as on a laptop
    database=None,  # nothing read from or written to .hypothesis/
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FUZZ = settings.get_profile("flowc-fuzz")

# ---- properties shared by every input --------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def write(directory, name: str, data: bytes) -> str:
    """Write one flow file alone in its own directory (no neighbours)."""
    folder = os.path.join(str(directory), name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "fuzz.flow")
    with open(path, "wb") as f:
        f.write(data)
    return path


def check_diagnostics(diagnostics, lines: int) -> None:
    """Every diagnostic has a registered code and spans inside the file."""
    for d in diagnostics:
        assert d.code in REGISTRY, f"unregistered code {d.code}: {d.message}"
        assert isinstance(d.severity, Severity)
        for what, span in ((d.code, d.span), *((f"note of {d.code}", n.span) for n in d.notes)):
            where = f"{what} at {span.line}:{span.col}-{span.end_line}:{span.end_col}: {d.message}"
            assert span.line >= 1 and span.col >= 1, where
            assert span.line <= lines, f"{where} (the file has {lines} lines)"
            assert (span.end_line, span.end_col) >= (span.line, span.col), where


def line_count(path: str) -> int:
    with open(path, "rb") as f:
        return f.read().count(b"\n") + 1


def check_build(path: str):
    """load() never raises; its diagnostics are well formed; a build with no
    error renders to well-formed, deterministic XML."""
    build = load([path])
    check_diagnostics(build.diagnostics, line_count(path))
    if build.ok:
        branching = {(d.span.file, d.span.line) for d in unsupported(build)}
        for flow in build.flows:
            for step in flow.steps:
                if step.is_branch:  # served by the flask target; static targets refuse it
                    assert (step.name_span.file, step.name_span.line) in branching
                    continue
                first = render_step(flow, step)
                assert render_step(flow, step) == first, f"step {step.name} renders differently twice"
                root = etree.fromstring(first)
                assert root.tag == "Response"
                assert len(root) == len(step.verbs), (
                    f"step {step.name}: {len(step.verbs)} verbs, {len(root)} elements"
                )
    return build


def invoke(*args: str):
    """Run flowc in-process; an exception other than an exit is a crash."""
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"flowc {' '.join(args)} raised {result.exception!r}") from result.exception
    return result


def check_cli(path: str, build) -> None:
    """flowc check exits 0 or 1, in text and JSON, and JSON output parses."""
    for args in (["check", path], ["check", "--format", "json", path]):
        result = invoke(*args)
        assert result.exit_code == (0 if build.ok else 1), (args, result.exit_code, result.output)
        if "json" in args:
            reported = json.loads(result.stdout)
            assert isinstance(reported, list)
            assert [r["code"] for r in reported] == [d.code for d in build.diagnostics]


def meaning(value):
    """A flow's IR without positions: what formatting must keep."""
    if isinstance(value, Span):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, meaning(getattr(value, f.name))) for f in dataclasses.fields(value)
        )
    if isinstance(value, tuple | list):
        return tuple(meaning(v) for v in value)
    if isinstance(value, dict):
        return {k: meaning(v) for k, v in value.items()}
    return value


def said(build) -> list[tuple[str, str, str]]:
    return sorted((d.code, str(d.severity), d.message) for d in build.diagnostics)


def check_format(path: str, build, *, must_format: bool = False) -> None:
    """flowc fmt formats a file that parses and leaves any other untouched;
    its output is a fixed point and means what the original meant."""
    with open(path, "rb") as f:
        before = f.read()
    result = invoke("fmt", path)
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    with open(path, "rb") as f:
        after = f.read()
    event(f"fmt exit {result.exit_code}")
    if result.exit_code == 1:
        assert not must_format, result.output
        assert after == before, "flowc fmt changed a file it could not format"
        assert not build.ok, "flowc fmt refused a file that checks clean:\n" + result.output
        return
    again = invoke("fmt", "--check", path)
    assert again.exit_code == 0, "formatting twice changes the text:\n" + after.decode("utf-8", "replace")
    with open(path, "rb") as f:
        assert f.read() == after
    formatted = load([path])
    assert meaning(formatted.flows) == meaning(build.flows), after.decode("utf-8", "replace")
    assert said(formatted) == said(build), after.decode("utf-8", "replace")


TARGET_FILES = {".xml": etree.fromstring, ".py": lambda data: compile(data, "<generated>", "exec")}


def check_targets(build) -> None:
    """A flow that checks clean builds on every target, or the target says
    what it cannot express; never an internal error."""
    if not build.ok:
        return
    lines = max(line_count(path) for path in build.sources())
    branches = any(step.is_branch for flow in build.flows for step in flow.steps)
    for name in TARGETS:
        module = backend(name)
        module.require()
        emission = module.emit(build)
        check_diagnostics(emission.diagnostics, lines)
        errors = {d.code for d in emission.diagnostics if d.severity is Severity.ERROR}
        event(f"{name}: " + (" ".join(sorted(errors)) if errors else "built"))
        if name == "twiml":
            assert errors == ({"FL802"} if branches else set()), emission.diagnostics
        if errors:
            continue
        assert emission.files, f"the {name} target built nothing"
        for rel, data in emission.files.items():
            check = TARGET_FILES.get(os.path.splitext(rel)[1])
            if check is not None:
                check(data)


# ---- arbitrary bytes -------------------------------------------------------------------

TOKEN_WORDS = """flow step say play pause record gather redirect hangup reject dial digits max timeout off
    finish beep no trim transcribe status on input speech-timeout auto hints language voice loop
    time-limit caller-id max-call-duration context base-url client live-update twiml-parameter
    dtmf speech in-progress completed absent busy rejected GET POST PUT -> : . start handle
    main.start a.b.c /handle https://example.com/x 20s 1h30m 30s20m 0s 5 99999999999999999999
    # é 日本"""
TOKENS = (
    TOKEN_WORDS.split()
    + ['"', '"x"', '"#"', '""', '"\\', "\\u0007", "# comment", " ", "  ", "\t", "\n", "\r\n", "\r"]
    + ["\n    ", "\n\t", "\n        ", "\x00", "\x0b", "\x85", "\u2028", "\ufeff"]
)

arbitrary_bytes = st.one_of(
    st.binary(max_size=600),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300).map(lambda s: s.encode("utf-8")),
    st.lists(st.sampled_from(TOKENS), max_size=80).map(lambda ts: " ".join(ts).encode("utf-8")),
    st.lists(st.sampled_from(TOKENS), max_size=80).map(lambda ts: "".join(ts).encode("utf-8")),
)


@settings(FUZZ, max_examples=BYTES_LOAD_EXAMPLES)
@given(data=arbitrary_bytes)
def test_arbitrary_bytes_never_crash(workdir, data):
    check_build(write(workdir, "bytes", data))


@settings(FUZZ, max_examples=BYTES_CLI_EXAMPLES)
@given(data=arbitrary_bytes)
def test_cli_on_arbitrary_bytes(workdir, data):
    path = write(workdir, "bytes_cli", data)
    check_cli(path, check_build(path))


# ---- valid flows, assembled from the grammar ---------------------------------------
# Strategies are built once, at import: hypothesis validates each new strategy
# object, which would otherwise dominate the run time.

# Words that are keywords elsewhere but ordinary names where a name is expected.
KEYWORD_NAMES = ["start", "menu", "handle", "say", "record", "gather", "flow", "step", "loop", "on", "auto"]
# A record label is followed by options, so it must not be an option keyword.
RECORD_OPTION_WORDS = {"max", "timeout", "finish", "beep", "no", "trim", "transcribe", "status"}

identifiers = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_letters + "_"),
    st.text(alphabet=string.ascii_letters + string.digits + "_", max_size=11),
)
step_names = st.one_of(identifiers, st.sampled_from(KEYWORD_NAMES))
labels = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase),
    st.text(alphabet=string.ascii_lowercase + string.digits + "_", max_size=9),
).filter(lambda s: s not in RECORD_OPTION_WORDS)
index = st.integers(0, 1 << 16)
option_draws = st.integers(0, 15)  # < 8: the option is written; the value orders the options

ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"}
# Letters, digits, punctuation, symbols and spaces of any script, plus the
# characters that need escaping; no control character, surrogate, U+FFFE/FFFF
# (XML 1.0 cannot carry them) and no line or paragraph separator.
text_chars = st.one_of(
    st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\ufffe\uffff"),
    st.sampled_from(['"', "\\", "\n", "\t", "\r", "&", "<", ">", "'"]),
)


def _literal(pairs) -> str:
    """A string literal: escapes for quote, backslash and line breaks; some
    characters written as \\uXXXX; tabs raw or escaped."""
    out = []
    for ch, alt in pairs:
        if ch in ESCAPES:
            out.append(ESCAPES[ch])
        elif ch == "\t":
            out.append("\t" if alt else "\\t")
        elif alt and ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) % 2 else f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _not_blank(pairs) -> bool:
    return bool("".join(ch for ch, _ in pairs).strip())


# say text and hints must not be empty or blank.
quoted = (
    st.lists(st.tuples(text_chars, st.booleans()), min_size=1, max_size=20).filter(_not_blank).map(_literal)
)
short_quoted = (
    st.lists(st.tuples(text_chars, st.booleans()), min_size=1, max_size=8).filter(_not_blank).map(_literal)
)


def spellings(seconds: int) -> list[str]:
    out = [f"{seconds}s"]
    if seconds and seconds % 60 == 0:
        out.append(f"{seconds // 60}m")
    if seconds and seconds % 3600 == 0:
        out.append(f"{seconds // 3600}h")
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    parts = [f"{n}{u}" for n, u in ((h, "h"), (m, "m"), (s, "s")) if n]
    if parts:
        out.append("".join(parts))
    return out


@functools.cache
def durations(lo: int, hi: int):
    """A duration of lo..hi seconds, in any of its spellings (90s, 1m30s...)."""
    return st.tuples(st.integers(lo, hi), index).map(lambda p: (s := spellings(p[0]))[p[1] % len(s)])


url_chars = string.ascii_letters + string.digits + "-_.~%"
segments = st.one_of(
    st.text(alphabet=url_chars, min_size=1, max_size=8), st.sampled_from(["café", "日本", "ü"])
)
queries = st.one_of(
    st.just(""),
    st.lists(
        st.tuples(st.text(url_chars, min_size=1, max_size=4), st.text(url_chars, max_size=4)),
        min_size=1,
        max_size=3,
    ).map(lambda kv: "?" + "&".join(f"{k}={v}" for k, v in kv)),
)
paths = st.builds(lambda segs, q: "/" + "/".join(segs) + q, st.lists(segments, max_size=3), queries)
hosts = st.sampled_from(["https://example.com", "http://foo.edu", "https://api.example.org:8443"])
absolute_urls = st.builds(lambda h, p: h + p, hosts, paths)
relative_urls = st.builds(
    lambda segs, q: "/".join(segs) + ".php" + q, st.lists(segments, min_size=1, max_size=2), queries
)
# A URL as written: bare path, bare absolute URL, or quoted.
any_urls = st.one_of(
    paths, absolute_urls, st.one_of(paths, absolute_urls, relative_urls).map(lambda u: f'"{u}"')
)
absolute_only_urls = st.one_of(absolute_urls, absolute_urls.map(lambda u: f'"{u}"'))

voices = st.one_of(
    st.sampled_from(["alice", "man", "woman", "Polly.Joanna", "Polly.Celine", "Google.en-US-Standard-C"]),
    st.sampled_from(["alice", "Polly.Joanna-Neural", "man"]).map(lambda v: f'"{v}"'),
)
languages = st.tuples(
    st.sampled_from(["en-US", "en-GB", "fr-FR", "de-DE", "es-MX", "ja-JP", "pt-BR", "cmn-Hans-CN"]),
    st.booleans(),
).map(lambda p: f'"{p[0]}"' if p[1] else p[0])
loops = st.integers(0, 10).map(lambda n: f"loop {n}")
KEYS = "0123456789#*"
phone_numbers = st.integers(2000000000, 9999999999).map(lambda n: f"+1{n}")
numbers = st.one_of(
    phone_numbers, st.sampled_from(["sip:alice@example.com", "client:bob", "+44 20 7946 0958"])
).map(lambda n: f'"{n}"')
methods = st.sampled_from(["", "GET ", "POST "])
events = st.lists(
    st.sampled_from(["in-progress", "completed", "absent"]), min_size=1, max_size=3, unique=True
)
statuses = st.tuples(methods, any_urls, st.one_of(st.just(()), events)).map(
    lambda s: f"status {s[0]}{s[1]}" + (" on " + " ".join(s[2]) if s[2] else "")
)
comments = st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=20).map(
    lambda t: "# " + t
)

SAY_OPTIONS = {
    "voice": voices.map(lambda v: f"voice {v}"),
    "language": languages.map(lambda v: f"language {v}"),
    "loop": loops,
}
PLAY_OPTIONS = {"loop": loops}
RECORD_OPTIONS = {  # `max` depends on the flow's limits: see record_line
    "timeout": st.one_of(st.just("timeout off"), durations(0, 3600).map(lambda d: f"timeout {d}")),
    "finish": st.text(alphabet=KEYS, min_size=1, max_size=4).map(lambda k: f'finish "{k}"'),
    "beep": st.sampled_from(["beep", "no beep"]),
    "trim": st.sampled_from(["trim", "no trim"]),
    "transcribe": st.one_of(st.just("transcribe"), any_urls.map(lambda u: f"transcribe {u}")),
    "status": statuses,
}
GATHER_OPTIONS = {
    "digits": st.integers(1, 20).map(lambda n: f"digits {n}"),
    "timeout": durations(1, 60).map(lambda d: f"timeout {d}"),
    "finish": st.sampled_from([*KEYS, ""]).map(lambda k: f'finish "{k}"'),
    "input": st.lists(st.sampled_from(["dtmf", "speech"]), min_size=1, max_size=2, unique=True).map(
        lambda ws: "input " + " ".join(ws)
    ),
    "speech-timeout": st.one_of(st.just("auto"), durations(1, 60)).map(lambda d: f"speech-timeout {d}"),
    "hints": short_quoted.map(lambda h: f"hints {h}"),
    "language": languages.map(lambda v: f"language {v}"),
}
DIAL_OPTIONS = {  # `time-limit` depends on the flow's limits: see dial_line
    "timeout": durations(1, 600).map(lambda d: f"timeout {d}"),
    "caller-id": phone_numbers.map(lambda n: f'caller-id "{n}"'),
}
CALL_LIMITS = [60, 600, 3600, 14400, 43200, 86400]  # max-call-duration values, in seconds
CLIENT_MAX_LENGTH = 600
DEFAULT_CALL_LIMIT = 14400


def pick(draw, items):
    return items[draw(index) % len(items)]


def options(draw, available: dict) -> list[str]:
    """A random subset of the options, in random order."""
    chosen = []
    for strategy in available.values():
        order = draw(option_draws)
        if order < 8:
            chosen.append((order, draw(strategy)))
    return [text for _, text in sorted(chosen, key=lambda c: c[0])]


class Scope:
    """What the verbs of one step may refer to and must respect."""

    def __init__(
        self, flow: str, later_steps: list[str], contexts: set[str], base_url: bool, call_limit: int
    ):
        self.flow = flow
        self.later_steps = later_steps  # only later steps: no step cycle can form
        self.contexts = contexts
        self.base_url = base_url
        self.call_limit = call_limit

    def target(self, draw, needs_absolute: bool) -> str:
        """`-> [METHOD] TARGET`: a later step, `flow.step`, or a URL."""
        kind = draw(st.sampled_from(["url", "step", "flow-step"]))
        if kind != "url" and self.later_steps and (not needs_absolute or self.base_url):
            step = pick(draw, self.later_steps)
            where = step if kind == "step" else f"{self.flow}.{step}"
        else:
            where = draw(absolute_only_urls if needs_absolute else any_urls)
        return f"-> {draw(methods)}{where}"


def say_line(draw, scope: Scope) -> str:
    return " ".join(["say", draw(quoted), *options(draw, SAY_OPTIONS)])


def play_line(draw, scope: Scope) -> str:
    if draw(st.booleans()):
        head = ["play", draw(any_urls)]
    else:
        head = [
            "play",
            "digits",
            '"' + draw(st.text(alphabet="0123456789*#w", min_size=1, max_size=10)) + '"',
        ]
    return " ".join(head + options(draw, PLAY_OPTIONS))


def pause_line(draw, scope: Scope) -> str:
    return "pause" + (f" {draw(durations(1, 600))}" if draw(st.booleans()) else "")


def record_line(draw, scope: Scope) -> str:
    limit = min(scope.call_limit, CLIENT_MAX_LENGTH) if "client" in scope.contexts else scope.call_limit
    words = ["record"]
    if draw(st.booleans()):
        words.append(draw(labels))
    words += options(draw, {"max": durations(2, limit).map(lambda d: f"max {d}"), **RECORD_OPTIONS})
    if scope.contexts & {"live-update", "twiml-parameter"} or draw(st.booleans()):
        words.append(scope.target(draw, needs_absolute="twiml-parameter" in scope.contexts))
    return " ".join(words)


def gather_line(draw, scope: Scope) -> str:
    words = ["gather", *options(draw, GATHER_OPTIONS)]
    if "twiml-parameter" in scope.contexts or draw(st.booleans()):
        words.append(scope.target(draw, needs_absolute="twiml-parameter" in scope.contexts))
    return " ".join(words)


def redirect_line(draw, scope: Scope) -> str:
    return "redirect " + scope.target(draw, needs_absolute=False)


def hangup_line(draw, scope: Scope) -> str:
    return "hangup"


def reject_line(draw, scope: Scope) -> str:
    return "reject" + draw(st.sampled_from(["", " busy", " rejected"]))


def dial_line(draw, scope: Scope) -> str:
    time_limit = durations(1, scope.call_limit).map(lambda d: f"time-limit {d}")
    words = ["dial", draw(numbers), *options(draw, {**DIAL_OPTIONS, "time-limit": time_limit})]
    if draw(st.booleans()):
        words.append(scope.target(draw, needs_absolute=False))
    return " ".join(words)


VERBS = {
    "say": say_line,
    "play": play_line,
    "pause": pause_line,
    "record": record_line,
    "gather": gather_line,
    "redirect": redirect_line,
    "hangup": hangup_line,
    "reject": reject_line,
    "dial": dial_line,
}
IN_GATHER = ["say", "play", "pause"]
verb_lists = st.lists(st.sampled_from(sorted(VERBS)), min_size=1, max_size=5)
nested_lists = st.lists(st.sampled_from(IN_GATHER), max_size=3)


def statements(draw, scope: Scope) -> list[tuple[int, str]]:
    """The lines of one step's body as (indent level, text)."""
    lines: list[tuple[int, str]] = []
    for kind in draw(verb_lists):
        line = VERBS[kind](draw, scope)
        nested = draw(nested_lists) if kind == "gather" else []
        if nested:
            lines.append((0, line + ":"))
            lines += [(1, VERBS[inner](draw, scope)) for inner in nested]
        else:
            lines.append((0, line))
    return lines


branch_keys = st.lists(st.text(alphabet=KEYS, min_size=1, max_size=3), min_size=1, max_size=4, unique=True)


def branch(draw, scope: Scope) -> list[tuple[int, str]]:
    """The lines of a branch step: `when digits` lines, perhaps `otherwise`,
    each to a later step (served by the flask target only)."""

    def to() -> str:
        step = pick(draw, scope.later_steps)
        return f"-> {scope.flow}.{step}" if draw(st.booleans()) else f"-> {step}"

    lines = [(0, f'when digits "{key}" {to()}') for key in draw(branch_keys)]
    if draw(st.booleans()):
        lines.append((0, f"otherwise {to()}"))
    return lines


@st.composite
def valid_flows(draw) -> bytes:
    indent = draw(st.sampled_from(["    ", "  ", "\t", "        "]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    header = draw(st.booleans())
    flow = (
        draw(st.one_of(identifiers, st.sampled_from(["voicemail", "support", "main"]))) if header else "fuzz"
    )

    settings_lines = []
    contexts: set[str] = set()
    base_url = False
    call_limit = DEFAULT_CALL_LIMIT
    if header:
        if draw(st.booleans()):
            call_limit = pick(draw, CALL_LIMITS)
            settings_lines.append((draw(index), "max-call-duration " + pick(draw, spellings(call_limit))))
        for context in ("client", "live-update", "twiml-parameter"):
            if draw(st.booleans()):
                contexts.add(context)
                settings_lines.append((draw(index), f"context {context}"))
        if draw(st.booleans()):
            base_url = True
            base = draw(
                st.sampled_from(
                    ["https://example.com/ivr", "https://example.com/ivr/", "http://cdn.example.net"]
                )
            )
            settings_lines.append((draw(index), "base-url " + (f'"{base}"' if draw(st.booleans()) else base)))
        settings_lines.sort(key=lambda s: s[0])

    body: list[tuple[int, str]] = []  # (indent level, text); text "" is a blank line
    if draw(st.integers(0, 4)) == 0:  # verbs without a step: one step, `main`
        body += statements(draw, Scope(flow, [], contexts, base_url, call_limit))
    else:
        steps = draw(st.lists(step_names, min_size=1, max_size=5, unique_by=str.casefold))
        for i, name in enumerate(steps):
            body.append((0, ""))
            body.append((0, f"step {name}:"))
            scope = Scope(flow, steps[i + 1 :], contexts, base_url, call_limit)
            lines = branch(draw, scope) if i and steps[i + 1 :] and draw(st.integers(0, 3)) == 0 else None
            body += [(level + 1, text) for level, text in lines or statements(draw, scope)]

    # Comments, blank lines and trailing blanks where the language allows them.
    decorated: list[tuple[int, str]] = []
    for level, text in body:
        extra = draw(st.integers(0, 15))
        if extra == 0:
            decorated.append((level, draw(comments)))
        if text and extra in (1, 2):
            text += ("  " if extra == 1 else " \t") + draw(comments)
        elif text and extra == 3:
            text += " "
        decorated.append((level, text))

    lines = []
    if draw(st.booleans()):
        lines.append(draw(comments))
    if header:
        lines.append(f"flow {flow}")
        lines += [indent + s for _, s in settings_lines]
    lines += [indent * level + text if text else "" for level, text in decorated]
    text = newline.join(lines) + draw(st.sampled_from([newline, "", newline + newline]))
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


def _compile_clean(workdir, name: str, data: bytes):
    path = write(workdir, name, data)
    build = check_build(path)
    errors = [
        f"{d.code} {d.span.line}:{d.span.col} {d.message}"
        for d in build.diagnostics
        if d.severity is Severity.ERROR
    ]
    assert errors == [], "a generated valid flow was rejected:\n" + data.decode("utf-8", "replace")
    assert build.flows and all(flow.steps for flow in build.flows)
    return path, build


# A gather block after an option whose value is a bare word.
GATHER_BLOCK_AFTER_WORD = b'step start:\n    gather input dtmf speech:\n        say "Say or press 1"\n'
GATHER_BLOCK_AFTER_LANGUAGE = b'step start:\n    gather language en-US:\n        say "Press 1"\n'


@settings(FUZZ, max_examples=VALID_EXAMPLES)
@given(data=valid_flows())
@example(data=GATHER_BLOCK_AFTER_WORD)
@example(data=GATHER_BLOCK_AFTER_LANGUAGE)
def test_generated_flows_compile_clean(workdir, data):
    _compile_clean(workdir, "valid", data)


@settings(FUZZ, max_examples=VALID_CLI_EXAMPLES)
@given(data=valid_flows())
@example(data=GATHER_BLOCK_AFTER_WORD)
def test_cli_accepts_generated_flows(workdir, data):
    path, build = _compile_clean(workdir, "valid_cli", data)
    check_cli(path, build)


@settings(FUZZ, max_examples=VALID_FMT_EXAMPLES)
@given(data=valid_flows())
@example(data=GATHER_BLOCK_AFTER_WORD)
def test_fmt_formats_generated_flows_keeping_their_meaning(workdir, data):
    path, build = _compile_clean(workdir, "valid_fmt", data)
    check_format(path, build, must_format=True)


@settings(FUZZ, max_examples=VALID_TARGET_EXAMPLES)
@given(data=valid_flows())
@example(data=GATHER_BLOCK_AFTER_WORD)
def test_every_target_builds_generated_flows(workdir, data):
    _, build = _compile_clean(workdir, "valid_targets", data)
    check_targets(build)


# ---- mutated flows ----------------------------------------------------------------------

SYNTAX_BYTES = (
    b'"',
    b'""',
    b":",
    b"->",
    b"-> ",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b"#",
    b"/",
    b"    ",
    b"\t\t",
)
ESCAPES_AND_CONTROLS = (
    b"\\",
    b"\\u",
    b"\\uD800",
    b"\\u0000",
    b"\\x",
    b"\x00",
    b"\x01",
    b"\x07",
    b"\x0b",
    b"\x1b",
    b"\x7f",
)
INVALID_UTF8 = (
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\xe2\x82",
)
ODD_UNICODE = (b"\x0c", b"\xc2\x85", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\xef\xbf\xbe")
LANGUAGE_BYTES = (b"step x:", b"gather:", b"record", b' say "x"', b"flow", b"step", b" max ", b" 0s", b"1h1h")
ODD_VALUES = (
    b" 99999999999999999999999",
    b"GET",
    b"PUT ",
    b"POST",
    b"menu.",
    b".start",
    b"https://",
    b"\n    \n",
)
INSERTS = SYNTAX_BYTES + ESCAPES_AND_CONTROLS + INVALID_UTF8 + ODD_UNICODE + LANGUAGE_BYTES + ODD_VALUES


def _at(data: bytes, n: int) -> int:
    return n % (len(data) + 1)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _insert(data, n, m, chunk):
    i = _at(data, n)
    return data[:i] + chunk + data[i:]


def _delete(data, n, m, chunk):
    i = _at(data, n)
    return data[:i] + data[i + m % 24 + 1 :]


def _swap_chars(data, n, m, chunk):
    if len(data) < 2:
        return data
    i = n % (len(data) - 1)
    return data[:i] + data[i + 1 : i + 2] + data[i : i + 1] + data[i + 2 :]


def _line_op(op):
    def apply(data, n, m, chunk):
        lines = _lines(data)
        i, j = n % len(lines), m % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "tab":
            lines[i] = b"\t" + lines[i]
        elif op == "indent":
            lines[i] = (b" " if m % 2 else b"\t") * (m % 97) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip(b" \t")
        elif op == "long":
            lines[i] = lines[i] + lines[i][-12:] * (m % 4000)
        return b"\n".join(lines)

    return apply


def _unclose_string(data, n, m, chunk):
    quotes = [i for i, b in enumerate(data) if b == ord('"')]
    if not quotes:
        return data + b' "'
    i = quotes[n % len(quotes)]
    return data[:i] + data[i + 1 :]


def _huge_number(data, n, m, chunk):
    digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
    if not digits:
        return data
    i = digits[n % len(digits)]
    return data[:i] + b"9" * (m % 60 + 1) + data[i:]


def _deep_blocks(data, n, m, chunk):
    depth = m % 40 + 1
    block = b"".join(b"    " * level + b"gather:\n" for level in range(depth)) + b"    " * depth + b"hangup\n"
    lines = _lines(data)
    i = n % len(lines)
    return b"\n".join(lines[:i] + [block] + lines[i:])


def _long_line(data, n, m, chunk):
    piece = [b"a", b'"x" ', b"loop 1 ", b"beep ", b"-> ", b"\t", b"# ", b'say "x" '][m % 8]
    return _insert(data, n, m, b"\n" + piece * (m % 20000) + b"\n")


OPERATIONS = {
    "insert": _insert,
    "delete": _delete,
    "swap-chars": _swap_chars,
    "delete-line": _line_op("delete"),
    "duplicate-line": _line_op("duplicate"),
    "swap-lines": _line_op("swap"),
    "tab-indent": _line_op("tab"),
    "deep-indent": _line_op("indent"),
    "dedent": _line_op("dedent"),
    "lengthen-line": _line_op("long"),
    "unclose-string": _unclose_string,
    "huge-number": _huge_number,
    "deep-blocks": _deep_blocks,
    "long-line": _long_line,
}

mutations = st.tuples(
    st.sampled_from(sorted(OPERATIONS)),
    st.integers(0, 1 << 20),
    st.integers(0, 1 << 20),
    st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1, max_size=6)),
)


@st.composite
def mutated_flows(draw) -> bytes:
    data = draw(valid_flows())
    for op, n, m, chunk in draw(st.lists(mutations, min_size=1, max_size=6)):
        data = OPERATIONS[op](data, n, m, chunk)
    return data


@settings(FUZZ, max_examples=MUTATED_LOAD_EXAMPLES)
@given(data=mutated_flows())
def test_mutated_flows_never_crash(workdir, data):
    check_build(write(workdir, "mutated", data))


@settings(FUZZ, max_examples=MUTATED_CLI_EXAMPLES)
@given(data=mutated_flows())
def test_cli_on_mutated_flows(workdir, data):
    path = write(workdir, "mutated_cli", data)
    check_cli(path, check_build(path))


@settings(FUZZ, max_examples=MUTATED_FMT_EXAMPLES)
@given(data=mutated_flows())
def test_fmt_and_targets_on_mutated_flows(workdir, data):
    path = write(workdir, "mutated_fmt", data)
    build = check_build(path)
    check_targets(build)
    check_format(path, build)
