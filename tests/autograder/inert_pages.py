"""Open an HTML file in headless Chromium (Debian's, driven by Playwright) with every request
other than the file itself (and the files of a folder it may load, such as a feedback page's
MathJax) blocked, and report what ran, what was asked for, and what in it is active (scripts,
frames, event handlers, ``javascript:`` or remote URLs; MathJax's own assistive MathML, inside
``mjx-assistive-mml``, is not counted as an element, its attributes are audited as any)."""
from __future__ import annotations

import contextlib
import dataclasses
import pathlib

import pytest

CHROMIUM = pathlib.Path("/usr/bin/chromium")
MARK = "PWNED"  # a payload that runs puts this into the title and sets window.pwned

ACTIVE = """(root) => {
  const scope = document.querySelector(root) || document.body;
  const found = [];
  const tags = ["script", "iframe", "frame", "object", "embed", "applet", "svg", "math", "base", "form", "link",
                "meta", "style", "audio", "video", "source", "track", "portal"];
  for (const el of scope.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    const mathjax = el.closest("mjx-assistive-mml") !== null && el.namespaceURI === "http://www.w3.org/1998/Math/MathML";
    if (tags.includes(tag) && !mathjax) found.push("<" + tag + ">");
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith("on") || name === "srcdoc" || name === "style" && value.includes("url(")) {
        found.push("<" + tag + " " + name + ">");
      } else if (["href", "src", "action", "formaction", "data", "xlink:href", "background", "poster",
                  "srcset"].includes(name)) {
        const local = value.startsWith("#") || /^data:image\\/(png|jpeg);base64,/.test(value) ||
                      !/^[a-z][a-z0-9+.-]*:/.test(value) && !value.startsWith("//");
        if (!local) found.push("<" + tag + " " + name + "=" + value.slice(0, 60) + ">");
      }
    }
  }
  return found;
}"""


@dataclasses.dataclass
class Visit:
    """What happened when a page was opened."""

    title: str
    pwned: object  # window.pwned after load: None unless a payload ran
    requests: list[str]  # blocked requests for anything but the page, data: URLs and the allowed folder
    console: list[str]  # console errors and warnings, page errors
    active: list[str]  # active elements and attributes in the audited part of the page
    measured: object = None  # what the ``measure`` script returned, if one was given

    def ran(self) -> bool:
        return self.pwned is not None or MARK in self.title


@contextlib.contextmanager
def chromium():
    """A headless Chromium (fails the test, saying how to install it, if it is missing)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium`", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        try:
            yield browser
        finally:
            browser.close()


def visit(browser, path: pathlib.Path, audit: str = "body", screenshot: pathlib.Path | None = None,
          allow: pathlib.Path | None = None, measure: str | None = None) -> Visit:
    """Open ``path``; audit the elements under the CSS selector ``audit`` for active content. The
    files under the folder ``allow`` may be loaded too; ``measure``, a JavaScript function (its
    promise awaited), is evaluated after the load and its result kept."""
    url = path.resolve().as_uri()
    allowed = allow.resolve().as_uri() + "/" if allow is not None else None
    requests, console = [], []
    context = browser.new_context(viewport={"width": 1200, "height": 900})

    def only_the_page(route):
        asked = route.request.url
        if asked == url or asked.startswith("data:") or allowed and asked.startswith(allowed) and ".." not in asked:
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_page)
    try:
        page = context.new_page()
        page.on("console", lambda msg: msg.type in ("error", "warning") and console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
        page.goto(url, wait_until="load")
        measured = page.evaluate(measure) if measure is not None else None
        page.wait_for_timeout(500)  # timers, refreshes, late loads
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
        return Visit(page.title(), page.evaluate("() => window.pwned === undefined ? null : window.pwned"),
                     requests, console, page.evaluate(ACTIVE, audit), measured)
    finally:
        context.close()
