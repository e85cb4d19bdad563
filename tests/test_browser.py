"""The site in a real browser: headless Chromium (Debian's) driven by Selenium.

The example flows are built with the site target and served on localhost.
Each page is checked for what a reader sees (every flow listed, a graph with
one node per step, TwiML links that answer XML, no console errors), and a
full-page screenshot of each is saved under tests/artifacts/.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from site_helpers import BROKEN, wide_flow

from flowc.cli import cli
from flowc.project import load
from flowc.serve import start_server

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
EXAMPLES = sorted(FLOWS.glob("*.flow"))  # flows/server/ needs a server: it branches
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and shutil.which("dot")),
    reason="chromium, chromium-driver and graphviz are installed by scripts/system-deps.sh",
)


@pytest.fixture(scope="module")
def site_dir():
    with tempfile.TemporaryDirectory(prefix="flowc-browser-") as d:
        result = CliRunner().invoke(cli, ["build", "--target", "site", *map(str, EXAMPLES), "-o", d])
        assert result.exit_code == 0, result.output
        yield Path(d)


@pytest.fixture(scope="module")
def base_url(site_dir):
    server = start_server(str(site_dir), "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="flowc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(180)  # axe-core on a big page takes long on a busy machine
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def screenshot(driver, name: str) -> Path:
    """A full-page screenshot: the window grows to the page's height first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 600), 12000))
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    return path


def fetch(driver, href: str) -> dict:
    """GET ``href`` from the page, the way a browser follows the link."""
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(async (r) => done({
            status: r.status, type: r.headers.get("Content-Type"), body: await r.text(), url: r.url
        })).catch((e) => done({status: 0, type: "", body: String(e), url: ""}));
        """,
        href,
    )


def test_index_lists_every_example_flow(browser, base_url):
    from selenium.webdriver.common.by import By

    browser.get(base_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "tr[data-flow]")
    names = [r.get_attribute("data-flow") for r in rows]
    assert names == [p.stem for p in EXAMPLES]
    for row in rows:
        link = row.find_element(By.CSS_SELECTOR, "a.flow-link")
        assert link.text == row.get_attribute("data-flow")
        assert link.get_attribute("href") == f"{base_url}{link.text}/index.html"
    assert console_errors(browser) == []
    screenshot(browser, "index")


def test_every_flow_page_shows_its_graph_and_links_answer_xml(browser, base_url):
    from selenium.webdriver.common.by import By

    for flow in load([str(p) for p in EXAMPLES]).flows:
        browser.get(f"{base_url}{flow.name}/index.html")
        svg = browser.find_elements(By.CSS_SELECTOR, ".graph svg")
        assert len(svg) == 1 and svg[0].is_displayed()
        box = svg[0].rect
        assert box["width"] > 100 and box["height"] > 100
        nodes = browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.step")
        assert sorted(n.get_attribute("id") for n in nodes) == sorted(f"n-step-{s.name}" for s in flow.steps)
        assert all(n.is_displayed() for n in nodes)

        links = browser.find_elements(By.CSS_SELECTOR, "a.twiml-link")
        hrefs = sorted({link.get_attribute("href") for link in links})
        assert hrefs == sorted(f"{base_url}{flow.name}/{s.name}.xml" for s in flow.steps)
        for href in hrefs:
            got = fetch(browser, href)
            assert got["status"] == 200, (href, got)
            assert "xml" in got["type"], (href, got["type"])
            root = etree.fromstring(got["body"].encode("utf-8"))
            assert root.tag == "Response"
        assert console_errors(browser) == [], flow.name
        screenshot(browser, flow.name)


def test_clicking_a_node_goes_to_its_step_and_copy_copies_the_entry_url(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base_url}ivr/index.html")
    browser.find_element(By.CSS_SELECTOR, "#n-step-operator a").click()
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return location.hash") == "#step-operator")
    button = browser.find_element(By.CSS_SELECTOR, "button.copy")
    assert button.get_attribute("data-copy") == "https://example.com/twiml/ivr/start.xml"
    button.click()
    copied = WebDriverWait(browser, 60).until(lambda d: button.get_attribute("data-copied"))
    assert copied == "https://example.com/twiml/ivr/start.xml"
    assert console_errors(browser) == []


def test_the_site_works_from_file_urls(browser, site_dir):
    from selenium.webdriver.common.by import By

    browser.get((site_dir / "index.html").as_uri())
    # the shared style sheet and script, loaded from the site's root by relative URLs
    assert browser.find_element(By.CSS_SELECTOR, "form.controls").is_displayed()  # the script ran
    assert (
        browser.find_element(By.CSS_SELECTOR, "table.flows").value_of_css_property("border-collapse")
        == "collapse"
    )
    browser.find_element(By.CSS_SELECTOR, 'tr[data-flow="voicemail"] a.flow-link').click()
    assert browser.current_url == (site_dir / "voicemail" / "index.html").as_uri()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.step")) == 2
    assert browser.find_element(By.CSS_SELECTOR, ".graph-tools").is_displayed()  # the graph's script ran
    assert browser.find_element(By.CSS_SELECTOR, ".hl .line .k").value_of_css_property("font-weight") == "700"
    assert console_errors(browser) == []


PREVIEW = """\
# A flow being edited: a dangling reference, a warning, a loop and a dead end.
flow desk

