#!/usr/bin/env python3
"""How fast flowc compiles, next to the floors it is measured against.

Generates N realistic, seeded flows, writes them to a temporary directory,
checks once that every one compiles without errors, then prints, from one
process pinned to one core:

1. compile throughput (parse + checks, and parse + checks + TwiML) in flows/s;
2. the Lark lexer alone on the same texts, with the very Lark instance flowc
   builds (``flowc.syntax.grammar.parser_session()``);
3. the ratio compile / lexer;
4. TwiML emission per document: flowc's ``render_step`` against twilio's
   ``VoiceResponse`` building the same documents;
5. cold start: ``flowc check one.flow`` against importing click, lark and
   lxml.etree in the same interpreter.

It prints; it asserts nothing. ``--profile`` adds a cProfile of compiling the
N flows, each check timed on its own, and an import-time breakdown of the cold
start. See bench/README.md for what each figure means.

    .venv/bin/python bench/compile.py [--flows 2000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import lark
from lark.lexer import LexerState, TextSlice, Token
from lark.parsers.lalr_parser import _Parser
from lark.parsers.lalr_parser_state import ParseConf, ParserState
from lxml import etree

import flowc
from flowc import ir
from flowc.backends import twiml as backend
from flowc.checks import CheckContext, run_checks
from flowc.codes import report
from flowc.diagnostics import Diagnostic, Severity
from flowc.project import load
from flowc.source import SourceFile
from flowc.syntax import parse
from flowc.syntax.driver import Parser
from flowc.syntax.grammar import parser_session

try:
    from twilio.twiml.voice_response import VoiceResponse
except ImportError:  # the comparison is skipped without it
    VoiceResponse = None


# ---- flow generator ---------------------------------------------------------------

PREFIXES = (
    "support",
    "billing",
    "sales",
    "clinic",
    "pharmacy",
    "dispatch",
    "helpdesk",
    "reservations",
    "delivery",
    "insurance",
    "school",
    "utility",
    "dental",
    "rentals",
)
HOSTS = ("example.com", "ivr.example.net", "voice.example.org", "calls.example.io")
ENTRY = ("start", "welcome", "main", "greeting", "intro", "begin")
MENU = ("menu_choice", "route", "choice", "handle_key", "options", "main_menu")
CONNECT = ("operator", "agent", "connect", "transfer", "sales_desk", "front_desk")
MESSAGE = ("voicemail", "message", "leave_message", "record_message", "after_hours", "mailbox")
END = ("goodbye", "done", "thanks", "finish", "wrap_up", "bye")
VOICES = ("alice", "man", "woman", "Polly.Joanna", "Polly.Matthew", "Polly.Amy", "Google.en-US-Standard-C")
LANGUAGES = ("en-US", "en-GB", "en-AU", "es-MX", "fr-FR", "de-DE", "pt-BR")
GREETINGS = (
    "Thank you for calling {org}.",
    "Welcome to {org}. This call may be recorded for quality purposes.",
    "Hello, and thanks for calling the {org} help line.",
    "You have reached {org}. Our office hours are nine to five, Monday to Friday.",
    "Thanks for calling {org}. Please listen carefully, as our options have changed.",
)
MENUS = (
    "Press 1 for sales, 2 for support, or 3 to leave a message.",
    "For billing, press 1. For technical support, press 2. To speak to someone, press 0.",
    "Press 1 to check an order, or 2 to talk to an agent.",
    "Say or press the number of the department you want.",
    'Press \\"0\\" at any time to reach the front desk.',
)
FALLBACKS = (
    "We did not receive your choice.",
    "Sorry, I did not get that.",
    "No input was received.",
    "We could not understand your selection.",
)
CONNECTING = (
    "Please hold while we connect your call.",
    "Connecting you to an agent now.",
    "One moment, transferring you to the next available representative.",
    "Your call is important to us. Please stay on the line.",
)
RECORD_PROMPTS = (
    "Please leave a message after the beep. Press the pound key when finished.",
    "Nobody is available to take your call. Leave your name and number after the tone.",
    "Record your message now, then hang up or press star.",
    "Tell us how we can help, and we will call you back within one business day.",
)
GOODBYES = (
    "Thank you for calling. Goodbye.",
    "Your message has been saved. Goodbye.",
    "Thanks, and have a nice day.",
    "We appreciate your call. Goodbye.",
)
COMMENTS = (
    "# Main number for the {org} line.",
    "# Callers choose a department; no key sends them to voicemail.",
    "# Keep prompts short: most callers press a key within 3 seconds.",
    "# Reviewed with the {org} team.",
)


def _pick(rng: random.Random, seq):
    return seq[rng.randrange(len(seq))]


def _say(rng: random.Random, text: str, opts: float = 0.35) -> str:
    parts = [f'say "{text}"']
    if rng.random() < opts:
        parts.append(f"voice {_pick(rng, VOICES)}")
    if rng.random() < opts:
        parts.append(f"language {_pick(rng, LANGUAGES)}")
    if rng.random() < opts / 2:
        parts.append(f"loop {rng.randint(1, 3)}")
    return " ".join(parts)


def _arrow(rng: random.Random, step: str) -> str:
    return f"-> GET {step}" if rng.random() < 0.3 else f"-> {step}"


def _play(rng: random.Random, host: str) -> str:
    r = rng.random()
    if r < 0.4:
        line = f"play https://cdn.{host}/audio/{_pick(rng, ('chime', 'hold', 'intro', 'jingle'))}-{rng.randint(1, 9)}.mp3"
    elif r < 0.65:
        line = f"play /audio/{_pick(rng, ('welcome', 'beep', 'tone'))}.wav"
    elif r < 0.8:
        line = f'play "audio/{_pick(rng, ("notice", "promo"))}.mp3"'
    else:
        return f'play digits "ww{rng.randint(100, 9999)}#"'
    if rng.random() < 0.3:
        line += f" loop {rng.randint(1, 3)}"
    return line


def _gather_options(rng: random.Random) -> str:
    parts = ["gather"]
    speech = rng.random() < 0.35
    if speech:
        parts.append(_pick(rng, ("input dtmf speech", "input speech dtmf", "input speech")))
    if rng.random() < 0.8:
        parts.append(f"digits {rng.randint(1, 4)}")
    if rng.random() < 0.7:
        parts.append(f"timeout {rng.randint(3, 10)}s")
    if rng.random() < 0.5:
        parts.append(f'finish "{_pick(rng, ("#", "*"))}"')
    if speech:
        if rng.random() < 0.6:
            parts.append(
                "speech-timeout auto" if rng.random() < 0.5 else f"speech-timeout {rng.randint(2, 5)}s"
            )
        if rng.random() < 0.5:
            parts.append('hints "sales, support, billing, operator"')
        if rng.random() < 0.5:
            parts.append(f"language {_pick(rng, LANGUAGES)}")
    return " ".join(parts)


def _record(rng: random.Random, host: str, client: bool, dest: str) -> str:
    parts = ["record"]
    if rng.random() < 0.5:
        parts.append(_pick(rng, ("voicemail", "message", "callback_request", "feedback")))
    transcribe = rng.random() < 0.4
    if transcribe:
        seconds = rng.randint(10, 110)
    else:
        seconds = rng.randint(10, 600 if client else 900)
    parts.append(
        f"max {seconds // 60}m{seconds % 60}s"
        if seconds >= 60 and seconds % 60
        else (f"max {seconds // 60}m" if seconds >= 60 else f"max {seconds}s")
    )
    r = rng.random()
    if r < 0.4:
        parts.append(f"timeout {rng.randint(3, 15)}s")
    elif r < 0.5:
        parts.append("timeout off")
    if rng.random() < 0.6:
        parts.append(f'finish "{_pick(rng, ("#", "*", "#*", "1#"))}"')
    r = rng.random()
    if r < 0.3:
        parts.append("beep")
    elif r < 0.45:
        parts.append("no beep")
    r = rng.random()
    if r < 0.3:
        parts.append("trim")
    elif r < 0.45:
        parts.append("no trim")
    if transcribe:
        parts.append("transcribe" if rng.random() < 0.5 else f"transcribe https://hooks.{host}/transcribed")
    if rng.random() < 0.45:
        status = "status"
        if rng.random() < 0.5:
            status += " " + _pick(rng, ("GET", "POST"))
        status += " " + _pick(rng, ("/recording-status", f"https://hooks.{host}/recordings"))
        if rng.random() < 0.6:
            status += " on " + _pick(rng, ("completed", "completed absent", "in-progress completed absent"))
        parts.append(status)
    parts.append(_arrow(rng, dest))
    return " ".join(parts)


def _dial(rng: random.Random, host: str, dest: str | None) -> str:
    parts = [f'dial "+1555{rng.randint(0, 9999999):07d}"']
    if rng.random() < 0.6:
        parts.append(f"timeout {rng.randint(10, 60)}s")
    if rng.random() < 0.3:
        parts.append(f"time-limit {rng.randint(5, 60)}m")
    if rng.random() < 0.3:
        parts.append(f'caller-id "+1555{rng.randint(0, 9999999):07d}"')
    if dest is not None:
        parts.append(_arrow(rng, dest))
    else:
        parts.append(_pick(rng, ("-> /after-dial", f"-> POST https://api.{host}/calls/after-dial")))
    return " ".join(parts)


def generate(index: int, rng: random.Random) -> tuple[str, str]:
    """One flow: (file stem, text). Four steps, entry -> menu/connect and
    voicemail -> end, so every step is reachable and every path ends."""
    prefix = _pick(rng, PREFIXES)
    name = f"{prefix}_{index:05d}"
    org = prefix.replace("_", " ").title() + " " + _pick(rng, ("Corp", "Services", "Group", "Center"))
    host = _pick(rng, HOSTS)
    entry, connect, message, end = (
        _pick(rng, ENTRY),
        _pick(rng, CONNECT),
        _pick(rng, MESSAGE),
        _pick(rng, END),
    )
    second_menu = rng.random() < 0.3
    if second_menu:
        connect = _pick(rng, MENU)
    base_url = rng.random() < 0.3
    client = rng.random() < 0.15

    lines = [_pick(rng, COMMENTS).format(org=org)]
    if rng.random() < 0.3:
        lines.append(_pick(rng, COMMENTS).format(org=org))
    lines.append(f"flow {name}")
    if base_url:
        lines.append(f"    base-url https://{host}/{prefix}")
    if rng.random() < 0.2:
        lines.append(f"    max-call-duration {_pick(rng, ('1h', '2h', '4h', '24h'))}")
    if client:
        lines.append("    context client")
    elif rng.random() < 0.05:
        lines.append("    context live-update")
    elif base_url and rng.random() < 0.2:
        lines.append("    context twiml-parameter")
    lines.append("")

    # entry: greet, offer a menu, fall back to voicemail
    lines.append(f"step {entry}:")
    lines.append("    " + _say(rng, _pick(rng, GREETINGS).format(org=org)))
    if rng.random() < 0.5:
        lines.append("    " + _play(rng, host))
    lines.append(f"    {_gather_options(rng)} {_arrow(rng, connect)}:")
    lines.append("        " + _say(rng, _pick(rng, MENUS), 0.25))
    if rng.random() < 0.4:
        lines.append(f"        pause {rng.randint(1, 3)}s")
    if rng.random() < 0.4:
        lines.append("        " + _say(rng, _pick(rng, MENUS), 0.25))
    if rng.random() < 0.2:
        lines.append("        " + _play(rng, host))
    lines.append("    " + _say(rng, _pick(rng, FALLBACKS), 0.2))
    lines.append(f"    redirect {_arrow(rng, message)}")
    lines.append("")

    # connect: dial (or a second menu)
    lines.append(f"step {connect}:")
    if second_menu:
        lines.append(f"    {_gather_options(rng)} {_arrow(rng, end)}:")
        lines.append("        " + _say(rng, _pick(rng, MENUS), 0.25))
        lines.append("    " + _say(rng, _pick(rng, FALLBACKS), 0.2))
        lines.append(f"    redirect {_arrow(rng, message)}")
    else:
        if rng.random() < 0.3:
            lines.append("    # business hours only")
        lines.append("    " + _say(rng, _pick(rng, CONNECTING)))
        if rng.random() < 0.4:
            lines.append("    pause" if rng.random() < 0.3 else f"    pause {rng.randint(1, 2)}s")
        lines.append("    " + _dial(rng, host, end if rng.random() < 0.6 else None))
    lines.append("")

    # voicemail
    lines.append(f"step {message}:")
    lines.append("    " + _say(rng, _pick(rng, RECORD_PROMPTS)))
    if rng.random() < 0.2:
        lines.append("    " + _play(rng, host))
    lines.append("    " + _record(rng, host, client, end))
    lines.append("")

    # end
    lines.append(f"step {end}:")
    lines.append("    " + _say(rng, _pick(rng, GOODBYES)))
    r = rng.random()
    if r < 0.75:
        lines.append("    hangup")
    elif r < 0.9:
        lines.append(f"    redirect -> https://survey.{host}/start")
    else:
        lines.append("    reject busy" if rng.random() < 0.5 else "    reject")
    return name, "\n".join(lines) + "\n"


def generate_all(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [generate(i, rng) for i in range(n)]


# ---- compiling ------------------------------------------------------------------


def check_source(source: SourceFile) -> tuple[ir.Flow | None, list[Diagnostic]]:
    """What ``project.load`` does for one file, on text already in memory:
    parse, the empty-flow check, then every check with the flow as the build."""
    flow, found = parse(source)
    if flow is not None:
        if not flow.steps:
            found.append(report("FL008", "the file has no step and no verb", flow.name_span))
        ctx = CheckContext(flows=(flow,), known={flow.name: flow}, unparsed=frozenset())
        found.extend(run_checks(ctx))
    found.sort(key=Diagnostic.sort_key)
    return flow, found


def compile_all(sources):
    for source in sources:
        check_source(source)


def compile_and_emit_all(sources):
    render = backend.render_flow
    for source in sources:
        flow, _ = check_source(source)
        render(flow)


def load_all(paths):
    for path in paths:
        load([path])


# ---- the lexer floor ---------------------------------------------------------------


class _ReplayState:
    """Stands in for Lark's parser state: each read of ``position`` returns the
    LALR state the real parse was in when the contextual lexer read it."""

    __slots__ = ("_next",)

    def __init__(self, states):
        self._next = iter(states).__next__

    @property
    def position(self):
        return self._next()


class _RecordingState:
    __slots__ = ("real", "seen")

    def __init__(self, real):
        self.real, self.seen = real, []

    @property
    def position(self):
        p = self.real.position
        self.seen.append(p)
        return p


def _lark():
    """The Lark instance flowc parses with, running flowc's IR reductions
    (``flowc.syntax.driver``): its lexers and parse table are the ones
    flowc's own parse loop reads."""
    with parser_session() as (parser, _):
        return parser.lark


