"""`flowc test`: scenario files, their diagnostics, the servers, the formats."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from click.testing import CliRunner

from flowc.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"

GOOD = """\
flow voicemail

call "the caller leaves a message":
    hear "leave a message at the beep"
    speak 12s "Please call me back"
    press "*"
    expect request GET handle with RecordingDuration 12 Digits "*"
    expect step handle
    hear "Thank you. Goodbye."
    expect call ended by hangup
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def setup(tmp_path: Path, calls: str, name: str = "voicemail") -> Path:
    shutil.copy(FLOWS / f"{name}.flow", tmp_path / f"{name}.flow")
    (tmp_path / f"{name}.calls").write_text(textwrap.dedent(calls), encoding="utf-8")
    return tmp_path


def test_a_passing_scenario_exits_0(tmp_path):
    result = run("test", str(setup(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    assert "1 call rehearsed from 1 file: 1 passed, 0 failed" in result.output


def test_a_failed_expectation_exits_1_with_a_transcript(tmp_path):
    calls = GOOD.replace('hear "Thank you. Goodbye."', 'hear "See you soon"')
    result = run("test", str(setup(tmp_path, calls)))
    assert result.exit_code == 1
    out = result.output
    assert "voicemail.calls:9:5: error[FL960]: expected to hear \"See you soon\" here; the caller heard " in out
    assert '"Thank you. Goodbye."' in out
    assert "note: the call was here when it ended" in out
    # the transcript: each request with its answer, each verb with the flow line it came from
    assert "twilio GET /voicemail/start.xml  -> 200 voicemail.start" in out
    assert 'hears "Thank you. Goodbye."' in out
    assert f"{tmp_path / 'voicemail.flow'}:9" in out
    assert "caller presses \"*\"" in out


def test_scenario_syntax_errors_have_spans(tmp_path):
    calls = """\
    flow voicemail
    call "typos":
        pres "1"
        press "12x"
        speak 12
        expect call ended by phone
        hear "unterminated
    """
    result = run("test", str(setup(tmp_path, calls)))
    assert result.exit_code == 1
    out = result.output
    assert "voicemail.calls:3:5: error[FL951]: unexpected `pres`" in out and "did you mean `press`?" in out
    assert "voicemail.calls:4:11: error[FL951]: `12x` is not a key of a phone's keypad" in out
    assert "voicemail.calls:5:11: error[FL951]: expected a duration, as in `speak 12s`, found `12`" in out
    assert "voicemail.calls:6:26: error[FL951]: `phone` is not a way a call ends" in out
    assert "voicemail.calls:7:10: error[FL951]: unterminated string" in out


def test_unknown_steps_and_flows(tmp_path):
    calls = GOOD.replace("expect step handle", "expect step handel")
    result = run("test", str(setup(tmp_path, calls)))
    assert result.exit_code == 1
    assert "voicemail.calls:8:17: error[FL952]: there is no step `handel` in flow `voicemail`" in result.output
    assert "did you mean `handle`?" in result.output
    other = run("test", str(setup(tmp_path, GOOD.replace("flow voicemail", "flow voicemale"))))
    assert "error[FL952]: there is no flow `voicemale` to call" in other.output


def test_lines_left_over_and_lines_that_do_not_fit(tmp_path):
    calls = GOOD.replace('    expect call ended by hangup\n', '    expect call ended by hangup\n    press "1"\n')
    result = run("test", str(setup(tmp_path, calls)))
    assert "voicemail.calls:11:5: error[FL961]: the call ended (a <Hangup> ended it) before this line" in result.output
    misfit = 'flow voicemail\ncall "dial":\n    dial busy\n'
    result = run("test", str(setup(tmp_path, misfit)))
    assert "voicemail.calls:3:5: error[FL962]: this line does not fit where the call is: the call is at a <Record>" in (
        result.output
    )


def test_against_a_static_build_gives_the_same_transcript(tmp_path):
    setup(tmp_path, GOOD)
    built = run("build", str(tmp_path / "voicemail.flow"), "-o", str(tmp_path / "dist"))
    assert built.exit_code == 0, built.output
    flows = run("test", "-v", str(tmp_path / "voicemail.calls"))
    static = run("test", "-v", "--against", str(tmp_path / "dist"), str(tmp_path / "voicemail.calls"))
    assert flows.exit_code == 0 and static.exit_code == 0, static.output

    def transcript(output: str) -> list[str]:
        return [line for line in output.splitlines() if line.startswith("   ")]

    assert transcript(flows.output) == transcript(static.output)
    assert len(transcript(flows.output)) > 5


def test_a_static_host_answers_post_with_405(tmp_path):
    flow = "flow post\nstep start:\n    record max 10s -> POST handle\nstep handle:\n    hangup\n"
    (tmp_path / "post.flow").write_text(flow)
    (tmp_path / "post.calls").write_text('call "posts":\n    speak 3s\n    press "#"\n')
    assert run("build", str(tmp_path / "post.flow"), "-o", str(tmp_path / "dist")).exit_code == 0
    result = run("test", "--against", str(tmp_path / "dist"), str(tmp_path))
    assert result.exit_code == 1
    assert "error[FL964]: the call ended with an error: Twilio error 11200: HTTP retrieval failure: HTTP 405" in (
        result.output
    )
    assert run("test", str(tmp_path)).exit_code == 0  # the flows themselves answer POST


def test_answer_stubs_for_paths_the_server_does_not_serve(tmp_path):
    calls = """\
    flow ivr
        answer /ivr/choice -> operator

    call "sales":
        hear "Press 1 for sales"
        press "1"
        expect request POST /ivr/choice with Digits 1
        hear "Connecting you to an operator"
        dial completed 30s
        expect request GET goodbye with DialCallStatus completed DialCallDuration 30
        hear "Goodbye"
    """
    result = run("test", str(setup(tmp_path, calls, "ivr")))
    assert result.exit_code == 0, result.output


def test_json_github_and_sarif_formats(tmp_path):
    calls = GOOD.replace('hear "Thank you. Goodbye."', 'hear "See you soon"')
    setup(tmp_path, calls)
    as_json = run("test", "--format", "json", str(tmp_path))
    assert as_json.exit_code == 1
    (item,) = json.loads(as_json.stdout)
    assert item["code"] == "FL960" and item["line"] == 9 and item["column"] == 5
    assert "transcript:" in item["hint"] and "GET /voicemail/start.xml" in item["hint"]
    github = run("test", "--format", "github", str(tmp_path))
    assert github.stdout.startswith("::error file=") and "title=FL960 expectation-not-met" in github.stdout
    sarif = json.loads(run("test", "--format", "sarif", str(tmp_path)).stdout)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "FL960"


def test_no_calls_files_is_a_usage_error(tmp_path):
    shutil.copy(FLOWS / "voicemail.flow", tmp_path / "voicemail.flow")
    result = run("test", str(tmp_path))
    assert result.exit_code == 2 and "no .calls files" in result.output


def test_loops_are_stopped_by_a_limit(tmp_path):
    """flowc refuses a flow that loops (FL203); a server may still loop, and the
    rehearsal stops it instead of hanging."""
    (tmp_path / "loop.flow").write_text("step a:\n    pause 1s\n    redirect -> b\nstep b:\n    hangup\n")
    assert run("build", str(tmp_path / "loop.flow"), "-o", str(tmp_path / "dist")).exit_code == 0
    looping = '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Redirect method="GET">a.xml</Redirect></Response>'
    (tmp_path / "dist" / "loop" / "b.xml").write_text(looping)
    (tmp_path / "loop.calls").write_text('call "loops":\n    expect call ended by limit\n')
    result = run("test", "--against", str(tmp_path / "dist"), str(tmp_path))
    assert result.exit_code == 0, result.output
    (tmp_path / "loop.calls").write_text('call "loops":\n    hear "x"\n')
    result = run("test", "--against", str(tmp_path / "dist"), str(tmp_path))
    assert result.exit_code == 1 and "error[FL963]: the call was stopped" in result.output


def test_a_hand_written_server_on_loopback_with_signed_requests(tmp_path):
    """Any TwiML server at http://127.0.0.1:PORT: requests carry Twilio's signature
    (checked here with twilio's own RequestValidator) and the server's answers
    drive the call."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qsl

    from twilio.request_validator import RequestValidator

    token = "secret-token"
    seen = []

    class App(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, params):
            url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
            valid = RequestValidator(token).validate(url, params, self.headers.get("X-Twilio-Signature", ""))
            seen.append((self.command, self.path.partition("?")[0], valid))
            if not valid:
                self.send_response(403)
                self.end_headers()
                return
            if self.path.startswith("/voice"):
                body = '<Response><Gather numDigits="1" action="/menu"><Say>Press 1.</Say></Gather></Response>'
            else:
                body = f"<Response><Say>You chose {params.get('Digits')}.</Say><Hangup/></Response>"
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.answer({})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            self.answer(dict(parse_qsl(self.rfile.read(length).decode())))

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), App)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_port
        shutil.copy(FLOWS / "voicemail.flow", tmp_path / "voicemail.flow")
        (tmp_path / "voicemail.calls").write_text(textwrap.dedent("""\
            call "the hand-written menu":
                start /voice
                hear "Press 1."
                press "1"
                expect request POST /menu with Digits 1
                hear "You chose 1."
                expect call ended by hangup
        """))
        url = f"http://127.0.0.1:{port}"
        result = run("test", "--against", url, "--token", token, str(tmp_path))
        assert result.exit_code == 0, result.output
        assert seen == [("GET", "/voice", True), ("POST", "/menu", True)]
        unsigned = run("test", "--against", url, str(tmp_path))
        assert unsigned.exit_code == 1 and "HTTP 403" in unsigned.output
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_only_loopback_servers(tmp_path):
    setup(tmp_path, GOOD)
    result = run("test", "--against", "http://example.com:8000", str(tmp_path))
    assert result.exit_code == 2 and "only http:// URLs on the loopback interface" in result.output


def test_keys_no_gather_reads(tmp_path):
    flow = """\
    flow shop
    step start:
        gather digits 1 -> choice:
            say "Press 1 or 2."
    step choice:
        when digits "1" -> one
        when digits "2" -> one
    step one:
        hangup
    """
    (tmp_path / "shop.flow").write_text(textwrap.dedent(flow))
    (tmp_path / "shop.calls").write_text('call "three":\n    press "3"\n    expect call ended by end\n')
    result = run("test", "--against", "flask", str(tmp_path))
    assert result.exit_code == 1
    assert "shop.calls:2:5: error[FL965]: no gather reads these keys: the branch step shop.choice has no `when` " \
        'line for "3" and no `otherwise`: the call ends there' in result.output
    assert run("test", str(tmp_path)).exit_code == 1  # the flows in memory decide the same way


EXAMPLE_2 = """\
<?xml version="1.0" encoding="UTF-8"?>
<Response>
    <Say>Please leave a message at the beep.
    Press the star key when finished.</Say>
    <Record action="http://foo.edu/handleRecording.php" method="GET" maxLength="20" finishOnKey="*"/>
    <Say>I did not receive a recording</Say>
</Response>
"""


def test_record_example_2_as_a_scenario_step_by_step(tmp_path):
    """The <Record> page's "Example 2: Record a voicemail", served from a folder,
    rehearsed as scenarios; the transcripts say what the page says happens."""
    (tmp_path / "site" / "voicemail").mkdir(parents=True)
    (tmp_path / "site" / "voicemail" / "start.xml").write_text(EXAMPLE_2)
    shutil.copy(FLOWS / "voicemail.flow", tmp_path / "voicemail.flow")
    (tmp_path / "voicemail.calls").write_text(textwrap.dedent("""\
        flow voicemail
            answer http://foo.edu/handleRecording.php say "Thanks"

        call "speaks less than 20 seconds, then is silent for five":
            hear "Please leave a message at the beep. Press the star key when finished."
            speak 14s
            silence 5s
            expect request GET http://foo.edu/handleRecording.php with RecordingDuration 14
            expect no request http://foo.edu/nowhere

        call "speaks for the full 20 seconds":
            speak 30s
            expect request GET http://foo.edu/handleRecording.php with RecordingDuration 20
    """))
    result = run("test", "-v", "--against", str(tmp_path / "site"), str(tmp_path / "voicemail.calls"))
    assert result.exit_code == 0, result.output
    first = result.output.split("\n\n")[0].splitlines()[1:]
    steps = [line[18:].split("  ")[0].rstrip() for line in first]  # after the time and who acts
    assert steps == [
        "GET /voicemail/start.xml",
        'hears "Please leave a message at the beep. Press the star key when finished."',
        "hears a beep",
        "record: recording (max 20s, silence 5s, finish on *)",
        "speaks for 14s",
        "is silent for 5s",
        "5s of silence: the recording stops",
        "GET http://foo.edu/handleRecording.php",
        'hears "Thanks"',
        "no more verbs: Twilio ends the call",
    ]
    assert "I did not receive a recording" not in result.output  # "The <Say> verb is never reached."
    assert "maxLength (20s) and stops" in result.output


def test_scenario_strings_use_the_flow_language_escapes():
    from flowc.rehearsal.scenario import parse
    from flowc.source import SourceFile

    text = 'call "escapes":\n    hear "She said \\"hi\\" \\\\ Caf\\u00e9\\n"\n    hear "bad \\q"\n'
    file, problems = parse(SourceFile("x.calls", text))
    assert file.scenarios[0].lines[0].expect.text == 'She said "hi" \\ Café\n'
    (bad,) = problems
    assert (bad.code, bad.span.line, bad.span.col) == ("FL951", 3, 15)  # at the backslash
    assert "unknown escape `\\q`" in bad.message


def test_usage_errors_are_not_tracebacks(tmp_path):
    (tmp_path / "empty").mkdir()
    for args in (["paths", str(tmp_path / "empty")], ["call", str(tmp_path / "empty")]):
        result = run(*args)
        assert result.exit_code == 2 and "no .flow files under" in result.output, args
    app = tmp_path / "brokenapp"
    app.mkdir()
    for name in ("__init__.py", "app.py", "security.py"):
        (app / name).write_text("raise RuntimeError('the handlers are broken')\n" if name == "__init__.py" else "")
    setup(tmp_path, GOOD)
    result = run("test", "--against", str(app), str(tmp_path / "voicemail.calls"))
    assert result.exit_code == 2
    assert "cannot import the Flask app" in result.output and "the handlers are broken" in result.output


def test_the_numbers_call_status_callback_when_the_call_ends(tmp_path):
    calls = GOOD.replace("flow voicemail\n", "flow voicemail\n    status-callback /call-status\n")
    calls += "    expect request POST /call-status with CallStatus completed CallDuration 18\n"
    result = run("test", "-v", str(setup(tmp_path, calls)))
    assert result.exit_code == 0, result.output
    assert "Twilio logs a warning: the call status callback was answered HTTP 404" in result.output
    rejected = tmp_path / "reject"
    rejected.mkdir()
    (rejected / "busy.flow").write_text("step start:\n    reject busy\n")
    (rejected / "busy.calls").write_text(
        "flow busy\n    status-callback /call-status\n"
        'call "busy":\n    expect request POST /call-status with CallStatus busy CallDuration 0\n'
        "    expect call ended by reject\n"
    )
    assert run("test", str(rejected)).exit_code == 0
