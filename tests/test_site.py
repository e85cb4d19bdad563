"""The site target: TwiML identical to the twiml target, pages, graph, escaping, determinism."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lhtml
from site_helpers import BROKEN, wide_flow

from flowc.backends import site
from flowc.cli import cli
from flowc.project import load

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
EXAMPLES = sorted(FLOWS.glob("*.flow"))  # flows/server/ needs a server: it branches
SUPPORT = FLOWS / "server" / "support.flow"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz dot is installed by scripts/system-deps.sh"
)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build(paths, out: Path, *extra: str):
    result = CliRunner().invoke(cli, ["build", "--target", "site", *map(str, paths), "-o", str(out), *extra])
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def page(path: Path):
    return lhtml.fromstring(path.read_bytes())


def example_flows() -> list[str]:
    return [p.stem for p in EXAMPLES]


# ---- files ------------------------------------------------------------------------


@needs_dot
def test_twiml_is_byte_identical_to_the_twiml_target(tmp_path):
    assert build(EXAMPLES, tmp_path / "site").exit_code == 0
    plain = CliRunner().invoke(cli, ["build", *map(str, EXAMPLES), "-o", str(tmp_path / "twiml")])
    assert plain.exit_code == 0
    twiml = {k: v for k, v in tree(tmp_path / "twiml").items() if k.endswith(".xml")}
    ours = {k: v for k, v in tree(tmp_path / "site").items() if k.endswith(".xml")}
    assert twiml and ours == twiml


@needs_dot
def test_index_and_one_page_per_flow(tmp_path):
    result = build(EXAMPLES, tmp_path)
    assert result.exit_code == 0, result.output
    files = tree(tmp_path)
    for name in example_flows():
        assert f"{name}/index.html" in files
    assert "index.html" in files
    assert "TwiML files and 9 pages" in result.output
    index = page(tmp_path / "index.html")
    listed = index.xpath("//tr[@data-flow]/@data-flow")
    assert listed == example_flows()
    # entry URL: absolute under base-url (ivr), relative otherwise, each with a copy button
    ivr = index.xpath('//tr[@data-flow="ivr"]')[0]
    assert ivr.xpath(".//button[@class='copy']/@data-copy") == ["https://example.com/twiml/ivr/start.xml"]
    assert ivr.xpath(".//a[@class='twiml-link']/@href") == ["ivr/start.xml"]
    assert ivr.xpath(".//td[@class='steps']/text()") == ["4"]


@needs_dot
def test_flow_page_has_a_graph_with_one_node_per_step_and_every_step_section(tmp_path):
    assert build(EXAMPLES, tmp_path).exit_code == 0
    for flow in load([str(p) for p in EXAMPLES]).flows:
        doc = page(tmp_path / flow.name / "index.html")
        svg = doc.xpath("//div[@class='graph']/*[local-name()='svg']")
        assert len(svg) == 1
        nodes = doc.xpath("//*[local-name()='g'][contains(concat(' ', @class, ' '), ' step ')]")
        assert sorted(n.get("id") for n in nodes) == sorted(f"n-step-{s.name}" for s in flow.steps)
        sections = doc.xpath("//section[@class='step']/@id")
        assert sections == [f"step-{s.name}" for s in flow.steps]
        # every step links its TwiML, and the file exists
        for s in flow.steps:
            assert doc.xpath(f"//section[@id='step-{s.name}']//a[@class='twiml-link']/@href") == [
                f"{s.name}.xml"
            ]
            assert (tmp_path / flow.name / f"{s.name}.xml").is_file()


def _edges(doc) -> list[str]:
    return [
        "".join(t.itertext()).strip()
        for t in doc.xpath("//*[local-name()='g'][contains(@class, 'edge')]/*[local-name()='text']")
    ]


@needs_dot
def test_graph_labels_entry_urls_callbacks_loops_and_dead_ends(tmp_path):
    flows = tmp_path / "src"
    write(
        flows / "shop.flow",
        """\
flow shop

step start:
    gather digits 1 -> /choice:
        say "Press a key."
    redirect -> again

step again:
    record max 20s status /rec-status transcribe https://hooks.example.com/t -> start

step quiet:
    say "Nobody reaches this."
""",
    )
    result = build([flows], tmp_path / "out")
    assert result.exit_code == 0, result.output
    doc = page(tmp_path / "out" / "shop" / "index.html")
    labels = _edges(doc)
    assert "input received" in labels
    assert "no input: redirect" in labels
    assert "recording finished" in labels
    assert "recording status" in labels and "transcription" in labels
    assert "entry" in labels

    def node(cls):
        return doc.xpath(f"//*[local-name()='g'][contains(concat(' ', @class, ' '), ' {cls} ')]")

    assert [n.get("id") for n in node("entry")] == ["n-step-start"]
    assert sorted(n.get("id") for n in node("loop")) == ["n-step-again", "n-step-start"]
    assert [n.get("id") for n in node("dead-end")] == ["n-step-quiet"]
    assert [n.get("id") for n in node("unreachable")] == ["n-step-quiet"]
    external = ["".join(n.itertext()) for n in node("external")]
    assert any("/choice" in t for t in external)
    callbacks = ["".join(n.itertext()) for n in node("callback")]
    assert any("/rec-status" in t for t in callbacks) and any("hooks.example.com" in t for t in callbacks)
    # the same flags as badges beside the step's source
    assert doc.xpath("//section[@id='step-quiet']//span[@class='badge dead-end']")
    assert doc.xpath("//section[@id='step-start']//span[@class='badge loop']")


@needs_dot
def test_steps_show_source_lines_twiml_and_their_diagnostics(tmp_path):
    src = write(
        tmp_path / "src" / "main.flow",
        """\
