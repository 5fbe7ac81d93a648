"""Where deadlines come from: the course config file, the extensions CSV and the submission times.

**Course config** (``course.toml`` beside ``notebooks/``, or ``--config FILE``; the command line
overrides it)::

    timezone = "Europe/Paris"          # the zone of every date written without one

    [late]                             # the late policy of every assignment
    penalty = "10%/day"                # per day started
    cap = "50%"                        # at most this share of the score is lost

    [assignments.01_perceptron]
    due = "2026-12-01 23:59"
    last_day = "2026-12-08 23:59"      # after it, the score is 0 (optional)
    extensions = "extensions/01.csv"   # relative to this file (optional)
    # penalty, cap: this assignment's own, if it differs

**Extensions CSV**: a header ``student_id,due,extra_days`` (``due`` or ``extra_days`` may be
left out), one row per student, each with either a new due date (``2026-12-04 23:59``, the
course's zone unless one is given) or a whole number of extra days.

**Submission times**: in nbgrader's layout, ``STUDENT_ID/ASSIGNMENT/timestamp.txt`` (as
``nbgrader submit`` writes it, ``2026-12-01 22:59:01.123456 UTC``; a time without a zone is UTC,
as for nbgrader); otherwise the row of ``submissions.csv`` (``student_id,submitted_at``) at the
top of the submissions folder, read for every student that has no ``timestamp.txt``.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import pathlib
import tomllib

from .deadlines import DeadlineError, Extension, Lateness, Policy, assess, extended, parse_percent, parse_when
from .printable import printable
from .submissions import TIMES_NAME, Submission

CONFIG_NAME = "course.toml"
TIMESTAMP_NAME = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 200


@dataclasses.dataclass
class DeadlineOptions:
    """What the command line says (None: take the config file's)."""

    due: str | None = None
    last_day: str | None = None
    penalty: str | None = None
    cap: str | None = None
    extensions: str | None = None
    config: str | None = None


@dataclasses.dataclass(frozen=True)
class Deadline:
    """An assignment's policy, its extensions by student, and the course's zone."""

    policy: Policy
    extensions: dict[str, Extension]
    zone: str | None = None

    def lateness(self, folder: pathlib.Path, submissions: list[Submission], stream=None) -> dict[str, Lateness]:
        """student_id -> Lateness for every submission: its time from timestamp.txt, else from
        ``folder/submissions.csv``; a note when the time is unknown or unreadable. Extensions and
        times of students without a submission (a misspelt id?) are a warning on ``stream``."""
        times_file = folder / TIMES_NAME
        times = read_times_csv(times_file, self.zone) if times_file.is_file() and not times_file.is_symlink() else {}
        present = {sub.student_id for sub in submissions}
        for source, ids in (("--extensions", self.extensions), (TIMES_NAME, times)):
            strangers = sorted(set(ids) - present)
            if strangers and stream:
                print(f"autograder: warning: {source} names {len(strangers)} student(s) without a submission: "
                      + ", ".join(printable(s) for s in strangers), file=stream)
        result = {}
        for sub in submissions:
            submitted, problem = submission_time(sub.files)
            submitted = submitted or times.get(sub.student_id)
            policy = extended(self.policy, self.extensions.get(sub.student_id))
            late = assess(policy, submitted)
            if problem:
                late = dataclasses.replace(late, note=f"{problem}; " + (late.note or "its time came from "
                                                                         f"{TIMES_NAME}"))
            result[sub.student_id] = late
        return result


def load_deadline(assignment: str, options: DeadlineOptions, default_config: pathlib.Path) -> Deadline | None:
    """The assignment's Deadline, or None when it has no due date. DeadlineError naming the file
    and the value for anything that cannot be read."""
    config_path = pathlib.Path(options.config) if options.config else default_config
    config = read_config(config_path) if options.config or config_path.is_file() else {}
    course_late = config.get("late", {})
    own = config.get("assignments", {}).get(assignment, {})
    zone = config.get("timezone")
    due = options.due or own.get("due")
    given = {name: getattr(options, name) for name in ("last_day", "penalty", "cap", "extensions")}
    if not due:
        if any(given.values()):
            raise DeadlineError("--last-day, --late-penalty, --late-cap and --extensions need a due date "
                                f"(--due, or due under [assignments.{assignment}] in {CONFIG_NAME})")
        return None
    where = f"{config_path}: " if not options.due else ""
    last_day = options.last_day or own.get("last_day")
    penalty = options.penalty or own.get("penalty") or course_late.get("penalty") or "0%"
    cap = options.cap or own.get("cap") or course_late.get("cap") or "100%"
    policy = Policy(due=parse_when(str(due), zone, f"{where}due date"),
                    per_day=parse_percent(penalty, "late penalty"), cap=parse_percent(cap, "late cap"),
                    last_day=parse_when(str(last_day), zone, "last day") if last_day else None)
    extensions_file = options.extensions or (
        str(config_path.parent / own["extensions"]) if own.get("extensions") else None)
    extensions = read_extensions(pathlib.Path(extensions_file), zone) if extensions_file else {}
    return Deadline(policy, extensions, zone)


def read_config(path: pathlib.Path) -> dict:
    """The course config file as a dict; DeadlineError if it is missing or not TOML."""
    try:
        with open(path, "rb") as f:
            config = tomllib.load(f)
    except FileNotFoundError:
        raise DeadlineError(f"course config not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeadlineError(f"{path} is not valid TOML: {exc}") from None
    for table in ("late", "assignments"):
        if not isinstance(config.get(table, {}), dict):
            raise DeadlineError(f"{path}: [{table}] must be a table")
    return config


def read_extensions(path: pathlib.Path, zone: str | None) -> dict[str, Extension]:
    """student_id -> Extension from the extensions CSV (see the module's docstring)."""
    rows = _read_csv(path, required=("student_id",), one_of=("due", "extra_days"))
    extensions = {}
    for line, row in rows:
        student = row["student_id"].strip()
        due, days = (row.get("due") or "").strip(), (row.get("extra_days") or "").strip()
        where = f"{path}, line {line}"
        if not student:
            raise DeadlineError(f"{where}: empty student_id")
        if student in extensions:
            raise DeadlineError(f"{where}: a second extension for {printable(student)}")
        if bool(due) == bool(days):
            raise DeadlineError(f"{where}: give either due or extra_days for {printable(student)}")
        if due:
            extensions[student] = Extension(due=parse_when(due, zone, f"{where}: due"))
        elif not days.isdigit() or int(days) < 1:
            raise DeadlineError(f"{where}: extra_days must be a whole number of days, at least 1, "
                                f"got {printable(days)!r}")
        else:
            extensions[student] = Extension(days=int(days))
    return extensions


def read_times_csv(path: pathlib.Path, zone: str | None) -> dict[str, dt.datetime]:
    """student_id -> submitted_at from ``submissions.csv`` (a time without a zone is in the course's zone)."""
    times = {}
    for line, row in _read_csv(path, required=("student_id", "submitted_at")):
        student, when = row["student_id"].strip(), (row["submitted_at"] or "").strip()
        where = f"{path}, line {line}"
        if student in times:
            raise DeadlineError(f"{where}: a second time for {printable(student)}")
        if student and when:
            times[student] = parse_when(when, zone or "UTC", f"{where}: submitted_at")
    return times


def parse_timestamp(text: str) -> dt.datetime:
    """A time as nbgrader's ``timestamp.txt`` holds it: ISO 8601, then optionally a zone name; else UTC."""
    try:
        return parse_when(text, "UTC", "timestamp")
    except DeadlineError:
        raise DeadlineError(f"not a time: {printable(text.strip()[:60])!r}") from None


def submission_time(files: list[tuple[pathlib.Path, str]]) -> tuple[dt.datetime | None, str | None]:
    """The time in a submission's ``timestamp.txt``, if it has one, and what was wrong with it, if anything."""
    found = [src for src, rel in files if rel == TIMESTAMP_NAME]
    if not found:
        return None, None
    try:
        with open(found[0], "rb") as f:  # a regular file: submissions.py lists nothing else
            data = f.read(MAX_TIMESTAMP_BYTES + 1)
        if len(data) > MAX_TIMESTAMP_BYTES:
            raise DeadlineError(f"longer than {MAX_TIMESTAMP_BYTES} bytes")
        return parse_timestamp(data.decode("utf-8")), None
    except (OSError, UnicodeDecodeError, DeadlineError) as exc:
        return None, f"{TIMESTAMP_NAME} unreadable ({exc})"


def _read_csv(path: pathlib.Path, required: tuple[str, ...], one_of: tuple[str, ...] = ()):
    """(line number, row) of a CSV file, after checking its header."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in required if name not in header]
            if missing or (one_of and not set(one_of) & set(header)):
                need = list(required) + ([" or ".join(one_of)] if one_of else [])
                raise DeadlineError(f"{path}: the header must name {', '.join(need)}; found {', '.join(header) or 'nothing'}")
            reader.fieldnames = header
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise DeadlineError(f"file not found: {path}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DeadlineError(f"{path} is not a UTF-8 CSV file ({exc})") from None
