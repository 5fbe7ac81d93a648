"""The book builds without a warning, its pages were executed, and it needs nothing from the internet."""
import re
import sys
from pathlib import Path

import pytest

from book_site import ASSIGNMENTS, CHAPTER_OF_ASSIGNMENT, HTML, ROOT, toc_pages

CHAPTERS = [page for page in toc_pages() if re.match(r"book/\d\d_", page)]


def test_build_succeeds_with_warnings_as_errors(book_build):
    assert book_build.returncode == 0, book_build.log[-6000:]
    assert "build succeeded" in book_build.log
    assert "--warningiserror" in (ROOT / "Makefile").read_text(), "the book target must fail on warnings"


def test_toc_lists_every_page_in_reading_order():
    assert toc_pages() == [
        "book/intro", "book/notation", "book/learning_from_data", "book/01_perceptron",
        "book/02_logistic_regression", "book/lda_qda", "book/03_backprop", "book/04_activations", "book/05_training",
        "book/training_more", "book/06_keras", "book/07_autoencoders", "book/generative_models", "book/08_beyond",
        "book/references",
    ]


@pytest.mark.parametrize("page", toc_pages())
def test_page_built(book, page):
    assert "<article" in book.html(page)


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_executed_with_figures(book, page):
    html = book.html(page)
    assert html.count('class="cell_output') > 0, f"{page}: no executed cell output in the HTML"
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert images, f"{page}: no figure"
    for src in images:
        path = (HTML / page).parent / src
        assert path.is_file() and path.stat().st_size > 1000, f"{page}: figure {src} missing or empty"


def test_only_toc_pages_are_built(book):
    built = {p.relative_to(HTML).with_suffix("").as_posix() for p in HTML.rglob("*.html")
             if p.relative_to(HTML).parts[0] != "_static"}
    stray = built - set(toc_pages()) - {"index", "search", "genindex"}
    assert not stray, f"pages built from outside the table of contents: {sorted(stray)}"


def test_kernel_is_the_virtualenvs_python():
    """`python3` must run this interpreter (the .venv's) when the build executes the pages."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv0 = KernelSpecManager().get_kernel_spec("python3").argv[0]
    # jupyter_client replaces a bare "python" by the interpreter that launches the kernel
    assert argv0 in ("python", "python3") or Path(argv0).resolve() == Path(sys.executable).resolve(), argv0


def test_maths_and_scripts_are_served_locally(book):
    for page in toc_pages():
        html = book.html(page)
        if 'class="math' in html:
            assert "_static/mathjax/tex-chtml-full.js" in html, f"{page} has maths but not the local MathJax"
        loaded = re.findall(r'<(?:script|img|iframe)\b[^>]*\bsrc="((?:https?:)?//[^"]+)"', html)
        loaded += [re.search(r'href="([^"]+)"', tag).group(1) for tag in re.findall(r"<link\b[^>]*>", html)
                   if re.search(r'rel="(?:stylesheet|preload|icon|modulepreload)"', tag)
                   and re.search(r'href="(?:https?:)?//', tag)]
        assert not loaded, f"{page} loads {loaded} from the internet"
    for css in HTML.joinpath("_static").rglob("*.css"):
        assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", css.read_text(errors="replace")), css


def test_every_assignment_published_and_linked(book):
    for assignment, page in CHAPTER_OF_ASSIGNMENT.items():
        notebook = HTML / "assignments" / f"{assignment}.ipynb"
        assert notebook.is_file(), f"{notebook} was not published"
        assert f'href="../assignments/{assignment}.ipynb"' in book.html(page), f"{page} does not link {assignment}"
    assert set(CHAPTER_OF_ASSIGNMENT) == set(ASSIGNMENTS)
