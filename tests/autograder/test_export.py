"""autograder export: byte-exact files against ones written by hand from Canvas's and Moodle's documented
formats (tests/autograder/export_fixtures/), loud lists of the unmatched, clear roster errors."""
import pathlib
import shutil

import pytest

from autograder.cli import main
from autograder.course import InstructorError
from autograder.export import export
from autograder.export.results import read_grades
from autograder.export.roster import read_roster

FIXTURES = pathlib.Path(__file__).parent / "export_fixtures"


@pytest.fixture
def graded(tmp_path):
    folder = tmp_path / "graded" / "01_perceptron"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "grades.csv", folder / "grades.csv")
    return folder


@pytest.mark.parametrize("fmt, match, expected", [("canvas", "email", "canvas.csv"),
                                                  ("moodle", "email", "moodle-email.csv"),
                                                  ("moodle", "idnumber", "moodle-idnumber.csv"),
                                                  ("csv", "email", "plain.csv")])
def test_each_format_is_byte_for_byte_the_hand_written_file(graded, tmp_path, capsys, fmt, match, expected):
    out = tmp_path / "export.csv"
    status = main(["export", "01_perceptron", "--format", fmt, "--roster", str(FIXTURES / "roster.csv"),
                   "--graded", str(graded), "--out", str(out), "--name", "Perceptron", "--lms-id", "4242",
                   "--match", match])
    assert status == 0
    assert out.read_bytes() == (FIXTURES / expected).read_bytes()
    assert (tmp_path / "export.unmatched.csv").read_bytes() == (FIXTURES / "unmatched.csv").read_bytes()


def test_the_unmatched_are_listed_loudly_on_stderr(graded, capsys):
    export("01_perceptron", "canvas", FIXTURES / "roster.csv", graded_dir=graded, title="Perceptron")
    err = capsys.readouterr().err
    assert "WARNING: 1 student graded, not in the roster: not exported: erin" in err
    assert "WARNING: 1 student in the roster, no grade: exported with an empty score: frank" in err
    assert "WARNING: 1 student needs review: items graded by hand count 0: carol" in err
    assert "4 of 5 students of the roster exported to" in err and "3 to look at" in err
    # default output: beside grades.csv; the header without an LMS id is the name alone
    assert (graded / "export-canvas.csv").read_text().startswith(
        "Student,ID,SIS User ID,SIS Login ID,Section,Perceptron\n")
    assert (graded / "export-canvas.unmatched.csv").exists()


def test_without_deadline_columns_the_score_is_exported(graded):
    lines = (FIXTURES / "grades.csv").read_text().splitlines()
    keep = [0, 1, 2, 3, 4, 9, 10]  # no submitted_at, late_days, penalty, final_score
    (graded / "grades.csv").write_text("\n".join(",".join(line.split(",")[i] for i in keep)
                                                 for line in [lines[0], lines[1], lines[5]]) + "\n")
    assert {sid: g.final_score for sid, g in read_grades(graded / "grades.csv").items()} == {"alice": 17, "erin": 20}


def write(tmp_path, text):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, keys, any_key, message", [
    ("name,email\nAnn,a@x\n", ("email",), False, r"missing column student_id \(found: name, email"),
    ("student_id,name\nann,Ann\n", ("canvas_id", "sis_user_id", "sis_login_id"), True,
     "missing column canvas_id or sis_user_id or sis_login_id"),
    ("student_id,email\nann,a@x\nann,b@x\n", ("email",), False, "line 3: student_id 'ann' already on line 2"),
    ("student_id,email\nann,a@x\nben,a@x\n", ("email",), False, "line 3: email 'a@x' already on line 2"),
    ("student_id,email\nann,\n", ("email",), False, "line 2: ann has no email"),
    ("student_id,canvas_id,sis_user_id\nann,,\n", ("canvas_id", "sis_user_id", "sis_login_id"), True,
     "line 2: ann has no canvas_id or sis_user_id or sis_login_id"),
    ("student_id,email\n,a@x\n", ("email",), False, "line 2: empty student_id"),
])
def test_roster_errors_name_the_file_the_line_and_the_value(tmp_path, text, keys, any_key, message):
    with pytest.raises(InstructorError, match=message):
        read_roster(write(tmp_path, text), keys, any_key)


def test_roster_reads_a_spreadsheet_export(tmp_path):
    """A byte order mark, spaces around the header names and unknown columns are fine."""
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufeffstudent_id , email ,notes\nzoë,zoe@x,anything\n".encode("utf-8"))
    (student,) = read_roster(path, ("email",))
    assert (student.student_id, student.email, student.name) == ("zoë", "zoe@x", "")


def test_instructor_mistakes_exit_2_with_one_line(graded, tmp_path, capsys):
    assert main(["export", "01_perceptron", "--format", "moodle", "--roster", str(write(tmp_path, "student_id\nann\n")),
                 "--graded", str(graded)]) == 2
    assert "autograder: error: roster" in capsys.readouterr().err
    assert main(["export", "01_perceptron", "--format", "csv", "--roster", str(FIXTURES / "roster.csv"),
                 "--graded", str(tmp_path / "nowhere")]) == 2
    assert "no grades to export" in capsys.readouterr().err


def test_a_gradebook_without_the_assignment_is_a_warning(graded, tmp_path, capsys):
    from nbgrader.api import Gradebook

    from autograder.course import use_alembic_in_process

    use_alembic_in_process()  # a new gradebook: nbgrader would run the alembic command
    with Gradebook(f"sqlite:///{tmp_path / 'other.db'}", "course") as gb:
        gb.add_assignment("another")
    out = tmp_path / "plain.csv"
    export("01_perceptron", "csv", FIXTURES / "roster.csv", graded_dir=graded, out=out,
           db_url=f"sqlite:///{tmp_path / 'other.db'}")
    assert "the gradebook holds no submission of 01_perceptron: grades.csv's scores only" in capsys.readouterr().err
    assert out.read_bytes() == (FIXTURES / "plain.csv").read_bytes()
