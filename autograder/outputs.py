"""Write, then replace: a grading run's files appear in ``--out`` only when it has finished.

A run writes its feedback pages, logs, graded notebooks (``autograded/STUDENT/``, for formgrader),
``grades.csv`` and summary into ``OUT/.staging-XXXX/``
and moves them into place at the very end (``Staging.publish``): each folder by two renames
and each file by ``os.replace``, ``grades.csv`` last. A run that dies before (Ctrl-C, a crash,
a full disk, SIGKILL) leaves the previous outputs byte for byte as they were; the next run
removes its stale staging folder. One run at a time writes an output folder (``OUT/.lock``).
"""
from __future__ import annotations

import csv
import datetime
import fcntl
import os
import pathlib
import shutil
import tempfile

from .course import InstructorError

FOLDERS = ("feedback", "logs", "autograded")  # one file (or, in autograded/, one folder) per student


def _student(path: pathlib.Path) -> str | None:
    """The student an entry of FOLDERS belongs to (None: a shared file, e.g. feedback/mathjax/)."""
    if path.parent.name == "autograded":
        return path.name if path.is_dir() else None
    return path.stem if path.is_file() else None


def _link(src, dst) -> None:
    """Hard-link ``src`` (a file, or a folder's files) to ``dst``; copy where links cannot be made."""
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=_link)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class Staging:
    """``with Staging(out) as staging``: ``staging.dir`` takes the run's files until ``publish()``."""

    def __init__(self, out: pathlib.Path):
        self.out = out

    def __enter__(self) -> Staging:
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.out / ".lock", "a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise InstructorError(f"another `autograder grade` is writing {self.out}; wait until it ends") from None
        for stale in self.out.glob(".staging-*"):  # left by a run that was killed
            shutil.rmtree(stale, ignore_errors=True)
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        for folder in FOLDERS:
            (self.dir / folder).mkdir()
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self._lock.close()

    def previous_students(self) -> set[str]:
        """The students of the published results: grades.csv's rows and the feedback pages."""
        found = {page.stem for page in (self.out / "feedback").glob("*.html")}
        if (self.out / "grades.csv").exists():
            with open(self.out / "grades.csv", newline="") as f:
                found |= {row["student_id"].removeprefix("'") for row in csv.DictReader(f)}
        return found

    def keep_others(self, regraded: set[str]) -> None:
        """A one-student run: every other student's page and log goes into the new folders too."""
        for folder in FOLDERS:
            for old in (self.out / folder).glob("*") if (self.out / folder).is_dir() else ():
                new = self.dir / folder / old.name
                if _student(old) not in (None, *regraded) and not new.exists():
                    _link(old, new)

    def move_aside(self, gone: set[str]) -> pathlib.Path | None:
        """Copy the results of students no longer handed in to ``OUT/removed/<time>/`` (their pages,
        logs and grades.csv rows); the published folders will lack them. Returns that folder."""
        if not gone:
            return None
        aside = self.out / "removed" / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        for folder in FOLDERS:
            for old in (self.out / folder).glob("*") if (self.out / folder).is_dir() else ():
                if _student(old) in gone:
                    _link(old, aside / folder / old.name)
        if (self.out / "grades.csv").exists():
            with open(self.out / "grades.csv", newline="") as f:
                reader = csv.DictReader(f)
                rows = [row for row in reader if row["student_id"].removeprefix("'") in gone]
            if rows:
                aside.mkdir(parents=True, exist_ok=True)
                with open(aside / "grades.csv", "w", newline="") as f:
                    writer = csv.DictWriter(f, reader.fieldnames)
                    writer.writeheader()
                    writer.writerows(rows)
        return aside

    def publish(self) -> None:
        """Move the staged folders and files into ``out``: folders first, grades.csv last."""
        for folder in FOLDERS:
            target = self.out / folder
            if target.exists():
                os.rename(target, self.dir / f"previous-{folder}")
            os.rename(self.dir / folder, target)
        files = sorted((p for p in self.dir.iterdir() if p.is_file()), key=lambda p: p.name == "grades.csv")
        for staged in files:
            with open(staged, "rb") as f:
                os.fsync(f.fileno())
            os.replace(staged, self.out / staged.name)