step start:
    gather digits 1 -> menu:
        say "Press 1 for the menu."
    redirect -> start_over

step menu:
    record max 20s -> start
    say "never played"

step lost:
    say "Nobody reaches this step, and it ends without a hangup."
"""


def test_a_preview_with_errors_shows_them_on_the_page(browser, tmp_path):
    from selenium.webdriver.common.by import By

    from flowc.serve import rebuild

    src = tmp_path / "desk.flow"
    src.write_text(PREVIEW, encoding="utf-8")
    out = tmp_path / "preview"
    result = rebuild([str(src)], str(out), lambda line: None)
    assert result.errors == 1 and result.warnings >= 2
    server = start_server(str(out), "127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        browser.get(url)
        assert "This preview has 1 error" in browser.find_element(By.ID, "errors").text
        problems = browser.find_element(By.CSS_SELECTOR, 'tr[data-flow="desk"]').text
        assert "1 error" in problems and "FL104" in problems and "FL204" in problems
        screenshot(browser, "preview-index")
        browser.get(f"{url}desk/index.html")
        assert len(browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.step")) == 3
        missing = browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.missing")
        assert len(missing) == 1 and "start_over" in missing[0].text
        errors = browser.find_elements(By.CSS_SELECTOR, "#step-start pre.diag.error")
        assert len(errors) == 1 and "FL104" in errors[0].text and errors[0].is_displayed()
        warnings = browser.find_elements(By.CSS_SELECTOR, "#step-menu pre.diag.warning")
        assert [w.get_attribute("data-code") for w in warnings] == ["FL201"]
        assert browser.find_elements(By.CSS_SELECTOR, "#step-lost .badge.dead-end")
        assert console_errors(browser) == []
        screenshot(browser, "preview-with-errors")
    finally:
        server.shutdown()
        server.server_close()


def test_the_preview_of_a_branching_flow_draws_its_branches(browser, tmp_path):
    from selenium.webdriver.common.by import By

    from flowc.serve import rebuild

    out = tmp_path / "preview"
    result = rebuild([str(FLOWS / "server" / "support.flow")], str(out), lambda line: None)
    assert result.errors == 1  # FL802: static targets cannot branch
    server = start_server(str(out), "127.0.0.1", 0)
    try:
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/support/index.html")
        edges = browser.find_elements(By.CSS_SELECTOR, ".graph svg g.edge.branch-edge")
        assert sorted(e.text for e in edges) == ['digits "1"', 'digits "2"', 'digits "3"', "otherwise"]
        assert all(e.is_displayed() for e in edges)
        assert browser.find_element(By.CSS_SELECTOR, "#step-choice pre.diag.error").get_attribute(
            "data-code"
        ) == ("FL802")
        assert console_errors(browser) == []
        screenshot(browser, "preview-branches")
    finally:
        server.shutdown()
        server.server_close()


def test_a_served_page_reloads_itself_after_a_change(browser, tmp_path):
    import re
    import threading

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from flowc.serve import serve

    src = tmp_path / "flows"
    src.mkdir()
    text = (FLOWS / "voicemail.flow").read_text(encoding="utf-8")
    (src / "voicemail.flow").write_text(text, encoding="utf-8")
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=([str(src)], None, "127.0.0.1", 0, lines.append, stop))
    thread.start()
    try:
        url = WebDriverWait(browser, 90).until(
            lambda d: next(
                (m.group(1) for line in lines if (m := re.search(r"at (http://\S+/)", line))), None
            )
        )
        browser.get(f"{url}voicemail/index.html")
        assert not browser.find_elements(By.ID, "step-extra")
        (src / "voicemail.flow").write_text(
            text.replace("    hangup", "    redirect -> extra") + "\nstep extra:\n    hangup\n",
            encoding="utf-8",
        )
        # no reload from the test: the page's own script reloads it after the rebuild
        WebDriverWait(browser, 90).until(lambda d: d.find_elements(By.ID, "step-extra"))
        assert len(browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.step")) == 3
        assert console_errors(browser) == []
    finally:
        browser.get("about:blank")  # the page stops polling before the server goes
        stop.set()
        thread.join(timeout=90)
    assert not thread.is_alive()
    assert "stopped" in lines


# ---- the site for review: big graphs, errors, narrow screens, dark mode, print, many flows ----------

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

LONG_LINES = """\
flow longlines