step start:
    record max 20s -> done
    say "never heard"

step done:
    hangup
""",
    )
    result = build([src], tmp_path / "out")
    assert result.exit_code == 0
    doc = page(tmp_path / "out" / "main" / "index.html")
    start = doc.xpath("//section[@id='step-start']")[0]
    source, xml = start.xpath(".//div[@class='side']/div")
    assert 'say "never heard"' in source.text_content()
    assert "<Record" in xml.text_content()
    assert source.xpath(".//span[@class='hll']")  # the line with the warning is marked
    diag = start.xpath(".//pre[@data-code='FL201']")
    assert len(diag) == 1
    assert "main.flow:3:5: warning[FL201]" in diag[0].text_content()
    assert not doc.xpath("//section[@id='step-done']//pre[@data-code]")
    # highlighted with the flow lexer: keywords and strings get Pygments classes
    assert source.xpath(".//span[@class='k' and text()='record']")
    assert source.xpath(".//span[@class='s2']")


# ---- determinism, self-containment and escaping -------------------------------------------


@needs_dot
def test_same_flows_give_byte_identical_sites_wherever_they_are_built(tmp_path, monkeypatch):
    copy = tmp_path / "elsewhere" / "deep" / "flows"
    copy.mkdir(parents=True)
    for path in EXAMPLES:
        shutil.copy(path, copy)
    assert build(EXAMPLES, tmp_path / "a").exit_code == 0
    monkeypatch.chdir(copy.parent)
    assert build(["flows"], tmp_path / "b").exit_code == 0
    assert build([str(copy) + "/"], tmp_path / "c").exit_code == 0
    a, b, c = tree(tmp_path / "a"), tree(tmp_path / "b"), tree(tmp_path / "c")
    assert a == b == c
    for name, data in a.items():
        if name.endswith(".html"):
            text = data.decode("utf-8")
            assert str(tmp_path) not in text and str(ROOT) not in text
            assert "graphviz version" not in text.lower()
            assert not re.search(r"20\d\d-\d\d-\d\d", text), name


@needs_dot
def test_pages_load_nothing_from_elsewhere(tmp_path):
    assert build(EXAMPLES, tmp_path).exit_code == 0
    for name, data in tree(tmp_path).items():
        if not name.endswith(".html"):
            continue
        doc = lhtml.fromstring(data)
        assert not doc.xpath("//img | //iframe | //object | //embed"), name
        # the shared style sheet and script: files of this site, by a relative URL
        loaded = doc.xpath("//script/@src | //link[@rel='stylesheet']/@href")
        assert len(loaded) == 2, name
        for url in loaded:
            assert not re.match(r"[a-z]+:|/", url), (name, url)
            assert (tmp_path / name).parent.joinpath(url).resolve().is_file(), (name, url)
        for link in doc.xpath("//@href | //@*[name()='xlink:href']"):
            # every link stays in the site, or is an anchor
            assert not re.match(r"[a-z]+:", link) or link == "data:,", (name, link)
        assert b"/.flowc/build" not in data, name  # only `flowc serve` adds the reload script
        icon = doc.xpath("//link[@rel='icon']/@href")
        assert icon == ["data:,"]  # no request for /favicon.ico


HOSTILE = r"""# </script><script>alert("comment")</script> <!-- ]]> &amp;
flow evil
    base-url "https://example.com/<b>&\"q\"/"

step start:
    say "</pre><script>alert(1)</script><img src=x onerror=alert(2)> & \"quotes\" \\l \n"
    gather digits 1 -> "/x?a=<i>&b=\"];evil[label=\"x\\"
    play "javascript:alert(3)"
    redirect -> "<svg/onload=alert(4)>"
"""


@needs_dot
def test_everything_from_the_source_is_escaped(tmp_path):
    src = write(tmp_path / "src" / "evil.flow", HOSTILE)
    result = build([src], tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "failed" not in result.output  # the DOT text stayed valid
    for name in ("index.html", "evil/index.html"):
        raw = (tmp_path / "out" / name).read_text(encoding="utf-8")
        doc = lhtml.fromstring(raw)
        scripts = doc.xpath("//script")
        assert len(scripts) == 1 and not (scripts[0].text or "").strip(), name  # only the shared script
        assert scripts[0].get("src").removeprefix("../") == site.assets().js, name
        assert not doc.xpath("//img | //iframe | //*[@onerror] | //*[@onload]"), name
        assert not [
            h for h in doc.xpath("//@href | //@*[name()='xlink:href']") if h.lower().startswith("javascript:")
        ], name
    doc = page(tmp_path / "out" / "evil" / "index.html")
    text = doc.text_content()
    assert "<script>alert(1)</script>" in text  # shown as text
    # the graph keeps the URL with its quotes as one node label, not as DOT syntax
    labels = [
        "".join(n.itertext())
        for n in doc.xpath("//*[local-name()='g'][contains(@class, 'external')]//*[local-name()='text']")
    ]
    assert any('];evil[label="x' in t for t in labels), labels
    assert "<svg/onload=alert(4)>" in " ".join(labels)
    # the entry URL under the hostile base-url is text and an attribute value, nothing more
    index = page(tmp_path / "out" / "index.html")
    assert index.xpath("//button[@class='copy']/@data-copy") == ['https://example.com/<b>&"q"/evil/start.xml']


# ---- dot missing, target diagnostics, missing library ------------------------------------------


def test_without_dot_the_pages_show_the_dot_text_and_say_so_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = build(EXAMPLES, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("`dot` was not found") == 1
    for name in example_flows():
        doc = page(tmp_path / "out" / name / "index.html")
        dot = doc.xpath("//pre[@class='dot']")
        assert len(dot) == 1
        assert dot[0].text_content().startswith(f'digraph "{name}" {{')
        assert not doc.xpath("//*[local-name()='svg']")
    assert "`dot` was not found" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_post_to_a_step_is_an_error_for_the_site(tmp_path):
    src = write(
        tmp_path / "main.flow",
        """\
