"""The gradebook on a real PostgreSQL server (``--db postgresql://...``), started by the tests.

`make test` installs PostgreSQL (Debian's ``postgresql``): without it these tests fail, saying how
to install it."""
import itertools

import pytest
from sqlalchemy import create_engine, text

from postgres_server import PostgresServer
from test_regrade import RIGHT, WRONG, check_regrade_keeps_manual_grading, rows
from toy_grading import grade_toy, make_toy_submissions

_names = itertools.count()


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def database(postgres):
    return postgres.create_database(f"gradebook{next(_names)}")


def test_server_listens_on_its_own_socket_only(postgres):
    with create_engine(postgres.url()).connect() as conn:
        assert conn.execute(text("SHOW listen_addresses")).scalar() == ""
        assert conn.execute(text("SHOW unix_socket_directories")).scalar() == str(postgres.folder)


def test_regrade_keeps_manual_grading_on_postgresql(tmp_path, database):
    out = check_regrade_keeps_manual_grading(tmp_path, database)
    assert not (out / "gradebook.db").exists()  # everything went to the server


GRADES = text("""
    SELECT a.name, s.student_id, c.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade
    FROM grade g JOIN base_cell c ON g.cell_id = c.id
    JOIN submitted_notebook n ON g.notebook_id = n.id
    JOIN submitted_assignment s ON n.assignment_id = s.id
    JOIN assignment a ON s.assignment_id = a.id
    ORDER BY a.name, s.student_id, c.name""")
COUNTS = ("student", "submitted_assignment", "submitted_notebook", "grade", "comment", "autograder_answer")


def gradebook_rows(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return ([tuple(r) for r in conn.execute(GRADES)],
                    {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in COUNTS})
    finally:
        engine.dispose()


def test_two_assignments_graded_into_one_database_at_once_match_sqlite(tmp_path, database):
    students = {"ann": (RIGHT, "Because."), "ben": (WRONG, "No idea."), "cat": ("return x + x", "")}
    made = {a: make_toy_submissions(tmp_path, students, a) for a in ("toy_a", "toy_b")}
    outs = {}
    for where in ("postgresql", "sqlite"):
        db = ["--db", database] if where == "postgresql" else ["--db", f"sqlite:///{tmp_path / 'both.db'}"]
        runs = {}
        for assignment, (notebooks, submissions, _) in made.items():
            outs[where, assignment] = tmp_path / f"{where}-{assignment}"
            runs[assignment] = grade_toy(notebooks, submissions, outs[where, assignment], "--jobs", "1", *db,
                                         assignment=assignment, popen=True)
        for assignment, process in runs.items():  # both at once
            _, stderr = process.communicate(timeout=900)
            assert process.returncode == 0, f"{where} {assignment}: {stderr}"

    for assignment in ("toy_a", "toy_b"):
        csvs = [(outs[w, assignment] / "grades.csv").read_bytes() for w in ("postgresql", "sqlite")]
        assert csvs[0] == csvs[1]
        assert sorted(rows(outs["postgresql", assignment])) == ["ann", "ben", "cat"]
    on_server, counts = gradebook_rows(database)
    assert counts == {"student": 3, "submitted_assignment": 6, "submitted_notebook": 6, "grade": 12,
                      "comment": 12, "autograder_answer": 6 * 3}
    assert on_server == gradebook_rows(f"sqlite:///{tmp_path / 'both.db'}")[0]
    assert ("toy_a", "ann", "test_double", 2.0, None, None, False) in on_server
    assert ("toy_b", "ben", "test_double", 0.0, None, None, False) in on_server


def test_without_the_server_programs_the_tests_fail_saying_how_to_install_them(monkeypatch):
    import postgres_server

    monkeypatch.setattr(postgres_server.glob, "glob", lambda pattern: [])
    with pytest.raises(RuntimeError, match=r"not installed under /usr/lib/postgresql/\*/bin.*apt-get install postgresql"):
        postgres_server.server_bin()
