"""Every page of the built book in a real browser (headless Debian Chromium driven by Playwright).

The site is served on 127.0.0.1 and every request elsewhere is blocked and reported, so these tests
also prove that the book works offline. Full-page screenshots go to _build/screenshots/.
"""
import functools
import http.server
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from book_site import HTML, ROOT, toc_pages

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"      # installed by `make test` (npm ci)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHAPTERS = [page for page in toc_pages() if re.match(r"book/\d\d_", page)]


@pytest.fixture(scope="module")
def site(book):
    """Base URL of _build/html served by a local HTTP server thread."""
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=HTML))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the book's browser tests need it; install it with "
                    "`apt-get install chromium` (as .ci/run does)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


class Visit:
    """A browser tab on the local site that records every problem: console errors, page errors,
    failed or refused requests, HTTP errors, and any request that leaves 127.0.0.1."""

    def __init__(self, browser, site):
        self.site = site
        self.problems = []
        self.loading = set()            # requests sent and not yet finished or failed
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("request", lambda req: self.loading.add(req))
        self.page.on("requestfinished", lambda req: self.loading.discard(req))
        self.page.on("requestfailed", lambda req: self.loading.discard(req))
        self.page.on("requestfailed", lambda req: self.problems.append(f"failed: {req.url} ({req.failure})"))
        self.page.on("response", lambda res: res.status >= 400 and self.problems.append(f"HTTP {res.status}: {res.url}"))

    def _only_local(self, route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to the internet: {route.request.url}")
            route.abort()

    def open(self, path):
        self.page.goto(f"{self.site}/{path}", wait_until="load", timeout=90000)
        self.wait_until_quiet()
        return self.page

    def wait_until_quiet(self, quiet=0.5, timeout=90.0):
        """Wait until no request has been loading for ``quiet`` seconds: Playwright's "networkidle", counted
        here from the page's own request events (Playwright's wait for it sometimes never returns on the
        longest chapters although every request has finished)."""
        start = last_busy = time.monotonic()
        while True:
            self.page.wait_for_timeout(100)              # lets Playwright deliver the request events
            now = time.monotonic()
            if self.loading:
                last_busy = now
            elif now - last_busy >= quiet:
                return
            if now - start > timeout:
                raise AssertionError(f"still loading after {timeout:.0f} s: {[r.url for r in self.loading][:5]}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site):
    visit = Visit(browser, site)
    yield visit
    visit.close()


def wait_for_mathjax(page):
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
    page.evaluate("() => MathJax.startup.promise")


@pytest.mark.parametrize("docname", toc_pages())
def test_page_renders_cleanly(visit, docname):
    page = visit.open(f"{docname}.html")
    has_maths = page.locator("article .math").count() > 0
    if has_maths:
        wait_for_mathjax(page)
        assert page.locator("article mjx-container").count() >= page.locator("article .math").count(), \
            f"{docname}: some maths was not typeset"
        errors = page.locator("mjx-merror").all_inner_texts()
        assert not errors, f"{docname}: MathJax errors {errors}"
    images = page.eval_on_selector_all(
        "article img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
    assert all(loaded for _, loaded in images), f"{docname}: images not loaded {[s for s, ok in images if not ok]}"
    if docname in CHAPTERS:
        assert len(images) > 0, f"{docname}: a chapter without figures"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(docname).name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(docname).name}-phone.png"), full_page=True)
    assert not visit.problems, f"{docname}:\n" + "\n".join(visit.problems)


def test_next_and_previous_buttons_walk_the_book(visit):
    pages = toc_pages()
    page = visit.open("index.html")               # the site's entry point leads to the first page
    page.wait_for_url(f"**/{pages[0]}.html", timeout=10000)
    for expected in pages[1:]:
        visit.wait_until_quiet()                   # leaving a page that still loads aborts requests
        page.click("a.right-next")
        page.wait_for_url(f"**/{expected}.html", timeout=10000)
    visit.wait_until_quiet()
    page.click("a.left-prev")
    page.wait_for_url(f"**/{pages[-2]}.html", timeout=10000)
    visit.wait_until_quiet()
    assert not visit.problems, "\n".join(visit.problems)


@pytest.mark.parametrize("query, expected_page", [("perceptron", "01_perceptron"), ("backpropagation", "03_backprop")])
def test_search_finds_pages(visit, query, expected_page):
    page = visit.open(f"search.html?q={query}")
    page.wait_for_selector("#search-results ul.search li", timeout=20000)
    links = page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    assert any(expected_page in link for link in links), f"search for {query!r} returned {links}"
    assert not visit.problems, "\n".join(visit.problems)


def test_assignment_download_link_serves_the_notebook(visit):
    page = visit.open("book/01_perceptron.html")
    href = page.get_attribute("a.assignment-download", "href")
    response = page.request.get(f"{visit.site}/book/{href}")
    assert response.ok and response.json()["nbformat"] == 4


def test_exercise_solutions_are_hidden_until_clicked(visit):
    page = visit.open("book/01_perceptron.html")
    solution = page.locator(".admonition.dropdown").first
    answer = solution.locator("p").nth(1)
    assert solution.locator(".admonition-title").inner_text().strip() == "Solution"
    assert not answer.is_visible(), "the solution is shown before the reader asks for it"
    solution.locator(".admonition-title").click()
    answer.wait_for(state="visible", timeout=5000)
    assert not visit.problems, "\n".join(visit.problems)


@pytest.mark.parametrize("docname", toc_pages())
def test_page_passes_axe_wcag_21_aa(visit, docname):
    """axe-core finds no violation of the WCAG 2.1 A and AA rules, on the typeset page."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: `make test` installs it (npm ci, pinned in "
                    "package-lock.json)", pytrace=False)
    page = visit.open(f"{docname}.html")
    if page.locator("article .math").count():
        wait_for_mathjax(page)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))",
        WCAG_TAGS)
    report = [f"{v['id']} ({v['impact']}): {v['help']} -- {len(v['targets'])} elements, e.g. {v['targets'][:3]}"
              for v in violations]
    assert not violations, f"{docname}:\n" + "\n".join(report)
    assert not visit.problems, "\n".join(visit.problems)