step start:
    record max 20s -> POST done
step done:
    hangup
""",
    )
    result = build([src], tmp_path / "out")
    assert result.exit_code == 1
    assert "main.flow:2:23: error[FL900]" in result.output
    assert not (tmp_path / "out").exists()
    twiml = CliRunner().invoke(cli, ["build", str(src), "-o", str(tmp_path / "twiml")])
    assert twiml.exit_code == 0  # the twiml target only warns (FL701)


@needs_dot
def test_a_link_to_a_flow_outside_the_site_is_a_warning(tmp_path):
    main = write(tmp_path / "main.flow", "step start:\n    redirect -> billing.start\n")
    write(tmp_path / "billing.flow", "flow billing\nstep start:\n    hangup\n")
    alone = build([main], tmp_path / "alone")
    assert alone.exit_code == 0
    assert "warning[FL901]" in alone.output and "../billing/start.xml" in alone.output
    both = build([tmp_path / "main.flow", tmp_path / "billing.flow"], tmp_path / "both")
    assert both.exit_code == 0 and "FL901" not in both.output
    doc = page(tmp_path / "both" / "main" / "index.html")
    other = doc.xpath("//*[local-name()='g'][contains(@class, 'other-flow')]//*[local-name()='a']")
    assert [a.get("xlink:href") for a in other] == ["../billing/index.html#step-start"]


def test_without_pygments_the_cli_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "HtmlFormatter", None)
    result = build(EXAMPLES, tmp_path / "out")
    assert result.exit_code == 2
    assert "pip install 'flowc[site]'" in result.output
    assert not (tmp_path / "out").exists()


@needs_dot
def test_dot_output_is_stable_and_svg_ids_do_not_depend_on_the_batch(tmp_path):
    build_ = load([str(p) for p in EXAMPLES])
    one = site.render(build_).files
    again = site.render(build_).files
    assert one == again
    alone = load([str(FLOWS / "voicemail.flow")])
    assert site.render(alone).files["voicemail/index.html"] == one["voicemail/index.html"]
    svg = etree.fromstring(re.search(rb"<svg.*?</svg>", one["recording/index.html"], re.S).group(0))
    assert svg.xpath("//*[local-name()='g'][@class='graph']/@id") == ["callflow"]


# ---- branch steps ----------------------------------------------------------------------------


def test_branch_steps_are_refused_with_the_twiml_targets_diagnostic(tmp_path):
    def json_of(target):
        result = CliRunner().invoke(
            cli, ["build", "-t", target, str(SUPPORT), "-o", str(tmp_path / target), "--format", "json"]
        )
        assert result.exit_code == 1
        assert not (tmp_path / target).exists()
        return result.stdout

    site_json, twiml_json = json_of("site"), json_of("twiml")
    assert '"code": "FL802"' in site_json
    assert site_json == twiml_json
    check = CliRunner().invoke(cli, ["check", "-t", "site", str(SUPPORT)])
    assert check.exit_code == 1 and "error[FL802]" in check.output


@needs_dot
def test_the_preview_draws_branch_edges(tmp_path):
    b = load([str(SUPPORT)])
    files = site.render(b, extra=site.unsupported(b)).files
    # only the branch step, the one with the error, has no TwiML; the other steps keep theirs
    xml = sorted(name for name in files if name.endswith(".xml"))
    assert xml == sorted(f"support/{s.name}.xml" for s in b.flows[0].steps if s.name != "choice")
    doc = lhtml.fromstring(files["support/index.html"])
    branch = doc.xpath("//*[local-name()='g'][contains(@class, 'branch-edge')]")
    labels = sorted(
        "".join(t.itertext()).strip() for g in branch for t in g.xpath(".//*[local-name()='text']")
    )
    assert labels == ['digits "1"', 'digits "2"', 'digits "3"', "otherwise"]
    assert doc.xpath("//section[@id='step-choice']//pre[@data-code='FL802']")
    assert "decided on the server" in doc.xpath("//section[@id='step-choice']")[0].text_content()


def test_check_with_the_site_target_reports_post_to_a_step(tmp_path):
    src = write(
        tmp_path / "main.flow", "step start:\n    record max 20s -> POST done\nstep done:\n    hangup\n"
    )
    result = CliRunner().invoke(cli, ["check", "--target", "site", str(src)])
    assert result.exit_code == 1
    assert "error[FL900]" in result.output
    assert CliRunner().invoke(cli, ["check", str(src)]).exit_code == 0


@needs_dot
def test_every_link_between_steps_resolves_inside_the_site_and_is_fetched_with_get(tmp_path):
    from urllib.parse import urljoin

    write(tmp_path / "src" / "billing.flow", "flow billing\nstep start:\n    redirect -> main.start\n")
    write(
        tmp_path / "src" / "main.flow",
        "step start:\n    gather digits 1 -> billing.start\n    redirect -> done\nstep done:\n    hangup\n",
    )
    sources = [*EXAMPLES, tmp_path / "src" / "billing.flow", tmp_path / "src" / "main.flow"]
    assert build(sources, tmp_path / "out").exit_code == 0
    files = tree(tmp_path / "out")
    bases = {f.name: f.settings.base_url for f in load([str(p) for p in sources]).flows}
    links = 0
    for name, data in files.items():
        if not name.endswith(".xml"):
            continue
        flow = name.split("/")[0]
        here = f"https://host.example/site/{name}"
        for el in etree.fromstring(data).iter():
            url = el.get("action") if el.tag != "Redirect" else el.text
            if not url or not url.endswith(".xml"):
                continue
            links += 1
            base = bases[flow]
            if base is not None:
                assert url.startswith(base.text.rstrip("/") + "/")
                rel = url[len(base.text.rstrip("/")) + 1 :]
            else:
                resolved = urljoin(here, url)
                assert resolved.startswith("https://host.example/site/"), (name, url)
                rel = resolved[len("https://host.example/site/") :]
            assert rel in files, (name, url)
            assert el.get("method") == "GET", (name, url)
    assert links == 14  # every step link of the examples and the two flows above


# ---- templates ---------------------------------------------------------------------------------


TEMPLATES = ROOT / "flowc" / "backends" / "site_templates"


@needs_dot
def test_pages_share_one_style_sheet_and_one_script_made_of_the_package_files(tmp_path):
    assert build(EXAMPLES, tmp_path).exit_code == 0
    css = (TEMPLATES / "site.css").read_text(encoding="utf-8")
    script = "".join((TEMPLATES / n).read_text(encoding="utf-8") for n in ("site.js", "graph.js", "index.js"))
    root = sorted(p.name for p in tmp_path.iterdir() if p.is_file() and p.name != ".flowc-manifest.json")
    assert [n for n in root if n != "index.html"] == sorted([site.assets().css, site.assets().js])
    sheet, code = (tmp_path / site.assets().css).read_text(), (tmp_path / site.assets().js).read_text()
    assert sheet.endswith(css)  # after Pygments' styles, so it wins
    assert code == script
    # named after their content: a host may cache them for good
    for name, data in ((site.assets().css, sheet), (site.assets().js, code)):
        assert re.fullmatch(r"site_[0-9a-f]{12}\.(css|js)", name)
        assert name.split("_")[1].split(".")[0] == hashlib.sha256(data.encode()).hexdigest()[:12]
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) == 1 + len(EXAMPLES)
    for path in pages:
        doc = page(path)
        up = "" if path.parent == tmp_path else "../"
        assert doc.xpath("//link[@rel='stylesheet']/@href") == [up + site.assets().css], path
        assert doc.xpath("//script/@src") == [up + site.assets().js], path
        assert not doc.xpath("//style"), path  # nothing repeated page after page
        assert css[:200] not in path.read_text(encoding="utf-8"), path
    assert not re.search(r"<style>|<script>|<html", (ROOT / "flowc" / "backends" / "site.py").read_text())


def test_a_message_page_stands_alone():
    # flowc serve answers any path with it (a 404 in a folder the site does not have)
    doc = lhtml.fromstring(site.message_page("no flows"))
    assert doc.xpath("//style")[0].text.endswith((TEMPLATES / "site.css").read_text(encoding="utf-8"))
    assert not doc.xpath("//link[@rel='stylesheet'] | //script[@src]")
    assert len(doc.xpath("//script")) == 1


# ---- highlighting: Pygments' lexers and HTML, made faster --------------------------------------

LEXER_PIECES = [*"ab Z9_<>&;\"'\n\r\t#->:/=?![]\\u.", "step", "flow", "say", "<![CDATA[", "]]>", "<!--"]
LEXER_PIECES += ["-->", "<?", "?>", "&amp;", "https://x.org/a", "\ufeff", "POST "]
LEXER_TEXT = st.lists(st.sampled_from(LEXER_PIECES), max_size=40).map("".join)


def _both_lexers():
    from pygments.lexers import XmlLexer

    from flowc.pygments_lexer import FlowLexer

    return FlowLexer(), XmlLexer()


@settings(max_examples=400, deadline=None)
@given(LEXER_TEXT)
def test_the_tokens_are_the_lexers_own_for_any_text(text):
    for lexer in _both_lexers():
        assert site._tokens(lexer, text) == list(lexer.get_tokens(text)), (lexer.name, text)


@settings(max_examples=200, deadline=None)
@given(LEXER_TEXT, st.integers(min_value=1, max_value=120), st.sets(st.integers(min_value=1, max_value=130)))
def test_highlighted_html_is_what_pygments_writes(text, first, marked):
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    class Reference(HtmlFormatter):  # the formatter the site used before: Pygments' own HTML
        def wrap(self, source):
            width = len(str(self.linenostart + len(self.indents) - 1)) + 1
            number = self.linenostart

            def lines():
                nonlocal number
                for kind, line in source:
                    if kind != 1:
                        yield kind, line
                        continue
                    mark = self.marks.get(number)
                    cls = f"line mark-{mark}" if mark else "line"
                    i = number - self.linenostart
                    indent = self.indents[i] if i < len(self.indents) else 0
                    yield (
                        1,
                        f'<span class="{cls}" style="--i:{width + indent}">{line.removesuffix(chr(10))}</span>',
                    )
                    number += 1

            return super().wrap(lines())

    marks = {n: "error" if n % 2 else "warning" for n in marked}
    for lexer in _both_lexers():
        ref = Reference(linenos="inline", cssclass="hl", wrapcode=True, linenostart=first)
        ref.hl_lines = {n - first + 1 for n in marks}
        ref.marks = marks
        ref.indents = [len(line) - len(line.lstrip(" \t")) for line in text.split("\n")]
        want = highlight(text, lexer, ref).replace('<div class="hl">', '<div class="hl" tabindex="0">', 1)
        assert str(site._highlight(text, lexer, first, marks)) == want, (lexer.name, text)


def test_the_tokens_of_the_example_flows_and_their_twiml_are_the_lexers_own():
    from flowc.backends import twiml

    flow_lexer, xml_lexer = _both_lexers()
    b = load([str(p) for p in EXAMPLES])
    for path, source in b.sources().items():
        text = "\n".join(source.lines) + "\n"
        assert site._tokens(flow_lexer, text) == list(flow_lexer.get_tokens(text)), path
    for flow in b.flows:
        for step in flow.steps:
            if not step.is_branch:
                xml = twiml.render_step(flow, step).decode("utf-8")
                assert site._tokens(xml_lexer, xml) == list(xml_lexer.get_tokens(xml)), step.name


@settings(max_examples=300, deadline=None)
@given(st.lists(LEXER_TEXT, min_size=1, max_size=4), st.integers(min_value=1, max_value=120))
def test_a_flow_highlighted_line_by_line_is_highlighted_as_a_whole(texts, first):
    # any text, even one the grammar refuses: the flow lexer's states end with the line;
    # the lines of one text and of the texts before it are taken from the same table
    flow_lexer, _ = _both_lexers()
    by_line: dict = {}
    for text in texts:
        marks = {first + 1: "error"}
        assert site._highlight(text, flow_lexer, first, marks, by_line) == site._highlight(
            text, flow_lexer, first, marks
        ), text
    assert by_line or not any(texts)


XML_TEXT = st.lists(
    st.sampled_from([*"ab <>&;\"'\n\t=/!?-", "]]>", "<!--", "-->", "<![CDATA["]), max_size=12
).map("".join)


@st.composite
def twiml_like(draw, depth=0):
    """An element as lxml writes the TwiML: any text and attribute values."""
    el = etree.Element(draw(st.sampled_from(["Response", "Say", "Gather", "Play", "Dial"])))
    for name in draw(st.lists(st.sampled_from(["voice", "action", "method", "a"]), max_size=3, unique=True)):
        el.set(name, draw(XML_TEXT))
    el.text = draw(st.one_of(st.none(), XML_TEXT))
    if depth < 2:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            child = draw(twiml_like(depth + 1))
            child.tail = draw(st.one_of(st.none(), XML_TEXT))
            el.append(child)
    return el


@settings(max_examples=300, deadline=None)
@given(st.lists(twiml_like(), min_size=1, max_size=3))
def test_twiml_as_lxml_writes_it_highlighted_line_by_line_is_highlighted_as_a_whole(elements):
    from flowc.backends import twiml

    _, xml_lexer = _both_lexers()
    by_line: dict = {}
    for el in elements:
        text = (twiml.XML_DECLARATION + etree.tostring(el, encoding="UTF-8", pretty_print=True)).decode()
        assert site._highlight(text, xml_lexer, 1, by_line=by_line) == site._highlight(text, xml_lexer, 1), (
            text
        )


def test_the_example_flows_and_their_twiml_highlighted_line_by_line_as_a_whole():
    from flowc.backends import twiml

    flow_lexer, xml_lexer = _both_lexers()
    flow_lines: dict = {}
    xml_lines: dict = {}
    b = load([str(p) for p in EXAMPLES])
    for flow in b.flows:
        lines = b.sources()[flow.path].lines
        for step in flow.steps:
            text = "\n".join(lines[step.span.line - 1 : step.span.end_line]) + "\n"
            want = site._highlight(text, flow_lexer, step.span.line)
            assert site._highlight(text, flow_lexer, step.span.line, by_line=flow_lines) == want, step.name
            if not step.is_branch:
                xml = twiml.render_step(flow, step).decode("utf-8")
                want = site._highlight(xml, xml_lexer, 1)
                assert site._highlight(xml, xml_lexer, 1, by_line=xml_lines) == want, step.name
    # lines met again were lexed once: fewer lines in the tables than lines highlighted
    assert len(xml_lines) < sum(
        len(twiml.render_step(f, s).splitlines()) for f in b.flows for s in f.steps if not s.is_branch
    )


def test_a_line_that_does_not_lex_alone_sends_the_whole_text_to_the_lexer():
    _, xml_lexer = _both_lexers()
    text = (
        '<a b="x\ny">\n<!-- one\ntwo -->\n'  # not as lxml writes it: an attribute and a comment on two lines
    )
    by_line: dict = {}
    assert site._highlight(text, xml_lexer, 1, by_line=by_line) == site._highlight(text, xml_lexer, 1)
    assert None in by_line.values()


def test_a_lexer_the_tokenizer_cannot_follow_is_left_to_pygments():
    from pygments.lexers import PythonLexer

    lexer = PythonLexer()  # rules with callbacks and lookarounds of every kind: still the same tokens
    text = "def f(x):\n    return f'{x!r}' if x else None  # done\n"
    assert list(site._tokens(lexer, text)) == list(lexer.get_tokens(text))
    from pygments.filters import KeywordCaseFilter

    filtered = PythonLexer()
    filtered.add_filter(KeywordCaseFilter(case="upper"))
    site._TOKENIZERS.pop(PythonLexer, None)
    assert list(site._tokens(filtered, text)) == list(filtered.get_tokens(text))  # filters apply
    assert site._TOKENIZERS[PythonLexer] is None


def test_the_templates_escape_what_they_print():
    env = site._environment()
    assert env.autoescape is True
    assert b"&lt;b&gt;&amp;&quot;&#x27;" in site.message_page("<b>&\"'")


def test_the_templates_escape_each_value_once():
    # finalize (html.escape's entities) escapes; jinja2's escape() around it is left out
    env = site._environment()
    for name in ("flow.html.j2", "index.html.j2", "message.html.j2", "_macros.html.j2"):
        code = env.compile(env.loader.get_source(env, name)[0], name, raw=True)
        assert "environment.finalize(" in code, name
        assert "escape(environment.finalize(" not in code, name
    page = env.from_string(
        "{% macro m() %}<i>{{ a }}</i>{% endmacro %}{{ a }}|{{ b }}|{{ c }}|{{ m() }}"
    ).render(a="<&\"'>", b=site.Markup("<b>kept</b>"), c=3)
    assert page == "&lt;&amp;&quot;&#x27;&gt;|<b>kept</b>|3|<i>&lt;&amp;&quot;&#x27;&gt;</i>"


def test_with_jinja2s_own_code_generator_values_are_still_escaped_once():
    # a jinja2 whose code generator does not call the methods the site's changes
    from jinja2.compiler import CodeGenerator

    env = site._make_environment(CodeGenerator)
    page = env.get_template("message.html.j2").render(css="", script="", title="t", message="<b>&\"'")
    assert "&lt;b&gt;&amp;&quot;&#x27;" in page
    assert site._make_environment(site._generator()).finalize is site._escape


def test_without_jinja2_the_cli_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "jinja2", None)
    result = build(EXAMPLES, tmp_path / "out")
    assert result.exit_code == 2
    assert "jinja2" in result.output and "pip install 'flowc[site]'" in result.output
    assert not (tmp_path / "out").exists()


# ---- big graphs ------------------------------------------------------------------------------


@needs_dot
def test_each_flow_writes_its_graph_as_svg_dot_and_mermaid_and_wide_graphs_run_left_to_right(tmp_path):
    src = write(tmp_path / "src" / "wide.flow", wide_flow())
    result = build([src, *EXAMPLES], tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    doc = page(out / "wide" / "index.html")
    assert doc.xpath("//figcaption//a/@href") == ["graph.svg", "graph.dot", "graph.mmd"]
    svg = etree.parse(str(out / "wide" / "graph.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    steps = svg.xpath("//*[local-name()='g'][contains(concat(' ', @class, ' '), ' step ')]")
    assert len(steps) == 41
    # the standalone drawing links into the page
    assert set(svg.xpath("//*[local-name()='a']/@*[local-name()='href']")) >= {"index.html#step-s0"}
    dot = (out / "wide" / "graph.dot").read_text(encoding="utf-8")
    assert dot.startswith('digraph "wide" {') and 'rankdir="LR"' in dot
    assert 'rankdir="TB"' in (out / "voicemail" / "graph.dot").read_text(encoding="utf-8")
    mmd = (out / "wide" / "graph.mmd").read_text(encoding="utf-8")
    assert "flowchart LR" in mmd.splitlines()
    assert all(f"s_s{i}[" in mmd for i in range(41))
    assert '-->|"input received"| s_s1' in mmd
    # laid out left to right, the graph is taller than wide instead of ~3,000 pt wide
    width = float(svg.get("width").removesuffix("pt"))
    height = float(svg.get("height").removesuffix("pt"))
    assert width < height and width < 1400


@needs_dot
def test_dot_batches_come_back_in_the_order_of_the_graphs():
    texts = [f'digraph "g{i}" {{ "node{i}" }}\n' for i in range(2 * site.DOT_BATCH + 3)]  # three processes
    svgs = site.run_dot(texts, shutil.which("dot"))
    assert len(svgs) == len(texts)
    for i, svg in enumerate(svgs):
        assert svg.startswith("<svg") and f"<title>node{i}</title>" in svg, i


def test_when_dot_fails_the_pages_show_the_graph_as_dot_text(tmp_path):
    failing = write(tmp_path / "dot", "#!/bin/sh\necho 'no layout today' >&2\nexit 3\n")
    failing.chmod(0o755)
    b = load([str(p) for p in EXAMPLES])
    result = site.render(b, dot=str(failing))
    assert result.notices == [
        "Graphviz `dot` failed (no layout today), so the flow pages show the graph as DOT text"
    ]
    page = lhtml.fromstring(result.files[f"{EXAMPLES[0].stem}/index.html"])
    assert page.xpath("//pre[@class='dot']") and not page.xpath("//svg")
    assert not any(name.endswith("graph.svg") for name in result.files)


def test_mermaid_labels_are_escaped():
    b = load([str(write_tmp("evil.flow", HOSTILE))])
    files = site.render(b, dot=None).files
    mmd = files["evil/graph.mmd"].decode("utf-8")
    for line in mmd.splitlines()[2:]:
        # every label is one quoted string: no quote, bracket or pipe of the URL leaks out
        assert line.count('"') in (0, 2, 4), line
    assert "#quot;];evil[label=#quot;x" in mmd
    assert "<svg" not in mmd and "#lt;svg/onload=alert(4)#gt;" in mmd


def write_tmp(name: str, text: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="flowc-site-"))
    return write(folder / name, text)


# ---- a page for every flow ----------------------------------------------------------------------


@needs_dot
def test_a_file_with_syntax_errors_gets_its_page_with_what_parsed(tmp_path):
    src = write(tmp_path / "desk.flow", BROKEN)
    b = load([str(src)])
    assert not b.ok and b.units[0].flow is None
    files = site.render(b).files
    assert "desk/index.html" in files
    doc = lhtml.fromstring(files["desk/index.html"])
    assert "syntax errors" in doc.xpath("//div[@class='banner']")[0].text_content()
    # its graph: what parsed
    nodes = doc.xpath("//*[local-name()='g'][contains(concat(' ', @class, ' '), ' step ')]/@id")
    assert sorted(nodes) == ["n-step-bye", "n-step-menu", "n-step-start"]
    # the diagnostics inline, under the steps they are in, and the source
    menu = doc.xpath("//section[@id='step-menu']")[0]
    assert [p.get("data-code") for p in menu.xpath(".//pre[@data-code]")] == ["FL001", "FL001"]
    assert "recrd max 20s" in menu.text_content()
    assert "syntax errors" in menu.text_content()  # why there is no TwiML
    assert not [name for name in files if name.endswith(".xml")]
    # the index lists the flow in its table, not at the bottom
    index = lhtml.fromstring(files["index.html"])
    row = index.xpath('//tr[@data-flow="desk"]')
    assert row and "does not parse" in row[0].text_content()
    assert not index.xpath("//div[@id='unbuilt']")


# ---- errors first ----------------------------------------------------------------------------


@needs_dot
def test_errors_are_marked_in_the_graph_the_headings_and_the_index_and_other_steps_keep_their_twiml(tmp_path):
    src = write(
        tmp_path / "desk.flow",
        """\
