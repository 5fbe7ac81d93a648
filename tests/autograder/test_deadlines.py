"""Due dates, late days, penalties, extensions (autograder.deadlines) and where they are read from."""
import datetime as dt
import io
import zoneinfo

import pytest

from autograder import deadlines as d
from autograder import deadline_files as files
from autograder.submissions import find_submissions

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


# -- reading dates ------------------------------------------------------------------------
def test_a_date_is_read_with_its_zone_its_offset_or_the_course_zone():
    assert d.parse_when("2026-12-01 23:59 Europe/Paris") == paris(2026, 12, 1, 23, 59)
    assert d.parse_when("2026-12-01T23:59:00+01:00") == paris(2026, 12, 1, 23, 59)
    assert d.parse_when("2026-12-01 23:59", zone="Europe/Paris") == paris(2026, 12, 1, 23, 59)
    # the same wall-clock time elsewhere is another moment
    assert d.parse_when("2026-12-01 23:59 America/New_York") - paris(2026, 12, 1, 23, 59) == dt.timedelta(hours=6)


@pytest.mark.parametrize("text, message", [
    ("2026-12-01 23:59", "has no time zone"),
    ("2026-12-01 23:59 Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("1 December 2026", "expected 'YYYY-MM-DD HH:MM Zone/Name'"),
    ("2026-12-01", "expected 'YYYY-MM-DD HH:MM Zone/Name'"),
    ("2026-13-01 23:59 UTC", "month must be in 1..12"),
    ("2026-03-29 02:30 Europe/Paris", "does not exist or happens twice"),  # clocks jump 02:00 -> 03:00
    ("2026-10-25 02:30 Europe/Paris", "does not exist or happens twice"),  # 02:00-03:00 twice
])
def test_a_date_that_cannot_be_understood_is_an_error_that_says_why(text, message):
    with pytest.raises(d.DeadlineError, match=message):
        d.parse_when(text, what="due date")


@pytest.mark.parametrize("text, fraction", [("10%/day", 0.1), ("10 % / day", 0.1), ("50%", 0.5), ("0%", 0.0),
                                            ("12.5%", 0.125), ("100%", 1.0)])
def test_rates_and_caps_are_percentages(text, fraction):
    assert d.parse_percent(text) == fraction


@pytest.mark.parametrize("text", ["ten", "10", "150%", "-5%", "10%/week"])
def test_a_rate_that_is_no_percentage_is_refused(text):
    with pytest.raises(d.DeadlineError, match="expected a percentage from 0% to 100%"):
        d.parse_percent(text, "late penalty")


# -- days started -------------------------------------------------------------------------
DUE = paris(2026, 12, 1, 23, 59)


@pytest.mark.parametrize("submitted, days", [
    (paris(2026, 12, 1, 12, 0), 0),
    (DUE, 0),                                         # on the dot: on time
    (DUE + dt.timedelta(seconds=1), 1),               # a day started
    (DUE + dt.timedelta(hours=24), 1),
    (DUE + dt.timedelta(hours=24, seconds=1), 2),
    (DUE + dt.timedelta(days=9, hours=3), 10),
])
def test_late_days_count_the_days_started(submitted, days):
    assert d.late_days(DUE, submitted) == days


def test_days_are_calendar_days_of_the_due_zone_across_daylight_saving_changes():
    # autumn: the night of 24-25 October 2026 has 25 hours in Paris
    due = paris(2026, 10, 24, 23, 59)
    next_evening = paris(2026, 10, 25, 23, 30)
    assert d.utc(next_evening) - d.utc(due) == dt.timedelta(hours=24, minutes=31)  # of elapsed time ...
    assert d.late_days(due, next_evening) == 1            # ... yet before 23:59 the next day: one day
    # spring: the night of 28-29 March 2026 has 23 hours
    due = paris(2026, 3, 28, 23, 59)
    after_the_next_deadline = paris(2026, 3, 29, 23, 59, 30)
    assert d.utc(after_the_next_deadline) - d.utc(due) == dt.timedelta(hours=23, seconds=30)  # elapsed ...
    assert d.late_days(due, after_the_next_deadline) == 2          # ... but past 23:59 the next day
    # a submission timed in UTC is compared as the same moment
    assert d.late_days(due, dt.datetime(2026, 3, 29, 21, 58, tzinfo=dt.timezone.utc)) == 1


# -- the policy -------------------------------------------------------------------------------
POLICY = d.Policy(due=DUE, per_day=0.1, cap=0.5, last_day=paris(2026, 12, 8, 23, 59))


@pytest.mark.parametrize("submitted, days, penalty, score", [
    (paris(2026, 12, 1, 20, 0), 0, 0.0, 17),
    (paris(2026, 12, 2, 0, 30), 1, 0.1, 15.3),
    (paris(2026, 12, 4, 23, 0), 3, 0.3, 11.9),
    (paris(2026, 12, 8, 23, 59), 7, 0.5, 8.5),            # capped at 50%, on the last day itself
    (paris(2026, 12, 9, 0, 0), 8, 1.0, 0),                # after the last day: 0
])
def test_penalty_per_day_started_capped_and_zero_after_the_last_day(submitted, days, penalty, score):
    late = d.assess(POLICY, submitted)
    assert (late.late_days, late.penalty) == (days, penalty)
    assert d.final_score(17, late.penalty) == score


def test_the_notes_say_how_late_and_why_the_score_is_zero():
    assert d.assess(POLICY, paris(2026, 12, 1, 20, 0)).note is None
    assert d.assess(POLICY, paris(2026, 12, 3, 9, 0)).note == "late by 2 days (penalty 20%)"
    assert d.assess(POLICY, paris(2026, 12, 10, 9, 0)).note == \
        "submitted after the last day (2026-12-08T23:59:00+01:00): score 0"


def test_an_unknown_time_costs_nothing_and_says_so():
    late = d.assess(POLICY, None)
    assert (late.late_days, late.penalty, late.note) == (None, None, d.UNKNOWN_TIME)
    assert d.final_score(17, late.penalty) == 17
    assert d.late_columns(17, late) == {"submitted_at": "", "late_days": "", "penalty": "", "final_score": "17"}


def test_late_columns():
    late = d.assess(POLICY, paris(2026, 12, 3, 9, 0, 5))
    assert d.late_columns(17, late) == {"submitted_at": "2026-12-03T09:00:05+01:00", "late_days": "2",
                                        "penalty": "20%", "final_score": "13.6"}


def test_a_last_day_before_the_due_date_is_refused():
    with pytest.raises(d.DeadlineError, match="before the due date"):
        d.Policy(due=DUE, last_day=paris(2026, 11, 30, 23, 59))


# -- extensions -------------------------------------------------------------------------------
def test_extra_days_move_the_due_date_and_the_last_day_on_the_wall_clock():
    policy = d.extended(d.Policy(due=paris(2026, 10, 23, 23, 59), per_day=0.1,
                                 last_day=paris(2026, 10, 30, 23, 59)), d.Extension(days=3))
    assert policy.due == paris(2026, 10, 26, 23, 59)        # still 23:59, across the change of 25 October
    assert policy.last_day == paris(2026, 11, 2, 23, 59)
    assert d.assess(policy, paris(2026, 10, 26, 23, 0)).late_days == 0
    assert d.assess(policy, paris(2026, 10, 27, 9, 0)).penalty == 0.1


def test_a_new_due_date_moves_the_last_day_as_much():
    policy = d.extended(POLICY, d.Extension(due=paris(2026, 12, 4, 12, 0)))
    assert policy.due == paris(2026, 12, 4, 12, 0)
    assert policy.last_day == paris(2026, 12, 11, 12, 0)
    assert d.extended(POLICY, None) is POLICY


def test_extensions_csv(tmp_path):
    path = tmp_path / "ext.csv"
    path.write_text("student_id,due,extra_days\nann,2026-12-04 12:00,\nben,,2\ncid,2026-12-04T12:00:00Z,\n")
    assert files.read_extensions(path, "Europe/Paris") == {
        "ann": d.Extension(due=paris(2026, 12, 4, 12, 0)), "ben": d.Extension(days=2),
        "cid": d.Extension(due=dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.timezone.utc))}