def _no_reduction(children):
    return None


class _NoReductions(dict):
    """A reduction for every rule that builds nothing."""

    def __missing__(self, rule):
        return _no_reduction


def loop_only_all(lk, texts):
    """flowc's parse loop (its lexer, indenter and the LALR table), with no reductions building the IR."""
    parser = Parser(lk, None, _NoReductions())
    for text in texts:
        parser._parse(text)


def parser_parts():
    """The pieces of flowc's own Lark instance."""
    lk = _lark()
    frontend = lk.parser  # ParsingFrontend
    connector = frontend.lexer  # PostLexConnector(ContextualLexer, FlowIndenter)
    contextual = connector.lexer
    postlex = connector.postlexer
    lalr = frontend.parser.parser  # lalr_parser._Parser holding the parse table and flowc's callbacks
    return lk, contextual, postlex, lalr


def record_states(text: str) -> tuple[list[int], list[tuple[str, str]]]:
    """Run flowc's lexer, indenter and LALR table over the text once (with no
    rule callbacks, which cannot change the states), recording the parser state
    at every read of the contextual lexer and the raw tokens it produced."""
    _, contextual, postlex, lalr = parser_parts()
    pstate = ParserState(ParseConf(lalr.parse_table, {}, "start"), None)
    rec = _RecordingState(pstate)
    raw = []

    def tap(stream):
        for tok in stream:
            raw.append((tok.type, tok.value))
            yield tok

    last = None
    for tok in postlex.process(tap(contextual.lex(LexerState(TextSlice(text, 0, len(text))), rec))):
        pstate.feed_token(tok)
        last = tok
    pstate.feed_token(Token.new_borrow_pos("$END", "", last), True)
    return rec.seen, raw


