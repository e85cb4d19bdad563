"""The registry of diagnostic codes.

Every diagnostic flowc reports has an entry here: a stable id (``FL104``), a
short kebab-case name, a default severity, a one-line summary and a longer
explanation.  ``flowc explain`` prints the explanation and
``docs/diagnostics.md`` is generated from this table.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, Fix, Note, Severity
from .records import record
from .source import Span

E, W = Severity.ERROR, Severity.WARNING


@record(kw_only=True)
class Code:
    id: str
    name: str
    severity: Severity
    summary: str
    explanation: str


_CODES = (
    # ---- reading and parsing --------------------------------------------
    Code(
        id="FL001",
        name="syntax-error",
        severity=E,
        summary="The line does not follow the flow language's grammar.",
        explanation="""\
The parser met a token it did not expect. The message names what it expected
instead, the step or `gather` block that is open, and, for a misspelt keyword
or an option given to the wrong verb, the nearest word it knows.

    step start
        say "Hello"          # error: expected `:` after the step name

    step start:
        say "Hello"

Every syntax error of a file is reported, not just the first: after one, the
parser goes on at the next line (a broken `step` line is read as the step it
names, a broken `gather ...:` line is skipped with its block). Until the file
parses, only the checks that look at one verb or one step at a time run on
it; checks that need the whole flow (references, unreachable steps, cycles,
the entry step, limits that depend on the flow's settings) wait, so that the
lines that did not parse cause no false reports.
""",
    ),
    Code(
        id="FL002",
        name="invalid-encoding",
        severity=E,
        summary="The file is not valid UTF-8.",
        explanation="""\
Flow files are UTF-8 text (a byte-order mark is allowed). A byte sequence that
is not UTF-8 usually means the file was saved in a legacy encoding or is not a
flow file at all. Re-save it as UTF-8.
""",
    ),
    Code(
        id="FL003",
        name="inconsistent-indentation",
        severity=E,
        summary="Indentation mixes tabs and spaces or returns to a level never opened.",
        explanation="""\
Blocks are indented as in Python. Within one file, indent with spaces or with
tabs, never both: a tab has no fixed width, so a mix cannot be read the same
way by every editor. A line that is dedented must return to the indentation of
an enclosing block.

    step start:
        say "Hello"
      hangup                 # error: matches no outer level

After a mix of tabs and spaces, flowc goes on looking for the file's other
mistakes, with the lines indented the other way read at a level that fits the
blocks around them (or left out); when none fits, the mix is the one error
reported.
""",
    ),
    Code(
        id="FL004",
        name="nesting-too-deep",
        severity=E,
        summary="Blocks are nested deeper than the language allows.",
        explanation="""\
Blocks hold a verb's children (the verbs inside `gather`, `dial`'s nouns, a
noun's `parameter` lines, SSML inside `say`), so a flow needs a handful of
levels of indentation at most. flowc refuses files that nest more than 16
levels deep instead of spending time and memory on them.
""",
    ),
    Code(
        id="FL005",
        name="invalid-escape",
        severity=E,
        summary="A string contains an escape sequence the language does not know.",
        explanation="""\
Strings are written in double quotes. The escapes are `\\"`, `\\\\`, `\\n`, `\\t`,
`\\r` and `\\uXXXX` (four hex digits). Any other backslash sequence is an error,
so a stray backslash is caught rather than dropped.

    say "C:\\data"           # error: `\\d` is not an escape
    say "C:\\\\data"          # a backslash is written `\\\\`
""",
    ),
    Code(
        id="FL006",
        name="invalid-duration",
        severity=E,
        summary="A duration has no unit or its units are out of order.",
        explanation="""\
Durations carry a unit: `20s`, `2m`, `1h`, or a combination from the largest
unit down such as `1m30s`. A bare number is refused because `max 20` could mean
seconds or minutes.

    record max 20            # error
    record max 20s
""",
    ),
    Code(
        id="FL007",
        name="duplicate-option",
        severity=E,
        summary="The same option is written twice on one verb or flow.",
        explanation="""\
Each option sets one TwiML attribute, so writing it twice is at best
redundant and at worst a contradiction (`beep ... no beep`). Keep one.

    record max 20s max 30s   # error
""",
    ),
    Code(
        id="FL008",
        name="empty-flow",
        severity=E,
        summary="The file holds no step and no verb.",
        explanation="""\
A flow compiles to one TwiML document per step; a file with no step and no
verb would produce nothing for Twilio to fetch. Add a step, or remove the file.
""",
    ),
    Code(
        id="FL009",
        name="unreadable-file",
        severity=E,
        summary="The file could not be read.",
        explanation="""\
flowc could not open or read the file (permissions, a broken link), or the file
is larger than 8 MiB. The message carries the operating system's reason.
""",
    ),
    Code(
        id="FL010",
        name="retired-element",
        severity=E,
        summary="An element Twilio has retired, written in a flow or found in imported TwiML.",
        explanation="""\
Twilio no longer runs some elements that twilio-python still builds. The
language has no construct for them, and `flowc import` refuses them: a call
that reached one would fail. The message names what took its place:

    autopilot "UA0123456789abcdef0123456789abcdef"   # error: Autopilot was retired in 2023

    connect:
        virtual-agent "dialogflow-cx-connector"

The list, with the reason for each, is `RETIRED` in flowc/vocabulary.py and the
"Retired elements" section of docs/language.md.
""",
    ),
    # ---- reading TwiML (`flowc import`) ----------------------------------------------
    Code(
        id="FL030",
        name="import-not-xml",
        severity=E,
        summary="The document given to `flowc import` is not well-formed XML.",
        explanation="""\
`flowc import` reads TwiML documents, which are XML. The message is the XML
parser's, at the line and column where the document stopped being XML: an
unclosed element, a bare `&`, text after the root element, a file that is not
XML at all.

    <Response><Say>Tom & Jerry</Say></Response>          <!-- error -->

    <Response><Say>Tom &amp; Jerry</Say></Response>
""",
    ),
    Code(
        id="FL031",
        name="import-doctype",
        severity=E,
        summary="The document has a DOCTYPE, which `flowc import` refuses.",
        explanation="""\
TwiML documents have no document type declaration. A `<!DOCTYPE>` can declare
entities that expand to gigabytes (the "billion laughs" document) or that read
local files and URLs (external entities), so flowc never loads a DTD, never
expands an entity, never uses the network while reading, and refuses any
document that declares one. Remove the declaration and write the text itself.

    <!DOCTYPE Response [<!ENTITY name "Example Corp">]>
    <Response><Say>Welcome to &name;</Say></Response>    <!-- error -->

    <Response><Say>Welcome to Example Corp</Say></Response>
""",
    ),
    Code(
        id="FL032",
        name="import-not-twiml",
        severity=E,
        summary="The root element is not `<Response>`.",
        explanation="""\
A TwiML Voice document is one `<Response>` element holding the verbs. Any
other root (an HTML page, a `<Message>`-only SMS reply without `<Response>`,
an element in a namespace) is not a document Twilio runs for a call.

    <Say>Hello</Say>                                     <!-- error -->

    <Response><Say>Hello</Say></Response>
""",
    ),
    Code(
        id="FL033",
        name="import-unknown-element",
        severity=E,
        summary="The document has an element the flow language has no verb for.",
        explanation="""\
Every element of the document must be a TwiML verb the flow language writes
(`flowc explain` and docs/language.md list them). The message suggests the
nearest element for a misspelt one (element names are case-sensitive: `<say>`
is not `<Say>`). Processing instructions and entity references are refused
too.

    <Response><say>Hello</say></Response>                <!-- error -->

    <Response><Say>Hello</Say></Response>
""",
    ),
    Code(
        id="FL034",
        name="import-unknown-attribute",
        severity=E,
        summary="An element has an attribute the flow language cannot write.",
        explanation="""\
Each attribute of an element must be one that an option, a value or the `->`
of its verb writes. Attribute names are case-sensitive, and the message
suggests the nearest one (`maxlength` → `maxLength`).

    <Record maxlength="20"/>                             <!-- error -->

    <Record maxLength="20"/>
""",
    ),
    Code(
        id="FL035",
        name="import-unexpected-text",
        severity=E,
        summary="Text stands where TwiML allows none.",
        explanation="""\
Only some elements hold text (the words of `<Say>`, the URL of `<Play>` and
`<Redirect>`, the number of `<Dial>`). Text directly in `<Response>`, in a
`<Gather>` or `<Record>`, or beside the child elements of a verb is not
TwiML: Twilio ignores it or refuses the document.

    <Response>Hello<Hangup/></Response>                  <!-- error -->

    <Response><Say>Hello</Say><Hangup/></Response>
""",
    ),
    Code(
        id="FL036",
        name="import-inexpressible",
        severity=E,
        summary="A value of the document cannot be written in the flow language.",
        explanation="""\
`flowc import` writes only flows that build back to the same document, equal
as XML. A value the language has no way to write is refused, and the message
says which: a duration or a number that is not a whole number (`timeout="5.5"`,
`loop="-1"`), a switch that is neither of its two values (`playBeep="yes"`),
a `method` without an `action`, a callback's method without its URL, a
method in lower case, `transcribe="false"` (write nothing: it is the default),
an empty `<Response>` (a step needs a verb), or a line that the language
would read differently.

    <Record playBeep="True"/>                            <!-- error -->

    <Record playBeep="true"/>
""",
    ),
    Code(
        id="FL037",
        name="import-name-clash",
        severity=E,
        summary="Two documents would become the same step, or two imports the same flow.",
        explanation="""\
A document's step is named after its file (`handle.xml` is the step
`handle`), a directory's flow after the directory, and names keep letters,
digits and `_` only. Two files whose names give the same step (`handle.xml`
and `handle.twiml`, `thank-you.xml` and `thank_you.xml`), or two paths that
give the same flow, would overwrite each other. Rename one, or import them
separately.
""",
    ),
    Code(
        id="FL060",
        name="label-like-option",
        severity=W,
        summary="A recording's label is a near miss of a `record` option, or a name is a TwiML attribute.",
        explanation="""\