@pytest.mark.parametrize("text, message", [
    ("student,days\nann,2\n", "the header must name student_id, due or extra_days"),
    ("student_id,due,extra_days\nann,2026-12-04 12:00,2\n", "line 2: give either due or extra_days for ann"),
    ("student_id,extra_days\nann,2\nann,3\n", "line 3: a second extension for ann"),
    ("student_id,extra_days\nann,1.5\n", "line 2: extra_days must be a whole number of days"),
    ("student_id,due\nann,tomorrow\n", "line 2: due 'tomorrow': expected"),
])
def test_a_bad_extensions_file_is_an_error_naming_the_line(tmp_path, text, message):
    path = tmp_path / "ext.csv"
    path.write_text(text)
    with pytest.raises(d.DeadlineError, match=message):
        files.read_extensions(path, "Europe/Paris")


# -- the course config and the command line ------------------------------------------------
CONFIG = """
timezone = "Europe/Paris"
[late]
penalty = "10%/day"
cap = "50%"
[assignments.01_perceptron]
due = "2026-12-01 23:59"
last_day = "2026-12-08 23:59"
extensions = "ext.csv"
"""


def test_the_course_config_sets_the_policy_and_the_command_line_overrides_it(tmp_path):
    (tmp_path / "course.toml").write_text(CONFIG)
    (tmp_path / "ext.csv").write_text("student_id,extra_days\nann,2\n")
    deadline = files.load_deadline("01_perceptron", files.DeadlineOptions(), tmp_path / "course.toml")
    assert deadline.policy == POLICY
    assert deadline.extensions == {"ann": d.Extension(days=2)}
    options = files.DeadlineOptions(due="2026-12-02 18:00", cap="30%")
    deadline = files.load_deadline("01_perceptron", options, tmp_path / "course.toml")
    assert (deadline.policy.due, deadline.policy.per_day, deadline.policy.cap) == (paris(2026, 12, 2, 18, 0), 0.1, 0.3)
    assert files.load_deadline("02_logistic_regression", files.DeadlineOptions(), tmp_path / "course.toml") is None
    assert files.load_deadline("01_perceptron", files.DeadlineOptions(), tmp_path / "absent.toml") is None


