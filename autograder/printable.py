"""Text that is safe to print on a terminal and to put in a spreadsheet cell.

Student ids, file names and statuses come, in part, from what students hand in. Before any of
them reaches the instructor's terminal or grades.csv:

- ``printable(text)`` escapes every control or format character (``\\x1b``, newlines, ``\\u202e``,
  the surrogates Python uses for file names that are not UTF-8), so that nothing can move the
  cursor, recolour the terminal, forge a line or reorder what a reader sees;
- ``spreadsheet_cell(text)`` does that and neutralises a formula: a cell starting with
  ``= + - @`` gets a leading ``'``, which spreadsheets show as text (OWASP's advice against
  CSV injection). Plain numbers (``-1.5``) stay numbers.
"""
from __future__ import annotations

import re
import unicodedata

# control, format, surrogate, private use, unassigned, line and paragraph separators
UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
FORMULA_STARTS = ("=", "+", "-", "@")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_unsafe(char: str) -> bool:
    """True for a character that must never reach a terminal or a CSV cell as it is."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def printable(text: str) -> str:
    """``text`` with every unsafe character written as its escape (``\\x1b``, ``\\n``, ``\\u202e``)."""
    if text.isascii() and text.isprintable():  # printable ASCII holds no unsafe character: the fast path
        return text
    if text.isprintable() and not any(is_unsafe(c) for c in text):
        return text
    return "".join(c.encode("unicode_escape", "backslashreplace").decode("ascii") if is_unsafe(c) else c
                   for c in text)


def spreadsheet_cell(text: str) -> str:
    """``printable(text)``, with a leading ``'`` if a spreadsheet would read it as a formula."""
    text = printable(text)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text