The word right after `record` names the recording (its label) unless it is
one of `record`'s options. A misspelt option there is therefore not a syntax
error: `record mx -> handle` is a recording labelled `mx` with no `max`, and
Twilio records for its default hour. A label that is one or two letters away
from an option is reported, with the option it resembles.

    record mx -> handle          # warning: did you mean `max`?
    record voicemail max 20s -> handle

If the word really is the recording's label, rename it to a word that reads
as no option (`mx_box`, `inbox`).

The name an element takes as a bare word (`enqueue NAME`, `conference NAME`,
`client IDENTITY`) is checked the same way against TwiML's attribute names:
`enqueue maxQueueSize -> done` names a queue `maxQueueSize`; write the option,
`enqueue support max-queue-size 20 -> done`, or quote a name that really is
one. Such a name is also reported when it is one typo from an option of its
element (`conference statuss`), but not when it merely resembles one: a name
is the user's own word, so `conference standup` is a conference, not a
misspelt `status`.
""",
    ),
    # ---- names and references -----------------------------------------------
    Code(
        id="FL101",
        name="invalid-flow-name",
        severity=E,
        summary="The flow's name cannot be used as a directory name and reference.",
        explanation="""\
A flow's name becomes a directory of the build (`OUT/<flow>/<step>.xml`) and
the left half of `flow.step` references, so it must be a plain identifier:
letters, digits and `_`, not starting with a digit. Without a `flow NAME`
line the name is the file's stem, so `my flow.flow` or `v1.2.flow` needs a
`flow` line or a new file name.
""",
    ),
    Code(
        id="FL102",
        name="duplicate-step",
        severity=E,
        summary="Two steps of one flow have the same name (or differ only in case).",
        explanation="""\