def test_a_policy_without_a_due_date_or_a_broken_config_is_an_error(tmp_path):
    with pytest.raises(d.DeadlineError, match="need a due date"):
        files.load_deadline("a", files.DeadlineOptions(penalty="10%/day"), tmp_path / "course.toml")
    (tmp_path / "course.toml").write_text("timezone = \n")
    with pytest.raises(d.DeadlineError, match="course.toml is not valid TOML"):
        files.load_deadline("a", files.DeadlineOptions(), tmp_path / "course.toml")
    with pytest.raises(d.DeadlineError, match="course config not found"):
        files.load_deadline("a", files.DeadlineOptions(config=str(tmp_path / "no.toml")), tmp_path / "x")


# -- submission times -----------------------------------------------------------------------
@pytest.mark.parametrize("text, moment", [
    ("2026-12-01 22:59:01.123456 UTC", dt.datetime(2026, 12, 1, 22, 59, 1, 123456, tzinfo=dt.timezone.utc)),
    ("2026-12-01 22:59:01.123456", dt.datetime(2026, 12, 1, 22, 59, 1, 123456, tzinfo=dt.timezone.utc)),
    ("2026-12-01 23:59:01 Europe/Paris\n", paris(2026, 12, 1, 23, 59, 1)),
    ("2026-12-01T23:59:01+01:00", paris(2026, 12, 1, 23, 59, 1)),
])
def test_nbgrader_timestamps(text, moment):
    assert files.parse_timestamp(text) == moment


def _nbgrader_student(folder, student, timestamp=None):
    work = folder / student / "01_perceptron"
    work.mkdir(parents=True)
    (work / "01_perceptron.ipynb").write_text("{}")
    if timestamp is not None:
        (work / "timestamp.txt").write_text(timestamp)


def test_times_come_from_timestamp_txt_then_submissions_csv(tmp_path):
    _nbgrader_student(tmp_path, "ann", "2026-12-02 08:00:00.000000 UTC")  # 09:00 in Paris: 1 day late
    _nbgrader_student(tmp_path, "ben", "yesterday")                         # unreadable: the CSV's time
    _nbgrader_student(tmp_path, "cid")                                     # none: the CSV's time
    (tmp_path / "dan.ipynb").write_text("{}")                               # neither
    (tmp_path / "submissions.csv").write_text("student_id,submitted_at\nann,2026-12-01 10:00\n"
                                              "ben,2026-12-01 10:00\ncid,2026-12-05 10:00\n")
    subs = find_submissions(tmp_path, "01_perceptron", "01_perceptron")
    assert [s.student_id for s in subs] == ["ann", "ben", "cid", "dan"]  # submissions.csv is nobody's
    (tmp_path / "submissions.csv").write_text((tmp_path / "submissions.csv").read_text() + "eve,2026-12-01 10:00\n")
    warnings = io.StringIO()
    deadline = files.Deadline(POLICY, {"cid": d.Extension(days=4), "zed": d.Extension(days=1)}, "Europe/Paris")
    lateness = deadline.lateness(tmp_path, subs, warnings)
    assert warnings.getvalue() == (
        "autograder: warning: --extensions names 1 student(s) without a submission: zed\n"
        "autograder: warning: submissions.csv names 1 student(s) without a submission: eve\n")
    assert lateness["ann"].late_days == 1
    assert lateness["ben"].late_days == 0 and lateness["ben"].note.startswith("timestamp.txt unreadable")
    assert lateness["cid"].late_days == 0  # 5 December 10:00, with an extension to 5 December 23:59
    assert lateness["dan"].note == d.UNKNOWN_TIME and lateness["dan"].penalty is None


