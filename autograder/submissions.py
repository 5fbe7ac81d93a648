"""Find the students' submissions in a folder, in either of two layouts.

- flat: ``SUBMISSIONS/STUDENT_ID.ipynb``, one notebook per student;
- nbgrader's: ``SUBMISSIONS/STUDENT_ID/ASSIGNMENT/<notebook>.ipynb``.

Both may be mixed. Nothing a student handed in is skipped silently: a file that is not
``STUDENT_ID.ipynb`` (``bob.ipynb.txt``, ``carol.py``) is the submission of the student
named before its first dot, with an error status; in nbgrader's layout a notebook with
another name than the assignment's is an error too (``expected perceptron.ipynb, found
my_work.ipynb``). Hidden files and folders (``.DS_Store``, ``.ipynb_checkpoints``) and
``__MACOSX`` are ignored.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re

VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


@dataclasses.dataclass
class Submission:
    """One student's hand-in: the folder to grade (holding ``<notebook>.ipynb``), or why it cannot be graded."""

    student_id: str
    files: list[tuple[pathlib.Path, str]]  # (file, its path inside submitted/STUDENT_ID/ASSIGNMENT/)
    error: str | None = None

    def notebook_path(self, name: str) -> pathlib.Path:
        """The submitted file that is the notebook ``name`` (other files are not graded)."""
        return next(src for src, rel in self.files if rel == name)


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in ("__MACOSX", "__pycache__")


def find_submissions(folder: pathlib.Path, assignment_id: str, notebook: str) -> list[Submission]:
    """The submissions in ``folder``, sorted by student id, one per student."""
    found: dict[str, list[Submission]] = {}
    for path in sorted(folder.iterdir()):
        if _ignored(path.name):
            continue
        sub = _nbgrader_layout(path, assignment_id, notebook) if path.is_dir() else _flat_layout(path, notebook)
        found.setdefault(sub.student_id, []).append(sub)
    result = []
    for student, subs in sorted(found.items()):
        if len(subs) > 1:
            names = ", ".join(sorted({s.files[0][0].name if s.files else student for s in subs}))
            result.append(Submission(student, [], f"error: several submissions ({names})"))
        else:
            result.append(subs[0])
    return result


def _flat_layout(path: pathlib.Path, notebook: str) -> Submission:
    student, dot, rest = path.name.partition(".")
    if rest != "ipynb" or not VALID_ID.match(student):
        student = re.sub(r"[^A-Za-z0-9_.@+-]", "_", student) or "unknown"
        return Submission(student, [], f"error: expected STUDENT_ID.ipynb, found {path.name}")
    return Submission(student, [(path, f"{notebook}.ipynb")])


def _nbgrader_layout(path: pathlib.Path, assignment_id: str, notebook: str) -> Submission:
    student = path.name
    folder = path / assignment_id
    if not folder.is_dir():
        return Submission(student, [], f"error: no {assignment_id}/ folder in {student}/")
    files = [p for p in sorted(folder.rglob("*"))
             if p.is_file() and not any(_ignored(part) for part in p.relative_to(folder).parts)]
    notebooks = [p for p in files if p.suffix == ".ipynb" and p.parent == folder]
    if not any(p.name == f"{notebook}.ipynb" for p in notebooks):
        found = ", ".join(p.name for p in notebooks) or "no notebook"
        return Submission(student, [], f"error: expected {notebook}.ipynb, found {found}")
    return Submission(student, [(p, str(p.relative_to(folder))) for p in files])