def contextual_lex_all(contextual, texts, states):
    for text, seen in zip(texts, states):
        deque(contextual.lex(LexerState(TextSlice(text, 0, len(text))), _ReplayState(seen)), maxlen=0)


def contextual_indent_lex_all(contextual, postlex, texts, states):
    for text, seen in zip(texts, states):
        stream = contextual.lex(LexerState(TextSlice(text, 0, len(text))), _ReplayState(seen))
        deque(postlex.process(stream), maxlen=0)


def basic_lex_all(basic, texts):
    """Lark.lex()'s lexer; a text it cannot lex counts up to where it stops."""
    for text in texts:
        try:
            deque(basic.lex(LexerState(TextSlice(text, 0, len(text))), None), maxlen=0)
        except lark.exceptions.LexError:
            pass


def lalr_only_all(lk, lalr, texts):
    """Contextual lexer + indenter + the LALR automaton, with no callbacks (no tree)."""
    bare = _Parser(lalr.parse_table, {})
    make_thread = lk.parser._make_lexer_thread
    for text in texts:
        bare.parse(make_thread(text), "start")


def parse_all(sources):
    for source in sources:
        parse(source)


def checks_all(flows):
    for flow in flows:
        run_checks(CheckContext(flows=(flow,), known={flow.name: flow}, unparsed=frozenset()))