def test_a_link_named_submissions_csv_is_no_list_of_times_but_an_error_of_its_own(tmp_path):
    (tmp_path / "times.csv").write_text("student_id,submitted_at\nann,2026-12-01 10:00\n")
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "submissions.csv").symlink_to(tmp_path / "times.csv")
    (folder / "ann.ipynb").write_text("{}")
    subs = find_submissions(folder, "01_perceptron", "01_perceptron")
    assert [(s.student_id, s.error) for s in subs] == [
        ("ann", None), ("submissions", "error: expected STUDENT_ID.ipynb, found submissions.csv")]
    lateness = files.Deadline(POLICY, {}, "Europe/Paris").lateness(folder, subs)
    assert lateness["ann"].note == d.UNKNOWN_TIME


# -- through `grade` and `export`, on the toy assignment ------------------------------------
def test_grade_applies_the_policy_and_export_takes_the_final_score_and_the_hand_grades(tmp_path):
    import copy
    import csv

    import nbformat
    from nbgrader.api import Gradebook

    from autograder.export import export
    from autograder.grade import Grader
    from autograder.release import release_assignment
    from toy_assignment import make_toy_assignment

    notebooks = tmp_path / "notebooks"
    make_toy_assignment(notebooks)
    student = nbformat.read(release_assignment("toy", tmp_path / "release", notebooks_dir=notebooks), as_version=4)
    student.cells[1].source = "def double(x):\n    return 2 * x"
    student.cells[4].source = "Because it is twice x."  # a written answer: for a person to grade
    subs = tmp_path / "submissions"
    (subs / "ben" / "toy").mkdir(parents=True)
    for path in (subs / "ann.ipynb", subs / "ben" / "toy" / "toy.ipynb", subs / "cid.ipynb"):
        nbformat.write(copy.deepcopy(student), path)
    (subs / "ben" / "toy" / "timestamp.txt").write_text("2026-12-03 08:00:00.000000 UTC")  # 09:00 Paris: 2 days
    (subs / "submissions.csv").write_text("student_id,submitted_at\nann,2026-12-01 23:00\n")
    deadline = files.Deadline(POLICY, {}, "Europe/Paris")
    log = io.StringIO()
    out = tmp_path / "graded"
    Grader("toy", subs, out_dir=out, jobs=2, timeout=120, notebooks_dir=notebooks, stream=log,
           deadline=deadline).run()
    with open(out / "grades.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0])[:9] == ["student_id", "status", "notes", "score", "max_score", "submitted_at",
                                  "late_days", "penalty", "final_score"]
    got = {r["student_id"]: (r["status"], r["score"], r["submitted_at"], r["late_days"], r["penalty"],
                             r["final_score"]) for r in table}
    assert got == {
        "ann": ("needs review: answer_why", "2", "2026-12-01T23:00:00+01:00", "0", "0%", "2"),
        "ben": ("needs review: answer_why; notes: late by 2 days (penalty 20%)", "2", "2026-12-03T09:00:00+01:00",
                "2", "20%", "1.6"),
        "cid": (f"needs review: answer_why; notes: {d.UNKNOWN_TIME}", "2", "", "", "", "2")}
    assert "late: 1 of 2; submission time unknown (no penalty): 1" in log.getvalue()
    assert "late: 1 of 2; submission time unknown (no penalty): 1." in (out / "summary.md").read_text()

    # a TA grades ann's written answer in formgrader: the export counts it, and the penalty applies to the total
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", "course") as gb:
        for student in ("ann", "ben"):  # as formgrader records a score
            grade = gb.find_grade("answer_why", "toy", "toy", student)
            grade.manual_score, grade.needs_manual_grade = 1, False
        gb.db.commit()
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,email\nann,ann@x\nben,ben@x\ncid,cid@x\n")
    err = io.StringIO()
    path, problems = export("toy", "csv", roster, graded_dir=out, stream=err)
    with open(path, newline="") as f:
        exported = {r["student_id"]: (r["raw_score"], r["penalty"], r["final_score"]) for r in csv.DictReader(f)}
    assert exported == {"ann": ("3", "0%", "3"), "ben": ("3", "20%", "2.4"), "cid": ("2", "", "2")}
    assert problems == [("cid", "needs review: items graded by hand count 0")]


def test_the_grade_command_line_reads_the_policy_and_reports_mistakes_as_instructor_errors():
    from autograder.cli import _deadline, build_parser
    from autograder.course import InstructorError

    def deadline(*options):
        return _deadline(build_parser().parse_args(["grade", "01_perceptron", "subs", *options]))

    got = deadline("--due", "2026-12-01 23:59 Europe/Paris", "--late-penalty", "10%/day", "--late-cap", "50%",
                   "--last-day", "2026-12-08 23:59 Europe/Paris")
    assert got.policy == POLICY and got.extensions == {}
    with pytest.raises(InstructorError, match="has no time zone"):
        deadline("--due", "2026-12-01 23:59")
    with pytest.raises(InstructorError, match="need a due date"):
        deadline("--late-penalty", "10%/day")
