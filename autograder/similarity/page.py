"""similarity.html: the pairs to look at, and their matching cells side by side.

One self-contained file (its chart inline as a ``data:`` image, its style inline), in the
feedback pages' way (``autograder.feedback``): no script at all, and a Content-Security-Policy
first in its head that allows none and loads nothing. Everything that comes from a student
(ids, code, written answers) is escaped and shown as text in ``<pre>``, so HTML or script in an
answer is only ever read. The words are those of a prompt to look, never of a finding.
"""
from __future__ import annotations

import base64
import html

from .answers import Answers, Cell
from .compare import Comparison, Pair, matching_cells

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
SHOWN_CELLS = 6  # cell pairs shown per pair of students
SHOWN_CHARS = 6_000  # of each cell
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 80rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #ccc; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-bottom: 1.2rem; }
.side-by-side > div { min-width: 0; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere;
      font-size: .85rem; border: 1px solid #ddd; }
mark { background: #ffd966; color: #000; }
h3 { font-size: 1rem; margin: .4rem 0; }
img { max-width: 100%; }
"""


def page(assignment: str, comparison: Comparison, n_students: int, unread: dict[str, str],
         blank: list[str], top: int, png: bytes) -> str:
    """The whole page."""
    e = html.escape
    shown = comparison.pairs[:top]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{e(assignment)}: answers to look at side by side</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(assignment)}: answers to look at side by side</h1>",
        "<p>Each pair below shares runs of code or text in the students' own answer cells once names, comments, "
        "layout and the order of functions are set aside. The code of the released notebook does not count, nor "
        f"does code that more than {comparison.common} students share. A high score is a reason to look at the two "
        "answers, not a conclusion: short exercises, code from the lectures, a study group or the one obvious way "
        "of writing a function also make answers alike. Read the highlighted passages before you decide anything.</p>",
        f"<p>{n_students} students compared; {comparison.candidates} pairs share some code, "
        f"{len(comparison.pairs)} of them at least 3 fingerprints; the top {len(shown)} are below. "
        f"Score: the share of the shorter answer's fingerprints also found in the other.</p>",
        f'<img alt="Scores of the top pairs, and each student\'s highest score" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">',
        _table(shown),
    ]
    for rank, pair in enumerate(shown, start=1):
        parts.append(_pair_section(rank, pair, comparison.ignored))
    if blank:
        parts.append("<h2>Answers left blank</h2><p>Nothing of their own in their answer cells (the released "
                     f"notebook as it was): not compared.</p><p>{e(', '.join(blank))}</p>")
    if unread:
        parts.append("<h2>Not compared</h2><p>These submissions could not be read:</p><ul>"
                     + "".join(f"<li>{e(student)}: {e(why)}</li>" for student, why in sorted(unread.items()))
                     + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(pairs: list[Pair]) -> str:
    if not pairs:
        return "<p>No pair of students shares enough of their answers to be worth a look.</p>"
    e = html.escape
    rows = "".join(
        f'<tr><td class="n">{rank}</td><td><a href="#pair-{rank}">{e(p.a.student_id)} and {e(p.b.student_id)}</a>'
        f'</td><td class="n">{p.score:.0%}</td><td class="n">{p.share_a:.0%}</td><td class="n">{p.share_b:.0%}</td>'
        f'<td class="n">{p.shared}</td></tr>'
        for rank, p in enumerate(pairs, start=1))
    return ("<table><thead><tr><th>rank</th><th>students</th><th>score</th><th>share of the first's answer</th>"
            f"<th>share of the second's</th><th>shared fingerprints</th></tr></thead><tbody>{rows}</tbody></table>")


def _pair_section(rank: int, pair: Pair, ignored: frozenset[int]) -> str:
    e = html.escape
    a, b = pair.a.student_id, pair.b.student_id
    cells = matching_cells(pair, ignored)
    parts = [f'<section id="pair-{rank}"><h2>{rank}. {e(a)} and {e(b)}: {pair.score:.0%}</h2>',
             f"<p>{pair.shared} fingerprints in common: {pair.share_a:.0%} of {e(a)}'s, {pair.share_b:.0%} of "
             f"{e(b)}'s. Highlighted: the passages both hold.</p>"]
    for ca, cb, spans_a, spans_b in cells[:SHOWN_CELLS]:
        parts.append('<div class="side-by-side">' + _cell(pair.a, pair.a.cells[ca], spans_a)
                     + _cell(pair.b, pair.b.cells[cb], spans_b) + "</div>")
    if len(cells) > SHOWN_CELLS:
        parts.append(f"<p>and {len(cells) - SHOWN_CELLS} more pairs of cells with passages in common.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _cell(student: Answers, cell: Cell, spans: list[tuple[int, int]]) -> str:
    e = html.escape
    return (f"<div><h3>{e(student.student_id)}: {e(cell.label)}</h3>"
            f"<pre>{highlighted(cell.source, spans)}</pre></div>")


def highlighted(source: str, spans: list[tuple[int, int]], limit: int = SHOWN_CHARS) -> str:
    """``source`` escaped, its ``spans`` (sorted, disjoint character ranges) in ``<mark>``; cut at ``limit``."""
    text = source[:limit]
    out, at = [], 0
    for start, end in spans:
        while start < end and text[start:start + 1].isspace():  # a mark starts on the passage itself
            start += 1
        start, end = min(start, len(text)), min(end, len(text))
        if start >= end or start < at:
            continue
        out.append(html.escape(text[at:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>")
        at = end
    out.append(html.escape(text[at:]))
    if len(source) > limit:
        out.append(f"\n[… {len(source) - limit} more characters not shown]")
    return "".join(out)