Each step becomes the file `<step>.xml`; two steps with one name would write
one file twice, and names that differ only in case (`Menu`, `menu`) collide on
case-insensitive file systems such as the defaults of macOS and Windows.
Rename one of them.
""",
    ),
    Code(
        id="FL103",
        name="duplicate-flow",
        severity=E,
        summary="Two files of the build declare the same flow name.",
        explanation="""\
Flow names must be unique within a build: both flows would be written to the
same directory and `name.step` references would be ambiguous. Rename one of
the flows (its `flow` line or its file).
""",
    ),
    Code(
        id="FL104",
        name="unknown-step",
        severity=E,
        summary="A `->` names a step that does not exist.",
        explanation="""\
`-> handle` points at step `handle` of the same flow and `-> billing.start` at
step `start` of flow `billing`. When the step does not exist Twilio would
fetch a document that was never built and the call would fail with an
application error.
""",
    ),
    Code(
        id="FL105",
        name="unknown-flow",
        severity=E,
        summary="A `flow.step` reference names a flow that is not in the build.",
        explanation="""\
A cross-flow reference resolves against the files given to `flowc build` or
`flowc check` and, when a file is checked alone, against the `.flow` files in
the same directory. Add the missing file to the build or fix the name.
""",
    ),
    Code(
        id="FL106",
        name="duplicate-setting",
        severity=E,
        summary="A flow setting is written twice.",
        explanation="""\
`max-call-duration` and `base-url` take one value per flow; `context` may be
repeated with different kinds but not with the same kind twice.
""",
    ),
    # ---- control flow ---------------------------------------------------------
    Code(
        id="FL201",
        name="unreachable-verb",
        severity=W,
        summary="A verb follows a verb that ends the document, so it never runs.",
        explanation="""\
Twilio leaves a document at `<Record>`, `<Redirect>`, `<Hangup>` and
`<Reject>`, at `<Dial>` when it has an action, and never gets past `<Say>` or
`<Play>` with `loop 0` (which repeats until the caller hangs up). Verbs after
them never run. `<Gather>` falls through to the next verb when no input comes,
and `<Dial>` without an action continues after the call, so verbs after those
are reachable.

    step start:
        record -> handle
        say "I did not get that"     # warning: never played

Move the verb into the step the action points at.
""",
    ),
    Code(
        id="FL202",
        name="action-loop",
        severity=W,
        summary="A record, gather or pay has no action, so Twilio re-requests the same document.",
        explanation="""\
Without an action, Twilio submits `<Record>`, `<Gather>` and `<Pay>` results to the
current document's URL. A static document then starts again from the top: the
caller is asked to record (or choose) again and again.

    record max 30s                   # warning
    record max 30s -> thanks
""",
    ),
    Code(
        id="FL203",
        name="step-cycle",
        severity=E,
        summary="Steps form a cycle that no path can leave.",
        explanation="""\
Following every `->` from these steps only ever leads back into them: no step
in the cycle hangs up, ends, or reaches a URL outside the flow. The caller is
stuck until they hang up and Twilio keeps fetching documents. The cycle is
reported once, with its path; a cycle of more than ten steps is shown by its
first ten, its last and the number of steps in between.

    step a:
        redirect -> b
    step b:
        redirect -> a                # error: a -> b -> a
""",
    ),
    Code(
        id="FL204",
        name="unreachable-step",
        severity=W,
        summary="No path from the flow's entry (or another flow) reaches this step.",
        explanation="""\
