"""Where the built book is and what it should contain, shared by the book's tests."""
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
ASSIGNMENTS = ("01_perceptron", "02_logistic_regression", "03_backprop",
               "04_activations", "05_regularization", "06_keras", "07_autoencoders")
# which chapter links which graded notebook
CHAPTER_OF_ASSIGNMENT = {
    "01_perceptron": "book/01_perceptron", "02_logistic_regression": "book/02_logistic_regression",
    "03_backprop": "book/03_backprop", "04_activations": "book/04_activations",
    "05_regularization": "book/05_training", "06_keras": "book/06_keras",
    "07_autoencoders": "book/07_autoencoders",
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
