"""`flowc paths`, the golden scenarios of flows/, coverage, and the Flask app
rehearsed through WSGI with Twilio's signature."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_paths_of_the_voicemail():
    result = run("paths", str(FLOWS / "voicemail.flow"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "voicemail: 4 paths"
    titles = [line.split(". ", 1)[1] for line in lines if re.match(r"\s+\d+\. ", line)]
    assert titles == [
        'speak 5s Hello, this is a test message., press *',
        'speak 5s Hello, this is a test message., silence 5s',
        "silence 5s",
        'speak 5s Hello, this is a test message., hang up',
    ]
    assert "ends by end after 1 documents: voicemail.start" in result.stdout  # the empty recording


def test_paths_follow_each_branch_key_and_bound_loops():
    result = run("paths", str(FLOWS / "server" / "support.flow"))
    out = result.stdout
    for key in ("1", "2", "3", "0"):
        assert f"press {key}," in out or f"press {key}\n" in out
    assert "(the limit cut the list short)" not in out


@pytest.mark.parametrize("flow", ["voicemail.flow", "ivr.flow", "recording.flow", "server/support.flow", "helpdesk.flow",
                                  "payments.flow", "assistant.flow", "standup.flow", "standup_host.flow"])
def test_the_golden_scenarios_of_flows_are_current(tmp_path, flow):
    """Every path `flowc paths` lists has its scenario beside the flow: writing
    them again changes nothing."""
    source = FLOWS / flow
    for suffix in (".flow", ".calls", ".paths.calls"):
        shutil.copy(source.with_suffix("").with_suffix(suffix) if suffix != ".flow" else source,
                    tmp_path / (source.stem + suffix))
    result = run("paths", "--write", str(tmp_path / source.name))
    assert result.exit_code == 0, result.output
    written = (tmp_path / (source.stem + ".paths.calls")).read_text()
    assert written == source.with_name(source.stem + ".paths.calls").read_text(), (
        "run `flowc paths --write flows` and review the diff"
    )
    count = int(re.match(r"\w+: (\d+) path", result.stdout).group(1))
    assert written.count('\ncall "') == count


def test_flows_pass_with_full_coverage():
    result = run("test", "--coverage", str(FLOWS))
    assert result.exit_code == 0, result.output
    for kind in ("steps", "verbs", "branch keys", "edges"):
        assert re.search(rf"{kind}\s+(\d+)/\1 \(100%\)", result.output), result.output


def test_coverage_names_what_never_ran(tmp_path):
    shutil.copy(FLOWS / "ivr.flow", tmp_path / "ivr.flow")
    (tmp_path / "ivr.calls").write_text(textwrap.dedent("""\
        flow ivr
            answer /ivr/choice -> goodbye
        call "one key":
            press "1"
            hear "Goodbye"
    """))
    result = run("test", "--coverage", str(tmp_path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "steps        2/4 (50%)" in out
    assert "never ran (steps):\n    ivr.again\n    ivr.operator" in out
    assert "ivr.flow:21 dial" in out
    assert "ivr.start -> ivr.again" in out


# ---- the Flask app through WSGI ------------------------------------------------------------------


def _transcripts(output: str) -> dict[str, list[str]]:
    calls: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        m = re.match(r'  call "(.*)" \(', line)
        if m:
            current = m.group(1)
            calls[current] = []
        elif current is not None and re.match(r"\s+\d+:\d\d\.\d  ", line):
            calls[current].append(line)
    return calls


def test_flask_app_and_static_build_give_the_same_transcripts(tmp_path):
    """flows/ rehearsed against the generated Flask app (signed requests, its
    real signature check) and against the static build: where both can serve
    the call, the transcripts are the same."""
    static = tmp_path / "static"
    assert run("build", *map(str, FLOWS.glob("*.flow")), "-o", str(static)).exit_code == 0
    flask = run("test", "-v", "--against", "flask", str(FLOWS))
    built = run("test", "-v", "--against", str(static), str(FLOWS))
    by_app, by_static = _transcripts(flask.output), _transcripts(built.output)
    both = [t for t in by_app if t in by_static and "error" not in " ".join(by_app[t] + by_static[t]).lower()]
    same = [t for t in both if by_app[t] == by_static[t]]
    assert "the caller leaves a message and presses star" in same
    assert len(same) >= 10
    # where they differ, it is a path the static folder cannot serve (answered 404,
    # or by the scenario's stand-in `answer`) that the app answers itself
    for title in set(both) - set(same):
        assert any("-> 404" in line or "(scenario)" in line for line in by_static[title]), title


def test_flask_app_serves_branch_steps_with_signed_requests():
    result = run("test", "--against", "flask", str(FLOWS / "server" / "support.calls"))
    # the app answers /support/recorded itself (its default handler hangs up), so only
    # the message scenario, which expects the stand-in of support.calls, differs
    assert 'support.calls:26:5: error[FL960]: expected to hear "Thank you for calling"' in result.output
    assert "3 calls rehearsed from 1 file: 2 passed, 1 failed" in result.output
    verbose = run("test", "-v", "--against", "flask", str(FLOWS / "server" / "support.calls"))
    assert 'branch step support.choice: digits "1" -> support.billing' in verbose.output
    assert "twilio GET /support/choice.xml  Digits=1  -> 200 support.billing" in verbose.output


def test_a_wrong_signature_is_refused_by_the_app(tmp_path):
    from flowc.project import load
    from flowc.rehearsal import engine
    from flowc.rehearsal.flows import FlowIndex
    from flowc.rehearsal.runner import _built_app

    build = load([str(FLOWS / "voicemail.flow")])
    index = FlowIndex.of(build.flows)
    server = _built_app(build, index)
    ok = engine.Call(server, lambda p: None, index.entry_url(build.flows[0])).run()
    assert ok.requests()[0].status == 200
    from twilio.request_validator import RequestValidator

    server.validator = RequestValidator("not-the-token")  # type: ignore[attr-defined]
    refused = engine.Call(server, lambda p: None, index.entry_url(build.flows[0])).run()
    assert refused.requests()[0].status == 403 and refused.ended_by == "error"


def test_the_users_handlers_run(tmp_path):
    """A built app with handlers.py: the rehearsal goes through the user's code."""
    out = tmp_path / "voiceapp"
    out.mkdir()
    (out / "handlers.py").write_text(textwrap.dedent("""\
        from . import models, respond


        def on_ivr_choice(request: models.GatherActionRequest):
            if request.digits == "2":
                return respond.step("ivr", "goodbye")
            return respond.step("ivr", "operator")
    """))
    assert run("build", "--target", "flask", str(FLOWS / "ivr.flow"), "-o", str(out)).exit_code == 0
    shutil.copy(FLOWS / "ivr.flow", tmp_path / "ivr.flow")
    (tmp_path / "ivr.calls").write_text(textwrap.dedent("""\
        call "two goes to goodbye":
            press "2"
            expect request POST /ivr/choice with Digits 2
            expect step goodbye
            hear "Thank you for calling. Goodbye."
            expect call ended by hangup
    """))
    result = run("test", "--against", str(out), str(tmp_path / "ivr.calls"))
    assert result.exit_code == 0, result.output
