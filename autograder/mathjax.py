"""MathJax for the feedback pages, served from beside them, so that maths renders offline.

The book vendors MathJax 3.2.2 in ``book/_static/mathjax`` (``tex-chtml-full.js``: every TeX
extension built in, nothing loaded on demand; the CommonHTML fonts in
``output/chtml/fonts/woff-v2``). ``install(folder)`` copies it into ``FOLDER/mathjax/``, with
``config.js``, once per output folder (``autograder grade`` does it for ``OUT/feedback``).
``add_mathjax(page)`` gives a sealed feedback page (``autograder.feedback.seal``) two script
elements, referenced relatively, and a Content-Security-Policy that lets those two run and
nothing else: ``script-src 'nonce-…'`` with a nonce drawn for the page (no inline script, no
other file, no ``javascript:`` URL), ``font-src 'self'`` for MathJax's fonts; images, styles and
requests stay as ``autograder.feedback.CSP`` allows. MathJax typesets only the markdown cells
(``startup.elements``), and of those only the released assignment's own are rendered as
markdown (``autograder.sanitize``): nothing a student wrote, a student id included, is typeset.
"""
from __future__ import annotations

import pathlib
import secrets
import shutil

from .course import REPO_ROOT
from .feedback import CSP, CSP_META

SOURCE = REPO_ROOT / "book" / "_static" / "mathjax"
FOLDER = "mathjax"
SCRIPT = "tex-chtml-full.js"
CONFIG = "config.js"
MARKDOWN_CELLS = (".text_cell_render", ".jp-RenderedMarkdown")  # nbconvert's classic and lab templates
CONFIG_JS = ("// MathJax for the feedback pages (autograder.mathjax): TeX in the assignment's markdown cells only\n"
             "window.MathJax = {\n"
             "  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true},\n"
             f"  startup: {{elements: {list(MARKDOWN_CELLS)!r}}},\n"
             "};\n")


def install(folder: pathlib.Path) -> pathlib.Path:
    """Copy MathJax (script, fonts, licence) and its configuration into ``folder/mathjax``; return it."""
    target = folder / FOLDER
    if not (SOURCE / SCRIPT).is_file():
        raise FileNotFoundError(f"MathJax is missing: {SOURCE / SCRIPT} (the book's vendored copy)")
    shutil.copytree(SOURCE, target, ignore=shutil.ignore_patterns("README.md"), dirs_exist_ok=True)
    (target / CONFIG).write_text(CONFIG_JS)
    return target


def policy(nonce: str) -> str:
    """The feedback's policy, letting the scripts that carry ``nonce`` run and MathJax's fonts load."""
    return f"{CSP}; script-src 'nonce-{nonce}'; font-src 'self'"


def add_mathjax(page: str) -> str:
    """A sealed feedback page, with MathJax loaded from ``mathjax/`` beside it."""
    if page.count(CSP_META) != 1:
        raise ValueError("expected a sealed feedback page: one Content-Security-Policy, autograder.feedback's")
    nonce = secrets.token_urlsafe(16)
    start = page.index(CSP_META)
    end = page.lower().find("</head>", start)
    if end < 0:
        raise ValueError("a feedback page without </head>: nowhere to load MathJax")
    scripts = "".join(f'<script nonce="{nonce}" src="{FOLDER}/{name}"{extra}></script>'
                      for name, extra in ((CONFIG, ""), (SCRIPT, " defer")))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(nonce)}">'
    return page[:start] + meta + page[start + len(CSP_META):end] + scripts + page[end:]
