"""Find the students' submissions in a folder, in either of two layouts, trusting none of its names.

- flat: ``SUBMISSIONS/STUDENT_ID.ipynb``, one notebook per student (the id is the file name
  without ``.ipynb``: ``jean.dupont.ipynb`` is jean.dupont's);
- nbgrader's: ``SUBMISSIONS/STUDENT_ID/ASSIGNMENT/<notebook>.ipynb``.

Both may be mixed. Nothing a student handed in is skipped silently, and nothing is followed:

- only regular files and folders count: a symbolic link (to ``/dev/zero``, to the instructor's
  solution, to a classmate's file or folder), a named pipe or a device is ``error: …`` for the
  student it names, unread (``autograder.validate`` reads the notebook itself with the same
  suspicion: ``O_NOFOLLOW``, no blocking, the size of the opened file);
- every student id, from either layout, passes one rule (``id_problem``): no control or format
  characters, no leading ``= + - @`` (a spreadsheet formula), no path separator, no leading dot
  or space, at most MAX_ID_LENGTH characters. A name that fails it is ``error: invalid student
  id …`` under an id made from it that is safe to print and to use as a file name (``safe_id``);
- a file beside a student's notebook whose name starts with the student's id and a dot
  (``alice.ipynb.txt`` next to ``alice.ipynb``) is a note for that student: their
  ``STUDENT_ID.ipynb`` is graded. Any other file (``grace.ipynb.txt`` alone, ``carol.py``) is an
  error for the student named before ``.ipynb`` (or before its first dot);
- in nbgrader's layout a notebook with another name than the assignment's is an error
  (``expected perceptron.ipynb, found my_work.ipynb``); the student's other files are listed
  (at most MAX_FILES, MAX_DEPTH folders deep), links and special files among them left out
  with a note;
- a student with two submissions (``alice.ipynb`` and ``alice/``) is an error.

Hidden files and folders (``.DS_Store``, ``.ipynb_checkpoints``), ``__MACOSX`` and
``__pycache__`` are ignored. Everything said about a name (errors, notes) shows it through
``autograder.printable``. The folder must not change while it is graded: a file swapped for a
link after it was found is still refused when it is read, a folder swapped for a link is not.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pathlib
import re
import stat

from .printable import FORMULA_STARTS, is_unsafe, printable
from .validate import file_kind

MAX_ID_LENGTH = 100
MAX_FILES = 1000  # files listed in one student's nbgrader folder
MAX_DEPTH = 8  # folders deep below STUDENT_ID/ASSIGNMENT/
SUFFIX = ".ipynb"
TIMES_NAME = "submissions.csv"  # at the top: the submission times (autograder.deadline_files), no student's


@dataclasses.dataclass
class Submission:
    """One student's hand-in: the folder to grade (holding ``<notebook>.ipynb``), or why it cannot be graded."""

    student_id: str
    files: list[tuple[pathlib.Path, str]]  # (file, its path inside submitted/STUDENT_ID/ASSIGNMENT/)
    error: str | None = None
    notes: list[str] = dataclasses.field(default_factory=list)  # for the instructor, whatever the grade

    def notebook_path(self, name: str) -> pathlib.Path:
        """The submitted file that is the notebook ``name`` (other files are not graded)."""
        return next(src for src, rel in self.files if rel == name)


def id_problem(student_id: str) -> str | None:
    """None if ``student_id`` may be a student id, else what is wrong with it."""
    if not student_id:
        return "empty"
    if len(student_id) > MAX_ID_LENGTH:
        return f"longer than {MAX_ID_LENGTH} characters"
    if any(is_unsafe(c) for c in student_id):
        return "a control character"
    if student_id.startswith(FORMULA_STARTS):
        return f"starts with {student_id[0]}"
    if "/" in student_id or "\\" in student_id:
        return "a path separator"
    if student_id.startswith(".") or student_id != student_id.strip():
        return "a leading dot or space, or a trailing space"
    return None


def safe_id(name: str) -> str:
    """The id under which a name that is no valid id is reported: printable, a file name, one per name."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    readable = re.sub(r"[^A-Za-z0-9_.]+", "_", name).strip("_.")[:40]
    return f"invalid_{readable}_{digest}" if readable else f"invalid_{digest}"


def shown(name: str) -> str:
    """A name as errors and notes show it: printable, at most 80 characters."""
    text = printable(name)
    return text if len(text) <= 80 else text[:77] + "..."


def _times_file(entry: os.DirEntry) -> bool:
    """True for the submission times beside the submissions (a regular file, not a link: nobody's hand-in)."""
    return entry.name == TIMES_NAME and entry.is_file(follow_symlinks=False)


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in ("__MACOSX", "__pycache__")


def find_submissions(folder: pathlib.Path, assignment_id: str, notebook: str) -> list[Submission]:
    """The submissions in ``folder``, sorted by student id, one per student."""
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if not _ignored(e.name) and not _times_file(e)), key=lambda e: e.name)
    found: dict[str, list[tuple[str, Submission]]] = {}
    others = []  # names that are no submission by themselves
    for entry in entries:
        sub = _submission(entry, assignment_id, notebook)
        if sub is None:
            others.append(entry.name)
        else:
            found.setdefault(sub.student_id, []).append((entry.name, sub))
    _place_others(others, found)
    result = []
    for student, subs in sorted(found.items()):
        if len(subs) == 1:
            result.append(subs[0][1])
            continue
        names = ", ".join(shown(name) for name, _ in subs)
        notes = [note for _, sub in subs for note in sub.notes]
        result.append(Submission(student, [], f"error: several submissions ({names})", notes))
    return result