def indent_chars_all(sources):
    from flowc.syntax.indentation import check_indent_chars

    for source in sources:
        check_indent_chars(source)


def has_indent_pass() -> bool:
    import flowc.syntax.indentation

    return hasattr(flowc.syntax.indentation, "check_indent_chars")


# ---- TwiML with twilio ----------------------------------------------------------------

_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def _plan_verb(el) -> tuple:
    kwargs = {_SNAKE.sub("_", k).lower(): v for k, v in el.attrib.items()}
    children = tuple(_plan_verb(c) for c in el)
    return el.tag.lower(), el.text if (el.text and el.text.strip()) else None, kwargs, children


def twilio_plan(document: bytes) -> tuple:
    """The verbs of a flowc document as (method, content, kwargs, children),
    ready to be replayed on a VoiceResponse. Built once, outside the timing."""
    root = etree.fromstring(document)
    return tuple(_plan_verb(c) for c in root)


def _build(parent, plan):
    for method, content, kwargs, children in plan:
        if content is None:
            node = getattr(parent, method)(**kwargs)
        else:
            node = getattr(parent, method)(content, **kwargs)
        if children:
            _build(node, children)


def twilio_document(plan) -> str:
    response = VoiceResponse()
    _build(response, plan)
    return str(response)


def twilio_all(plans):
    for plan in plans:
        twilio_document(plan)


def flowc_render_all(pairs):
    render = backend.render_step
    for flow, step in pairs:
        render(flow, step)


def _canonical(el) -> tuple:
    return (
        el.tag,
        tuple(sorted(el.attrib.items())),
        (el.text or "").strip(),
        tuple(_canonical(c) for c in el),
    )


def same_xml(a: bytes, b: bytes) -> bool:
    return _canonical(etree.fromstring(a)) == _canonical(etree.fromstring(b))


# ---- timing ------------------------------------------------------------------------