The first step is the entry. A step no `->` leads to, from the entry or from
another flow of the build, is never fetched by Twilio. It is still built;
remove it or link to it.
""",
    ),
    Code(
        id="FL205",
        name="reject-after-answer",
        severity=W,
        summary="A `reject` follows another verb, when the call is already answered.",
        explanation="""\
Twilio declines a call without answering it, and without billing it, only when
`<Reject>` is the first verb of the document. After another verb the call has
been answered, and `<Reject>` just ends it: the caller never hears the busy or
rejected signal that `reject` is meant to give.

    step closed:
        say "We are closed."
        reject busy                  # warning

Make `reject` the first verb, or use `hangup` after the prompt.
""",
    ),
    # ---- attribute values -------------------------------------------------------
    Code(
        id="FL301",
        name="max-length-range",
        severity=E,
        summary="A record's `max` is outside what Twilio allows for the account.",
        explanation="""\
`maxLength` must be greater than 1 second and at most the account's maximum
call duration: 14400 s (4 h) by default, up to 86400 s (24 h) when the flow
declares `max-call-duration 24h` (the account setting "24-Hour Maximum Call
Duration").
""",
    ),
    Code(
        id="FL302",
        name="invalid-keys",
        severity=E,
        summary="A `finish` key set holds characters that are not phone keys.",
        explanation="""\
`finishOnKey` accepts the digits `0`-`9`, `#` and `*`. `<Record>` takes any
non-empty set of them; `<Gather>` takes exactly one key, or the empty string
to turn the finish key off.
""",
    ),
    Code(
        id="FL303",
        name="invalid-event",
        severity=E,
        summary="A recording status event is not one Twilio sends.",
        explanation="""\
`status URL on EVENT ...` takes the events `in-progress`, `completed` and
`absent`, each at most once.
""",
    ),
    Code(
        id="FL304",
        name="invalid-method",
        severity=E,
        summary="An HTTP method other than GET or POST.",
        explanation="""\
Twilio requests action and callback URLs with `GET` or `POST` only, written in
upper case: `-> GET handle`, `status POST /rec`.
""",
    ),
    Code(
        id="FL305",
        name="invalid-duration-value",
        severity=E,
        summary="A duration is zero or out of range where Twilio forbids it.",
        explanation="""\
`pause`, gather `timeout` and `speech-timeout`, dial `timeout` and
`time-limit` must be at least one second (use `timeout off` on `record` to
disable its silence timeout, and `speech-timeout auto` on `gather`). Dial's
`timeout` is at most 600 s and its `time-limit` at most the maximum call
duration.
""",
    ),
    Code(
        id="FL306",
        name="invalid-value",
        severity=E,
        summary="A value is not one of the values the option allows.",
        explanation="""\
Enumerated options: `reject` takes `rejected` or `busy`; `context` takes
`client`, `live-update` or `twiml-parameter`; gather `input` takes `dtmf`,
`speech` or both; gather `digits` is at least 1; `language` is a language tag
such as `en-US`; a dial number, a `say` text, `voice`, `hints` and `caller-id`
are not empty.
""",
    ),
    Code(
        id="FL307",
        name="invalid-url",
        severity=E,
        summary="A URL is malformed or not absolute where it must be.",
        explanation="""\
`base-url` must be an absolute `http` or `https` URL without a query or
fragment, since step files are appended to it. URLs may not be empty or
contain spaces or control characters, and the host of a URL must be readable:
`[` and `]` only around an IPv6 address, a port from 0 to 65535, and no
character that Unicode normalisation turns into `/`, `?`, `#`, `@` or `:`
(such as `⩴`, which becomes `::=`).

    base-url https://ex]ample.com/       # error: a `]` with no `[`
    record -> "//[a/b"                   # error: a `[` with no `]`
    redirect -> "https://h:99999/x"      # error: no such port

    base-url https://example.com/
    redirect -> "https://[2001:db8::1]:8443/x"
""",
    ),
    Code(
        id="FL308",
        name="max-call-duration-range",
        severity=E,
        summary="`max-call-duration` is outside Twilio's limits.",
        explanation="""\
An account's maximum call duration is at most 24 hours (86400 s) and must be
positive. The default, when the setting is absent, is 4 hours.
""",
    ),
    Code(
        id="FL309",
        name="invalid-digits",
        severity=E,
        summary="`play digits` holds characters that are not DTMF tones.",
        explanation="""\
`<Play digits>` sends the tones `0`-`9`, `*` and `#`; `w` waits half a second.
Nothing else can be played as a tone.
""",
    ),
    Code(
        id="FL310",
        name="control-character",
        severity=E,
        summary="A text holds a character XML cannot carry.",
        explanation="""\
TwiML is XML 1.0, which cannot represent control characters other than tab,
line feed and carriage return, nor lone surrogates (`\\ud800`). A document
holding one is rejected by Twilio's parser, so flowc refuses it at compile
time.
""",
    ),
    Code(
        id="FL311",
        name="value-out-of-range",
        severity=E,
        summary="A number or duration is outside the range Twilio documents for it.",
        explanation="""\
Many options of the newer verbs and nouns take a bounded number or duration:
a conference holds 2 to 250 participants, a queue 1 to 5000 callers, a payment
allows 1 to 3 attempts, answering-machine detection waits 3 to 59 seconds.
Outside the range Twilio rejects the document or ignores the value.

    conference standup max-participants 500    # error
    conference standup max-participants 250
""",
    ),
    Code(
        id="FL312",
        name="invalid-choice",
        severity=E,
        summary="A word is not one of the values the option takes.",
        explanation="""\
An enumeration is written as a word, and each option that takes one has a
fixed list (`record`, `ring-tone`, `track`, `payment-method`, `token-type`,
`prompt for`, `error-type`, `card-types`, …). Any other word makes Twilio
reject the document or fall back to its default.

    dial record from-answer:            # error
    dial record record-from-answer:
""",
    ),
    Code(
        id="FL313",
        name="invalid-phone-number",
        severity=W,
        summary="A phone number is not written in E.164.",
        explanation="""\
`number`, `whatsapp` and the `to` and `from` of `sms` are phone numbers, which
Twilio expects in E.164: `+`, the country code and the number, without spaces
or punctuation. A local or formatted number may reach the wrong country.

    number "(415) 555-0100"    # warning
    number "+14155550100"
""",
    ),
    Code(
        id="FL314",
        name="invalid-sip-uri",
        severity=E,
        summary="A SIP address is not a `sip:` URI.",
        explanation="""\
The address of `sip` and `uri` is a SIP URI, `sip:user@host` (or `sips:`).
Twilio cannot route anything else.

    sip "alice@example.com"        # error
    sip "sip:alice@example.com"
""",
    ),
    Code(
        id="FL315",
        name="invalid-sid",
        severity=E,
        summary="A Twilio SID has the wrong prefix or length.",
        explanation="""\
A SID is two letters naming the kind of resource and 32 hexadecimal digits:
`DE` for a SIM, `AP` for a TwiML App, `WW` for a TaskRouter workflow, `IS` for
a Conversations service, `CA` for a call, `BY` for a BYOC trunk, `WR` and `WA`
for TaskRouter reservations and activities, `GA` for an Intelligence service.

    enqueue support workflow "support"                              # error
    enqueue support workflow "WW0123456789abcdef0123456789abcdef"
""",
    ),
    Code(
        id="FL316",
        name="missing-attribute",
        severity=E,
        summary="An element lacks the value, option or block Twilio requires.",
        explanation="""\
A `say` needs its text or a block of text and SSML lines; a `dial` a number or
nouns; a `client` an identity; an `application` its SID; a `sip` an address (or
`uri` lines); a `prompt` its `for`; a `phoneme` its `ph`; a `start`, `stop`,
`connect` or `refer` a block.

    prompt:                             # error
    prompt for payment-card-number:
""",
    ),
    Code(
        id="FL317",
        name="pay-action",
        severity=E,
        summary="A `pay` action that cannot receive the payment's result.",
        explanation="""\
Twilio posts the result of `<Pay>` with POST, only to https URLs; `<Pay>` has
no `method`. A method on the `->` is refused, and a step reference (a static
file, which answers POST with 405) or an `http://` URL is reported.

    pay -> receipt                               # error
    pay -> https://pay.example.com/result
""",
    ),
    Code(
        id="FL318",
        name="invalid-ssml-value",
        severity=E,
        summary="An SSML element of a `say` block names a kind, level, role or language its voice does not know.",
        explanation="""\
`say-as` takes a kind Twilio's voices know (`date`, `digits`, `telephone`,
`currency`, `spell-out`, …), `emphasis` a level (`strong`, `moderate`,
`reduced`), `w` a role (`amazon:VB`, `amazon:VBD`, `amazon:SENSE_1`), and
`lang` a language tag; `say-as format` applies only to `say-as date`. A voice
ignores a word it does not know, or fails the `<Say>`.

    say:
        say-as telephon "4155550100"     # error
        say-as telephone "4155550100"
