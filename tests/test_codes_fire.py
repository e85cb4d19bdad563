"""Every registered diagnostic code fires, where it should.

``CASES`` maps each code of the registry to the smallest input that makes it
fire: the files of a folder, the ``flowc`` command run on them (``check``,
``check --target ...``) and the ``file:line:col`` of every diagnostic with
that code. A code registered
without an entry fails ``test_every_registered_code_has_a_case``; a code that
no longer fires, or fires elsewhere, fails its own case.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import cli
from flowc.codes import REGISTRY

REHEARSED = "step start:\n    record max 20s finish \"*\" -> done\nstep done:\n    say \"Bye.\"\n    hangup\n"


@dataclass(frozen=True)
class Broken:
    """A symbolic link to nothing, written in place of a file."""


@dataclass(frozen=True)
class Case:
    files: dict[str, str | bytes | Broken]  # written to a fresh folder
    at: tuple[str, ...]  # file:line:col of every diagnostic with the code, in report order
    command: tuple[str, ...] = ("check",)  # `flowc COMMAND --format json PATHS`; {dir} is the folder
    paths: tuple[str, ...] = ("main.flow",)  # the paths given to flowc, relative to the folder


def one(text: str, *at: str, target: str | None = None) -> Case:
    command = ("check",) if target is None else ("check", "--target", target)
    return Case(files={"main.flow": text}, at=at, command=command)


def imported(document: str, *at: str) -> Case:
    """A TwiML document given to `flowc import`."""
    return Case(files={"in.xml": document}, at=at, command=("import", "-o", "{dir}/out"), paths=("in.xml",))


MENU = """\
step start:
    gather digits 1 -> choice:
        say "Press 1"
    redirect -> start
step choice:
{}
step sales:
    hangup
