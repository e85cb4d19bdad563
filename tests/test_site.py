"""The site target: TwiML identical to the twiml target, pages, graph, escaping, determinism."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lhtml

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
        assert not doc.xpath("//script[@src] | //link[@rel='stylesheet'] | //img | //iframe"), name
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
        assert len(scripts) == 1 and "alert" not in scripts[0].text, name
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
    assert not [name for name in files if name.endswith(".xml")]  # a flow with errors has no TwiML
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