flow desk

step start:
    gather digits 1 -> menu:
        say "Press 1 for the menu."
    redirect -> start_over

step menu:
    record max 20s -> start
    say "never played"

step lost:
    say "Nobody reaches this step."
""",
    )
    b = load([str(src)])
    files = site.render(b, extra=site.unsupported(b)).files
    doc = lhtml.fromstring(files["desk/index.html"])

    def node(cls):
        return doc.xpath(f"//*[local-name()='g'][contains(concat(' ', @class, ' '), ' {cls} ')]/@id")

    assert node("has-error") == ["n-step-start"]
    assert sorted(node("has-warning")) == ["n-step-lost", "n-step-menu"]
    label = "".join(doc.xpath("//*[@id='n-step-start']//*[local-name()='text']/text()"))
    assert "1 error" in label
    assert doc.xpath("//section[@id='step-start']/h2/span[@class='badge error']/text()") == ["1 error"]
    assert doc.xpath("//section[@id='step-menu']/h2/span[@class='badge warning']/text()") == ["1 warning"]
    assert doc.xpath("//section[@id='step-start']/@class") == ["step has-error"]
    # the marked lines carry their severity
    assert doc.xpath("//section[@id='step-start']//span[contains(@class, 'mark-error')]")
    assert doc.xpath("//section[@id='step-menu']//span[contains(@class, 'mark-warning')]")
    # one error does not hide the TwiML of the steps it is not in
    assert "desk/start.xml" not in files
    assert files["desk/menu.xml"].startswith(b"<?xml") and "desk/lost.xml" in files
    assert doc.xpath("//section[@id='step-menu']//a[@class='twiml-link']/@href") == ["menu.xml"]
    # the index: errors before warnings, each entry linked to its step
    index = lhtml.fromstring(files["index.html"])
    lists = index.xpath('//tr[@data-flow="desk"]//ul')
    assert [u.get("class") for u in lists] == ["problems errors", "problems warnings"]
    links = index.xpath('//tr[@data-flow="desk"]//ul//a/@href')
    assert links[0] == "desk/index.html#step-start"
    assert set(links[1:]) == {"desk/index.html#step-menu", "desk/index.html#step-lost"}


def test_the_sites_styles_come_after_pygments_so_its_markers_win():
    b = load([str(FLOWS / "voicemail.flow")])
    files = site.render(b, dot=None).files
    assert f'href="../{site.assets().css}"' in files["voicemail/index.html"].decode("utf-8")
    style = files[site.assets().css].decode("utf-8")
    assert style.index(".hl .hll { background-color") < style.index(".hl .hll { background: transparent; }")
    assert style.index("prefers-color-scheme: dark") < style.index(".hl .line.mark-error")


# ---- determinism: the order of the arguments ------------------------------------------------------


@needs_dot
def test_the_site_does_not_depend_on_the_order_of_the_files(tmp_path):
    write(tmp_path / "src" / "zeta.flow", "flow alpha\nstep start:\n    hangup\n")  # file order != name order
    write(tmp_path / "src" / "broken.flow", "step start\n    hangup\n")
    files = [*EXAMPLES, tmp_path / "src" / "zeta.flow", tmp_path / "src" / "broken.flow"]
    sites = []
    for n, order in enumerate((files, files[::-1], files[2:] + files[:2])):
        assert build(order, tmp_path / f"out{n}").exit_code == 1  # broken.flow: nothing written
        b = load([str(p) for p in order])
        sites.append(site.render(b, extra=site.unsupported(b)).files)
    assert sites[0] == sites[1] == sites[2]
    index = lhtml.fromstring(sites[0]["index.html"])
    assert index.xpath("//tr[@data-flow]/@data-flow") == [
        "alpha",
        "assistant",
        "broken",
        "helpdesk",
        "ivr",
        "payments",
        "recording",
        "standup",
        "standup_host",
        "voicemail",
    ]
    clean = [*EXAMPLES, tmp_path / "src" / "zeta.flow"]
    assert build(clean, tmp_path / "a").exit_code == 0
    assert build(clean[::-1], tmp_path / "b").exit_code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


# ---- check, build and serve agree ------------------------------------------------------------------


def test_check_build_and_serve_report_the_same_diagnostics_for_the_site(tmp_path):
    import json

    from flowc.serve import rebuild

    src = write(
        tmp_path / "main.flow",
        "step start:\n    record max 20s -> POST done\nstep done:\n    redirect -> nowhere\n",
    )

    def codes(args):
        result = CliRunner().invoke(cli, [*args, "--format", "json"])
        assert result.exit_code == 1
        return sorted((d["line"], d["column"], d["code"]) for d in json.loads(result.stdout))

    check = codes(["check", "--target", "site", str(src)])
    assert check == [(2, 23, "FL900"), (4, 14, "FL104")]  # FL900 alone on its span: no FL701 beside it
    assert codes(["build", "--target", "site", str(src), "-o", str(tmp_path / "out")]) == check
    lines: list[str] = []
    rebuild([str(src)], str(tmp_path / "preview"), lines.append)
    served = sorted(
        (int(m.group(1)), int(m.group(2)), m.group(3))
        for line in lines
        if (m := re.match(r".*?:(\d+):(\d+): \w+\[(FL\d+)\]", line))
    )
    assert served == check
    # the twiml target still warns about the POST, with its own code
    assert codes(["check", "--target", "twiml", str(src)]) == [(2, 23, "FL701"), (4, 14, "FL104")]


# ---- accessibility -------------------------------------------------------------------------------


@needs_dot
def test_the_graph_has_a_text_version_and_its_links_are_not_hidden(tmp_path):
    assert build(EXAMPLES, tmp_path).exit_code == 0
    doc = page(tmp_path / "ivr" / "index.html")
    assert not doc.xpath("//*[@role='img']")  # role=img would hide the node links from screen readers
    graph = doc.xpath("//div[@class='graph']")[0]
    assert graph.get("role") == "region" and graph.get("tabindex") == "0"
    rows = doc.xpath("//details[@class='edges']//tbody/tr")
    edges = doc.xpath("//*[local-name()='g'][contains(concat(' ', @class, ' '), ' edge ')]")
    assert len(rows) == len(edges) > 0
    assert all(e.get("aria-hidden") == "true" for e in edges)  # read from the table, one edge a row
    texts = [[td.text_content() for td in row.xpath("td")] for row in rows]
    assert ["call arrives", "start", "entry"] in texts
    assert ["start", "again", "no input: redirect"] in texts
    # each row's steps link to their sections
    assert doc.xpath("//details[@class='edges']//a/@href")[0].startswith("#step-")


# ---- many flows --------------------------------------------------------------------------------


@needs_dot
def test_a_shared_step_says_which_steps_of_which_flows_lead_to_it(tmp_path):
    write(tmp_path / "src" / "billing.flow", 'flow billing\nstep start:\n    say "Billing."\n    hangup\n')
    write(
        tmp_path / "src" / "main.flow",
        'step start:\n    gather digits 1 -> billing.start:\n        say "Hi"\n',
    )
    write(tmp_path / "src" / "sales.flow", "flow sales\nstep start:\n    redirect -> billing.start\n")
    assert build([tmp_path / "src"], tmp_path / "out").exit_code == 0
    doc = page(tmp_path / "out" / "billing" / "index.html")
    reached = doc.xpath("//section[@id='step-start']//p[@class='reached']/a")
    assert [(a.text, a.get("href")) for a in reached] == [
        ("main.start", "../main/index.html#step-start"),
        ("sales.start", "../sales/index.html#step-start"),
    ]


def test_the_index_of_many_flows_has_search_filter_sort_and_totals(tmp_path):
    for i in range(200):
        extra = "    redirect -> nowhere\n" if i % 50 == 0 else ""
        write(tmp_path / "src" / f"f{i:03}.flow", f"step start:\n{extra}    hangup\n")
    b = load([str(tmp_path / "src")])
    index = lhtml.fromstring(site.render(b, dot=None).files["index.html"])
    assert index.xpath("//input[@type='search']") and index.xpath("//select[@id='sort']")
    assert index.xpath("//select[@id='filter']/option/@value") == ["all", "problems", "errors", "clean"]
    rows = index.xpath("//tr[@data-flow]")
    assert len(rows) == 200
    assert [r.get("data-errors") for r in rows].count("1") == 4
    totals = index.xpath("//span[@class='totals']")[0].text_content()
    assert totals.startswith("200 flows · 200 steps") and "4 errors" in totals


@needs_dot
def test_adding_a_step_changes_a_few_lines_of_the_graph_and_the_page(tmp_path):
    import difflib

    steps = [f'step s{i}:\n    say "Step {i}."\n    redirect -> s{i + 1}\n' for i in range(8)]
    steps.append("step s8:\n    hangup\n")
    before = "flow chain\n\n" + "\n".join(steps)
    after = before.replace("    redirect -> s4\n", "    redirect -> extra\n") + (
        '\nstep extra:\n    say "A new step."\n    redirect -> s4\n'
    )
    out = {}
    for name, text in (("before", before), ("after", after)):
        src = write(tmp_path / name / "chain.flow", text)
        assert build([src], tmp_path / f"site-{name}").exit_code == 0
        out[name] = tmp_path / f"site-{name}" / "chain"

    def changed(file):
        a = (out["before"] / file).read_text(encoding="utf-8").splitlines()
        b = (out["after"] / file).read_text(encoding="utf-8").splitlines()
        return [
            line
            for line in difflib.unified_diff(a, b, lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
        ]

    dot = changed("graph.dot")
    # the new node and its edges, and the one edge that now goes to it
    assert len(dot) <= 6, dot
    assert any('"step extra"' in line and line.startswith("+") for line in dot)
    assert len(changed("graph.mmd")) <= 6
    assert len(changed("index.html")) <= 24, len(changed("index.html"))
