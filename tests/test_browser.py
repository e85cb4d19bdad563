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
    driver.set_script_timeout(60)
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
    browser.find_element(By.CSS_SELECTOR, 'tr[data-flow="voicemail"] a.flow-link').click()
    assert browser.current_url == (site_dir / "voicemail" / "index.html").as_uri()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".graph svg g.node.step")) == 2
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
