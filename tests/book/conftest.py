"""The book is built once per test session (`make book`), and every test here reads that build."""
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
ASSIGNMENTS = ("01_perceptron", "02_logistic_regression", "03_backprop",
               "04_activations", "05_regularization", "06_keras")
# which chapter links which graded notebook
CHAPTER_OF_ASSIGNMENT = {
    "01_perceptron": "book/01_perceptron", "02_logistic_regression": "book/02_logistic_regression",
    "03_backprop": "book/03_backprop", "04_activations": "book/04_activations",
    "05_regularization": "book/05_training", "06_keras": "book/06_keras",
}


def toc_pages():
    """The docnames listed in _toc.yml, in reading order (``book/intro`` first)."""
    text = (ROOT / "_toc.yml").read_text()
    return re.findall(r"^root:\s*(\S+)", text, re.M) + re.findall(r"^\s*- file:\s*(\S+)", text, re.M)


@dataclass
class BookBuild:
    returncode: int
    log: str

    def html(self, docname):
        """The built HTML of a page, e.g. ``html("book/03_backprop")``."""
        return (HTML / f"{docname}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def book_build():
    """Run `make book` (warnings are errors) and return its exit status and log."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(["make", "--no-print-directory", "book"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return BookBuild(proc.returncode, proc.stdout)


@pytest.fixture(scope="session")
def book(book_build):
    """The successful build; tests that read it fail (with the build's log) if it did not succeed."""
    if book_build.returncode != 0:
        pytest.fail("`make book` failed; the end of its log:\n" + book_build.log[-6000:], pytrace=False)
    return book_build
