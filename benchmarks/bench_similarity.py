"""How fast ``autograder similarity`` is on a class of 1,000: generated submissions of one assignment.

    .venv/bin/python benchmarks/bench_similarity.py [--n 1000] [--assignment 03_backprop] [--planted 25]

Each generated student answers each answer cell with one of two answers (the instructor's solution,
or the independent answer of ``tests/notebooks/independent/``), or leaves it as released (one cell in
ten), then varies it: every name renamed at random, the functions of a cell shuffled, comments
added, and random edits (a statement inserted, a constant changed, a product written with
``np.dot``, a statement dropped). ``--planted`` students more are each another student's answers
disguised again (new names, another order, other comments): pairs the report should rank first.

Writes the notebooks to a temporary folder (not timed), makes the released notebook once (timed
apart: ``grade`` already has it), then times ``write_report`` on the folder: reading every notebook,
fingerprinting, the index, the page, the chart. Prints the time, the pairs of students per second,
and how many planted pairs are among the report's top pairs. Goal: well under a minute on 2 cores
(issue 14).
"""
from __future__ import annotations

import argparse
import ast
import io
import os
import pathlib
import random
import sys
import tempfile
import time

import nbformat

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "notebooks"))

from autograder.course import NOTEBOOKS_DIR, notebook_name  # noqa: E402
from autograder.similarity import released_notebook, write_report  # noqa: E402
from autograder.similarity.fingerprint import given_names  # noqa: E402
from nbgrading import fill, independent_answers  # noqa: E402

COMMENTS = ["# my version", "# TODO tidy up", "# see lecture 3", "# works now", "# loop over the samples"]


def solution_answers(assignment: str) -> dict[str, str]:
    nb = nbformat.read(NOTEBOOKS_DIR / assignment / f"{notebook_name(assignment)}.ipynb", as_version=4)
    return {c.metadata.nbgrader.grade_id: "\n".join(line for line in c.source.splitlines() if "SOLUTION" not in line)
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}


class Variation(ast.NodeTransformer):
    """Renames every name the answer binds (not the notebook's own) and makes random small edits."""

    def __init__(self, rng: random.Random, keep: frozenset[str], edits: float):
        self.rng, self.keep, self.edits, self.names = rng, keep, edits, {}

    def new(self, name: str) -> str:
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"{self.rng.choice('abcdefghxyz')}{self.rng.randrange(10**6)}")

    def visit_Name(self, node):
        node.id = self.new(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.new(node.arg)
        return node

    def visit_keyword(self, node):
        self.generic_visit(node)
        node.arg = self.new(node.arg) if node.arg else None
        return node

    def visit_Constant(self, node):
        if isinstance(node.value, float) and self.rng.random() < self.edits:
            node.value = self.rng.choice([0.5, 2.0, 1e-8, 0.1])
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.MatMult) and self.rng.random() < self.edits:
            dot = ast.Attribute(ast.Name("np", ast.Load()), "dot", ast.Load())
            return ast.Call(dot, [node.left, node.right], [])
        return node

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        node.name = self.new(node.name)
        if self.rng.random() < self.edits and len(node.body) > 1:
            del node.body[self.rng.randrange(len(node.body) - 1)]  # never the return
        if self.rng.random() < self.edits:
            arg = node.args.args[0].arg if node.args.args else "None"
            extra = ast.parse(f"_check{self.rng.randrange(100)} = len(str({arg})) * {self.rng.randrange(2, 9)}")
            node.body.insert(self.rng.randrange(len(node.body)), extra.body[0])
        return node


def vary(code: str, rng: random.Random, keep: frozenset[str], edits: float) -> str:
    """``code`` renamed, its functions shuffled, with comments and (with probability ``edits`` each) edits."""
    tree = Variation(rng, keep, edits).visit(ast.parse(code))
    body = list(tree.body)
    rng.shuffle(body)
    parts = []
    for node in body:
        lines = ast.unparse(ast.fix_missing_locations(node)).splitlines()
        parts.append("\n".join(f"{line}  {rng.choice(COMMENTS)}" if rng.random() < 0.2 else line for line in lines))
    return "\n\n".join(parts) + "\n"


def generate(folder: pathlib.Path, assignment: str, released: nbformat.NotebookNode, n: int, planted: int,
             seed: int) -> list[tuple[str, str]]:
    """Write ``n`` varied submissions and ``planted`` disguised ones; the planted pairs."""
    rng = random.Random(seed)
    keep = given_names([c.source for c in released.cells if c.cell_type == "code"])
    answers = [solution_answers(assignment), independent_answers(assignment)]
    cells = list(answers[0])
    written: dict[str, dict[str, str]] = {}
    for k in range(n):
        chosen = {gid: vary(rng.choice(answers)[gid], rng, keep, edits=0.15) for gid in cells if rng.random() > 0.1}
        written[f"s{k:04d}"] = chosen
    pairs = []
    for k, original in enumerate(rng.sample(sorted(written), planted)):
        name = f"p{k:03d}"
        written[name] = {gid: vary(code, rng, keep, edits=0.0) for gid, code in written[original].items()}
        pairs.append((original, name))
    for name, chosen in written.items():
        nbformat.write(fill(released, chosen), folder / f"{name}.ipynb")
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="generated students (default 1000)")
    parser.add_argument("--planted", type=int, default=25, help="disguised copies of other students' answers")
    parser.add_argument("--assignment", default="03_backprop")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=None, help="processes reading the submissions (default: one per "
                        "CPU); with 1, the CPU time printed is the whole report's")
    args = parser.parse_args()
    start = time.perf_counter()
    released = released_notebook(args.assignment)
    release_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as tmp:
        folder = pathlib.Path(tmp) / "submissions"
        folder.mkdir()
        planted = generate(folder, args.assignment, released, args.n - args.planted, args.planted, args.seed)
        start, cpu = time.perf_counter(), time.process_time()
        found = write_report(args.assignment, folder, pathlib.Path(tmp) / "out", released=released,
                             stream=io.StringIO(), jobs=args.jobs)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    students = args.n
    n_pairs = students * (students - 1) // 2
    top = {frozenset((p.a.student_id, p.b.student_id)) for p in found.pairs[:len(planted)]}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.assignment}: {students} submissions, {n_pairs:,} pairs of students; {os.cpu_count()} CPUs, "
          f"load average {load} (1, 5, 15 min)")
    print(f"released notebook (nbgrader generate_assignment, once; grade already has it): {release_seconds:.1f} s")
    print(f"similarity report: {seconds:.1f} s, {n_pairs / seconds:,.0f} pairs per second "
          f"(goal: well under 60 s on 2 cores); CPU time of this process: {cpu:.1f} s"
          + ("" if args.jobs == 1 else " (the processes reading the submissions not counted: --jobs 1 counts all)"))
    print(f"planted pairs among the top {len(planted)}: {len(top & set(map(frozenset, planted)))} of {len(planted)}; "
          f"{len(found.pairs)} pairs listed, {len(found.ignored):,} fingerprints shared by more than "
          f"{found.common} students ignored")


if __name__ == "__main__":
    main()