def best_of(repeat: int, fn, *args) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def best_of_interleaved(repeat: int, jobs: dict, chunks: int = 1) -> dict:
    """Best of ``repeat`` for every job, in seconds for all its input.

    Each job's input lists are cut into ``chunks`` slices. A repetition runs
    every job on one slice before moving on to the next slice, and each
    job/slice pair keeps its fastest time. A burst of load from another
    process then spoils one slice of a few jobs, and the other repetitions
    replace it. A job's result is the sum of its fastest slice times."""
    best = {key: [float("inf")] * chunks for key in jobs}
    for _ in range(repeat):
        for c in range(chunks):
            for key, (fn, fixed, lists) in jobs.items():
                part = [seq[len(seq) * c // chunks : len(seq) * (c + 1) // chunks] for seq in lists]
                gc.collect()
                t0 = time.perf_counter()
                fn(*fixed, *part)
                elapsed = time.perf_counter() - t0
                best[key][c] = min(best[key][c], elapsed)
    return {key: sum(times) for key, times in best.items()}


def wall(cmd: list[str], cwd: str, env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        check=False, args=cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-400:]}")
    return elapsed


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return f"pinned to CPU {cpus[0]} (of {len(cpus)} available)"
    return "not pinned (no sched_setaffinity on this platform)"


def _sha(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _differing_files(installed: str, tree: str) -> list[str]:
    """Python files and the grammar that differ between an installed package and the tree."""
    out = []
    if not installed or not os.path.isdir(installed):
        return ["(installed package not found)"]
    for root, _, files in os.walk(tree):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(root, name), tree)
            other = os.path.join(installed, rel)
            if not os.path.exists(other) or _sha(other) != _sha(os.path.join(root, name)):
                out.append(rel)
    grammar = os.path.join(installed, "grammar", "flow.lark")
    if not os.path.exists(grammar) or _sha(grammar) != _sha(os.path.join(ROOT, "grammar", "flow.lark")):
        out.append("grammar/flow.lark")
    return out


# ---- main ------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flows", type=int, default=2000, help="number of generated flows (default 2000)")
    ap.add_argument("--seed", type=int, default=20240611, help="generator seed")
    ap.add_argument(
        "--repeat", type=int, default=3, help="best-of-k repetitions for in-process timings (default 3)"
    )
    ap.add_argument(
        "--chunks", type=int, default=10, help="slices each in-process measurement is cut into (default 10)"
    )
    ap.add_argument("--cold-runs", type=int, default=15, help="runs of each cold-start command (default 15)")
    ap.add_argument(
        "--profile", action="store_true", help="also profile compiling the flows and the cold start's imports"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory of generated flows")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    pinned = pin_one_core()
    venv_bin = os.path.join(ROOT, ".venv", "bin")
    venv_python = os.path.join(venv_bin, "python")
    flowc_script = os.path.join(venv_bin, "flowc")

    print("flowc compile benchmark")
    print(f"  machine   : {platform.machine()}, {os.cpu_count()} CPUs, {pinned}; {platform.platform()}")
    print(f"  python    : {platform.python_implementation()} {platform.python_version()} ({sys.executable})")
    print(
        f"  libraries : lark {lark.__version__}, lxml {'.'.join(map(str, etree.LXML_VERSION))}, "
        f"twilio {_twilio_version()}"
    )
    print(f"  compiler  : {os.path.dirname(flowc.__file__)} (flowc {flowc.__version__})")
    print(
        f"  parameters: --flows {args.flows} --seed {args.seed} --repeat {args.repeat} --chunks {args.chunks} "
        f"--cold-runs {args.cold_runs}; GC on, set-up data frozen, collected before each timing"
    )
    print(f"  load avg  : {_loadavg()} at the start (other processes may share these CPUs)")

    # -- generate and write ----------------------------------------------------------
    t0 = time.perf_counter()
    generated = generate_all(args.flows, args.seed)
    tmp = tempfile.mkdtemp(prefix="flowc-bench-")
    paths = []
    for stem, text in generated:
        path = os.path.join(tmp, f"{stem}.flow")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    texts = [text for _, text in generated]
    sources = [SourceFile(p, t) for p, t in zip(paths, texts)]
    n = len(sources)
    n_lines = sum(t.count("\n") for t in texts)
    n_bytes = sum(len(t.encode()) for t in texts)
    print(
        f"  flows     : {n} files in {tmp}, {n_lines / n:.1f} lines, "
        f"{n_bytes / n:.0f} bytes per flow on average"
    )

    # -- verify once ----------------------------------------------------------------
    _lark()  # build (or load from cache) before anything is timed
    flows = []
    warnings = 0
    verbs: dict[str, int] = {}
    for source in sources:
        flow, found = check_source(source)
        errors = [d for d in found if d.severity is Severity.ERROR]
        if flow is None or errors:
            d = errors[0] if errors else found[0]
            print(
                f"\nABORT: generated flow {source.path} does not compile:\n  {d.code} "
                f"{d.message} at {d.span.line}:{d.span.col}\n\n{source.text}",
                file=sys.stderr,
            )
            return 1
        warnings += sum(1 for d in found if d.severity is Severity.WARNING)
        flows.append(flow)
        for step in flow.steps:
            for verb in ir.walk(step.verbs):
                verbs[verb.name] = verbs.get(verb.name, 0) + 1
    documents = [(flow, step) for flow in flows for step in flow.steps]
    print(
        f"  verified  : all {n} compile with no errors ({warnings} warnings); "
        f"{len(documents)} documents ({len(documents) / n:.1f} steps per flow)"
    )
    print("  verbs     : " + ", ".join(f"{k} {v}" for k, v in sorted(verbs.items(), key=lambda kv: -kv[1])))
    print(f"  setup     : {time.perf_counter() - t0:.1f} s")

    lk, contextual, postlex, lalr = parser_parts()

    # -- the lexers: check what they produce before timing them ------------------------
    recorded = [record_states(text) for text in texts]
    states = [seen for seen, _ in recorded]
    n_tokens = sum(len(raw) for _, raw in recorded)
    basic = lk._build_lexer()  # what Lark.lex() builds (and rebuilds on every call)
    basic_stops = basic_differs = 0
    stop_example = differ_example = None
    for text, (_, raw) in zip(texts, recorded):
        got = []
        try:
            for t in basic.lex(LexerState(TextSlice(text, 0, len(text))), None):
                got.append((t.type, t.value))
        except lark.exceptions.UnexpectedCharacters as exc:
            basic_stops += 1
            if stop_example is None:
                prev = got[-1] if got else ("", "")
                stop_example = f"stops at {exc.line}:{exc.column} after {prev[0]} {prev[1]!r}"
            continue
        if got != raw:
            basic_differs += 1
            if differ_example is None:
                a, b = next(((a, b) for a, b in zip(got, raw) if a != b), (("?", ""), ("?", "")))
                differ_example = f"{b[1]!r}: {b[0]} in context, {a[0]} to the basic lexer"
    # replaying the recorded states must give exactly the tokens the parse saw
    for text, (seen, raw) in zip(texts, recorded):
        replay = [
            (t.type, t.value)
            for t in contextual.lex(LexerState(TextSlice(text, 0, len(text))), _ReplayState(seen))
        ]
        if replay != raw:
            print("ABORT: the replayed contextual lexer diverged from the parse", file=sys.stderr)
            return 1

    # -- in-process timings -------------------------------------------------------------
    print()
    print(
        f"[1-3] compile vs lexer: {n} flows, {n_tokens} lexer tokens ({n_tokens / n:.0f} per flow), "
        f"best of {args.repeat} per slice of {n // args.chunks} flows, interleaved"
    )
    indent_pass = has_indent_pass()
    # key: (function, fixed arguments, per-flow lists that are cut into chunks)
    jobs = {
        "lex": (contextual_lex_all, (contextual,), (texts, states)),
        "lex+indent": (contextual_indent_lex_all, (contextual, postlex), (texts, states)),
        "basic": (basic_lex_all, (basic,), (texts,)),
        "lalr": (lalr_only_all, (lk, lalr), (texts,)),
        "loop": (loop_only_all, (lk,), (texts,)),
        "parse": (parse_all, (), (sources,)),
        "checks": (checks_all, (), (flows,)),
        "compile": (compile_all, (), (sources,)),
        "emit": (compile_and_emit_all, (), (sources,)),
        "load": (load_all, (), (paths,)),
        "render": (flowc_render_all, (), (documents,)),
    }
    if indent_pass:
        jobs["indentchk"] = (indent_chars_all, (), (sources,))
    gc.collect()
    gc.freeze()  # the set-up data (texts, recorded states, flows) is never scanned by the timed collections
    r = best_of_interleaved(args.repeat, jobs, args.chunks)
    r.setdefault("indentchk", 0.0)

    def row(label, key, note=""):
        t = r[key]
        print(f"  {label:<44} {n / t:>9,.0f} flows/s {t / n * 1e6:>8.0f} µs/flow  {note}")

    lex = r["lex"]
    print("  compile (what flowc does)")
    row("parse + checks, text in memory", "compile", f"{r['compile'] / lex:.2f}x lexer")
    row("parse + checks + TwiML (render_flow)", "emit", f"{r['emit'] / lex:.2f}x lexer")
    row("project.load([file]) per file (reads it)", "load", f"{r['load'] / lex:.2f}x lexer")
    row("parse only (flowc.syntax.parse)", "parse", f"{r['parse'] / lex:.2f}x lexer")
    print("  lexer floor (flowc's own Lark instance)")
    row("contextual lexer alone", "lex", "1.00x  <- the floor")
    row("contextual lexer + FlowIndenter", "lex+indent", f"{r['lex+indent'] / lex:.2f}x lexer")
    row(
        "lexer + indenter + LALR, no callbacks",
        "lalr",
        f"{r['lalr'] / lex:.2f}x lexer  <- floor of any Lark LALR parse",
    )
    if basic_stops or basic_differs:
        ok = f"NOT A FLOOR: stops on {basic_stops}/{n} flows, other tokens on {basic_differs}/{n}"
    else:
        ok = "same tokens as the contextual lexer on every flow"
    row("Lark.lex()'s basic lexer (prebuilt)", "basic", f"{r['basic'] / lex:.2f}x lexer; {ok}")
    for example in (stop_example, differ_example):
        if example:
            print(f"  {'':<44}   e.g. {example}")
    row(
        "flowc's parse loop, no reductions",
        "loop",
        f"{r['loop'] / lex:.2f}x lexer  <- its lexer, indenter and LALR table (flowc.syntax.driver)",
    )
    print("  where compile time goes: flowc's parse loop, reductions building the IR; differences in ()")
    stages = [
        ("parse loop (lexer, indenter, LALR table)", r["loop"]),
        ("(reductions building the IR, recovery set-up)", r["parse"] - r["loop"] - r["indentchk"]),
    ]
    if indent_pass:
        stages.append(("_check_indent_chars", r["indentchk"]))
    stages.append(("checks (run_checks on parsed flows)", r["checks"]))
    total = sum(t for _, t in stages)
    running = 0.0
    print(f"    {'stage':<44} {'µs/flow':>8} {'share':>6} {'cumulative':>11}")
    for label, t in stages:
        running += t
        print(f"    {label:<44} {t / n * 1e6:>8.0f} {t / total:>6.1%} {running / lex:>10.2f}x")
    print(
        f"    {'sum of stages':<44} {total / n * 1e6:>8.0f}        "
        f"(parse + checks measured whole: {r['compile'] / n * 1e6:.0f})"
    )
    print(f"    {'TwiML render_flow (not in compile)':<44} {r['render'] / n * 1e6:>8.0f}")
    ratio = r["compile"] / lex
    print(
        f"  [3] compile / lexer = {ratio:.2f}x  (target <= 1.6x: {'met' if ratio <= 1.6 else 'NOT met'}; "
        f"would need {n / (1.6 * lex):,.0f} flows/s)"
    )
    print(
        "      lexer = Lark's ContextualLexer from _lark(), fed the LALR state the real parse was in at "
        "each token (recorded once, replayed), no indenter, no parser"
    )

    # -- emission per document -------------------------------------------------------------
    print()
    docs = len(documents)
    if VoiceResponse is None:
        print("[4] TwiML emission: twilio is not installed, comparison skipped")
    else:
        rendered = [backend.render_step(f, s) for f, s in documents]
        plans = [twilio_plan(d) for d in rendered]
        mismatched = sum(
            1 for plan, doc in zip(plans, rendered) if not same_xml(twilio_document(plan).encode(), doc)
        )
        e = best_of_interleaved(
            max(args.repeat, 5),
            {"flowc": (flowc_render_all, (), (documents,)), "twilio": (twilio_all, (), (plans,))},
            args.chunks,
        )
        t_flowc, t_twilio = e["flowc"], e["twilio"]
        speed = t_twilio / t_flowc
        print(f"[4] TwiML emission: {docs} documents, best of {max(args.repeat, 5)} per slice, interleaved")
        print(
            f"  flowc render_step(flow, step) -> bytes   {t_flowc / docs * 1e6:>7.1f} µs/document "
            "(IR -> lxml tree -> pretty UTF-8 bytes with declaration)"
        )
        print(
            f"  twilio VoiceResponse + str()            {t_twilio / docs * 1e6:>7.1f} µs/document "
            "(verb calls with ready kwargs -> str, not pretty)"
        )
        print(
            f"  twilio / flowc = {speed:.2f}x, flowc is {speed:.2f}x faster  (target >= 5x: {'met' if speed >= 5 else 'NOT met'}); "
            f"same XML (attributes, text, nesting) for {docs - mismatched}/{docs} documents"
        )

    # -- cold start ----------------------------------------------------------------------
    print()
    one = paths[0]
    env_installed = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # The console script importing the source tree instead; its bytecode is cached
    # under the temporary directory, so the tree itself is left untouched.
    env_tree = {k: v for k, v in env_installed.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env_tree.update(PYTHONPATH=ROOT, PYTHONPYCACHEPREFIX=os.path.join(tmp, "pycache"))
    check_cmd = [flowc_script, "check", one]
    # The honest figure: with the cache, a check of a file that did not change is
    # answered from flowc's cache without loading the parser at all.
    check_no_cache_cmd = [flowc_script, "check", "--no-cache", one]
    floor_cmd = [venv_python, "-c", "import click, lark, lxml.etree"]
    installed = subprocess.run(
        check=False,
        args=[venv_python, "-c", "import flowc, os; print(os.path.dirname(flowc.__file__))"],
        cwd=tmp,
        env=env_installed,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stale = _differing_files(installed, os.path.join(ROOT, "flowc"))
    for _ in range(2):  # warm the stored parser, flowc's cache and the OS page cache
        wall(check_cmd, tmp, env_installed)
        wall(check_no_cache_cmd, tmp, env_installed)
        wall(check_cmd, tmp, env_tree)
        wall(floor_cmd, tmp, env_installed)
    runs = {"no-cache": [], "installed": [], "tree": [], "floor": []}
    for _ in range(args.cold_runs):  # interleaved, so drift hits all alike
        runs["no-cache"].append(wall(check_no_cache_cmd, tmp, env_installed))
        runs["installed"].append(wall(check_cmd, tmp, env_installed))
        runs["floor"].append(wall(floor_cmd, tmp, env_installed))
        runs["tree"].append(wall(check_cmd, tmp, env_tree))
    best = {k: min(v) for k, v in runs.items()}
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"[5] cold start: {args.cold_runs} runs each, interleaved, stored parser warm, cwd {tmp}")
    print(
        f"  python -c 'import click, lark, lxml.etree'        best {best['floor'] * 1e3:6.1f} ms  "
        f"median {med['floor'] * 1e3:6.1f} ms  <- the import floor"
    )
    for key, label in (
        ("no-cache", f"flowc check --no-cache {os.path.basename(one)}"),
        ("installed", "  same, cache warm (answered from the cache)"),
        ("tree", "  same, cache warm, source tree (PYTHONPATH)"),
    ):
        ratio = med[key] / med["floor"]
        print(
            f"  {label:<48} best {best[key] * 1e3:6.1f} ms  median {med[key] * 1e3:6.1f} ms  "
            f"{best[key] / best['floor']:.2f}x best, {ratio:.2f}x median "
            f"({'met' if ratio <= 1.2 else 'NOT met'}; over the 1.2x budget of "
            f"{1.2 * med['floor'] * 1e3:.0f} ms by {max(0.0, med[key] - 1.2 * med['floor']) * 1e3:.0f} ms)"
        )
    print(
        f"  flowc script: {flowc_script} (installed package: {installed}; "
        + (
            f"{len(stale)} module(s) differ from the source tree: {', '.join(stale[:6])}"
            f"{' ...' if len(stale) > 6 else ''})"
            if stale
            else "same as the source tree)"
        )
    )

    # -- profile ---------------------------------------------------------------------------
    if args.profile:
        print()
        print(f"[profile] cProfile over parse + checks of the {n} flows (text in memory)")
        prof = cProfile.Profile()
        prof.enable()
        compile_all(sources)
        prof.disable()
        for order in ("cumulative", "tottime"):
            stats = pstats.Stats(prof)
            print(f"\n  top 15 by {order}:")
            _print_stats(stats, order, 15)
        print()
        print(f"[profile] each check on its own over the {n} parsed flows (best of {args.repeat})")
        _print_check_times(flows, args.repeat)
        print()
        print("[profile] cold start imports: python -X importtime, one run each, self times (ms)")
        for label, env in (("installed", env_installed), ("source tree", env_tree)):
            flowc_imports = subprocess.run(
                check=False,
                args=[venv_python, "-X", "importtime", flowc_script, "check", one],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
            ).stderr
            floor_imports = subprocess.run(
                check=False,
                args=[venv_python, "-X", "importtime", "-c", "import click, lark, lxml.etree"],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
            ).stderr
            print(f"  flowc check, {label}:")
            _print_importtime(flowc_imports, floor_imports, 12)
        print()
        print("[profile] cold start phases of flowc check, in a fresh interpreter (ms)")
        for label, env in (("installed", env_installed), ("source tree", env_tree)):
            proc = subprocess.run(
                check=False,
                args=[venv_python, "-c", _PHASES, one],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
            )
            print(f"  {label}:")
            print(proc.stdout.rstrip() or proc.stderr.rstrip()[-600:])

    print()
    print(f"load avg at the end: {_loadavg()}; total run time {time.perf_counter() - started:.0f} s")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"\nflows kept in {tmp}")
    return 0


_PHASES = r"""
import sys, time
t0 = time.perf_counter()
import click, lark, lxml.etree
t1 = time.perf_counter()
import flowc.cli
t2 = time.perf_counter()
from flowc import syntax, project, checks, render
from flowc.syntax.grammar import parser_session
t3 = time.perf_counter()
with parser_session():
    pass
t4 = time.perf_counter()
build = project.load([sys.argv[1]])
t5 = time.perf_counter()
render.format_summary(build.diagnostics, len(build.units))
t6 = time.perf_counter()
for label, a, b in (("import click, lark, lxml.etree", t0, t1), ("import flowc.cli", t1, t2),
                    ("import syntax/project/checks/render", t2, t3), ("parser from cache", t3, t4),
                    ("load() one file", t4, t5), ("summary", t5, t6)):
    print(f"  {label:<40} {(b - a) * 1e3:7.1f}")
"""


def _print_check_times(flows, repeat: int) -> None:
    from flowc.checks import CHECKS

    n = len(flows)

    def contexts():
        return [CheckContext(flows=(f,), known={f.name: f}, unparsed=frozenset()) for f in flows]

    def graphs(ctxs):
        for c in ctxs:
            c.graph  # noqa: B018 - builds the cached graph

    rows = [("CheckContext(...) for each flow", best_of(repeat, contexts))]
    rows.append(
        (
            "CallGraph (built once per context, shared)",
            best_of(repeat, lambda: graphs(contexts())) - rows[0][1],
        )
    )
    ready = contexts()
    graphs(ready)
    for check in CHECKS:
        rows.append(
            (
                check.__name__.rsplit(".", 1)[-1],
                best_of(repeat, lambda c=check: [list(c.run(x)) for x in ready]),
            )
        )
    total = sum(t for _, t in rows)
    for label, t in sorted(rows, key=lambda r: -r[1]):
        print(f"    {label:<44} {t / n * 1e6:>7.1f} µs/flow {t / total:>6.1%}")
    print(f"    {'total':<44} {total / n * 1e6:>7.1f} µs/flow")


def _print_stats(stats: pstats.Stats, order: str, limit: int) -> None:
    stats.sort_stats(order)
    rows = []
    for func in stats.fcn_list[:limit]:
        _, nc, tt, ct, _ = stats.stats[func]
        filename, line, name = func
        short = filename
        for marker in ("site-packages/", ROOT + "/"):
            if marker in filename:
                short = filename.split(marker, 1)[1]
        where = f"{short}:{line}({name})" if line else name
        rows.append((nc, tt, ct, where))
    print(f"    {'calls':>9} {'tottime':>8} {'cumtime':>8}  function")
    for nc, tt, ct, where in rows:
        print(f"    {nc:>9} {tt:>8.3f} {ct:>8.3f}  {where}")


def _imports(text: str) -> dict[str, int]:
    """``-X importtime`` output as {module: self time in µs}."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(.+)", line)
        if m:
            out[m.group(3).strip()] = int(m.group(1))
    return out


def _print_importtime(flowc_text: str, floor_text: str, limit: int) -> None:
    flowc_mods, floor_mods = _imports(flowc_text), _imports(floor_text)
    extra = {m: t for m, t in flowc_mods.items() if m not in floor_mods}
    unused = {m: t for m, t in floor_mods.items() if m not in flowc_mods}
    print(
        f"    all imports {sum(flowc_mods.values()) / 1000:.1f} ms ({len(flowc_mods)} modules); "
        f"floor {sum(floor_mods.values()) / 1000:.1f} ms ({len(floor_mods)}); "
        f"beyond the floor {sum(extra.values()) / 1000:.1f} ms ({len(extra)} modules); "
        f"in the floor but not imported by flowc {sum(unused.values()) / 1000:.1f} ms "
        f"({', '.join(sorted(m for m in unused if '.' not in m)[:4]) or '-'})"
    )
    own = sum(t for m, t in extra.items() if m == "flowc" or m.startswith("flowc."))
    print(
        f"    beyond the floor: flowc.* {own / 1000:.1f} ms, other modules {(sum(extra.values()) - own) / 1000:.1f} ms; "
        f"the largest:"
    )
    for name, t in sorted(extra.items(), key=lambda kv: -kv[1])[:limit]:
        print(f"      {t / 1000:>6.1f}  {name}")


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _twilio_version() -> str:
    try:
        import twilio

        return twilio.__version__
    except ImportError:
        return "not installed"


if __name__ == "__main__":
    sys.exit(main())
