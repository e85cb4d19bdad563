"""The site's call-flow graph for the verbs and nouns of all of TwiML Voice: each
`->` and each callback is an edge that says what happened, in the words of the
webhook table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_flask_webhooks import HOOKS

from flowc import webhooks
from flowc.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
EDGE = re.compile(r'^  "(?P<src>[^"]+)" -> "(?P<dst>[^"]+)" \[id="[^"]+", label="(?P<label>[^"]*)"', re.M)


def edges(dot: str) -> set[tuple[str, str, str]]:
    return {(m["src"], m["dst"], m["label"]) for m in EDGE.finditer(dot)}


def site(paths, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["build", "--target", "site", *map(str, paths), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    return site(sorted(FLOWS.glob("*.flow")), tmp_path_factory.mktemp("site"))


def graph(out: Path, flow: str) -> set[tuple[str, str, str]]:
    return edges((out / flow / "graph.dot").read_text(encoding="utf-8"))


def test_the_support_line_shows_the_queue_and_its_hold_music(examples):
    g = graph(examples, "helpdesk")
    assert ("step start", "step after_queue", "left the queue") in g
    assert ("step start", "step hold", "queue hold music") in g
    assert ("step start", "callback /support/recordings", "recording status") in g
    # The hold music runs out and starts again, and `leave` goes back to the enqueue:
    # neither ends the call nor is a dead end.
    assert not {e for e in g if e[0] in ("step hold", "step leave_queue") and e[1] == "the call ends"}
    dot = (examples / "helpdesk" / "graph.dot").read_text(encoding="utf-8")
    assert "dead end" not in dot


def test_the_conference_bridge_shows_its_wait_music_step_and_its_events(examples):
    g = graph(examples, "standup")
    assert ("step start", "step waiting", "conference wait music") in g
    assert ("step start", "callback /standup/events", "conference events") in g
    assert ("step start", "callback /standup/recordings", "recording status") in graph(
        examples, "standup_host"
    )
    mermaid = (examples / "standup" / "graph.mmd").read_text(encoding="utf-8")
    assert '|"conference wait music"|' in mermaid


def test_the_ai_line_and_the_payment_line(examples):
    g = graph(examples, "assistant")
    assert ("step start", "step person", "connection ended") in g
    assert ("step start", "callback /assistant/transcripts", "live transcript") in g
    assert ("step person", "step goodbye", "dial ended") in g
    assert ("step start", "external https://pay.example.com/result", "payment finished") in graph(
        examples, "payments"
    )


def test_every_kind_of_webhook_is_drawn_with_its_label(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "hooks.flow").write_text(HOOKS, encoding="utf-8")
    g = graph(site([src], tmp_path / "out"), "hooks")
    drawn = {label.removeprefix("no input: ") for _, _, label in g}
    assert {r.label for r in webhooks.REQUESTS.values()} <= drawn
    assert ("step conf", "callback /hooks/conference-wait", "conference wait music") in g
    assert ("step start", "callback /hooks/stream", "stream started, stopped or failed") in g
    assert ("step dialling", "callback /hooks/amd", "answering machine result") in g
    assert ("step paying", "callback /hooks/pay-status", "payment progress") in g
    # A gather's no-input path does not change what a callback is.
    assert ("step start", "callback /hooks/hold", "queue hold music") in g
    assert ("step start", "callback /hooks/dequeued", "no input: left the queue") not in g
    assert ("step start", "external /hooks/dequeued", "no input: left the queue") in g


STEPS = """\
flow desk

step start:
    enqueue support wait hold -> after

step hold:
    say "Please hold."

step after:
    dial:
        number "+14155550100" url whisper
    dial:
        queue support url notice
    dial:
        conference room wait music end-on-exit
    pay charge-amount "5.00"

step whisper:
    say "A caller from the support line."

step notice:
    say "Connecting you to an agent."

step music:
    play https://example.com/m.mp3

step test:
    echo
"""


def test_callbacks_that_name_steps_are_edges_that_say_what_plays(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "desk.flow").write_text(STEPS, encoding="utf-8")
    out = site([src], tmp_path / "out")
    g = graph(out, "desk")
    assert ("step start", "step hold", "queue hold music") in g
    assert ("step start", "step after", "left the queue") in g
    assert ("step after", "step whisper", "played to the called party before connecting") in g
    assert ("step after", "step notice", "played before the queued caller is connected") in g
    assert ("step after", "step music", "conference wait music") in g
    # A pay without `->` posts its result to its own document.
    assert ("step after", "step after", "payment finished (same document)") in g
    assert ("step test", "the call ends", "echo until hang-up") in g
    # Documents played meanwhile end nothing when they run out of verbs.
    for step in ("hold", "whisper", "notice", "music"):
        assert not {e for e in g if e[0] == f"step {step}" and e[1] == "the call ends"}, step
    page = (out / "desk" / "index.html").read_text(encoding="utf-8")
    assert "queue hold music" in page and "played to the called party before connecting" in page
