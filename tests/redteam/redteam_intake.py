"""The red-team attacks on the submissions folder itself (issue 10, item 5), graded in the same run.

Each entry puts into the submissions folder something that is no honest ``STUDENT_ID.ipynb``: a
named pipe, links (to ``/dev/zero``, to the instructor's solution, to a classmate's notebook and
folder), a device, a file too large, and nbgrader-layout folders whose names are spreadsheet
formulas, terminal escape sequences or a forged CSV line. Each must be ``error: ...`` for that
student alone, under an id safe to print and to use as a file name, unread; ``stray`` (a
notebook with a stray copy beside it) must be graded exactly as ``honest_right``, with a note.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import shutil
import stat
from typing import Callable

import nbformat

import redteam_cases as cases
from autograder.submissions import safe_id

LINK_ERROR = r"error: {} is a symbolic link \(only regular files are graded\)"
HONEST = "honest_right"  # the classmate whose notebook and folder the links point at


@dataclasses.dataclass(frozen=True)
class Entry:
    """One thing in the submissions folder, and what its row must say."""

    id: str  # the student id the entry's name states (before any check)
    attack: str
    make: Callable[[pathlib.Path, str, "Context"], bool]  # (folder, id, context) -> made (False: not possible here)
    status: str  # a regular expression the status must match in full
    graded: bool = False  # graded as honest_right (the stray case), else an error scoring 0
    bad_id: bool = False  # the id breaks the rule: reported under safe_id(id)

    @property
    def student(self) -> str:
        """The id grades.csv must show."""
        return safe_id(self.id) if self.bad_id else self.id


@dataclasses.dataclass(frozen=True)
class Context:
    notebook: nbformat.NotebookNode  # an honest, right notebook (never graded under a bad name)
    outside: pathlib.Path  # a folder outside the submissions folder


def _flat(path_maker: Callable[[pathlib.Path, Context], None]):
    def make(folder: pathlib.Path, student: str, context: Context) -> bool:
        path_maker(folder / f"{student}.ipynb", context)
        return True
    return make


def _nbgrader_layout(folder: pathlib.Path, student: str, context: Context) -> bool:
    inner = folder / student / cases.ASSIGNMENT
    inner.mkdir(parents=True)
    nbformat.write(context.notebook, inner / f"{cases.ASSIGNMENT}.ipynb")
    return True


def _device(folder: pathlib.Path, student: str, context: Context) -> bool:
    try:  # /dev/null's numbers; only root (with CAP_MKNOD) may do it
        os.mknod(folder / f"{student}.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        return True
    except OSError:
        return False


def _sparse(path: pathlib.Path, context: Context) -> None:
    with open(path, "wb") as f:
        f.truncate(60 * 2**20)


def _classmate_folder(folder: pathlib.Path, student: str, context: Context) -> bool:
    target = context.outside / "classmate_folder"
    (target / cases.ASSIGNMENT).mkdir(parents=True)
    shutil.copy(folder / f"{HONEST}.ipynb", target / cases.ASSIGNMENT / f"{cases.ASSIGNMENT}.ipynb")
    (folder / student).symlink_to(target)
    return True


def _stray(folder: pathlib.Path, student: str, context: Context) -> bool:
    nbformat.write(context.notebook, folder / f"{student}.ipynb")
    (folder / f"{student}.ipynb.txt").write_text("an older copy, handed in by mistake")
    return True


ENTRIES = [
    Entry("intake_pipe", "a named pipe called .ipynb (reading it would wait for ever)",
          _flat(lambda p, c: os.mkfifo(p)),
          r"error: intake_pipe\.ipynb is a named pipe \(only regular files are graded\)"),
    Entry("intake_zero", "a link to /dev/zero (endless bytes)", _flat(lambda p, c: p.symlink_to("/dev/zero")),
          LINK_ERROR.format(r"intake_zero\.ipynb")),
    Entry("intake_solution", "a link to the instructor's solution notebook",
          _flat(lambda p, c: p.symlink_to(cases.SOURCE_NOTEBOOK)), LINK_ERROR.format(r"intake_solution\.ipynb")),
    Entry("intake_classmate", "a link to a classmate's notebook",
          _flat(lambda p, c: p.symlink_to(p.parent / f"{HONEST}.ipynb")),
          LINK_ERROR.format(r"intake_classmate\.ipynb")),
    Entry("intake_classmate_folder", "an nbgrader-layout folder that is a link to a classmate's copy",
          _classmate_folder, LINK_ERROR.format("intake_classmate_folder")),
    Entry("intake_device", "a character device called .ipynb", _device,
          r"error: intake_device\.ipynb is a character device \(only regular files are graded\)"),
    Entry("intake_oversized", "a 60 MiB file (sparse)", _flat(_sparse),
          r"error: notebook too large \(60 MiB; at most 50 MiB\)"),
    Entry("intake_stray", "a notebook with a stray copy beside it", _stray,
          r"needs review: xor-answer; notes: intake_stray\.ipynb\.txt beside intake_stray\.ipynb was not graded",
          graded=True),
    Entry('=HYPERLINK("#Sheet2!A1","your grade")', "a folder named as a spreadsheet link",
          _nbgrader_layout, r"error: invalid student id =HYPERLINK.* \(starts with =\)", bad_id=True),
    Entry("=cmd|' -c calc'!A0", "a folder named as a DDE formula", _nbgrader_layout,
          r"error: invalid student id =cmd\|' -c calc'!A0 \(starts with =\)", bad_id=True),
    Entry("@SUM(1+1)*cmd|' -C calc'!A0", "a folder named as an @ formula", _nbgrader_layout,
          r"error: invalid student id @SUM.* \(starts with @\)", bad_id=True),
    Entry("\x1b]0;owned\x07\x1b[2J\x1b[31mred", "a folder named with terminal escape sequences", _nbgrader_layout,
          r"error: invalid student id \\x1b\]0;owned\\x07\\x1b\[2J\\x1b\[31mred \(a control character\)", bad_id=True),
    Entry("forged\nmallory,ok,20,20", "a folder whose name forges a line of grades.csv", _nbgrader_layout,
          r"error: invalid student id forged\\nmallory,ok,20,20 \(a control character\)", bad_id=True),
]


def make_entries(folder: pathlib.Path, context: Context) -> list[Entry]:
    """Put every entry that can be made here into ``folder`` (beside the red-team cases); the ones made."""
    assert not [entry.id for entry in ENTRIES if "/" in entry.id], "a file name cannot hold a slash"
    return [entry for entry in ENTRIES if entry.make(folder, entry.id, context)]