"""


def menu(*lines: str) -> str:
    return MENU.format("\n".join("    " + line for line in lines))


DONE = "step done:\n    hangup\n"
LONG = "s" + "x" * 3100  # a step name
# 17 nested blocks: one more than the parser accepts.
TOO_DEEP = (
    "step start:\n" + "".join("    " * (i + 1) + "gather:\n" for i in range(17)) + "    " * 18 + "hangup\n"
)

CASES: dict[str, Case] = {
    # reading and parsing
    "FL001": one('step start:\n    sya "Hello"\n', "main.flow:2:5"),
    "FL002": Case(files={"main.flow": b'step start:\n    say "caf\xe9"\n'}, at=("main.flow:2:13",)),
    "FL003": one('step start:\n    say "Hello"\n  hangup\n', "main.flow:3:1"),
    "FL004": one(TOO_DEEP, "main.flow:18:69"),
    "FL005": one('step start:\n    say "C:\\data"\n', "main.flow:2:12"),
    "FL006": one("step start:\n    record max 20 -> done\n" + DONE, "main.flow:2:16"),
    "FL007": one("step start:\n    record max 20s max 30s -> done\n" + DONE, "main.flow:2:20"),
    "FL010": one('step start:\n    connect:\n        autopilot "UA0123"\n', "main.flow:3:9"),
    "FL008": one("# nothing yet\nflow main\n", "main.flow:2:6"),
    "FL009": Case(files={"flows/main.flow": Broken()}, at=("flows/main.flow:1:1",), paths=("flows",)),
    # reading TwiML (`flowc import`)
    "FL030": imported("<Response>\n  <Say>Hi\n</Response>\n", "in.xml:3:12"),
    "FL031": imported(
        '<?xml version="1.0"?>\n<!DOCTYPE Response [<!ENTITY x "y">]>\n<Response><Say>&x;</Say></Response>\n',
        "in.xml:2:1",
    ),
    "FL032": imported("<Say>Hi</Say>\n", "in.xml:1:1"),
    "FL033": imported("<Response>\n  <Sya>Hi</Sya>\n</Response>\n", "in.xml:2:3"),
    "FL034": imported('<Response>\n  <Record maxlength="20"/>\n</Response>\n', "in.xml:2:11"),
    "FL035": imported("<Response>\n  <Hangup/>\n  Goodbye\n</Response>\n", "in.xml:3:3"),
    "FL036": imported('<Response>\n  <Pause length="1.5"/>\n</Response>\n', "in.xml:2:10"),
    "FL037": Case(
        files={"in/thank-you.xml": "<Response><Hangup/></Response>", "in/thank_you.twiml": "<Response/>"},
        at=("in/thank_you.twiml:1:1",),
        command=("import", "-o", "{dir}/out"),
        paths=("in",),
    ),
    "FL060": one("step start:\n    record mx -> done\n" + DONE, "main.flow:2:12"),
    # names and references
    "FL101": Case(
        files={"my-flow.flow": "step start:\n    hangup\n"}, at=("my-flow.flow:1:1",), paths=("my-flow.flow",)
    ),
    "FL102": one("step start:\n    redirect -> Start\nstep Start:\n    hangup\n", "main.flow:3:6"),
    "FL103": Case(
        files={
            "main.flow": "flow shared\nstep start:\n    hangup\n",
            "other.flow": "flow shared\nstep start:\n    hangup\n",
        },
        at=("other.flow:1:6",),
        paths=("main.flow", "other.flow"),
    ),
    "FL104": one("step start:\n    redirect -> nowhere\n", "main.flow:2:14"),
    "FL105": one("step start:\n    redirect -> billing.start\n", "main.flow:2:14"),
    "FL106": one(
        "flow main\n    max-call-duration 1h\n    max-call-duration 2h\nstep start:\n    hangup\n",
        "main.flow:3:5",
    ),
    # control flow
    "FL201": one('step start:\n    record -> done\n    say "Bye"\n' + DONE, "main.flow:3:5"),
    "FL202": one("step start:\n    record max 30s\n", "main.flow:2:5"),
    "FL203": one("step start:\n    redirect -> b\nstep b:\n    redirect -> start\n", "main.flow:1:6"),
    "FL204": one("step start:\n    hangup\nstep lost:\n    hangup\n", "main.flow:3:6"),
    "FL205": one('step start:\n    say "We are closed."\n    reject busy\n', "main.flow:3:5"),
    # attribute values
    "FL301": one("step start:\n    record max 1s -> done\n" + DONE, "main.flow:2:16"),
    "FL302": one('step start:\n    record finish "a" -> done\n' + DONE, "main.flow:2:19"),
    "FL303": one("step start:\n    record status /rec on ringing -> done\n" + DONE, "main.flow:2:27"),
    "FL304": one("step start:\n    record -> PUT done\n" + DONE, "main.flow:2:15"),
    "FL305": one("step start:\n    pause 0s\n    hangup\n", "main.flow:2:11"),
    "FL306": one('step start:\n    say ""\n    hangup\n', "main.flow:2:9"),
    "FL318": one('step start:\n    say:\n        say-as telephon "4155550100"\n    hangup\n', "main.flow:3:16"),
    "FL319": one('step start:\n    say:\n        break 30s\n    hangup\n', "main.flow:3:15"),
    "FL307": one("flow main\n    base-url example.com/ivr\nstep start:\n    hangup\n", "main.flow:2:14"),
    "FL308": one("flow main\n    max-call-duration 25h\nstep start:\n    hangup\n", "main.flow:2:23"),
    "FL309": one('step start:\n    play digits "12x"\n    hangup\n', "main.flow:2:17"),
    "FL310": one('step start:\n    say "\\u0007"\n    hangup\n', "main.flow:2:9"),
    # values of the newer verbs and nouns
    "FL311": one(
        "step start:\n    dial:\n        conference standup max-participants 500\n", "main.flow:3:45"
    ),
    "FL312": one('step start:\n    dial record from-answer:\n        number "+14155550100"\n', "main.flow:2:17"),
    "FL313": one('step start:\n    dial:\n        number "(415) 555-0100"\n', "main.flow:3:16"),
    "FL314": one('step start:\n    dial:\n        sip "alice@example.com"\n', "main.flow:3:13"),
    "FL315": one('step start:\n    enqueue support workflow "support"\n', "main.flow:2:30"),
    "FL320": one("step start:\n    start:\n        stream https://example.com/audio\n", "main.flow:3:16"),
    "FL316": one('step start:\n    pay -> https://pay.example.com/r:\n        prompt:\n            say "Card"\n', "main.flow:3:9"),
    "FL317": one("step start:\n    pay -> receipt\nstep receipt:\n    hangup\n", "main.flow:2:9"),
    # nesting
    "FL401": one("step start:\n    gather -> done:\n        record -> done\n" + DONE, "main.flow:3:9"),
    "FL402": one(
        'step start:\n    dial:\n        conference standup\n        number "+14155550100"\n', "main.flow:3:9"
    ),
    # transcription
    "FL501": one("step start:\n    record max 5m transcribe /t -> done\n" + DONE, "main.flow:2:16"),
    # contexts
    "FL601": one("flow main\n    context live-update\nstep start:\n    record max 30s\n", "main.flow:4:5"),
    "FL602": one(
        "flow main\n    context twiml-parameter\nstep start:\n    record -> done\n" + DONE, "main.flow:4:12"
    ),
    "FL603": one(
        "flow main\n    context client\nstep start:\n    record max 11m -> done\n" + DONE, "main.flow:4:16"
    ),
    # static output
    "FL701": one("step start:\n    record -> POST done\n" + DONE, "main.flow:2:15"),
    # branching on input
    "FL801": one(menu('say "One moment"', 'when digits "1" -> sales'), "main.flow:6:5"),
    "FL802": one(menu('when digits "1" -> sales', "otherwise -> start"), "main.flow:5:6", target="twiml"),
    "FL803": one(
        menu('when digits "1" -> sales', "otherwise -> start", 'when digits "2" -> sales'), "main.flow:8:5"
    ),
    "FL804": one(menu('when digits "1" -> sales', 'when digits "1" -> start'), "main.flow:7:5"),
    "FL805": one(menu('when digits "a" -> sales', "otherwise -> start"), "main.flow:6:17"),
    "FL806": one(menu('when digits "10" -> sales', "otherwise -> start"), "main.flow:6:17"),
    "FL807": one(
        'step start:\n    redirect -> choice\nstep choice:\n    when digits "1" -> done\n    otherwise -> done\n'
        + DONE,
        "main.flow:3:6",
    ),
    # the site target
    "FL900": one("step start:\n    record -> POST done\n" + DONE, "main.flow:2:15", target="site"),
    "FL901": Case(
        files={
            "main.flow": "step start:\n    redirect -> billing.start\n",
            "billing.flow": "step start:\n    hangup\n",
        },
        at=("main.flow:2:14",),
        command=("check", "--target", "site"),
    ),
    # the flask target
    "FL820": one("step start:\n    record status /rec<1> -> done\n" + DONE, "main.flow:2:19", target="flask"),
    "FL821": one(
        "step start:\n    record -> /next\n    redirect -> b\nstep b:\n    gather digits 1 -> /next\n",
        "main.flow:5:21",
        target="flask",
    ),
    "FL822": one(
        "step start:\n    record -> /ivr-choice\n    redirect -> b\nstep b:\n    gather digits 1 -> /ivr_choice\n",
        "main.flow:5:21",
        target="flask",
    ),
    # a step URL longer than gunicorn's request line leaves room for (with Twilio's query)
    "FL823": one(
        f"step start:\n    redirect -> {LONG}\nstep {LONG}:\n    hangup\n", "main.flow:3:6", target="flask"
    ),
    # call rehearsal: `flowc test` on a scenario file beside the flow
    "FL951": Case(files={"main.flow": REHEARSED, "main.calls": 'call "x":\n    pres "1"\n'},
                  at=("main.calls:2:5",), command=("test",), paths=("main.calls",)),
    "FL952": Case(files={"main.flow": REHEARSED, "main.calls": 'call "x":\n    expect step dnoe\n'},
                  at=("main.calls:2:17",), command=("test",), paths=("main.calls",)),
    "FL960": Case(files={"main.flow": REHEARSED, "main.calls": 'call "x":\n    speak 3s\n    press "*"\n    hear "Hi"\n'},
                  at=("main.calls:4:5",), command=("test",), paths=("main.calls",)),
    "FL961": Case(files={"main.flow": REHEARSED, "main.calls": 'call "x":\n    speak 3s\n    press "*"\n    press "1"\n'},
                  at=("main.calls:4:5",), command=("test",), paths=("main.calls",)),
    "FL962": Case(files={"main.flow": REHEARSED, "main.calls": 'call "x":\n    dial busy\n'},
                  at=("main.calls:2:5",), command=("test",), paths=("main.calls",)),
    "FL963": Case(files={"main.flow": "flow main\n    max-call-duration 1h\nstep start:\n    pause 50m\n"
                                      "    record max 30m -> done\nstep done:\n    hangup\n",
                         "main.calls": 'call "x":\n    speak 30m\n'},
                  at=("main.calls:1:6",), command=("test",), paths=("main.calls",)),
    "FL964": Case(files={"main.flow": "step start:\n    gather digits 1 -> /missing\n",
                         "main.calls": 'call "x":\n    press "1"\n'},
                  at=("main.calls:1:6",), command=("test",), paths=("main.calls",)),
    "FL965": Case(files={"main.flow": "step start:\n    gather digits 1 -> b\nstep b:\n    when digits \"1\" -> c\nstep c:\n    hangup\n",
                         "main.calls": 'call "x":\n    press "2"\n'},
                  at=("main.calls:2:5",), command=("test",), paths=("main.calls",)),
}


def test_every_registered_code_has_a_case():
    missing = sorted(set(REGISTRY) - set(CASES))
    unknown = sorted(set(CASES) - set(REGISTRY))
    assert not missing, f"registered codes with no input that makes them fire: {missing}"
    assert not unknown, f"cases for codes that are not registered: {unknown}"


def write_files(case: Case, folder: Path) -> None:
    for name, body in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, Broken):
            path.symlink_to(folder / "nowhere" / name)
        elif isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")


def run(case: Case, folder: Path) -> list[dict]:
    write_files(case, folder)
    command = [arg.replace("{dir}", str(folder)) for arg in case.command]
    args = [*command, "--format", "json", *(str(folder / p) for p in case.paths)]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_code_fires_where_expected(code, tmp_path):
    case = CASES[code]
    found = run(case, tmp_path)
    mine = [d for d in found if d["code"] == code]
    at = tuple(
        f"{Path(os.path.relpath(d['file'], tmp_path)).as_posix()}:{d['line']}:{d['column']}" for d in mine
    )
    assert at == case.at, found
    assert all(d["severity"] == REGISTRY[code].severity.value for d in mine), mine
