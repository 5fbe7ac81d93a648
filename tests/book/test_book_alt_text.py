"""Every figure and diagram of the book says in words what it shows (WCAG 1.1.1, non-text content).

Sphinx falls back to the image's file name as its alt text; axe-core accepts that, a reader of a
screen reader learns nothing from it. So every image in a page's article needs an alt text of its
own: a sentence, not a path.
"""
import html
import re

import pytest

from book_site import toc_pages


@pytest.mark.parametrize("docname", toc_pages())
def test_every_image_has_a_real_alt_text(book, docname):
    article = re.search(r"<article.*?</article>", book.html(docname), re.S)[0]
    images = re.findall(r"<img\b[^>]*>", article)
    missing = []
    for tag in images:
        alt = html.unescape((re.search(r'\balt="([^"]*)"', tag) or [None, ""])[1])
        src = re.search(r'\bsrc="([^"]*)"', tag)[1]
        if len(alt.split()) < 8 or "_images/" in alt or re.search(r"\.(png|svg|jpe?g|gif)\b", alt):
            missing.append(f"{src}: alt={alt!r}")
    assert not missing, f"{docname}: images without a description of what they show:\n" + "\n".join(missing)