step start:
    gather digits 1 timeout 5s -> https://hooks.example.com/a/very/long/path/that/does/not/fit/on/a/narrow/screen/at/all:
        say "This sentence is long enough to wrap on a narrow screen, and its continuation stays indented."
    hangup
"""


def emulate(driver, *, width: int = 1400, height: int = 900, dark: bool = False, media: str = "") -> None:
    """The viewport, colour scheme and media the page is shown in (Chromium's DevTools protocol)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {
            "media": media,
            "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}],
        },
    )


def shot(driver, name: str, *, width: int, dark: bool = False, reload: bool = True) -> Path:
    """A full-page screenshot at ``width`` CSS pixels, light or dark, and one of the
    first screen (``-top``); the page is loaded again at that size unless ``reload``
    is false."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{width}{'-dark' if dark else ''}"
    emulate(driver, width=width, height=1000, dark=dark)
    if reload:
        driver.refresh()
    assert driver.save_screenshot(str(ARTIFACTS / f"{stem}-top.png"))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    emulate(driver, width=width, height=min(max(height, 400), 12000), dark=dark)
    path = ARTIFACTS / f"{stem}.png"
    assert driver.save_screenshot(str(path))
    emulate(driver, width=width, dark=dark)
    return path


def axe_violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    assert AXE.is_file(), "axe-core is installed by `make test` (npm ci in tests/axe)"
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]}).then((r) => done(r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary)
        })))).catch((e) => done([{id: "axe failed", impact: "critical", help: String(e), nodes: []}]));
        """
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgb(text: str) -> tuple[float, ...]:
    import re

    return tuple(float(x) for x in re.findall(r"[\d.]+", text)[:3])