def _submission(entry: os.DirEntry, assignment_id: str, notebook: str) -> Submission | None:
    """The submission that the folder entry ``entry`` is, or None if its name names no student by itself."""
    mode = entry.stat(follow_symlinks=False).st_mode
    name, kind = entry.name, file_kind(mode)
    if stat.S_ISDIR(mode):
        student = name
    elif name.endswith(SUFFIX):
        student = name[:-len(SUFFIX)]
    elif kind and "." not in name:  # a link or a special file named as a student's folder would be
        student = name
    else:
        return None
    problem = id_problem(student)
    if problem:
        return Submission(safe_id(student), [], f"error: invalid student id {shown(student)} ({problem})")
    if stat.S_ISDIR(mode):
        try:
            return _nbgrader_layout(pathlib.Path(entry.path), student, assignment_id, notebook)
        except OSError as exc:  # an unreadable folder: this student's problem, not the run's
            return Submission(student, [], f"error: {student}/ cannot be read ({exc.strerror})")
    if kind:
        return Submission(student, [], f"error: {shown(name)} is {kind} (only regular files are graded)")
    return Submission(student, [(pathlib.Path(entry.path), f"{notebook}.ipynb")])


def _place_others(names: list[str], found: dict[str, list[tuple[str, Submission]]]) -> None:
    """A note for the student whose id is the name or, with a dot, starts it (the longest such id), else an error."""
    students = sorted(found, key=len, reverse=True)
    unclaimed: dict[str, list[str]] = {}
    for name in names:
        owner = next((s for s in students if name == s or name.startswith(s + ".")), None)
        if owner is None:
            unclaimed.setdefault(_named_student(name), []).append(name)
            continue
        handed_in = found[owner][0][0]
        for _, sub in found[owner]:
            sub.notes.append(f"{shown(name)} beside {shown(handed_in)} was not graded")
    for student, files in unclaimed.items():
        problem = id_problem(student)
        error = f"error: expected STUDENT_ID.ipynb, found {', '.join(shown(n) for n in files)}"
        if problem:
            student = safe_id(student)
            error += " (and no valid student id)"
        found.setdefault(student, []).append((files[0], Submission(student, [], error)))


def _named_student(name: str) -> str:
    """Whom a file that is no ``STUDENT_ID.ipynb`` belongs to: the name before ``.ipynb``, else before its first dot."""
    return name.split(SUFFIX, 1)[0] if SUFFIX in name else name.partition(".")[0]


def _nbgrader_layout(path: pathlib.Path, student: str, assignment_id: str, notebook: str) -> Submission:
    folder = path / assignment_id
    expected = f"{notebook}.ipynb"
    try:
        kind = file_kind(os.lstat(folder).st_mode)
    except FileNotFoundError:
        return Submission(student, [], f"error: no {assignment_id}/ folder in {student}/")
    if kind != "a folder":
        return Submission(student, [], f"error: {student}/{assignment_id} is {kind}, not a folder")
    try:
        kind = file_kind(os.lstat(folder / expected).st_mode)
    except FileNotFoundError:
        kind = None
    if kind:
        return Submission(student, [], f"error: {expected} is {kind} (only regular files are graded)")
    files, notes = [], []
    _walk(folder, "", files, notes, 0)
    if expected not in (rel for _, rel in files):
        found = ", ".join(shown(rel) for _, rel in files if rel.endswith(SUFFIX) and "/" not in rel)
        return Submission(student, [], f"error: expected {expected}, found {found or 'no notebook'}", notes)
    return Submission(student, files, None, notes)


def _walk(folder: pathlib.Path, prefix: str, files: list, notes: list, depth: int) -> None:
    """Add the regular files below ``folder`` to ``files`` as (path, relative path), never through a link."""
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if not _ignored(e.name)), key=lambda e: e.name)
    for entry in entries:
        rel = prefix + entry.name
        kind = file_kind(entry.stat(follow_symlinks=False).st_mode)
        if kind == "a folder" and depth < MAX_DEPTH:
            _walk(pathlib.Path(entry.path), rel + "/", files, notes, depth + 1)
        elif kind:
            notes.append(f"{shown(rel)} left out: {kind}" + (" too deep" if kind == "a folder" else ""))
        elif len(files) >= MAX_FILES:
            if f"files after the first {MAX_FILES} left out" not in notes:
                notes.append(f"files after the first {MAX_FILES} left out")
            return
        else:
            files.append((pathlib.Path(entry.path), rel))
