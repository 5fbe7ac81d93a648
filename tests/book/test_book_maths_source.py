"""No maths reaches a page as raw TeX: every $...$ of the sources became a maths element.

A formula can silently fall apart in Markdown (a line of it that starts with "+ " becomes a list item,
an unbalanced $ swallows the rest of a paragraph); MathJax then has nothing to typeset and the reader
sees backslashes. The built text outside maths, code and scripts must hold no TeX command.
"""
import html
import re

import pytest

from book_site import toc_pages

NOT_PROSE = re.compile(r"<(pre|code|script|style)\b.*?</\1>|<(span|div) class=\"math[^\"]*\">.*?</\2>", re.S)
TEX = re.compile(r"\\(frac|partial|lVert|rVert|sum|mathbf|mathbb|tilde|delta|sigma|lambda|top|le|ge|odot|hat|text)\b")


@pytest.mark.parametrize("docname", toc_pages())
def test_no_raw_tex_in_the_text(book, docname):
    article = re.search(r"<article.*?</article>", book.html(docname), re.S)[0]
    text = html.unescape(re.sub(r"<[^>]+>", " ", NOT_PROSE.sub(" ", article)))
    raw = [text[max(m.start() - 60, 0):m.end() + 40].replace("\n", " ") for m in TEX.finditer(text)]
    assert not raw, f"{docname}: TeX outside maths:\n" + "\n".join(raw)