""",
    ),
    Code(
        id="FL319",
        name="invalid-ssml-measure",
        severity=E,
        summary="A `break` time or a `prosody` value outside what Twilio's voices accept.",
        explanation="""\
A `break` lasts `500ms` or `2s`, at most 10 seconds. `prosody volume` is a
word or a change in decibels (`+6dB`), `rate` a word or a percentage from
`20%` to `200%`, `pitch` a word or a change from `-33.3%` to `+50%`.

    say:
        break 30s                        # error
        prosody rate 10% "slowly"        # error
        prosody rate 80% "slowly"
""",
    ),
    Code(
        id="FL320",
        name="not-a-websocket-url",
        severity=E,
        summary="A media stream's or ConversationRelay's URL is not a `wss://` URL.",
        explanation="""\
`stream` (under `start` or `connect`) and `conversation-relay` send the call's
audio or text to a WebSocket server, which Twilio reaches only over `wss://`.
Any other scheme fails the stream (Twilio error 31922, "URL schema not
supported"). A relative URL is left to Twilio, which documents it.

    stream https://example.com/audio     # error
    stream wss://example.com/audio
""",
    ),
    # ---- nesting ------------------------------------------------------------------
    Code(
        id="FL401",
        name="invalid-nesting",
        severity=E,
        summary="A verb or noun is nested where TwiML does not allow it.",
        explanation="""\
Each element's block holds only what TwiML allows under it: `gather` holds
`say`, `play` and `pause`; `dial` holds its nouns (`number`, `client`, `sip`,
`sim`, `conference`, `queue`, `application`, `whatsapp`); `client` holds
`identity` and `parameter`; and so on (docs/language.md lists each). Nothing
nests in `record`, and a noun stands only in the block of its verb.
""",
    ),
    Code(
        id="FL402",
        name="invalid-nouns",
        severity=E,
        summary="Nouns that cannot stand together in one block, or too many of them.",
        explanation="""\
A `conference`, `queue` or `sim` must be the only noun of its `dial`; a `dial`
rings at most 10 nouns and, with a number of its own, takes none; a `connect`
holds exactly one noun, a `refer` one `sip`, an `enqueue` one `task`.

    dial:
        conference standup
        number "+14155550100"      # error
""",
    ),
    # ---- transcription --------------------------------------------------------------
    Code(
        id="FL501",
        name="transcription-length",
        severity=W,
        summary="A transcribed recording's `max` is outside the lengths Twilio transcribes.",
        explanation="""\
Twilio transcribes only recordings longer than 2 seconds and shorter than 120
seconds (American English only, billed per transcription). Outside that range
it writes a warning to the debugger and transcribes nothing. Without `max`,
Twilio caps a transcribed recording at 120 s, so no warning is given.
""",
    ),
    # ---- contexts -------------------------------------------------------------------
    Code(
        id="FL601",
        name="live-update-needs-action",
        severity=E,
        summary="A flow entered by updating a live call has a record without an action.",
        explanation="""\
When a live call is redirected to a `<Record>`, Twilio requires an action URL
and fails the call with error 11100 without one. Declare `context live-update`
only for flows entered that way, and give every `record` a `->`.
""",
    ),
    Code(
        id="FL602",
        name="twiml-parameter-needs-absolute-action",
        severity=E,
        summary="A flow started with the `twiml` parameter has a relative or missing action URL.",
        explanation="""\
A call created or updated with the `twiml` parameter has no document URL to
resolve relative URLs against, so `<Record>` and `<Gather>` need an action
and it must be absolute. Use an absolute URL, or set `base-url` so step
references compile to absolute URLs.
""",
    ),
    Code(
        id="FL603",
        name="client-max-length",
        severity=E,
        summary="A flow reached from Twilio Client records longer than 600 seconds.",
        explanation="""\
Twilio Client (Voice SDK) calls limit `<Record>` to 600 seconds (10 minutes).
Under `context client`, `max` must be at most `10m`.
""",
    ),
    # ---- static output --------------------------------------------------------------
    Code(
        id="FL701",
        name="post-to-static",
        severity=W,
        summary="An action fetches a static step with POST.",
        explanation="""\
Step references compile to static `.xml` files. Most static hosts (object
storage, CDNs, plain web servers) answer POST with 405 Method Not Allowed, so
the call would fail. Leave the method out (steps are fetched with GET) or
write `GET`.
""",
    ),
    # ---- branching on input -----------------------------------------------------------
    Code(
        id="FL801",
        name="branch-mixed-with-verbs",
        severity=E,
        summary="A step holds both `when`/`otherwise` lines and verbs.",
        explanation="""\
A branch step is not a TwiML document: the server answers it by looking at
what the caller pressed and sending the call to the matching step. It holds
only `when` lines and at most one `otherwise`, written last. Put prompts and
the `gather` in the step before it.

    step choice:
        say "Thanks"              # error: a branch step holds only branch lines
        when digits "1" -> sales

    step menu:
        gather digits 1 -> choice:
            say "Press 1 for sales"
    step choice:
        when digits "1" -> sales
        otherwise -> menu
""",
    ),
    Code(
        id="FL802",
        name="branch-needs-server",
        severity=E,
        summary="A static target cannot serve a step that branches on input.",
        explanation="""\
Static TwiML cannot look at the keys a caller pressed: Twilio posts them to
the action URL and whatever answers there has to choose the next document.
`flowc build --target flask` generates a server that does; the `twiml` and
`site` targets report this error instead of writing a document that cannot
work. `flowc check --target twiml` reports it too.
""",
    ),
    Code(
        id="FL803",
        name="unreachable-branch",
        severity=W,
        summary="A `when` or `otherwise` comes after `otherwise` and is never taken.",
        explanation="""\
Branches are tried from the top and `otherwise` matches everything, so any
line after it is never taken. Move `otherwise` to the end.
""",
    ),
    Code(
        id="FL804",
        name="duplicate-branch-key",
        severity=W,
        summary="Two `when` lines of one step test the same key; the second is never taken.",
        explanation="""\
Branches are tried from the top, so the first `when digits "1"` wins and a
second one with the same key is dead. Remove it, or give it the key you meant.
""",
    ),
    Code(
        id="FL805",
        name="invalid-branch-key",
        severity=E,
        summary="A `when digits` key is not a sequence of phone keys.",
        explanation="""\
Twilio reports the keys a caller pressed as `Digits`, made of `0`-`9`, `*`
and `#`. A key with any other character, or an empty key, never matches.
(Twilio does not call the action at all when the caller presses nothing.)
""",
    ),
    Code(
        id="FL806",
        name="impossible-branch-key",
        severity=W,
        summary="No `gather` that leads to the branch step can produce the key.",
        explanation="""\
A `gather` with `digits N` stops after N keys, so `Digits` is never longer
than N, and its finish key (`#` unless `finish` says otherwise) ends the input
without being part of `Digits`. A key longer than every gather allows, or
holding every gather's finish key, is never taken.

    gather digits 1 -> choice
    ...
    when digits "10" -> billing      # warning: `digits 1` stops after one key
""",
    ),
    Code(
        id="FL807",
        name="branch-without-gather",
        severity=W,
        summary="A step branches on digits but no `gather` leads to it.",
        explanation="""\
`Digits` is posted by a `gather` to its action (and by `record` as the key
that ended the recording). When no `gather` points at a branch step, a call
arriving there by `redirect` or from a step's URL carries no `Digits`, so
only `otherwise` can be taken. Point the `gather` that asks the question at
the branch step with `->`.
""",
    ),
    # ---- the site target ------------------------------------------------------------
    Code(
        id="FL900",
        name="site-post-to-static",
        severity=E,
        summary="The site target refuses an action that fetches a step with POST.",
        explanation="""\
`flowc build --target site` writes every step as a static `.xml` file meant
for a static host (object storage, a CDN, a plain web server), and static
hosts answer POST with 405 Method Not Allowed. A step that Twilio would fetch
with POST cannot work there, so the site is not built. (The twiml target only
warns, with FL701, since its files may be served by an application.)

    record -> POST handle    # error with --target site

    record -> handle         # fetched with GET
""",
    ),
    Code(
        id="FL901",
        name="site-flow-not-built",
        severity=W,
        summary="A step of another flow is linked to but that flow is not part of the site.",
        explanation="""\
`-> billing.start` compiles to `../billing/start.xml`. The reference resolved
against `billing.flow` beside the file, but that file was not given to
`flowc build --target site`, so the site has no `billing/` folder and Twilio
would get 404 where the site is hosted. Build the site from the folder (or
list the file), or host the other flow's TwiML beside it.

    flowc build --target site flows/main.flow -o site     # warning: billing not built

    flowc build --target site flows/ -o site
""",
    ),
    # ---- the flask target -----------------------------------------------------------
    Code(
        id="FL820",
        name="flask-unservable-path",
        severity=E,
        summary="The flask target cannot serve a callback at this path.",
        explanation="""\
`flowc build --target flask` serves every `->` path, `status` URL and
`transcribe` URL of the flows as a route of the generated app. A path that
(once percent-decoded) contains `<` or `>`, or that starts with `//` (a URL
on another host to Twilio), cannot be a route. Choose a plain path.

    record status /rec<1>            # error
    record status /rec/1
""",
    ),
    Code(
        id="FL821",
        name="flask-path-conflict",
        severity=E,
        summary="One path receives two different kinds of Twilio requests.",
        explanation="""\
Twilio sends different parameters to a `record` action, a `gather` action, a
`dial` action, a `redirect`, a recording status callback and a transcription
callback, and the flask target gives each path one typed handler. A path used
for two kinds (say, the action of a `record` and the action of a `gather`),
or a status or transcription callback at a step's own URL
(`/<flow>/<step>.xml`), is an error. Give each kind its own path.

    record -> /next
    gather digits 1 -> /next          # error: /next already takes recordings

    record -> /recorded
    gather digits 1 -> /choice
""",
    ),
    Code(
        id="FL822",
        name="flask-handler-name-clash",
        severity=E,
        summary="Two callback paths would be answered by handlers of the same name.",
        explanation="""\
The flask target names the handler of a path after the path: `/ivr/choice`
is answered by `on_ivr_choice` in `handlers.py` (letters and digits kept,
every other run of characters becomes `_`). Two paths that differ only in
punctuation or case, such as `/ivr-choice` and `/ivr_choice`, would share one
name. Rename one of the paths.
""",
    ),
    Code(
        id="FL823",
        name="flask-url-too-long",
        severity=W,
        summary="A URL of the flask app is longer than its server accepts in a request line.",
        explanation="""\
gunicorn, which serves the app built by `flowc build --target flask`, refuses
a request line (method, URL with its query string, protocol) longer than 4094
bytes (`limit_request_line` in the generated `gunicorn_config.py`), and Twilio
adds the call's parameters to the query string of a GET, which takes up to
about a kilobyte more. A step (served at `/<flow>/<step>.xml`) or a callback
path whose URL leaves less room than that gets 414 from the server instead
of TwiML. Use shorter flow, step or path names.

    step please_hold_while_we_connect_you_to_the_next_available_agent_…:   # warning
    step hold:
""",
    ),
    # ---- call rehearsal (`flowc test`, `flowc paths`): FL950-FL999 ------------------
    Code(
        id="FL951",
        name="calls-syntax-error",
        severity=E,
        summary="A line of a `.calls` scenario file does not follow the scenario language.",
        explanation="""\
A `.calls` file starts with an optional `flow NAME` line (with settings
indented under it) and holds `call "title":` blocks; every line of a block
is something the caller does (`press`, `say`, `silence`, `speak`, `hang up`,
`dial`, `queue`, `pay`, `connect`) or something that must happen (`hear`,
`expect`). Every line with a mistake is reported; the others are kept.

    call "sales":
        pres "1"                       # error: did you mean `press`?

    call "sales":
        press "1"
        expect step ivr.sales

See docs/rehearsal.md for the whole language.
""",
    ),
    Code(
        id="FL952",
        name="calls-unknown-name",
        severity=E,
        summary="A scenario names a flow or a step that does not exist.",
        explanation="""\
The flow a `.calls` file calls (its `flow` line, or the file's stem) must be
one of the flows given to `flowc test` or beside the file, and every step a
scenario names (`start`, `expect step`, `expect request`, `answer ... ->`)
must be a step of it, or `flow.step` of another flow.

    flow voicemail
    call "thanks":
        expect step handel             # error: did you mean `handle`?
""",
    ),
    Code(
        id="FL960",
        name="expectation-not-met",
        severity=E,
        summary="What a scenario expects did not happen on the rehearsed call.",
        explanation="""\
Expectations are checked in the order they are written, between the
caller's actions around them: `hear "Goodbye"` written after `press "2"`
must be heard after the key is pressed and before the caller's next action.
The message says what happened instead, and `flowc test` prints the call's
transcript, with the flow line of every verb.

    call "sales":
        press "1"
        hear "Connecting you to sales"   # error if the flow says something else
""",
    ),
    Code(
        id="FL961",
        name="script-line-unused",
        severity=E,
        summary="The call ended before the caller could do what this line says.",
        explanation="""\
The caller's actions are used where the call waits for them (a gather, a
record, a dial, ...). A line left over when the call ends means the flow
hung up, or ran out of verbs, earlier than the scenario thought.

    call "two menus":
        press "1"
        press "2"                      # error when the flow ends after the first menu
""",
    ),
    Code(
        id="FL962",
        name="script-line-misfit",
        severity=E,
        summary="The caller's next action does not fit where the call is waiting.",
        explanation="""\
A `dial` outcome is used by a `<Dial>`, `speak` by a `<Record>`, a key or
speech by a `<Gather>` or a `<Record>`. When the call reaches a `<Dial>` and
the script's next line is `press "1"`, the scenario and the flow disagree
about where the call is.

    call "operator":
        press "1"                      # error: the flow dials first; write `dial busy`
""",
    ),
    Code(
        id="FL963",
        name="call-stopped-by-limit",
        severity=E,
        summary="The rehearsed call was stopped by a limit: it looped or ran too long.",
        explanation="""\
A rehearsed call never hangs. It is stopped when it reaches the flow's
maximum call duration (Twilio's, 4 hours by default), when documents keep
passing the call on without anything heard or any time spent (a redirect
loop), or when it runs more TwiML documents than the rehearsal allows. Write
`expect call ended by limit` when that is the point of the scenario.

    step a:
        redirect -> b
    step b:
        redirect -> a                  # a call to `a` is stopped
""",
    ),
    Code(
        id="FL964",
        name="call-application-error",
        severity=E,
        summary="The rehearsed call ended with an error Twilio would report.",
        explanation="""\
Twilio could not get TwiML to go on with: the URL answered an HTTP error or
nothing (error 11200), the answer was not TwiML (12100, 12300), or it was
empty. On a live call, the caller hears that an application error occurred
and Twilio hangs up. A static folder answers POST with 405, as most static
hosts do. For a path the rehearsed server does not serve, a scenario can
give the answer with `answer /path -> step`. Write `expect call ended by
error` when the error is what the scenario checks.
""",
    ),
    Code(
        id="FL965",
        name="keys-nobody-reads",
        severity=E,
        summary="A scenario presses keys that no gather of the call reads.",
        explanation="""\
The keys of a `press` line went to a `<Gather>` that does not listen to keys
(`input speech`), or to a branch step with no `when` line for them and no
`otherwise`, where the call ends. Either the scenario or the flow is wrong.

    step choice:
        when digits "1" -> sales
        when digits "2" -> support      # a scenario that presses "3" fails here

    step choice:
        when digits "1" -> sales
        when digits "2" -> support
        otherwise -> start
""",
    ),
)

REGISTRY: dict[str, Code] = {c.id: c for c in _CODES}
BY_NAME: dict[str, Code] = {c.name: c for c in _CODES}


def lookup(key: str) -> Code | None:
    """Find a code by id (case-insensitive) or kebab name."""
    return REGISTRY.get(key.upper()) or BY_NAME.get(key.lower())


def report(
    code: str,
    message: str,
    span: Span,
    *,
    notes: tuple[Note, ...] = (),
    hint: str | None = None,
    fixes: tuple[Fix, ...] = (),
) -> Diagnostic:
    """Make a diagnostic with the code's default severity."""
    return Diagnostic(
        code=code,
        severity=REGISTRY[code].severity,
        message=message,
        span=span,
        notes=notes,
        hint=hint,
        fixes=fixes,
    )