@pytest.fixture(scope="module")
def review_url(tmp_path_factory):
    """A preview, as `flowc serve` builds it: the examples, a 41-step flow, a flow being
    edited (errors and warnings), a file with a syntax error, long lines, and shared steps."""
    from flowc.serve import rebuild

    src = tmp_path_factory.mktemp("review-src")
    for path in EXAMPLES:
        shutil.copy(path, src)
    (src / "wide.flow").write_text(wide_flow(), encoding="utf-8")
    (src / "desk.flow").write_text(PREVIEW, encoding="utf-8")
    (src / "broken.flow").write_text(BROKEN.replace("flow desk", "flow broken"), encoding="utf-8")
    (src / "longlines.flow").write_text(LONG_LINES, encoding="utf-8")
    out = tmp_path_factory.mktemp("review-site")
    rebuild([str(src)], str(out), lambda line: None)
    server = start_server(str(out), "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_big_graph_is_shown_at_a_readable_scale_and_zooms(browser, review_url):
    from selenium.webdriver.common.by import By

    emulate(browser, width=1400)
    browser.get(f"{review_url}wide/index.html")
    box = browser.find_element(By.CSS_SELECTOR, ".graph")
    label = browser.find_element(By.CSS_SELECTOR, "#n-step-s20 text")
    assert label.rect["height"] >= 11, label.rect  # about the page's small text, not squeezed
    scale = float(box.get_attribute("data-scale"))
    assert scale >= 0.75
    browser.find_element(By.CSS_SELECTOR, "button[data-zoom='in']").click()
    assert float(box.get_attribute("data-scale")) > scale
    browser.find_element(By.CSS_SELECTOR, "button[data-zoom='fit']").click()
    svg = browser.find_element(By.CSS_SELECTOR, ".graph svg")
    assert svg.rect["width"] <= box.rect["width"]
    browser.find_element(By.CSS_SELECTOR, "button[data-zoom='1']").click()
    assert box.get_attribute("data-scale") == "1.000"
    # the full-size drawing and the texts are beside the page
    for name, kind in (("graph.svg", "svg"), ("graph.dot", ""), ("graph.mmd", "")):
        got = fetch(browser, f"{review_url}wide/{name}")
        assert got["status"] == 200 and kind in got["type"], (name, got["type"])
    browser.get(f"{review_url}wide/index.html")
    shot(browser, "big-graph", width=1400)
    shot(browser, "big-graph", width=400)
    assert console_errors(browser) == []
    browser.get(f"{review_url}wide/graph.svg")  # (the browser asks for a favicon here)
    assert browser.find_elements(By.CSS_SELECTOR, "g.node.step")
    shot(browser, "big-graph-full-size", width=1400)
    assert all("favicon.ico" in e["message"] for e in console_errors(browser))


def test_errors_stand_out_with_markers_the_site_chooses(browser, review_url):
    from selenium.webdriver.common.by import By

    emulate(browser, width=1400)
    browser.get(f"{review_url}desk/index.html")
    panel = rgb(
        browser.find_element(By.CSS_SELECTOR, "#step-start .hl").value_of_css_property("background-color")
    )
    bars = {}
    for severity, step in (("error", "start"), ("warning", "menu")):
        line = browser.find_element(By.CSS_SELECTOR, f"#step-{step} .line.mark-{severity}")
        bars[severity] = rgb(line.value_of_css_property("box-shadow"))
        hll = line.find_element(By.CSS_SELECTOR, ".hll")
        assert hll.value_of_css_property("background-color") == "rgba(0, 0, 0, 0)"  # not Pygments' yellow
        assert contrast(bars[severity], panel) >= 3, (severity, bars[severity], panel)  # non-text contrast
    assert bars["error"] != bars["warning"]
    node = browser.find_element(By.CSS_SELECTOR, "#n-step-start.has-error")
    assert "1 error" in node.text
    badge = browser.find_element(By.CSS_SELECTOR, "#step-start h2 .badge.error")
    assert (
        contrast(
            rgb(badge.value_of_css_property("color")), rgb(badge.value_of_css_property("background-color"))
        )
        >= 4.5
    )
    shot(browser, "errors", width=1400)
    browser.get(review_url)
    first = browser.find_element(By.CSS_SELECTOR, 'tr[data-flow="desk"] ul.problems.errors a')
    first.click()
    assert browser.current_url.endswith("desk/index.html#step-start")
    assert console_errors(browser) == []


def test_a_file_with_a_syntax_error_has_a_page(browser, review_url):
    from selenium.webdriver.common.by import By

    emulate(browser, width=1400)
    browser.get(f"{review_url}broken/index.html")
    assert "syntax errors" in browser.find_element(By.CSS_SELECTOR, ".banner").text
    assert len(browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.step")) == 3
    assert browser.find_element(By.CSS_SELECTOR, "#step-menu pre.diag.error").is_displayed()
    shot(browser, "syntax-error", width=1400)
    assert console_errors(browser) == []


def test_no_serious_accessibility_violations_light_and_dark(browser, review_url):
    pages = [
        "",
        "ivr/index.html",
        "desk/index.html",
        "wide/index.html",
        "broken/index.html",
        "longlines/index.html",
    ]
    problems = {}
    for dark in (False, True):
        emulate(browser, width=1400, dark=dark)
        for name in pages:
            browser.get(review_url + name)
            found = axe_violations(browser)
            if found:
                problems[(name or "index", "dark" if dark else "light")] = found
    for key, found in sorted(problems.items()):
        print(key)
        for v in found:
            print("  ", v["id"], v["impact"], v["help"])
            for n in v["nodes"]:
                print("     ", n.replace("\n", " ")[:300])
    assert problems == {}


def test_the_graphs_links_are_reachable_from_the_keyboard(browser, review_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    emulate(browser, width=1400)
    browser.get(f"{review_url}ivr/index.html")
    box = browser.find_element(By.CSS_SELECTOR, ".graph")
    box.send_keys("+")  # the keys zoom the focused graph
    assert float(box.get_attribute("data-scale")) > 1
    link = browser.find_element(By.CSS_SELECTOR, "#n-step-operator a")
    assert link.get_attribute("tabIndex") == "0"
    browser.execute_script("arguments[0].focus()", link)
    assert browser.switch_to.active_element == link
    link.send_keys(Keys.ENTER)
    assert browser.execute_script("return location.hash") == "#step-operator"


def test_narrow_screens_wrap_lines_under_their_indentation_and_keep_urls_whole(browser, review_url):
    from selenium.webdriver.common.by import By

    emulate(browser, width=400)
    browser.get(review_url)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
    shot(browser, "index", width=400)
    browser.get(f"{review_url}longlines/index.html")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
    say = browser.find_element(By.XPATH, "//section[@id='step-start']//span[contains(@class, 's2')]")
    rects = browser.execute_script("return Array.from(arguments[0].getClientRects()).map(r => r.left)", say)
    assert len(rects) > 1  # it wraps
    keyword = browser.find_element(By.XPATH, "//section[@id='step-start']//span[@class='k' and text()='say']")
    assert min(rects[1:]) >= keyword.rect["x"] - 1  # continued under the indentation, not at the margin
    url = browser.find_element(
        By.XPATH, "//section[@id='step-start']//div/h3[text()='Source']/..//span[contains(@class, 'sx')]"
    )
    assert "hooks.example.com" in url.text
    assert (
        browser.execute_script("return arguments[0].getClientRects().length", url) == 1
    )  # not broken mid-word
    shot(browser, "long-lines", width=400)
    shot(browser, "long-lines", width=1400)


def test_dark_mode_follows_the_system(browser, review_url):
    from selenium.webdriver.common.by import By

    for dark, background in ((False, (255.0, 255.0, 255.0)), (True, (17.0, 24.0, 39.0))):
        emulate(browser, width=1400, dark=dark)
        browser.get(f"{review_url}desk/index.html")
        assert (
            rgb(browser.find_element(By.TAG_NAME, "body").value_of_css_property("background-color"))
            == background
        )
        text = rgb(browser.find_element(By.CSS_SELECTOR, "#step-start h2").value_of_css_property("color"))
        assert contrast(text, background) >= 7
    for name in ("", "desk/index.html", "wide/index.html"):
        browser.get(review_url + name)
        shot(browser, (name.split("/")[0] or "index") + "-page", width=1400, dark=True)
        shot(browser, (name.split("/")[0] or "index") + "-page", width=400, dark=True)
        shot(browser, (name.split("/")[0] or "index") + "-page", width=1400)


def test_print_hides_the_controls_and_keeps_steps_whole(browser, review_url):
    from selenium.webdriver.common.by import By

    browser.get(f"{review_url}desk/index.html")
    emulate(browser, width=1000, media="print")
    assert browser.find_element(By.CSS_SELECTOR, "button.copy").value_of_css_property("display") == "none"
    assert browser.find_element(By.CSS_SELECTOR, ".graph-tools").value_of_css_property("display") == "none"
    step = browser.find_element(By.CSS_SELECTOR, "section.step")
    assert step.value_of_css_property("break-inside") == "avoid-page"
    svg = browser.find_element(By.CSS_SELECTOR, ".graph svg")
    assert svg.rect["width"] <= browser.find_element(By.CSS_SELECTOR, "main").rect["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "print-desk-1000-top.png"))  # the print rules, on screen
    emulate(browser, width=1400)
    import base64

    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print-desk.pdf").write_bytes(pdf)


def test_the_index_of_200_flows_searches_filters_and_sorts(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from flowc.serve import rebuild

    src = tmp_path / "flows"
    src.mkdir()
    for i in range(200):
        extra = "    redirect -> nowhere\n" if i % 40 == 7 else ""
        (src / f"line_{i:03}.flow").write_text(f"step start:\n{extra}    hangup\n", encoding="utf-8")
    out = tmp_path / "site"
    rebuild([str(src)], str(out), lambda line: None)
    server = start_server(str(out), "127.0.0.1", 0)
    try:
        emulate(browser, width=1400)
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/")

        def shown():
            return [
                r.get_attribute("data-flow")
                for r in browser.find_elements(By.CSS_SELECTOR, "tr[data-flow]")
                if r.is_displayed()
            ]

        assert len(shown()) == 200
        assert browser.find_element(By.ID, "shown").text == "200 of 200 flows shown"
        browser.find_element(By.ID, "search").send_keys("line_01")
        assert shown() == [f"line_{i:03}" for i in range(10, 20)]
        browser.find_element(By.ID, "search").clear()
        browser.find_element(By.ID, "search").send_keys("FL104")
        assert shown() == [f"line_{i:03}" for i in range(7, 200, 40)]
        browser.execute_script(
            "var s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'))"
        )
        Select(browser.find_element(By.ID, "filter")).select_by_value("clean")
        assert len(shown()) == 195
        Select(browser.find_element(By.ID, "filter")).select_by_value("all")
        Select(browser.find_element(By.ID, "sort")).select_by_value("problems")
        assert shown()[:5] == [f"line_{i:03}" for i in range(7, 200, 40)]
        shot(browser, "index-200", width=1400, reload=False)
        assert console_errors(browser) == []
    finally:
        server.shutdown()
        server.server_close()
