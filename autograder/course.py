"""A throw-away nbgrader course directory whose ``source/`` is the repository's ``notebooks/``.

Every command of the autograder works in one of these: nbgrader's apps want a course
layout (``source/``, ``release/``, ``submitted/``, ``autograded/``, ``feedback/``,
``gradebook.db``), the repository keeps only the sources.
"""
from __future__ import annotations

import logging
import pathlib
import shutil

from traitlets.config import Config

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


class InstructorError(Exception):
    """A mistake of the instructor (unknown assignment, missing folder): reported, exit status 2."""


def assignment_ids(notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> list[str]:
    """The assignment ids: the folders of ``notebooks/``."""
    if not notebooks_dir.is_dir():
        return []
    return sorted(p.name for p in notebooks_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def assignment_source(assignment_id: str, notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> pathlib.Path:
    """The source folder of an assignment; InstructorError listing the valid ids if there is none."""
    valid = assignment_ids(notebooks_dir)
    if assignment_id not in valid:
        raise InstructorError(
            f"unknown assignment {assignment_id!r}; valid ids (the folders of {notebooks_dir}): "
            + (", ".join(valid) or "none"))
    return notebooks_dir / assignment_id


def notebook_name(assignment_id: str, notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> str:
    """The name (without ``.ipynb``) of the one notebook an assignment holds."""
    found = sorted(assignment_source(assignment_id, notebooks_dir).glob("*.ipynb"))
    if len(found) != 1:
        raise InstructorError(
            f"assignment {assignment_id!r} must hold exactly one notebook, found {len(found)}: "
            + ", ".join(p.name for p in found))
    return found[0].stem


def nbgrader_config(root: pathlib.Path, db_url: str | None = None) -> Config:
    """Config for nbgrader's apps working in the course directory ``root``."""
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    c.CourseDirectory.course_id = "course"
    c.BaseConverter.force = True  # regenerate, regrade: results are replaced, never kept stale
    # fewer and quieter log lines; our CLI reports what matters
    c.Application.log_level = logging.WARNING
    return c


def _alembic_head() -> str:
    """The gradebook schema's alembic revision, as ``nbgrader.api.get_alembic_version`` finds it,
    but in this process: nbgrader runs the ``alembic`` command for it (~2 s, and only if it is
    on PATH) each time it creates a gradebook."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        return ScriptDirectory.from_config(AlembicConfig(ini)).get_current_head()


def use_alembic_in_process() -> None:
    """Make nbgrader look up the gradebook schema's revision without a subprocess."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = _alembic_head


def make_course(root: pathlib.Path, assignment_id: str,
                notebooks_dir: pathlib.Path = NOTEBOOKS_DIR) -> pathlib.Path:
    """Create ``root/source/<assignment_id>`` as a copy of the assignment's sources; return ``root``."""
    src = assignment_source(assignment_id, notebooks_dir)
    use_alembic_in_process()
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, root / "source" / assignment_id, ignore=IGNORED, dirs_exist_ok=True)
    return root


def run_converter(converter_class, config: Config, **attrs) -> None:
    """Run one of nbgrader's converters (GenerateAssignment, Autograde, GenerateFeedback).

    nbgrader reports failures by raising NbGraderException after logging the cause; we
    capture its log so that the exception we raise carries the cause.
    """
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    for name, value in attrs.items():
        setattr(coursedir, name, value)
    converter = converter_class(coursedir=coursedir, config=config)
    records: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: records.append(record.getMessage())
    converter.log.addHandler(handler)
    try:
        converter.start()
    except NbGraderException as exc:
        reasons = dict.fromkeys(_last_line(r) for r in records)  # unique, in order
        raise NbGraderException("; ".join(reasons) or str(exc)) from exc
    finally:
        converter.log.removeHandler(handler)


def _last_line(message: str) -> str:
    """A log record without its traceback: the exception's own line."""
    if "Traceback (most recent call last)" not in message:
        return message.strip()
    lines = [line for line in message.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
