"""Syntax errors in words: a table of realistic mistakes, each with the
position it must point at and the message, hint and open block it must name.

Each row is one test. `at` is the line:column of the offending token.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from flowc import vocabulary
from flowc.project import load


class Case(NamedTuple):
    name: str
    source: str
    at: str  # line:col of the offending token
    message: str
    hint: str | None
    note: str | None  # the block still open, when the error is inside one
    code: str = "FL001"


CASES = [
    Case(
        "verb say",
        'step start:\n    sya "Hello"\n',
        "2:5",
        "unexpected `sya`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `say`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb play",
        "step start:\n    plya /music.mp3\n",
        "2:5",
        "unexpected `plya`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `play`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb pause",
        "step start:\n    puase 2s\n",
        "2:5",
        "unexpected `puase`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `pause`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb record",
        "step start:\n    recrod max 20s -> /h\n",
        "2:5",
        "unexpected `recrod`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `record`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb gather",
        "step start:\n    gahter digits 1 -> /h\n",
        "2:5",
        "unexpected `gahter`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `gather`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb redirect",
        "step start:\n    redirct -> /h\n",
        "2:5",
        "unexpected `redirct`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `redirect`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb hangup",
        "step start:\n    hangpu\n",
        "2:5",
        "unexpected `hangpu`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `hangup`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb reject",
        "step start:\n    rejct busy\n",
        "2:5",
        "unexpected `rejct`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `reject`?",
        "in step `start`, opened here",
    ),
    Case(
        "verb dial",
        'step start:\n    dail "+15551234567"\n',
        "2:5",
        "unexpected `dail`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `dial`?",
        "in step `start`, opened here",
    ),
    Case(
        "kw step",
        "stpe start:\n    hangup\n",
        "1:1",
        "unexpected `stpe`, expected `flow`, `step`, a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms), a branch (`when`, `otherwise`) or …",
        "did you mean `step`?",
        None,
    ),
    Case(
        "kw flow",
        "flwo main\nstep start:\n    hangup\n",
        "1:1",
        "unexpected `flwo`, expected `flow`, `step`, a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms), a branch (`when`, `otherwise`) or …",
        "did you mean `flow`?",
        None,
    ),
    Case(
        "kw context",
        "flow main\n    contxt client\nstep start:\n    hangup\n",
        "2:5",
        "unexpected `contxt`, expected `base-url`, `context` or `max-call-duration`",
        "did you mean `context`?",
        "in the settings of flow `main`, opened here",
    ),
    Case(
        "kw max-call-duration",
        "flow main\n    max-call-duraton 1h\nstep start:\n    hangup\n",
        "2:5",
        "unexpected `max-call-duraton`, expected `base-url`, `context` or `max-call-duration`",
        "did you mean `max-call-duration`?",
        "in the settings of flow `main`, opened here",
    ),
    Case(
        "kw base-url",
        "flow main\n    baseurl https://x.example\nstep start:\n    hangup\n",
        "2:5",
        "unexpected `baseurl`, expected `base-url`, `context` or `max-call-duration`",
        "did you mean `base-url`?",
        "in the settings of flow `main`, opened here",
    ),
    Case(
        "opt voice",
        'step start:\n    say "Hi" voise Polly.Joanna\n',
        "2:14",
        "unexpected `voise`, expected `language`, `loop`, `voice` or the end of the line",
        "did you mean `voice`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt language",
        'step start:\n    say "Hi" langauge en-US\n',
        "2:14",
        "unexpected `langauge`, expected `language`, `loop`, `voice` or the end of the line",
        "did you mean `language`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt loop",
        "step start:\n    play /a.mp3 lop 2\n",
        "2:17",
        "unexpected `lop`, expected `loop` or the end of the line",
        "did you mean `loop`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt digits",
        "step start:\n    gather digts 4 -> /h\n",
        "2:12",
        "unexpected `digts`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), `->` or the end of the line",
        "did you mean `digits`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt max",
        "step start:\n    record mx 20s -> /h\n",
        "2:12",
        "unexpected `mx`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `max`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt max labelled",
        "step start:\n    record voicemail mx 20s -> /h\n",
        "2:22",
        "unexpected `mx`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `max`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt timeout",
        "step start:\n    record max 20s timout 5s -> /h\n",
        "2:20",
        "unexpected `timout`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `timeout`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt finish",
        'step start:\n    record max 20s finsh "#" -> /h\n',
        "2:20",
        "unexpected `finsh`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `finish`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt beep",
        "step start:\n    record max 20s no bep -> /h\n",
        "2:23",
        "unexpected `bep`, expected `beep` or `trim`",
        "did you mean `beep`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt trim",
        "step start:\n    record max 20s no trm -> /h\n",
        "2:23",
        "unexpected `trm`, expected `beep` or `trim`",
        "did you mean `trim`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt transcribe",
        "step start:\n    record max 20s transcirbe -> /h\n",
        "2:20",
        "unexpected `transcirbe`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `transcribe`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt status",
        "step start:\n    record max 20s stauts /s -> /h\n",
        "2:20",
        "unexpected `stauts`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `status`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt input",
        "step start:\n    gather inptu speech -> /h\n",
        "2:12",
        "unexpected `inptu`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), `->` or the end of the line",
        "did you mean `input`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt hints",
        'step start:\n    gather input speech hint "yes, no" -> /h\n',
        "2:25",
        "unexpected `hint`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), a word, `->` or the end of the line",
        "did you mean `hints`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt profanity-filter",
        "step start:\n    gather profanity-filtr -> /h\n",
        "2:12",
        "unexpected `profanity-filtr`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), `->` or the end of the line",
        "did you mean `profanity-filter`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt time-limit",
        'step start:\n    dial "+15551234567" timelimit 1h\n',
        "2:25",
        "unexpected `timelimit`, expected an option of `dial` (`answer-on-bridge`, `caller-id`, `events`, …), `->` or the end of the line",
        "did you mean `time-limit`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt caller-id",
        'step start:\n    dial "+15551234567" callerid "+15550000000"\n',
        "2:25",
        "unexpected `callerid`, expected an option of `dial` (`answer-on-bridge`, `caller-id`, `events`, …), `->` or the end of the line",
        "did you mean `caller-id`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt auto",
        "step start:\n    gather input speech speech-timeout aut -> /h\n",
        "2:40",
        "unexpected `aut`, expected `auto`, a duration such as `20s` or a whole number",
        "did you mean `auto`?",
        "in step `start`, opened here",
    ),
    Case(
        "opt off",
        "step start:\n    record max 20s timeout of -> /h\n",
        "2:28",
        "unexpected `of`, expected `off`, a duration such as `20s` or a whole number",
        "did you mean `off`?",
        "in step `start`, opened here",
    ),
    Case(
        "missing arrow",
        "step start:\n    redirect handle\n",
        "2:14",
        "unexpected `handle`, expected `->`",
        "write `-> handle` to go to the step `handle`",
        "in step `start`, opened here",
    ),
    Case(
        "missing arrow record",
        "step start:\n    record max 20s handle\n",
        "2:20",
        "unexpected `handle`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "write `-> handle` to go to the step `handle`",
        "in step `start`, opened here",
    ),
    Case(
        "missing target",
        "step start:\n    redirect ->\n",
        "2:16",
        "unexpected end of line, expected an absolute URL, a `flow.step` reference, `GET` or `POST`, a step name or …",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "missing colon",
        'step start\n    say "Hello"\n',
        "1:11",
        "unexpected end of line, expected `:`",
        "write `step start:`",
        None,
    ),
    Case(
        "colon on verb",
        'step start:\n    say: "Hello"\n',
        "2:10",
        'unexpected `"Hello"`, expected the end of the line',
        'the text comes before the `:` that opens a block: `say "..."`',
        "in step `start`, opened here",
    ),
    Case(
        "unclosed string",
        'step start:\n    say "Hello\n',
        "2:9",
        'unterminated string: a closing `"` is missing on this line',
        None,
        "in step `start`, opened here",
    ),
    Case(
        "duration no unit",
        "step start:\n    record max 20 -> /h\n",
        "2:16",
        "the duration `20` has no unit",
        "write `20s` for seconds (or `m` for minutes, `h` for hours)",
        None,
        code="FL006",
    ),
    Case(
        "duration bad unit",
        "step start:\n    pause 2x\n",
        "2:11",
        "`2x` is not a duration",
        "a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
        "in step `start`, opened here",
    ),
    Case(
        "option wrong verb finish on say",
        'step start:\n    say "Hi" finish "#"\n',
        "2:14",
        "unexpected `finish`, expected `language`, `loop`, `voice` or the end of the line",
        "`finish` is an option of `record` and `gather`, not of `say`",
        "in step `start`, opened here",
    ),
    Case(
        "option wrong verb voice on play",
        "step start:\n    play /a.mp3 voice alice\n",
        "2:17",
        "unexpected `voice`, expected `loop` or the end of the line",
        "`voice` is an option of `say`, `conversation-relay` and `language`, not of `play`",
        "in step `start`, opened here",
    ),
    Case(
        "option wrong verb digits on record",
        "step start:\n    record digits 1 -> /h\n",
        "2:12",
        "unexpected `digits`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "`digits` is an option of `gather`, not of `record`",
        "in step `start`, opened here",
    ),
    Case(
        "option wrong verb max on gather",
        "step start:\n    gather max 20s -> /h\n",
        "2:12",
        "unexpected `max`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), `->` or the end of the line",
        "`max` is an option of `record`, not of `gather`",
        "in step `start`, opened here",
    ),
    Case(
        "not indented",
        'step start:\nsay "Hello"\n',
        "2:1",
        "the lines of a step are indented under it",
        "indent it by four spaces",
        "in step `start`, opened here",
    ),
    Case(
        "over indented",
        'step start:\n    say "a"\n        say "b"\n',
        "3:1",
        "unexpected indentation, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms), a branch (`when`, `otherwise`) or the end of the block",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "dedent nowhere",
        'step start:\n    say "a"\n  say "b"\n',
        "3:1",
        "this indentation matches no enclosing block",
        "indent every line of a block the same way, with spaces or with tabs",
        "in step `start`, opened here",
        code="FL003",
    ),
    Case(
        "tabs mixed",
        'step start:\n    say "a"\n\tsay "b"\n',
        "3:1",
        "indentation mixes tabs and spaces: a tab here, spaces since line 2",
        "indent with spaces only (or with tabs only) throughout the file",
        None,
        code="FL003",
    ),
    Case(
        "stray char",
        'step start:\n    say "a" ;\n',
        "2:12",
        "a line ends without `;`",
        "remove the `;`",
        "in step `start`, opened here",
    ),
    Case(
        "stray char verb",
        'step start:\n    @say "a"\n',
        "2:5",
        "unexpected character `@`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "say unquoted",
        "step start:\n    say Hello\n",
        "2:9",
        "`say` takes its text in double quotes",
        'write `say "Hello"`',
        "in step `start`, opened here",
    ),
    Case(
        "play without url",
        "step start:\n    play\n",
        "2:9",
        'unexpected end of line, expected `digits`, an absolute URL, a URL path or a quoted string ("...")',
        None,
        "in step `start`, opened here",
    ),
    Case(
        "dial unquoted",
        "step start:\n    dial +15551234567\n",
        "2:10",
        "unexpected character `+`, expected an option of `dial` (`answer-on-bridge`, `caller-id`, `events`, …), "
        'a quoted string ("..."), `->` or the end of the line',
        None,
        "in step `start`, opened here",
    ),
    Case(
        "lowercase method",
        "step start:\n    record -> get /h\n",
        "2:15",
        "the method `get` must be written in capitals",
        "write `-> GET /h`",
        "in step `start`, opened here",
    ),
    Case("step no name", "step:\n    hangup\n", "1:5", "unexpected `:`, expected a name", None, None),
    Case(
        "step empty at eof",
        "step start:\n",
        "1:12",
        "unexpected end of file, expected an indented block",
        None,
        None,
    ),
    Case(
        "gather colon no block",
        "step start:\n    gather -> /h:\n",
        "2:18",
        "unexpected end of the block, expected an indented block",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "gather body not indented",
        'step start:\n    gather digits 1 -> /h:\n    say "x"\n',
        "3:5",
        "unexpected `say`, expected an indented block",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "verb outside step",
        'step start:\n    say "a"\nhangup\n',
        "3:1",
        "unexpected `hangup`, expected `step` or the end of the file",
        "a verb belongs to a step: indent it under the step's line",
        None,
    ),
    Case(
        "flow extra word",
        "flow my flow\nstep start:\n    hangup\n",
        "1:6",
        "a flow name is one word: letters, digits and `_`",
        "write `my_flow`",
        None,
    ),
    Case(
        "loop not number",
        'step start:\n    say "Hi" loop twice\n',
        "2:19",
        "unexpected `twice`, expected a whole number",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "option value missing at the end of the line",
        'step start:\n    dial "+15550001111" record\n',
        "2:31",
        "unexpected end of line, expected a word",
        "`record` needs a value: `do-not-record`, `record-from-answer`, `record-from-ringing`, "
        "`record-from-answer-dual`, `record-from-ringing-dual`",
        "in step `start`, opened here",
    ),
    Case(
        "duration missing at the end of the line",
        "step start:\n    gather timeout # how long?\n        say \"Hi\"\n",
        "2:20",
        "unexpected end of line, expected a duration such as `20s` or a whole number",
        "`timeout` needs a value: at least `1s`",
        "in step `start`, opened here",
    ),
    Case(
        "arrow twice",
        "step start:\n    redirect -> a -> b\n",
        "2:19",
        "unexpected `->`, expected the end of the line",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "smart quotes",
        "step start:\n    say “Hello”\n",
        "2:9",
        'unexpected character `“`, expected a quoted string ("...")',
        'write text in straight double quotes: "..."',
        "in step `start`, opened here",
    ),
    Case(
        "step name with dash",
        "step main-menu:\n    hangup\n",
        "1:10",
        "unexpected character `-`, expected `:`",
        "a step name is letters, digits and `_`: write `_` for `-`",
        None,
    ),
    Case(
        "setting outside header",
        "step start:\n    context client\n",
        "2:5",
        "unexpected `context`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "`context` is a setting: put it indented under the `flow NAME` line",
        "in step `start`, opened here",
    ),
    Case(
        "kw when",
        'step start:\n    when digits "1" -> a\n    otherwse -> a\nstep a:\n    hangup\n',
        "3:5",
        "unexpected `otherwse`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms), a branch (`when`, `otherwise`) or the end of the block",
        "did you mean `otherwise`?",
        "in step `start`, opened here",
    ),
    Case(
        "kw when typo",
        'step start:\n    wen digits "1" -> a\n',
        "2:5",
        "unexpected `wen`, expected a verb (say, play, pause, record, gather, redirect, hangup, reject, dial, leave, echo, enqueue, start, stop, connect, pay, refer, sms) or a branch (`when`, `otherwise`)",
        "did you mean `when`?",
        "in step `start`, opened here",
    ),
    Case(
        "when missing arrow",
        'step start:\n    when digits "1" sales\n',
        "2:21",
        "unexpected `sales`, expected `->`",
        "write `-> sales` to go to the step `sales`",
        "in step `start`, opened here",
    ),
    Case(
        "when unquoted key",
        "step start:\n    when digits 1 -> sales\n",
        "2:17",
        'the keys of `when` are quoted after `digits`: `when digits "1"`',
        'write `when digits "1" -> sales`',
        "in step `start`, opened here",
    ),
    Case(
        "when no digits",
        'step start:\n    when "1" -> sales\n',
        "2:10",
        'unexpected `"1"`, expected `digits`',
        None,
        "in step `start`, opened here",
    ),
    Case(
        "otherwise url",
        "step start:\n    otherwise -> /menu\n",
        "2:18",
        "unexpected `/menu`, expected a `flow.step` reference or a step name",
        None,
        "in step `start`, opened here",
    ),
    Case(
        "nested gather error",
        'step start:\n    gather digits 1 -> next:\n        say "a" lop 2\nstep next:\n    hangup\n',
        "3:17",
        "unexpected `lop`, expected `language`, `loop`, `voice` or the end of the line",
        "did you mean `loop`?",
        "in the `gather` block, opened here",
    ),
    Case(
        "reject reason quoted",
        'step start:\n    reject "busy"\n',
        "2:12",
        'unexpected `"busy"`, expected a word or the end of the line',
        None,
        "in step `start`, opened here",
    ),
    Case(
        "transcribe typo url",
        "step start:\n    record max 20s transcribe htp//x -> /h\n",
        "2:31",
        "`htp//` is not a URL's scheme: a URL starts with `https://` or `http://`",
        "write `http://`",
        "in step `start`, opened here",
    ),
    Case(
        "glued keyword",
        "step start:\n    record max 20s beeps -> /h\n",
        "2:20",
        "unexpected `beeps`, expected `beep` followed by a space",
        "did you mean `beep`?",
        "in step `start`, opened here",
    ),
    Case(
        "glued option",
        'step start:\n    say "x" loops 2\n',
        "2:13",
        "unexpected `loops`, expected `loop` followed by a space",
        "did you mean `loop`?",
        "in step `start`, opened here",
    ),
    Case(
        "glued event keyword",
        "step start:\n    record status /s onn completed -> /h\n",
        "2:22",
        "unexpected `onn`, expected `on` followed by a space",
        "did you mean `on`?",
        "in step `start`, opened here",
    ),
    Case(
        "glued no beep",
        "step start:\n    record max 20s nobeep -> /h\n",
        "2:20",
        "unexpected `nobeep`, expected `no` followed by a space",
        "put a space after `no`: `no beep`",
        "in step `start`, opened here",
    ),
    Case(
        "glued timeout off",
        "step start:\n    record max 20s timeoutoff -> /h\n",
        "2:20",
        "unexpected `timeoutoff`, expected `timeout` followed by a space",
        "put a space after `timeout`: `timeout off`",
        "in step `start`, opened here",
    ),
    Case(
        "glued step name",
        "stepstart:\n    hangup\n",
        "1:1",
        "unexpected `stepstart`, expected `step` followed by a space",
        "put a space after `step`: `step start`",
        None,
    ),
    Case(
        "glued transcribe url",
        "step start:\n    record max 20s transcribehttps://example.com/t -> /h\n",
        "2:20",
        "unexpected `transcribehttps://example.com/t`, expected `transcribe` followed by a space",
        "put a space after `transcribe`: `transcribe https://example.com/t`",
        "in step `start`, opened here",
    ),
    Case(
        "label near finish",
        'step start:\n    record finished "#" -> /h\n',
        "2:12",
        "unexpected `finished`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `finish`?",
        "in step `start`, opened here",
    ),
    Case(
        "duration word unit",
        "step start:\n    record max 20sec -> /h\n",
        "2:16",
        "`20sec` is not a duration",
        "a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
        "in step `start`, opened here",
    ),
    Case(
        "opt speech-timeout alone",
        "step start:\n    gather speech-timout 5s -> /h\n",
        "2:12",
        "unexpected `speech-timout`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), `->` or the end of the line",
        "did you mean `speech-timeout`?",
        "in step `start`, opened here",
    ),
    Case(
        "duration in minutes spelt out",
        'step start:\n    dial "+15551234567" time-limit 5min\n',
        "2:36",
        "`5min` is not a duration",
        "a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
        "in step `start`, opened here",
    ),
    Case(
        "a count is not a duration",
        "step start:\n    gather digits 4x -> /h\n",
        "2:20",
        "unexpected `x`, expected an option of `gather` (`action-on-empty-result`, `barge-in`, `debug`, …), `->` or the end of the line",
        None,
        "in step `start`, opened here",
    ),
]


class Habit(NamedTuple):
    """A habit from TwiML, Python, YAML or JSON: the span of the whole
    mistake, the message and hint, and the file after its fix (``None``:
    no mechanical fix says what was meant)."""

    name: str
    source: str
    span: str  # line:col-end_line:end_col
    message: str
    hint: str | None
    fixed: str | None
    code: str = "FL001"


HABITS = [
    Habit(
        "a noun on its verb's line",
        "step start:\n    dial queue support -> start\n",
        "2:10-2:15",
        "`queue` is a noun of `dial`: it goes on a line of its own in `dial`'s block",
        "write `dial -> start:` and, indented below it, `queue support`",
        None,
    ),
    Habit(
        "an amount is not a duration",
        "step start:\n    pay charge-amount 10.00 -> /paid\n",
        "2:23-2:28",
        "the value of `charge-amount` is written in double quotes",
        'write `charge-amount "10.00"`',
        'step start:\n    pay charge-amount "10.00" -> /paid\n',
    ),
    Habit(
        "a SIP URI unquoted",
        "step start:\n    refer:\n        sip sip:alice@example.com\n",
        "3:13-3:34",
        "`sip` takes its SIP URI in double quotes",
        'write `sip "sip:alice@example.com"`',
        'step start:\n    refer:\n        sip "sip:alice@example.com"\n',
    ),
    Habit(
        "a number unquoted",
        "step start:\n    dial:\n        number +15557654321\n",
        "3:16-3:28",
        "`number` takes its number in double quotes",
        'write `number "+15557654321"`',
        'step start:\n    dial:\n        number "+15557654321"\n',
    ),
    Habit(
        "a noun's block without a colon",
        "step start:\n    dial:\n        client\n            identity alice\n",
        "3:15-3:16",
        "a `client` line with a block under it ends with `:`",
        "write `client:`",
        "step start:\n    dial:\n        client:\n            identity alice\n",
    ),
    Habit(
        "maxLength 20",
        "step start:\n    record maxLength 20 -> /h\n",
        "2:12-2:24",
        "`maxLength 20` is TwiML's spelling: the option is `max`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "maxLength=20",
        "step start:\n    record maxLength=20 -> /h\n",
        "2:12-2:24",
        "`maxLength=20` is TwiML's spelling: the option is `max`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "max_length 20s",
        "step start:\n    record max_length 20s -> /h\n",
        "2:12-2:26",
        "`max_length 20s` is TwiML's spelling: the option is `max`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "maxlength 20",
        "step start:\n    record maxlength 20 -> /h\n",
        "2:12-2:24",
        "`maxlength 20` is TwiML's spelling: the option is `max`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "max-length 20",
        "step start:\n    record max-length 20 -> /h\n",
        "2:12-2:25",
        "`max-length 20` is TwiML's spelling: the option is `max`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        'finishOnKey "#"',
        'step start:\n    record finishOnKey "#" -> /h\n',
        "2:12-2:27",
        '`finishOnKey "#"` is TwiML\'s spelling: the option is `finish`',
        'write `finish "#"`',
        'step start:\n    record finish "#" -> /h\n',
    ),
    Habit(
        "finishOnKey=#",
        "step start:\n    record finishOnKey=# -> /h\n",
        "2:12-2:25",
        "`finishOnKey=#` is TwiML's spelling: the option is `finish`",
        'write `finish "#"`',
        'step start:\n    record finish "#" -> /h\n',
    ),
    Habit(
        "playBeep=false",
        "step start:\n    record playBeep=false -> /h\n",
        "2:12-2:26",
        "`playBeep=false` is TwiML's spelling: the option is `beep`",
        "write `no beep`",
        "step start:\n    record no beep -> /h\n",
    ),
    Habit(
        "playBeep false",
        "step start:\n    record playBeep false -> /h\n",
        "2:12-2:26",
        "`playBeep false` is TwiML's spelling: the option is `beep`",
        "write `no beep`",
        "step start:\n    record no beep -> /h\n",
    ),
    Habit(
        "playBeep",
        "step start:\n    record max 20s playBeep -> /h\n",
        "2:20-2:28",
        "`playBeep` is TwiML's spelling: the option is `beep`",
        "write `beep`",
        "step start:\n    record max 20s beep -> /h\n",
    ),
    Habit(
        "playBeep (2)",
        "step start:\n    record playBeep -> /h\n",
        "2:12-2:20",
        "the recording's label `playBeep` is TwiML's name for the option `beep`",
        "write `beep`",
        "step start:\n    record beep -> /h\n",
        code="FL060",
    ),
    Habit(
        "transcribe=true",
        "step start:\n    record transcribe=true -> /h\n",
        "2:12-2:27",
        "`transcribe=true`: an option and its value are separated by a space, not `=` or `:`",
        "write `transcribe`",
        "step start:\n    record transcribe -> /h\n",
    ),
    Habit(
        "transcribeCallback=/t",
        "step start:\n    record transcribeCallback=/t -> /h\n",
        "2:12-2:33",
        "`transcribeCallback=/t` is TwiML's spelling: the option is `transcribe`",
        "write `transcribe /t`",
        "step start:\n    record transcribe /t -> /h\n",
    ),
    Habit(
        "recordingStatusCallback /s",
        "step start:\n    record recordingStatusCallback /s -> /h\n",
        "2:12-2:38",
        "`recordingStatusCallback /s` is TwiML's spelling: the option is `status`",
        "write `status /s`",
        "step start:\n    record status /s -> /h\n",
    ),
    Habit(
        'trim="do-not-trim"',
        'step start:\n    record trim="do-not-trim" -> /h\n',
        "2:12-2:30",
        '`trim="do-not-trim"`: an option and its value are separated by a space, not `=` or `:`',
        "write `no trim`",
        "step start:\n    record no trim -> /h\n",
    ),
    Habit(
        "numDigits 4",
        "step start:\n    gather numDigits 4 -> /h\n",
        "2:12-2:23",
        "`numDigits 4` is TwiML's spelling: the option is `digits`",
        "write `digits 4`",
        "step start:\n    gather digits 4 -> /h\n",
    ),
    Habit(
        'numDigits="4"',
        'step start:\n    gather numDigits="4" -> /h\n',
        "2:12-2:25",
        '`numDigits="4"` is TwiML\'s spelling: the option is `digits`',
        "write `digits 4`",
        "step start:\n    gather digits 4 -> /h\n",
    ),
    Habit(
        "num_digits 4",
        "step start:\n    gather num_digits 4 -> /h\n",
        "2:12-2:24",
        "`num_digits 4` is TwiML's spelling: the option is `digits`",
        "write `digits 4`",
        "step start:\n    gather digits 4 -> /h\n",
    ),
    Habit(
        "speechTimeout auto",
        "step start:\n    gather speechTimeout auto -> /h\n",
        "2:12-2:30",
        "`speechTimeout auto` is TwiML's spelling: the option is `speech-timeout`",
        "write `speech-timeout auto`",
        "step start:\n    gather speech-timeout auto -> /h\n",
    ),
    Habit(
        "speechTimeout=auto",
        "step start:\n    gather input speech speechTimeout=auto -> /h\n",
        "2:25-2:43",
        "`speechTimeout=auto` is TwiML's spelling: the option is `speech-timeout`",
        "write `speech-timeout auto`",
        "step start:\n    gather input speech speech-timeout auto -> /h\n",
    ),
    Habit(
        'finishOnKey "*"',
        'step start:\n    gather finishOnKey "*" -> /h\n',
        "2:12-2:27",
        '`finishOnKey "*"` is TwiML\'s spelling: the option is `finish`',
        'write `finish "*"`',
        'step start:\n    gather finish "*" -> /h\n',
    ),
    Habit(
        "profanityFilter false",
        "step start:\n    gather profanityFilter false -> /h\n",
        "2:12-2:33",
        "`profanityFilter false` is TwiML's spelling: the option is `profanity-filter`",
        "write `no profanity-filter`",
        "step start:\n    gather no profanity-filter -> /h\n",
    ),
    Habit(
        "numDigits 4 (2)",
        "step start:\n    record numDigits 4 -> /h\n",
        "2:12-2:23",
        "`numDigits` is TwiML's name for `digits`, an option of `gather`, not of `record`",
        "remove it: the options of `record` are `max`, `timeout`, `finish`, `beep`, `trim`, `transcribe`, "
        "`status` and `recording-configuration-id`",
        None,
    ),
    Habit(
        "timeLimit 60",
        'step start:\n    dial "+15551234567" timeLimit 60\n',
        "2:25-2:37",
        "`timeLimit 60` is TwiML's spelling: the option is `time-limit`",
        "write `time-limit 60s`",
        'step start:\n    dial "+15551234567" time-limit 60s\n',
    ),
    Habit(
        'callerId "+15550000000"',
        'step start:\n    dial "+15551234567" callerId "+15550000000"\n',
        "2:25-2:48",
        '`callerId "+15550000000"` is TwiML\'s spelling: the option is `caller-id`',
        'write `caller-id "+15550000000"`',
        'step start:\n    dial "+15551234567" caller-id "+15550000000"\n',
    ),
    Habit(
        'caller_id "+15550000000"',
        'step start:\n    dial "+15551234567" caller_id "+15550000000"\n',
        "2:25-2:49",
        '`caller_id "+15550000000"` is TwiML\'s spelling: the option is `caller-id`',
        'write `caller-id "+15550000000"`',
        'step start:\n    dial "+15551234567" caller-id "+15550000000"\n',
    ),
    Habit(
        "time_limit 1h",
        'step start:\n    dial "+15551234567" time_limit 1h\n',
        "2:25-2:38",
        "`time_limit 1h` is TwiML's spelling: the option is `time-limit`",
        "write `time-limit 1h`",
        'step start:\n    dial "+15551234567" time-limit 1h\n',
    ),
    Habit(
        "timeout=30",
        'step start:\n    dial "+15551234567" timeout=30\n',
        "2:25-2:35",
        "`timeout=30`: an option and its value are separated by a space, not `=` or `:`",
        "write `timeout 30s`",
        'step start:\n    dial "+15551234567" timeout 30s\n',
    ),
    Habit(
        "maxLength 20 (2)",
        "step start:\n    gather maxLength 20 -> /h\n",
        "2:12-2:24",
        "`maxLength` is TwiML's name for `max`, an option of `record`, not of `gather`",
        "remove it: the options of `gather` are `digits`, `timeout`, `finish`, `input`, `speech-timeout`, `hints`, "
        "`language`, `profanity-filter`, `max-speech-time`, `partial-result`, `barge-in`, `debug`, "
        "`action-on-empty-result`, `speech-model` and `enhanced`",
        None,
    ),
    Habit(
        "Say",
        'step start:\n    Say "Hello"\n',
        "2:5-2:8",
        "`Say` is TwiML's element: the verb is written `say`",
        "write `say`",
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "Hangup",
        "step start:\n    Hangup\n",
        "2:5-2:11",
        "`Hangup` is TwiML's element: the verb is written `hangup`",
        "write `hangup`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "()",
        "step start:\n    hangup()\n",
        "2:11-2:13",
        "`hangup` is a verb, not a function: it takes no parentheses",
        "write `hangup`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "=>",
        "step start:\n    redirect => /next\n",
        "2:14-2:16",
        "`=>` is not an arrow: the arrow is written `->`",
        "write `->`",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        "→",
        "step start:\n    redirect → /next\n",
        "2:14-2:15",
        "`→` is not an arrow: the arrow is written `->`",
        "write `->`",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        "-->",
        "step start:\n    record --> /h\n",
        "2:12-2:15",
        "`-->` is not an arrow: the arrow is written `->`",
        "write `->`",
        "step start:\n    record -> /h\n",
    ),
    Habit(
        "'Hello'",
        "step start:\n    say 'Hello'\n",
        "2:9-2:16",
        "text is written in double quotes, not single quotes",
        'write "Hello"',
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "'+15551234567'",
        "step start:\n    dial '+15551234567'\n",
        "2:10-2:24",
        "text is written in double quotes, not single quotes",
        'write "+15551234567"',
        'step start:\n    dial "+15551234567"\n',
    ),
    Habit(
        "input dtmf, speech",
        "step start:\n    gather input dtmf, speech -> /h\n",
        "2:12-2:30",
        "the words of `input` are separated by spaces, not commas",
        "write `input dtmf speech`",
        "step start:\n    gather input dtmf speech -> /h\n",
    ),
    Habit(
        "input dtmf,speech",
        "step start:\n    gather input dtmf,speech -> /h\n",
        "2:12-2:29",
        "the words of `input` are separated by spaces, not commas",
        "write `input dtmf speech`",
        "step start:\n    gather input dtmf speech -> /h\n",
    ),
    Habit(
        "input [dtmf, speech]",
        "step start:\n    gather input [dtmf, speech] -> /h\n",
        "2:12-2:32",
        "the words of `input` are separated by spaces, not commas",
        "write `input dtmf speech`",
        "step start:\n    gather input dtmf speech -> /h\n",
    ),
    Habit(
        "on completed, absent",
        "step start:\n    record status /s on completed, absent -> /h\n",
        "2:22-2:42",
        "the words of `on` are separated by spaces, not commas",
        "write `on completed absent`",
        "step start:\n    record status /s on completed absent -> /h\n",
    ),
    Habit(
        "max=20s",
        "step start:\n    record max=20s -> /h\n",
        "2:12-2:19",
        "`max=20s`: an option and its value are separated by a space, not `=` or `:`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "max: 20s",
        "step start:\n    record max: 20s -> /h\n",
        "2:12-2:20",
        "`max: 20s`: an option and its value are separated by a space, not `=` or `:`",
        "write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "voice=alice",
        'step start:\n    say "Hi" voice=alice\n',
        "2:14-2:25",
        "`voice=alice`: an option and its value are separated by a space, not `=` or `:`",
        "write `voice alice`",
        'step start:\n    say "Hi" voice alice\n',
    ),
    Habit(
        "voice: alice",
        'step start:\n    say "Hi" voice: alice\n',
        "2:14-2:26",
        "`voice: alice`: an option and its value are separated by a space, not `=` or `:`",
        "write `voice alice`",
        'step start:\n    say "Hi" voice alice\n',
    ),
    Habit(
        "loop=2",
        'step start:\n    say "Hi" loop=2\n',
        "2:14-2:20",
        "`loop=2`: an option and its value are separated by a space, not `=` or `:`",
        "write `loop 2`",
        'step start:\n    say "Hi" loop 2\n',
    ),
    Habit(
        "beep=false",
        "step start:\n    record beep=false -> /h\n",
        "2:12-2:22",
        "`beep=false`: an option and its value are separated by a space, not `=` or `:`",
        "write `no beep`",
        "step start:\n    record no beep -> /h\n",
    ),
    Habit(
        "beep false",
        "step start:\n    record beep false -> /h\n",
        "2:12-2:22",
        "`beep false`: `beep` is a switch, written `beep` or `no beep`",
        "write `no beep`",
        "step start:\n    record no beep -> /h\n",
    ),
    Habit(
        "transcribe true",
        "step start:\n    record transcribe true -> /h\n",
        "2:12-2:27",
        "`transcribe true`: `transcribe` is a switch, written `transcribe` or `no transcribe`",
        "write `transcribe`",
        "step start:\n    record transcribe -> /h\n",
    ),
    Habit(
        "2 seconds",
        "step start:\n    pause 2 seconds\n",
        "2:11-2:20",
        "`2 seconds` is written `2s`",
        "write `2s`",
        "step start:\n    pause 2s\n",
    ),
    Habit(
        "20 seconds",
        "step start:\n    record max 20 seconds -> /h\n",
        "2:16-2:26",
        "`20 seconds` is written `20s`",
        "write `20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "5 minutes",
        'step start:\n    dial "+15551234567" time-limit 5 minutes\n',
        "2:36-2:45",
        "`5 minutes` is written `5m`",
        "write `5m`",
        'step start:\n    dial "+15551234567" time-limit 5m\n',
    ),
    Habit(
        "5 sec",
        "step start:\n    gather timeout 5 sec -> /h\n",
        "2:20-2:25",
        "`5 sec` is written `5s`",
        "write `5s`",
        "step start:\n    gather timeout 5s -> /h\n",
    ),
    Habit(
        "max 20s voicemail",
        "step start:\n    record max 20s voicemail -> /h\n",
        "2:12-2:29",
        "the recording's label `voicemail` comes right after `record`, before the options",
        "write `record voicemail max 20s`",
        "step start:\n    record voicemail max 20s -> /h\n",
    ),
    Habit(
        "beep voicemail",
        "step start:\n    record beep voicemail -> /h\n",
        "2:12-2:26",
        "the recording's label `voicemail` comes right after `record`, before the options",
        "write `record voicemail beep`",
        "step start:\n    record voicemail beep -> /h\n",
    ),
    Habit(
        "-> /h max 20s",
        "step start:\n    record -> /h max 20s\n",
        "2:12-2:25",
        "`->` and its target end the line: options come before it",
        "write `max 20s -> /h`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "-> /h digits 1",
        "step start:\n    gather -> /h digits 1\n",
        "2:12-2:26",
        "`->` and its target end the line: options come before it",
        "write `digits 1 -> /h`",
        "step start:\n    gather digits 1 -> /h\n",
    ),
    Habit(
        "-> next digits 1",
        'step start:\n    gather -> next digits 1:\n        say "Press 1"\nstep next:\n    hangup\n',
        "2:12-2:28",
        "`->` and its target end the line: options come before it",
        "write `digits 1 -> next`",
        'step start:\n    gather digits 1 -> next:\n        say "Press 1"\nstep next:\n    hangup\n',
    ),
    Habit(
        "gather digits 1 -> next",
        'step start:\n    gather digits 1 -> next\n        say "Press 1"\nstep next:\n    hangup\n',
        "2:28-2:29",
        "a `gather` with a block of prompts under it ends with `:`",
        "write `gather digits 1 -> next:`",
        'step start:\n    gather digits 1 -> next:\n        say "Press 1"\nstep next:\n    hangup\n',
    ),
    Habit(
        "step",
        'step start:\n    say "a"\n    step next:\n        hangup\n',
        "3:1-3:9",
        "a `step` line starts at the beginning of the line: steps do not nest",
        "remove the indentation before `step`",
        'step start:\n    say "a"\nstep next:\n        hangup\n',
    ),
    Habit(
        "main-menu",
        "flow main-menu\nstep start:\n    hangup\n",
        "1:6-1:15",
        "`main-menu` is not a flow name: a flow name is letters, digits and `_`",
        "write `main_menu`",
        "flow main_menu\nstep start:\n    hangup\n",
    ),
    Habit(
        "main-menu (2)",
        "step start:\n    redirect -> main-menu\nstep main_menu:\n    hangup\n",
        "2:17-2:26",
        "`main-menu` is not a step name: a step name is letters, digits and `_`",
        "write `main_menu`",
        "step start:\n    redirect -> main_menu\nstep main_menu:\n    hangup\n",
    ),
    Habit(
        "billing.main-menu",
        "step start:\n    redirect -> billing.main-menu\n",
        "2:17-2:34",
        "`billing.main-menu` is not a step name: a step name is letters, digits and `_`",
        "write `billing.main_menu`",
        "step start:\n    redirect -> billing.main_menu\n",
    ),
    Habit(
        'voice alice "Hello"',
        'step start:\n    say voice alice "Hello"\n',
        "2:9-2:28",
        "the text of `say` comes right after it, before the options",
        'write `say "Hello" voice alice`',
        'step start:\n    say "Hello" voice alice\n',
    ),
    Habit(
        'voice alice language en-US "Hello"',
        'step start:\n    say voice alice language en-US "Hello"\n',
        "2:9-2:43",
        "the text of `say` comes right after it, before the options",
        'write `say "Hello" voice alice language en-US`',
        'step start:\n    say "Hello" voice alice language en-US\n',
    ),
    Habit(
        "loop 2 /a.mp3",
        "step start:\n    play loop 2 /a.mp3\n",
        "2:10-2:23",
        "the url of `play` comes right after it, before the options",
        "write `play /a.mp3 loop 2`",
        "step start:\n    play /a.mp3 loop 2\n",
    ),
    Habit(
        'timeout 20s "+15551234567"',
        'step start:\n    dial timeout 20s "+15551234567"\n',
        "2:10-2:36",
        "the number of `dial` comes right after it, before the options",
        'write `dial "+15551234567" timeout 20s`',
        'step start:\n    dial "+15551234567" timeout 20s\n',
    ),
    Habit(
        "example.com/next",
        "step start:\n    redirect -> example.com/next\n",
        "2:17-2:33",
        "`example.com/next` has no scheme: a URL starts with `https://` (without one, it reads as a step of another flow)",
        "write `https://example.com/next`",
        "step start:\n    redirect -> https://example.com/next\n",
    ),
    Habit(
        "www.example.com",
        "step start:\n    redirect -> www.example.com\n",
        "2:17-2:32",
        "`www.example.com` has no scheme: a URL starts with `https://` (without one, it reads as a step of another flow)",
        "write `https://www.example.com`",
        "step start:\n    redirect -> https://www.example.com\n",
    ),
    Habit(
        "example.com/a.mp3",
        "step start:\n    play example.com/a.mp3\n",
        "2:10-2:27",
        "`example.com/a.mp3` has no scheme: a URL starts with `https://` (without one, it reads as a step of another flow)",
        "write `https://example.com/a.mp3`",
        "step start:\n    play https://example.com/a.mp3\n",
    ),
    Habit(
        "example.com/next (2)",
        "step start:\n    redirect -> GET example.com/next\n",
        "2:21-2:37",
        "`example.com/next` has no scheme: a URL starts with `https://` (without one, it reads as a step of another flow)",
        "write `https://example.com/next`",
        "step start:\n    redirect -> GET https://example.com/next\n",
    ),
    Habit(
        "maxLength",
        "step start:\n    record maxLength -> /h\n",
        "2:12-2:21",
        "the recording's label `maxLength` is TwiML's name for the option `max`",
        "write `max DURATION`; `max 1h` is Twilio's default",
        "step start:\n    record max 1h -> /h\n",
        code="FL060",
    ),
    Habit(
        "numDigits",
        "step start:\n    record numDigits -> /h\n",
        "2:12-2:21",
        "the recording's label `numDigits` is TwiML's name for `digits`, an option of `gather`, not of `record`",
        "remove `numDigits`, or rename the label",
        None,
        code="FL060",
    ),
    Habit(
        'hints="yes, no"',
        'step start:\n    gather hints="yes, no" -> /h\n',
        "2:12-2:27",
        '`hints="yes, no"`: an option and its value are separated by a space, not `=` or `:`',
        'write `hints "yes, no"`',
        'step start:\n    gather hints "yes, no" -> /h\n',
    ),
    Habit(
        "language=fr-FR",
        "step start:\n    gather language=fr-FR -> /h\n",
        "2:12-2:26",
        "`language=fr-FR`: an option and its value are separated by a space, not `=` or `:`",
        "write `language fr-FR`",
        "step start:\n    gather language fr-FR -> /h\n",
    ),
    Habit(
        'input="dtmf speech"',
        'step start:\n    gather input="dtmf speech" -> /h\n',
        "2:12-2:31",
        '`input="dtmf speech"`: an option and its value are separated by a space, not `=` or `:`',
        "write `input dtmf speech`",
        "step start:\n    gather input dtmf speech -> /h\n",
    ),
    Habit(
        'voice="Polly.Joanna"',
        'step start:\n    say "Hi" voice="Polly.Joanna"\n',
        "2:14-2:34",
        '`voice="Polly.Joanna"`: an option and its value are separated by a space, not `=` or `:`',
        "write `voice Polly.Joanna`",
        'step start:\n    say "Hi" voice Polly.Joanna\n',
    ),
    Habit(
        "loop=0",
        "step start:\n    play /a.mp3 loop=0\n",
        "2:17-2:23",
        "`loop=0`: an option and its value are separated by a space, not `=` or `:`",
        "write `loop 0`",
        "step start:\n    play /a.mp3 loop 0\n",
    ),
    Habit(
        "Pause",
        "step start:\n    Pause 2s\n",
        "2:5-2:10",
        "`Pause` is TwiML's element: the verb is written `pause`",
        "write `pause`",
        "step start:\n    pause 2s\n",
    ),
    Habit(
        "an SSML element as XML",
        'step start:\n    say "Hi":\n        <break time="500ms"/>\n',
        "3:9-3:30",
        "`<break>` is TwiML's element: the line is written `break 500ms`",
        "write `break 500ms`",
        'step start:\n    say "Hi":\n        break 500ms\n',
    ),
    Habit(
        "a whole TwiML element with attributes",
        'step start:\n    <Record maxLength="20" action="/done" method="GET"/>\n',
        "2:5-2:57",
        "`<Record>` is TwiML's element: the line is written `record max 20s -> GET /done`",
        "write `record max 20s -> GET /done`",
        "step start:\n    record max 20s -> GET /done\n",
    ),
    Habit(
        "a noun as XML with its text",
        'step start:\n    dial:\n        <Number sendDigits="ww12">+15551234567</Number>\n',
        "3:9-3:56",
        '`<Number>` is TwiML\'s element: the line is written `number "+15551234567" send-digits "ww12"`',
        'write `number "+15551234567" send-digits "ww12"`',
        'step start:\n    dial:\n        number "+15551234567" send-digits "ww12"\n',
    ),
    Habit(
        "JSON written bare",
        'step start:\n    enqueue support:\n        task {"team": "x"}\n',
        "3:14-3:27",
        '`task` takes its JSON in double quotes, with its own quotes written `\\"`',
        'write `task "{\\"team\\": \\"x\\"}"`',
        'step start:\n    enqueue support:\n        task "{\\"team\\": \\"x\\"}"\n',
    ),
    Habit(
        "parameter with TwiML's attribute names",
        'step start:\n    hangup:\n        parameter name "x" value "y"\n',
        "3:19-3:37",
        'a `parameter` line is written `parameter NAME "VALUE"`, without TwiML\'s attribute names',
        'write `parameter x "y"`',
        'step start:\n    hangup:\n        parameter x "y"\n',
    ),
    Habit(
        "action written as a word before a block",
        'step start:\n    connect action /after:\n        room "x"\n',
        "2:13-2:26",
        "`action /after` is TwiML's spelling: the action is written `->` and its target",
        "write `-> /after` at the end of the line",
        'step start:\n    connect -> /after:\n        room "x"\n',
    ),
    Habit(
        "a bare string value before a block's colon",
        "step start:\n    connect:\n        virtual-agent connector-name uniqueName:\n            config a \"b\"\n",
        "3:38-3:48",
        "the value of `connector-name` is written in double quotes",
        'write `connector-name "uniqueName"`',
        'step start:\n    connect:\n        virtual-agent connector-name "uniqueName":\n            config a "b"\n',
    ),
    Habit(
        "a camel-case value of a string option",
        "step start:\n    connect:\n        virtual-agent connector-name uniqueName\n",
        "3:38-3:48",
        "the value of `connector-name` is written in double quotes",
        'write `connector-name "uniqueName"`',
        'step start:\n    connect:\n        virtual-agent connector-name "uniqueName"\n',
    ),
    Habit(
        "text without quotes",
        "step start:\n    say Hello there\n",
        "2:9-2:20",
        "`say` takes its text in double quotes",
        'write `say "Hello there"`',
        'step start:\n    say "Hello there"\n',
    ),
    Habit(
        "a list in quotes",
        'step start:\n    gather input "speech dtmf" -> start:\n        say "x"\n',
        "2:18-2:31",
        "the words of `input` are written without quotes",
        "write `input speech dtmf`",
        'step start:\n    gather input speech dtmf -> start:\n        say "x"\n',
    ),
    Habit(
        "a value without its option",
        'step start:\n    pay -> /p:\n        prompt payment-card-number:\n            say "Card"\n',
        "3:16-3:35",
        "`payment-card-number` is a value of `for`, written after it",
        "write `for payment-card-number`",
        'step start:\n    pay -> /p:\n        prompt for payment-card-number:\n            say "Card"\n',
    ),
    Habit(
        "a step's line not indented",
        'step start:\nsay "Hi"\n',
        "2:1-2:2",
        "the lines of a step are indented under it",
        "indent it by four spaces",
        'step start:\n    say "Hi"\n',
    ),
    Habit(
        "<Hangup/>",
        "step start:\n    <Hangup/>\n",
        "2:5-2:14",
        "`<Hangup/>` is TwiML's element: the verb is written `hangup`",
        "write `hangup`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "-> /done timeout 20s",
        'step start:\n    dial "+15551234567" -> /done timeout 20s\n',
        "2:25-2:45",
        "`->` and its target end the line: options come before it",
        "write `timeout 20s -> /done`",
        'step start:\n    dial "+15551234567" timeout 20s -> /done\n',
    ),
    Habit(
        "timeout=0",
        "step start:\n    record timeout=0 -> /h\n",
        "2:12-2:21",
        "`timeout=0`: an option and its value are separated by a space, not `=` or `:`",
        "write `timeout off`",
        "step start:\n    record timeout off -> /h\n",
    ),
    Habit(
        "transcribeCallback /t",
        "step start:\n    record transcribeCallback /t -> /h\n",
        "2:12-2:33",
        "`transcribeCallback /t` is TwiML's spelling: the option is `transcribe`",
        "write `transcribe /t`",
        "step start:\n    record transcribe /t -> /h\n",
    ),
    Habit(
        "statusCallback",
        "step start:\n    record statusCallback /s -> /h\n",
        "2:12-2:26",
        "unexpected `statusCallback`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `status`?",
        "step start:\n    record status /s -> /h\n",
    ),
    Habit(
        'action="/h" digits 1',
        'step start:\n    gather action="/h" digits 1\n',
        "2:12-2:32",
        '`action="/h"` is TwiML\'s spelling: the action is written `->` and its target',
        "write `-> /h` at the end of the line",
        "step start:\n    gather digits 1 -> /h\n",
    ),
    Habit(
        "5 seconds",
        "step start:\n    record timeout 5 seconds -> /h\n",
        "2:20-2:29",
        "`5 seconds` is written `5s`",
        "write `5s`",
        "step start:\n    record timeout 5s -> /h\n",
    ),
    Habit(
        "/next",
        "step start:\n    redirect /next\n",
        "2:14-2:19",
        "the target of `redirect` follows `->`",
        "write `-> /next`",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        'number="+15551234567"',
        'step start:\n    dial number="+15551234567"\n',
        "2:10-2:31",
        "the number of `dial` is written without its name",
        'write `dial "+15551234567"`',
        'step start:\n    dial "+15551234567"\n',
    ),
    Habit(
        "serviceInstanceSid",
        'step start:\n    dial:\n        conversation serviceInstanceSid "IS00000000000000000000000000000000"\n',
        "3:22-3:77",
        "the service of `conversation` is written without its name",
        'write `conversation "IS00000000000000000000000000000000"`',
        'step start:\n    dial:\n        conversation "IS00000000000000000000000000000000"\n',
    ),
    Habit(
        "service-instance-sid=",
        'step start:\n    dial:\n        conversation service-instance-sid="IS00000000000000000000000000000000"\n',
        "3:22-3:79",
        "the service of `conversation` is written without its name",
        'write `conversation "IS00000000000000000000000000000000"`',
        'step start:\n    dial:\n        conversation "IS00000000000000000000000000000000"\n',
    ),
    Habit(
        "length=2",
        "step start:\n    pause length=2\n",
        "2:11-2:19",
        "the length of `pause` is written without its name",
        "write `pause 2s`",
        "step start:\n    pause 2s\n",
    ),
    Habit(
        ";",
        "step start:\n    hangup;\n",
        "2:11-2:12",
        "a line ends without `;`",
        "remove the `;`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "; (2)",
        'step start:\n    say "Hi";\n',
        "2:13-2:14",
        "a line ends without `;`",
        "remove the `;`",
        'step start:\n    say "Hi"\n',
    ),
    Habit(
        "step: start",
        "step: start\n    hangup\n",
        "1:1-1:12",
        "a step is written `step NAME:`",
        "write `step start:`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "step start()",
        "step start():\n    hangup\n",
        "1:11-1:13",
        "a step takes no parentheses",
        "remove `()`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "input=speech",
        'step start:\n    gather input=speech hints="yes,no" -> /h\n',
        "2:12-2:24",
        "`input=speech`: an option and its value are separated by a space, not `=` or `:`",
        "write `input speech`",
        'step start:\n    gather input speech hints="yes,no" -> /h\n',
    ),
    Habit(
        "voice=Polly.Joanna",
        'step start:\n    say "Hi" voice=Polly.Joanna language=en-US\n',
        "2:14-2:32",
        "`voice=Polly.Joanna`: an option and its value are separated by a space, not `=` or `:`",
        "write `voice Polly.Joanna`",
        'step start:\n    say "Hi" voice Polly.Joanna language=en-US\n',
    ),
    Habit(
        "2min",
        "step start:\n    record max 2min -> /h\n",
        "2:16-2:20",
        "`2min` is not a duration",
        "a duration is a number with `h`, `m` or `s`, from hours down: `20s`, `2m`, `1h30m`",
        "step start:\n    record max 2m -> /h\n",
    ),
    Habit(
        "url /a.mp3",
        "step start:\n    play url /a.mp3\n",
        "2:10-2:20",
        "the url of `play` is written without its name",
        "write `play /a.mp3`",
        "step start:\n    play /a.mp3\n",
    ),
    Habit(
        "reason=busy",
        "step start:\n    reject reason=busy\n",
        "2:12-2:23",
        "the reason of `reject` is written without its name",
        "write `reject busy`",
        "step start:\n    reject busy\n",
    ),
    Habit(
        "Gather",
        'step start:\n    Gather numDigits="1" action="/h"\n',
        "2:5-2:11",
        "`Gather` is TwiML's element: the verb is written `gather`",
        "write `gather`",
        'step start:\n    gather numDigits="1" action="/h"\n',
    ),
    Habit(
        "-> /h transcribe",
        "step start:\n    record -> /h transcribe\n",
        "2:12-2:28",
        "`->` and its target end the line: options come before it",
        "write `transcribe -> /h`",
        "step start:\n    record transcribe -> /h\n",
    ),
    Habit(
        'finishOnKey="#"',
        'step start:\n    record finishOnKey="#" maxLength="30" -> /h\n',
        "2:12-2:27",
        '`finishOnKey="#"` is TwiML\'s spelling: the option is `finish`',
        'write `finish "#"`',
        'step start:\n    record finish "#" maxLength="30" -> /h\n',
    ),
    Habit(
        "loop 2 times",
        'step start:\n    say "Hi" loop 2 times\n',
        "2:14-2:26",
        "`loop 2 times` is written `loop 2`",
        "write `loop 2`",
        'step start:\n    say "Hi" loop 2\n',
    ),
    # Fresh mistakes of new users, found after the table above was written:
    # TwiML, Python, YAML, JSON and shell habits, typos and misplaced words.
    Habit(
        "timeLimit on record",
        "step start:\n    record timeLimit 20s -> /h\n",
        "2:12-2:25",
        "`timeLimit` is TwiML's name for `time-limit`, an option of `dial`, not of `record`",
        "`record` has `max` for this: write `max 20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "http without colon",
        "step start:\n    redirect -> http//example.com/x\n",
        "2:17-2:23",
        "`http//` is not a URL's scheme: a URL starts with `https://` or `http://`",
        "write `http://`",
        "step start:\n    redirect -> http://example.com/x\n",
    ),
    Habit(
        "timeLimit on gather",
        "step start:\n    gather timeLimit 5s -> /h\n",
        "2:12-2:24",
        "`timeLimit` is TwiML's name for `time-limit`, an option of `dial`, not of `gather`",
        "remove it: the options of `gather` are `digits`, `timeout`, `finish`, `input`, `speech-timeout`, `hints`, "
        "`language`, `profanity-filter`, `max-speech-time`, `partial-result`, `barge-in`, `debug`, "
        "`action-on-empty-result`, `speech-model` and `enhanced`",
        None,
    ),
    Habit(
        "timeLimit label",
        "step start:\n    record timeLimit -> /h\n",
        "2:12-2:21",
        "the recording's label `timeLimit` is TwiML's name for `time-limit`, an option of `dial`, not of `record`",
        "`record` has `max` for this: write `max DURATION`; `max 1h` is Twilio's default",
        "step start:\n    record max 1h -> /h\n",
        code="FL060",
    ),
    Habit(
        "method=POST",
        "step start:\n    record max 20s method=POST -> /h\n",
        "2:20-2:37",
        "`method=POST` is TwiML's: the method is written after `->`",
        "write `-> POST /h`",
        "step start:\n    record max 20s -> POST /h\n",
    ),
    Habit(
        "method GET on redirect",
        "step start:\n    redirect method GET -> /next\n",
        "2:14-2:33",
        "`method GET` is TwiML's: the method is written after `->`",
        "write `-> GET /next`",
        "step start:\n    redirect -> GET /next\n",
    ),
    Habit(
        "recordingStatusCallbackEvent",
        "step start:\n    record status /s recordingStatusCallbackEvent completed -> /h\n",
        "2:22-2:60",
        "`recordingStatusCallbackEvent` is TwiML's name for the events of `status`, written `on` after its URL",
        "write `on completed`",
        "step start:\n    record status /s on completed -> /h\n",
    ),
    Habit(
        "recordingStatusCallbackMethod",
        "step start:\n    record recordingStatusCallbackMethod POST -> /h\n",
        "2:12-2:46",
        "`recordingStatusCallbackMethod` is TwiML's name for the method of `status`, written before its URL",
        "write `status POST URL`",
        None,
    ),
    Habit(
        "<Say>Hello</Say>",
        "step start:\n    <Say>Hello</Say>\n",
        "2:5-2:21",
        "`<Say>` is TwiML's element: the line is written `say \"Hello\"`",
        'write `say "Hello"`',
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "<Redirect>/next</Redirect>",
        "step start:\n    <Redirect>/next</Redirect>\n",
        "2:5-2:31",
        "`<Redirect>` is TwiML's element: the line is written `redirect -> /next`",
        "write `redirect -> /next`",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        "input DTMF",
        "step start:\n    gather input DTMF -> /h\n",
        "2:18-2:22",
        "`DTMF` is not a gather input; write `dtmf` or `speech`",
        "did you mean `dtmf`?",
        "step start:\n    gather input dtmf -> /h\n",
        code="FL306",
    ),
    Habit(
        "else",
        'step start:\n    when digits "1" -> h\n    else -> start\nstep h:\n    hangup\n',
        "3:5-3:9",
        '`else` is not a branch: a branch is `when digits "KEYS" -> …`, the rest `otherwise -> …`',
        "write `otherwise`",
        'step start:\n    when digits "1" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
    ),
    Habit(
        "if digits",
        'step start:\n    if digits "1" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
        "2:5-2:7",
        '`if` is not a branch: a branch is `when digits "KEYS" -> …`, the rest `otherwise -> …`',
        "write `when`",
        'step start:\n    when digits "1" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
    ),
    Habit(
        "when digits ==",
        'step start:\n    when digits == "1" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
        "2:16-2:20",
        '`==` is not needed: the keys follow `digits` (`when digits "1" -> …`)',
        "remove `==`",
        'step start:\n    when digits "1" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
    ),
    Habit(
        "f-string",
        'step start:\n    say f"Hello {name}"\n',
        "2:9-2:10",
        '`f"…"` is Python\'s: text is written in plain double quotes and said as written',
        "remove `f`",
        'step start:\n    say "Hello {name}"\n',
    ),
    Habit(
        "string + string",
        'step start:\n    say "Hello, " + "world"\n',
        "2:9-2:28",
        "text is one quoted string, not joined with `+`",
        'write "Hello, world"',
        'step start:\n    say "Hello, world"\n',
    ),
    Habit(
        "string + variable",
        'step start:\n    say "Hello " + name\n',
        "2:18-2:24",
        "text is one quoted string: a flow has no variables to join to it",
        "write the whole text in one quoted string",
        None,
    ),
    Habit(
        "triple quotes",
        'step start:\n    say """Hello"""\n',
        "2:9-2:20",
        "text is in one pair of double quotes",
        'write "Hello"',
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "docstring",
        'step start:\n    """Greets."""\n    hangup\n',
        "2:5-2:18",
        "a comment starts with `#`",
        "write `# Greets.`",
        "step start:\n    # Greets.\n    hangup\n",
    ),
    Habit(
        "pass",
        "step start:\n    pass\n",
        "2:5-2:9",
        "`pass` is not a verb: every line of a step does something",
        "to wait a moment, write `pause`; to end the call, `hangup`",
        "step start:\n    pause\n",
    ),
    Habit(
        "flow main:",
        "flow main:\nstep start:\n    hangup\n",
        "1:10-1:11",
        "a `flow` line has no `:`",
        "remove the `:`",
        "flow main\nstep start:\n    hangup\n",
    ),
    Habit(
        "// comment",
        'step start:\n    say "Hi" // greet\n',
        "2:14-2:16",
        "a comment starts with `#`",
        "write `#`",
        'step start:\n    say "Hi" # greet\n',
    ),
    Habit(
        "beep=True",
        "step start:\n    record beep=True -> /h\n",
        "2:12-2:21",
        "`beep=True`: an option and its value are separated by a space, not `=` or `:`",
        "write `beep`",
        "step start:\n    record beep -> /h\n",
    ),
    Habit(
        "step on one line",
        "step start: hangup\n",
        "1:12-1:19",
        "a step's lines go under the `step` line, indented",
        "write `hangup` on the next line, indented",
        "step start:\n    hangup\n",
    ),
    Habit(
        "target()",
        "step start:\n    redirect -> h()\nstep h:\n    hangup\n",
        "2:18-2:20",
        "a step is not a function: it takes no parentheses",
        "remove `()`",
        "step start:\n    redirect -> h\nstep h:\n    hangup\n",
    ),
    Habit(
        "target:",
        "step start:\n    redirect -> h:\nstep h:\n    hangup\n",
        "2:18-2:19",
        "`redirect` holds nothing, so it opens no block: its line ends without `:`",
        "remove the `:`",
        "step start:\n    redirect -> h\nstep h:\n    hangup\n",
    ),
    Habit(
        "- say",
        'step start:\n    - say "Hi"\n',
        "2:5-2:7",
        "a step's lines are not a list: they start with the verb",
        "remove the `-`",
        'step start:\n    say "Hi"\n',
    ),
    Habit(
        "say: Hello",
        "step start:\n    say: Hello\n",
        "2:8-2:15",
        "`say` is followed by its text in double quotes, not by `:`",
        'write `say "Hello"`',
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "step {",
        "step start {\n    hangup\n",
        "1:11-1:13",
        "a block opens with `:` and indentation, not `{`",
        "write `:` instead of `{`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "}",
        "step start:\n    hangup\n}\n",
        "3:1-3:2",
        "blocks are marked by indentation, not braces",
        "remove the `}`",
        "step start:\n    hangup\n\n",
    ),
    Habit(
        "comma between options",
        'step start:\n    say "Hi", voice alice\n',
        "2:13-2:14",
        "a verb's options are separated by spaces, not commas",
        "remove the `,`",
        'step start:\n    say "Hi" voice alice\n',
    ),
    Habit(
        "$next",
        "step start:\n    redirect -> $next\nstep h:\n    hangup\n",
        "2:17-2:22",
        "`$next` is not a value: a flow has no variables",
        "write the step `next`, `flow.step` or a URL",
        "step start:\n    redirect -> next\nstep h:\n    hangup\n",
    ),
    Habit(
        "$BASE_URL/next",
        "step start:\n    redirect -> $BASE_URL/next\nstep next:\n    hangup\n",
        "2:17-2:31",
        "`$BASE_URL` is not a value: a flow has no variables",
        "write the step `next`; to make step links absolute URLs, set `base-url URL` under the `flow` line",
        "step start:\n    redirect -> next\nstep next:\n    hangup\n",
    ),
    Habit(
        "${BASE}/api/next?x=1",
        "step start:\n    redirect -> ${BASE}/api/next?x=1\n",
        "2:17-2:37",
        "`${BASE}` is not a value: a flow has no variables",
        "write the URL in full (`https://…/api/next?x=1`)",
        None,
    ),
    Habit(
        "~/a.mp3",
        "step start:\n    play ~/a.mp3\n",
        "2:10-2:17",
        "`~/a.mp3` is a path on your disk: a URL is absolute (`https://…`) or a path from the site's root (`/…`)",
        "write the URL path `/a.mp3`",
        None,
    ),
    Habit(
        "./next",
        "step start:\n    redirect -> ./next\n",
        "2:17-2:23",
        "`./next` is a path on your disk: a URL is absolute (`https://…`) or a path from the site's root (`/…`)",
        "write the URL path `/next`, or the step `next`",
        None,
    ),
    Habit(
        "500ms",
        "step start:\n    pause 500ms\n",
        "2:11-2:16",
        "`500ms`: Twilio counts durations in whole seconds",
        "write `1s`",
        "step start:\n    pause 1s\n",
    ),
    Habit(
        "1.5s",
        "step start:\n    pause 1.5s\n",
        "2:11-2:15",
        "`1.5s`: Twilio counts durations in whole seconds",
        "write `2s`",
        "step start:\n    pause 2s\n",
    ),
    Habit(
        "1,5s",
        "step start:\n    pause 1,5s\n",
        "2:11-2:15",
        "`1,5s`: Twilio counts durations in whole seconds",
        "write `2s`",
        "step start:\n    pause 2s\n",
    ),
    Habit(
        "20S",
        "step start:\n    record max 20S -> /h\n",
        "2:16-2:19",
        "a duration's unit is written in lower case",
        "write `20s`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "finish #",
        "step start:\n    record max 20s finish # -> /h\n",
        "2:27-2:28",
        "the value of `finish` is written in double quotes (`#` alone starts a comment)",
        'write `finish "#"`',
        'step start:\n    record max 20s finish "#" -> /h\n',
    ),
    Habit(
        "finish *",
        "step start:\n    gather finish * -> /h\n",
        "2:19-2:20",
        "the value of `finish` is written in double quotes",
        'write `finish "*"`',
        'step start:\n    gather finish "*" -> /h\n',
    ),
    Habit(
        "loop forever",
        'step start:\n    say "Hi" loop forever\n',
        "2:14-2:26",
        "`loop forever`: `loop 0` repeats until the caller hangs up",
        "write `loop 0`",
        'step start:\n    say "Hi" loop 0\n',
    ),
    Habit(
        "goto",
        "step start:\n    goto h\nstep h:\n    hangup\n",
        "2:5-2:11",
        "`goto` is not a verb: the call goes to another step with `redirect ->`",
        "write `redirect -> h`",
        "step start:\n    redirect -> h\nstep h:\n    hangup\n",
    ),
    Habit(
        "-> alone",
        "step start:\n    -> h\nstep h:\n    hangup\n",
        "2:5-2:9",
        "`->` follows a verb: the call goes on with `redirect ->`",
        "write `redirect -> h`",
        "step start:\n    redirect -> h\nstep h:\n    hangup\n",
    ),
    Habit(
        "hangup ->",
        "step start:\n    hangup -> h\nstep h:\n    hangup\n",
        "2:12-2:16",
        "`hangup` ends the call: it has no `->`",
        "remove `-> h`, or write `redirect -> h` instead of `hangup`",
        None,
    ),
    Habit(
        "say ->",
        'step start:\n    say "Hi" -> h\nstep h:\n    hangup\n',
        "2:13-2:18",
        "`say` has no `->`: the call goes on with `redirect -> h` on the next line",
        "write `redirect -> h` on a line of its own",
        'step start:\n    say "Hi"\n    redirect -> h\nstep h:\n    hangup\n',
    ),
    Habit(
        "say; hangup",
        'step start:\n    say "Hi"; hangup\n',
        "2:13-2:21",
        "one verb a line: `;` does not separate them",
        "write `hangup` on the next line",
        'step start:\n    say "Hi"\n    hangup\n',
    ),
    Habit(
        "next.xml",
        "step start:\n    redirect -> next.xml\nstep next:\n    hangup\n",
        "2:14-2:25",
        "`next.xml` reads as the step `xml` of a flow `next`: a step is named without its file's suffix",
        "write `next`",
        "step start:\n    redirect -> next\nstep next:\n    hangup\n",
        code="FL105",
    ),
    Habit(
        "other.xml",
        "step start:\n    redirect -> other.xml\n",
        "2:14-2:26",
        "`other.xml` reads as the step `xml` of a flow `other`, which is not in this build",
        "name a step without its file's suffix, or write the URL path `/other.xml`",
        None,
        code="FL105",
    ),
    Habit(
        "en_US",
        'step start:\n    say "Hi" language en_US\n',
        "2:23-2:28",
        "`en_US` is not a language tag: its parts are joined with `-`",
        "write `en-US`",
        'step start:\n    say "Hi" language en-US\n',
        code="FL306",
    ),
    Habit(
        "did you mean step",
        "step start:\n    redirect -> hnadle\nstep handle:\n    hangup\n",
        "2:14-2:23",
        "there is no step `hnadle` in flow `main`",
        "did you mean `handle`?",
        "step start:\n    redirect -> handle\nstep handle:\n    hangup\n",
        code="FL104",
    ),
    Habit(
        "did you mean event",
        "step start:\n    record status /s on complete -> /h\n",
        "2:25-2:33",
        "`complete` is not a recording status event; write `in-progress`, `completed` or `absent`",
        "did you mean `completed`?",
        "step start:\n    record status /s on completed -> /h\n",
        code="FL303",
    ),
    Habit(
        "reject busyy",
        "step start:\n    reject busyy\n",
        "2:12-2:17",
        "`busyy` is not a reject reason; write `rejected` or `busy`",
        "did you mean `busy`?",
        "step start:\n    reject busy\n",
        code="FL306",
    ),
    Habit(
        "actionOnEmptyResult",
        "step start:\n    gather actionOnEmptyResult -> /h\n",
        "2:12-2:31",
        "`actionOnEmptyResult` is TwiML's spelling: the option is `action-on-empty-result`",
        "write `action-on-empty-result`",
        "step start:\n    gather action-on-empty-result -> /h\n",
    ),
    Habit(
        "gather on dial",
        'step start:\n    dial "+15551234567" gather\n',
        "2:25-2:31",
        "`gather` is not an option of `dial`: a verb starts a line of its own",
        "the options of `dial` are `timeout`, `time-limit`, `caller-id`, `hangup-on-star`, `record`, `trim`, "
        "`recording-status`, `recording-configuration-id`, `answer-on-bridge`, `ring-tone`, `recording-track`, "
        "`sequential`, `refer`, `events` and `passports`",
        None,
    ),
    Habit(
        "digits=1234",
        "step start:\n    play digits=1234\n",
        "2:10-2:21",
        "`digits=1234`: `digits` and its value are separated by a space",
        'write `digits "1234"`',
        'step start:\n    play digits "1234"\n',
    ),
    Habit(
        '"max"',
        'step start:\n    record "max" 20s -> /h\n',
        "2:12-2:17",
        "an option's name is written without quotes: `max`",
        "write `max`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        'digits "4"',
        'step start:\n    gather digits "4" -> /h\n',
        "2:19-2:22",
        "the value of `digits` is written without quotes",
        "write `digits 4`",
        "step start:\n    gather digits 4 -> /h\n",
    ),
    Habit(
        "<Number>",
        "step start:\n    dial <Number>+15551234567</Number>\n",
        "2:10-2:39",
        "`<Number>` is TwiML's: the value is written after `dial`, in quotes",
        'write `dial "+15551234567"`',
        'step start:\n    dial "+15551234567"\n',
    ),
    Habit(
        "dtmf|speech",
        "step start:\n    gather input dtmf|speech -> /h\n",
        "2:12-2:29",
        "the words of `input` are separated by spaces, not `|`",
        "write `input dtmf speech`",
        "step start:\n    gather input dtmf speech -> /h\n",
    ),
    Habit(
        "RECORD",
        "step start:\n    RECORD max 20s -> /h\n",
        "2:5-2:11",
        "`RECORD`: keywords are written in lower case",
        "write `record`",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "loop 3x",
        'step start:\n    say "Hi" loop 3x\n',
        "2:14-2:21",
        "`loop 3x` is written `loop 3`",
        "write `loop 3`",
        'step start:\n    say "Hi" loop 3\n',
    ),
    Habit(
        "https//",
        "step start:\n    redirect -> https//example.com/x\n",
        "2:17-2:24",
        "`https//` is not a URL's scheme: a URL starts with `https://` or `http://`",
        "write `https://`",
        "step start:\n    redirect -> https://example.com/x\n",
    ),
    Habit(
        "maxLength 2m",
        "step start:\n    record maxLength 2m -> /h\n",
        "2:12-2:24",
        "`maxLength 2m` is TwiML's spelling: the option is `max`",
        "write `max 2m`",
        "step start:\n    record max 2m -> /h\n",
    ),
    Habit(
        "mixed quotes",
        "step start:\n    say \"Hello'\n",
        "2:9-2:16",
        'a text opened with `"` is closed with `"`',
        'write "Hello"',
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "Polly Joanna",
        'step start:\n    say "Hi" voice Polly Joanna\n',
        "2:20-2:32",
        "a voice is one word: `Polly.Joanna`",
        "write `Polly.Joanna`",
        'step start:\n    say "Hi" voice Polly.Joanna\n',
    ),
    Habit(
        "step name with a space",
        "step main menu:\n    hangup\n",
        "1:6-1:15",
        "a step name is one word: letters, digits and `_`",
        "write `main_menu`",
        "step main_menu:\n    hangup\n",
    ),
    Habit(
        "when 1",
        "step start:\n    when 1 -> h\n    otherwise -> start\nstep h:\n    hangup\n",
        "2:10-2:11",
        'the keys of `when` are quoted after `digits`: `when digits "1"`',
        'write `when digits "1" -> h`',
        'step start:\n    when digits "1" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
    ),
    Habit(
        "when digits 1, 2",
        "step start:\n    when digits 1, 2 -> h\n    otherwise -> start\nstep h:\n    hangup\n",
        "2:5-2:26",
        "one `when` line for each key, quoted after `digits`",
        'write `when digits "1" -> h` and `when digits "2" -> h`',
        'step start:\n    when digits "1" -> h\n    when digits "2" -> h\n    otherwise -> start\nstep h:\n    hangup\n',
    ),
    Habit(
        "dial with spaces",
        "step start:\n    dial +1 555 123 4567\n",
        "2:10-2:25",
        "the number to dial is quoted, written without spaces",
        'write `dial "+15551234567"`',
        'step start:\n    dial "+15551234567"\n',
    ),
    Habit(
        "options in a block",
        "step start:\n    record -> /h\n        max: 20s\n",
        "3:1-3:12",
        "`max` is an option of `record`: options are written on the verb's line",
        "write `record max 20s -> /h` on one line",
        None,
    ),
    Habit(
        "hangup ( )",
        "step start:\n    hangup ( )\n",
        "2:11-2:15",
        "`hangup` is a verb, not a function: it takes no parentheses",
        "write `hangup`",
        "step start:\n    hangup\n",
    ),
    Habit(
        "transcribe=/t",
        "step start:\n    record transcribe=/t -> /h\n",
        "2:12-2:25",
        "`transcribe=/t`: an option and its value are separated by a space, not `=` or `:`",
        "write `transcribe /t`",
        "step start:\n    record transcribe /t -> /h\n",
    ),
    Habit(
        "hints list",
        'step start:\n    gather input speech hints ["yes", "no"] -> /h\n',
        "2:31-2:44",
        "the value of `hints` is one quoted text, not a list",
        'write `hints "yes, no"`',
        'step start:\n    gather input speech hints "yes, no" -> /h\n',
    ),
    Habit(
        "long arrow",
        "step start:\n    redirect ⟶ /next\n",
        "2:14-2:15",
        "`⟶` is not an arrow: the arrow is written `->`",
        "write `->`",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        "numDigits without a value",
        "step start:\n    gather numDigits -> /h\n",
        "2:12-2:21",
        "`numDigits` is TwiML's name for the option `digits`",
        "write `digits N`",
        None,
    ),
    Habit(
        "voice=woman",
        'step start:\n    say "Hi" voice=woman\n',
        "2:14-2:25",
        "`voice=woman`: an option and its value are separated by a space, not `=` or `:`",
        "write `voice woman`",
        'step start:\n    say "Hi" voice woman\n',
    ),
    Habit(
        "maxLen",
        "step start:\n    record maxLen 20s -> /h\n",
        "2:12-2:18",
        "unexpected `maxLen`, expected an option of `record` (`beep`, `finish`, `max`, …), `->` or the end of the line",
        "did you mean `max`?",
        "step start:\n    record max 20s -> /h\n",
    ),
    Habit(
        "num 4",
        "step start:\n    gather num 4 -> /h\n",
        "2:12-2:17",
        "`num` is not an option of `gather`",
        "did you mean `digits` (TwiML's `numDigits`)?",
        "step start:\n    gather digits 4 -> /h\n",
    ),
    Habit(
        "numDigits = 4",
        "step start:\n    gather numDigits = 4 -> /h\n",
        "2:12-2:25",
        "`numDigits = 4` is TwiML's spelling: the option is `digits`",
        "write `digits 4`",
        "step start:\n    gather digits 4 -> /h\n",
    ),
    Habit(
        "play single quotes",
        "step start:\n    play '/a.mp3'\n",
        "2:10-2:18",
        "text is written in double quotes, not single quotes",
        'write "/a.mp3"',
        'step start:\n    play "/a.mp3"\n',
    ),
    Habit(
        "redirect url=",
        'step start:\n    redirect url="/next"\n',
        "2:14-2:25",
        '`url="/next"` is TwiML\'s spelling: the target is written after `->`',
        "write `-> /next` at the end of the line",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        "say text=",
        'step start:\n    say text="Hello"\n',
        "2:9-2:21",
        "the text of `say` is written without its name",
        'write `say "Hello"`',
        'step start:\n    say "Hello"\n',
    ),
    Habit(
        "flow main.menu",
        "flow main.menu\nstep start:\n    hangup\n",
        "1:6-1:15",
        "`main.menu` is not a flow name: a flow name is letters, digits and `_`",
        "write `main_menu`",
        "flow main_menu\nstep start:\n    hangup\n",
    ),
    Habit(
        "step 1start",
        "step 1start:\n    hangup\n",
        "1:6-1:12",
        "a step name starts with a letter or `_`, not a digit",
        "write a name such as `step_1start`",
        None,
    ),
    Habit(
        "pause -1s",
        "step start:\n    pause -1s\n",
        "2:11-2:14",
        "a duration is not negative",
        "write `1s`",
        "step start:\n    pause 1s\n",
    ),
    Habit(
        "caller-id unquoted",
        'step start:\n    dial "+15551234567" caller-id +15550000000\n',
        "2:35-2:47",
        "the value of `caller-id` is written in double quotes",
        'write `caller-id "+15550000000"`',
        'step start:\n    dial "+15551234567" caller-id "+15550000000"\n',
    ),
    Habit(
        "no-beep",
        "step start:\n    record no-beep -> /h\n",
        "2:12-2:19",
        "`no beep` is two words",
        "write `no beep`",
        "step start:\n    record no beep -> /h\n",
    ),
    Habit(
        "beep off",
        "step start:\n    record beep off -> /h\n",
        "2:12-2:20",
        "`beep off`: `beep` is a switch, written `beep` or `no beep`",
        "write `no beep`",
        "step start:\n    record no beep -> /h\n",
    ),
    Habit(
        'speechTimeout="auto"',
        'step start:\n    gather speechTimeout="auto" -> /h\n',
        "2:12-2:32",
        '`speechTimeout="auto"` is TwiML\'s spelling: the option is `speech-timeout`',
        "write `speech-timeout auto`",
        "step start:\n    gather speech-timeout auto -> /h\n",
    ),
    Habit(
        "input: [dtmf]",
        "step start:\n    gather input: [dtmf] -> /h\n",
        "2:12-2:25",
        "`input: [dtmf]`: an option and its value are separated by a space, not `=` or `:`",
        "write `input dtmf`",
        "step start:\n    gather input dtmf -> /h\n",
    ),
    Habit(
        "-> ->",
        "step start:\n    redirect -> -> /next\n",
        "2:14-2:19",
        "one `->` before the target",
        "write `->`",
        "step start:\n    redirect -> /next\n",
    ),
    Habit(
        "Hangup()",
        "step start:\n    Hangup()\n",
        "2:5-2:11",
        "`Hangup` is TwiML's element: the verb is written `hangup`",
        "write `hangup`",
        "step start:\n    hangup()\n",
    ),
    Habit(
        "; comment",
        'step start:\n    say "Hi" ; greets\n',
        "2:14-2:15",
        "a comment starts with `#`",
        "write `#`",
        'step start:\n    say "Hi" # greets\n',
    ),
]


@pytest.fixture
def compile_text(tmp_path):
    def run(text: str):
        path = tmp_path / "main.flow"
        path.write_text(text, encoding="utf-8")
        return load([str(path)])

    return run


def test_the_table_covers_at_least_forty_mistakes():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.source for c in CASES}) == len(CASES)


def test_every_verb_and_keyword_has_a_misspelling_in_the_table():
    from flowc.syntax.grammar import reference

    keywords = {
        t.pattern.value
        for t in reference().terminals
        if t.pattern.type == "str" and t.pattern.value[:1].isalpha()
    }
    hinted = {c.hint.split("`")[1] for c in CASES if c.hint and c.hint.startswith("did you mean")}
    hinted |= set(GENERATED_MISSPELLINGS)  # each checked by the test below
    # `no` is two letters: every near miss of it is another word.
    assert keywords - hinted <= {"no"}, sorted(keywords - hinted)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mistake(compile_text, case):
    build = compile_text(case.source)
    assert len(build.diagnostics) == 1, build.diagnostics
    d = build.diagnostics[0]
    assert d.code == case.code
    assert f"{d.span.line}:{d.span.col}" == case.at
    assert d.message == case.message
    assert d.hint == case.hint
    assert (d.notes[0].message if d.notes else None) == case.note
    line = case.source.split("\n")[d.span.line - 1]
    assert d.span.col <= len(line) + 1  # inside the line, or just past its end


# ---- the table-driven vocabulary: every keyword of it, misspelt in its place -------------------

_SAMPLE = {
    vocabulary.Shape.MEASURE: "500ms",
    vocabulary.Shape.STRING: '"x1"',
    vocabulary.Shape.TEXT: "x1",
    vocabulary.Shape.NUMBER: "1",
    vocabulary.Shape.URL: "/u",
    vocabulary.Shape.WORD: "x1",
}


# How the hand-written verbs' lines start, before their options.
_TYPED_PREFIX = {
    "say": ["say", '"x1"'],
    "play": ["play", "/a.mp3"],
    "dial": ["dial", '"x1"'],
    "record": ["record", "msg"],
}


def _misspelt(word: str) -> str:
    """A near miss: two letters swapped, or the last one doubled (a letter
    added to a one-letter word: `ss` is nearer `sms` than `s`)."""
    if len(word) == 1:
        return word + "x"
    for i in range(1, len(word) - 2):
        a, b = word[i], word[i + 1]
        if a != b and a.isalpha() and b.isalpha():
            return word[:i] + b + a + word[i + 2 :]
    return word + word[-1]


def _line(entry: vocabulary.Verb, rest: str = "") -> str:
    """A step whose last line writes ``entry`` (with all its values) and ``rest``,
    inside the blocks of its parents."""
    chain = [entry]
    while chain[0].noun:
        chain.insert(0, next(v for v in vocabulary.VERBS if chain[0].name in v.children))
    lines = ["step start:"]
    for depth, e in enumerate(chain, 1):
        words = _TYPED_PREFIX.get(e.name) or [
            e.name,
            *(_SAMPLE[v.shape] for v in e.values if v.shape is not None),
        ]
        last = depth == len(chain)
        lines.append(
            "    " * depth + " ".join(words + ([rest] if last and rest else [])) + ("" if last else ":")
        )
    return "\n".join(lines) + "\n"


def _generated_misspellings() -> dict[str, str]:
    """One source per keyword of the table-driven part: the keyword misspelt where it is written."""
    cases: dict[str, str] = {}
    for e in vocabulary.GENERATED:
        text = _line(e)
        at = text.rindex(f" {e.name}") + 1
        cases.setdefault(e.name, text[:at] + _misspelt(e.name) + text[at + len(e.name) :])
    for e in vocabulary.VERBS:
        if e.element is None:
            continue
        for o in e.options:
            cases.setdefault(o.name, _line(e, _misspelt(o.name)))
    return cases


GENERATED_MISSPELLINGS = _generated_misspellings()


@pytest.mark.parametrize("word", sorted(GENERATED_MISSPELLINGS))
def test_a_misspelt_keyword_of_the_vocabulary_gets_a_suggestion(compile_text, word):
    source = GENERATED_MISSPELLINGS[word]
    build = compile_text(source)
    syntax = [d for d in build.diagnostics if d.code == "FL001"]
    assert syntax, source
    assert syntax[0].hint == f"did you mean `{word}`?", (source, syntax[0].message, syntax[0].hint)


def _errors(build) -> list:
    return [d for d in build.diagnostics if d.severity == "error"]


def _better(before, after) -> bool:
    """Whether a fixed file is better: clean, fewer errors, or a syntax
    error gone (the file now parses, and the checks say what it lacks)."""
    errors = _errors(after)
    if not errors or len(errors) < len(_errors(before)) or not any(d.code == "FL001" for d in errors):
        return True
    # One syntax error is reported at a time: the next mistake of the line
    # now shows, further on.
    first = min((d.span.line, d.span.col) for d in _errors(before) if d.code == "FL001")
    return min((d.span.line, d.span.col) for d in errors if d.code == "FL001") > first


def _apply(text: str, d) -> str:
    from flowc.diagnostics import apply_edits

    return apply_edits(text, [e for f in d.fixes for e in f.edits])[0]


def test_the_habits_table_covers_at_least_sixty_habits():
    assert len(HABITS) >= 60
    assert len({h.name for h in HABITS}) == len(HABITS)
    assert len({h.source for h in HABITS}) == len(HABITS)


@pytest.mark.parametrize("habit", HABITS, ids=[h.name for h in HABITS])
def test_habit(compile_text, habit):
    build = compile_text(habit.source)
    found = [d for d in build.diagnostics if d.code == habit.code]
    assert len(found) == 1, build.diagnostics
    d = found[0]
    s = d.span
    assert f"{s.line}:{s.col}-{s.end_line}:{s.end_col}" == habit.span
    assert d.message == habit.message
    assert d.hint == habit.hint
    if habit.fixed is None:
        assert d.fixes == ()
        return
    assert len(d.fixes) == 1
    fixed = _apply(habit.source, d)
    assert fixed == habit.fixed
    # The fix takes the mistake away: what remains is clean, or fewer errors
    # (a fixed habit may reveal what the flow still lacks, such as a step).
    after = compile_text(fixed)
    assert (d.message, d.span) not in {(x.message, x.span) for x in after.diagnostics}
    assert _better(build, after)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_fix_of_a_mistake_applies(compile_text, case):
    """Every "did you mean" and "write ..." hint of the mistakes' table that
    says what to write comes with its fix, and applying it takes the error
    away."""
    build = compile_text(case.source)
    d = build.diagnostics[0]
    mechanical = case.hint is not None and (
        case.hint.startswith("did you mean") or case.hint.startswith("write `") or "write `_`" in case.hint
    )
    if not mechanical or case.hint.startswith("write `20s`"):
        if case.code == "FL006":
            assert d.fixes and _apply(case.source, d) == case.source.replace(" 20 ", " 20s ")
        return
    assert d.fixes, case.hint
    fixed = _apply(case.source, d)
    after = compile_text(fixed)
    assert (d.message, d.span) not in {(x.message, x.span) for x in after.diagnostics}
    assert _better(build, after)


@pytest.mark.parametrize("quoted", ["\u201cHello\u201d", "\u2018Hello\u2019"])
def test_curly_quotes_are_made_straight(compile_text, quoted):
    source = f"step start:\n    say {quoted}\n"
    build = compile_text(source)
    (d,) = build.diagnostics
    assert d.hint == 'write text in straight double quotes: "..."'
    assert _apply(source, d) == 'step start:\n    say "Hello"\n'
