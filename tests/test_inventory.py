"""Every element and attribute of TwiML Voice has a construct in the language.

"Every" is twilio-python's ``twilio/twiml/voice_response.py``, walked by
introspection (tests/twilio_inventory.py): each element in each parent it is
built in (``VoiceResponse.dial`` → ``<Response><Dial>``, ``Dial.conference``
→ ``<Dial><Conference>``, ``Say.say_as`` → ``<Say><say-as>``, ``SsmlP.s`` →
``<p><s>``), with every attribute its builder takes and whether it has text.
For each, the vocabulary must have the element in that parent's block, an
option or value for each attribute, and a value (or text lines) for its text.
A newer twilio that adds an element, a nesting or an attribute fails here
until the language has it.

The only elements without a construct are those Twilio has retired
(``vocabulary.RETIRED``), which flowc refuses with FL010, naming what
replaced them.
"""

from __future__ import annotations

import re

import pytest
from twilio_inventory import ROOT, Placement, element_classes, placements, tags

from flowc import vocabulary
from flowc.importer import import_paths
from flowc.project import load
from flowc.source import SourceFile
from flowc.syntax import parse

PLACEMENTS = placements()
PARAMS = [pytest.param(p, id=f"{p.parent}-{p.child}") for p in PLACEMENTS.values()]


def _verbs_placed(parent: str, child: str) -> list[vocabulary.Verb]:
    """The vocabulary's entries for ``child`` written where ``parent`` is."""
    if parent == ROOT:
        return [v for v in vocabulary.ELEMENTS if v.element == child]
    holders = [v for v in vocabulary.VERBS if v.element == parent]
    return [vocabulary.verb(n) for h in holders for n in h.children if vocabulary.verb(n).element == child]


def _attributes(entry: vocabulary.Verb) -> set[str]:
    found = {attribute for _, attribute, _ in entry.attributes}
    if entry.arrow is not None:
        if "action" in entry.arrow.fields:
            found.add("action")
        if entry.arrow.method:
            found.add("method")
    return found


def _has_content(entry: vocabulary.Verb) -> bool:
    return (
        entry.text
        or any(v.attribute is None for v in entry.values)
        or (entry.arrow is not None and "content" in entry.arrow.fields)  # `redirect -> URL`
    )


def _elsewhere(child: str) -> list[str]:
    """The parents other than the document that twilio-python builds ``child`` in."""
    return sorted(p.parent for p in PLACEMENTS.values() if p.child == child and p.parent != ROOT)


def test_the_walk_reaches_every_element_class():
    reached = {p.child for p in PLACEMENTS.values()} | {ROOT}
    assert set(tags().values()) == reached
    assert len(element_classes()) >= 59  # twilio 9.13
    assert sum(len(p.attributes) for p in PLACEMENTS.values()) >= 450
    # the names come out as twilio-python writes them
    assert "for" in PLACEMENTS[("Pay", "Prompt")].attributes
    assert "xml:lang" in PLACEMENTS[("Say", "lang")].attributes
    assert "interpret-as" in PLACEMENTS[("Say", "say-as")].attributes
    assert "statusCallbackEvent" in PLACEMENTS[("Dial", "Conference")].attributes


@pytest.mark.parametrize("place", PARAMS)
def test_every_element_has_a_construct_where_twilio_builds_it(place: Placement):
    retired = vocabulary.RETIRED_BY_ELEMENT.get(place.child)
    if retired is not None:
        assert not [v for v in vocabulary.VERBS if v.element == place.child]
        assert place.parent == retired.parent, "the retired list names where the element was written"
        return
    entries = _verbs_placed(place.parent, place.child)
    if not entries and place.parent == ROOT:
        # twilio-python's VoiceResponse also builds some nouns at the top (`queue`, `prompt`),
        # which Twilio documents only inside their verb (`<Dial><Queue>`, `<Pay><Prompt>`):
        # the language has them there, and refuses them at the top of a step (FL401).
        elsewhere = _elsewhere(place.child)
        assert elsewhere, f"<{place.child}> ({sorted(place.builders)}) has no construct in the language"
        entries = [e for parent in elsewhere for e in _verbs_placed(parent, place.child)]
        assert entries, f"<{place.child}> has no construct in {elsewhere}"
        assert all(e.noun for e in entries)
    assert entries, (
        f"<{place.child}> in <{place.parent}> ({', '.join(sorted(place.builders))}) has no construct "
        "in the language"
    )
    have = set().union(*(_attributes(e) for e in entries))
    missing = sorted(place.attributes - have)
    assert missing == [], f"<{place.parent}><{place.child}>: no option or value for {missing}"
    if place.content:
        assert any(_has_content(e) for e in entries), f"<{place.child}> has text; no value writes it"


def test_nouns_twilio_also_builds_at_the_top_are_refused_there():
    shortcuts = [
        p.child
        for p in PLACEMENTS.values()
        if p.parent == ROOT
        and not _verbs_placed(ROOT, p.child)
        and p.child not in vocabulary.RETIRED_BY_ELEMENT
    ]
    assert shortcuts  # `Queue` and `Prompt` in twilio 9.13
    for tag in shortcuts:
        noun = next(v for v in vocabulary.NOUNS if v.element == tag)
        line = " ".join([noun.name, *(_sample(v) for v in noun.values if not v.optional)])
        flow, problems = parse(SourceFile("main.flow", f"step main:\n    {line}\n"))
        assert flow is not None and not problems
        build = load(["main.flow"], texts={"main.flow": f"step main:\n    {line}\n"})
        assert "FL401" in [d.code for d in build.diagnostics], tag


def _sample(value: vocabulary.Value) -> str:
    return '"x"' if value.shape in (None, vocabulary.Shape.STRING) else "x"


# ---- the retired list ---------------------------------------------------------------------


def test_the_retired_list_is_short_and_current():
    assert len(vocabulary.RETIRED) <= 3
    built = {p.child for p in PLACEMENTS.values()}
    for entry in vocabulary.RETIRED:
        assert entry.element in built, f"twilio no longer builds <{entry.element}>: drop it from RETIRED"
        assert entry.reason and entry.replacement
        named = re.findall(r"`([a-z-]+)`", entry.replacement)
        assert named and all(n in vocabulary.BY_NAME for n in named), entry.replacement
        assert entry.name not in vocabulary.BY_NAME


@pytest.mark.parametrize("entry", vocabulary.RETIRED, ids=lambda e: e.name)
def test_a_retired_element_in_a_flow_names_its_replacement(entry):
    parent = vocabulary.BY_ELEMENT[entry.parent]
    text = f'step main:\n    {parent.name}:\n        {entry.name} "x"\n'
    flow, problems = parse(SourceFile("main.flow", text))
    [d] = problems
    assert d.code == "FL010"
    assert (d.span.line, d.span.col, d.span.end_col) == (3, 9, 9 + len(entry.name))
    assert f"`<{entry.element}>` is retired" in d.message and entry.reason in d.message
    assert d.hint == f"use {entry.replacement} instead"


@pytest.mark.parametrize("entry", vocabulary.RETIRED, ids=lambda e: e.name)
def test_a_retired_element_in_twiml_is_refused_by_import(entry):
    document = (
        f"<Response>\n<{entry.parent}>\n<{entry.element}>x</{entry.element}>\n</{entry.parent}>\n</Response>"
    )
    result = import_paths(["-"], name="legacy", stdin=document.encode())
    [d] = [d for d in result.diagnostics if d.code == "FL010"]
    assert d.span.line == 3
    assert entry.reason in d.message
    assert d.hint == f"use {entry.replacement} instead"
    assert not result.flows
