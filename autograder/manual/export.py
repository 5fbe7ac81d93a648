"""``autograder manual export ASSIGNMENT``: the written answers of every student, for graders who
do not use formgrader.

Writes, into ``--out`` (default ``OUT/manual/``, OUT being grade's output folder):

- ``ITEM.html`` for each written answer: the question, then every student's text (in student id
  order, or in key order with ``--anonymise``), shown as escaped plain text in a page that holds
  no script and whose Content-Security-Policy loads nothing (``autograder.sanitize``'s rule:
  nothing a student wrote runs);
- ``scores.csv``: one row per student and item, ``assignment, student_id (or key), item,
  max_points, score, comment``, to fill in and hand to ``autograder manual import``. Scores and
  comments already given (in formgrader or by an earlier import) are filled in.

With ``--anonymise`` each student is a stable random key (``anon-3f9a2c``), kept with the
instructor in ``OUT/manual_keys.csv`` and reused by later exports; the pages and the CSV then
name no student.
"""
from __future__ import annotations

import csv
import html
import pathlib

from ..course import NOTEBOOKS_DIR
from ..printable import spreadsheet_cell
from . import answers

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
         "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.8em;border-radius:4px}"
         "section{border-top:1px solid #ccc;margin-top:1.5em}.none{color:#666;font-style:italic}")
SCORES = "scores.csv"
COLUMNS = ["assignment", "student_id", "item", "max_points", "score", "comment"]


def export(assignment: str, out: pathlib.Path, dest: pathlib.Path | None = None, anonymise: bool = False,
           notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> tuple[pathlib.Path, list[str]]:
    """Write the pages and the CSV; return (the CSV, the students left out: no graded notebook)."""
    notebook, items = answers.manual_items(assignment, notebooks_dir)
    dest = dest or out / "manual"
    with answers.gradebook(out) as gb:
        students = answers.submitted_students(gb, assignment)
        texts = {s: answers.answer_texts(out, assignment, notebook, s) for s in students}
        left_out = [s for s in students if texts[s] is None]
        students = [s for s in students if texts[s] is not None]
        given = {(s, item.grade_id): _given(gb, assignment, notebook, s, item.grade_id)
                 for s in students for item in items}
    names = answers.keys_for(out, students) if anonymise else {s: s for s in students}
    order = sorted(students, key=names.get)
    dest.mkdir(parents=True, exist_ok=True)
    for item in items:
        page = _page(assignment, item, [(names[s], texts[s].get(item.grade_id)) for s in order])
        (dest / f"{item.grade_id}.html").write_text(page)
    path = dest / SCORES
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS if not anonymise else [c if c != "student_id" else "key" for c in COLUMNS])
        for s in order:
            for item in items:
                score, comment = given[s, item.grade_id]
                writer.writerow([spreadsheet_cell(x) for x in
                                 (assignment, names[s], item.grade_id, f"{item.points:g}", score, comment)])
    return path, left_out


def _given(gb, assignment: str, notebook: str, student: str, grade_id: str) -> tuple[str, str]:
    """(score, comment) a person already gave this answer ('' for none)."""
    from nbgrader.api import MissingEntry

    grade = gb.find_grade(grade_id, notebook, assignment, student)
    try:
        comment = gb.find_comment(grade_id, notebook, assignment, student).manual_comment or ""
    except MissingEntry:
        comment = ""
    return ("" if grade.manual_score is None else f"{grade.manual_score:g}"), comment


def _page(assignment: str, item: answers.Item, answers_in_order: list[tuple[str, str | None]]) -> str:
    """One item's page: the question and each answer, all as escaped text."""
    esc = html.escape
    title = f"{assignment}: {item.grade_id} ({item.points:g} points)"
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
             f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{esc(title)}</h1>",
             f"<p>{len(answers_in_order)} answers. Enter each score (0 to {item.points:g}) and a comment in "
             f"<code>{SCORES}</code>, then run <code>autograder manual import {SCORES}</code>.</p>"]
    if item.question:
        parts.append(f"<h2>The question</h2><pre>{esc(item.question)}</pre>")
    for name, text in answers_in_order:
        body = (f"<pre>{esc(text)}</pre>" if text and text.strip()
                else "<p class='none'>(no answer: the cell is missing or empty)</p>")
        parts.append(f"<section id='{esc(name, quote=True)}'><h2>{esc(name)}</h2>{body}</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
